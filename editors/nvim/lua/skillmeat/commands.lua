-- The `:Skillmeat status|sync|rollback|history|diff|resolve|quickfix` user commands:
-- `vim.ui.select` pickers for what is missing, and the server command each one runs. The command
-- line itself (parsing, dispatch, completion) is `skillmeat.cmdline`.

local C = require('skillmeat.client')
local views = require('skillmeat.views')
local qf = require('skillmeat.quickfix')

local M = {}

M.DIRECTIONS = { 'collection-to-project', 'project-to-collection', 'upstream-to-collection' }
M.STRATEGIES = { 'auto', 'overwrite', 'ours', 'theirs', 'fork' }
M.CHOICES = { 'ours', 'theirs', 'both', 'base', 'none', 'check' }
M.SUBCOMMANDS = { 'status', 'sync', 'rollback', 'history', 'diff', 'resolve', 'quickfix', 'next', 'prev' }

local DESCRIBE = {
  ['collection-to-project'] = 'take the collection\'s version into this project',
  ['project-to-collection'] = 'push this project\'s copy into the collection',
  ['upstream-to-collection'] = 'take the upstream\'s changes into the collection',
  auto = 'fast-forward, else three-way merge (conflicts left as markers)',
  overwrite = 'take the source; the target is stored as a version first',
  ours = 'three-way merge, conflicting hunks take the target\'s side',
  theirs = 'three-way merge, conflicting hunks take the source\'s side',
  fork = 'write the project copy to the collection as <name>-fork',
  -- resolve choices
  both = 'keep both sides, ours first',
  base = 'keep the common ancestor\'s text',
  none = 'drop the region (neither side)',
  check = 'no rewrite: check no markers remain and record the resolution',
}
local CHOICE_DESCRIBE = {
  ours = 'keep ours (the project\'s side)',
  theirs = 'keep theirs (the collection\'s side)',
}

--- The last `skillmeat.status` result (for completion and pickers).
M.last_status = nil

local function config()
  return require('skillmeat').config
end

local function cancelled(what)
  C.notify(what .. ': cancelled')
end

--- `vim.ui.select` over plain strings, with a description after each.
local function pick(items, prompt, describe, cb)
  vim.ui.select(items, {
    prompt = prompt,
    kind = 'skillmeat',
    format_item = function(item)
      local d = describe and describe[item]
      return d and ('%-24s %s'):format(item, d) or item
    end,
  }, cb)
end

--- Buffers with unsaved changes that belong to `artifact` (or to any artifact when nil).
local function unsaved(artifact)
  local out = {}
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) and vim.bo[b].modified then
      local id = C.artifact_of_buf(b)
      if id and (artifact == nil or artifact == id) then
        table.insert(out, vim.fn.fnamemodify(vim.api.nvim_buf_get_name(b), ':~:.'))
      end
    end
  end
  return out
end

local function refuse_unsaved(artifact, what)
  local u = unsaved(artifact)
  if #u > 0 then
    C.notify(
      ('%s works on the files on disk; save first (:wall): %s'):format(what, table.concat(u, ', ')),
      vim.log.levels.ERROR
    )
    return true
  end
  return false
end

--- Calls `cb(artifact_id)`: the given one, else the current buffer's, else one picked from the
--- status list (`allow_all` adds an "all" item, which yields the string 'all').
local function with_artifact(opts, prompt, cb)
  if opts.artifact then
    return cb(opts.artifact)
  end
  local id = C.artifact_of_buf(0)
  if id then
    return cb(id)
  end
  C.execute('skillmeat.status', {}, function(err, status)
    if err then
      return
    end
    M.last_status = status
    local items = {}
    if opts.allow_all then
      table.insert(items, 'all')
    end
    local arts = vim.deepcopy(status.artifacts or {})
    table.sort(arts, function(a, b)
      if (a.state == 'synced') ~= (b.state == 'synced') then
        return b.state == 'synced'
      end
      return a.id < b.id
    end)
    local states = {}
    for _, a in ipairs(arts) do
      if not opts.filter or opts.filter(a) then
        table.insert(items, a.id)
        states[a.id] = a.state .. (type(a.version) == 'string' and (' ' .. a.version) or '')
      end
    end
    states.all = 'every artifact'
    if #items == 0 then
      C.notify('no artifacts to choose from', vim.log.levels.WARN)
      return
    end
    pick(items, prompt, states, function(choice)
      if not choice then
        return cancelled(prompt)
      end
      cb(choice)
    end)
  end)
