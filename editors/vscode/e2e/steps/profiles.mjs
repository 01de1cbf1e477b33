// Every SkillMeat profile root, not only `.claude`: a project holding only a codex deployment
// (`deploy --profile codex` writes `.agents/skills/<name>/`) opened in the window. The extension
// activates, the `.agents` file gets its drift diagnostic and the status bar its state, after a
// palette sync the open editor shows the new text at once, and a saved edit moves the status
// bar. Runs last: it swaps the window's folder.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  cliIn,
  collection,
  editorText,
  openFile,
  openFolder,
  page,
  palette,
  pick,
  run,
  shot,
  statusText,
  step,
  waitFor,
  write,
} from "../harness.mjs";

const CODEXY = "---\nname: codexy\ndescription: Codex profile test\n---\n\nalpha\nbeta\n";

step("a codex deployment under .agents/: its diagnostic and status bar, the editor follows a palette sync", async () => {
  const codex = path.join(run, "codex-project");
  fs.mkdirSync(codex, { recursive: true });
  write(path.join(collection, "skills/codexy/SKILL.md"), CODEXY);
  const d = cliIn(codex, "deploy", "--profile", "codex", "skill:codexy");
  assert.equal(d.status, 0, d.stderr);
  const main = path.join(codex, ".agents/skills/codexy/SKILL.md");
  assert.equal(fs.readFileSync(main, "utf8"), CODEXY);
  assert.ok(!fs.existsSync(path.join(codex, ".claude")), "the project has no .claude folder");
  // The collection moves on: the codex deployment is outdated.
  const newer = CODEXY.replace("beta", "beta (collection)");
  write(path.join(collection, "skills/codexy/SKILL.md"), newer);

  await openFolder(codex);
  await waitFor("the status bar of the codex project", async () => /SkillMeat: .*1 outdated/.test(await statusText()), 90_000);
  await palette("Focus on Problems View");
  const row = page.locator(".markers-panel .monaco-list-row", { hasText: "skill:codexy@codex is outdated" }).first();
  await row.waitFor({ state: "visible", timeout: 60_000 });
  assert.match((await page.locator(".markers-panel").textContent()) ?? "", /drift-outdated/);
  await shot("vscode-codex-outdated");

  // Palette sync: the file on disk changes, and the open editor shows it within a second.
  await openFile("SKILL.md", ".agents/skills/codexy", "beta");
  await palette("SkillMeat: Sync Artifact");
  await pick("skill:codexy@codex");
  await pick("Collection → project");
  await pick("fast-forward, else three-way merge");
  await waitFor("the synced file", async () => fs.readFileSync(main, "utf8") === newer);
  const written = Date.now();
  await waitFor("the editor showing the collection's text", async () => (await editorText()).includes("beta (collection)"), 1_000);
  assert.ok(Date.now() - written <= 1_500, "the open editor followed the disk within a second");
  await waitFor("a synced status bar", async () => /SkillMeat: 1 synced/.test(await statusText()));

  // A saved edit of the .agents file: the server's new diagnostic moves the status bar.
  await page.locator(".editor-group-container.active .view-line", { hasText: "alpha" }).first().click();
  await page.keyboard.press("End");
  await page.keyboard.type(" (mine)");
  await page.keyboard.press("Control+s");
  await waitFor("the saved file", async () => fs.readFileSync(main, "utf8").includes("alpha (mine)"));
  await waitFor("the status bar to read modified", async () => /SkillMeat: .*1 modified/.test(await statusText()));
  const st = JSON.parse(cliIn(codex, "--json", "status").stdout).artifacts.find((a) => a.id === "skill:codexy@codex");
  assert.equal(st.state, "modified");
});
