-- Neovim init for the headless specs: only this plugin on the runtimepath, no swap or shada.
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
local plugin = vim.fn.fnamemodify(here, ':h')
vim.opt.runtimepath:prepend(plugin)
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
vim.opt.more = false
vim.opt.shortmess:append('IF')
package.path = here .. '/?.lua;' .. package.path
