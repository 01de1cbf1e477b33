-- :checkhealth skillmeat passes (no ERROR) with the server attached, and reports a missing
-- binary as an ERROR.
local H = require('helpers')

local function health_lines()
  vim.cmd('silent checkhealth skillmeat')
  local buf = vim.api.nvim_get_current_buf()
  H.eq('checkhealth', vim.bo[buf].filetype, 'the health buffer')
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  vim.cmd('silent tabclose')
  return lines, table.concat(lines, '\n')
end

H.test(':checkhealth skillmeat passes with the server attached', function()
  local ws = H.workspace({ ['collection/commands/review.md'] = 'Review.\n' }, { 'command:review' })
  H.setup(ws)
  vim.cmd.edit(vim.fn.fnameescape(ws.project .. '/.claude/commands/review.md'))
  H.wait_client(0)
  local _, text = health_lines()
  H.ok(not text:find('ERROR', 1, true), 'no ERROR in:\n' .. text)
  H.ok(text:find('OK Neovim 0.11', 1, true), 'Neovim version checked:\n' .. text)
  H.ok(text:find('OK runs: skillmeat%-lsp %d'), 'binary runs:\n' .. text)
  H.ok(text:find('offers every command', 1, true), 'commands checked:\n' .. text)
  H.ok(text:find('running) for ' .. ws.project, 1, true), 'client attached:\n' .. text)
end)

H.test(':checkhealth skillmeat reports a missing binary as an ERROR', function()
  for _, c in ipairs(vim.lsp.get_clients({ name = 'skillmeat' })) do
    c:stop(true)
  end
  require('skillmeat').setup({ server_path = '/nonexistent/skillmeat-lsp' })
  local _, text = health_lines()
  H.ok(text:find('ERROR `/nonexistent/skillmeat-lsp` was not found', 1, true), text)
end)

H.finish()
