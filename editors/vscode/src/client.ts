// The language client: finds the binary, starts `skillmeat-lsp serve` for the window, stops and
// restarts it, and runs server commands with a person-readable error when they fail.

import * as fs from "node:fs";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  Middleware,
  ServerOptions,
  State,
} from "vscode-languageclient/node";
import { PROFILE_ROOTS } from "./profileRoots";
import { SERVER_SETTINGS } from "./protocol";
import { findServer, Found } from "./serverPath";


function isExecutable(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    if (process.platform !== "win32") fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The server settings of a folder (or the window), as `initializationOptions`. */
export function serverSettings(scope?: vscode.ConfigurationScope): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration("skillmeat", scope);
  const out: Record<string, unknown> = {};
  for (const k of SERVER_SETTINGS) out[k] = c.get(k);
  return out;
}

export class Server implements vscode.Disposable {
  client: LanguageClient | undefined;
  found: Found | undefined;
  private readonly stateEmitter = new vscode.EventEmitter<boolean>();
  /** Fires with `true` when the server is up (again), `false` when it stopped. */
  readonly onDidChangeRunning = this.stateEmitter.event;

  /** Set before `start`: what runs in front of the server's commands (the palette flows). */
  middleware: Middleware = {};

  constructor(
    private readonly ctx: vscode.ExtensionContext,
    readonly out: vscode.LogOutputChannel,
  ) {}

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  async start(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const found = findServer({
      env: process.env,
      setting: vscode.workspace.getConfiguration("skillmeat").get<string | null>("server.path"),
      baseDir: folders[0]?.uri.fsPath,
      extensionPath: this.ctx.extensionPath,
      platform: process.platform,
      isExecutable,
    });
    if ("error" in found) {
      this.out.appendLine(found.error);
      void vscode.window
        .showErrorMessage(`SkillMeat: ${found.error}`, "Open Settings")
        .then((c) => {
          if (c) void vscode.commands.executeCommand("workbench.action.openSettings", "skillmeat.server.path");
        });
      return;
    }
    this.found = found;
    this.out.appendLine(`Starting ${found.path} (from ${found.source})`);
    const serverOptions: ServerOptions = {
      run: { command: found.path, args: ["serve"] },
      debug: { command: found.path, args: ["serve"] },
    };
    const clientOptions: LanguageClientOptions = {
      // Every SkillMeat profile root: `.claude`, `.agents` (codex), `.gemini`, `.cursor`.
      documentSelector: PROFILE_ROOTS.map((root) => ({
        scheme: "file",
        pattern: `**/${root}/**`,
      })),
      initializationOptions: serverSettings(folders[0]),
      synchronize: { configurationSection: "skillmeat" },
      outputChannel: this.out,
      middleware: this.middleware,
      // The hovers' links run these server commands only (a hunk's Revert, an untracked
      // artifact's Add to collection).
      markdown: { isTrusted: { enabledCommands: ["skillmeat.revertHunk", "skillmeat.addToCollection"] } },
    };
    const client = new LanguageClient("skillmeat", "SkillMeat", serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((e) => {
      const up = e.newState === State.Running;
      void vscode.commands.executeCommand("setContext", "skillmeat.serverRunning", up);
      this.stateEmitter.fire(up);
    });
    try {
      await client.start();
    } catch (e) {
      this.out.appendLine(`The server did not start: ${String(e)}`);
      void vscode.window.showErrorMessage(`SkillMeat: the language server did not start (${found.path}): ${String(e)}`);
    }
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) {
      try {
        await c.stop(5000);
      } catch (e) {
        this.out.appendLine(`Stopping the server: ${String(e)}`);
      }
      await c.dispose();
    }
    void vscode.commands.executeCommand("setContext", "skillmeat.serverRunning", false);
    this.stateEmitter.fire(false);
  }

  /** Stops the server and starts it again, finding the binary anew (the setting may have changed). */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /**
   * Runs a server command with its one object argument. Failures become an Error whose message
   * is the server's (it names the artifact and says what to do).
   */
  async run<T>(command: string, arg: Record<string, unknown>): Promise<T> {
    const c = this.client;
    if (!c || c.state !== State.Running) {
      throw new Error("the language server is not running (SkillMeat: Restart Language Server)");
    }
    try {
      return (await c.sendRequest(ExecuteCommandRequest.type, { command, arguments: [arg] })) as T;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new Error(msg);
    }
  }

  dispose(): void {
    void this.stop();
    this.stateEmitter.dispose();
  }
}
