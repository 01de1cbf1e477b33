-- A profile root SkillMeat's config adds, with no `profile_roots` in setup(): its config.toml
-- (`SKILLMEAT_CONFIG_DIR`, for the CLI and the server alike) moves gemini to `.myroot`, and a
-- project holding only that deployment, edited to drift, is opened. The plugin asks the server
-- binary for its roots, attaches the client with the project as its root, and the file gets its
-- drift diagnostic, its `@gemini` id, its lens and drift as you type.
local H = require('helpers')

local ROOTY = '---\nname: rooty\ndescription: A config root test\n---\n\nalpha\nbeta\n'

--- A project whose only profile root is `.myroot` (gemini's, by SkillMeat's config).
local function myroot_workspace()
  local ws = H.workspace({ ['collection/skills/rooty/SKILL.md'] = ROOTY })
  vim.fn.delete(ws.project .. '/.claude', 'd')
  H.write(ws.root .. '/skillmeat/config.toml', '[platform.defaults.gemini]\nroot_dir = ".myroot"\n')
  vim.env.SKILLMEAT_CONFIG_DIR = ws.root .. '/skillmeat'
  local code, stdout, stderr = H.cli(ws, { 'deploy', '--profile', 'gemini', 'skill:rooty' })
  assert(code == 0, ('deploy --profile gemini failed (%d): %s %s'):format(code, stdout, stderr))
  ws.main = ws.project .. '/.myroot/skills/rooty/SKILL.md'
  H.eq(ROOTY, H.read(ws.main), 'deployed under .myroot')
  for _, builtin in ipairs({ '.claude', '.agents', '.gemini', '.cursor' }) do
    H.ok(vim.fn.isdirectory(ws.project .. '/' .. builtin) == 0, 'no ' .. builtin .. ' folder')
  end
  return ws
end

H.test('a root from SkillMeat\'s config.toml: attach at the project, drift, its @gemini id, lens, typing', function()
  local ws = myroot_workspace()
  H.ok(not require('skillmeat.roots').is_root('.myroot'), 'the plugin was not told about .myroot')
  H.write(ws.main, ROOTY:gsub('beta', 'beta (edited here)'))
  local buf, client = H.open(ws, ws.main)
  H.eq(ws.project, client.root_dir, 'the project is the root')
  H.eq({ '.claude', '.agents', '.myroot', '.cursor' }, client.server_capabilities.experimental.profileRoots)
  H.eq('skill:rooty@gemini', (require('skillmeat.client').artifact_of_buf(buf)), 'the buffer\'s artifact')
  local d = H.wait_code(buf, 'drift-modified')
  H.ok(d.message:find('skill:rooty@gemini', 1, true), d.message)

  H.wait('the lens on the .myroot file', function()
    vim.lsp.codelens.refresh({ bufnr = buf })
    vim.wait(100)
    for _, l in ipairs(vim.lsp.codelens.get(buf)) do
      if l.command and l.command.title:find('· modified', 1, true) then
        return true
      end
    end
  end)

  -- Typing back to the deployed text (unsaved): the drift diagnostic goes, nothing is written.
  vim.api.nvim_buf_set_lines(buf, 6, 7, false, { 'beta' })
  H.eq(ROOTY, H.text(buf), 'the buffer holds the deployed text')
  H.wait('the drift diagnostic to go', function()
    return #vim.tbl_filter(function(x)
      return x.code == 'drift-modified'
    end, H.diags(buf)) == 0
  end)
  H.ok(H.read(ws.main):find('edited here', 1, true), 'nothing was saved')
end)

H.finish()
