// Open editors follow disk: after a command the server ran wrote the project (sync, rollback,
// resolve, deploy), every visible, unmodified editor of a file under a profile root (`.claude/`,
// `.agents/`, …: profileRoots.ts) whose text differs from the file on disk is reverted to it at
// once. VS Code's own file watcher can take half a minute
// to notice an artifact folder that was swapped in by renames.
import * as vscode from "vscode";
import { inProfileRoot } from "./profileRoots";

/** Commands after which the project may have changed on disk. */
export const WRITING_COMMANDS = ["skillmeat.sync", "skillmeat.rollback", "skillmeat.resolve", "skillmeat.deploy"];

function underARoot(d: vscode.TextDocument): boolean {
  return d.uri.scheme === "file" && inProfileRoot(d.uri.fsPath);
}

async function onDisk(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** Reverts each visible, unmodified editor of a profile root's file whose text is not the file's; keeps focus. */
export async function followDisk(): Promise<number> {
  const active = vscode.window.activeTextEditor;
  let reverted = 0;
  for (const ed of [...vscode.window.visibleTextEditors]) {
    const d = ed.document;
    if (d.isDirty || !underARoot(d)) continue;
    const disk = await onDisk(d.uri);
    if (disk === undefined || disk.replace(/\r\n/g, "\n") === d.getText().replace(/\r\n/g, "\n")) continue;
    // `revert` works on the active editor: bring this one forward, revert, and go back below.
    await vscode.window.showTextDocument(d, { viewColumn: ed.viewColumn, preserveFocus: false, preview: false });
    await vscode.commands.executeCommand("workbench.action.files.revert");
    reverted++;
  }
  if (reverted > 0 && active && vscode.window.activeTextEditor?.document !== active.document) {
    await vscode.window.showTextDocument(active.document, { viewColumn: active.viewColumn, preserveFocus: false });
  }
  return reverted;
}
