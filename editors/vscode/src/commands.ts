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
import { type Args, type ArtifactItem, CHOICES, CommandBase, DIRECTIONS, givenArg, message, rank, STRATEGIES, versionItem } from "./commandBase";
import { followDisk, WRITING_COMMANDS } from "./followDisk";
import { showLog } from "./logView";
import { inProfileRoot } from "./profileRoots";
import type { History, Status, StatusArtifact } from "./protocol";
import { STATE_ICON, statusViewText, syncMessage } from "./summary";

export class Commands extends CommandBase {
  readonly middleware: Middleware;

  constructor(server: Server, out: vscode.LogOutputChannel, refresh: () => void) {
    super(server, out, refresh);
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

  // ---- the commands ---------------------------------------------------------------------

  /** The status view: every artifact with its state; picking one offers what fits its state. */
  private async statusView(given?: Args): Promise<unknown> {
    const workspaces = given?.workspace
      ? [String(given.workspace)]
      : (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const all: Status[] = [];
    for (const w of workspaces) all.push(await this.getStatus(w));
    const items: (ArtifactItem & { workspace?: string })[] = [];
    const view = statusViewText(all.map((s) => ({ name: path.basename(s.workspace), collection: s.collection, summary: s.summary })));
    for (const [i, s] of all.entries()) {
      const separator = view.separators[i];
      if (separator) items.push({ label: separator, kind: vscode.QuickPickItemKind.Separator });
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
      title: view.title,
      placeHolder: view.placeholder,
      matchOnDescription: true,
    });
    if (pick?.artifact && pick.workspace) await this.artifactActions(pick.workspace, pick.artifact);
    return all.length === 1 ? all[0] : all;
  }

  private async artifactActions(workspace: string, a: StatusArtifact): Promise<void> {
    const main = path.join(workspace, a.main_file);
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
    for (const d of vscode.workspace.textDocuments) {
      if (d.isDirty && d.uri.scheme === "file" && inProfileRoot(d.uri.fsPath, workspace)) await d.save();
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
