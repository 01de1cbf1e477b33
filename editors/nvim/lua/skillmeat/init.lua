-- skillmeat for Neovim 0.11: `require('skillmeat').setup{}` configures and enables the
-- `skillmeat` language server (lsp/skillmeat.lua) and sets up CodeLens refresh; the
-- `:Skillmeat` user command (plugin/skillmeat.lua) works with or without setup().

local M = {}

--- The server's settings, as `docs/lsp-extensions.md` names them.
M.SETTINGS = {
  'collectionPath',
  'hunkDiagnostics',
  'confirmDestructive',
  'upstreamCheckInterval',
  'skillmeatCompat',
}

---@class skillmeat.Config
---@field server_path string? the skillmeat-lsp binary (default: $SKILLMEAT_LSP_PATH, else on PATH)
---@field settings table? server settings (collectionPath, hunkDiagnostics, ...)
---@field filetypes string[]? filetypes the server starts for (default { 'markdown' })
---@field enable boolean? call vim.lsp.enable('skillmeat') (default true)
---@field codelens boolean? refresh CodeLens on attach, BufEnter, InsertLeave, save (default true)
---@field open_quickfix boolean? open the quickfix window after :Skillmeat status (default true)
---@field attach_artifact_files boolean? also attach to non-markdown files inside a profile root
--- (`.claude/`, `.agents/`, …; a skill's scripts) (default true)
---@field profile_roots string[]? root folders SkillMeat's config adds (`platform.defaults`) beside
--- the built-in `.claude`, `.agents`, `.gemini`, `.cursor` (lua/skillmeat/roots.lua)
---@field mappings table|false? buffer-local keys for next/previous conflict and drift hunk
--- (default ]x [x ]h [h; false, or a false entry, maps nothing)
---@field diagnostics table|false? vim.diagnostic.config for the server's diagnostics (default:
--- severity_sort, sign priority 4 so errors sit above gitsigns' signs (6) and hints below); false
--- leaves them to your global config
M.config = {
  server_path = nil,
  settings = {},
  filetypes = nil,
  enable = true,
  codelens = true,
  open_quickfix = true,
  attach_artifact_files = true,
  profile_roots = {},
  diagnostics = { severity_sort = true, signs = { priority = 4 } },
  mappings = { next_conflict = ']x', prev_conflict = '[x', next_hunk = ']h', prev_hunk = '[h' },
}

local group = vim.api.nvim_create_augroup('skillmeat', { clear = true })

local function refresh(bufnr)
  if M.config.codelens and vim.api.nvim_buf_is_loaded(bufnr) then
    pcall(vim.lsp.codelens.refresh, { bufnr = bufnr })
  end
end

--- Buffer-local autocmds for a buffer the skillmeat client attached to.
---@param client vim.lsp.Client
---@param bufnr integer
function M.on_attach(client, bufnr)
  -- The roots the server serves (its `initialize` result), for the buffers opened next.
  local exp = (client.server_capabilities or {}).experimental
  require('skillmeat.roots').add_all(type(exp) == 'table' and exp.profileRoots or nil)
  if vim.b[bufnr].skillmeat_attached then
    refresh(bufnr)
    return
  end
  vim.b[bufnr].skillmeat_attached = client.id
  if M.config.mappings then
    require('skillmeat.navigate').map(bufnr, M.config.mappings)
  end
  require('skillmeat.highlights').attach(bufnr, group)
  if M.config.diagnostics then
    -- A conflict's Error must not hide under a hunk's Hint on the same line, and hints must not
    -- push gitsigns' signs off the sign column. With severity_sort a sign's priority is the base
    -- plus its severity rank: Hint 4, Info 5, Warn 6, Error 7.
    local ns = vim.lsp.diagnostic.get_namespace(client.id)
    vim.diagnostic.config(M.config.diagnostics, ns)
  end
  vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost' }, {
    group = group,
    buffer = bufnr,
    desc = 'skillmeat: refresh CodeLens',
    callback = function(ev)
      refresh(ev.buf)
    end,
  })
  -- The lens says `v3 · outdated`; when the server republishes this buffer's diagnostics the
  -- state may have changed (a sync, a collection edit), so the lens is redrawn.
  vim.api.nvim_create_autocmd('DiagnosticChanged', {
    group = group,
    buffer = bufnr,
    desc = 'skillmeat: refresh CodeLens after new diagnostics',
    callback = function(ev)
      if vim.api.nvim_get_current_buf() == ev.buf then
        refresh(ev.buf)
      end
    end,
  })
  refresh(bufnr)
