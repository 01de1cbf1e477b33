-- Editor edits are proposals until saved, and conflict is a state: an Update code action undone
-- leaves the artifact outdated; the Update lens edits the buffer (unsaved typing merged in); a
-- sync that left markers reads `conflict` in the lens; `:help skillmeat` works from the plugin
-- folder as the README sets it up (doc/tags ships with it).
local H = require('helpers')

H.test('Update from collection, then :undo: nothing recorded, still outdated', function()
  local ws = H.workspace({ ['collection/skills/pdf/SKILL.md'] = H.BASE }, { 'skill:pdf' })
  local newer = H.BASE:gsub('three', 'three (collection)')
  H.write(ws.path('collection/skills/pdf/SKILL.md'), newer)
  local buf = H.open(ws, ws.skill('pdf'))
  H.apply_action(buf, 'drift-outdated', 'Update from collection', newer)
  vim.cmd('silent undo')
  H.eq(H.BASE, H.text(buf), 'after :undo')
  H.wait_code(buf, 'drift-outdated')
  -- A request after the undo: every notification before it has been handled.
  require('skillmeat.client').execute_sync('skillmeat.status', {}, { bufnr = buf })
  H.eq('outdated', H.server_state(ws, 'skill:pdf'), 'state after undo')
  H.eq(H.BASE, H.read(ws.skill('pdf')), 'the file on disk')
end)

H.test('the Update lens edits the buffer: unsaved typing is kept, nothing is written', function()
  local ws = H.workspace({ ['collection/skills/pdf/SKILL.md'] = H.BASE }, { 'skill:pdf' })
  H.write(ws.path('collection/skills/pdf/SKILL.md'), (H.BASE:gsub('three', 'three (collection)')))
  local buf, client = H.open(ws, ws.skill('pdf'))
  H.wait_code(buf, 'drift-outdated')
  H.wait_lens(buf, '^Update: clean$')
  vim.api.nvim_buf_set_lines(buf, 5, 6, false, { 'one (typed, unsaved)' })
  vim.cmd('let &undolevels = &undolevels') -- the typing is its own undo step
  local typed = H.text(buf)
  local update
  for _, l in ipairs(vim.lsp.codelens.get(buf)) do
    if l.command and l.command.title == 'Update: clean' then
      update = l.command
    end
  end
  client:exec_cmd(update, { bufnr = buf })
  local want = typed:gsub('three', 'three (collection)')
  H.wait('the buffer to take the collection\'s line', function()
    return H.text(buf) == want
  end)
  H.ok(vim.bo[buf].modified, 'still unsaved')
  H.eq(H.BASE, H.read(ws.skill('pdf')), 'the file on disk was not replaced')
  vim.cmd('silent undo')
  H.eq(typed, H.text(buf), ':undo gives back the typed buffer')
  require('skillmeat.client').execute_sync('skillmeat.status', {}, { bufnr = buf })
  H.eq('outdated', H.server_state(ws, 'skill:pdf'), 'nothing recorded')
end)

H.test('a sync that left markers reads conflict in the lens and the drift diagnostic', function()
  local ws = H.pdf_conflict()
  local buf = H.open(ws, ws.skill('pdf'))
  local d = H.wait_code(buf, 'drift-conflict')
  H.ok(d.message:find('SKILL.md:7', 1, true) and d.message:find('resolve', 1, true), d.message)
  H.wait_lens(buf, '· conflict$')
end)

H.test('a conflict region\'s "Accept theirs" lens edits the buffer; :undo brings the markers back', function()
  local ws, theirs = H.pdf_conflict()
  local with_markers = H.read(ws.skill('pdf'))
  local buf, client = H.open(ws, ws.skill('pdf'))
  H.wait_code(buf, 'conflict-unresolved')
  H.wait_lens(buf, '^Accept theirs %(collection')
  local cmd
  for _, l in ipairs(vim.lsp.codelens.get(buf)) do
    if l.command and l.command.title:find('^Accept theirs') then
      cmd = l.command
    end
  end
  client:exec_cmd(cmd, { bufnr = buf })
  H.wait('the buffer to take the collection\'s side', function()
    return H.text(buf) == theirs
  end)
  H.ok(vim.bo[buf].modified, 'an unsaved buffer edit')
  H.eq(with_markers, H.read(ws.skill('pdf')), 'nothing written')
  vim.cmd('silent undo')
  H.eq(with_markers, H.text(buf), 'after :undo')
end)

