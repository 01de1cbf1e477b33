// Editor edits are proposals until saved: a Merge on a two-file skill lists and opens both files
// and one undo takes both back; the Update lens edits the buffer and keeps unsaved typing.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  besideText,
  cli,
  closeAll,
  collection,
  editorText,
  GUIDE,
  GUIDE_REF,
  LENSY,
  openFile,
  page,
  project,
  shot,
  step,
  waitFor,
  write,
} from "../harness.mjs";

step("Merge on a two-file skill lists both files, opens them, and one undo undoes both", async () => {
  const dir = path.join(project, ".claude/skills/guide");
  write(path.join(collection, "skills/guide/SKILL.md"), GUIDE.replace("Step two.", "Step two (collection)."));
  write(path.join(collection, "skills/guide/reference.md"), GUIDE_REF.replace("beta", "beta (collection)"));
  const mine = GUIDE.replace("Step two.", "Step two (project).");
  const mineRef = GUIDE_REF.replace("beta", "beta (project)");
  write(path.join(dir, "SKILL.md"), mine);
  write(path.join(dir, "reference.md"), mineRef);
  await closeAll();
  await openFile("SKILL.md", ".claude/skills/guide", "Step two (project).");
  await waitFor("the conflict lens", async () =>
    (await page.locator(".editor-group-container.active .codelens-decoration").allTextContents()).some((t) => /· conflict/.test(t)),
  60_000);
  const widget = page.locator(".action-widget");
  await waitFor("the Merge action", async () => {
    await page.keyboard.press("Escape");
    await page.locator(".editor-group-container.active .view-line").first().click();
    await page.keyboard.press("Control+.");
    await widget.locator(".monaco-list-row", { hasText: "Merge with collection" }).first().waitFor({ state: "visible", timeout: 5_000 });
    return true;
  }, 60_000);
  await widget.locator(".monaco-list-row", { hasText: "Merge with collection" }).first().click();
  // A modal lists every file before anything changes.
  const dialog = page.locator(".monaco-dialog-box").first();
  await dialog.waitFor({ state: "visible", timeout: 30_000 });
  const listed = (await dialog.textContent()) ?? "";
  assert.match(listed, /Merge with collection changes 2 files: SKILL\.md, reference\.md/);
  await shot("vscode-merge-confirm");
  const apply = dialog.locator(".monaco-button", { hasText: /^Apply$/ }).first();
  await apply.click();
  await waitFor("markers in SKILL.md", async () => (await editorText()).includes("<<<<<<<"));
  await waitFor("reference.md open beside, with markers", async () => {
    const t = await besideText();
    return t.includes("beta (collection)") && t.includes("<<<<<<<");
  });
  await shot("vscode-merge-two-files");
  assert.equal(fs.readFileSync(path.join(dir, "SKILL.md"), "utf8"), mine, "SKILL.md on disk untouched");
  assert.equal(fs.readFileSync(path.join(dir, "reference.md"), "utf8"), mineRef, "reference.md on disk untouched");
  await page.locator(".editor-group-container.active .view-line").first().click();
  await page.keyboard.press("Control+z");
  // VS Code may ask whether to undo across the files the edit changed.
  const both = page.locator(".monaco-dialog-box .monaco-button", { hasText: /Undo in 2 Files/ }).first();
  if (await both.waitFor({ state: "visible", timeout: 3_000 }).then(() => true, () => false)) await both.click();
  await waitFor("SKILL.md undone", async () => !(await editorText()).includes("<<<<<<<") && (await editorText()).includes("Step two (project)."));
  await waitFor("reference.md undone", async () => {
    const t = await besideText();
    return !t.includes("<<<<<<<") && t.includes("beta (project)");
  });
  const st = JSON.parse(cli("--json", "status").stdout).artifacts.find((a) => a.id === "skill:guide");
  assert.equal(st.state, "conflict", "Merge → undo leaves the artifact in conflict");
});

step("the Update lens edits the buffer and keeps unsaved typing; nothing is written", async () => {
  const main = path.join(project, ".claude/skills/lensy/SKILL.md");
  write(path.join(collection, "skills/lensy/SKILL.md"), LENSY.replace("third", "third (collection)"));
  await closeAll();
  await openFile("SKILL.md", ".claude/skills/lensy", "first");
  const lens = page.locator(".editor-group-container.active .codelens-decoration a", { hasText: "Update: clean" }).first();
  await lens.waitFor({ state: "visible", timeout: 60_000 });
  await page.locator(".editor-group-container.active .view-line", { hasText: "first" }).first().click();
  await page.keyboard.press("End");
  await page.keyboard.type(" (typed)");
  await lens.click();
  const text = await waitFor("the collection's line in the buffer", async () => {
    const t = await editorText();
    return t.includes("third (collection)") ? t : undefined;
  });
  assert.match(text, /first \(typed\)/, "the typing is kept");
  assert.equal(fs.readFileSync(main, "utf8"), LENSY, "nothing written");
  await shot("vscode-update-lens");
  const st = JSON.parse(cli("--json", "status").stdout).artifacts.find((a) => a.id === "skill:lensy");
  assert.equal(st.state, "outdated", "nothing recorded before save");
});
