// SkillMeat's profile roots as the extension sees them: the one list of root folders
// (`.claude`, `.agents`, `.gemini`, `.cursor`) it needs before the server answers — which files
// the language client syncs, which diagnostics move the status bar, which editors follow disk,
// which buffers are saved before a command writes. Roots SkillMeat's config adds are learned from
// the server's `skillmeat.status` (each artifact's `path`). Needs no editor (unit-tested).

import * as path from "node:path";
import type { Status } from "./protocol";

/**
 * SkillMeat 0.74's built-in profiles' root folders (core/platform_defaults.py): claude_code,
 * codex, gemini, cursor. package.json's activation events and key bindings name the same
 * (src/test/manifest.test.ts checks it).
 */
export const PROFILE_ROOTS: readonly string[] = [".claude", ".agents", ".gemini", ".cursor"];

const learned = new Set<string>();

/** Remembers the root folder of every artifact the server listed (`.myroot/skills/x` → `.myroot`). */
export function learnRoots(status: Pick<Status, "artifacts">): void {
  for (const a of status.artifacts ?? []) {
    const first = typeof a.path === "string" ? a.path.split(/[\\/]/)[0] : "";
    if (first && !PROFILE_ROOTS.includes(first)) learned.add(first);
  }
}

/** Every root folder name known now, built-in ones first. */
export function rootDirs(): string[] {
  return [...PROFILE_ROOTS, ...[...learned].sort()];
}

/**
 * Whether `fsPath` is inside a profile root: with `workspace`, a root directly in that folder;
 * without, any folder of the path named like a root.
 */
export function inProfileRoot(fsPath: string, workspace?: string): boolean {
  const roots = rootDirs();
  if (workspace !== undefined) {
    const rel = path.relative(workspace, fsPath);
    if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) return false;
    const parts = rel.split(path.sep);
    return parts.length > 1 && roots.includes(parts[0]);
  }
  const parts = fsPath.split(/[\\/]/);
  return parts.slice(0, -1).some((p) => roots.includes(p));
}
