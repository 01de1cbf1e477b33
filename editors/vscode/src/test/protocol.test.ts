// The result shapes of protocol.ts against docs/schema/*.schema.json, and the real CLI's JSON
// against the same schemas: a field the extension reads that the server does not send (or sends
// under another name or type) fails here, not in a user's editor.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DiffResult, History, HistoryVersion, Status, StatusArtifact, SyncResult } from "../protocol";
import { type Schema, validate } from "./jsonSchema";

const root = path.resolve(__dirname, "../../../..");

function schema(name: string): Schema {
  return JSON.parse(fs.readFileSync(path.join(root, "docs/schema", `${name}.schema.json`), "utf8")) as Schema;
}

function conforms(name: string, value: unknown): void {
  assert.deepEqual(validate(schema(name), value), [], `${name}: ${JSON.stringify(value, null, 2)}`);
}

// Every field of each interface, optional ones included (`Required<...>` makes the compiler insist
// on each): a field protocol.ts names that the schema lacks is reported as not in the schema.
const artifact: Required<StatusArtifact> = {
  id: "skill:pdf@codex",
  type: "skill",
  name: "pdf",
  state: "conflict",
  path: ".agents/skills/pdf",
  main_file: ".agents/skills/pdf/SKILL.md",
  hashes: { baseline: "a".repeat(64), project: null, collection: "b".repeat(64) },
  version: "v2",
  matches_collection: false,
  unresolved: { file: "SKILL.md", line: 7 },
  error: "why it could not be read",
  profile: "codex",
};

test("protocol.ts's status shape is the schema's", () => {
  const status: Required<Status> = {
    workspace: "/w",
    collection: "/c",
    collection_source: "--collection / collectionPath setting",
    artifacts: [artifact],
    summary: { conflict: 1 },
    warnings: [],
  };
  conforms("status", status);
});

test("protocol.ts's history, diff and sync shapes are the schemas'", () => {
  const version: Required<HistoryVersion> = {
    version: "v1",
    hash: "a".repeat(64),
    origin: "deployment",
    created_at: "2026-11-29T17:00:00.000000Z",
    parents: [],
    tag: null,
    message: null,
    has_content: true,
    baseline: true,
  };
  const history: Required<History> = { id: "skill:pdf", versions: [version] };
  conforms("history", history);
  const diff: Required<DiffResult> = {
    from: "deployed",
    to: "project",
    from_hash: "a".repeat(64),
    to_hash: "b".repeat(64),
    files: [{ path: "SKILL.md", diff: "--- a\n+++ b\n" }],
    meta_changes: [],
  };
  conforms("diff", diff);
  const sync: Required<SyncResult> = {
    applied: false,
    results: [{ id: "skill:pdf", error: "locked" }],
    summary: { fast_forwarded: 0, merged_clean: 0, conflicts: 0, skipped: 0, errors: 1 },
  };
  conforms("sync", sync);
});

test("the checker catches a renamed, missing or mistyped field", () => {
  const { main_file: _, ...noMain } = artifact;
  assert.match(validate(schema("status").properties!.artifacts.items!, noMain).join("\n"), /lacks required `main_file`/);
  assert.match(validate(schema("status").properties!.artifacts.items!, { ...artifact, mainFile: "x" }).join("\n"), /`mainFile` is not in the schema/);
  assert.match(validate(schema("history"), { id: 1, versions: [] }).join("\n"), /\$\.id: is integer, expected string/);
});

test("the real CLI's JSON conforms, and each artifact's main_file is a file to open", () => {
  const bin = process.env.SKILLMEAT_LSP_PATH ?? path.join(root, "target/debug/skillmeat-lsp");
  assert.ok(fs.existsSync(bin), `${bin} is missing: run cargo build -p skillmeat-lsp first`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "skillmeat-protocol-"));
  try {
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      fs.writeFileSync(path.join(tmp, rel), text);
    };
    write("collection/skills/pdf/SKILL.md", "---\nname: pdf\n---\none\n");
    write("collection/commands/review.md", "Review.\n");
    write("collection/agents/planner.md", "Plan.\n");
    fs.mkdirSync(path.join(tmp, "project"), { recursive: true });
    fs.mkdirSync(path.join(tmp, "home"), { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: path.join(tmp, "home"), NO_COLOR: "1" };
    delete env.SKILLMEAT_COLLECTION;
    delete env.SKILLMEAT_CONFIG_DIR;
    const run = (args: string[], codes = [0, 1]): unknown => {
      const r = spawnSync(bin, ["--workspace", path.join(tmp, "project"), "--collection", path.join(tmp, "collection"), ...args, "--json"], {
        encoding: "utf8",
        timeout: 30_000,
        env,
      });
      assert.ok(codes.includes(r.status ?? -1), `${args.join(" ")}: exit ${r.status}: ${r.stderr}`);
      return JSON.parse(r.stdout);
    };
    run(["deploy", "skill:pdf", "command:review", "agent:planner"]);
    write("project/.claude/skills/pdf/SKILL.md", "---\nname: pdf\n---\none, edited\n");
    write("collection/commands/review.md", "Review carefully.\n");
    const status = run(["status"]) as Status;
    conforms("status", status);
    assert.equal(status.artifacts.length, 3);
    for (const a of status.artifacts) {
      assert.ok(fs.statSync(path.join(status.workspace, a.main_file)).isFile(), `${a.id}: ${a.main_file}`);
    }
    assert.deepEqual(
      status.artifacts.map((a) => a.main_file).sort(),
      [".claude/agents/planner.md", ".claude/commands/review.md", ".claude/skills/pdf/SKILL.md"],
    );
    conforms("history", run(["history", "skill:pdf"]));
    conforms("diff", run(["diff", "skill:pdf"]));
    conforms("sync", run(["sync", "--all"]));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
