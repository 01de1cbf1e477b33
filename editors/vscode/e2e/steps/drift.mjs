// Drift as the extension first shows it: the status bar summary, the Problems panel for files
// nobody opened, a push refused while a sync's conflict markers remain, and a conflict's
// accept-theirs quick fix (with Next Conflict and its key on the way).

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  collection,
  editorText,
  NOTES,
  page,
  palette,
  pick,
  project,
  shot,
  statusText,
  step,
  waitFor,
} from "../harness.mjs";

step("the server starts on the fixture workspace and the status bar shows its drift summary", async () => {
  const text = await waitFor("the status bar's summary", async () => {
    const t = await statusText();
    return /SkillMeat: .*outdated/.test(t) ? t : undefined;
  }, 90_000);
  // pdf is outdated; review (edited) is modified; notes reads conflict while the sync's markers
  // remain; planner is synced, which the summary leaves to the tooltip.
  assert.match(text, /1 outdated/);
  assert.match(text, /1 modified/);
  assert.match(text, /1 conflict/);
  assert.doesNotMatch(text, /synced/);
});

step("drift diagnostics appear in the Problems panel, for files nobody opened", async () => {
  await palette("Focus on Problems View");
  const rows = page.locator(".markers-panel .monaco-list-row");
  await rows.filter({ hasText: "skill:pdf is outdated" }).first().waitFor({ state: "visible", timeout: 60_000 });
  await rows.filter({ hasText: "command:review was changed in the project" }).first().waitFor({ state: "visible" });
  await rows.filter({ hasText: "unresolved conflict" }).first().waitFor({ state: "visible" });
  const all = (await rows.allTextContents()).join("\n");
  assert.match(all, /drift-outdated/);
  assert.match(all, /conflict-unresolved/);
  assert.ok(!/planner/.test(all), "a synced agent has no diagnostic");
  await shot("vscode-problems");
});

step("a push is refused while the sync's conflict markers remain", async () => {
  const inCollection = path.join(collection, "skills/notes/SKILL.md");
  const before = fs.readFileSync(inCollection, "utf8");
  await palette("SkillMeat: Sync Artifact");
  await pick("skill:notes");
  await pick("Project → collection");
  await pick("fast-forward, else three-way merge");
  const toast = page.locator(".notifications-toasts", { hasText: "unresolved conflict markers" }).first();
  await toast.waitFor({ state: "visible" });
  assert.match((await toast.textContent()) ?? "", /skills\/notes\/SKILL\.md:\d+/);
  assert.equal(fs.readFileSync(inCollection, "utf8"), before, "nothing reached the collection");
  await shot("vscode-push-refused");
  await page.keyboard.press("Escape");
});

step("a conflict's accept-theirs quick fix changes the text", async () => {
  const main = path.join(project, ".claude/skills/notes/SKILL.md");
  // A click on the problem opens the file with the cursor on the conflict region.
  await page.locator(".markers-panel .monaco-list-row", { hasText: "unresolved conflict" }).first().click();
  await waitFor("the conflict in the editor", async () => (await editorText()).includes("<<<<<<<"));
  // The lens on the main file says conflict too, not modified.
  await waitFor("the conflict lens", async () =>
    (await page.locator(".editor-group-container.active .codelens-decoration").allTextContents()).some((t) => /· conflict/.test(t)),
  );
  const widget = page.locator(".action-widget");
  await waitFor("the quick-fix menu", async () => {
    await page.keyboard.press("Escape");
    // The cursor on a line inside the region, in the editor, then the quick-fix key.
    await page.locator(".editor-group-container.active .view-line", { hasText: "Tone: formal." }).first().click();
    await page.keyboard.press("Control+.");
    await widget.locator(".monaco-list-row", { hasText: "Accept theirs" }).first().waitFor({ state: "visible", timeout: 5_000 });
    return true;
  }, 60_000);
  const titles = await widget.locator(".monaco-list-row").allTextContents();
  for (const want of ["Accept ours", "Accept theirs", "Accept both", "Accept base"]) {
    assert.ok(titles.some((t) => t.includes(want)), `${want} missing from ${titles}`);
  }
  await shot("vscode-quick-fix");
  // Next Conflict (palette and its key) puts the cursor on the region's first line.
  await page.keyboard.press("Escape");
  const opener = fs.readFileSync(main, "utf8").split("\n").findIndex((l) => l.startsWith("<<<<<<<")) + 1;
  await page.locator(".editor-group-container.active .view-line").first().click();
  await palette("SkillMeat: Next Conflict");
  const cursor = page.locator(".statusbar-item", { hasText: /Ln \d+, Col \d+/ }).first();
  await waitFor("the cursor on the conflict", async () => ((await cursor.textContent()) ?? "").includes(`Ln ${opener},`));
  await page.keyboard.press("Control+Home");
  await page.keyboard.press("Control+Alt+BracketRight");
  await waitFor("the key moving to the conflict", async () => ((await cursor.textContent()) ?? "").includes(`Ln ${opener},`));
  await page.locator(".editor-group-container.active .view-line", { hasText: "Tone: formal." }).first().click();
  await page.keyboard.press("Control+.");
  await widget.locator(".monaco-list-row", { hasText: "Accept theirs" }).first().waitFor({ state: "visible", timeout: 10_000 });
  await widget.locator(".monaco-list-row", { hasText: /Accept theirs.*for this conflict/ }).first().click();
  const text = await waitFor("the rewritten text", async () => {
    const t = await editorText();
    return !t.includes("<<<<<<<") && !t.includes(">>>>>>>") ? t : undefined;
  });
  assert.match(text, /Tone: friendly\./);
  assert.doesNotMatch(text, /Tone: formal\./);
  // Unsaved so far: the disk still has the markers; saving writes the edit.
  assert.match(fs.readFileSync(main, "utf8"), /<<<<<<</);
  await page.keyboard.press("Control+s");
  await waitFor("the saved file", async () => fs.readFileSync(main, "utf8") === NOTES.replace("neutral", "friendly"));
});
