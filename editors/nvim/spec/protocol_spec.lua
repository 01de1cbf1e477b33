-- The client against the server's JSON contract: the real CLI's `status`, `history` and `sync`
-- JSON is fed to the client's own decoding (quickfix items, the history view, the sync summary)
-- through tables that record every field read, and each field read must be in
-- docs/schema/*.schema.json; the quickfix items open each artifact's `main_file`.
local H = require('helpers')

local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
local schema_dir = vim.fs.normalize(here .. '/../../../docs/schema')

local function schema(name)
  local text = assert(H.read(schema_dir .. '/' .. name .. '.schema.json'), 'no schema ' .. name)
  return vim.json.decode(text)
end

--- `value` with every object replaced by a table that records in `seen` each field read
--- (`path.field`), and in `missing` each one `sch` does not list. Arrays stay arrays (the client
--- walks them with `ipairs` and `#`); maps the schema leaves open (`summary`) stay as they are.
local function watch(value, sch, path, seen, missing)
  if type(value) ~= 'table' or sch == nil then
    return value
  end
  if vim.islist(value) and (next(value) ~= nil or sch.type == 'array') then
    local out = {}
    for i, v in ipairs(value) do
      out[i] = watch(v, sch.items, path .. '[]', seen, missing)
    end
    return out
  end
  if sch.properties == nil then
    return value
  end
  return setmetatable({}, {
    __index = function(_, k)
      local p = path .. '.' .. tostring(k)
      seen[p] = true
      local sub = sch.properties[k]
      if sub == nil then
        missing[p] = true
      end
      return watch(value[k], sub, p, seen, missing)
    end,
  })
end

local function keys(t)
  local out = vim.tbl_keys(t)
  table.sort(out)
  return out
end

local function drifted()
  local ws = H.workspace({
    ['collection/skills/pdf/SKILL.md'] = H.BASE,
    ['collection/commands/review.md'] = 'Review.\n',
    ['collection/agents/planner.md'] = 'Plan.\n',
  }, { 'skill:pdf', 'command:review', 'agent:planner' })
  H.write(ws.skill('pdf'), (H.BASE:gsub('two', 'two (project)')))
  H.write(ws.path('collection/commands/review.md'), 'Review more.\n')
  H.write(ws.project .. '/.claude/agents/planner.md', 'Plan, locally.\n')
  return ws
end

local function cli_json(ws, args)
  local code, stdout, stderr = H.cli(ws, vim.list_extend(vim.deepcopy(args), { '--json' }))
  H.ok(code == 0 or code == 1, ('%s: exit %d: %s'):format(table.concat(args, ' '), code, stderr))
  return vim.json.decode(stdout)
end

H.test('the fields the client reads from status, history and sync are in the schemas', function()
  local ws = drifted()
  local seen, missing = {}, {}
  local status = cli_json(ws, { 'status' })
  local items = require('skillmeat.quickfix').status_items(
    watch(status, schema('status'), 'status', seen, missing),
    { untracked = true }
  )
  local views = require('skillmeat.views')
  views.history(watch(cli_json(ws, { 'history', 'skill:pdf' }), schema('history'), 'history', seen, missing))
  views.sync_summary(watch(cli_json(ws, { 'sync', '--all' }), schema('sync'), 'sync', seen, missing))

  H.eq({}, keys(missing), 'fields read that the schema does not have')
  for _, f in ipairs({ 'status.artifacts[].main_file', 'status.artifacts[].state', 'history.versions[].version', 'sync.summary' }) do
    H.ok(seen[f], ('the client never read %s; read: %s'):format(f, vim.inspect(keys(seen))))
  end

  -- Each item opens the artifact's main file as the server names it, and that file exists.
  local files = {}
  for _, it in ipairs(items) do
    H.ok(vim.uv.fs_stat(it.filename), 'no file at ' .. it.filename)
    table.insert(files, it.filename)
  end
  table.sort(files)
  H.eq({
    ws.project .. '/.claude/agents/planner.md',
    ws.project .. '/.claude/commands/review.md',
    ws.skill('pdf'),
  }, files, 'quickfix files')
end)

H.test('a field the schema lacks is reported', function()
  local ws = drifted()
  local sch = schema('status')
  sch.properties.artifacts.items.properties.main_file = nil
  local seen, missing = {}, {}
  require('skillmeat.quickfix').status_items(watch(cli_json(ws, { 'status' }), sch, 'status', seen, missing))
  H.eq({ 'status.artifacts[].main_file' }, keys(missing), 'missing')
end)

H.finish()
