-- Merge and Update as buffer edits the person can see and undo: Merge on a two-file skill opens
-- both files and one :undo takes both back (and the artifact still reads `conflict`), one redo
-- brings both again; the Update lens merges unsaved typing instead of refusing or replacing it.
local H = require('helpers')

local REF = '# Reference\n\nalpha\nbeta\ngamma\n'

local function shown(buf)
  for _, w in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    if vim.api.nvim_win_get_buf(w) == buf then
      return true
    end
  end
  return false
end

--- A two-file skill deployed, then both files changed in the project and the collection on the
--- same lines: state `conflict`.
local function two_file_conflict()
  local ws = H.workspace({
    ['collection/skills/pdf/SKILL.md'] = H.BASE,
    ['collection/skills/pdf/reference.md'] = REF,
  }, { 'skill:pdf' })
  H.write(ws.path('collection/skills/pdf/SKILL.md'), (H.BASE:gsub('two', 'two (collection)')))
  H.write(ws.path('collection/skills/pdf/reference.md'), (REF:gsub('beta', 'beta (collection)')))
  H.write(ws.skill('pdf'), (H.BASE:gsub('two', 'two (project)')))
  H.write(ws.project .. '/.claude/skills/pdf/reference.md', (REF:gsub('beta', 'beta (project)')))
  return ws
end

local function merge_action(buf)
  local d = H.wait_code(buf, 'drift-conflict')
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, 0 })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(a)
      return a.title == 'Merge with collection'
    end,
  })
end

H.test('Merge on a two-file skill opens both files, and one :undo undoes both', function()
  local ws = two_file_conflict()
  local ref_path = ws.project .. '/.claude/skills/pdf/reference.md'
  local skill_before, ref_before = H.read(ws.skill('pdf')), H.read(ref_path)
  local buf = H.open(ws, ws.skill('pdf'))
  H.eq('conflict', H.server_state(ws, 'skill:pdf'), 'state before')
  local notes = {}
  local notify = vim.notify
  vim.notify = function(msg, level)
    table.insert(notes, msg)
    notify(msg, level)
  end
  merge_action(buf)
  local ref = H.wait('reference.md to get a buffer with markers', function()
    local b = vim.fn.bufnr(ref_path)
    return b > 0 and vim.api.nvim_buf_is_loaded(b) and H.text(b):find('<<<<<<<', 1, true) and b
  end)
  vim.notify = notify
  H.ok(H.text(buf):find('<<<<<<<', 1, true), 'SKILL.md has markers')
  H.ok(shown(ref), 'reference.md is shown in a window')
  H.ok(shown(buf), 'SKILL.md is still shown')
  H.eq(buf, vim.api.nvim_get_current_buf(), 'the cursor stays in SKILL.md')
  H.ok(
    vim.tbl_contains(notes, function(n)
      return n:find('SKILL.md', 1, true) and n:find('reference.md', 1, true)
    end, { predicate = true }),
    'a message names both files: ' .. vim.inspect(notes)
  )
  H.ok(vim.bo[buf].modified and vim.bo[ref].modified, 'both unsaved')
  H.eq(skill_before, H.read(ws.skill('pdf')), 'SKILL.md on disk untouched')
  H.eq(ref_before, H.read(ref_path), 'reference.md on disk untouched')

  vim.cmd('silent undo')
  H.eq(skill_before, H.text(buf), 'SKILL.md after :undo')
  H.wait('reference.md to be undone too', function()
    return H.text(ref) == ref_before
  end)
  require('skillmeat.client').execute_sync('skillmeat.status', {}, { bufnr = buf })
  H.eq('conflict', H.server_state(ws, 'skill:pdf'), 'state after undo')

  -- <C-r> redoes both files, and a second undo takes both back again.
  vim.cmd('silent redo')
  local skill_merged = H.text(buf)
  H.ok(skill_merged:find('<<<<<<<', 1, true), 'SKILL.md has the markers again after <C-r>')
  H.wait('reference.md to be redone too', function()
    return H.text(ref):find('<<<<<<<', 1, true) and H.text(ref):find('beta (collection)', 1, true)
  end)
  vim.cmd('silent undo')
  H.eq(skill_before, H.text(buf), 'SKILL.md after the second :undo')
  H.wait('reference.md undone again', function()
    return H.text(ref) == ref_before
  end)
end)

H.test('Merge with collection, then :undo: nothing recorded, still conflict', function()
  local ws = H.workspace({ ['collection/skills/pdf/SKILL.md'] = H.BASE }, { 'skill:pdf' })
  H.write(ws.path('collection/skills/pdf/SKILL.md'), (H.BASE:gsub('two', 'two (collection)')))
  local mine = H.BASE:gsub('two', 'two (project)')
  H.write(ws.skill('pdf'), mine)
  local buf = H.open(ws, ws.skill('pdf'))
  merge_action(buf)
  H.wait('markers in the buffer', function()
    return H.text(buf):find('<<<<<<<', 1, true)
  end)
  vim.cmd('silent undo')
  H.eq(mine, H.text(buf), 'after :undo')
  H.wait_code(buf, 'drift-conflict')
  require('skillmeat.client').execute_sync('skillmeat.status', {}, { bufnr = buf })
  H.eq('conflict', H.server_state(ws, 'skill:pdf'), 'state after undo')
  H.eq(mine, H.read(ws.skill('pdf')), 'the file on disk')
end)

H.finish()
