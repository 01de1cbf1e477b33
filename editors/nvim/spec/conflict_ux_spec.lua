-- Conflicts shown better than the markers: each side coloured (extmarks in SkillmeatConflict*
-- groups linked to the standard diff groups), and the region's Compare lens opening ours
-- against theirs as a diff of two scratch buffers.
local H = require('helpers')

local function conflicted()
  local ws = H.pdf_conflict()
  local buf, client = H.open(ws, ws.skill('pdf'))
  H.wait_code(buf, 'conflict-unresolved')
  return ws, buf, client
end

local function line_of(buf, pattern)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if l:find(pattern) then
      return i - 1
    end
  end
end

H.test('each side of a conflict region is coloured, in groups linked to the diff groups', function()
  local _, buf = conflicted()
  local ns = require('skillmeat.highlights').ns
  local groups = H.wait('side highlights', function()
    local g = {}
    for _, m in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })) do
      if m[4].line_hl_group then
        g[m[2]] = m[4].line_hl_group
      end
    end
    return next(g) and g
  end)
  H.eq('SkillmeatConflictOurs', groups[line_of(buf, '^two %(project%)')], 'our line')
  H.eq('SkillmeatConflictTheirs', groups[line_of(buf, '^two %(collection%)')], 'their line')
  H.eq('SkillmeatConflictOursMarker', groups[line_of(buf, '^<<<<<<<')], 'the <<<<<<< line')
  H.eq(nil, groups[line_of(buf, '^one$')], 'lines outside the region')
  H.eq('DiffText', vim.api.nvim_get_hl(0, { name = 'SkillmeatConflictOurs' }).link, 'ours links to DiffText')
  H.eq('DiffAdd', vim.api.nvim_get_hl(0, { name = 'SkillmeatConflictTheirs' }).link, 'theirs links to DiffAdd')
  -- A user's own colour wins over the default link.
  vim.api.nvim_set_hl(0, 'SkillmeatConflictOurs', { bg = '#112233' })
  require('skillmeat.highlights').define()
  H.eq(0x112233, vim.api.nvim_get_hl(0, { name = 'SkillmeatConflictOurs' }).bg, 'user override kept')
end)

H.test('the Compare lens opens ours against theirs as a diff of two scratch buffers', function()
  local _, buf, client = conflicted()
  local cmd = H.wait('a Compare lens', function()
    vim.lsp.codelens.refresh({ bufnr = buf })
    vim.wait(100)
    for _, l in ipairs(vim.lsp.codelens.get(buf)) do
      if l.command and l.command.title == 'Compare' then
        return l.command
      end
    end
  end)
  local tabs = #vim.api.nvim_list_tabpages()
  client:exec_cmd(cmd, { bufnr = buf })
  H.wait('a new tab page', function()
    return #vim.api.nvim_list_tabpages() == tabs + 1
  end)
  local wins = vim.api.nvim_tabpage_list_wins(0)
  H.eq(2, #wins, 'two windows')
  local texts = {}
  for _, w in ipairs(wins) do
    H.ok(vim.wo[w].diff, 'diff mode in window ' .. w)
    table.insert(texts, H.text(vim.api.nvim_win_get_buf(w)))
  end
  H.eq({ 'two (project)\n', 'two (collection)\n' }, texts, 'ours, then theirs')
  H.ok(vim.api.nvim_buf_get_name(vim.api.nvim_win_get_buf(wins[1])):find('ours', 1, true), 'named ours')
  vim.cmd('tabclose')
end)

H.finish()
