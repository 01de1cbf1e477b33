// Edits the server sends with `workspace/applyEdit` (the Update lens, a multi-file Merge or
// Update, a conflict region's Accept). One that changes more than one file is made visible
// before it applies: every file it changes opens beside the current editor, then VS Code applies
// the edit (the server marks such edits as needing confirmation, so VS Code first lists every
// file in its refactor preview) as one undo group across the files.
import * as vscode from "vscode";
import {
  ApplyWorkspaceEditParams,
  ApplyWorkspaceEditRequest,
  CancellationToken,
  ResponseError,
  ApplyWorkspaceEditResult,
  WorkspaceEdit,
} from "vscode-languageclient/node";

/** The file URIs (as strings) a protocol workspace edit changes, sorted. */
export function editedUris(edit: WorkspaceEdit): string[] {
  const out = new Set<string>(Object.keys(edit.changes ?? {}));
  for (const c of edit.documentChanges ?? []) {
    if ("textDocument" in c) out.add(c.textDocument.uri);
  }
  return [...out].sort();
}

/** The `workspace.handleApplyEdit` middleware: opens every file of a multi-file edit first. */
export async function handleApplyEdit(
  params: ApplyWorkspaceEditParams,
  next: ApplyWorkspaceEditRequest.HandlerSignature,
): Promise<ApplyWorkspaceEditResult | ResponseError<void>> {
  const uris = editedUris(params.edit);
  if (uris.length > 1) {
    const active = vscode.window.activeTextEditor;
    const current = active?.document.uri.toString();
    for (const u of uris) {
      if (u === current) continue;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(u));
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
    }
    if (active) await vscode.window.showTextDocument(active.document, { viewColumn: active.viewColumn, preserveFocus: false });
  }
  return await next(params, CancellationToken.None);
}
