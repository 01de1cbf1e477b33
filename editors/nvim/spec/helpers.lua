-- Helpers for the headless specs: fixture workspaces made with the real CLI, bounded waits,
-- assertions, and PASS/FAIL reporting (one spec file = one nvim process).

local H = {}

H.bin = assert(vim.env.SKILLMEAT_LSP_BIN, 'set SKILLMEAT_LSP_BIN to the skillmeat-lsp binary')
H.TIMEOUT = tonumber(vim.env.SKILLMEAT_SPEC_TIMEOUT_MS or '') or 10000

H.BASE = '---\nname: pdf\ndescription: PDF tools\n---\n\none\ntwo\nthree\n'

local results = { passed = 0, failed = 0 }

local function out(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end
H.out = out

function H.write(path, text)
  vim.fn.mkdir(vim.fs.dirname(path), 'p')
  local f = assert(io.open(path, 'wb'))
  f:write(text)
  f:close()
end

function H.read(path)
  local f = io.open(path, 'rb')
  if not f then
    return nil
  end
  local s = f:read('*a')
  f:close()
  return s
end

--- Runs the CLI on `ws`; returns code, stdout, stderr.
function H.cli(ws, args)
  local cmd = { H.bin, '--workspace', ws.project, '--collection', ws.collection }
  vim.list_extend(cmd, args)
  local r = vim.system(cmd, { text = true, env = { HOME = ws.home } }):wait(H.TIMEOUT)
  return r.code, r.stdout, r.stderr
end

--- A temporary collection and project: `files` maps `collection/...` paths to contents, `deploy`
--- lists ids deployed into the project.
function H.workspace(files, deploy)
  local root = vim.fs.normalize(vim.fn.resolve(vim.fn.tempname()))
  local ws = {
    root = root,
    collection = root .. '/collection',
    project = root .. '/project',
    home = root .. '/home',
  }
  vim.fn.mkdir(ws.collection, 'p')
  vim.fn.mkdir(ws.project .. '/.claude', 'p')
  vim.fn.mkdir(ws.home, 'p')
  for rel, text in pairs(files or {}) do
    H.write(root .. '/' .. rel, text)
  end
  if deploy and #deploy > 0 then
    local code, stdout, stderr = H.cli(ws, vim.list_extend({ 'deploy' }, deploy))
    assert(code == 0, ('deploy failed (%d): %s %s'):format(code, stdout, stderr))
  end
  function ws.path(rel)
    return root .. '/' .. rel
  end
  function ws.skill(name)
    return ws.project .. '/.claude/skills/' .. name .. '/SKILL.md'
  end
  return ws
end

--- Configures the plugin for `ws` (the test's own binary and collection).
function H.setup(ws, settings)
  require('skillmeat').setup({
    server_path = H.bin,
    open_quickfix = false,
    settings = vim.tbl_extend('force', { collectionPath = ws.collection }, settings or {}),
  })
end

--- Waits (bounded) until `cond()` is truthy; raises `what` on timeout.
function H.wait(what, cond, ms)
  local value
  local ok = vim.wait(ms or H.TIMEOUT, function()
    value = cond()
    return value
  end, 20)
  if not ok then
    error('timed out waiting for ' .. what, 2)
  end
  return value
end

--- The skillmeat diagnostics of a buffer.
function H.diags(bufnr)
  return vim.tbl_filter(function(d)
    return d.source == 'skillmeat'
  end, vim.diagnostic.get(bufnr))
end

function H.codes(diags)
  local c = {}
  for _, d in ipairs(diags) do
    table.insert(c, d.code)
  end
  table.sort(c)
  return c
end

--- Waits for a diagnostic with `code` on `bufnr`; returns it.
function H.wait_code(bufnr, code, ms)
  return H.wait(('diagnostic %s on buffer %d'):format(code, bufnr), function()
    for _, d in ipairs(H.diags(bufnr)) do
      if d.code == code then
        return d
      end
    end
  end, ms)
end

--- Waits for a skillmeat client attached to `bufnr`.
function H.wait_client(bufnr)
  return H.wait('the skillmeat client to attach', function()
    local c = vim.lsp.get_clients({ name = 'skillmeat', bufnr = bufnr })[1]
    return c and c.initialized and c
  end)
end

--- The buffer named `name`, if one is listed.
function H.find_buf(name)
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_get_name(b) == name then
      return b
    end
  end
end

--- The state `skillmeat-lsp status --json` reports for artifact `id`.
function H.server_state(ws, id)
  local code, stdout = H.cli(ws, { 'status', '--json' })
  H.ok(code == 0 or code == 1, 'status ran: ' .. tostring(code))
  for _, a in ipairs(vim.json.decode(stdout).artifacts) do
    if a.id == id then
      return a.state
    end
  end
end

--- skill:pdf deployed, then line `two` changed in both the collection and the project and
--- synced: the sync leaves conflict markers (exit 4). Returns the workspace and the
--- collection's text.
function H.pdf_conflict()
  local ws = H.workspace({ ['collection/skills/pdf/SKILL.md'] = H.BASE }, { 'skill:pdf' })
  local theirs = H.BASE:gsub('two', 'two (collection)')
  H.write(ws.path('collection/skills/pdf/SKILL.md'), theirs)
  H.write(ws.skill('pdf'), (H.BASE:gsub('two', 'two (project)')))
  H.eq(4, (H.cli(ws, { 'sync', 'skill:pdf', '--apply' })), 'sync leaves conflicts')
  return ws, theirs
end

--- Sets the plugin up for `ws`, wipes every buffer and edits `path`; returns the buffer and the
--- skillmeat client once it has attached.
function H.open(ws, path)
  H.setup(ws)
  vim.cmd('silent! %bwipeout!')
  vim.cmd.edit(vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  return buf, H.wait_client(buf)
end

--- Waits for a code lens of `buf` whose title matches the Lua `pattern`; returns its command.
function H.wait_lens(buf, pattern)
  return H.wait('a lens matching ' .. pattern, function()
    vim.lsp.codelens.refresh({ bufnr = buf })
    vim.wait(100)
    for _, l in ipairs(vim.lsp.codelens.get(buf)) do
      if l.command and l.command.title:find(pattern) then
        return l.command
      end
    end
  end)
end

--- Applies the code action titled `title` at `buf`'s first `code` diagnostic, as a person picks
--- it from the menu, and waits for the buffer to read `want` (nothing is saved).
function H.apply_action(buf, code, title, want)
  local d = H.wait_code(buf, code)
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, 0 })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(a)
      return a.title == title
    end,
  })
  H.wait('the action ' .. title .. ' to put its text in the buffer', function()
    return H.text(buf) == want
  end)
