// Conflicts shown better than the anchors: coloured, labelled sides and the Compare lens; a drift
// hunk's hover with the deployed text and its Revert link.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  cli,
  closeAll,
  CMP,
  collection,
  editorText,
  HOV,
  openFile,
  page,
  project,
  shot,
  step,
  waitFor,
  write,
} from "../harness.mjs";

step("conflict sides are coloured and labelled; the Compare lens opens ours ↔ theirs", async () => {
  write(path.join(collection, "skills/cmp/SKILL.md"), CMP.replace("neutral", "friendly"));
  write(path.join(project, ".claude/skills/cmp/SKILL.md"), CMP.replace("neutral", "formal"));
  assert.equal(cli("sync", "skill:cmp", "--apply").status, 4);
  await closeAll();
  await openFile("SKILL.md", ".claude/skills/cmp", "<<<<<<<");
  const compare = page.locator(".editor-group-container.active .codelens-decoration a", { hasText: /^Compare$/ }).first();
  await compare.waitFor({ state: "visible", timeout: 60_000 });
  // The side's name follows each marker line (a decoration's ::after text).
  await waitFor("the side labels", async () => {
    const afters = await page.evaluate(() =>
      [...document.querySelectorAll(".editor-group-container.active .view-lines span")].map((e) => getComputedStyle(e, "::after").content),
    );
    return afters.some((c) => /ours/.test(c)) && afters.some((c) => /theirs/.test(c));
  });
  await shot("vscode-conflict-colours");
  await compare.click();
  const diff = page.locator(".editor-group-container.active .monaco-diff-editor");
  await diff.waitFor({ state: "visible" });
  const side = async (which) =>
    (await diff.locator(`.editor.${which} .view-lines .view-line`).allTextContents()).join("\n").replace(/\u00a0/g, " ");
  await waitFor("ours on the left, theirs on the right", async () =>
    (await side("original")).includes("Tone: formal.") && (await side("modified")).includes("Tone: friendly."),
  );
  const tab = (await page.locator(".tabs-container .tab.active").textContent()) ?? "";
  assert.match(tab, /SKILL\.md #1: ours.*↔ theirs/);
  await shot("vscode-compare");
});

step("hovering a drift hunk shows the deployed text and its Revert link reverts the buffer", async () => {
  const main = path.join(project, ".claude/skills/hov/SKILL.md");
  const edited = HOV.replace("beta line", "beta line (edited)");
  write(main, edited);
  await closeAll();
  await openFile("SKILL.md", ".claude/skills/hov", "beta line (edited)");
  const hover = page.locator(".monaco-hover", { hasText: "Revert this hunk" }).first();
  await waitFor("the hunk hover", async () => {
    // The mouse on the changed text itself (a hover needs a character under it).
    await page.mouse.move(0, 0);
    await page.locator(".editor-group-container.active .view-line span span", { hasText: "(edited)" }).first().hover();
    await hover.waitFor({ state: "visible", timeout: 4_000 });
    return true;
  }, 60_000);
  const text = (await hover.textContent()) ?? "";
  assert.match(text, /-beta line/);
  assert.match(text, /\+beta line \(edited\)/);
  await shot("vscode-hunk-hover");
  await hover.locator("a", { hasText: "Revert this hunk" }).first().click();
  await waitFor("the deployed line back in the buffer", async () => {
    const t = await editorText();
    return !t.includes("(edited)") && t.includes("beta line");
  });
  assert.equal(fs.readFileSync(main, "utf8"), edited, "nothing written: an unsaved edit");
});
