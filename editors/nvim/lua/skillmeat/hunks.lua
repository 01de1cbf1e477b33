-- Drift hunks under the cursor: `:Skillmeat revert` puts the deployed text back for the hunk
-- on the cursor line, as a buffer edit (unsaved; `:undo` takes it back). The server's hover on
-- such a line shows the deployed text as a diff and names this command's link.

local M = {}

--- Reverts the drift hunk covering the cursor line of `bufnr` (0: current).
---@param bufnr integer?
function M.revert(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  require('skillmeat.client').execute(
    'skillmeat.revertHunk',
    { uri = vim.uri_from_bufnr(bufnr), line = line },
    nil,
    { bufnr = bufnr }
  )
end

return M
