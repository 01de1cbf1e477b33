#!/usr/bin/env bash
# Regenerates docs/img/neovim-code-actions.png: Neovim 0.11 (scripts/setup-nvim.sh) with the
# plugin on a fixture skill holding a conflict, its diagnostics and CodeLens shown and the code
# action menu open, run in tmux, captured with its colours, rendered to HTML and photographed by
# headless Chromium.
#
#   scripts/nvim-screenshot.sh [OUT.png]
#   SKILLMEAT_SHOT_SCENE=merge scripts/nvim-screenshot.sh docs/img/neovim-merge.png
#   SKILLMEAT_SHOT_SCENE=compare scripts/nvim-screenshot.sh docs/img/neovim-compare.png
#
# Scenes: `actions` (default, the code action menu on a conflict), `merge` (Merge with collection
# on a two-file skill: both files open, sides coloured, region lenses), `compare` (a region's
# Compare lens: ours and theirs as a diff).
#
# Needs tmux and chromium (Debian: apt-get install tmux chromium) and python3.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
out=$(realpath -m "${1:-docs/img/neovim-code-actions.png}")
scene=${SKILLMEAT_SHOT_SCENE:-actions}
for tool in tmux chromium python3; do
    command -v "$tool" >/dev/null || { echo "nvim-screenshot: needs $tool" >&2; exit 1; }
done

cargo build --quiet -p skillmeat-lsp
bin="$repo_root/target/debug/skillmeat-lsp"
nvim=$(realpath "$(bash scripts/setup-nvim.sh </dev/null)")

