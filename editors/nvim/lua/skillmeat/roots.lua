-- SkillMeat's profile roots as the Neovim client sees them: the one list of root folders
-- (`.claude`, `.agents`, `.gemini`, `.cursor`, and the roots SkillMeat's config adds, which the
-- server binary reports) it needs before a server runs — to decide which buffers start or join a
-- client and where a project's root is. Everything else (which artifact a file belongs to, its
-- `type:name@profile` id) is asked of the server (client.lua).

local M = {}

--- SkillMeat 0.74's built-in profiles (core/platform_defaults.py): each profile's root folder in
--- a project, and its profile id in `type:name@profile` ids (`.claude`'s ids carry none).
--- Roots that SkillMeat's config adds (`platform.defaults.<platform>`) are asked of the server
--- binary the first time a path is in no known root (`serve --describe`'s `profileRoots`), read
--- from a started server's `initialize` result, and learned from `skillmeat.status` (an
--- artifact's `path`); `setup{ profile_roots = { '.myroot' } }` adds more by hand.
M.BUILTIN = {
  { dir = '.claude' },
  { dir = '.agents', profile = 'codex' },
  { dir = '.gemini', profile = 'gemini' },
  { dir = '.cursor', profile = 'cursor' },
}

local extra = {}
local asked = false

--- Adds a root folder name (`.myroot`); what `setup{ profile_roots }` and status answers call.
---@param dir string
function M.add(dir)
  dir = dir:gsub('^%./', ''):gsub('/+$', '')
  if dir ~= '' and not dir:find('/', 1, true) and not M.is_root(dir) then
    extra[dir] = true
  end
end

--- Every root folder name known now, built-in ones first.
---@return string[]
function M.dirs()
  local out = {}
  for _, r in ipairs(M.BUILTIN) do
    table.insert(out, r.dir)
  end
  local more = vim.tbl_keys(extra)
  table.sort(more)
  return vim.list_extend(out, more)
end

--- Adds every root folder name of a list the server gave (`profileRoots`); ignores anything else.
---@param dirs any
function M.add_all(dirs)
  if type(dirs) ~= 'table' then
    return
  end
  for _, dir in ipairs(dirs) do
    if type(dir) == 'string' then
      M.add(dir)
    end
  end
end

--- The binary the `skillmeat` config starts, when it names one.
local function server_bin()
  local ok, cfg = pcall(function()
    return vim.lsp.config.skillmeat
  end)
  local cmd = ok and cfg and cfg.cmd
  if type(cmd) == 'table' and type(cmd[1]) == 'string' and vim.fn.executable(cmd[1]) == 1 then
    return cmd[1]
  end
end

--- Asks the server binary, once a session, for every root it serves (`serve --describe`'s
--- `profileRoots`: the built-ins as SkillMeat's config moves them, docs/cli-json.md) and adds
--- them. Returns whether it asked now (false: asked before, or no binary to ask).
---@return boolean
function M.ask_server()
  if asked or vim.in_fast_event() then
    return false
  end
  asked = true
  local bin = server_bin()
  if not bin then
    return false
  end
  local ok, r = pcall(function()
    return vim.system({ bin, 'serve', '--describe' }, { text = true }):wait(5000)
  end)
  if ok and r.code == 0 then
    local okj, d = pcall(vim.json.decode, r.stdout)
    if okj and type(d) == 'table' then
      M.add_all(d.profileRoots)
    end
  end
  return true
end

--- Whether `name` is a root folder name.
function M.is_root(name)
  for _, r in ipairs(M.BUILTIN) do
    if r.dir == name then
      return true
    end
  end
  return extra[name] == true
end

--- The profile id of a built-in root (nil for `.claude` and for roots it does not know).
---@param dir string
---@return string?
function M.profile_of(dir)
  for _, r in ipairs(M.BUILTIN) do
    if r.dir == dir then
      return r.profile
    end
  end
end

--- Splits a path inside a profile root: the project folder, the root's name and the rest
--- (`/p/.agents/skills/x/SKILL.md` → `/p`, `.agents`, `skills/x/SKILL.md`). The innermost root
--- counts. Nil when the path is in no root.
---@param path string?
---@return string? project, string? dir, string? rest
function M.split(path)
  if not path then
    return nil
  end
  local parts = vim.split(path, '/', { plain = true })
  for i = #parts - 1, 1, -1 do
    if M.is_root(parts[i]) then
      return table.concat(parts, '/', 1, i - 1), parts[i], table.concat(parts, '/', i + 1)
    end
  end
end

--- The project a file or folder belongs to: the nearest folder above it holding a profile root
--- (any of them: a `.claude` higher up does not win over a nearer `.agents`). The home folder is
--- never a project (`~/.claude`, `~/.gemini` and `~/.cursor` are those tools' user folders), so
--- a file outside every project starts no server.
---@param source integer|string a buffer or a path
---@return string?
function M.project_root(source)
  local path = source
  if type(source) == 'number' then
    path = vim.bo[source].buftype == '' and vim.api.nvim_buf_get_name(source) or ''
  end
  path = vim.fs.normalize(vim.fn.fnamemodify(path ~= '' and path or vim.fn.getcwd(), ':p'))
  local function find()
    local r = M.split(path)
    if not r or r == '' then
      r = vim.fs.root(path, function(name)
        return M.is_root(name)
      end)
    end
    return r
  end
  local root = find()
  -- In no root known yet: SkillMeat's config may add the one it is in (asked once a session).
  if not root and M.ask_server() then
    root = find()
  end
  local home = vim.uv.os_homedir()
  if root and home and vim.fs.normalize(root) == vim.fs.normalize(home) then
    return nil
  end
  return root
end

return M
