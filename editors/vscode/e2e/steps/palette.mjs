// The palette flows that write or show: sync with direction and strategy picks, the status bar
// and status view following, the revision diff view, and a rollback that asks first while the
// open editor follows the disk.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  cli,
  editorText,
  page,
  palette,
  PDF,
  PDF_NEW,
  pick,
  project,
  quickInput,
  quickRow,
  REVIEW,
  shot,
  statusItem,
  statusText,
  step,
  waitFor,
} from "../harness.mjs";

step("the palette's sync (with direction and strategy picks) updates an outdated skill", async () => {
  const main = path.join(project, ".claude/skills/pdf/SKILL.md");
  assert.equal(fs.readFileSync(main, "utf8"), PDF);
  const tries = await palette("SkillMeat: Sync Artifact");
  await pick("skill:pdf");
  await pick("Collection → project");
  await pick("fast-forward, else three-way merge");
  await waitFor("the synced file", async () => fs.readFileSync(main, "utf8") === PDF_NEW);
  await page.locator(".notifications-toasts", { hasText: "Synced skill:pdf" }).first().waitFor({ state: "visible" });
  assert.ok(tries >= 1);
  const st = cli("--json", "status");
  const pdf = JSON.parse(st.stdout).artifacts.find((a) => a.id === "skill:pdf");
  assert.equal(pdf.state, "synced");
});

step("the status bar follows, and opens the status view", async () => {
  const text = await waitFor("the summary without outdated", async () => {
    const t = await statusText();
    return /SkillMeat: /.test(t) && !/outdated/.test(t) ? t : undefined;
  }, 30_000);
  // review is still modified; notes now holds the collection's text.
  assert.match(text, /1 modified/);
  await page.keyboard.press("Escape");
  await statusItem().hover();
  await page.waitForTimeout(1_500);
  const box = await page.locator(".part.statusbar").boundingBox();
  await shot("vscode-status-bar", { clip: { x: 0, y: Math.max(0, box.y - 140), width: 760, height: box.height + 140 } });
  await statusItem().click();
  await quickRow("command:review").waitFor({ state: "visible" });
  const rows = (await quickInput().locator(".monaco-list-row").allTextContents()).join("\n");
  for (const id of ["skill:pdf", "skill:notes", "command:review", "agent:planner"]) assert.match(rows, new RegExp(id));
  // The counts are in the title; the first row holds its artifact only (VS Code draws a first
  // separator inside the first row, where a long summary squeezed the artifact's text).
  assert.match((await quickInput().locator(".quick-input-title").textContent()) ?? "", /SkillMeat status — .*1 modified/);
  assert.doesNotMatch((await quickInput().locator(".monaco-list-row").first().textContent()) ?? "", /project —/);
  await page.waitForTimeout(500); // the quick pick fades in
  await shot("vscode-status-view");
  await page.keyboard.press("Escape");
});

step("the diff view shows the deployed version beside the project's copy", async () => {
  await palette("SkillMeat: Diff Artifact");
  await pick("command:review");
  await pick("the version last deployed or synced");
  const diff = page.locator(".editor-group-container.active .monaco-diff-editor");
  await diff.waitFor({ state: "visible" });
  const side = async (which) =>
    (await diff.locator(`.editor.${which} .view-lines .view-line`).allTextContents()).join("\n").replace(/\u00a0/g, " ");
  const [left, right] = await waitFor("both sides", async () => {
    const l = await side("original");
    const r = await side("modified");
    return l.includes("problems by severity") && r.includes("Check that tests cover") ? [l, r] : undefined;
  });
  assert.ok(!left.includes("Check that tests cover"), `the deployed side shows the project's line:\n${left}`);
  const tab = await page.locator(".tabs-container .tab.active").textContent();
  assert.match(tab ?? "", /review\.md \(command:review: deployed \(v1\) ↔ project\)/);
  assert.ok(right.length > 0);
  await shot("vscode-diff");
});

step("the palette's rollback picks a version from the history and asks first", async () => {
  const file = path.join(project, ".claude/commands/review.md");
  // The file is open in an editor: it shows the rolled-back text within a second of the write.
  await palette("Go to File");
  await quickInput().locator("input").fill("review.md");
  await pick(".claude/commands");
  await waitFor("review.md in the editor", async () => (await editorText()).includes("Check that tests cover"));
  await palette("SkillMeat: Roll Back Artifact");
  await pick("command:review");
  await pick("deployment");
  // confirmDestructive: the server asks through window/showMessageRequest.
  const yes = page.locator(".notifications-toasts .monaco-button", { hasText: "Yes" }).first();
  await yes.waitFor({ state: "visible" });
  await yes.click();
  await waitFor("the rolled-back file", async () => fs.readFileSync(file, "utf8") === REVIEW, 30_000);
  const written = Date.now();
  await waitFor("the editor showing the rolled-back text", async () => !(await editorText()).includes("Check that tests cover"), 1_000);
  assert.ok(Date.now() - written <= 1_500, "the open editor followed the disk within a second");
  await waitFor("an all-synced status bar", async () => /SkillMeat: 8 synced/.test(await statusText()));
});
