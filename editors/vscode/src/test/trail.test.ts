// The log view's items: what `skillmeat.log` returns, one readable line per event.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import { logItems, logTitle, type LogResult } from "../trail";

const log: LogResult = {
  workspace: "/w/project",
  project: "project",
  events: [
    {
      id: 3, at: "2026-11-29T16:58:43.123456Z", operation: "sync", artifact: "skill:pdf", version: "v4",
      project: "project", direction: "collection-to-project", strategy: "auto", result: "conflicts",
      duration_ms: 12, conflict_files: ["SKILL.md"], detail: null,
    },
    {
      id: 2, at: "2026-11-29T16:50:00.000001Z", operation: "keep", artifact: "command:review", version: "v2",
      project: "project", direction: null, strategy: null, result: "kept", duration_ms: 0,
      conflict_files: [], detail: "house style",
    },
    {
      id: 1, at: "2026-11-29T16:40:00.000000Z", operation: "import", artifact: null, version: null,
      project: "project", direction: null, strategy: null, result: "ok", duration_ms: 3,
      conflict_files: [], detail: "2 imported, 0 unchanged",
    },
  ],
};

test("one item per event, newest first, with operation, artifact, version, time and project", () => {
  const items = logItems(log);
  assert.equal(items.length, 3);
  assert.equal(items[0].label, "$(sync) sync skill:pdf");
  assert.equal(items[0].description, "v4 · 2026-11-29 16:58:43Z · project");
  assert.equal(items[0].detail, "conflicts (collection-to-project, auto, 12 ms) · conflicts in SKILL.md");
  assert.equal(items[0].artifact, "skill:pdf");
  assert.equal(items[1].label, "$(pin) keep command:review");
  assert.equal(items[1].detail, "kept · house style");
  assert.equal(items[2].label, "$(cloud-download) import");
  assert.equal(items[2].artifact, undefined);
  assert.equal(items[2].description, "2026-11-29 16:40:00Z · project");
});

test("the title says whose log and how many events", () => {
  assert.equal(logTitle(log), "SkillMeat log — project: 3 events, newest first");
  assert.equal(logTitle({ ...log, events: [log.events[0]] }, "skill:pdf"), "SkillMeat log — skill:pdf: 1 event, newest first");
});
