// The status-bar item: the workspace's drift summary from `skillmeat.status`, refreshed when
// diagnostics change (the server republishes them after every change it sees). Clicking it
// opens the status view.

import * as vscode from "vscode";
import type { Server } from "./client";
import { inProfileRoot } from "./profileRoots";
import type { Status } from "./protocol";
import { addSummaries, barText } from "./summary";

export class DriftStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly server: Server) {
    this.item = vscode.window.createStatusBarItem("skillmeat.drift", vscode.StatusBarAlignment.Left, 10);
    this.item.name = "SkillMeat drift";
    this.item.text = "$(sync~spin) SkillMeat";
    this.item.tooltip = "SkillMeat: starting the language server";
    this.item.show();
    this.subs.push(
      // Only the server's files matter; other extensions' diagnostics change all the time.
      vscode.languages.onDidChangeDiagnostics((e) => {
        if (e.uris.some((u) => u.scheme === "file" && inProfileRoot(u.fsPath))) this.schedule();
      }),
      server.onDidChangeRunning(() => this.schedule(0)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule()),
    );
  }

  /** Refreshes soon; bursts of diagnostics (a start-up scan, a bulk sync) cost one status. */
  schedule(delayMs = 300): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delayMs);
  }

  async refresh(): Promise<void> {
    const mine = ++this.seq;
    if (!this.server.running) {
      this.item.text = "$(circle-slash) SkillMeat: stopped";
      this.item.tooltip = "The SkillMeat language server is not running — click to restart it";
      this.item.command = "skillmeat.restart";
      this.item.backgroundColor = undefined;
      return;
    }
    const folders = vscode.workspace.workspaceFolders ?? [];
    const summaries: Record<string, number>[] = [];
    const problems: string[] = [];
    for (const f of folders) {
      try {
        const s = await this.server.run<Status>("skillmeat.status", { workspace: f.uri.fsPath });
        summaries.push(s.summary);
        this.server.learnStatus(s);
      } catch (e) {
        problems.push(`${f.name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (mine !== this.seq) return; // a newer refresh started meanwhile
    const t = barText(addSummaries(summaries));
    this.item.command = "skillmeat.status";
    if (problems.length > 0 && summaries.length === 0) {
      this.item.text = "$(error) SkillMeat: error";
      this.item.tooltip = problems.join("\n");
      this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
      return;
    }
    this.item.text = t.text;
    this.item.tooltip = problems.length ? `${t.tooltip}\n${problems.join("\n")}` : t.tooltip;
    this.item.backgroundColor = t.attention ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
    this.item.dispose();
  }
}
