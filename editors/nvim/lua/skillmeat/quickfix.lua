-- Drift and conflicts in the quickfix list: from the server's diagnostics (source `skillmeat`,
-- published for unopened files too) and from `skillmeat.status` (which also knows artifacts with
-- no file left to put a diagnostic on).

local M = {}

M.TITLE = 'skillmeat'

local TYPE = { 'E', 'W', 'I', 'N' }

-- Artifact-level codes, which a status list already has one line for.
local ARTIFACT_CODES = {
  ['drift-modified'] = true,
  ['drift-outdated'] = true,
  ['drift-conflict'] = true,
  ['drift-orphaned'] = true,
}

--- Quickfix items for the server's diagnostics in every buffer (loaded or not).
---@param opts {hunks?: boolean, skip_artifact_level?: boolean}?
---@return table[]
function M.diagnostic_items(opts)
  opts = opts or {}
  local items = {}
  for _, d in ipairs(vim.diagnostic.get(nil)) do
    local code = d.code
    if
      d.source == 'skillmeat'
      and (opts.hunks or code ~= 'drift-hunk')
      and not (opts.skip_artifact_level and ARTIFACT_CODES[code])
    then
      table.insert(items, {
        bufnr = d.bufnr,
        lnum = d.lnum + 1,
        col = d.col + 1,
        end_lnum = d.end_lnum and d.end_lnum + 1 or nil,
        end_col = d.end_col and d.end_col + 1 or nil,
        text = ('[%s] %s'):format(code or 'skillmeat', (d.message:gsub('\n', ' '))),
        type = TYPE[d.severity] or 'I',
      })
    end
  end
  return items
end

--- The main file of a `status` artifact, as the server names it (`main_file`, relative to the
--- workspace root: SKILL.md for skills, the .md file for commands, agents and hooks, an MCP
--- server's manifest).
---@param root string
---@param a table a `status` artifact
function M.main_file(root, a)
  return vim.fs.joinpath(root, a.main_file)
end

local STATE_TYPE = {
  conflict = 'W',
  outdated = 'W',
  removed = 'W',
  error = 'E',
  modified = 'I',
  orphaned = 'I',
  untracked = 'I',
}

--- Quickfix items for every artifact of a `skillmeat.status` result that is not synced.
---@param status table
---@param opts {untracked?: boolean}?
---@return table[]
function M.status_items(status, opts)
  opts = opts or {}
  local items = {}
  local root = status.workspace
  for _, a in ipairs(status.artifacts or {}) do
    if a.state ~= 'synced' and (opts.untracked or a.state ~= 'untracked') then
      local version = type(a.version) == 'string' and (' ' .. a.version) or ''
      local text = ('%s %s%s'):format(a.id, a.state, version)
      if type(a.error) == 'string' then
        text = text .. ': ' .. a.error
      end
      if type(a.unresolved) == 'table' then
        -- A sync's conflict that is still open: say where and how to finish.
        text = ('%s: unresolved markers at %s:%d; accept a side per region (code action) or :Skillmeat resolve'):format(
          text,
          a.unresolved.file,
          a.unresolved.line
        )
      end
      table.insert(items, {
        filename = M.main_file(root, a),
        lnum = 1,
        col = 1,
        text = text,
        type = STATE_TYPE[a.state] or 'I',
      })
    end
  end
  return items
end

--- Replaces the skillmeat quickfix list (or adds one) and opens the window when `open`.
---@param items table[]
---@param open boolean?
function M.set(items, open)
  table.sort(items, function(a, b)
    local fa = a.filename or vim.api.nvim_buf_get_name(a.bufnr or 0)
    local fb = b.filename or vim.api.nvim_buf_get_name(b.bufnr or 0)
    if fa ~= fb then
      return fa < fb
    end
    return (a.lnum or 0) < (b.lnum or 0)
  end)
  local current = vim.fn.getqflist({ title = 0 }).title
  local action = current == M.TITLE and 'r' or ' '
  vim.fn.setqflist({}, action, { title = M.TITLE, items = items })
  if open then
    if #items > 0 then
      vim.cmd('botright copen')
    else
      vim.cmd('cclose')
    end
  end
  return items
end

--- Quickfix list from the diagnostics alone (no server round trip).
function M.from_diagnostics(open)
  return M.set(M.diagnostic_items(), open)
end

--- Quickfix list from a status result plus the per-region conflict diagnostics.
function M.from_status(status, open)
  local items = M.status_items(status)
  vim.list_extend(items, M.diagnostic_items({ skip_artifact_level = true }))
  return M.set(items, open)
end

return M
