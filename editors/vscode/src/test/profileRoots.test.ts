// profileRoots: which paths are under a SkillMeat profile root, built-in or learned from status.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { inProfileRoot, learnRoots, rootDirs } from "../profileRoots";

const ws = path.join(path.sep, "w", "project");
const at = (...p: string[]) => path.join(ws, ...p);

test("files under every built-in root are in a profile root; others are not", () => {
  for (const root of [".claude", ".agents", ".gemini", ".cursor"]) {
    assert.ok(inProfileRoot(at(root, "skills", "x", "SKILL.md"), ws), root);
    assert.ok(inProfileRoot(at(root, "commands", "x.md")), `${root} without a workspace`);
  }
  assert.ok(!inProfileRoot(at("README.md"), ws));
  assert.ok(!inProfileRoot(at("docs", ".agents"), ws), "a file named like a root");
  assert.ok(!inProfileRoot(at("docs", ".agents", "x.md"), ws), "a root deeper than the workspace folder");
  assert.ok(!inProfileRoot(path.join(path.sep, "elsewhere", ".claude", "x.md"), ws), "another folder");
});

test("a root the server's status shows is learned", () => {
  const file = at(".myroot", "skills", "x", "SKILL.md");
  assert.ok(!inProfileRoot(file, ws));
  learnRoots({ artifacts: [{ path: ".myroot/skills/x" }, { path: ".agents/skills/y" }] as never });
  assert.ok(inProfileRoot(file, ws));
  assert.deepEqual(rootDirs(), [".claude", ".agents", ".gemini", ".cursor", ".myroot"]);
});
