-- An unopened skill modified on disk shows its drift once opened; an outdated command shows a
-- warning; the main file gets a `vN · state` CodeLens.
local H = require('helpers')

H.test('diagnostics appear on an unopened modified skill once opened', function()
  local ws = H.workspace({
    ['collection/skills/pdf/SKILL.md'] = H.BASE,
    ['collection/commands/review.md'] = 'Review the change.\n',
  }, { 'skill:pdf', 'command:review' })
  -- Changed on disk before Neovim ever sees it.
  H.write(ws.skill('pdf'), H.BASE:gsub('two', 'two, changed in the project'))
  H.write(ws.path('collection/commands/review.md'), 'Review the change carefully.\n')
  H.setup(ws)

  vim.cmd.edit(vim.fn.fnameescape(ws.project .. '/.claude/commands/review.md'))
  local review = vim.api.nvim_get_current_buf()
  H.wait_client(review)
  local outdated = H.wait_code(review, 'drift-outdated')
  H.eq(vim.diagnostic.severity.WARN, outdated.severity, 'drift-outdated severity')
  H.eq(0, outdated.lnum, 'drift-outdated line')

  -- The server publishes for the unopened skill too; Neovim keeps them on an unloaded buffer.
  local pdf_buf = vim.fn.bufadd(ws.skill('pdf'))
  H.ok(not vim.api.nvim_buf_is_loaded(pdf_buf), 'the skill is not open yet')
  H.wait_code(pdf_buf, 'drift-modified')

  vim.cmd.edit(vim.fn.fnameescape(ws.skill('pdf')))
  local buf = vim.api.nvim_get_current_buf()
  H.eq(pdf_buf, buf, 'the same buffer')
  H.wait_client(buf)
  local d = H.wait_code(buf, 'drift-modified')
  H.eq(vim.diagnostic.severity.INFO, d.severity, 'drift-modified severity')
  H.eq(0, d.lnum, 'drift-modified sits on the first line')
  H.ok(d.message:find('skill:pdf', 1, true), 'the message names the artifact: ' .. d.message)
  -- Opened: one hint per changed hunk, on the changed line.
  local hunk = H.wait_code(buf, 'drift-hunk')
  H.eq(6, hunk.lnum, 'drift-hunk line')

  -- CodeLens on the main file: `vN · modified` and Diff / History.
  local titles = H.wait('CodeLens on SKILL.md', function()
    local lenses = vim.lsp.codelens.get(buf)
    local t = {}
    for _, l in ipairs(lenses) do
      if l.command then
        table.insert(t, l.command.title)
      end
    end
    return #t > 0 and t
  end)
  H.ok(titles[1]:match('^v%d+ · modified$'), 'state lens: ' .. vim.inspect(titles))
  H.ok(vim.list_contains(titles, 'Diff') and vim.list_contains(titles, 'History'), vim.inspect(titles))

  -- Unsaved edits count: undoing the change in the buffer clears the drift.
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(vim.trim(H.BASE), '\n'))
  local ok = pcall(H.wait, 'drift to clear after the buffer matches the deployed text', function()
    return #H.diags(buf) == 0
  end)
  if not ok then
    error('still: ' .. vim.inspect(H.diags(buf)) .. vim.inspect(H.text(buf)))
  end
end)

H.finish()
