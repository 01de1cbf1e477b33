-- skillmeat-lsp for Neovim 0.11's `vim.lsp.config` / `vim.lsp.enable`: drift, conflicts, code
-- actions, CodeLens and commands for artifacts under every SkillMeat profile root (`.claude/`,
-- `.agents/`, `.gemini/`, `.cursor/`; lua/skillmeat/roots.lua).
--
--   vim.lsp.enable('skillmeat')
--   vim.lsp.config('skillmeat', { settings = { skillmeat = { collectionPath = '~/skills' } } })
--
-- The binary is `vim.g.skillmeat_server_path`, else `$SKILLMEAT_LSP_PATH`, else `skillmeat-lsp`
-- on PATH. Settings use the server's names (docs/lsp-extensions.md); they are sent both as
-- `initializationOptions` and as the `skillmeat` section of `workspace/configuration`.

local function server_path()
  local p = vim.g.skillmeat_server_path
  if p == nil or p == '' then
    p = vim.env.SKILLMEAT_LSP_PATH
  end
  if p == nil or p == '' then
    p = 'skillmeat-lsp'
  end
  return vim.fn.expand(p)
end

-- The `skillmeat.*` commands that code actions and CodeLens carry run through the plugin when it
-- is on the runtimepath (to show results and reload changed buffers); without it they go to the
-- server as they are.
local ok, client = pcall(require, 'skillmeat.client')
local roots_ok, roots = pcall(require, 'skillmeat.roots')

---@type vim.lsp.Config
return {
  cmd = { server_path(), 'serve' },
  filetypes = { 'markdown' },
  -- The nearest folder holding any profile root is the project (never the home folder); without
  -- the plugin's Lua on the runtimepath, the nearest `.claude`.
  root_dir = function(bufnr, on_dir)
    local root = roots_ok and roots.project_root(bufnr) or vim.fs.root(bufnr, '.claude')
    if root then
      on_dir(root)
    end
  end,
  settings = {
    skillmeat = {
      hunkDiagnostics = true,
      confirmDestructive = true,
      upstreamCheckInterval = 0,
      skillmeatCompat = false,
    },
  },
  commands = ok and client.client_commands() or nil,
  -- Edits the server applies (Update lens, multi-file Merge): every file shown, undone as one.
  handlers = ok and { ['workspace/applyEdit'] = require('skillmeat.edits').handler } or nil,
  before_init = function(params, config)
    -- One source of truth: the `skillmeat` settings section, overlaid by any `init_options`.
    local s = vim.deepcopy((config.settings or {}).skillmeat or {})
    for k, v in pairs(config.init_options or {}) do
      s[k] = v
    end
    if type(s.collectionPath) == 'string' and s.collectionPath ~= '' then
      s.collectionPath = vim.fs.normalize(vim.fn.expand(s.collectionPath))
      if config.settings and config.settings.skillmeat then
        config.settings.skillmeat.collectionPath = s.collectionPath
      end
    end
    params.initializationOptions = s
  end,
}