end

--- `skillmeat.status`: a summary message and the quickfix list of drift and conflicts.
---@param opts {open?: boolean, quiet?: boolean}?
function M.status(opts)
  opts = opts or {}
  local bufnr = vim.api.nvim_get_current_buf()
  C.execute('skillmeat.status', {}, function(err, status)
    if err then
      return
    end
    M.last_status = status
    if type(status.workspace) ~= 'string' or not status.workspace:match('^/') then
      local client = C.get(bufnr)
      status.workspace = client and client.root_dir or vim.fn.getcwd()
    end
    local open = opts.open
    if open == nil then
      open = config().open_quickfix
    end
    local items = qf.from_status(status, open)
    if not opts.quiet then
      local parts = {}
      for state, n in vim.spairs(status.summary or {}) do
        table.insert(parts, ('%d %s'):format(n, state))
      end
      C.notify(
        ('%s — %s; %d in the quickfix list'):format(
          vim.fn.fnamemodify(status.workspace, ':~'),
          #parts > 0 and table.concat(parts, ', ') or 'no artifacts',
          #items
        )
      )
    end
  end, { bufnr = bufnr })
end

--- The quickfix list from the diagnostics alone.
function M.quickfix(opts)
  opts = opts or {}
  local open = opts.open
  if open == nil then
    open = config().open_quickfix
  end
  return qf.from_diagnostics(open)
end

--- `skillmeat.sync` with direction and strategy pickers for what is not given.
---@param opts {artifact?: string, all?: boolean, direction?: string, strategy?: string, dryRun?: boolean}?
function M.sync(opts)
  opts = vim.deepcopy(opts or {})
  local function run(target)
    local args = {
      direction = opts.direction,
      strategy = opts.strategy,
      dryRun = opts.dryRun or nil,
    }
    if target == 'all' then
      args.all = true
    else
      args.artifact = target
    end
    if
      not args.dryRun
      and args.direction ~= 'upstream-to-collection'
      and refuse_unsaved(args.all and nil or target, 'sync')
    then
      return
    end
    C.execute('skillmeat.sync', args, function(err, r)
      if err then
        return
      end
      if args.dryRun and type(r) == 'table' then
        M.show_plan(r)
      else
        views.sync_summary(r)
      end
    end)
  end
  local function strategy(target)
    if opts.strategy then
      return run(target)
    end
    local items = {}
    for _, s in ipairs(M.STRATEGIES) do
      if s ~= 'fork' or opts.direction == 'project-to-collection' then
        table.insert(items, s)
      end
    end
    pick(items, 'Sync strategy:', DESCRIBE, function(s)
      if not s then
        return cancelled('sync')
      end
      opts.strategy = s
      run(target)
    end)
  end
  local function direction(target)
    if opts.direction then
      return strategy(target)
    end
    pick(M.DIRECTIONS, 'Sync direction:', DESCRIBE, function(d)
      if not d then
        return cancelled('sync')
      end
      opts.direction = d
      strategy(target)
    end)
  end
  if opts.all then
    return direction('all')
  end
  with_artifact({ artifact = opts.artifact, allow_all = true }, 'Sync which artifact?', direction)
end

--- A dry-run plan in a scratch buffer.
function M.show_plan(r)
  local lines = { '# sync plan (dry run): nothing was changed' }
  for _, res in ipairs(r.results or {}) do
    if res.error then
      table.insert(lines, ('%s: error: %s'):format(res.id or '?', res.error))
    else
      table.insert(
        lines,
        ('%s  %s  %s/%s  conflicts: %d  semver: %s'):format(
          res.id,
          res.kind,
          res.direction,
          res.strategy,
          res.conflicts or 0,
          tostring(res.semver)
        )
      )
      for _, f in ipairs(res.files or {}) do
        local extra = type(f.conflict) == 'string' and ('  (' .. f.conflict .. ')') or ''
        table.insert(lines, ('    %-8s %s%s'):format(f.action, f.path, extra))
      end
      for _, w in ipairs(res.warnings or {}) do
        table.insert(lines, '    warning: ' .. w)
      end
    end
  end
  return views.scratch('skillmeat://sync-plan', lines, 'skillmeat-plan')
