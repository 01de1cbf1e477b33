// The audit trail as the log view shows it (`skillmeat.log`, docs/lsp-extensions.md): one quick
// pick item per event, newest first. Pure: tested without an editor.

export interface LogEvent {
  id: number;
  at: string;
  operation: string;
  artifact: string | null;
  version: string | null;
  project: string;
  direction: string | null;
  strategy: string | null;
  result: string;
  duration_ms: number;
  conflict_files: string[];
  detail: string | null;
}

export interface LogResult {
  workspace: string;
  project: string;
  events: LogEvent[];
}

/** A codicon per operation the trail records. */
export const OPERATION_ICON: Record<string, string> = {
  add: "add",
  deploy: "cloud-download",
  import: "cloud-download",
  keep: "pin",
  resolve: "check",
  rollback: "discard",
  sync: "sync",
  tag: "tag",
  unkeep: "pinned-dirty",
};

export interface LogItem {
  label: string;
  description: string;
  detail: string;
  artifact?: string;
}

/** `2026-11-29T16:58:43.123456Z` as `2026-11-29 16:58:43Z`. */
export function shortTime(at: string): string {
  return at.replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/** One item per event: operation, artifact and version; time and project; what happened. */
export function logItems(log: LogResult): LogItem[] {
  return log.events.map((e) => {
    const how = [e.direction, e.strategy, e.duration_ms > 0 ? `${e.duration_ms} ms` : ""].filter(Boolean).join(", ");
    const what = [
      e.result + (how ? ` (${how})` : ""),
      e.conflict_files.length ? `conflicts in ${e.conflict_files.join(", ")}` : "",
      e.detail ?? "",
    ]
      .filter(Boolean)
      .join(" · ");
    return {
      label: `$(${OPERATION_ICON[e.operation] ?? "circle-outline"}) ${e.operation} ${e.artifact ?? ""}`.trimEnd(),
      description: [e.version ?? "", shortTime(e.at), e.project].filter(Boolean).join(" · "),
      detail: what,
      artifact: e.artifact ?? undefined,
    };
  });
}

/** The view's title: whose log, filtered how. */
export function logTitle(log: LogResult, artifact?: string): string {
  const n = log.events.length;
  return `SkillMeat log — ${artifact ?? log.project}: ${n} event${n === 1 ? "" : "s"}, newest first`;
}
