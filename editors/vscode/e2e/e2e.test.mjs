// The extension in a real VS Code: code-server (VS Code for the browser) under Node 24 with the
// extension installed from its .vsix, driven by playwright-core in Debian's Chromium. One
// code-server per run, with its own user-data, extensions, config, TMPDIR, HOME and XDG folders
// on a free loopback port, stopped by its pid at the end. The steps share one window and run in
// order, as a person would: the server starts, drift shows in the Problems panel, a conflict's
// accept-theirs quick fix rewrites the text, the palette's sync updates an outdated skill, and
// the status bar keeps the summary, and the audit log lists what happened.
//
// Env (scripts/test-vscode.sh sets them): SKILLMEAT_LSP (the server binary, for the fixture
// CLI), SKILLMEAT_VSIX, SKILLMEAT_E2E_NODE (Node 24), SKILLMEAT_E2E_SHOTS (where screenshots go),
// SKILLMEAT_E2E_KEEP=1 keeps the run folder.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");
const bin = process.env.SKILLMEAT_LSP ?? path.join(repo, "target/debug/skillmeat-lsp");
const vsix = process.env.SKILLMEAT_VSIX ?? path.join(repo, "editors/vscode/skillmeat-lsp.vsix");
const node24 = process.env.SKILLMEAT_E2E_NODE ?? path.join(here, "runtime/node_modules/.bin/node");
const codeServer = path.join(here, "node_modules/code-server/out/node/entry.js");
const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

const run = fs.mkdtempSync(path.join(os.tmpdir(), "skillmeat-vscode-"));
const shots = process.env.SKILLMEAT_E2E_SHOTS ?? path.join(run, "shots");
const project = path.join(run, "project");
const collection = path.join(run, "collection");
const log = path.join(run, "code-server.log");

// ---- the fixture: four artifacts, each in a different state ------------------------------

const PDF = "---\nname: pdf\ndescription: Extract text and tables from PDFs\n---\n\n# PDF tools\n\nUse pdftotext.\nKeep the page layout.\n";
const PDF_NEW = PDF.replace("Use pdftotext.", "Use pdftotext -layout, then camelot for tables.");
const NOTES = "---\nname: notes\ndescription: Meeting notes\n---\n\n# Notes\n\nTone: neutral.\nLength: short.\n";
const REVIEW = "---\ndescription: Review the staged changes\n---\n\nReview the staged changes and list problems by severity.\n";
const PLANNER = "---\nname: planner\n---\n\nPlan the work in small steps.\n";
// Deployed synced; the last steps change them (a two-file skill, the lens, compare, hover).
const GUIDE = "---\nname: guide\ndescription: A two-file guide\n---\n\n# Guide\n\nStep one.\nStep two.\n";
const GUIDE_REF = "# Reference\n\nalpha\nbeta\ngamma\n";
const LENSY = "---\nname: lensy\ndescription: Lens test\n---\n\nfirst\nsecond\nthird\n";
const CMP = "---\nname: cmp\ndescription: Compare test\n---\n\nTone: neutral.\nLength: short.\n";
const HOV = "---\nname: hov\ndescription: Hover test\n---\n\nalpha line\nbeta line\ngamma line\n";

