// The manifest (package.json at the repo root) against the server it drives: every server
// command has a palette command and a flow, every server setting is contributed, and nothing
// is contributed that the server does not know (apart from the extension's own entries).

import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROFILE_ROOTS } from "../profileRoots";
import { CLIENT_COMMANDS, CLIENT_SETTINGS, INTERNAL_COMMANDS, SERVER_SETTINGS } from "../protocol";

const root = path.resolve(__dirname, "../../../..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const contributes = manifest.contributes;

interface Describe {
  name: string;
  commands: string[];
  settings: string[];
}

function describe(): Describe {
  const bin = process.env.SKILLMEAT_LSP_PATH ?? path.join(root, "target/debug/skillmeat-lsp");
  assert.ok(fs.existsSync(bin), `${bin} is missing: run cargo build -p skillmeat-lsp first`);
  const r = spawnSync(bin, ["serve", "--describe"], { encoding: "utf8", timeout: 30_000 });
  assert.equal(r.status, 0, `serve --describe failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Describe;
}

const server = describe();
const contributed: string[] = contributes.commands.map((c: { command: string }) => c.command);
const palette = new Map<string, string | undefined>(
  contributes.menus.commandPalette.map((m: { command: string; when?: string }) => [m.command, m.when]),
);
const properties: string[] = Object.keys(contributes.configuration.properties);

test("every server command but the internal ones is a palette command", () => {
  const missing = server.commands.filter((c) => !INTERNAL_COMMANDS.includes(c) && !contributed.includes(c));
  assert.deepEqual(missing, [], `server commands without a palette command: ${missing}`);
});

test("every contributed command is the server's or the extension's own", () => {
  const unknown = contributed.filter((c) => !server.commands.includes(c) && !CLIENT_COMMANDS.includes(c));
  assert.deepEqual(unknown, [], `contributed commands the server does not know: ${unknown}`);
  for (const c of CLIENT_COMMANDS) assert.ok(contributed.includes(c), `${c} is not contributed`);
});

test("internal commands are server commands the palette does not offer", () => {
  for (const c of INTERNAL_COMMANDS) {
    assert.ok(server.commands.includes(c), `${c} is no longer a server command`);
    assert.ok(!contributed.includes(c), `${c} should not be in the palette`);
  }
});

test("server commands show in the palette only while the server runs", () => {
  for (const c of contributed.filter((x) => server.commands.includes(x))) {
    assert.equal(palette.get(c), "skillmeat.serverRunning", `${c}'s commandPalette when-clause`);
  }
  assert.ok(!palette.has("skillmeat.restart"), "restart must stay available when the server is down");
});

test("every palette command has a flow in the middleware", () => {
  const src = fs.readFileSync(path.join(root, "editors/vscode/src/commands.ts"), "utf8");
  for (const c of contributed.filter((x) => server.commands.includes(x))) {
    assert.ok(src.includes(`case "${c}":`), `commands.ts has no flow for ${c}`);
  }
});

test("every command has a SkillMeat title", () => {
  for (const c of contributes.commands) {
    assert.equal(c.category, "SkillMeat", `${c.command}'s category`);
    assert.ok(c.title && c.title.length > 3, `${c.command} has no title`);
  }
});

test("every server setting is contributed as skillmeat.<name>, and the extension forwards it", () => {
  const missing = server.settings.filter((s) => !properties.includes(`skillmeat.${s}`));
  assert.deepEqual(missing, [], `server settings missing from contributes.configuration: ${missing}`);
  assert.deepEqual([...SERVER_SETTINGS].sort(), [...server.settings].sort(), "protocol.ts SERVER_SETTINGS");
});

test("every contributed setting is the server's or the extension's own", () => {
  const unknown = properties.filter(
    (p) => !CLIENT_SETTINGS.includes(p) && !server.settings.includes(p.replace(/^skillmeat\./, "")),
  );
  assert.deepEqual(unknown, [], `contributed settings the server does not read: ${unknown}`);
  for (const p of properties) assert.ok(p.startsWith("skillmeat."), p);
});

test("setting defaults agree with docs/lsp-extensions.md", () => {
  const doc = fs.readFileSync(path.join(root, "docs/lsp-extensions.md"), "utf8");
  for (const s of server.settings) {
    const row = new RegExp("^\\| `" + s + "` \\| ([^|]+) \\|", "m").exec(doc);
    assert.ok(row, `docs/lsp-extensions.md has no row for ${s}`);
    const documented = row![1].trim().replace(/`/g, "");
    const dflt = contributes.configuration.properties[`skillmeat.${s}`].default;
    // "unset" is null, or "" for a string setting (the Settings UI edits only a single type).
    const want = documented === "unset" ? (dflt === "" ? "" : null) : JSON.parse(documented);
    assert.deepEqual(dflt, want, `default of skillmeat.${s}`);
  }
});

test("paths the person sets are plain strings, so the Settings UI can edit them", () => {
  for (const s of ["skillmeat.collectionPath"]) {
    assert.equal(contributes.configuration.properties[s].type, "string", `${s} must have type "string"`);
  }
});

test("the extension activates on workspaces with .claude and points at its bundle", () => {
  assert.ok(manifest.activationEvents.includes("workspaceContains:.claude"));
  assert.equal(manifest.main, "./editors/vscode/dist/extension.js");
  assert.ok(manifest.engines.vscode, "engines.vscode");
  assert.ok(manifest.dependencies["vscode-languageclient"], "vscode-languageclient");
});

test("the activation events and key bindings name every SkillMeat profile root", () => {
  for (const root of PROFILE_ROOTS) {
    assert.ok(manifest.activationEvents.includes(`workspaceContains:${root}`), `no activation event for ${root}`);
    assert.ok(manifest.activationEvents.includes(`workspaceContains:*/${root}/**`), `no activation event for */${root}/**`);
  }
  for (const k of contributes.keybindings as { command: string; when?: string }[]) {
    const m = /resourcePath =~ \/(.*)\//.exec(k.when ?? "");
    if (!m) continue;
    const re = new RegExp(m[1]);
    for (const root of PROFILE_ROOTS) assert.ok(re.test(`/p/${root}/skills/x/SKILL.md`), `${k.command}'s key misses ${root}`);
  }
});

test(".vscodeignore keeps the bundle and the bundled server and leaves the sources out", () => {
  const lines = fs.readFileSync(path.join(root, ".vscodeignore"), "utf8").split("\n").map((l) => l.trim());
  assert.ok(lines.includes("**"), "everything is ignored by default");
  for (const keep of ["!editors/vscode/dist/extension.js", "!server/skillmeat-lsp", "!package.json"]) {
    assert.ok(lines.includes(keep), `.vscodeignore lacks ${keep}`);
  }
});
