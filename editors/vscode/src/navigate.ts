// Next / previous conflict region and drift hunk in the active editor, from the server's
// diagnostics (`conflict-unresolved` / `conflict-malformed`, `drift-hunk`); wraps around.
import * as vscode from "vscode";
import { inProfileRoot } from "./profileRoots";

const CODES: Record<"conflict" | "hunk", string[]> = {
  conflict: ["conflict-unresolved", "conflict-malformed"],
  hunk: ["drift-hunk"],
};

/** Client commands this module adds, with the direction and what they move between. */
export const NAVIGATION: [string, 1 | -1, "conflict" | "hunk"][] = [
  ["skillmeat.nextConflict", 1, "conflict"],
  ["skillmeat.previousConflict", -1, "conflict"],
  ["skillmeat.nextHunk", 1, "hunk"],
  ["skillmeat.previousHunk", -1, "hunk"],
];

function code(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (typeof c === "string") return c;
  if (typeof c === "object" && c !== null) return String(c.value);
  return undefined;
}

/** Moves the cursor of the active editor; returns the line it went to, or undefined. */
export function jump(dir: 1 | -1, kind: "conflict" | "hunk"): number | undefined {
  const ed = vscode.window.activeTextEditor;
  if (!ed) return undefined;
  const lines = vscode.languages
    .getDiagnostics(ed.document.uri)
    .filter((d) => d.source === "skillmeat" && CODES[kind].includes(code(d) ?? ""))
    .map((d) => d.range.start.line)
    .sort((a, b) => a - b);
  if (lines.length === 0) {
    void vscode.window.setStatusBarMessage(`SkillMeat: no ${kind === "hunk" ? "drift hunk" : "conflict"} in this file`, 3000);
    return undefined;
  }
  const row = ed.selection.active.line;
  const line = dir > 0 ? (lines.find((l) => l > row) ?? lines[0]) : ([...lines].reverse().find((l) => l < row) ?? lines[lines.length - 1]);
  const pos = new vscode.Position(line, 0);
  ed.selection = new vscode.Selection(pos, pos);
  ed.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return line;
}

/**
 * Keeps the `skillmeat.inProfileRoot` context (the navigation keys' when-clause) true while the
 * active editor's file is under a profile root, the roots SkillMeat's config adds included (the
 * manifest's own pattern can name only the built-in ones). `refresh` re-reads it once more roots
 * are known.
 */
export function trackProfileRoot(): { disposable: vscode.Disposable; refresh: () => void } {
  const refresh = () => {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const inside = uri !== undefined && uri.scheme === "file" && inProfileRoot(uri.fsPath);
    void vscode.commands.executeCommand("setContext", "skillmeat.inProfileRoot", inside);
  };
  refresh();
  return { disposable: vscode.window.onDidChangeActiveTextEditor(refresh), refresh };
}
