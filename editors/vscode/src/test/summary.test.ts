// The status bar's drift summary and the sync notification.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import { addSummaries, barText, countsText, statusViewText, syncMessage } from "../summary";

test("states needing attention come first, worst first, with the worst one's icon", () => {
  const t = barText({ synced: 3, modified: 2, conflict: 1, outdated: 1 });
  assert.equal(t.text, "$(git-merge) SkillMeat: 1 conflict, 1 outdated, 2 modified");
  assert.ok(t.attention);
  assert.match(t.tooltip, /1 conflict, 1 outdated, 2 modified, 3 synced/);
});

test("all synced, or nothing deployed", () => {
  assert.deepEqual(barText({ synced: 4 }).text, "$(check) SkillMeat: 4 synced");
  assert.equal(barText({ synced: 4 }).attention, false);
  assert.equal(barText({}).text, "$(check) SkillMeat: no artifacts");
});

test("folders add up", () => {
  assert.deepEqual(addSummaries([{ synced: 1, modified: 1 }, { synced: 2 }]), { synced: 3, modified: 1 });
});

test("a sync result in one line", () => {
  assert.equal(
    syncMessage({ applied: true, results: [{ id: "skill:pdf" }], summary: { fast_forwarded: 1, merged_clean: 0, conflicts: 0, skipped: 0, errors: 0 } }),
    "Synced skill:pdf: 1 fast-forwarded",
  );
  assert.equal(
    syncMessage({ applied: false, results: [{}, {}], summary: { fast_forwarded: 0, merged_clean: 1, conflicts: 1, skipped: 0, errors: 0 } }),
    "Dry run of 2 artifacts: 1 merged cleanly, 1 with conflicts",
  );
});

test("the status view's counts are in its title, not in a separator drawn inside the first row", () => {
  const one = statusViewText([{ name: "project", collection: "/c", summary: { synced: 5, conflict: 1, outdated: 1 } }]);
  assert.equal(one.title, "SkillMeat status — 1 conflict, 1 outdated, 5 synced");
  assert.deepEqual(one.separators, [undefined], "one folder: no separator");
  assert.match(one.placeholder, /collection \/c/);
  const two = statusViewText([
    { name: "a", collection: "/c", summary: { modified: 2 } },
    { name: "b", collection: "/c", summary: { synced: 3, modified: 1 } },
  ]);
  assert.equal(two.title, "SkillMeat status — 3 modified, 3 synced");
  assert.deepEqual(two.separators, ["a", "b"], "several folders: each separator is the folder's name only");
  assert.equal(countsText({}), "no artifacts");
});