function write(p, text) {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

function cli(...args) {
  const r = spawnSync(bin, ["--workspace", project, "--collection", collection, ...args], { encoding: "utf8" });
  return r;
}

function makeFixture() {
  write(path.join(collection, "skills/pdf/SKILL.md"), PDF);
  write(path.join(collection, "skills/notes/SKILL.md"), NOTES);
  write(path.join(collection, "commands/review.md"), REVIEW);
  write(path.join(collection, "agents/planner.md"), PLANNER);
  fs.mkdirSync(path.join(project, ".claude"), { recursive: true });
  // Deployed and synced now (so the file search knows them); the last steps change them.
  write(path.join(collection, "skills/guide/SKILL.md"), GUIDE);
  write(path.join(collection, "skills/guide/reference.md"), GUIDE_REF);
  write(path.join(collection, "skills/lensy/SKILL.md"), LENSY);
  write(path.join(collection, "skills/cmp/SKILL.md"), CMP);
  write(path.join(collection, "skills/hov/SKILL.md"), HOV);
  const d = cli("deploy", "skill:pdf", "skill:notes", "command:review", "agent:planner", "skill:guide", "skill:lensy", "skill:cmp", "skill:hov");
  assert.equal(d.status, 0, d.stderr);
  // pdf: the collection moved on → outdated.
  write(path.join(collection, "skills/pdf/SKILL.md"), PDF_NEW);
  // notes: both changed the same line; the sync leaves conflict markers in the project.
  write(path.join(collection, "skills/notes/SKILL.md"), NOTES.replace("neutral", "friendly"));
  write(path.join(project, ".claude/skills/notes/SKILL.md"), NOTES.replace("neutral", "formal"));
  const s = cli("sync", "skill:notes", "--apply");
  assert.equal(s.status, 4, `sync should leave a conflict: ${s.stdout}${s.stderr}`);
  // review: changed in the project → modified.
  write(path.join(project, ".claude/commands/review.md"), REVIEW + "Check that tests cover the change.\n");
}

// ---- code-server -------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function isolatedEnv() {
  const dirs = {
    HOME: path.join(run, "home"),
    TMPDIR: path.join(run, "tmp"),
    XDG_CONFIG_HOME: path.join(run, "xdg/config"),
    XDG_DATA_HOME: path.join(run, "xdg/data"),
    XDG_CACHE_HOME: path.join(run, "xdg/cache"),
    XDG_STATE_HOME: path.join(run, "xdg/state"),
    XDG_RUNTIME_DIR: path.join(run, "xdg/runtime"),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  const env = { ...process.env, ...dirs };
  // The extension must find the server the way a user's does: bundled in the .vsix.
  delete env.SKILLMEAT_LSP_PATH;
  delete env.SKILLMEAT_COLLECTION;
  delete env.VSCODE_IPC_HOOK_CLI;
  env.SKILLMEAT_CONFIG_DIR = path.join(run, "home/.skillmeat");
  // No extension gallery: nothing to look up beyond this machine.
  env.EXTENSIONS_GALLERY = JSON.stringify({ serviceUrl: "" });
  return env;
}

const userData = path.join(run, "user-data");
const extensions = path.join(run, "extensions");
const config = path.join(run, "code-server.yaml");

function codeServerArgs(extra) {
  return [
    codeServer,
    "--config",
    config,
    "--user-data-dir",
    userData,
    "--extensions-dir",
    extensions,
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--disable-getting-started-override",
    ...extra,
  ];
}

function installExtension(env) {
  const r = spawnSync(node24, codeServerArgs(["--install-extension", vsix, "--force"]), { env, encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, `installing ${vsix}: ${r.stdout}${r.stderr}`);
  const installed = fs.readdirSync(extensions).filter((d) => d.startsWith("skillmeat-lsp.skillmeat-lsp"));
  assert.equal(installed.length, 1, `extensions folder holds ${fs.readdirSync(extensions)}`);
  assert.ok(fs.existsSync(path.join(extensions, installed[0], "server/skillmeat-lsp")), "the .vsix carries the server");
}

let server; // { proc, port }
let browser;
let page;

async function startCodeServer(env) {
  const port = await freePort();
  const out = fs.openSync(log, "a");
  const proc = spawn(
    node24,
    codeServerArgs(["--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--reconnection-grace-time", "5", "--ignore-last-opened", project]),
    { env, stdio: ["ignore", out, out], detached: true },
  );
  fs.closeSync(out);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`code-server exited with ${proc.exitCode}:\n${fs.readFileSync(log, "utf8")}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return { proc, port };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer on port ${port}:\n${fs.readFileSync(log, "utf8")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Stops code-server by its pid (then its process group: the extension host, the server). */
async function stopCodeServer() {
  if (!server) return;
  const { proc } = server;
  const exited = new Promise((r) => (proc.exitCode !== null ? r() : proc.once("exit", r)));
  const kill = (sig, pid) => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  kill("SIGTERM", proc.pid);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  kill("SIGTERM", -proc.pid);
  await new Promise((r) => setTimeout(r, 500));
  kill("SIGKILL", -proc.pid);
  server = undefined;
}

// ---- driving the workbench ---------------------------------------------------------------

async function shot(name, opts = {}) {
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`), ...opts });
}

const quickInput = () => page.locator(".quick-input-widget");
const quickRow = (text) => quickInput().locator(".monaco-list-row", { hasText: text }).first();

/**
 * Runs a palette command by its title. Right after start the palette can list none of the
 * extension's commands (the extension host registers them a little later), so it retries.
 */
async function palette(title, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press("Escape");
    await page.keyboard.press("F1");
    const input = quickInput().locator("input");
    await input.waitFor({ state: "visible", timeout: 15_000 });
    await input.fill(`>${title}`);
    const row = quickRow(title);
    try {
      await row.waitFor({ state: "visible", timeout: 3_000 });
      await row.click();
      return attempt;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`the palette never offered "${title}" (${attempt} tries): ${e}`);
      await page.waitForTimeout(1_000);
    }
  }
}

/** Waits for a quick pick row holding `text` and picks it. */
async function pick(text, timeoutMs = 30_000) {
  const row = quickRow(text);
  await row.waitFor({ state: "visible", timeout: timeoutMs });
  await row.click();
}

const statusItem = () => page.locator(".statusbar-item", { hasText: "SkillMeat" }).first();

async function statusText() {
  return ((await statusItem().textContent()) ?? "").trim();
}

