-- Next / previous conflict region and drift hunk in the current buffer, from the server's
-- diagnostics (`conflict-unresolved` / `conflict-malformed`, `drift-hunk`); wraps around.
-- `:Skillmeat next|prev [hunk]` and the `]x` `[x` `]h` `[h` mappings use it.

local M = {}

local CODES = {
  conflict = { ['conflict-unresolved'] = true, ['conflict-malformed'] = true },
  hunk = { ['drift-hunk'] = true },
}

--- Moves the cursor to the next (`dir` 1) or previous (-1) `kind` ('conflict' or 'hunk') of
--- buffer `bufnr` (0: current); returns the diagnostic, or nil (and says so) when there is none.
---@param dir integer
---@param kind string?
---@param bufnr integer?
function M.jump(dir, kind, bufnr)
  kind = kind or 'conflict'
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local lines = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'skillmeat' and CODES[kind][d.code] then
      table.insert(lines, d)
    end
  end
  if #lines == 0 then
    vim.notify(('skillmeat: no %s in this buffer'):format(kind == 'hunk' and 'drift hunk' or 'conflict'))
    return nil
  end
  table.sort(lines, function(a, b)
    return a.lnum < b.lnum
  end)
  local row = vim.api.nvim_win_get_cursor(0)[1] - 1
  local pick
  if dir > 0 then
    for _, d in ipairs(lines) do
      if d.lnum > row then
        pick = d
        break
      end
    end
    pick = pick or lines[1]
  else
    for i = #lines, 1, -1 do
      if lines[i].lnum < row then
        pick = lines[i]
        break
      end
    end
    pick = pick or lines[#lines]
  end
  vim.api.nvim_win_set_cursor(0, { pick.lnum + 1, pick.col })
  return pick
end

--- Buffer-local mappings (`maps` from setup's `mappings`; a false entry leaves that key alone).
function M.map(bufnr, maps)
  local spec = {
    { maps.next_conflict, 1, 'conflict', 'next conflict' },
    { maps.prev_conflict, -1, 'conflict', 'previous conflict' },
    { maps.next_hunk, 1, 'hunk', 'next drift hunk' },
    { maps.prev_hunk, -1, 'hunk', 'previous drift hunk' },
  }
  for _, s in ipairs(spec) do
    if s[1] then
      vim.keymap.set('n', s[1], function()
        M.jump(s[2], s[3])
      end, { buffer = bufnr, desc = 'skillmeat: ' .. s[4] })
    end
  end
end

return M
