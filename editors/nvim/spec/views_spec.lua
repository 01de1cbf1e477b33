-- :Skillmeat diff / history / rollback on a modified skill, and the CodeLens commands
-- (skillmeat.diff / skillmeat.history) shown by the plugin.
local H = require('helpers')

H.test(':Skillmeat diff, history and rollback (version picked from the history)', function()
  local ws = H.workspace({ ['collection/skills/pdf/SKILL.md'] = H.BASE }, { 'skill:pdf' })
  local changed = H.BASE:gsub('two', 'TWO')
  H.write(ws.skill('pdf'), changed)
  H.setup(ws)
  vim.cmd.edit(vim.fn.fnameescape(ws.skill('pdf')))
  local buf = vim.api.nvim_get_current_buf()
  H.wait_client(buf)
  H.wait_code(buf, 'drift-modified')

  vim.cmd('Skillmeat diff')
  local diff = H.wait('the diff buffer', function()
    return H.find_buf('skillmeat://diff/skill:pdf')
  end)
  H.eq('diff', vim.bo[diff].filetype, 'diff filetype')
  local lines = vim.api.nvim_buf_get_lines(diff, 0, -1, false)
  H.ok(vim.list_contains(lines, '-two') and vim.list_contains(lines, '+TWO'), vim.inspect(lines))
  H.ok(lines[1]:find('deployed', 1, true) and lines[1]:find('project', 1, true), lines[1])
  vim.cmd('close')

  vim.cmd('Skillmeat history')
  local hist = H.wait('the history buffer', function()
    return H.find_buf('skillmeat://history/skill:pdf')
  end)
  local hl = vim.api.nvim_buf_get_lines(hist, 0, -1, false)
  H.ok(hl[2]:match('^v2 .*local_modification'), vim.inspect(hl))
  H.ok(hl[3]:match('^v1 .*deployment.*%[deployed%]'), vim.inspect(hl))
  vim.cmd('close')

  -- The rollback picker lists the history; the server's confirmation comes through
  -- vim.ui.select too (window/showMessageRequest).
  local offered
  local asked = H.answer_selects({
    ['Roll back skill:pdf to:'] = function(v, text)
      offered = offered or {}
      table.insert(offered, text)
      return v.version == 'v1'
    end,
    [''] = function(item)
      return type(item) == 'table' and item.title == 'Yes'
    end,
  })
  vim.cmd('Skillmeat rollback')
  H.wait('the project copy to be rolled back', function()
    return H.read(ws.skill('pdf')) == H.BASE
  end)
  H.eq('Roll back skill:pdf to:', asked[1], 'first picker')
  H.ok(#asked == 2, 'a confirmation was asked: ' .. vim.inspect(asked))
  H.ok(offered[1]:match('^v2'), 'newest first: ' .. vim.inspect(offered))
  H.wait('the buffer to reload', function()
    return H.text(buf) == H.BASE
  end)
  H.wait('drift to clear', function()
    return #H.diags(buf) == 0
  end)
end)

H.test(':Skillmeat diff shows the buffer\'s unsaved text', function()
  local ws = H.workspace({ ['collection/skills/pdf/SKILL.md'] = H.BASE }, { 'skill:pdf' })
  local buf = H.open(ws, ws.skill('pdf'))
  vim.api.nvim_buf_set_lines(buf, 6, 7, false, { 'two (typed, unsaved)' })
  H.wait_code(buf, 'drift-hunk')
  vim.cmd('Skillmeat diff')
  local diff = H.wait('the diff buffer', function()
    return H.find_buf('skillmeat://diff/skill:pdf')
  end)
  local lines = vim.api.nvim_buf_get_lines(diff, 0, -1, false)
  H.ok(vim.list_contains(lines, '-two') and vim.list_contains(lines, '+two (typed, unsaved)'), vim.inspect(lines))
  H.ok(lines[1]:find('unsaved', 1, true), lines[1])
  vim.cmd('close')
end)

H.test('CodeLens commands open the history and the diff', function()
  local ws = H.workspace({ ['collection/skills/pdf/SKILL.md'] = H.BASE }, { 'skill:pdf' })
  H.write(ws.skill('pdf'), (H.BASE:gsub('one', 'ONE')))
  local buf, client = H.open(ws, ws.skill('pdf'))
  local lenses = H.wait('CodeLens', function()
    local l = vim.lsp.codelens.get(buf)
    return #l >= 3 and l
  end)
  for _, l in ipairs(lenses) do
    if l.command.title == 'Diff' or l.command.title == 'History' then
      client:exec_cmd(l.command, { bufnr = buf })
    end
  end
  local diff = H.wait('the diff view', function()
    return H.find_buf('skillmeat://diff/skill:pdf')
  end)
  H.ok(vim.list_contains(vim.api.nvim_buf_get_lines(diff, 0, -1, false), '+ONE'), 'diff shows the change')
  H.wait('the history view', function()
    return H.find_buf('skillmeat://history/skill:pdf')
  end)
end)

H.finish()
