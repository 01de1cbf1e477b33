// The palette commands. They carry the server's command ids (`skillmeat.sync`, ...), which the
// language client registers from the server's `executeCommandProvider`; this middleware sits in
// front of them. Called with an object argument (a code action, a CodeLens) a command runs as
// given and shows its result; called from the palette (no argument) it first asks for what it
// needs with quick picks: folder, artifact, direction and strategy, version, ...

import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { Middleware } from "vscode-languageclient/node";
import type { Server } from "./client";
import { openDiff } from "./diffView";
import { followDisk, WRITING_COMMANDS } from "./followDisk";
import { showLog } from "./logView";
import type { History, HistoryVersion, Status, StatusArtifact } from "./protocol";
import { STATE_ICON, STATE_ORDER, syncMessage } from "./summary";

type Args = Record<string, unknown>;

interface ArtifactItem extends vscode.QuickPickItem {
  artifact?: StatusArtifact;
  all?: boolean;
}

const DIRECTIONS = [
  { label: "Collection → project", description: "update the project's copy (default)", value: "collection-to-project" },
  { label: "Project → collection", description: "push the project's changes to the collection", value: "project-to-collection" },
  { label: "Upstream → collection", description: "bring the git upstream's changes into the collection", value: "upstream-to-collection" },
];

const STRATEGIES = [
  { label: "auto", description: "fast-forward, else three-way merge; conflicts left as markers (default)" },
  { label: "overwrite", description: "take the source; the replaced content is kept as a version" },
  { label: "ours", description: "three-way merge, conflicting hunks keep the target's side" },
  { label: "theirs", description: "three-way merge, conflicting hunks take the source's side" },
  { label: "fork", description: "project → collection: write it as <name>-fork" },
];

const CHOICES = [
  { label: "theirs", description: "take the incoming side of every conflict region" },
  { label: "ours", description: "keep the project's side of every conflict region" },
  { label: "both", description: "keep both sides, ours first" },
  { label: "base", description: "go back to the common ancestor" },
  { label: "check", description: "no rewrite: check that no markers remain and record the resolution", value: undefined },
];

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function rank(state: string): number {
  const i = STATE_ORDER.indexOf(state);
  return i < 0 ? STATE_ORDER.length : i;
}

function givenArg(args: unknown[]): Args | undefined {
  const a = args[0];
  if (a && typeof a === "object" && !(a instanceof vscode.Uri) && !Array.isArray(a)) return a as Args;
  return undefined;
}

