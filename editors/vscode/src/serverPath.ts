// Where the `skillmeat-lsp` binary comes from: the environment variable, then the
// `skillmeat.server.path` setting, then the binary bundled in the .vsix, then PATH.
// Pure apart from the file checks it is handed, so the order is tested without an editor.

import * as os from "node:os";
import * as path from "node:path";

export const ENV_VAR = "SKILLMEAT_LSP_PATH";

export type Source = "environment" | "setting" | "bundled" | "PATH";

export interface Found {
  path: string;
  source: Source;
}

export interface Lookup {
  env: Record<string, string | undefined>;
  /** The `skillmeat.server.path` setting (unset: undefined, null or ""). */
  setting?: string | null;
  /** Where relative setting values are taken from (the first workspace folder). */
  baseDir?: string;
  /** The extension's folder; the bundled binary is `server/skillmeat-lsp` inside it. */
  extensionPath: string;
  platform: NodeJS.Platform;
  isExecutable(p: string): boolean;
}

export function exeName(platform: NodeJS.Platform): string {
  return platform === "win32" ? "skillmeat-lsp.exe" : "skillmeat-lsp";
}

function expand(p: string, baseDir?: string): string {
  if (p === "~" || p.startsWith("~/")) p = path.join(os.homedir(), p.slice(1));
  if (!path.isAbsolute(p) && baseDir) p = path.resolve(baseDir, p);
  return p;
}

/**
 * The binary to start, or an error naming every place that was looked at. An explicit choice
 * (environment variable or setting) that does not exist is an error rather than a silent
 * fallback, so a typo in the setting is noticed.
 */
export function findServer(l: Lookup): Found | { error: string } {
  const fromEnv = l.env[ENV_VAR];
  if (fromEnv) {
    const p = expand(fromEnv, l.baseDir);
    return l.isExecutable(p)
      ? { path: p, source: "environment" }
      : { error: `${ENV_VAR} is set to ${p}, which is not an executable file` };
  }
  if (l.setting) {
    const p = expand(l.setting, l.baseDir);
    return l.isExecutable(p)
      ? { path: p, source: "setting" }
      : { error: `the setting skillmeat.server.path is ${p}, which is not an executable file` };
  }
  const exe = exeName(l.platform);
  const bundled = path.join(l.extensionPath, "server", exe);
  if (l.isExecutable(bundled)) return { path: bundled, source: "bundled" };
  const sep = l.platform === "win32" ? ";" : ":";
  for (const dir of (l.env.PATH ?? l.env.Path ?? "").split(sep)) {
    if (!dir) continue;
    const p = path.join(dir, exe);
    if (l.isExecutable(p)) return { path: p, source: "PATH" };
  }
  return {
    error:
      `skillmeat-lsp was not found: set ${ENV_VAR} or the setting skillmeat.server.path, ` +
      `or put skillmeat-lsp on PATH (looked for the bundled ${bundled} too)`,
  };
}
