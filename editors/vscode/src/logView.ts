// The log view (`SkillMeat: Show Audit Log…`): the audit trail in a quick pick, newest first;
// picking an event of an artifact narrows the view to that artifact's events.

import * as vscode from "vscode";
import { type LogResult, logItems, logTitle } from "./trail";

type Run = <T>(command: string, arg: Record<string, unknown>) => Promise<T>;

export async function showLog(run: Run, workspace: string | undefined, given?: Record<string, unknown>): Promise<unknown> {
  if (!workspace) return undefined;
  let artifact = typeof given?.artifact === "string" ? given.artifact : undefined;
  for (;;) {
    const arg: Record<string, unknown> = { ...given, workspace };
    if (artifact) arg.artifact = artifact;
    const log = await run<LogResult>("skillmeat.log", arg);
    // Called with arguments (a script, a test), the command returns the log without asking.
    if (given?.noView === true) return log;
    const items = logItems(log);
    if (items.length === 0) {
      void vscode.window.showInformationMessage(`SkillMeat: no events recorded${artifact ? ` for ${artifact}` : ""}`);
      return log;
    }
    const pick = await vscode.window.showQuickPick(items, {
      title: logTitle(log, artifact),
      placeHolder: artifact ? "Events of this artifact" : "Pick an event to see only its artifact's events",
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!pick?.artifact || pick.artifact === artifact) return log;
    artifact = pick.artifact;
  }
}
