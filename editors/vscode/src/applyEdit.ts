// Edits the server sends with `workspace/applyEdit` (the Update lens, a multi-file Merge or
// Update, a conflict region's Accept). One that changes more than one file is made visible
// before it applies: a modal names every file it changes and asks, each file opens beside the
// current editor, then VS Code applies the edit as one undo group across the files (undo in one
// offers "Undo in N Files").
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
    // Every file is named before anything changes; the person may decline.
    const note = Object.values(params.edit.changeAnnotations ?? {})[0];
    const label = note?.label ?? params.label ?? "This edit";
    const names = uris.map((u) => vscode.Uri.parse(u).path.split("/").pop() ?? u);
    const ok = await vscode.window.showInformationMessage(
      `SkillMeat: ${label} changes ${uris.length} files: ${names.join(", ")}`,
      { modal: true, detail: "The files open beside this one with the edit unsaved; one undo takes it back in every file." },
      "Apply",
    );
    if (ok !== "Apply") return { applied: false, failureReason: "declined" };
    // Confirmed here: VS Code need not ask again in its refactor preview.
    for (const a of Object.values(params.edit.changeAnnotations ?? {})) a.needsConfirmation = false;
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