work=$(mktemp -d "${TMPDIR:-/tmp}/skillmeat-shot.XXXXXX")
session="skillmeat-shot-$$"
cleanup() {
    tmux -L "$session" kill-server 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# A short path in the picture: the fixture lives in $work/demo.
demo="$work/demo"
mkdir -p "$demo/collection/skills/pdf-tools" "$demo/project/.claude" "$demo/home"
cli() { HOME="$demo/home" "$bin" --workspace "$demo/project" --collection "$demo/collection" "$@"; }
cat >"$demo/collection/skills/pdf-tools/SKILL.md" <<'EOF'
---
name: pdf-tools
description: Extract text and tables from PDF files.
---

# PDF tools

Use `pdftotext -layout` for text.
Tables: try `camelot` first.
Keep page numbers in the output.
EOF
if [[ $scene == merge ]]; then
    printf '# Reference\n\nTables: camelot.\nImages: skip them.\n' >"$demo/collection/skills/pdf-tools/reference.md"
fi
cli deploy skill:pdf-tools >/dev/null
sed -i 's/try `camelot` first./try `camelot` first, `tabula` when it fails./' \
    "$demo/collection/skills/pdf-tools/SKILL.md"
sed -i 's/try `camelot` first./use `pdfplumber`; it keeps merged cells./; s/Keep page numbers/Keep page numbers and headings/' \
    "$demo/project/.claude/skills/pdf-tools/SKILL.md"
if [[ $scene == merge ]]; then
    # Not synced: a conflict state, the second file changed on both sides too.
    sed -i 's/skip them./extract them with pdfimages./' "$demo/collection/skills/pdf-tools/reference.md"
    sed -i 's/skip them./keep them as links./' "$demo/project/.claude/skills/pdf-tools/reference.md"
else
    cli sync skill:pdf-tools --apply >/dev/null 2>&1 || true # leaves a conflict (exit 4)
fi

cat >"$work/init.lua" <<EOF
vim.opt.runtimepath:prepend('$repo_root/editors/nvim')
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
vim.opt.termguicolors = true
vim.opt.number = true
vim.opt.signcolumn = 'yes'
vim.opt.laststatus = 2
vim.opt.shortmess:append('I')
-- Messages for errors and warnings; the Info and Hint ones are the I / H signs, leaving room
-- for the CodeLens at the end of the first line.
vim.diagnostic.config({
  virtual_text = { spacing = 2, severity = { min = vim.diagnostic.severity.WARN } },
  severity_sort = true,
})
require('skillmeat').setup({
  server_path = '$bin',
  settings = { collectionPath = '$demo/collection' },
})
-- Once the conflict's diagnostic is in, put the scene on screen.
local scene = '$scene'
local done = false
local function ready()
  vim.fn.writefile({}, '$work/ready')
end
vim.api.nvim_create_autocmd('DiagnosticChanged', {
  callback = function(ev)
    if done then return end
    local want = scene == 'merge' and 'drift-conflict' or 'conflict-unresolved'
    for _, d in ipairs(vim.diagnostic.get(ev.buf)) do
      if d.code == want and #vim.lsp.codelens.get(ev.buf) > 0 then
        done = true
        vim.api.nvim_win_set_cursor(0, { d.lnum + 1, 0 })
        vim.defer_fn(function()
          if scene == 'merge' then
            vim.lsp.buf.code_action({ apply = true, filter = function(a) return a.title == 'Merge with collection' end })
            vim.defer_fn(function() vim.cmd('wincmd t') ready() end, 1500)
          elseif scene == 'compare' then
            local client = vim.lsp.get_clients({ name = 'skillmeat' })[1]
            for _, l in ipairs(vim.lsp.codelens.get(ev.buf)) do
              if l.command and l.command.title == 'Compare' then
                client:exec_cmd(l.command, { bufnr = ev.buf })
                break
              end
            end
            vim.defer_fn(ready, 800)
          else
            ready()
            vim.lsp.buf.code_action()
          end
        end, 400)
        return
      end
    end
    vim.defer_fn(function() vim.api.nvim_exec_autocmds('DiagnosticChanged', { buffer = ev.buf }) end, 100)
  end,
})
EOF

cols=104
rows=36
cat >"$work/tmux.conf" <<'EOF'
set -g default-terminal "tmux-256color"
set -as terminal-features ",*:RGB"
set -g status off
set -sg escape-time 0
EOF
tmux -L "$session" -f "$work/tmux.conf" new-session -d -x "$cols" -y "$rows" \
    env -u NVIM HOME="$demo/home" XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state" \
    XDG_DATA_HOME="$work/data" COLORTERM=truecolor \
    "$nvim" -u "$work/init.lua" -i NONE -n "$demo/project/.claude/skills/pdf-tools/SKILL.md"
for _ in $(seq 1 400); do
    [[ -f $work/ready ]] && break
    sleep 0.1
done
[[ -f $work/ready ]] || { echo "nvim-screenshot: the conflict diagnostic never showed" >&2; exit 1; }
sleep 1.0
tmux -L "$session" capture-pane -p -e -t 0 >"$work/pane.ansi"

python3 - "$work/pane.ansi" "$work/pane.html" "$cols" "$demo" <<'PY'
# Renders tmux's `capture-pane -e` output (SGR colours) as an HTML page of fixed-width cells.
import html, re, sys

src, dst, cols, demo = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
text = open(src, encoding="utf-8", errors="replace").read().replace(demo, "~/demo")
FG, BG = "#e0e2ea", "#14161b"  # Neovim 0.10+ default dark scheme
base16 = ["#07080d", "#ffc0b9", "#b3f6c0", "#fce094", "#a6dbff", "#ffcaff", "#8cf8f7", "#eef1f8",
          "#4f5258", "#ffc0b9", "#b3f6c0", "#fce094", "#a6dbff", "#ffcaff", "#8cf8f7", "#ffffff"]

def xterm(n):
    if n < 16:
        return base16[n]
    if n < 232:
        n -= 16
        v = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (v[n // 36], v[(n // 6) % 6], v[n % 6])
    g = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (g, g, g)

def sgr(params, st):
    items = params.split(";") if params else ["0"]
    # `4:3` (undercurl) and other colon sub-parameters: keep the main number only.
    p = [int(x.split(":")[0]) if x.split(":")[0] else 0 for x in items]
    i = 0
    while i < len(p):
        c = p[i]
        if c == 4 and items[i].startswith("4:"):
            st["under"] = {"0": False, "3": "wavy"}.get(items[i][2:], True)
            i += 1
            continue
        if c == 58 and i + 1 < len(p):  # underline colour
            if p[i + 1] == 5 and i + 2 < len(p):
                st["uc"] = xterm(p[i + 2]); i += 3
            else:
                st["uc"] = "#%02x%02x%02x" % tuple(p[i + 2:i + 5]); i += 5
            continue
        if c == 59:
            st["uc"] = None
        elif c == 0:
            st.update(fg=None, bg=None, bold=False, italic=False, under=False, rev=False, uc=None)
        elif c == 1: st["bold"] = True
        elif c == 3: st["italic"] = True
        elif c in (4, 21): st["under"] = True
        elif c == 7: st["rev"] = True
        elif c == 22: st["bold"] = False
        elif c == 23: st["italic"] = False
        elif c == 24: st["under"] = False
        elif c == 27: st["rev"] = False
        elif 30 <= c <= 37: st["fg"] = base16[c - 30]
        elif 90 <= c <= 97: st["fg"] = base16[c - 90 + 8]
        elif 40 <= c <= 47: st["bg"] = base16[c - 40]
        elif 100 <= c <= 107: st["bg"] = base16[c - 100 + 8]
        elif c == 39: st["fg"] = None
        elif c == 49: st["bg"] = None
        elif c in (38, 48) and i + 1 < len(p):
            key = "fg" if c == 38 else "bg"
            if p[i + 1] == 5 and i + 2 < len(p):
                st[key] = xterm(p[i + 2]); i += 2
            elif p[i + 1] == 2 and i + 4 < len(p):
                st[key] = "#%02x%02x%02x" % tuple(p[i + 2:i + 5]); i += 4
        i += 1

rows = []
st = dict(fg=None, bg=None, bold=False, italic=False, under=False, rev=False, uc=None)
for line in text.split("\n"):
    cells, pos = [], 0
    for m in re.finditer(r"\x1b\[([0-9;:]*)m|([^\x1b])", line):
        if m.group(1) is not None or m.group(0).startswith("\x1b"):
            sgr(m.group(1), st)
        else:
            cells.append((m.group(2), dict(st)))
    rows.append(cells)
while rows and not rows[-1]:
    rows.pop()

out = []
for cells in rows:
    spans, cur, buf = [], None, ""
    def flush():
        if buf:
            fg, bg = cur["fg"] or FG, cur["bg"] or BG
            if cur["rev"]:
                fg, bg = bg, fg
            style = f"color:{fg};background:{bg}"
            if cur["bold"]: style += ";font-weight:bold"
            if cur["italic"]: style += ";font-style:italic"
            if cur["under"]:
                style += ";text-decoration:underline"
                if cur["under"] == "wavy": style += " wavy"
                if cur.get("uc"): style += ";text-decoration-color:" + cur["uc"]
            spans.append(f'<span style="{style}">{html.escape(buf)}</span>')
    for ch, s in cells:
        if s != cur:
            flush(); cur, buf = s, ""
        buf += ch
    flush()
    out.append("".join(spans))

page = f"""<!doctype html><meta charset="utf-8"><style>
body {{ margin: 0; background: {BG}; }}
pre {{ margin: 0; padding: 10px 12px; font: 15px/1.3 'DejaVu Sans Mono', monospace; color: {FG};
      background: {BG}; white-space: pre; }}
</style><pre>{chr(10).join(out)}</pre>"""
open(dst, "w", encoding="utf-8").write(page)
PY

# 15px DejaVu Sans Mono: 9.03 px per column, 19.5 px per row.
width=$(python3 -c "print(int($cols * 9.04 + 26))")
height=$(python3 -c "print(int($rows * 19.5 + 22))")
mkdir -p "$(dirname "$out")"
timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$work/chromium" --window-size="$width,$height" \
    --screenshot="$out" "file://$work/pane.html" >/dev/null 2>&1
echo "$out"
