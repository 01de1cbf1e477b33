// The Compare lens of a conflict region: the server's `skillmeat.compareConflict` gives the
// region's sides, shown ours ↔ theirs in VS Code's diff editor as two read-only virtual
// documents.
import * as path from "node:path";
import * as vscode from "vscode";
import type { Middleware } from "vscode-languageclient/node";

export const REGION_SCHEME = "skillmeat-region";
const COMMAND = "skillmeat.compareConflict";

export interface CompareResult {
  uri: string;
  file: string;
  region: number;
  ours: string;
  theirs: string;
  base: string | null;
  labels: { ours: string | null; theirs: string | null; base: string | null };
}

/** Holds the sides shown, by URI, for as long as the window lives (they are small). */
export class RegionProvider implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private next = 0;

  add(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: REGION_SCHEME, path: `/${this.next++}/${name}` });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? "";
  }
}

/** Opens ours ↔ theirs of a `skillmeat.compareConflict` result. */
export async function showCompare(provider: RegionProvider, r: CompareResult): Promise<void> {
  const base = path.basename(r.file);
  const ours = provider.add(base, r.ours);
  const theirs = provider.add(base, r.theirs);
  const side = (which: string, label: string | null) => (label ? `${which} (${label})` : which);
  const title = `${base} #${r.region + 1}: ${side("ours", r.labels.ours)} ↔ ${side("theirs", r.labels.theirs)}`;
  await vscode.commands.executeCommand("vscode.diff", ours, theirs, title);
}

type ExecuteCommand = NonNullable<Middleware["executeCommand"]>;

/** `executeCommand` middleware in front of `inner`: the Compare lens's command opens the diff. */
export function compareMiddleware(provider: RegionProvider, inner: ExecuteCommand): ExecuteCommand {
  return async (command, args, next) => {
    if (command !== COMMAND) return inner(command, args, next);
    try {
      const r = (await next(command, args)) as CompareResult | undefined;
      if (r) await showCompare(provider, r);
      return r;
    } catch (e) {
      void vscode.window.showErrorMessage(`SkillMeat: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };
}
