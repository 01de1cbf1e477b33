-- :Skillmeat log shows the audit trail (skillmeat.log) in a scratch buffer, newest first, and
-- narrows to one artifact with <CR>; a kept skill's drift is a hint naming the reason.
local H = require('helpers')

H.test(':Skillmeat log lists the events newest first and <CR> narrows to one artifact', function()
  local ws = H.workspace({
    ['collection/skills/pdf/SKILL.md'] = H.BASE,
    ['collection/commands/review.md'] = 'Review.\n',
  }, { 'skill:pdf', 'command:review' })
  H.write(ws.project .. '/.claude/commands/review.md', 'Mine.\n')
  local code, _, err = H.cli(ws, { 'keep', 'review', '--reason', 'house style' })
  H.eq(0, code, 'keep: ' .. tostring(err))
  H.setup(ws)
  vim.cmd.edit(vim.fn.fnameescape(ws.skill('pdf')))
  H.wait_client(vim.api.nvim_get_current_buf())

  vim.cmd('Skillmeat log')
  local buf = H.wait('the log buffer', function()
    return H.find_buf('skillmeat://log')
  end)
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  H.ok(lines[1]:find('3 events, newest first', 1, true), vim.inspect(lines))
  H.ok(lines[2]:match('^%d%d%d%d%-%d%d%-%d%d %d%d:%d%d:%d%dZ  keep +command:review +v2 +project  kept: house style$'), vim.inspect(lines))
  H.ok(lines[3]:match('deploy') and lines[4]:match('deploy'), vim.inspect(lines))
  H.eq(false, vim.bo[buf].modifiable, 'read-only')

  -- <CR> on the keep line: only command:review's events.
  vim.api.nvim_win_set_cursor(0, { 2, 0 })
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<CR>', true, false, true), 'x', false)
  local one = H.wait('the artifact log buffer', function()
    return H.find_buf('skillmeat://log/command:review')
  end)
  local ol = vim.api.nvim_buf_get_lines(one, 0, -1, false)
  H.eq(3, #ol, vim.inspect(ol))
  H.ok(ol[2]:find('keep', 1, true) and ol[3]:find('deploy', 1, true), vim.inspect(ol))

  -- Filters as arguments.
  vim.cmd('Skillmeat log skill:pdf op=deploy since=1h')
  local pdf = H.wait('the skill log buffer', function()
    return H.find_buf('skillmeat://log/skill:pdf')
  end)
  local pl = vim.api.nvim_buf_get_lines(pdf, 0, -1, false)
  H.eq(2, #pl, vim.inspect(pl))
  H.ok(pl[2]:find('deploy   skill:pdf', 1, true), vim.inspect(pl))
end)

H.test('a kept skill shows a drift-kept hint naming the reason', function()
  local ws = H.workspace({ ['collection/skills/pdf/SKILL.md'] = H.BASE }, { 'skill:pdf' })
  H.write(ws.skill('pdf'), (H.BASE:gsub('two', 'two (staging)')))
  local code, _, err = H.cli(ws, { 'keep', 'pdf', '--reason', 'points at staging' })
  H.eq(0, code, 'keep: ' .. tostring(err))
  local buf = H.open(ws, ws.skill('pdf'))
  local hint = H.wait_code(buf, 'drift-kept')
  H.eq(vim.diagnostic.severity.HINT, hint.severity, 'drift-kept severity')
  H.ok(hint.message:find('points at staging', 1, true), hint.message)
  H.ok(not vim.list_contains(H.codes(H.diags(buf)), 'drift-modified'), vim.inspect(H.codes(H.diags(buf))))
  -- The status quickfix names the reason.
  local err, st = require('skillmeat.client').execute_sync('skillmeat.status', {})
  H.eq(nil, err, vim.inspect(err))
  local items = require('skillmeat.quickfix').status_items(st)
  H.eq(1, #items, vim.inspect(items))
  H.ok(items[1].text:find('skill:pdf kept v2 (kept: points at staging)', 1, true), items[1].text)
end)

H.finish()
