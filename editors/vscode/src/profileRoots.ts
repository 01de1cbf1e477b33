// SkillMeat's profile roots as the extension sees them: the one list of root folders
// (`.claude`, `.agents`, `.gemini`, `.cursor`) it needs before the server answers — which files
// the language client syncs, which diagnostics move the status bar, which editors follow disk,
// which buffers are saved before a command writes. Roots SkillMeat's config adds come from the
// server (`serve --describe`'s and `initialize`'s `profileRoots`), the `skillmeat.profileRoots`
// setting, and the server's `skillmeat.status` (each artifact's `path`). Needs no editor
// (unit-tested).

import * as path from "node:path";
import type { Status } from "./protocol";

/**
 * SkillMeat 0.74's built-in profiles' root folders (core/platform_defaults.py): claude_code,
 * codex, gemini, cursor. package.json's activation events and key bindings name the same
 * (src/test/manifest.test.ts checks it).
 */
export const PROFILE_ROOTS: readonly string[] = [".claude", ".agents", ".gemini", ".cursor"];

const learned = new Set<string>();

/**
 * Whether `name` can be a root folder name in a glob: one path component, none of the glob's
 * special characters (a SkillMeat `root_dir` is a plain folder name such as `.myroot`).
 */
export function isRootName(name: unknown): name is string {
  return typeof name === "string" && /^[^\\/*?[\]{},!]+$/.test(name) && name !== "." && name !== "..";
}

/**
 * Remembers root folder names (the server's `profileRoots`, the `skillmeat.profileRoots`
 * setting); `./.myroot/` reads as `.myroot`. Returns the names that were new and those that
 * cannot be a root folder name (to report), leaving the rest out.
 */
export function addRoots(names: unknown): { added: string[]; rejected: string[] } {
  const added: string[] = [];
  const rejected: string[] = [];
  for (const raw of Array.isArray(names) ? names : []) {
    const name = typeof raw === "string" ? raw.replace(/^\.\//, "").replace(/\/+$/, "") : raw;
    if (!isRootName(name)) rejected.push(String(raw));
    else if (!PROFILE_ROOTS.includes(name) && !learned.has(name)) {
      learned.add(name);
      added.push(name);
    }
  }
  return { added, rejected };
}

/**
 * Remembers the root folder of every artifact the server listed (`.myroot/skills/x` → `.myroot`);
 * returns the roots that were new.
 */
export function learnRoots(status: Pick<Status, "artifacts">): string[] {
  const firsts = (status.artifacts ?? []).map((a) => (typeof a.path === "string" ? a.path.split(/[\\/]/)[0] : ""));
  return addRoots(firsts.filter((f) => f !== "")).added;
}

/** The language client's document selector: every file under any of `roots`, at any depth. */
export function documentSelector(roots: readonly string[]): { scheme: string; pattern: string }[] {
  return roots.filter(isRootName).map((root) => ({ scheme: "file", pattern: `**/${root}/**` }));
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
