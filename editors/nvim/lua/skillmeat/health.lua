-- `:checkhealth skillmeat`: Neovim version, the server binary (found, runs, version, the commands
-- and settings this plugin uses), the configuration, and the clients attached.

local M = {}

local health = vim.health

-- The server commands the plugin calls; `serve --describe` must list them.
local USED_COMMANDS = {
  'skillmeat.status',
  'skillmeat.sync',
  'skillmeat.resolve',
  'skillmeat.rollback',
  'skillmeat.history',
  'skillmeat.diff',
}

local function run(cmd, timeout)
  local ok, obj = pcall(function()
    return vim.system(cmd, { text = true, stdin = false }):wait(timeout or 5000)
  end)
  if not ok then
    return nil, tostring(obj)
  end
  if obj.code ~= 0 then
    return nil, ('exit %s: %s'):format(tostring(obj.code), vim.trim(obj.stderr or ''))
  end
  return obj.stdout
end

local function check_neovim()
  health.start('Neovim')
  local v = vim.version()
  local s = ('%d.%d.%d'):format(v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim ' .. s .. ' (0.11 or newer: vim.lsp.config / vim.lsp.enable)')
  else
    health.error('Neovim ' .. s .. ' is too old', { 'install Neovim 0.11 or newer' })
  end
end

local function check_binary()
  health.start('skillmeat-lsp binary')
  local path = require('skillmeat').server_path()
  local exe = vim.fn.exepath(path)
  if exe == '' then
    health.error(('`%s` was not found or is not executable'):format(path), {
      'put skillmeat-lsp on PATH (cargo install --path server)',
      "or set it: require('skillmeat').setup({ server_path = '/path/to/skillmeat-lsp' })",
      'or: vim.g.skillmeat_server_path = ..., or $SKILLMEAT_LSP_PATH',
    })
    return
  end
  health.ok('found: ' .. exe)
  local out, err = run({ exe, '--version' })
  if not out then
    health.error('`' .. exe .. ' --version` failed: ' .. err)
    return
  end
  health.ok('runs: ' .. vim.trim(out))
  local desc, derr = run({ exe, 'serve', '--describe' })
  if not desc then
    health.warn('`serve --describe` failed (' .. derr .. '); cannot check the server\'s commands')
    return
  end
  local okj, d = pcall(vim.json.decode, desc)
  if not okj or type(d) ~= 'table' then
    health.warn('`serve --describe` did not print JSON')
    return
  end
  local missing = vim.tbl_filter(function(c)
    return not vim.list_contains(d.commands or {}, c)
  end, USED_COMMANDS)
  if #missing > 0 then
    health.error('the server lacks commands this plugin uses: ' .. table.concat(missing, ', '), {
      'update skillmeat-lsp',
    })
  else
    health.ok(('server %s %s offers every command the plugin uses'):format(d.name or '?', d.version or '?'))
  end
  local known = require('skillmeat').SETTINGS
  local extra = vim.tbl_filter(function(s)
    return not vim.list_contains(known, s)
  end, d.settings or {})
  if #extra > 0 then
    health.info('the server has settings this plugin does not document: ' .. table.concat(extra, ', '))
  end
end

local function check_config()
  health.start('configuration')
  local cfg = vim.lsp.config.skillmeat
  if not cfg then
    health.error("no `skillmeat` LSP config: is editors/nvim on the 'runtimepath'?")
    return
  end
  health.ok(('cmd: %s'):format(type(cfg.cmd) == 'table' and table.concat(cfg.cmd, ' ') or 'a function'))
  health.info(('filetypes: %s; profile roots (a project is the nearest folder holding one): %s'):format(
    table.concat(cfg.filetypes or {}, ', '),
    table.concat(require('skillmeat.roots').dirs(), ', ')
  ))
  if vim.lsp.is_enabled('skillmeat') then
    health.ok('enabled (vim.lsp.enable)')
  else
    health.warn('not enabled', { "vim.lsp.enable('skillmeat') or require('skillmeat').setup{}" })
  end
  local s = (cfg.settings or {}).skillmeat or {}
  local known = require('skillmeat').SETTINGS
  for k in pairs(s) do
    if not vim.list_contains(known, k) then
      health.warn(('unknown setting `%s` (known: %s)'):format(k, table.concat(known, ', ')))
    end
  end
  health.info(('settings: %s'):format(vim.inspect(s, { newline = ' ', indent = '' })))
  if type(s.collectionPath) == 'string' and s.collectionPath ~= '' then
    if vim.fn.isdirectory(vim.fn.expand(s.collectionPath)) == 1 then
      health.ok('collectionPath exists: ' .. s.collectionPath)
    else
      health.warn('collectionPath is not a folder: ' .. s.collectionPath)
    end
  end
end

local function check_clients()
  health.start('language server')
  local clients = vim.lsp.get_clients({ name = 'skillmeat' })
  if #clients == 0 then
    health.warn('no skillmeat client is running', {
      ('open a file under one of a project\'s profile roots, %s (SKILL.md, commands/*.md, agents/*.md)'):format(
        table.concat(require('skillmeat.roots').dirs(), ', ')
      ),
    })
    return
  end
  for _, c in ipairs(clients) do
    local info = c.server_info or {}
    local bufs = vim.tbl_count(c.attached_buffers or {})
    local state = c:is_stopped() and 'stopped' or (c.initialized and 'running' or 'starting')
    local line = ('%s %s (client %d, %s) for %s, %d buffer(s) attached'):format(
      info.name or 'skillmeat-lsp',
      info.version or '',
      c.id,
      state,
      c.root_dir or '?',
      bufs
    )
    if c:is_stopped() then
      health.error(line, { 'see :LspLog' })
    elseif bufs == 0 then
      health.warn(line)
    else
      health.ok(line)
    end
  end
end

function M.check()
  check_neovim()
  check_binary()
  check_config()
  check_clients()
end

return M
