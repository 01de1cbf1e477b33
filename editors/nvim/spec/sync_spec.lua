-- :Skillmeat sync with its vim.ui.select pickers updates an outdated artifact: from its own
-- buffer (direction and strategy picked) and from elsewhere (the artifact picked too).
local H = require('helpers')

H.test(':Skillmeat sync updates an outdated skill through the pickers', function()
  local ws = H.workspace({
    ['collection/skills/pdf/SKILL.md'] = H.BASE,
    ['collection/commands/review.md'] = 'Review.\n',
  }, { 'skill:pdf', 'command:review' })
  local newer = H.BASE:gsub('three', 'three\nfour (new in the collection)')
  H.write(ws.path('collection/skills/pdf/SKILL.md'), newer)
  H.write(ws.path('collection/skills/pdf/reference.md'), 'A new file.\n')
  H.setup(ws)

  vim.cmd.edit(vim.fn.fnameescape(ws.skill('pdf')))
  local buf = vim.api.nvim_get_current_buf()
  H.wait_client(buf)
  H.wait_code(buf, 'drift-outdated')

  local asked = H.answer_selects({
    ['Sync direction'] = 'collection-to-project',
    ['Sync strategy'] = 'auto',
  })
  vim.cmd('Skillmeat sync')
  H.wait('the project copy to be updated on disk', function()
    return H.read(ws.skill('pdf')) == newer
  end)
  H.eq({ 'Sync direction:', 'Sync strategy:' }, asked, 'pickers asked')
  H.eq('A new file.\n', H.read(ws.project .. '/.claude/skills/pdf/reference.md'), 'added file')
  H.wait('the buffer to show the new text', function()
    return H.text(buf) == newer
  end)
  H.ok(not vim.bo[buf].modified, 'the reloaded buffer is unmodified')
  H.wait('the outdated warning to go', function()
    return #H.diags(buf) == 0
  end)
  local code, stdout = H.cli(ws, { '--json', 'status' })
  H.eq(0, code, 'CLI status exit code after the sync: ' .. stdout)
end)

H.test(':Skillmeat sync picks the artifact when the buffer is not one', function()
  local ws = H.workspace({ ['collection/commands/review.md'] = 'Review.\n' }, { 'command:review' })
  H.write(ws.path('collection/commands/review.md'), 'Review, now with a checklist.\n')
  H.setup(ws)
  vim.cmd('silent! %bwipeout!')
  vim.cmd.cd(vim.fn.fnameescape(ws.project))
  vim.cmd.enew()

  local asked = H.answer_selects({
    ['Sync which artifact'] = 'command:review',
    ['Sync direction'] = 'collection-to-project',
    ['Sync strategy'] = 'auto',
  })
  vim.cmd('Skillmeat sync')
  H.wait('the command to be updated on disk', function()
    return H.read(ws.project .. '/.claude/commands/review.md') == 'Review, now with a checklist.\n'
  end)
  H.eq({ 'Sync which artifact?', 'Sync direction:', 'Sync strategy:' }, asked, 'pickers asked')
end)

H.finish()
