-- Every SkillMeat profile root, not only `.claude`: a skill deployed with `deploy --profile codex`
-- (`.agents/skills/<name>/`, in a project with no `.claude` folder) attaches the client with the
-- project as its root, shows drift as you type, knows its `skill:x@codex` id, and its Update lens
-- and code action bring the collection's text; saved, the codex deployment reads `synced`.
local H = require('helpers')

--- A project holding only a codex deployment of skill:demo (no `.claude` folder at all).
local function codex_workspace()
  local ws = H.workspace({ ['collection/skills/demo/SKILL.md'] = H.BASE })
  vim.fn.delete(ws.project .. '/.claude', 'd')
  local code, stdout, stderr = H.cli(ws, { 'deploy', '--profile', 'codex', 'skill:demo' })
  assert(code == 0, ('deploy --profile codex failed (%d): %s %s'):format(code, stdout, stderr))
  ws.main = ws.project .. '/.agents/skills/demo/SKILL.md'
  H.eq(H.BASE, H.read(ws.main), 'deployed under .agents')
  H.ok(vim.fn.isdirectory(ws.project .. '/.claude') == 0, 'no .claude folder')
  return ws
end

H.test('codex (.agents): attach at the project, drift as you type, its @codex id', function()
  local ws = codex_workspace()
  local buf, client = H.open(ws, ws.main)
  H.eq(ws.project, client.root_dir, 'the project is the root, not a folder above it')
  H.eq('skill:demo@codex', (require('skillmeat.client').artifact_of_buf(buf)), 'the buffer\'s artifact')

  vim.api.nvim_buf_set_lines(buf, 5, 6, false, { 'one (typed)' })
  local d = H.wait_code(buf, 'drift-modified')
  H.eq(0, d.lnum, 'on the first line')
  H.eq('synced', H.server_state(ws, 'skill:demo@codex'), 'unsaved typing records nothing')
  vim.cmd('silent undo')
  H.wait('the drift diagnostic to go after :undo', function()
    return #vim.tbl_filter(function(x)
      return x.code == 'drift-modified'
    end, H.diags(buf)) == 0
  end)

  -- A file of the artifact that is not markdown gets the client too.
  local script = ws.project .. '/.agents/skills/demo/run.sh'
  H.write(script, 'echo hi\n')
  vim.cmd.edit(vim.fn.fnameescape(script))
  H.wait_client(vim.api.nvim_get_current_buf())
end)

H.test('codex (.agents): the Update lens and the Update code action, saved → synced', function()
  local ws = codex_workspace()
  local newer = H.BASE:gsub('three', 'three (collection)')
  H.write(ws.path('collection/skills/demo/SKILL.md'), newer)
  local buf, client = H.open(ws, ws.main)
  H.wait_code(buf, 'drift-outdated')
  client:exec_cmd(H.wait_lens(buf, '^Update: clean$'), { bufnr = buf })
  H.wait('the lens to put the collection\'s text in the buffer', function()
    return H.text(buf) == newer
  end)
  H.eq(H.BASE, H.read(ws.main), 'nothing written before :w')
  vim.cmd('silent undo')
  H.eq(H.BASE, H.text(buf), 'after :undo')

  H.apply_action(buf, 'drift-outdated', 'Update from collection', newer)
  vim.cmd('silent write')
  H.eq(newer, H.read(ws.main), 'saved')
  require('skillmeat.client').execute_sync('skillmeat.status', {}, { bufnr = buf })
  H.eq('synced', H.server_state(ws, 'skill:demo@codex'), 'the codex deployment after :w')
  H.wait('the outdated diagnostic to go', function()
    return #H.diags(buf) == 0
  end)
end)

H.finish()
