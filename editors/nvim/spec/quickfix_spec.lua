-- Drift and conflicts go into the quickfix list: `:Skillmeat status` (one line per drifted
-- artifact plus each conflict region) and `:Skillmeat quickfix` (from the diagnostics).
local H = require('helpers')

H.test(':Skillmeat status and :Skillmeat quickfix fill the quickfix list', function()
  local ws = H.workspace({
    ['collection/skills/pdf/SKILL.md'] = H.BASE,
    ['collection/commands/review.md'] = 'Review.\n',
    ['collection/agents/planner.md'] = 'Plan.\n',
    ['collection/commands/lint.md'] = 'Lint.\n',
  }, { 'skill:pdf', 'command:review', 'agent:planner', 'command:lint' })
  -- pdf: conflict markers left by a sync; review: outdated; planner: modified; lint: synced.
  H.write(ws.path('collection/skills/pdf/SKILL.md'), (H.BASE:gsub('two', 'two (collection)')))
  H.write(ws.skill('pdf'), (H.BASE:gsub('two', 'two (project)')))
  H.eq(4, (H.cli(ws, { 'sync', 'skill:pdf', '--apply' })), 'sync leaves conflicts')
  H.write(ws.path('collection/commands/review.md'), 'Review more.\n')
  H.write(ws.project .. '/.claude/agents/planner.md', 'Plan, locally.\n')
  H.setup(ws)

  vim.cmd.edit(vim.fn.fnameescape(ws.project .. '/.claude/commands/lint.md'))
  H.wait_client(0)
  -- Diagnostics arrive for the unopened files too.
  local pdf = vim.fn.bufadd(ws.skill('pdf'))
  H.wait_code(pdf, 'conflict-unresolved')
  H.wait_code(vim.fn.bufadd(ws.project .. '/.claude/commands/review.md'), 'drift-outdated')

  vim.fn.setqflist({}, 'f')
  vim.cmd('Skillmeat status')
  local items = H.wait('the quickfix list from status', function()
    local l = vim.fn.getqflist({ title = 0, items = 0 })
    return l.title == 'skillmeat' and #l.items > 0 and l.items
  end)
  local texts = {}
  for _, it in ipairs(items) do
    table.insert(texts, it.text)
  end
  local function has(pat)
    return vim.tbl_contains(texts, function(t)
      return t:find(pat) ~= nil
    end, { predicate = true })
  end
  -- After a sync that left markers the skill reads `conflict` until they are resolved, and
  -- the item says where and how to finish.
  H.ok(has('^skill:pdf conflict v%d+: unresolved markers at SKILL%.md:%d+; accept a side'), vim.inspect(texts))
  H.ok(has('^command:review outdated'), vim.inspect(texts))
  H.ok(has('^agent:planner modified'), vim.inspect(texts))
  H.ok(has('^%[conflict%-unresolved%]'), vim.inspect(texts))
  H.ok(not has('command:lint'), 'synced artifacts stay out: ' .. vim.inspect(texts))
  H.eq(4, #items, 'items: ' .. vim.inspect(texts))
  -- The conflict region item points at the <<<<<<< line of SKILL.md.
  for _, it in ipairs(items) do
    if it.text:find('conflict-unresolved', 1, true) then
      H.eq(ws.skill('pdf'), vim.fs.normalize(vim.api.nvim_buf_get_name(it.bufnr)), 'region file')
      local line = vim.split(H.read(ws.skill('pdf')), '\n')[it.lnum]
      H.ok(line:match('^<<<<<<<'), 'region line: ' .. line)
    end
  end

  vim.fn.setqflist({}, 'f')
  vim.cmd('Skillmeat quickfix')
  local l = vim.fn.getqflist({ title = 0, items = 0 })
  H.eq('skillmeat', l.title, 'title')
  local codes = {}
  for _, it in ipairs(l.items) do
    table.insert(codes, it.text:match('^%[([%w-]+)%]'))
  end
  table.sort(codes)
  H.eq({ 'conflict-unresolved', 'drift-conflict', 'drift-modified', 'drift-outdated' }, codes, 'codes')
end)

H.finish()