end

function H.text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
end

function H.eq(want, got, what)
  if not vim.deep_equal(want, got) then
    error(('%s:\n  want %s\n  got  %s'):format(what or 'values differ', vim.inspect(want), vim.inspect(got)), 2)
  end
end

function H.ok(cond, what)
  if not cond then
    error(what or 'assertion failed', 2)
  end
end

--- Answers `vim.ui.select` by prompt: `answers[prompt_prefix] = function(items) -> item` or an
--- item value (matched with `==` or, for tables, against `format_item`'s text). Records prompts.
function H.answer_selects(answers)
  local asked = {}
  vim.ui.select = function(items, opts, on_choice)
    local prompt = opts.prompt or ''
    table.insert(asked, prompt)
    local pick
    for prefix, want in pairs(answers) do
      if vim.startswith(prompt, prefix) then
        for _, item in ipairs(items) do
          local text = opts.format_item and opts.format_item(item) or tostring(item)
          if type(want) == 'function' then
            if want(item, text) then
              pick = item
              break
            end
          elseif item == want or text == want or (type(item) == 'table' and item.title == want) then
            pick = item
            break
          end
        end
      end
    end
    if not pick then
      out('  (no answer for select prompt ' .. vim.inspect(prompt) .. ')')
    end
    vim.schedule(function()
      on_choice(pick)
    end)
  end
  return asked
end

--- Runs one test; prints PASS/FAIL.
function H.test(name, fn)
  local started = vim.uv.hrtime()
  local ok, err = xpcall(fn, debug.traceback)
  local ms = math.floor((vim.uv.hrtime() - started) / 1e6)
  if ok then
    results.passed = results.passed + 1
    out(('PASS %s (%d ms)'):format(name, ms))
  else
    results.failed = results.failed + 1
    out(('FAIL %s (%d ms)'):format(name, ms))
    for line in tostring(err):gmatch('[^\n]+') do
      out('    ' .. line)
    end
    local msgs = vim.fn.execute('messages')
    if msgs ~= '' then
      out('    messages:')
      for line in msgs:gmatch('[^\n]+') do
        out('      ' .. line)
      end
    end
  end
end

--- Stops clients and quits with a non-zero code when a test failed.
function H.finish()
  for _, c in ipairs(vim.lsp.get_clients()) do
    c:stop(true)
  end
  vim.wait(2000, function()
    return #vim.lsp.get_clients() == 0
  end, 20)
  if results.failed > 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

return H
