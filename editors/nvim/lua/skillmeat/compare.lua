-- A conflict region's sides side by side: the `Compare` lens runs `skillmeat.compareConflict`,
-- whose result (the region's ours / theirs text and labels) opens here as a diff of two scratch
-- buffers in a new tab page (`q` or `:tabclose` closes it).

local M = {}

local function side(name, text, filetype)
  local buf = vim.api.nvim_create_buf(false, true)
  local lines = vim.split(text or '', '\n', { plain = true })
  if lines[#lines] == '' then
    table.remove(lines)
  end
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  vim.bo[buf].modifiable = false
  vim.bo[buf].filetype = filetype
  -- Unique names: two comparisons of one region may be open at once.
  pcall(vim.api.nvim_buf_set_name, buf, ('skillmeat://%s [%d]'):format(name, buf))
  vim.keymap.set('n', 'q', '<cmd>tabclose<cr>', { buffer = buf, nowait = true, desc = 'Close the comparison' })
  return buf
end

--- Opens ours against theirs of a `skillmeat.compareConflict` result; returns the two buffers.
---@param r table {file, region, ours, theirs, labels = {ours, theirs}}
---@return integer? ours, integer? theirs
function M.open(r)
  if type(r) ~= 'table' then
    return
  end
  local labels = r.labels or {}
  local title = function(which, label)
    return ('%s #%d %s%s'):format(r.file or 'region', (r.region or 0) + 1, which, label and label ~= vim.NIL and (' (' .. label .. ')') or '')
  end
  local ft = vim.filetype.match({ filename = r.file or '' }) or 'markdown'
  vim.cmd('tabnew')
  local scratch = vim.api.nvim_get_current_buf()
  local ours = side(title('ours', labels.ours), r.ours, ft)
  vim.api.nvim_win_set_buf(0, ours)
  if vim.api.nvim_buf_is_valid(scratch) and scratch ~= ours then
    pcall(vim.api.nvim_buf_delete, scratch, { force = true })
  end
  vim.cmd('diffthis')
  vim.cmd('rightbelow vsplit')
  local theirs = side(title('theirs', labels.theirs), r.theirs, ft)
  vim.api.nvim_win_set_buf(0, theirs)
  vim.cmd('diffthis')
  return ours, theirs
end

return M
