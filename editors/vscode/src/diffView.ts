// The diff view: a revision of an artifact (deployed, collection, vN, a tag) on the left as a
// read-only virtual document, the project's file on the right, in VS Code's diff editor.

import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { Server } from "./client";
import { isAdded, isBinary, isDeleted, oldSide, stat } from "./patch";
import type { DiffResult, StatusArtifact } from "./protocol";

export const SCHEME = "skillmeat-rev";

interface RevQuery {
  workspace: string;
  artifact: string;
  rev: string;
  /** The file's path inside the artifact, as the server's diff names it. */
  file: string;
  /** The project's copy of that file on disk. */
  project: string;
  nonce: number;
}

/** Where an artifact's file lives in the project folder. */
export function projectFile(workspace: string, a: Pick<StatusArtifact, "type" | "path">, file: string): string {
  const root = path.join(workspace, a.path);
  return a.type === "skill" ? path.join(root, file) : root;
}

function revUri(q: RevQuery): vscode.Uri {
  // The path keeps the file's name and extension, so the editor picks its language.
  return vscode.Uri.from({
    scheme: SCHEME,
    path: q.project,
    query: JSON.stringify(q),
  });
}

export class RevisionProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly server: Server) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = JSON.parse(uri.query) as RevQuery;
    if (q.rev === "") return "";
    const d = await this.server.run<DiffResult>("skillmeat.diff", {
      workspace: q.workspace,
      artifact: q.artifact,
      from: q.rev,
      to: "project",
    });
    const onDisk = fs.existsSync(q.project) ? fs.readFileSync(q.project, "utf8") : "";
    const entry = d.files.find((f) => f.path === q.file);
    if (!entry) return onDisk;
    return oldSide(isDeleted(entry.diff) ? "" : onDisk, entry.diff);
  }
}

/**
 * Opens `rev` ↔ project for one artifact. With several changed files, asks which one; says so
 * when there is no difference.
 */
export async function openDiff(
  server: Server,
  workspace: string,
  artifact: StatusArtifact,
  rev: string,
): Promise<void> {
  const d = await server.run<DiffResult>("skillmeat.diff", {
    workspace,
    artifact: artifact.id,
    from: rev,
    to: "project",
  });
  if (d.files.length === 0) {
    void vscode.window.showInformationMessage(`SkillMeat: ${artifact.id} is the same in ${d.from} and the project.`);
    return;
  }
  let file = d.files[0];
  if (d.files.length > 1) {
    const pick = await vscode.window.showQuickPick(
      d.files.map((f) => {
        const s = stat(f.diff);
        const what = isAdded(f.diff)
          ? "added in the project"
          : isDeleted(f.diff)
            ? "deleted in the project"
            : isBinary(f.diff)
              ? "binary"
              : `+${s.added} −${s.removed}`;
        return { label: f.path, description: what, f };
      }),
      { title: `${artifact.id}: ${d.from} ↔ project`, placeHolder: "Which file?" },
    );
    if (!pick) return;
    file = pick.f;
  }
  if (isBinary(file.diff)) {
    void vscode.window.showInformationMessage(`SkillMeat: ${file.path} is binary; ${file.diff.trim()}.`);
    return;
  }
  const project = projectFile(workspace, artifact, file.path);
  const base: RevQuery = { workspace, artifact: artifact.id, rev, file: file.path, project, nonce: Date.now() };
  const left = revUri(isAdded(file.diff) ? { ...base, rev: "" } : base);
  const right = fs.existsSync(project) ? vscode.Uri.file(project) : revUri({ ...base, rev: "" });
  const title = `${path.basename(file.path)} (${artifact.id}: ${d.from} ↔ project)`;
  await vscode.commands.executeCommand("vscode.diff", left, right, title);
}
