-- doc/skillmeat.txt has valid tags for every command, and :help finds them.
local H = require('helpers')

H.test('the help file has tags for every command and :help opens them', function()
  local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
  local doc = vim.fn.fnamemodify(here, ':h') .. '/doc/skillmeat.txt'
  local tmp = vim.fn.tempname()
  vim.fn.mkdir(tmp .. '/doc', 'p')
  vim.fn.writefile(vim.fn.readfile(doc), tmp .. '/doc/skillmeat.txt')
  vim.cmd('helptags ' .. vim.fn.fnameescape(tmp .. '/doc'))
  vim.opt.runtimepath:prepend(tmp)
  for _, tag in ipairs({
    'skillmeat.txt',
    'skillmeat',
    ':Skillmeat',
    ':Skillmeat-status',
    ':Skillmeat-sync',
    ':Skillmeat-rollback',
    ':Skillmeat-history',
    ':Skillmeat-diff',
    ':Skillmeat-resolve',
    ':Skillmeat-quickfix',
    ':Skillmeat-log',
    'skillmeat-setup',
    'skillmeat-settings',
    'skillmeat-health',
    'skillmeat.setup()',
  }) do
    local ok, err = pcall(vim.cmd, 'help ' .. tag)
    H.ok(ok, ('no help for %s: %s'):format(tag, tostring(err)))
    H.ok(vim.api.nvim_buf_get_name(0):find('skillmeat.txt', 1, true), tag .. ' opened ' .. vim.api.nvim_buf_get_name(0))
    vim.cmd('helpclose')
  end
  -- Every |link| points at a tag that exists (here or in Neovim's own help).
  local text = table.concat(vim.fn.readfile(doc), '\n')
  for link in text:gmatch('|([^|%s]+)|') do
    H.ok(#vim.fn.getcompletion(link, 'help') > 0, 'dangling link |' .. link .. '|')
  end
end)

H.finish()
