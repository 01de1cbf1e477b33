// The binary lookup order: environment variable → setting → bundled → PATH.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as os from "node:os";
import * as path from "node:path";
import { findServer, Lookup } from "../serverPath";

function lookup(existing: string[], over: Partial<Lookup> = {}): Lookup {
  return {
    env: { PATH: "/usr/local/bin:/opt/sm/bin" },
    extensionPath: "/ext",
    platform: "linux",
    isExecutable: (p) => existing.includes(p),
    ...over,
  };
}

const all = ["/env/skillmeat-lsp", "/set/skillmeat-lsp", "/ext/server/skillmeat-lsp", "/opt/sm/bin/skillmeat-lsp"];

test("the environment variable comes first", () => {
  const l = lookup(all, { env: { PATH: "/opt/sm/bin", SKILLMEAT_LSP_PATH: "/env/skillmeat-lsp" }, setting: "/set/skillmeat-lsp" });
  assert.deepEqual(findServer(l), { path: "/env/skillmeat-lsp", source: "environment" });
});

test("then the setting, with ~ and relative paths expanded", () => {
  assert.deepEqual(findServer(lookup(all, { setting: "/set/skillmeat-lsp" })), { path: "/set/skillmeat-lsp", source: "setting" });
  const home = `${os.homedir()}/bin/skillmeat-lsp`;
  assert.deepEqual(findServer(lookup([home], { setting: "~/bin/skillmeat-lsp" })), { path: home, source: "setting" });
  assert.deepEqual(findServer(lookup(["/ws/tools/skillmeat-lsp"], { setting: "tools/skillmeat-lsp", baseDir: "/ws" })), {
    path: "/ws/tools/skillmeat-lsp",
    source: "setting",
  });
});

test("then the bundled binary, then PATH", () => {
  assert.deepEqual(findServer(lookup(all)), { path: "/ext/server/skillmeat-lsp", source: "bundled" });
  assert.deepEqual(findServer(lookup(["/opt/sm/bin/skillmeat-lsp"])), { path: "/opt/sm/bin/skillmeat-lsp", source: "PATH" });
  const win = path.join("C:\\sm", "skillmeat-lsp.exe");
  assert.deepEqual(findServer(lookup([win], { platform: "win32", env: { Path: "C:\\sm" } })), { path: win, source: "PATH" });
});

test("an explicit choice that does not exist is an error, not a silent fallback", () => {
  const r = findServer(lookup(all, { setting: "/typo/skillmeat-lsp" }));
  assert.ok("error" in r && /skillmeat.server.path/.test(r.error), JSON.stringify(r));
  const e = findServer(lookup(all, { env: { SKILLMEAT_LSP_PATH: "/nope" } }));
  assert.ok("error" in e && /SKILLMEAT_LSP_PATH/.test(e.error));
});

test("nothing found names every place", () => {
  const r = findServer(lookup([]));
  assert.ok("error" in r && /PATH/.test(r.error) && /\/ext\/server\/skillmeat-lsp/.test(r.error), JSON.stringify(r));
});
