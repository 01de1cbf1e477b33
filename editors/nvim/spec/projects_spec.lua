-- Every project at once: a collection artifact's main file, opened with the collection as the
-- workspace, shows a CodeLens saying where it is deployed across the projects the CLI worked in.
local H = require('helpers')

--- Deploys `ids` into another project `<root>/<name>` (a folder with `.git`, so the CLI
--- remembers it in the registry of workspaces).
local function deploy_in(ws, name, ids)
  local dir = ws.path(name)
  vim.fn.mkdir(dir .. '/.git', 'p')
  local cmd = vim.list_extend({ H.bin, '--workspace', dir, '--collection', ws.collection, 'deploy' }, ids)
  local r = vim.system(cmd, { text = true, env = { HOME = ws.home } }):wait(H.TIMEOUT)
  assert(r.code == 0, ('deploy in %s failed (%d): %s %s'):format(name, r.code, r.stdout, r.stderr))
  return dir
end

H.test('the projects lens on a collection file: deployed in 3 projects, 1 outdated, 1 modified', function()
  local ws = H.workspace({ ['collection/skills/pdf/SKILL.md'] = H.BASE })
  deploy_in(ws, 'p1', { 'skill:pdf' })
  local changed = H.BASE:gsub('two', 'TWO')
  H.write(ws.collection .. '/skills/pdf/SKILL.md', changed)
  local p2 = deploy_in(ws, 'p2', { 'skill:pdf' })
  deploy_in(ws, 'p3', { 'skill:pdf' })
  H.write(p2 .. '/.claude/skills/pdf/SKILL.md', (changed:gsub('three', '3')))

  H.setup(ws)
  local main = ws.collection .. '/skills/pdf/SKILL.md'
  vim.cmd.edit(vim.fn.fnameescape(main))
  local buf = vim.api.nvim_get_current_buf()
  -- The collection as the workspace (it has no `.claude/` marker, so the client is started for it
  -- as a person would with `vim.lsp.start`).
  local cfg = vim.deepcopy(vim.lsp.config.skillmeat)
  cfg.name, cfg.root_dir = 'skillmeat', ws.collection
  vim.lsp.start(cfg, { bufnr = buf })
  H.wait_client(buf)
  local want = 'deployed in 3 projects: 1 outdated, 1 modified'
  local lens = H.wait('the projects lens', function()
    pcall(vim.lsp.codelens.refresh, { bufnr = buf })
    for _, l in ipairs(vim.lsp.codelens.get(buf)) do
      if l.command and l.command.title == want then
        return l
      end
    end
  end)
  H.eq(0, lens.range.start.line, 'on the first line')
  -- Neovim shows it: the lens text is in the buffer's virtual text.
  H.wait('the lens to be displayed', function()
    for _, m in ipairs(vim.api.nvim_buf_get_extmarks(buf, -1, 0, -1, { details = true })) do
      for _, chunk in ipairs((m[4] or {}).virt_text or {}) do
        if chunk[1]:find(want, 1, true) then
          return true
        end
      end
    end
  end)
  -- The hover lists each project.
  local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 5, character = 0 },
  }, H.TIMEOUT)
  local value
  for _, r in pairs(hover or {}) do
    value = r.result and r.result.contents and r.result.contents.value or value
  end
  H.ok(value and value:find(want, 1, true), 'hover: ' .. vim.inspect(value))
  H.ok(value:find(vim.fn.resolve(p2), 1, true), 'hover names p2: ' .. value)
end)

H.finish()