function versionItem(v: HistoryVersion): vscode.QuickPickItem & { v: HistoryVersion } {
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

export class Commands {
  readonly middleware: Middleware;

  constructor(
    private readonly server: Server,
    private readonly out: vscode.LogOutputChannel,
    private readonly refresh: () => void,
  ) {
    this.middleware = {
      executeCommand: (command, args, next) => this.handle(command, args, next),
    };
  }

  private async handle(
    command: string,
    args: unknown[],
    next: (command: string, args: unknown[]) => vscode.ProviderResult<unknown>,
  ): Promise<unknown> {
    const given = givenArg(args);
    try {
      const r = await this.dispatch(command, args, given, next);
      if (WRITING_COMMANDS.includes(command)) await followDisk();
      return r;
    } catch (e) {
      this.out.appendLine(`${command} failed: ${message(e)}`);
      void vscode.window.showErrorMessage(`SkillMeat: ${message(e)}`);
      return undefined;
    }
  }

  private async dispatch(
    command: string,
    args: unknown[],
    given: Args | undefined,
    next: (command: string, args: unknown[]) => vscode.ProviderResult<unknown>,
  ): Promise<unknown> {
    {
      switch (command) {
        case "skillmeat.status":
          return await this.statusView(given);
        case "skillmeat.sync":
          return await this.sync(given);
        case "skillmeat.rollback":
          return await this.rollback(given);
        case "skillmeat.history":
          return await this.history(given);
        case "skillmeat.diff":
          return await this.diff(given);
        case "skillmeat.resolve":
          return await this.resolve(given);
        case "skillmeat.deploy":
          return await this.deploy(given);
        case "skillmeat.tag":
          return await this.tag(given);
        case "skillmeat.checkUpstream":
          return await this.checkUpstream(given);
        case "skillmeat.log":
          return await showLog((c, a) => this.run(c, a), await this.folder(given), given);
        default: {
          const r = await next(command, args);
          this.refresh();
          return r;
        }
      }
    }
  }

  private log(title: string, value: unknown): void {
    this.out.appendLine(`[${new Date().toISOString()}] ${title}`);
    this.out.appendLine(JSON.stringify(value, null, 2));
  }

  private async run<T>(command: string, arg: Args): Promise<T> {
    const r = await this.server.run<T>(command, arg);
    this.log(`${command} ${JSON.stringify(arg)}`, r);
    return r;
  }

  // ---- choosing what a command is about -------------------------------------------------

  /** The workspace folder: the argument's, the active editor's, the only one, or asked. */
  private async folder(given?: Args): Promise<string | undefined> {
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
  private activeArtifact(workspace: string, status: Status): StatusArtifact | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.uri.scheme !== "file") return undefined;
    const p = doc.uri.fsPath;
    return status.artifacts.find((a) => {
      const root = path.join(workspace, a.path);
      return p === root || p.startsWith(root + path.sep);
    });
  }

  private async getStatus(workspace: string): Promise<Status> {
    return this.run<Status>("skillmeat.status", { workspace });
  }

  private async pickArtifact(
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

  private async pickVersion(workspace: string, id: string, title: string, extra: vscode.QuickPickItem[] = []) {
    const h = await this.run<History>("skillmeat.history", { workspace, artifact: id });
    const items: (vscode.QuickPickItem & { rev: string })[] = [
      ...extra.map((e) => ({ ...e, rev: e.label })),
      ...h.versions.filter((v) => v.has_content).map((v) => ({ ...versionItem(v), rev: v.version })),
    ];
    return (await vscode.window.showQuickPick(items, { title, placeHolder: "Which version?", matchOnDescription: true }))?.rev;
  }

  // ---- the commands ---------------------------------------------------------------------

  /** The status view: every artifact with its state; picking one offers what fits its state. */
  private async statusView(given?: Args): Promise<unknown> {
    const workspaces = given?.workspace
      ? [String(given.workspace)]
      : (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const all: Status[] = [];
    for (const w of workspaces) all.push(await this.getStatus(w));
    const items: (ArtifactItem & { workspace?: string })[] = [];
    for (const s of all) {
      const counts = Object.entries(s.summary)
        .sort(([a], [b]) => rank(a) - rank(b))
        .map(([k, n]) => `${n} ${k}`)
        .join(", ");
      items.push({ label: `${path.basename(s.workspace)} — ${counts || "no artifacts"}`, kind: vscode.QuickPickItemKind.Separator });
      for (const a of [...s.artifacts].sort((x, y) => rank(x.state) - rank(y.state) || x.id.localeCompare(y.id))) {
        items.push({
          label: `$(${STATE_ICON[a.state] ?? "circle-outline"}) ${a.id}`,
          description: `${a.state}${a.version ? ` · ${a.version}` : ""}`,
          detail: a.error ?? (a.kept ? `kept: ${a.kept.reason}` : a.path),
          artifact: a,
          workspace: s.workspace,
        });
      }
    }
    const pick = await vscode.window.showQuickPick(items, {
      title: `SkillMeat status — collection ${all[0]?.collection ?? "(none)"}`,
      placeHolder: "Pick an artifact for its actions",
      matchOnDescription: true,
    });
    if (pick?.artifact && pick.workspace) await this.artifactActions(pick.workspace, pick.artifact);
    return all.length === 1 ? all[0] : all;
  }

  private async artifactActions(workspace: string, a: StatusArtifact): Promise<void> {
    const main = a.type === "skill" ? path.join(workspace, a.path, "SKILL.md") : path.join(workspace, a.path);
    const actions: { label: string; run: () => Promise<unknown> }[] = [];
    if (fs.existsSync(main)) {
      actions.push({ label: "$(go-to-file) Open", run: async () => vscode.window.showTextDocument(vscode.Uri.file(main)) });
    }
    if (a.hashes.baseline && a.hashes.project) {
      actions.push({ label: "$(diff) Diff: deployed ↔ project", run: () => openDiff(this.server, workspace, a, "deployed") });
    }
    if (a.hashes.collection && a.hashes.project) {
      actions.push({ label: "$(diff) Diff: collection ↔ project", run: () => openDiff(this.server, workspace, a, "collection") });
    }
    if (a.state !== "synced") {
      actions.push({
        label: "$(arrow-down) Sync from collection",
        run: () => this.sync({ workspace, artifact: a.id, direction: "collection-to-project", strategy: "auto" }),
      });
    }
    if (a.state === "modified" || a.state === "conflict") {
      actions.push({
        label: "$(arrow-up) Push to collection",
        run: () => this.sync({ workspace, artifact: a.id, direction: "project-to-collection", strategy: "auto" }),
      });
    }
    actions.push({ label: "$(history) History", run: () => this.history({ workspace, artifact: a.id }) });
    actions.push({ label: "$(discard) Roll back…", run: () => this.rollback({ workspace, artifact: a.id }) });
    const pick = await vscode.window.showQuickPick(actions, { title: `${a.id} (${a.state})` });
    await pick?.run();
  }

  private async sync(given?: Args): Promise<unknown> {
    const workspace = await this.folder(given);
    if (!workspace) return undefined;
    let arg: Args;
    if (given && (given.artifact || given.all)) {
      arg = { ...given, workspace };
    } else {
      const pick = await this.pickArtifact(workspace, {
        title: "SkillMeat: sync (1/3)",
        all: "every deployed artifact (every one with an upstream, for upstream → collection)",
      });
      if (!pick) return undefined;
      const dir = await vscode.window.showQuickPick(DIRECTIONS, { title: "SkillMeat: sync (2/3)", placeHolder: "Direction" });
      if (!dir) return undefined;
      // `fork` writes the project copy into the collection as `<name>-fork`: only for pushes.
      const strategies = STRATEGIES.filter((st) => st.label !== "fork" || dir.value === "project-to-collection");
      const strat = await vscode.window.showQuickPick(strategies, { title: "SkillMeat: sync (3/3)", placeHolder: "Strategy" });
      if (!strat) return undefined;
      arg = {
        workspace,
        ...(pick.all ? { all: true } : { artifact: pick.artifact!.id }),
        direction: dir.value,
        strategy: strat.label,
      };
    }
    await this.saveArtifactBuffers(workspace);
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "SkillMeat: syncing…" },
      () => this.run<{ cancelled?: boolean; applied: boolean; results: { id?: string; error?: string }[]; summary: Record<string, number> }>("skillmeat.sync", arg),
    );
    this.refresh();
    if (r.cancelled) {
      void vscode.window.showInformationMessage("SkillMeat: sync cancelled; nothing changed.");
    } else if (r.summary.conflicts > 0 || r.summary.errors > 0) {
      void vscode.window.showWarningMessage(`SkillMeat: ${syncMessage(r)}. Conflicts are left as markers: use the quick fixes or SkillMeat: Resolve Conflicts.`);
    } else {
      void vscode.window.showInformationMessage(`SkillMeat: ${syncMessage(r)}`);
    }
    return r;
  }

  /** Commands that rewrite files on disk go after unsaved edits are saved, so none is lost. */
  private async saveArtifactBuffers(workspace: string): Promise<void> {
    const claude = path.join(workspace, ".claude") + path.sep;
    for (const d of vscode.workspace.textDocuments) {
      if (d.isDirty && d.uri.scheme === "file" && d.uri.fsPath.startsWith(claude)) await d.save();
    }
  }

  private async rollback(given?: Args): Promise<unknown> {
    const workspace = await this.folder(given);
    if (!workspace) return undefined;
    let artifact = typeof given?.artifact === "string" ? given.artifact : undefined;
    if (!artifact) {
      const pick = await this.pickArtifact(workspace, { title: "SkillMeat: roll back (1/2)" });
      if (!pick?.artifact) return undefined;
      artifact = pick.artifact.id;
    }
    let to = typeof given?.to === "string" ? given.to : undefined;
    if (!to) {
      to = await this.pickVersion(workspace, artifact, `SkillMeat: roll back ${artifact} (2/2)`);
      if (!to) return undefined;
    }
    await this.saveArtifactBuffers(workspace);
    const r = await this.run<{ cancelled?: boolean; id: string; to: string; version: string; kept_previous: string | null }>(
      "skillmeat.rollback",
      { workspace, artifact, to },
    );
    this.refresh();
    if (r.cancelled) {
      void vscode.window.showInformationMessage("SkillMeat: rollback cancelled; nothing changed.");
    } else {
      const kept = r.kept_previous ? ` (the replaced content is ${r.kept_previous})` : "";
      void vscode.window.showInformationMessage(`SkillMeat: rolled ${r.id} back to ${r.to}, now ${r.version}${kept}.`);
    }
    return r;
  }

  private async history(given?: Args): Promise<unknown> {
    const workspace = await this.folder(given);
    if (!workspace) return undefined;
    let id = typeof given?.artifact === "string" ? given.artifact : undefined;
    if (!id) {
      const pick = await this.pickArtifact(workspace, { title: "SkillMeat: history" });
      if (!pick?.artifact) return undefined;
      id = pick.artifact.id;
    }
    const h = await this.run<History>("skillmeat.history", { workspace, artifact: id });
    const pick = await vscode.window.showQuickPick(h.versions.map(versionItem), {
      title: `${h.id}: ${h.versions.length} version${h.versions.length === 1 ? "" : "s"}, newest first`,
      placeHolder: "Pick a version to diff, roll back to or tag",
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!pick) return h;
    const artifact = (await this.getStatus(workspace)).artifacts.find((a) => a.id === h.id);
    const acts: { label: string; run: () => Promise<unknown> }[] = [];
    if (artifact && pick.v.has_content) {
      acts.push({ label: `$(diff) Diff ${pick.v.version} ↔ project`, run: () => openDiff(this.server, workspace, artifact, pick.v.version) });
      acts.push({ label: `$(discard) Roll back to ${pick.v.version}`, run: () => this.rollback({ workspace, artifact: h.id, to: pick.v.version }) });
    }
    acts.push({ label: `$(tag) Tag ${pick.v.version}…`, run: () => this.tag({ workspace, artifact: h.id, rev: pick.v.version }) });
    acts.push({ label: "$(copy) Copy hash", run: async () => vscode.env.clipboard.writeText(pick.v.hash) });
    const act = await vscode.window.showQuickPick(acts, { title: `${h.id} ${pick.v.version}` });
    await act?.run();
    return h;
  }

  private async diff(given?: Args): Promise<unknown> {
    const workspace = await this.folder(given);
    if (!workspace) return undefined;
    const status = await this.getStatus(workspace);
    let artifact = status.artifacts.find((a) => a.id === given?.artifact || a.name === given?.artifact);
    if (!artifact) {
      const pick = await this.pickArtifact(workspace, { title: "SkillMeat: diff (1/2)" });
      if (!pick?.artifact) return undefined;
      artifact = pick.artifact;
    }
    let from = typeof given?.from === "string" ? given.from : undefined;
    if (!from) {
      if (given?.artifact) {
        from = "deployed";
      } else {
        from = await this.pickVersion(workspace, artifact.id, `SkillMeat: diff ${artifact.id} (2/2): which revision against the project?`, [
          { label: "deployed", description: "the version last deployed or synced (the baseline)" },
          { label: "collection", description: "the collection's current copy" },
        ]);
        if (!from) return undefined;
      }
    }
    await openDiff(this.server, workspace, artifact, from);
    return undefined;
  }

  private async resolve(given?: Args): Promise<unknown> {
    const workspace = await this.folder(given);
    if (!workspace) return undefined;
    let arg: Args;
    if (given?.artifact) {
      arg = { ...given, workspace };
    } else {
      const withMarkers = new Map<string, number>();
      for (const [uri, ds] of vscode.languages.getDiagnostics()) {
        const n = ds.filter((d) => d.source === "skillmeat" && d.code === "conflict-unresolved").length;
        if (n > 0) withMarkers.set(uri.fsPath, n);
      }
      const markersIn = (a: StatusArtifact) => {
        const root = path.join(workspace, a.path);
        let n = 0;
        for (const [p, c] of withMarkers) if (p === root || p.startsWith(root + path.sep)) n += c;
        return n > 0 ? `${n} conflict region${n === 1 ? "" : "s"}` : undefined;
      };
      const pick = await this.pickArtifact(workspace, { title: "SkillMeat: resolve conflicts (1/2)", prefer: markersIn });
      if (!pick?.artifact) return undefined;
      const choice = await vscode.window.showQuickPick(CHOICES, {
        title: `SkillMeat: resolve ${pick.artifact.id} (2/2)`,
        placeHolder: "Which side, for every region in every file of the artifact?",
      });
      if (!choice) return undefined;
      arg = { workspace, artifact: pick.artifact.id, ...(choice.label === "check" ? {} : { choice: choice.label }) };
    }
    await this.saveArtifactBuffers(workspace);
    const r = await this.run<{ id: string; rewritten: { path: string; regions: number }[]; remaining: { path: string; line: number }[]; version: string | null }>(
      "skillmeat.resolve",
      arg,
    );
    this.refresh();
    const n = r.rewritten.reduce((k, f) => k + f.regions, 0);
    if (r.remaining.length > 0) {
      const where = r.remaining.map((x) => `${x.path}:${x.line}`).join(", ");
      void vscode.window.showWarningMessage(`SkillMeat: ${r.id} still has conflict markers at ${where}.`);
    } else {
      void vscode.window.showInformationMessage(
        `SkillMeat: ${r.id} resolved${n ? ` (${n} region${n === 1 ? "" : "s"} rewritten)` : ""}${r.version ? `, recorded as ${r.version}` : ""}.`,
      );
    }
    return r;
  }

  /** Artifacts of the collection, read from its folders (SkillMeat's layout, docs/design.md §2). */
  private collectionArtifacts(collection: string): string[] {
    const out: string[] = [];
    const list = (dir: string) => {
      try {
        return fs.readdirSync(path.join(collection, dir), { withFileTypes: true }).filter((e) => !e.name.startsWith("."));
      } catch {
        return [];
      }
    };
    for (const e of list("skills")) if (e.isDirectory()) out.push(`skill:${e.name}`);
    for (const e of list("commands")) if (e.isFile() && e.name.endsWith(".md")) out.push(`command:${e.name.slice(0, -3)}`);
    for (const e of list("agents")) if (e.isFile() && e.name.endsWith(".md")) out.push(`agent:${e.name.slice(0, -3)}`);
    return out.sort();
  }

  private async deploy(given?: Args): Promise<unknown> {
    const workspace = await this.folder(given);
    if (!workspace) return undefined;
    let arg: Args;
    if (given?.artifact) {
      arg = { ...given, workspace };
    } else {
      const status = await this.getStatus(workspace);
      if (!status.collection) throw new Error("no collection: set skillmeat.collectionPath");
      const deployed = new Map(status.artifacts.map((a) => [a.id, a.state]));
      const items = this.collectionArtifacts(status.collection).map((id) => ({
        label: id,
        description: deployed.has(id) ? `deployed · ${deployed.get(id)}` : "not deployed",
      }));
      items.sort((a, b) => Number(deployed.has(a.label)) - Number(deployed.has(b.label)) || a.label.localeCompare(b.label));
      if (items.length === 0) throw new Error(`the collection ${status.collection} has no artifacts`);
      const pick = await vscode.window.showQuickPick(items, { title: `SkillMeat: deploy from ${status.collection}`, placeHolder: "Which artifact?" });
      if (!pick) return undefined;
      arg = { workspace, artifact: pick.label };
    }
    let r: { deployed: { id: string; version: string; already_present: boolean; kept_previous: string | null }[] };
    try {
      r = await this.run("skillmeat.deploy", arg);
    } catch (e) {
      if (arg.overwrite) throw e;
      const answer = await vscode.window.showWarningMessage(
        `SkillMeat: ${message(e)}`,
        { modal: true, detail: "Overwrite keeps the project's current content as a version." },
        "Overwrite",
      );
      if (answer !== "Overwrite") return undefined;
      r = await this.run("skillmeat.deploy", { ...arg, overwrite: true });
    }
    this.refresh();
    const d = r.deployed[0];
    if (d) {
      const note = d.already_present ? " (the project already had this content)" : d.kept_previous ? ` (the replaced copy is ${d.kept_previous})` : "";
      void vscode.window.showInformationMessage(`SkillMeat: deployed ${d.id} as ${d.version}${note}.`);
    }
    return r;
  }

  private async tag(given?: Args): Promise<unknown> {
    const workspace = await this.folder(given);
    if (!workspace) return undefined;
    let artifact = typeof given?.artifact === "string" ? given.artifact : undefined;
    if (!artifact) {
      const pick = await this.pickArtifact(workspace, { title: "SkillMeat: tag (1/3)" });
      if (!pick?.artifact) return undefined;
      artifact = pick.artifact.id;
    }
    let tag = typeof given?.tag === "string" ? given.tag : undefined;
    if (!tag) {
      tag = await vscode.window.showInputBox({
        title: `SkillMeat: tag ${artifact} (2/3)`,
        prompt: "Tag name (a semantic version like 1.2.0 gets the bump since the previous tag)",
        validateInput: (v) => (v.trim() === "" ? "a tag needs a name" : /\s/.test(v) ? "no spaces" : undefined),
      });
      if (!tag) return undefined;
    }
    let rev = typeof given?.rev === "string" ? given.rev : undefined;
    if (!rev && !given?.tag) {
      rev = await this.pickVersion(workspace, artifact, `SkillMeat: tag ${artifact} as ${tag} (3/3)`, [
        { label: "project", description: "the project's current content (default)" },
      ]);
      if (!rev) return undefined;
    }
    const r = await this.run<{ id: string; tag: string; version: string; semver: string | null }>("skillmeat.tag", {
      workspace,
      artifact,
      tag,
      ...(rev && rev !== "project" ? { rev } : {}),
    });
    this.refresh();
    void vscode.window.showInformationMessage(`SkillMeat: tagged ${r.id} ${r.version} as ${r.tag}${r.semver ? ` (${r.semver})` : ""}.`);
    return r;
  }

  private async checkUpstream(given?: Args): Promise<unknown> {
    const workspace = await this.folder(given);
    if (!workspace) return undefined;
    let arg: Args = { workspace };
    if (given?.artifact) {
      arg = { ...given, workspace };
    } else if (!given) {
      const pick = await this.pickArtifact(workspace, { title: "SkillMeat: check upstream", all: "every artifact with a git upstream" });
      if (!pick) return undefined;
      if (pick.artifact) arg.artifact = pick.artifact.id;
    }
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "SkillMeat: checking upstream…" },
      () => this.run<{ artifacts: { id: string; state: string; error?: string }[]; summary: Record<string, number> }>("skillmeat.checkUpstream", arg),
    );
    this.refresh();
    const counts = Object.entries(r.summary).map(([k, n]) => `${n} ${k}`).join(", ");
    const behind = r.artifacts.filter((a) => a.state === "behind" || a.state === "diverged").map((a) => `${a.id} (${a.state})`);
    const text = `SkillMeat: upstream ${counts || "— no artifact has an upstream"}${behind.length ? `: ${behind.join(", ")}` : ""}`;
    const show = await (behind.length ? vscode.window.showWarningMessage(text, "Show Details") : vscode.window.showInformationMessage(text, "Show Details"));
    if (show) this.out.show(true);
    return r;
  }
}