async function waitFor(what, fn, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The active editor's text as rendered (Monaco draws spaces as no-break spaces). */
async function editorText() {
  const lines = await page.locator(".editor-group-container.active .monaco-editor .view-lines .view-line").allTextContents();
  return lines.join("\n").replace(/\u00a0/g, " ");
}

// ---- the suite ---------------------------------------------------------------------------

/** A test that leaves a screenshot of the window behind when it fails. */
function step(name, fn) {
  test(name, async () => {
    try {
      await fn();
    } catch (e) {
      const slug = name.replace(/[^a-z0-9]+/gi, "-").slice(0, 40);
      await shot(`failed-${slug}`).catch(() => {});
      throw e;
    }
  });
}

before(async () => {
  for (const [what, p] of [["server binary", bin], [".vsix", vsix], ["Node 24", node24], ["code-server", codeServer]]) {
    assert.ok(fs.existsSync(p), `${what} missing at ${p}; run scripts/setup-vscode.sh and scripts/test-vscode.sh`);
  }
  makeFixture();
  fs.writeFileSync(config, "auth: none\ncert: false\n");
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  fs.writeFileSync(
    path.join(userData, "User/settings.json"),
    JSON.stringify(
      {
        "skillmeat.collectionPath": collection,
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "workbench.enableExperiments": false,
        "workbench.secondarySideBar.defaultVisibility": "hidden",
        "chat.disableAIFeatures": true,
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "extensions.autoCheckUpdates": false,
        "extensions.autoUpdate": false,
        "security.workspace.trust.enabled": false,
        "editor.minimap.enabled": false,
        "window.restoreWindows": "none",
        "files.autoSave": "off",
      },
      null,
      2,
    ),
  );
  const env = isolatedEnv();
  installExtension(env);
  server = await startCodeServer(env);
  const context = await chromium.launchPersistentContext(path.join(run, "chromium"), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 800 },
    env,
  });
  browser = context;
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  await page.goto(`http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(project)}`);
  await page.locator(".monaco-workbench").waitFor({ state: "visible", timeout: 60_000 });
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    await stopCodeServer();
    if (process.env.SKILLMEAT_E2E_KEEP !== "1") fs.rmSync(run, { recursive: true, force: true, maxRetries: 3 });
    else console.log(`kept ${run}`);
  }
});

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

// ---- editor edits are proposals: the Update lens and a two-file Merge ----------------------


/** Opens a project file through Go to File and waits until the editor shows `expect`. */
async function openFile(name, folder, expect) {
  await palette("Go to File");
  // The whole relative path: one result, so the click cannot land on a row being redrawn.
  await quickInput().locator("input").fill(`${folder}/${name}`);
  await pick(folder);
  await waitFor(`${name} in the editor`, async () => (await editorText()).includes(expect));
}

/** The text of the editor in the group that is not active (the one beside). */
async function besideText() {
  const lines = await page.locator(".editor-group-container:not(.active) .monaco-editor .view-lines .view-line").allTextContents();
  return lines.join("\n").replace(/\u00a0/g, " ");
}

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


/** Closes every editor, answering "Don't Save" if VS Code asks. */
async function closeAll() {
  await page.keyboard.press("Escape");
  await palette("View: Close All Editors");
  const dontSave = page.locator(".monaco-dialog-box .monaco-button", { hasText: /Don't Save/ }).first();
  if (await dontSave.isVisible().catch(() => false)) await dontSave.click();
}

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

step("the palette's audit log lists the events newest first and narrows to one artifact", async () => {
  await palette("SkillMeat: Show Audit Log");
  await quickRow("rollback command:review").waitFor({ state: "visible" });
  const rows = await quickInput().locator(".monaco-list-row").allTextContents();
  // Newest first: the times the rows show never go up (steps after the rollback add newer
  // events, so the rollback need not be the first row).
  const times = rows.map((r) => (r.match(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/) ?? [""])[0]);
  assert.ok(times.every((t) => t !== ""), `every row shows its time:\n${rows.join("\n")}`);
  assert.ok(times.every((t, i) => i === 0 || times[i - 1] >= t), `newest first:\n${rows.join("\n")}`);
  // Older events are further down the (virtualised) list: the quick pick's filter finds them.
  await quickInput().locator("input").fill("skill:pdf");
  await quickRow("deploy skill:pdf").waitFor({ state: "visible" });
  await page.waitForTimeout(500); // the quick pick fades in
  await shot("vscode-log");
  // Picking an event of skill:pdf shows that artifact's events only.
  await pick("sync skill:pdf");
  const narrowed = await waitFor("only skill:pdf's events", async () => {
    const title = (await quickInput().locator(".quick-input-title").textContent()) ?? "";
    const r = await quickInput().locator(".monaco-list-row").allTextContents();
    return title.includes("skill:pdf") && r.length > 0 && r.every((x) => x.includes("skill:pdf")) ? r : undefined;
  });
  assert.ok(narrowed.some((r) => /deploy skill:pdf/.test(r)), narrowed.join("\n"));
  await page.keyboard.press("Escape");
});