end

--- Attaches the skillmeat client to a non-markdown file inside an artifact (a skill's scripts,
--- say), so conflict markers there get diagnostics and code actions too.
local function attach_artifact_file(bufnr)
  if not M.config.attach_artifact_files or vim.bo[bufnr].buftype ~= '' then
    return
  end
  local cfg = vim.lsp.config.skillmeat
  if not cfg or vim.list_contains(cfg.filetypes or {}, vim.bo[bufnr].filetype) then
    return
  end
  local roots = require('skillmeat.roots')
  local path = vim.fs.normalize(vim.api.nvim_buf_get_name(bufnr))
  if not roots.split(path) then
    roots.ask_server() -- a root SkillMeat's config adds (asked once a session)
  end
  if not roots.split(path) or #vim.lsp.get_clients({ name = 'skillmeat', bufnr = bufnr }) > 0 then
    return
  end
  local root = roots.project_root(bufnr)
  if not root then
    return
  end
  local c = vim.deepcopy(cfg)
  c.name, c.root_dir = 'skillmeat', root
  vim.lsp.start(c, { bufnr = bufnr, silent = true })
end

--- Autocmds every user gets (plugin/skillmeat.lua calls this): CodeLens for attached buffers.
function M.init()
  if M._initialized then
    return
  end
  M._initialized = true
  vim.api.nvim_create_autocmd('LspAttach', {
    group = group,
    desc = 'skillmeat: CodeLens and buffer autocmds',
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data.client_id)
      if client and client.name == 'skillmeat' then
        M.on_attach(client, ev.buf)
      end
    end,
  })
  -- No pattern: the profile roots are known only after setup() (and grow as the server reports
  -- them); attach_artifact_file checks the path.
  vim.api.nvim_create_autocmd('BufEnter', {
    group = group,
    desc = 'skillmeat: attach to any file inside an artifact',
    callback = function(ev)
      if vim.lsp.is_enabled('skillmeat') then
        attach_artifact_file(ev.buf)
      end
    end,
  })
end

--- Configures and enables the `skillmeat` language server.
---@param opts skillmeat.Config?
function M.setup(opts)
  opts = opts or {}
  for k, v in pairs(opts) do
    if M.config[k] == nil and k ~= 'server_path' and k ~= 'filetypes' then
      vim.notify(('skillmeat: unknown setup() option `%s`'):format(k), vim.log.levels.WARN)
    end
  end
  M.config = vim.tbl_deep_extend('force', M.config, opts)
  for _, dir in ipairs(M.config.profile_roots or {}) do
    require('skillmeat.roots').add(dir)
  end
  for k in pairs(M.config.settings or {}) do
    if not vim.list_contains(M.SETTINGS, k) then
      vim.notify(
        ('skillmeat: unknown setting `%s`; the server knows %s'):format(k, table.concat(M.SETTINGS, ', ')),
        vim.log.levels.WARN
      )
    end
  end
  local cfg = { settings = { skillmeat = vim.deepcopy(M.config.settings or {}) } }
  if M.config.server_path then
    vim.g.skillmeat_server_path = M.config.server_path
    cfg.cmd = { vim.fn.expand(M.config.server_path), 'serve' }
  end
  if M.config.filetypes then
    cfg.filetypes = M.config.filetypes
  end
  local cp = cfg.settings.skillmeat.collectionPath
  if type(cp) == 'string' and cp ~= '' then
    cfg.settings.skillmeat.collectionPath = vim.fs.normalize(vim.fn.expand(cp))
  end
  vim.lsp.config('skillmeat', cfg)
  M.init()
  if M.config.enable then
    vim.lsp.enable('skillmeat')
  end
end

--- The binary the `skillmeat` config starts (for the health check).
---@return string?
function M.server_path()
  local cfg = vim.lsp.config.skillmeat
  if cfg and type(cfg.cmd) == 'table' then
    return cfg.cmd[1]
  end
  local p = vim.g.skillmeat_server_path
  if p == nil or p == '' then
    p = vim.env.SKILLMEAT_LSP_PATH
  end
  return (p ~= nil and p ~= '') and vim.fn.expand(p) or 'skillmeat-lsp'
end

-- The commands, callable from Lua too: require('skillmeat').sync({ artifact = 'skill:pdf' }).
for _, name in ipairs({ 'status', 'sync', 'rollback', 'history', 'diff', 'resolve', 'quickfix', 'log' }) do
  M[name] = function(...)
    return require('skillmeat.commands')[name](...)
  end
end

return M
