-- Talking to the skillmeat language server: finding the client for a buffer, running its
-- `skillmeat.*` commands (one JSON object argument each), and what follows a command that wrote
-- files (reloading unchanged buffers, refreshing CodeLens).

local roots = require('skillmeat.roots')

local M = {}

M.name = 'skillmeat'

-- Commands that change files or the lineage; after them buffers are reloaded and lenses redrawn.
local WRITES = {
  ['skillmeat.sync'] = true,
  ['skillmeat.resolve'] = true,
  ['skillmeat.rollback'] = true,
  ['skillmeat.deploy'] = true,
  ['skillmeat.tag'] = true,
}

local function notify(msg, level)
  vim.notify('skillmeat: ' .. msg, level or vim.log.levels.INFO)
end
M.notify = notify

--- The absolute, normalized path of a buffer's file, or nil for buffers that are not files.
---@param bufnr integer
---@return string?
function M.buf_path(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return nil
  end
  return vim.fs.normalize(vim.fn.fnamemodify(name, ':p'))
end

local function inside(path, root)
  if not path or not root then
    return false
  end
  root = vim.fs.normalize(root)
  return path == root or vim.startswith(path, root:gsub('/$', '') .. '/')
end

--- The folders a client serves (its workspace folders, else its root).
---@param client vim.lsp.Client
---@return string[]
function M.roots(client)
  local out = {}
  for _, f in ipairs(client.workspace_folders or {}) do
    table.insert(out, vim.uri_to_fname(f.uri))
  end
  if #out == 0 and client.root_dir then
    table.insert(out, client.root_dir)
  end
  return out
end

--- The workspace folder of `client` holding `path`.
---@return string?
function M.root_of(client, path)
  for _, r in ipairs(M.roots(client)) do
    if inside(path, r) then
      return vim.fs.normalize(r)
    end
  end
end

--- Starts (or reuses) a client for the project holding `path` (or the current directory) without
--- attaching it to a buffer; waits up to 5 s for it to initialize.
---@return vim.lsp.Client?
local function start_for(path)
  local cfg = vim.lsp.config[M.name]
  if not cfg then
    return nil
  end
  local root = roots.project_root(path or vim.fn.getcwd())
  if not root then
    return nil
  end
  local c = vim.deepcopy(cfg)
  c.name = M.name
  c.root_dir = root
  local id = vim.lsp.start(c, { attach = false, silent = true })
  local client = id and vim.lsp.get_client_by_id(id)
  if client then
    vim.wait(5000, function()
      return client.initialized == true or client:is_stopped()
    end, 20)
    if client.initialized then
      return client
    end
  end
end

--- The skillmeat client for `bufnr` (attached, else serving its file's folder or the current
--- directory, else one started for the nearest project with a profile root, else any running one).
---@param bufnr integer?
---@return vim.lsp.Client?
function M.get(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local attached = vim.lsp.get_clients({ name = M.name, bufnr = bufnr })
  if attached[1] then
    return attached[1]
  end
  local all = vim.lsp.get_clients({ name = M.name })
  local path = M.buf_path(bufnr)
  local cwd = vim.fs.normalize(vim.fn.getcwd())
  for _, want in ipairs({ path, cwd }) do
    for _, c in ipairs(all) do
      if M.root_of(c, want) then
        return c
      end
    end
  end
  return start_for(path and vim.fs.dirname(path) or cwd) or all[1]
end

--- The artifacts of `client`'s folder holding `path`, as `skillmeat.status` lists them (nil when
--- the server cannot say). Roots the answer shows are remembered (roots.lua).
---@return table[]?
local function status_artifacts(client, path)
  local done, result = false, nil
  local params = {
    command = 'skillmeat.status',
    arguments = { { uri = vim.uri_from_fname(path) } },
  }
  local ok = pcall(function()
    client:request('workspace/executeCommand', params, function(err, r)
      done, result = true, (not err) and r or nil
    end)
  end)
  if not ok or not vim.wait(5000, function()
    return done
  end, 10) then
    return nil
  end
  local arts = type(result) == 'table' and result.artifacts or nil
  for _, a in ipairs(arts or {}) do
    if type(a.path) == 'string' then
      roots.add(a.path:match('^[^/]+'))
    end
  end
  return arts
end

--- The artifact id and the file inside it for a path under a profile root, from the path alone:
--- `skill:x`, `command:x`, `agent:x`, with `@profile` for a built-in root other than `.claude`.
local function artifact_from_layout(path)
  local _, dir, rest = roots.split(path)
  if not rest then
    return nil
  end
  local at = roots.profile_of(dir) and ('@' .. roots.profile_of(dir)) or ''
  local skill, file = rest:match('^skills/([^/]+)/(.+)$')
  if skill then
    return 'skill:' .. skill .. at, file
  end
  for _, kind in ipairs({ 'command', 'agent' }) do
    local name = rest:match('^' .. kind .. 's/(.+)%.md$')
    if name then
      return kind .. ':' .. name .. at, vim.fs.basename(rest)
    end
  end
end

--- The artifact id (`skill:x`, `skill:x@codex`, …) and the file inside it (relative to the
--- artifact) for a path under one of a project's profile roots. With a client serving the path
--- the server says (its `skillmeat.status` `path` of each artifact: every root, SkillMeat's
--- config's path maps, `@profile` ids); without one, the built-in layout is read.
---@param path string?
---@param client vim.lsp.Client?
---@return string? id, string? file
function M.artifact_of_path(path, client)
  if not path then
    return nil
  end
  local root = client and M.root_of(client, path)
  if not root then
    return artifact_from_layout(path)
  end
  local arts = status_artifacts(client, path)
  if not arts then
    return artifact_from_layout(path)
  end
  local rel = path:sub(#root:gsub('/$', '') + 2)
  for _, a in ipairs(arts) do
    if a.path == rel then
      return a.id, vim.fs.basename(rel)
    elseif vim.startswith(rel, a.path .. '/') then
      return a.id, rel:sub(#a.path + 2)
    end
  end
end

--- The artifact the buffer's file belongs to.
---@param bufnr integer?
---@return string? id, string? file
function M.artifact_of_buf(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local path = M.buf_path(bufnr)
  local client = vim.lsp.get_clients({ name = M.name, bufnr = bufnr })[1]
  return M.artifact_of_path(path, client)
end

--- A server error as one line a person can act on.
---@param err lsp.ResponseError
function M.format_error(err)
  local msg = err.message or vim.inspect(err)
  if type(err.data) == 'table' and err.data.kind then
    msg = msg .. ' (' .. err.data.kind .. ')'
  end
  return msg
end

--- Reloads every loaded, unmodified buffer of `client`'s folders whose file changed on disk, so
--- the buffer shows what a command wrote (the reload is one undoable change).
---@param client vim.lsp.Client
function M.reload_buffers(client)
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    local path = M.buf_path(b)
    if
      path
      and vim.api.nvim_buf_is_loaded(b)
      and not vim.bo[b].modified
      and M.root_of(client, path)
      and roots.split(path)
    then
      local on_disk = vim.uv.fs_stat(path)
      if on_disk then
        local lines = vim.api.nvim_buf_get_lines(b, 0, -1, false)
        local ok, disk = pcall(vim.fn.readfile, path, 'b')
        -- readfile('b') keeps a final '' for a trailing newline; the buffer's lines do not.
        if ok and disk[#disk] == '' and vim.bo[b].eol then
          table.remove(disk)
        end
        if ok and not vim.deep_equal(lines, disk) then
          vim.api.nvim_buf_call(b, function()
            vim.cmd('silent! edit')
          end)
        end
      else
        -- The command removed the file; leave the buffer, but say so.
        notify(vim.fn.fnamemodify(path, ':~:.') .. ' was removed on disk', vim.log.levels.WARN)
      end
    end
  end
end

--- Redraws CodeLens on the client's attached, loaded buffers.
---@param client vim.lsp.Client?
function M.refresh_codelens(client)
  if not client then
    return
  end
  for b in pairs(client.attached_buffers or {}) do
    if vim.api.nvim_buf_is_loaded(b) then
      pcall(vim.lsp.codelens.refresh, { bufnr = b })
    end
  end
end

--- Runs `skillmeat.<command>` with one JSON object argument. `cb(err, result)` runs on the main
--- loop; errors are also shown with vim.notify unless `opts.quiet`.
---@param command string e.g. 'skillmeat.status'
---@param args table
---@param cb fun(err: lsp.ResponseError?, result: any)?
---@param opts {bufnr?: integer, quiet?: boolean, client?: vim.lsp.Client}?
function M.execute(command, args, cb, opts)
  opts = opts or {}
  cb = cb or function() end
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  local client = opts.client or M.get(bufnr)
  if not client then
    local e = {
      code = -32803,
      message = ('no skillmeat language server is running: open a file under one of a project\'s profile roots (%s; and check :checkhealth skillmeat)'):format(
        table.concat(roots.dirs(), ', ')
      ),
    }
    if not opts.quiet then
      notify(e.message, vim.log.levels.ERROR)
    end
    cb(e, nil)
    return
  end
  args = vim.deepcopy(args or {})
  local path = M.buf_path(bufnr)
  if args.workspace == nil and args.uri == nil and path and M.root_of(client, path) then
    args.uri = vim.uri_from_fname(path)
  end
  -- An empty Lua table would go out as a JSON array; the server wants an object.
  local params = { command = command, arguments = { next(args) and args or vim.empty_dict() } }
  client:request('workspace/executeCommand', params, function(err, result)
    if err then
      if not opts.quiet then
        notify(command .. ' failed: ' .. M.format_error(err), vim.log.levels.ERROR)
      end
    elseif type(result) == 'table' and result.cancelled then
      notify(command .. ' cancelled; nothing changed')
    end
    if WRITES[command] and not args.dryRun then
      M.reload_buffers(client)
      M.refresh_codelens(client)
    end
    cb(err, result)
  end, bufnr)
end

--- Like `execute`, but waits (up to `timeout_ms`, default 10 s) and returns `err, result`.
function M.execute_sync(command, args, opts, timeout_ms)
  local done, e, r = false, nil, nil
  M.execute(command, args, function(err, result)
    done, e, r = true, err, result
  end, opts)
  if not vim.wait(timeout_ms or 10000, function()
    return done
  end, 10) then
    return { code = -32803, message = command .. ' timed out' }, nil
  end
  return e, r
end

--- Client-side handlers for the commands code actions and CodeLens carry: they run the command on
--- the server, then show its result (history, diff) or reload what it changed.
---@return table<string, fun(command: lsp.Command, ctx: table)>
function M.client_commands()
  local function forward(show)
    return function(command, ctx)
      local args = (command.arguments or {})[1] or {}
      local client = ctx.client_id and vim.lsp.get_client_by_id(ctx.client_id) or nil
      M.execute(command.command, args, function(err, result)
        if not err and show then
          show(result, args)
        end
      end, { bufnr = ctx.bufnr, client = client })
    end
  end
  local views = function()
    return require('skillmeat.views')
  end
  return {
    ['skillmeat.history'] = forward(function(r)
      views().history(r)
    end),
    ['skillmeat.diff'] = forward(function(r, args)
      views().diff(r, args.artifact)
    end),
    ['skillmeat.sync'] = forward(function(r)
      views().sync_summary(r)
    end),
    ['skillmeat.rollback'] = forward(function(r)
      if r and not r.cancelled then
        notify(('%s rolled back to %s (now %s)'):format(r.id, r.to, r.version))
      end
    end),
    ['skillmeat.resolve'] = forward(function(r)
      views().resolve_summary(r)
    end),
    ['skillmeat.deploy'] = forward(),
    ['skillmeat.compareConflict'] = forward(function(r)
      require('skillmeat.compare').open(r)
    end),
  }
end

return M
