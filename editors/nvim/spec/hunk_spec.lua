-- A drift hunk's hover shows the deployed text as a diff with a Revert link, and
-- `:Skillmeat revert` on the hunk puts the deployed text back as an unsaved, undoable edit.
local H = require('helpers')

H.test('hover on a drift hunk shows the diff and Revert; :Skillmeat revert edits the buffer', function()
  local ws = H.workspace({ ['collection/skills/pdf/SKILL.md'] = H.BASE }, { 'skill:pdf' })
  local edited = H.BASE:gsub('two', 'two (edited)')
  H.write(ws.skill('pdf'), edited)
  local buf, client = H.open(ws, ws.skill('pdf'))
  local hunk = H.wait_code(buf, 'drift-hunk')
  vim.api.nvim_win_set_cursor(0, { hunk.lnum + 1, 0 })
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local r = client:request_sync('textDocument/hover', params, H.TIMEOUT, buf)
  H.ok(r and r.result, 'a hover: ' .. vim.inspect(r))
  local md = r.result.contents.value
  H.ok(md:find('-two\n+two (edited)', 1, true), 'the deployed text as a diff: ' .. md)
  H.ok(md:find('[Revert this hunk](command:skillmeat.revertHunk?', 1, true), 'a Revert link: ' .. md)
  vim.cmd('Skillmeat revert')
  H.wait('the deployed text back in the buffer', function()
    return H.text(buf) == H.BASE
  end)
  H.ok(vim.bo[buf].modified, 'an unsaved buffer edit')
  H.eq(edited, H.read(ws.skill('pdf')), 'nothing written')
  vim.cmd('silent undo')
  H.eq(edited, H.text(buf), ':undo brings the edit back')
end)

H.test(':Skillmeat revert off any hunk says so and changes nothing', function()
  local ws = H.workspace({ ['collection/skills/pdf/SKILL.md'] = H.BASE }, { 'skill:pdf' })
  H.write(ws.skill('pdf'), (H.BASE:gsub('three', 'three (edited)')))
  local buf = H.open(ws, ws.skill('pdf'))
  H.wait_code(buf, 'drift-hunk')
  local before = H.text(buf)
  local notes = {}
  local notify = vim.notify
  vim.notify = function(msg, level)
    table.insert(notes, { msg = msg, level = level })
  end
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.cmd('Skillmeat revert')
  local n = H.wait('the refusal', function()
    for _, x in ipairs(notes) do
      if x.msg:find('no change against the deployed version', 1, true) then
        return x
      end
    end
  end)
  vim.notify = notify
  H.eq(vim.log.levels.ERROR, n.level, 'an error')
  H.eq(before, H.text(buf), 'buffer unchanged')
end)

H.test('an untracked artifact\'s hover says to add it to the collection, and the action does', function()
  local ws = H.workspace({}, {})
  local path = ws.project .. '/.claude/commands/x.md'
  local text = '---\ndescription: x\n---\n\nhello\n'
  H.write(path, text)
  H.setup(ws)
  vim.cmd('silent! %bwipeout!')
  vim.cmd.edit(vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  local client = H.wait_client(buf)
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local md = H.wait('the untracked hover', function()
    local r = client:request_sync('textDocument/hover', params, H.TIMEOUT, buf)
    local v = r and r.result and r.result.contents.value
    return v and v:find('untracked', 1, true) and v
  end)
  H.ok(md:find('[Add to collection](command:skillmeat.addToCollection?', 1, true), md)
  H.ok(md:find('skillmeat-lsp add .claude/commands/x.md', 1, true), md)
  H.ok(not md:find('deploy', 1, true), 'no deploy advice: ' .. md)
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(a)
      return a.title == 'Add to collection'
    end,
  })
  H.wait('the collection copy', function()
    return H.read(ws.collection .. '/commands/x.md') == text
  end)
  H.eq(text, H.read(path), 'the project copy is unchanged')
end)

H.finish()
