// The SkillMeat extension: starts `skillmeat-lsp serve` for the window and adds what the
// language client alone does not give: palette flows for the server's commands, the drift
// summary in the status bar, the revision diff view and a restart command.

import * as vscode from "vscode";
import { Server } from "./client";
import { handleApplyEdit } from "./applyEdit";
import { Commands } from "./commands";
import { compareMiddleware, RegionProvider, REGION_SCHEME } from "./compare";
import { ConflictDecorations } from "./conflictDecorations";
import { RevisionProvider, SCHEME } from "./diffView";
import { jump, NAVIGATION, trackProfileRoot } from "./navigate";
import { DriftStatusBar } from "./statusBar";

let server: Server | undefined;

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  const out = vscode.window.createOutputChannel("SkillMeat", { log: true });
  ctx.subscriptions.push(out);
  server = new Server(ctx, out);
  ctx.subscriptions.push(server);
  const bar = new DriftStatusBar(server);
  ctx.subscriptions.push(bar);
  // The palette flows sit in front of the server's commands as the client's middleware.
  const commands = new Commands(server, out, () => bar.schedule()).middleware;
  const regions = new RegionProvider();
  server.middleware = {
    ...commands,
    executeCommand: compareMiddleware(regions, commands.executeCommand!),
    workspace: { handleApplyEdit },
  };
  const rootContext = trackProfileRoot();
  ctx.subscriptions.push(rootContext.disposable, server.onDidChangeRunning(rootContext.refresh));
  ctx.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, new RevisionProvider(server)),
    vscode.workspace.registerTextDocumentContentProvider(REGION_SCHEME, regions),
    new ConflictDecorations(),
    vscode.commands.registerCommand("skillmeat.restart", async () => {
      out.appendLine("Restarting the language server");
      await server?.restart();
      bar.schedule(0);
    }),
    ...NAVIGATION.map(([id, dir, kind]) => vscode.commands.registerCommand(id, () => jump(dir, kind))),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("skillmeat.server.path")) {
        void vscode.window
          .showInformationMessage("SkillMeat: the server path changed. Restart the language server?", "Restart")
          .then((c) => c && vscode.commands.executeCommand("skillmeat.restart"));
      }
      if (e.affectsConfiguration("skillmeat.profileRoots")) server?.profileRootsChanged();
    }),
  );
  await server.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
