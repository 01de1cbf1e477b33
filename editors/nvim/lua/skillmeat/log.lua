-- `:Skillmeat log [ID] [since=TIME] [op=OP]`: the audit trail (`skillmeat.log`) in a scratch
-- buffer, newest first, one line per event; <CR> on a line shows only that artifact's events.

local C = require('skillmeat.client')
local views = require('skillmeat.views')

local M = {}

--- Operations `op=` accepts (the server refuses others, listing these).
M.OPERATIONS = { 'add', 'deploy', 'import', 'keep', 'resolve', 'rollback', 'sync', 'tag', 'unkeep' }

--- `2026-11-29T16:58:43.123456Z` as `2026-11-29 16:58:43Z`.
local function short_time(at)
  return (tostring(at):gsub('T', ' '):gsub('%.%d+Z$', 'Z'))
end

local function str(v)
  return type(v) == 'string' and v or nil
end

--- One line per event: time, operation, artifact, version, project, then what happened.
---@param log table the `skillmeat.log` result
---@return string[] lines, (string|false)[] artifact of each line
function M.lines(log, title)
  local lines = { ('# %s: %d event%s, newest first (<CR> on a line: that artifact only, q: close)'):format(
    title or log.project or 'log',
    #(log.events or {}),
    #(log.events or {}) == 1 and '' or 's'
  ) }
  local of = { false }
  local width = 1
  for _, e in ipairs(log.events or {}) do
    width = math.max(width, #(str(e.artifact) or '-'))
  end
  for _, e in ipairs(log.events or {}) do
    local how = {}
    for _, x in ipairs({ str(e.direction), str(e.strategy) }) do
      table.insert(how, x)
    end
    if type(e.duration_ms) == 'number' and e.duration_ms > 0 then
      table.insert(how, e.duration_ms .. ' ms')
    end
    local line = ('%s  %-8s %-' .. width .. 's  %-5s %s  %s'):format(
      short_time(e.at),
      e.operation,
      str(e.artifact) or '-',
      str(e.version) or '-',
      str(e.project) or '',
      e.result
    )
    if #how > 0 then
      line = line .. ' (' .. table.concat(how, ', ') .. ')'
    end
    if type(e.conflict_files) == 'table' and #e.conflict_files > 0 then
      line = line .. ' in ' .. table.concat(e.conflict_files, ', ')
    end
    if str(e.detail) then
      line = line .. ': ' .. e.detail
    end
    table.insert(lines, line)
    table.insert(of, str(e.artifact) or false)
  end
  return lines, of
end

--- Runs `skillmeat.log` and shows it in `skillmeat://log[/ID]`.
---@param opts {artifact?: string, since?: string, op?: string}?
function M.show(opts)
  opts = opts or {}
  local args = { artifact = opts.artifact, since = opts.since, op = opts.op }
  C.execute('skillmeat.log', args, function(err, log)
    if err or type(log) ~= 'table' then
      return
    end
    local name = opts.artifact and ('skillmeat://log/' .. opts.artifact) or 'skillmeat://log'
    local lines, of = M.lines(log, opts.artifact)
    local buf = views.scratch(name, lines, 'skillmeatlog')
    vim.b[buf].skillmeat_log_artifacts = of
    vim.keymap.set('n', '<CR>', function()
      local id = (vim.b[buf].skillmeat_log_artifacts or {})[vim.api.nvim_win_get_cursor(0)[1]]
      if id and id ~= vim.NIL and id ~= opts.artifact then
        M.show({ artifact = id, since = opts.since, op = opts.op })
      end
    end, { buffer = buf, nowait = true, desc = 'This artifact\'s events' })
  end)
end

--- `:Skillmeat log` arguments: `since=TIME`, `op=OP`, else the artifact.
function M.parse(toks)
  local o = {}
  for _, t in ipairs(toks) do
    local k, v = t:match('^%-?%-?(%a+)=(.+)$')
    if k == 'since' then
      o.since = v
    elseif k == 'op' then
      o.op = v
    else
      o.artifact = t
    end
  end
  return o
end

return M
