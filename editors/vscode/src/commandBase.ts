// What every palette flow shares: the server call (logged to the output channel), the choice
// lists, and the quick picks that ask which folder, artifact or version a command is about.
// `Commands` (commands.ts) builds the flows on top.

import * as path from "node:path";
import * as vscode from "vscode";
import type { Server } from "./client";
import type { History, HistoryVersion, Status, StatusArtifact } from "./protocol";
import { STATE_ICON, STATE_ORDER } from "./summary";

export type Args = Record<string, unknown>;

export interface ArtifactItem extends vscode.QuickPickItem {
  artifact?: StatusArtifact;
  all?: boolean;
}

export const DIRECTIONS = [
  { label: "Collection → project", description: "update the project's copy (default)", value: "collection-to-project" },
  { label: "Project → collection", description: "push the project's changes to the collection", value: "project-to-collection" },
  { label: "Upstream → collection", description: "bring the git upstream's changes into the collection", value: "upstream-to-collection" },
];

export const STRATEGIES = [
  { label: "auto", description: "fast-forward, else three-way merge; conflicts left as markers (default)" },
  { label: "overwrite", description: "take the source; the replaced content is kept as a version" },
  { label: "ours", description: "three-way merge, conflicting hunks keep the target's side" },
  { label: "theirs", description: "three-way merge, conflicting hunks take the source's side" },
  { label: "fork", description: "project → collection: write it as <name>-fork" },
];

export const CHOICES = [
  { label: "theirs", description: "take the incoming side of every conflict region" },
  { label: "ours", description: "keep the project's side of every conflict region" },
  { label: "both", description: "keep both sides, ours first" },
  { label: "base", description: "go back to the common ancestor" },
  { label: "check", description: "no rewrite: check that no markers remain and record the resolution", value: undefined },
];

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function rank(state: string): number {
  const i = STATE_ORDER.indexOf(state);
  return i < 0 ? STATE_ORDER.length : i;
}

export function givenArg(args: unknown[]): Args | undefined {
  const a = args[0];
  if (a && typeof a === "object" && !(a instanceof vscode.Uri) && !Array.isArray(a)) return a as Args;
  return undefined;
}

export function versionItem(v: HistoryVersion): vscode.QuickPickItem & { v: HistoryVersion } {
  const marks = [v.origin.replace(/_/g, " "), v.tag ? `tag ${v.tag}` : "", v.baseline ? "deployed" : ""]
    .filter(Boolean)
    .join(" · ");
  return {
    label: v.version,
    description: marks,
    detail: `${v.created_at.replace("T", " ").replace(/\.\d+Z$/, "Z")} · ${v.hash.slice(0, 12)}${v.message ? ` · ${v.message}` : ""}`,
    v,
  };
}

export class CommandBase {
  constructor(
    protected readonly server: Server,
    protected readonly out: vscode.LogOutputChannel,
    protected readonly refresh: () => void,
  ) {}

  protected log(title: string, value: unknown): void {
    this.out.appendLine(`[${new Date().toISOString()}] ${title}`);
    this.out.appendLine(JSON.stringify(value, null, 2));
  }

  protected async run<T>(command: string, arg: Args): Promise<T> {
    const r = await this.server.run<T>(command, arg);
    this.log(`${command} ${JSON.stringify(arg)}`, r);
    return r;
  }

  // ---- choosing what a command is about -------------------------------------------------

  /** The workspace folder: the argument's, the active editor's, the only one, or asked. */
  protected async folder(given?: Args): Promise<string | undefined> {
    if (typeof given?.workspace === "string") return given.workspace;
    if (typeof given?.uri === "string") {
      const f = vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(given.uri));
      if (f) return f.uri.fsPath;
    }
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) throw new Error("open a folder first");
    if (folders.length === 1) return folders[0].uri.fsPath;
    const active = vscode.window.activeTextEditor?.document.uri;
    const f = active && vscode.workspace.getWorkspaceFolder(active);
    if (f) return f.uri.fsPath;
    return (await vscode.window.showWorkspaceFolderPick({ placeHolder: "Which project?" }))?.uri.fsPath;
  }

  /** The artifact whose files the active editor shows, if any. */
  protected activeArtifact(workspace: string, status: Status): StatusArtifact | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.uri.scheme !== "file") return undefined;
    const p = doc.uri.fsPath;
    return status.artifacts.find((a) => {
      const root = path.join(workspace, a.path);
      return p === root || p.startsWith(root + path.sep);
    });
  }

  protected async getStatus(workspace: string): Promise<Status> {
    return this.run<Status>("skillmeat.status", { workspace });
  }

  protected async pickArtifact(
    workspace: string,
    opts: { title: string; all?: string; prefer?: (a: StatusArtifact) => string | undefined },
  ): Promise<ArtifactItem | undefined> {
    const status = await this.getStatus(workspace);
    const active = this.activeArtifact(workspace, status);
    const sorted = [...status.artifacts].sort(
      (a, b) =>
        Number(b === active) - Number(a === active) ||
        Number(!!opts.prefer?.(b)) - Number(!!opts.prefer?.(a)) ||
        rank(a.state) - rank(b.state) ||
        a.id.localeCompare(b.id),
    );
    const items: ArtifactItem[] = sorted.map((a) => ({
      label: `$(${STATE_ICON[a.state] ?? "circle-outline"}) ${a.id}`,
      description: [a.state, a.version, a === active ? "active editor" : "", opts.prefer?.(a) ?? ""]
        .filter(Boolean)
        .join(" · "),
      detail: a.path,
      artifact: a,
    }));
    if (opts.all) items.unshift({ label: "$(list-flat) All artifacts", description: opts.all, all: true });
    if (items.length === 0) throw new Error(`no deployed artifacts in ${workspace}; deploy one first (SkillMeat: Deploy Artifact from Collection)`);
    return vscode.window.showQuickPick(items, {
      title: opts.title,
      placeHolder: "Which artifact?",
      matchOnDescription: true,
    });
  }

  protected async pickVersion(workspace: string, id: string, title: string, extra: vscode.QuickPickItem[] = []) {
    const h = await this.run<History>("skillmeat.history", { workspace, artifact: id });
    const items: (vscode.QuickPickItem & { rev: string })[] = [
      ...extra.map((e) => ({ ...e, rev: e.label })),
      ...h.versions.filter((v) => v.has_content).map((v) => ({ ...versionItem(v), rev: v.version })),
    ];
    return (await vscode.window.showQuickPick(items, { title, placeHolder: "Which version?", matchOnDescription: true }))?.rev;
  }
}
