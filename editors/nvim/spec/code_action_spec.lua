-- A conflict left by a sync: the region gets an Error, "Accept theirs" through
-- vim.lsp.buf.code_action rewrites it to the collection's text, and :undo brings it back.
local H = require('helpers')

H.test('accept theirs via vim.lsp.buf.code_action, then :undo restores the markers', function()
  local ws, theirs = H.pdf_conflict()
  local with_markers = H.read(ws.skill('pdf'))
  H.ok(with_markers:find('<<<<<<<', 1, true), 'markers on disk')
  H.setup(ws)

  vim.cmd.edit(vim.fn.fnameescape(ws.skill('pdf')))
  local buf = vim.api.nvim_get_current_buf()
  H.wait_client(buf)
  local d = H.wait_code(buf, 'conflict-unresolved')
  H.eq(vim.diagnostic.severity.ERROR, d.severity, 'conflict severity')
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  H.ok(lines[d.lnum + 1]:match('^<<<<<<<'), 'the diagnostic starts on the <<<<<<< line')

  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, 0 })
  local offered = {}
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(a)
      table.insert(offered, a.title)
      return vim.startswith(a.title, 'Accept theirs') and a.kind == 'quickfix'
    end,
  })
  H.wait('the buffer to hold the collection\'s text', function()
    return H.text(buf) == theirs
  end)
  H.ok(
    vim.tbl_contains(offered, function(t)
      return vim.startswith(t, 'Accept ours') and vim.endswith(t, 'for this conflict')
    end, { predicate = true }),
    'offered: ' .. vim.inspect(offered)
  )
  H.ok(vim.bo[buf].modified, 'the edit is unsaved, in the buffer')
  H.wait('the conflict diagnostic to go', function()
    for _, x in ipairs(H.diags(buf)) do
      if x.code == 'conflict-unresolved' then
        return false
      end
    end
    return true
  end)

  vim.cmd('silent undo')
  H.eq(with_markers, H.text(buf), 'after :undo')
  H.wait_code(buf, 'conflict-unresolved')

  -- Redo, save: the file on disk is the resolved text.
  vim.cmd('silent redo')
  vim.cmd('silent write')
  H.eq(theirs, H.read(ws.skill('pdf')), 'saved text')
end)

H.test('a conflict in a skill\'s script gets diagnostics and actions too', function()
  local script = '#!/bin/sh\necho one\necho two\n'
  local ws = H.workspace({
    ['collection/skills/pdf/SKILL.md'] = H.BASE,
    ['collection/skills/pdf/scripts/run.sh'] = script,
  }, { 'skill:pdf' })
  H.write(ws.path('collection/skills/pdf/scripts/run.sh'), (script:gsub('two', 'two --collection')))
  H.write(ws.project .. '/.claude/skills/pdf/scripts/run.sh', (script:gsub('two', 'two --project')))
  H.eq(4, (H.cli(ws, { 'sync', 'skill:pdf', '--apply' })), 'sync leaves conflicts')
  H.setup(ws)
  vim.cmd('silent! %bwipeout!')
  vim.cmd.edit(vim.fn.fnameescape(ws.project .. '/.claude/skills/pdf/scripts/run.sh'))
  local buf = vim.api.nvim_get_current_buf()
  H.eq('sh', vim.bo[buf].filetype, 'filetype')
  H.wait_client(buf)
  local d = H.wait_code(buf, 'conflict-unresolved')
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, 0 })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(a)
      return vim.startswith(a.title, 'Accept both') and a.kind == 'quickfix'
    end,
  })
  H.wait('both sides in the buffer', function()
    return H.text(buf) == '#!/bin/sh\necho one\necho two --project\necho two --collection\n'
  end)
end)

H.finish()
