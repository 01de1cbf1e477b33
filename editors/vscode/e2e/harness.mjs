// Shared set-up of the end-to-end suite (e2e.test.mjs): the fixture (a collection and a project
// with artifacts in every state, made with the real CLI), one code-server with the extension
// installed from its .vsix, one Chromium page driven by playwright-core, and the helpers the
// feature files (steps/*.mjs) drive the workbench with. Importing it registers the suite's
// `before` (fixture, code-server, browser) and `after` (stop by pid, remove the run folder).
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

export const run = fs.mkdtempSync(path.join(os.tmpdir(), "skillmeat-vscode-"));
export const shots = process.env.SKILLMEAT_E2E_SHOTS ?? path.join(run, "shots");
export const project = path.join(run, "project");
export const collection = path.join(run, "collection");
/** SkillMeat's config folder (`SKILLMEAT_CONFIG_DIR`) for code-server and the fixture CLI alike. */
export const skillmeatConfig = path.join(run, "home/.skillmeat");
/** The fixture CLI sees the SkillMeat config the extension's server sees, never the user's. */
const cliEnv = { ...process.env, SKILLMEAT_CONFIG_DIR: skillmeatConfig };
const log = path.join(run, "code-server.log");

// ---- the fixture: four artifacts, each in a different state ------------------------------

export const PDF = "---\nname: pdf\ndescription: Extract text and tables from PDFs\n---\n\n# PDF tools\n\nUse pdftotext.\nKeep the page layout.\n";
export const PDF_NEW = PDF.replace("Use pdftotext.", "Use pdftotext -layout, then camelot for tables.");
export const NOTES = "---\nname: notes\ndescription: Meeting notes\n---\n\n# Notes\n\nTone: neutral.\nLength: short.\n";
export const REVIEW = "---\ndescription: Review the staged changes\n---\n\nReview the staged changes and list problems by severity.\n";
export const PLANNER = "---\nname: planner\n---\n\nPlan the work in small steps.\n";
// Deployed synced; the last steps change them (a two-file skill, the lens, compare, hover).
export const GUIDE = "---\nname: guide\ndescription: A two-file guide\n---\n\n# Guide\n\nStep one.\nStep two.\n";
export const GUIDE_REF = "# Reference\n\nalpha\nbeta\ngamma\n";
export const LENSY = "---\nname: lensy\ndescription: Lens test\n---\n\nfirst\nsecond\nthird\n";
export const CMP = "---\nname: cmp\ndescription: Compare test\n---\n\nTone: neutral.\nLength: short.\n";
export const HOV = "---\nname: hov\ndescription: Hover test\n---\n\nalpha line\nbeta line\ngamma line\n";

export function write(p, text) {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

export function cli(...args) {
  const r = spawnSync(bin, ["--workspace", project, "--collection", collection, ...args], { encoding: "utf8", env: cliEnv });
  return r;
}

/** The CLI on another project folder than the suite's. */
export function cliIn(workspace, ...args) {
  return spawnSync(bin, ["--workspace", workspace, "--collection", collection, ...args], { encoding: "utf8", env: cliEnv });
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
  env.SKILLMEAT_CONFIG_DIR = skillmeatConfig;
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
/** The workbench page (a live binding: set in `before`). */
export let page;

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

export async function shot(name, opts = {}) {
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`), ...opts });
}

export const quickInput = () => page.locator(".quick-input-widget");
export const quickRow = (text) => quickInput().locator(".monaco-list-row", { hasText: text }).first();

/**
 * Runs a palette command by its title. Right after start the palette can list none of the
 * extension's commands (the extension host registers them a little later), so it retries.
 */
export async function palette(title, timeoutMs = 90_000) {
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
export async function pick(text, timeoutMs = 30_000) {
  const row = quickRow(text);
  await row.waitFor({ state: "visible", timeout: timeoutMs });
  await row.click();
}

export const statusItem = () => page.locator(".statusbar-item", { hasText: "SkillMeat" }).first();

export async function statusText() {
  return ((await statusItem().textContent()) ?? "").trim();
}

export async function waitFor(what, fn, timeoutMs = 30_000) {
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
export async function editorText() {
  const lines = await page.locator(".editor-group-container.active .monaco-editor .view-lines .view-line").allTextContents();
  return lines.join("\n").replace(/\u00a0/g, " ");
}

// ---- the suite ---------------------------------------------------------------------------

/** A test that leaves a screenshot of the window behind when it fails. */
export function step(name, fn) {
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

// ---- opening files -------------------------------------------------------------------------

/** Opens a project file through Go to File and waits until the editor shows `expect`. */
export async function openFile(name, folder, expect) {
  await palette("Go to File");
  // The whole relative path: one result, so the click cannot land on a row being redrawn.
  await quickInput().locator("input").fill(`${folder}/${name}`);
  await pick(folder);
  await waitFor(`${name} in the editor`, async () => (await editorText()).includes(expect));
}

/** The text of the editor in the group that is not active (the one beside). */
export async function besideText() {
  const lines = await page.locator(".editor-group-container:not(.active) .monaco-editor .view-lines .view-line").allTextContents();
  return lines.join("\n").replace(/\u00a0/g, " ");
}

/** Closes every editor, answering "Don't Save" if VS Code asks. */
export async function closeAll() {
  await page.keyboard.press("Escape");
  await palette("View: Close All Editors");
  const dontSave = page.locator(".monaco-dialog-box .monaco-button", { hasText: /Don't Save/ }).first();
  if (await dontSave.isVisible().catch(() => false)) await dontSave.click();
}

/**
 * Opens `folder` in the window instead of the current one (the extension host starts anew).
 * Unsaved editors are closed first without saving, so the page can leave.
 */
export async function openFolder(folder) {
  await closeAll();
  const leave = (d) => void d.accept();
  page.once("dialog", leave);
  await page.goto(`http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(folder)}`);
  page.off("dialog", leave);
  await page.locator(".monaco-workbench").waitFor({ state: "visible", timeout: 60_000 });
}
