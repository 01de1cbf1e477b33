// The language client: finds the binary, starts `skillmeat-lsp serve` for the window, stops and
// restarts it, and runs server commands with a person-readable error when they fail.

import { execFile } from "node:child_process";
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
import { addRoots, documentSelector, learnRoots, rootDirs } from "./profileRoots";
import { SERVER_SETTINGS, Status } from "./protocol";
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

/**
 * The profile roots `bin serve --describe` reports (the built-ins as SkillMeat's config moves
 * them; docs/cli-json.md), asked before the client starts because its document selector is fixed
 * then. Undefined when the binary cannot tell (an older server): the `initialize` result is
 * read afterwards anyway.
 */
function describedRoots(bin: string, out: vscode.LogOutputChannel): Promise<unknown> {
  return new Promise((resolve) => {
    execFile(bin, ["serve", "--describe"], { timeout: 15_000, maxBuffer: 4 << 20 }, (err, stdout) => {
      if (err) {
        out.appendLine(`${bin} serve --describe failed (${err.message}); the roots it knows are read once it starts`);
        return resolve(undefined);
      }
      try {
        resolve((JSON.parse(stdout) as { profileRoots?: unknown }).profileRoots);
      } catch {
        out.appendLine(`${bin} serve --describe did not print JSON; the roots it knows are read once it starts`);
        resolve(undefined);
      }
    });
  });
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

  /** The profile roots the running client's document selector covers. */
  private selected: string[] = [];
  /** Set while a restart for a newly known root is under way (one at a time). */
  private widening = false;

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
    // vscode-languageclient fixes the document selector when the client starts: every root the
    // server will serve must be known now, or files under it get no didOpen (no diagnostics as
    // you type, code actions or lenses).
    this.addRoots(await describedRoots(found.path, this.out), "serve --describe");
    this.settingRoots();
    this.selected = rootDirs();
    this.out.appendLine(`Starting ${found.path} (from ${found.source}) for files under ${this.selected.join(", ")}`);
    const serverOptions: ServerOptions = {
      run: { command: found.path, args: ["serve"] },
      debug: { command: found.path, args: ["serve"] },
    };
    const clientOptions: LanguageClientOptions = {
      // Every SkillMeat profile root: `.claude`, `.agents` (codex), `.gemini`, `.cursor`, and the
      // roots SkillMeat's config, the server and the `skillmeat.profileRoots` setting add.
      documentSelector: documentSelector(this.selected),
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
      return;
    }
    const experimental = client.initializeResult?.capabilities.experimental as { profileRoots?: unknown } | undefined;
    this.addRoots(experimental?.profileRoots, "the server");
    this.cover();
  }

  /** Remembers root names from `from`; names that cannot be a folder name are reported. */
  private addRoots(names: unknown, from: string): void {
    const { rejected } = addRoots(names);
    for (const r of rejected) this.out.appendLine(`${from}: \`${r}\` is not a folder name; it is not a profile root`);
  }

  /** The `skillmeat.profileRoots` setting's roots; a name that cannot be a root is shown. */
  private settingRoots(): void {
    const names = vscode.workspace.getConfiguration("skillmeat").get<unknown>("profileRoots");
    const { rejected } = addRoots(names);
    if (rejected.length > 0) {
      void vscode.window.showWarningMessage(
        `SkillMeat: skillmeat.profileRoots: ${rejected.map((r) => `"${r}"`).join(", ")} is not a folder name (like ".myroot"); ignored`,
      );
    }
  }

  /** The `skillmeat.profileRoots` setting changed: a root it adds widens the selector. */
  profileRootsChanged(): void {
    this.settingRoots();
    this.cover();
  }

  /** The roots a `skillmeat.status` answer shows (an artifact's `path`); a new one widens the selector. */
  learnStatus(status: Pick<Status, "artifacts">): void {
    learnRoots(status);
    this.cover();
  }

  /**
   * Restarts the running client when a root is known that its selector does not cover (the
   * selector cannot change while it runs); the new client covers every root known then.
   */
  private cover(): void {
    const missing = rootDirs().filter((r) => !this.selected.includes(r));
    if (missing.length === 0 || this.widening || !this.running) return;
    this.widening = true;
    this.out.appendLine(`Restarting the language client so it syncs files under ${missing.join(", ")} too`);
    void this.restart().finally(() => (this.widening = false));
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
