// What the extension knows of the server's protocol (docs/lsp-extensions.md, docs/cli-json.md):
// the settings it forwards, the commands the palette does not offer, and the result shapes it
// reads. Pure: the manifest test checks these lists against `skillmeat-lsp serve --describe`, and
// the protocol test checks the result shapes against docs/schema/*.schema.json and the real CLI.

/** The settings the server reads; `contributes.configuration` has each as `skillmeat.<name>`. */
export const SERVER_SETTINGS = [
  "collectionPath",
  "hunkDiagnostics",
  "confirmDestructive",
  "upstreamCheckInterval",
  "skillmeatCompat",
] as const;

/** Settings only the extension reads. */
export const CLIENT_SETTINGS = ["skillmeat.server.path", "skillmeat.profileRoots"];

/**
 * Server commands that are no palette command: `skillmeat.acceptConflict` is what the per-region
 * conflict lenses run, `skillmeat.proposeUpdate` what the Update lens and a multi-file Merge run
 * and `skillmeat.revertHunk` what a drift hunk's hover links to (the server answers each with a
 * buffer edit through `workspace/applyEdit`); `skillmeat.compareConflict` is the region's
 * Compare lens (its sides, opened as a diff); `skillmeat.addToCollection` what an untracked
 * artifact's hover links to and its code action runs.
 */
export const INTERNAL_COMMANDS = [
  "skillmeat.acceptConflict",
  "skillmeat.proposeUpdate",
  "skillmeat.revertHunk",
  "skillmeat.compareConflict",
  "skillmeat.addToCollection",
];

/** Palette commands the extension adds itself. */
export const CLIENT_COMMANDS = [
  "skillmeat.restart",
  "skillmeat.nextConflict",
  "skillmeat.previousConflict",
  "skillmeat.nextHunk",
  "skillmeat.previousHunk",
];

export interface StatusArtifact {
  id: string;
  type: "skill" | "command" | "agent" | "hook" | "mcp";
  name: string;
  state: string;
  /** Relative to the workspace folder: `.claude/skills/pdf` or `.claude/commands/review.md`. */
  path: string;
  /** The file to open, relative to the workspace folder: `.claude/skills/pdf/SKILL.md`. */
  main_file: string;
  hashes: { baseline: string | null; project: string | null; collection: string | null };
  version: string | null;
  matches_collection?: boolean;
  unresolved?: { file: string; line: number };
  error?: string;
  profile?: string;
  /** `keep ID --reason …`: why this copy differs on purpose, and the state the keep stands in for. */
  kept?: { reason: string; kept_at: string; drift: string; collection_changed: boolean };
}

export interface Status {
  workspace: string;
  collection: string;
  collection_source: string;
  artifacts: StatusArtifact[];
  summary: Record<string, number>;
  warnings: string[];
}

export interface HistoryVersion {
  version: string;
  hash: string;
  origin: string;
  created_at: string;
  parents: string[];
  tag: string | null;
  message: string | null;
  has_content: boolean;
  baseline: boolean;
}

export interface History {
  id: string;
  versions: HistoryVersion[];
}

export interface DiffResult {
  from: string;
  to: string;
  from_hash: string;
  to_hash: string;
  files: { path: string; diff: string }[];
  meta_changes: string[];
}

/** The counts of a `skillmeat.sync` result. */
export interface SyncSummary {
  fast_forwarded: number;
  merged_clean: number;
  conflicts: number;
  skipped: number;
  errors: number;
}

/** A `skillmeat.sync` result as the notification reads it: each artifact's id (or error). */
export interface SyncResult {
  applied: boolean;
  results: { id: string; error?: string }[];
  summary: SyncSummary;
}

