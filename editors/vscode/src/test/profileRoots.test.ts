// profileRoots: which paths are under a SkillMeat profile root (built-in, reported by the server,
// set in `skillmeat.profileRoots` or learned from status) and the language client's document
// selector over them.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { addRoots, documentSelector, inProfileRoot, learnRoots, rootDirs } from "../profileRoots";

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
  assert.deepEqual(learnRoots({ artifacts: [{ path: ".myroot/skills/x" }, { path: ".agents/skills/y" }] as never }), [".myroot"]);
  assert.deepEqual(learnRoots({ artifacts: [{ path: ".myroot/skills/z" }] as never }), [], "learned once");
  assert.ok(inProfileRoot(file, ws));
  assert.deepEqual(rootDirs(), [".claude", ".agents", ".gemini", ".cursor", ".myroot"]);
});

test("the document selector covers the server's and the setting's roots beside the built-in ones", () => {
  // What `serve --describe` says with SkillMeat's config moving gemini to `.srvroot`, then the setting.
  const server = addRoots([".claude", ".agents", ".srvroot", ".cursor"]);
  assert.deepEqual(server, { added: [".srvroot"], rejected: [] });
  const setting = addRoots(["./.setroot/", ".srvroot", "a/b", "*", "..", "", 7]);
  assert.deepEqual(setting.added, [".setroot"], "a leading ./ and a trailing / are dropped; repeats are not new");
  assert.deepEqual(setting.rejected, ["a/b", "*", "..", "", "7"], "what cannot be one folder name is reported");
  assert.deepEqual(addRoots(undefined), { added: [], rejected: [] }, "an unset setting or an older server");
  const roots = rootDirs();
  assert.deepEqual(roots.slice(0, 4), [".claude", ".agents", ".gemini", ".cursor"], "built-in roots first");
  for (const r of [".myroot", ".setroot", ".srvroot"]) assert.ok(roots.includes(r), r);
  const selector = documentSelector(roots);
  assert.equal(selector.length, roots.length);
  for (const r of roots) assert.ok(selector.some((f) => f.scheme === "file" && f.pattern === `**/${r}/**`), r);
  assert.ok(inProfileRoot(at(".setroot", "skills", "x", "SKILL.md"), ws), "a file under the setting's root");
  assert.deepEqual(documentSelector([".claude", "x/y", "{a,b}"]), [{ scheme: "file", pattern: "**/.claude/**" }]);
});
