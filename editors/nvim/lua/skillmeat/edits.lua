-- Edits the server sends with `workspace/applyEdit` (Update / Merge with the collection, a
-- conflict region's Accept, a hunk's Revert). An edit that changes more than one file is made
-- visible and undoable as one: every file it changes is opened in a window first and named in a
-- message, and the buffers' undo is linked, so `:undo` in one of them undoes the edit in all.

local M = {}

--- The file URIs a workspace edit changes, sorted.
---@param edit lsp.WorkspaceEdit
---@return string[]
function M.uris(edit)
  local seen, out = {}, {}
  local function add(uri)
    if uri and not seen[uri] then
      seen[uri] = true
      table.insert(out, uri)
    end
  end
  for uri in pairs(edit.changes or {}) do
    add(uri)
  end
  for _, c in ipairs(edit.documentChanges or {}) do
    add(c.textDocument and c.textDocument.uri)
  end
  table.sort(out)
  return out
end

local function seq_of(buf)
  return vim.api.nvim_buf_call(buf, function()
    return vim.fn.undotree().seq_cur
  end)
end

--- Links the undo of `bufs` after one edit: `before[b]`/`after[b]` are each buffer's undo
--- sequence number before and after it. When one buffer goes back past the edit (`:undo`), the
--- others are taken back to before it too; when one comes forward into it again (`:redo`,
--- `<C-r>`), the others are taken forward to after it. A buffer changed since (its own typing,
--- a new branch of its undo tree) is left as it is. The link ends when a buffer goes away.
---@param before table<integer, integer>
---@param after table<integer, integer>
function M.link_undo(before, after)
  local done, undone = false, false
  local function move_others(from, want, only_at)
    for buf, seq in pairs(want) do
      if buf ~= from and vim.api.nvim_buf_is_valid(buf) and only_at(buf, seq_of(buf)) then
        vim.api.nvim_buf_call(buf, function()
          vim.cmd('silent undo ' .. seq)
        end)
      end
    end
  end
  local function check(b)
    if done or not vim.api.nvim_buf_is_valid(b) then
      return
    end
    local seq = seq_of(b)
    if not undone and seq < after[b] then
      undone = true
      move_others(b, before, function(o, s)
        return s >= after[o]
      end)
    elseif undone and seq > before[b] and seq <= after[b] then
      undone = false
      move_others(b, after, function(o, s)
        return s == before[o]
      end)
    end
  end
  for buf in pairs(before) do
    vim.api.nvim_buf_attach(buf, false, {
      on_lines = function(_, b)
        if done then
          return true -- detach
        end
        -- Buffers cannot change inside on_lines: look once the undo or redo has finished.
        vim.schedule(function()
          check(b)
        end)
      end,
      on_detach = function()
        done = true
      end,
    })
  end
end

--- Opens `buf` in a window below the current one unless a window of this tab shows it already.
local function show(buf)
  for _, w in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    if vim.api.nvim_win_get_buf(w) == buf then
      return
    end
  end
  vim.cmd('belowright sbuffer ' .. buf)
end

--- Applies `edit`; when it changes more than one file, shows each file first, says which, and
--- links their undo. Returns whether it applied, and why not.
---@param edit lsp.WorkspaceEdit
---@param offset_encoding string
---@param label string?
---@return boolean applied, string? reason
function M.apply(edit, offset_encoding, label)
  local uris = M.uris(edit)
  if #uris <= 1 then
    local ok, err = pcall(vim.lsp.util.apply_workspace_edit, edit, offset_encoding)
    return ok, not ok and tostring(err) or nil
  end
  local win = vim.api.nvim_get_current_win()
  local before, names = {}, {}
  for _, uri in ipairs(uris) do
    local buf = vim.uri_to_bufnr(uri)
    vim.fn.bufload(buf)
    vim.bo[buf].buflisted = true
    show(buf)
    before[buf] = seq_of(buf)
    table.insert(names, vim.fn.fnamemodify(vim.uri_to_fname(uri), ':t'))
  end
  if vim.api.nvim_win_is_valid(win) then
    vim.api.nvim_set_current_win(win)
  end
  local ok, err = pcall(vim.lsp.util.apply_workspace_edit, edit, offset_encoding)
  if not ok then
    return false, tostring(err)
  end
  local after = {}
  for buf in pairs(before) do
    after[buf] = seq_of(buf)
  end
  M.link_undo(before, after)
  -- One short line, so it never stops at a hit-enter prompt.
  vim.notify(
    ('skillmeat: %s%s (unsaved; :undo and :redo act on all)'):format(label and (label .. ': ') or 'changed ', table.concat(names, ', ')),
    vim.log.levels.INFO
  )
  return true
end

--- The `workspace/applyEdit` handler of the skillmeat client.
function M.handler(_, params, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local encoding = client and client.offset_encoding or 'utf-16'
  local label = params.label
  for _, a in pairs(params.edit.changeAnnotations or {}) do
    label = label or a.label
  end
  local ok, reason = M.apply(params.edit, encoding, label)
  return { applied = ok, failureReason = reason }
end

return M
