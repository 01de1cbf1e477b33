-- What the commands show: scratch buffers for a diff (filetype diff) and a history, and one-line
-- summaries of sync and resolve results.

local M = {}

local notify = function(msg, level)
  vim.notify('skillmeat: ' .. msg, level or vim.log.levels.INFO)
end

--- Opens (or reuses) a read-only scratch buffer named `name` in a split, with `lines`.
---@param name string
---@param lines string[]
---@param filetype string
---@return integer bufnr
function M.scratch(name, lines, filetype)
  local buf = vim.fn.bufnr(name)
  if buf == -1 or not vim.api.nvim_buf_is_valid(buf) then
    buf = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(buf, name)
  end
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].modified = false
  vim.bo[buf].filetype = filetype
  local win = vim.fn.bufwinid(buf)
  if win == -1 then
    vim.cmd('botright split')
    vim.api.nvim_win_set_buf(0, buf)
  else
    vim.api.nvim_set_current_win(win)
  end
  vim.keymap.set('n', 'q', '<cmd>close<cr>', { buffer = buf, nowait = true, desc = 'Close' })
  return buf
end

local function plural(n, word)
  return ('%d %s%s'):format(n, word, n == 1 and '' or 's')
end

local function short(hash)
  return type(hash) == 'string' and hash:sub(1, 7) or '-'
end

--- The unified diff of a `skillmeat.diff` result in a `diff` buffer.
---@param r table {from, to, from_hash, to_hash, files = {{path, diff}}}
---@param artifact string?
function M.diff(r, artifact)
  if type(r) ~= 'table' then
    return
  end
  local lines = {
    ('# %s: %s (%s) -> %s (%s)'):format(
      artifact or r.id or 'artifact',
      tostring(r.from),
      short(r.from_hash),
      tostring(r.to),
      short(r.to_hash)
    ),
  }
  if #(r.files or {}) == 0 then
    table.insert(lines, '# no differences')
  end
  for _, f in ipairs(r.files or {}) do
    local d = f.diff or ''
    if not d:find('^%-%-%- ') then
      table.insert(lines, 'diff ' .. f.path)
    end
    vim.list_extend(lines, vim.split(d:gsub('\n$', ''), '\n', { plain = true }))
  end
  return M.scratch(('skillmeat://diff/%s'):format(artifact or r.id or 'artifact'), lines, 'diff')
end

--- One line for a `skillmeat.history` version.
function M.version_line(v)
  local marks = {}
  if v.baseline then
    table.insert(marks, 'deployed')
  end
  if v.tag and v.tag ~= vim.NIL then
    table.insert(marks, 'tag ' .. v.tag)
  end
  if v.has_content == false then
    table.insert(marks, 'no content')
  end
  local when = type(v.created_at) == 'string' and v.created_at:sub(1, 16):gsub('T', ' ') or ''
  local line = ('%-5s %s  %-18s %s'):format(v.version, short(v.hash), v.origin or '', when)
  if #marks > 0 then
    line = line .. '  [' .. table.concat(marks, ', ') .. ']'
  end
  if type(v.message) == 'string' then
    line = line .. '  ' .. v.message
  end
  return line
end

--- A `skillmeat.history` result in a scratch buffer; `<CR>` on a version diffs it against the
--- project copy.
---@param r table {id, versions}
function M.history(r)
  if type(r) ~= 'table' then
    return
  end
  local lines = { ('# %s: %d versions, newest first (<CR>: diff against the project)'):format(
    r.id,
    #(r.versions or {})
  ) }
  for _, v in ipairs(r.versions or {}) do
    table.insert(lines, M.version_line(v))
  end
  local buf = M.scratch(('skillmeat://history/%s'):format(r.id), lines, 'skillmeat-history')
  vim.keymap.set('n', '<CR>', function()
    local rev = vim.api.nvim_get_current_line():match('^(v%d+)')
    if rev then
      require('skillmeat.commands').diff({ artifact = r.id, from = rev, to = 'project' })
    end
  end, { buffer = buf, desc = 'Diff this version against the project' })
  return buf
end

--- Says what a `skillmeat.sync` did.
function M.sync_summary(r)
  if type(r) ~= 'table' or r.cancelled then
    return
  end
  local s = r.summary or {}
  local parts = {}
  for _, res in ipairs(r.results or {}) do
    if res.error then
      table.insert(parts, ('%s: %s'):format(res.id or '?', res.error))
    else
      local p = ('%s %s'):format(res.id, res.kind)
      if (res.conflicts or 0) > 0 then
        p = p .. (' (%d conflicts left as markers)'):format(res.conflicts)
      end
      table.insert(parts, p)
    end
  end
  local head = r.applied and 'sync applied' or 'sync plan (dry run)'
  local level = ((s.conflicts or 0) > 0 or (s.errors or 0) > 0) and vim.log.levels.WARN
    or vim.log.levels.INFO
  notify(
    ('%s: %d fast-forwarded, %d merged, %d with conflicts, %d skipped, %d errors%s'):format(
      head,
      s.fast_forwarded or 0,
      s.merged_clean or 0,
      s.conflicts or 0,
      s.skipped or 0,
      s.errors or 0,
      #parts > 0 and ('\n' .. table.concat(parts, '\n')) or ''
    ),
    level
  )
end

--- Says what a `skillmeat.resolve` did and what is left.
function M.resolve_summary(r)
  if type(r) ~= 'table' then
    return
  end
  local n = 0
  for _, f in ipairs(r.rewritten or {}) do
    n = n + (f.regions or 0)
  end
  if #(r.remaining or {}) > 0 then
    local where = {}
    for _, f in ipairs(r.remaining) do
      table.insert(where, ('%s:%d'):format(f.path, f.line))
    end
    notify(
      ('%s: %s resolved; markers remain in %s'):format(r.id, plural(n, 'region'), table.concat(where, ', ')),
      vim.log.levels.WARN
    )
  else
    local v = type(r.version) == 'string' and r.version or 'no new version'
    notify(('%s: %s resolved; resolution recorded (%s)'):format(r.id, plural(n, 'region'), v))
  end
end

return M
