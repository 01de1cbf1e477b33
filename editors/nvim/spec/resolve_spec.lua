-- :Skillmeat resolve with the choice picker rewrites the conflict regions on disk, the buffer
-- follows, and the conflict diagnostics go.
local H = require('helpers')

H.test(':Skillmeat resolve takes the picked side and records the resolution', function()
  local ws = H.pdf_conflict()
  local ours = H.BASE:gsub('two', 'two (project)')
  H.setup(ws)
  vim.cmd.edit(vim.fn.fnameescape(ws.skill('pdf')))
  local buf = vim.api.nvim_get_current_buf()
  H.wait_client(buf)
  H.wait_code(buf, 'conflict-unresolved')

  local asked = H.answer_selects({ ['Resolve skill:pdf SKILL.md'] = 'ours' })
  vim.cmd('Skillmeat resolve')
  H.wait('the file to keep our side', function()
    return H.read(ws.skill('pdf')) == ours
  end)
  H.eq({ 'Resolve skill:pdf SKILL.md:' }, asked, 'the choice picker')
  H.wait('the buffer to reload', function()
    return H.text(buf) == ours
  end)
  H.wait('the conflict diagnostics to go', function()
    for _, d in ipairs(H.diags(buf)) do
      if d.code == 'conflict-unresolved' then
        return false
      end
    end
    return true
  end)
end)

H.test(':Skillmeat resolve refuses while the buffer has unsaved changes', function()
  local buf = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_lines(buf, 0, 0, false, { 'unsaved' })
  local asked = H.answer_selects({ ['Resolve'] = 'theirs' })
  -- An ERROR notification inside a command is raised as an error.
  local ok, err = pcall(vim.cmd, 'Skillmeat resolve theirs')
  local said = tostring(err) .. vim.fn.execute('messages')
  H.ok(said:find('save first', 1, true), 'the refusal says to save first: ' .. said)
  H.ok(not ok or said:find('save first'), 'refused')
  H.ok(H.read(vim.api.nvim_buf_get_name(buf)):find('two (project)', 1, true), 'disk unchanged')
  H.eq({}, asked, 'no picker with the choice given')
  vim.cmd('silent undo')
end)

H.finish()