H.test(':Skillmeat next|prev and ]x [x ]h move between conflicts and drift hunks', function()
  local base = '---\nname: pdf\n---\n\na\nb\nc\nd\ne\nf\ng\nh\n'
  local ws = H.workspace({ ['collection/skills/pdf/SKILL.md'] = base }, { 'skill:pdf' })
  H.write(ws.path('collection/skills/pdf/SKILL.md'), (base:gsub('\nb\n', '\nb (c)\n'):gsub('\ng\n', '\ng (c)\n')))
  H.write(ws.skill('pdf'), (base:gsub('\nb\n', '\nb (p)\n'):gsub('\ng\n', '\ng (p)\n')))
  H.eq(4, (H.cli(ws, { 'sync', 'skill:pdf', '--apply' })), 'sync leaves conflicts')
  local buf = H.open(ws, ws.skill('pdf'))
  H.wait('two conflict regions', function()
    local n = 0
    for _, d in ipairs(H.diags(buf)) do
      n = n + (d.code == 'conflict-unresolved' and 1 or 0)
    end
    return n == 2
  end)
  local openers = {}
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if l:match('^<<<<<<<') then
      table.insert(openers, i)
    end
  end
  local row = function()
    return vim.api.nvim_win_get_cursor(0)[1]
  end
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.cmd('Skillmeat next')
  H.eq(openers[1], row(), ':Skillmeat next')
  vim.cmd('normal ]x')
  H.eq(openers[2], row(), ']x')
  vim.cmd('normal ]x')
  H.eq(openers[1], row(), ']x wraps around')
  vim.cmd('normal [x')
  H.eq(openers[2], row(), '[x wraps back')
  vim.cmd('Skillmeat prev')
  H.eq(openers[1], row(), ':Skillmeat prev')
  local hunk = H.wait_code(buf, 'drift-hunk')
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.cmd('normal ]h')
  H.eq(hunk.lnum + 1, row(), ']h goes to the first drift hunk')
end)

H.test(':help skillmeat works with only editors/nvim on the runtime path (doc/tags ships)', function()
  local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
  local plugin = vim.fn.fnamemodify(here, ':h')
  H.ok(vim.uv.fs_stat(plugin .. '/doc/tags'), 'doc/tags is shipped')
  -- The shipped tags are what :helptags makes of the help file today.
  local tmp = vim.fn.tempname()
  vim.fn.mkdir(tmp .. '/doc', 'p')
  vim.fn.writefile(vim.fn.readfile(plugin .. '/doc/skillmeat.txt'), tmp .. '/doc/skillmeat.txt')
  vim.cmd('helptags ' .. vim.fn.fnameescape(tmp .. '/doc'))
  H.eq(vim.fn.readfile(tmp .. '/doc/tags'), vim.fn.readfile(plugin .. '/doc/tags'), 'doc/tags is up to date (run :helptags editors/nvim/doc)')
  vim.opt.runtimepath:append(plugin)
  local ok, err = pcall(vim.cmd, 'help skillmeat')
  H.ok(ok, tostring(err))
  H.ok(vim.api.nvim_buf_get_name(0):find('skillmeat.txt', 1, true), 'opened ' .. vim.api.nvim_buf_get_name(0))
  vim.cmd('helpclose')
end)

H.test('errors sort above hints and sit above gitsigns\' priority; hints below', function()
  local ws = H.pdf_conflict()
  local buf, client = H.open(ws, ws.skill('pdf'))
  H.wait_code(buf, 'conflict-unresolved')
  H.wait_code(buf, 'drift-hunk')
  local cfg = vim.diagnostic.config(nil, vim.lsp.diagnostic.get_namespace(client.id))
  H.eq(true, cfg.severity_sort, 'severity_sort')
  local prio = {}
  for _, m in ipairs(vim.api.nvim_buf_get_extmarks(buf, -1, 0, -1, { details = true, type = 'sign' })) do
    local hl = m[4].sign_hl_group or ''
    local sev = hl:match('^DiagnosticSign(%a+)$')
    if sev then
      prio[sev] = math.max(prio[sev] or 0, m[4].priority)
    end
  end
  H.ok(prio.Error and prio.Error > 6, 'error sign priority: ' .. vim.inspect(prio))
  H.ok(prio.Hint and prio.Hint < 6, 'hint sign priority: ' .. vim.inspect(prio))
end)

H.finish()