end

--- `skillmeat.rollback`, the version picked from `skillmeat.history` unless `to` is given.
---@param opts {artifact?: string, to?: string}?
function M.rollback(opts)
  opts = opts or {}
  with_artifact({ artifact = opts.artifact }, 'Roll back which artifact?', function(id)
    local function run(to)
      if refuse_unsaved(id, 'rollback') then
        return
      end
      C.execute('skillmeat.rollback', { artifact = id, to = to }, function(err, r)
        if not err and type(r) == 'table' and not r.cancelled then
          C.notify(('%s rolled back to %s (now %s)'):format(id, to, tostring(r.version)))
        end
      end)
    end
    if opts.to then
      return run(opts.to)
    end
    C.execute('skillmeat.history', { artifact = id }, function(err, h)
      if err then
        return
      end
      local versions = vim.tbl_filter(function(v)
        return v.has_content ~= false
      end, h.versions or {})
      if #versions == 0 then
        return C.notify(id .. ' has no stored version to roll back to', vim.log.levels.WARN)
      end
      vim.ui.select(versions, {
        prompt = ('Roll back %s to:'):format(id),
        kind = 'skillmeat.version',
        format_item = views.version_line,
      }, function(v)
        if not v then
          return cancelled('rollback')
        end
        run(v.version)
      end)
    end)
  end)
end

--- `skillmeat.history` in a scratch buffer.
function M.history(opts)
  opts = opts or {}
  with_artifact({ artifact = opts.artifact }, 'History of which artifact?', function(id)
    C.execute('skillmeat.history', { artifact = id }, function(err, h)
      if not err then
        views.history(h)
      end
    end)
  end)
end

--- `skillmeat.diff` (default deployed -> project) in a `diff` scratch buffer.
---@param opts {artifact?: string, from?: string, to?: string}?
function M.diff(opts)
  opts = opts or {}
  with_artifact({ artifact = opts.artifact }, 'Diff which artifact?', function(id)
    C.execute('skillmeat.diff', { artifact = id, from = opts.from, to = opts.to }, function(err, r)
      if not err then
        views.diff(r, id)
      end
    end)
  end)
end

--- `skillmeat.resolve` with a choice picker; in an artifact's buffer only that file is rewritten.
---@param opts {artifact?: string, file?: string|false, choice?: string}?
function M.resolve(opts)
  opts = opts or {}
  local file = opts.file
  if file == nil and not opts.artifact then
    local _, f = C.artifact_of_buf(0)
    file = f
  end
  with_artifact({
    artifact = opts.artifact,
    filter = function(a)
      return a.state == 'conflict' or a.state == 'modified'
    end,
  }, 'Resolve which artifact?', function(id)
    local function run(choice)
      if refuse_unsaved(id, 'resolve') then
        return
      end
      local args = { artifact = id, file = file or nil }
      if choice ~= 'check' then
        args.choice = choice
      end
      C.execute('skillmeat.resolve', args, function(err, r)
        if not err then
          views.resolve_summary(r)
        end
      end)
    end
    if opts.choice then
      return run(opts.choice)
    end
    local describe = vim.tbl_extend('force', DESCRIBE, CHOICE_DESCRIBE)
    pick(M.CHOICES, ('Resolve %s%s:'):format(id, file and (' ' .. file) or ''), describe, function(c)
      if not c then
        return cancelled('resolve')
      end
      run(c)
    end)
  end)
end

--- `:Skillmeat next [hunk]`: the next conflict region (or drift hunk) of the buffer.
function M.next(opts)
  return require('skillmeat.navigate').jump(1, opts.kind)
end

--- `:Skillmeat prev [hunk]`: the previous one.
function M.prev(opts)
  return require('skillmeat.navigate').jump(-1, opts.kind)
end

return M
