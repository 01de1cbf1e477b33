-- Conflict regions coloured per side, as git-conflict.nvim does but only where the server says
-- there is a conflict (its `conflict-unresolved` diagnostics; a fenced example is left alone):
-- extmark highlights in the groups below, linked by default to the standard diff groups so any
-- colour scheme works, and the side's name at the end of each marker line. Override a group to
-- change it, e.g. `vim.api.nvim_set_hl(0, 'SkillmeatConflictOurs', { bg = '#203040' })`.

local M = {}

M.ns = vim.api.nvim_create_namespace('skillmeat.conflicts')

--- Group → the standard group it links to (`default`, so a colour scheme or the user wins).
M.GROUPS = {
  SkillmeatConflictOurs = 'DiffText',
  SkillmeatConflictOursMarker = 'DiffText',
  SkillmeatConflictBase = 'DiffChange',
  SkillmeatConflictBaseMarker = 'DiffChange',
  SkillmeatConflictTheirs = 'DiffAdd',
  SkillmeatConflictTheirsMarker = 'DiffAdd',
  SkillmeatConflictLabel = 'Comment',
}

function M.define()
  for group, link in pairs(M.GROUPS) do
    vim.api.nvim_set_hl(0, group, { link = link, default = true })
  end
end

local function hl_lines(buf, first, last, group)
  for l = first, last do
    vim.api.nvim_buf_set_extmark(buf, M.ns, l, 0, { line_hl_group = group, priority = 50 })
  end
end

local function label(buf, line, text)
  vim.api.nvim_buf_set_extmark(buf, M.ns, line, 0, {
    virt_text = { { '  ' .. text, 'SkillmeatConflictLabel' } },
    virt_text_pos = 'eol',
  })
end

--- Redraws the side colours of `buf` from its skillmeat conflict diagnostics.
---@param buf integer
function M.refresh(buf)
  if not vim.api.nvim_buf_is_valid(buf) then
    return
  end
  vim.api.nvim_buf_clear_namespace(buf, M.ns, 0, -1)
  local count = vim.api.nvim_buf_line_count(buf)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.source == 'skillmeat' and d.code == 'conflict-unresolved' then
      local first = d.lnum
      local lines = vim.api.nvim_buf_get_lines(buf, first, math.min(count, (d.end_lnum or first) + 1), false)
      local n = #(lines[1] or ''):match('^(<*)')
      if n >= 7 then
        local sep, base, close
        for i, l in ipairs(lines) do
          local row = first + i - 1
          if i > 1 and not base and not sep and l:sub(1, n) == ('|'):rep(n) then
            base = row
          elseif i > 1 and not sep and l:sub(1, n) == ('='):rep(n) and #l:gsub('%s+$', '') == n then
            sep = row
          elseif sep and l:sub(1, n) == ('>'):rep(n) then
            close = row
            break
          end
        end
        if sep and close then
          local ours_end = (base or sep) - 1
          hl_lines(buf, first, first, 'SkillmeatConflictOursMarker')
          hl_lines(buf, first + 1, ours_end, 'SkillmeatConflictOurs')
          label(buf, first, 'ours')
          if base then
            hl_lines(buf, base, base, 'SkillmeatConflictBaseMarker')
            hl_lines(buf, base + 1, sep - 1, 'SkillmeatConflictBase')
            label(buf, base, 'base')
          end
          hl_lines(buf, sep + 1, close - 1, 'SkillmeatConflictTheirs')
          hl_lines(buf, close, close, 'SkillmeatConflictTheirsMarker')
          label(buf, close, 'theirs')
        end
      end
    end
  end
end

--- Keeps `buf`'s side colours in step with its diagnostics.
---@param buf integer
---@param group integer the plugin's augroup
function M.attach(buf, group)
  M.define()
  vim.api.nvim_create_autocmd('DiagnosticChanged', {
    group = group,
    buffer = buf,
    desc = 'skillmeat: colour conflict regions per side',
    callback = function(ev)
      M.refresh(ev.buf)
    end,
  })
  if not M._colorscheme then
    M._colorscheme = true
    vim.api.nvim_create_autocmd('ColorScheme', {
      group = group,
      desc = 'skillmeat: keep the conflict highlight links',
      callback = M.define,
    })
  end
  M.refresh(buf)
end

return M
