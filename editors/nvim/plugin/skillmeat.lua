-- The `:Skillmeat` user command and the CodeLens autocmds; the language server itself is enabled
-- by `vim.lsp.enable('skillmeat')` or `require('skillmeat').setup{}`.
if vim.g.loaded_skillmeat then
  return
end
vim.g.loaded_skillmeat = true

if vim.fn.has('nvim-0.11') == 0 then
  vim.notify_once('skillmeat: needs Neovim 0.11 or newer', vim.log.levels.WARN)
  return
end

require('skillmeat').init()

vim.api.nvim_create_user_command('Skillmeat', function(o)
  require('skillmeat.cmdline').run(o.args)
end, {
  nargs = '*',
  desc = 'skillmeat: status | sync | rollback | history | diff | resolve | quickfix | next | prev',
  complete = function(arglead, cmdline)
    return require('skillmeat.cmdline').complete(arglead, cmdline)
  end,
})
