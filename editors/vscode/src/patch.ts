// Rebuilds the old side of a unified diff from its new side. The server's `skillmeat.diff`
// answers with unified diffs of a revision against the project; the project copy is on disk,
// so walking the hunks backwards gives the revision's full text for a side-by-side diff view
// without another server command. Pure: no `vscode` import, so it is tested without an editor.

/** One file of a `skillmeat.diff` result. */
export interface FileDiff {
  path: string;
  diff: string;
}

interface Hunk {
  newStart: number;
  lines: string[];
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Splits text into lines that keep their line endings ("a\n", "b\r\n", "tail"). */
export function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      out.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

function parseHunks(diff: string): Hunk[] {
  const hunks: Hunk[] = [];
  let cur: Hunk | undefined;
  // The diff's own lines end in "\n"; a line of the file that ended in "\r\n" keeps its "\r".
  const raw = diff.split("\n");
  if (raw.length > 0 && raw[raw.length - 1] === "") raw.pop();
  for (const line of raw) {
    const m = HUNK.exec(line);
    if (m) {
      cur = { newStart: Number(m[3]), lines: [] };
      hunks.push(cur);
    } else if (cur) {
      cur.lines.push(line);
    }
  }
  return hunks;
}

/** True when the diff says the file is absent on its old side (`--- /dev/null`). */
export function isAdded(diff: string): boolean {
  return /^--- \/dev\/null$/m.test(diff);
}

/** True when the diff says the file is absent on its new side (`+++ /dev/null`). */
export function isDeleted(diff: string): boolean {
  return /^\+\+\+ \/dev\/null$/m.test(diff);
}

/** True for git's "Binary files a and b differ" note, which carries no text. */
export function isBinary(diff: string): boolean {
  return /^Binary files .* differ$/m.test(diff);
}

/**
 * The old side's text, given the new side's full text (empty when the file does not exist on
 * the new side) and the unified diff from old to new. Throws when the diff does not fit the
 * text (the file changed on disk since the diff was made).
 */
export function oldSide(newText: string, diff: string): string {
  if (isBinary(diff)) throw new Error("binary files have no text to show");
  if (isAdded(diff)) return "";
  const have = splitLines(newText);
  let next = 0; // index into `have` of the next new-side line not yet copied
  let out = "";
  for (const h of parseHunks(diff)) {
    // A hunk of an empty new side says "+0,0"; otherwise newStart is 1-based.
    const start = h.newStart === 0 ? 0 : h.newStart - 1;
    if (start < next || start > have.length) throw new Error("the diff does not fit the file");
    while (next < start) out += have[next++];
    for (let i = 0; i < h.lines.length; i++) {
      const line = h.lines[i];
      const noEol = h.lines[i + 1]?.startsWith("\\") ?? false;
      const tag = line[0];
      if (tag === " ") {
        const mine = have[next++];
        if (mine === undefined || !sameLine(mine, line.slice(1))) {
          throw new Error("the diff does not fit the file");
        }
        out += mine;
      } else if (tag === "-") {
        out += line.slice(1) + (noEol ? "" : "\n");
      } else if (tag === "+") {
        const mine = have[next++];
        if (mine === undefined || !sameLine(mine, line.slice(1))) {
          throw new Error("the diff does not fit the file");
        }
      }
      // "\ No newline at end of file" was taken into account with the line before it.
    }
  }
  while (next < have.length) out += have[next++];
  return out;
}

function sameLine(fileLine: string, diffLine: string): boolean {
  return fileLine === diffLine + "\n" || fileLine === diffLine;
}

/** Counts of added and removed lines in one file's diff, for pickers. */
export function stat(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const h of parseHunks(diff)) {
    for (const l of h.lines) {
      if (l.startsWith("+")) added++;
      else if (l.startsWith("-")) removed++;
    }
  }
  return { added, removed };
}
