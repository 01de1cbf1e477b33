// A profile root SkillMeat's config adds: `[platform.defaults.gemini] root_dir = ".myroot"` in
// its config.toml (the config folder the harness gives code-server and the fixture CLI). A
// project holding only a gemini deployment under `.myroot/`, edited to drift, opened in the
// window: the extension activates on the root's deployed file, the server reports the root, and
// the language client syncs the file — its drift diagnostic and lens show, and typing moves it.
// Runs last: it swaps the window's folder and changes SkillMeat's config.

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
  run,
  shot,
  skillmeatConfig,
  statusText,
  step,
  waitFor,
  write,
} from "../harness.mjs";

const ROOTY = "---\nname: rooty\ndescription: A config root test\n---\n\nalpha\nbeta\n";

step("a root SkillMeat's config adds (.myroot): its file's drift diagnostic, lens and drift as you type", async () => {
  write(path.join(skillmeatConfig, "config.toml"), '[platform.defaults.gemini]\nroot_dir = ".myroot"\n');
  const proj = path.join(run, "myroot-project");
  fs.mkdirSync(proj, { recursive: true });
  write(path.join(collection, "skills/rooty/SKILL.md"), ROOTY);
  const d = cliIn(proj, "deploy", "--profile", "gemini", "skill:rooty");
  assert.equal(d.status, 0, d.stderr);
  const main = path.join(proj, ".myroot/skills/rooty/SKILL.md");
  assert.equal(fs.readFileSync(main, "utf8"), ROOTY, "deployed under the config's root");
  for (const builtin of [".claude", ".agents", ".gemini", ".cursor"]) {
    assert.ok(!fs.existsSync(path.join(proj, builtin)), `the project has no ${builtin} folder`);
  }
  // The project's copy is edited: it drifts from what was deployed.
  write(main, ROOTY.replace("beta", "beta (edited here)"));

  await openFolder(proj);
  await waitFor("the status bar of the .myroot project", async () => /SkillMeat: .*1 modified/.test(await statusText()), 90_000);
  await openFile("SKILL.md", ".myroot/skills/rooty", "beta (edited here)");
  // The lens is asked only for documents the client syncs: it proves the selector covers .myroot.
  await waitFor(
    "the lens on the .myroot file",
    async () => (await page.locator(".editor-group-container.active .codelens-decoration").allTextContents()).some((t) => /· modified/.test(t)),
    60_000,
  );
  await palette("Focus on Problems View");
  const row = page.locator(".markers-panel .monaco-list-row", { hasText: "skill:rooty@gemini was changed in the project" }).first();
  await row.waitFor({ state: "visible", timeout: 60_000 });
  assert.match((await page.locator(".markers-panel").textContent()) ?? "", /drift-modified/);
  await shot("vscode-config-root-modified");

  // Typing in the editor reaches the server too (didChange): back to the deployed text, unsaved,
  // and the drift diagnostic goes although the file on disk still differs.
  await page.locator(".editor-group-container.active .view-line", { hasText: "beta (edited here)" }).first().click();
  await page.keyboard.press("End");
  for (let i = 0; i < " (edited here)".length; i++) await page.keyboard.press("Backspace");
  await waitFor("the buffer back at the deployed text", async () => !(await editorText()).includes("edited here"));
  await waitFor(
    "the drift diagnostic to go as the buffer matches the deployed text",
    async () => !/skill:rooty@gemini was changed in the project/.test((await page.locator(".markers-panel").textContent()) ?? ""),
    30_000,
  );
  assert.match(fs.readFileSync(main, "utf8"), /beta \(edited here\)/, "nothing was saved");
});
