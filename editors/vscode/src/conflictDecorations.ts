// Conflict regions coloured per side in every visible editor, where the server says there is a
// conflict (its `conflict-unresolved` diagnostics, so a fenced example is left alone): VS Code's
// own merge-conflict theme colours (`merge.currentContentBackground`, ...), so any theme works,
// and the side's name after each marker line.
import * as vscode from "vscode";

function isConflict(d: vscode.Diagnostic): boolean {
  const code = typeof d.code === "object" ? d.code.value : d.code;
  return d.source === "skillmeat" && code === "conflict-unresolved";
}

/** The lines of each side of the region starting at `first`, or undefined when it is not whole. */
export function sides(
  lines: readonly string[],
  first: number,
  last: number,
): { ours: [number, number]; base?: [number, number]; theirs: [number, number]; sep: number; close: number; baseMarker?: number } | undefined {
  const n = (/^<*/.exec(lines[first] ?? "")?.[0] ?? "").length;
  if (n < 7) return undefined;
  let base: number | undefined;
  let sep: number | undefined;
  for (let i = first + 1; i <= Math.min(last, lines.length - 1); i++) {
    const l = lines[i];
    if (base === undefined && sep === undefined && l.startsWith("|".repeat(n))) base = i;
    else if (sep === undefined && l.trimEnd() === "=".repeat(n)) sep = i;
    else if (sep !== undefined && l.startsWith(">".repeat(n))) {
      return {
        ours: [first + 1, (base ?? sep) - 1],
        base: base !== undefined ? [base + 1, sep - 1] : undefined,
        theirs: [sep + 1, i - 1],
        sep,
        close: i,
        baseMarker: base,
      };
    }
  }
  return undefined;
}

export class ConflictDecorations implements vscode.Disposable {
  private readonly types: Record<"ours" | "oursHeader" | "base" | "baseHeader" | "theirs" | "theirsHeader", vscode.TextEditorDecorationType>;
  private readonly subs: vscode.Disposable[] = [];

  constructor() {
    const label = (text: string) => ({ contentText: `  ${text}`, color: new vscode.ThemeColor("descriptionForeground") });
    const t = (bg: string, after?: string) =>
      vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        backgroundColor: new vscode.ThemeColor(bg),
        after: after ? label(after) : undefined,
      });
    this.types = {
      ours: t("merge.currentContentBackground"),
      oursHeader: t("merge.currentHeaderBackground", "ours"),
      base: t("merge.commonContentBackground"),
      baseHeader: t("merge.commonHeaderBackground", "base"),
      theirs: t("merge.incomingContentBackground"),
      theirsHeader: t("merge.incomingHeaderBackground", "theirs"),
    };
    this.subs.push(
      vscode.languages.onDidChangeDiagnostics(() => this.refreshAll()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refreshAll()),
    );
    this.refreshAll();
  }

  refreshAll(): void {
    for (const e of vscode.window.visibleTextEditors) this.refresh(e);
  }

  refresh(editor: vscode.TextEditor): void {
    const ranges: Record<keyof typeof this.types, vscode.Range[]> = {
      ours: [],
      oursHeader: [],
      base: [],
      baseHeader: [],
      theirs: [],
      theirsHeader: [],
    };
    const doc = editor.document;
    const lines = doc.getText().split(/\r?\n/);
    const span = (a: number, b: number) => (b >= a ? [new vscode.Range(a, 0, b, 0)] : []);
    for (const d of vscode.languages.getDiagnostics(doc.uri).filter(isConflict)) {
      const s = sides(lines, d.range.start.line, d.range.end.line);
      if (!s) continue;
      ranges.oursHeader.push(...span(d.range.start.line, d.range.start.line));
      ranges.ours.push(...span(...s.ours));
      if (s.base && s.baseMarker !== undefined) {
        ranges.baseHeader.push(...span(s.baseMarker, s.baseMarker));
        ranges.base.push(...span(...s.base));
      }
      ranges.theirs.push(...span(...s.theirs));
      ranges.theirsHeader.push(...span(s.close, s.close));
    }
    for (const k of Object.keys(this.types) as (keyof typeof this.types)[]) editor.setDecorations(this.types[k], ranges[k]);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    for (const t of Object.values(this.types)) t.dispose();
  }
}
