-- The `:Skillmeat` command line: its words parsed into a subcommand's options, the subcommand
-- run (`skillmeat.commands`), and completion of subcommands, ids, directions and strategies.

local C = require('skillmeat.client')
local commands = require('skillmeat.commands')

local M = {}

local REVISION_WORDS = { deployed = true, project = true, collection = true, upstream = true }

local function is_rev(tok)
  return REVISION_WORDS[tok] or tok:match('^v%d+$') ~= nil or tok:match('^%x%x%x%x+$') ~= nil
end

--- Parses `:Skillmeat` arguments into the options of the subcommand.
---@param sub string
---@param toks string[]
function M.parse(sub, toks)
  local o = {}
  local set = function(list)
    local s = {}
    for _, x in ipairs(list) do
      s[x] = true
    end
    return s
  end
  if sub == 'sync' then
    local dirs, strats = set(commands.DIRECTIONS), set(commands.STRATEGIES)
    for _, t in ipairs(toks) do
      if t == 'all' or t == '--all' then
        o.all = true
      elseif t == 'dry-run' or t == '--dry-run' or t == 'dry' then
        o.dryRun = true
      elseif dirs[t] then
        o.direction = t
      elseif strats[t] then
        o.strategy = t
      else
        o.artifact = t
      end
    end
  elseif sub == 'resolve' then
    local choices = set(commands.CHOICES)
    for _, t in ipairs(toks) do
      if choices[t] then
        o.choice = t
      else
        o.artifact = t
      end
    end
  elseif sub == 'rollback' then
    if #toks >= 2 then
      o.artifact, o.to = toks[1], toks[2]
    elseif #toks == 1 then
      if not toks[1]:find(':', 1, true) and (is_rev(toks[1]) or C.artifact_of_buf(0)) then
        o.to = toks[1]
      else
        o.artifact = toks[1]
      end
    end
  elseif sub == 'diff' then
    local i = 1
    if toks[1] and (toks[1]:find(':', 1, true) or not is_rev(toks[1])) then
      o.artifact, i = toks[1], 2
    end
    o.from, o.to = toks[i], toks[i + 1]
  elseif sub == 'history' then
    o.artifact = toks[1]
  elseif sub == 'next' or sub == 'prev' then
    o.kind = toks[1] == 'hunk' and 'hunk' or 'conflict'
  end
  return o
end

--- Runs `:Skillmeat {sub} [args]`.
function M.run(line)
  local toks = vim.split(vim.trim(line or ''), '%s+', { trimempty = true })
  local sub = table.remove(toks, 1) or 'status'
  local fn = commands[sub]
  if not vim.list_contains(commands.SUBCOMMANDS, sub) or type(fn) ~= 'function' then
    C.notify(
      ('unknown subcommand `%s`; use one of: %s'):format(sub, table.concat(commands.SUBCOMMANDS, ', ')),
      vim.log.levels.ERROR
    )
    return
  end
  fn(M.parse(sub, toks))
end

--- Command-line completion for `:Skillmeat`.
function M.complete(arglead, cmdline)
  local toks = vim.split(cmdline, '%s+', { trimempty = false })
  local n = #toks - 1 -- the position being completed (1 = subcommand)
  local cands = {}
  if n <= 1 then
    cands = commands.SUBCOMMANDS
  else
    local sub = toks[2]
    local ids = {}
    for _, a in ipairs((commands.last_status or {}).artifacts or {}) do
      table.insert(ids, a.id)
    end
    if sub == 'sync' then
      cands = vim.list_extend({ 'all', 'dry-run' }, commands.DIRECTIONS)
      cands = vim.list_extend(vim.list_extend(cands, commands.STRATEGIES), ids)
    elseif sub == 'resolve' then
      cands = vim.list_extend(vim.deepcopy(commands.CHOICES), ids)
    elseif sub == 'rollback' or sub == 'diff' then
      cands = vim.list_extend({ 'deployed', 'project', 'collection', 'upstream' }, ids)
    elseif sub == 'history' then
      cands = ids
    elseif sub == 'next' or sub == 'prev' then
      cands = { 'conflict', 'hunk' }
    end
  end
  return vim.tbl_filter(function(c)
    return vim.startswith(c, arglead)
  end, cands)
end

return M
