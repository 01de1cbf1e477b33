// The drift summary the status bar shows and one-line accounts of results. Pure: tested
// without an editor.

/** States from most to least in need of attention; the status bar lists them in this order. */
export const STATE_ORDER = [
  "error",
  "conflict",
  "outdated",
  "modified",
  "removed",
  "orphaned",
  "untracked",
  "kept",
  "synced",
];

export const STATE_ICON: Record<string, string> = {
  error: "error",
  conflict: "git-merge",
  outdated: "arrow-down",
  modified: "edit",
  removed: "trash",
  orphaned: "question",
  untracked: "circle-outline",
  kept: "pin",
  synced: "check",
};

/** Adds per-state counts of several folders. */
export function addSummaries(all: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of all) for (const [k, v] of Object.entries(s)) out[k] = (out[k] ?? 0) + v;
  return out;
}

function ordered(summary: Record<string, number>): [string, number][] {
  const rank = (s: string) => {
    const i = STATE_ORDER.indexOf(s);
    return i < 0 ? STATE_ORDER.length : i;
  };
  return Object.entries(summary)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

export interface BarText {
  text: string;
  tooltip: string;
  /** Whether anything needs attention (the item gets the warning colour). */
  attention: boolean;
}

/**
 * The status bar's text: every state that needs attention with its count, or how many
 * artifacts are synced when none does. `$(…)` are VS Code's codicons.
 */
export function barText(summary: Record<string, number>): BarText {
  const parts = ordered(summary);
  const total = parts.reduce((n, [, c]) => n + c, 0);
  const tooltip =
    total === 0
      ? "SkillMeat: no deployed artifacts in this workspace"
      : "SkillMeat drift: " + parts.map(([s, n]) => `${n} ${s}`).join(", ") + " — click for details";
  const needing = parts.filter(([s]) => s !== "synced");
  if (total === 0) return { text: "$(check) SkillMeat: no artifacts", tooltip, attention: false };
  if (needing.length === 0) {
    return { text: `$(check) SkillMeat: ${total} synced`, tooltip, attention: false };
  }
  const worst = needing[0][0];
  const text =
    `$(${STATE_ICON[worst] ?? "warning"}) SkillMeat: ` +
    needing.map(([s, n]) => `${n} ${s}`).join(", ");
  return { text, tooltip, attention: true };
}

/** Counts per state, most in need of attention first: `1 conflict, 2 synced`. */
export function countsText(summary: Record<string, number>): string {
  const parts = ordered(summary);
  return parts.length ? parts.map(([s, n]) => `${n} ${s}`).join(", ") : "no artifacts";
}

/**
 * The status view's title, placeholder and each folder's separator. The counts go in the title:
 * VS Code draws a quick pick's first separator inside its first row, so a long summary there
 * squeezed (and in a narrow window cut) the row of the artifact that most needs attention. A
 * single folder gets no separator; in a multi-root window each folder's separator is its name.
 */
export function statusViewText(folders: { name: string; collection: string; summary: Record<string, number> }[]): {
  title: string;
  placeholder: string;
  separators: (string | undefined)[];
} {
  const collections = [...new Set(folders.map((f) => f.collection))];
  return {
    title: `SkillMeat status — ${countsText(addSummaries(folders.map((f) => f.summary)))}`,
    placeholder: `Pick an artifact for its actions (collection ${collections.join(", ") || "none"})`,
    separators: folders.map((f) => (folders.length > 1 ? f.name : undefined)),
  };
}

/** A one-line account of a `skillmeat.sync` result for a notification. */
export function syncMessage(r: {
  applied: boolean;
  results: { id?: string; error?: string }[];
  summary: Record<string, number>;
}): string {
  const s = r.summary;
  const bits = [
    ["fast-forwarded", s.fast_forwarded],
    ["merged cleanly", s.merged_clean],
    ["with conflicts", s.conflicts],
    ["skipped", s.skipped],
    ["failed", s.errors],
  ]
    .filter(([, n]) => Number(n) > 0)
    .map(([w, n]) => `${n} ${w}`);
  const what = r.results.length === 1 && r.results[0].id ? r.results[0].id : `${r.results.length} artifacts`;
  return `${r.applied ? "Synced" : "Dry run of"} ${what}: ${bits.length ? bits.join(", ") : "nothing to do"}`;
}
