#!/usr/bin/env node
// Copies the server binary to server/skillmeat-lsp, where the .vsix carries it (the extension
// looks for it there after the environment variable and the setting). Which binary:
// SKILLMEAT_BUNDLE_SERVER, else the newer of target/release and target/debug. Debug symbols
// are stripped when `strip` is on PATH, which takes a debug build from ~160 MB to ~18 MB.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "../../..");
const exe = process.platform === "win32" ? "skillmeat-lsp.exe" : "skillmeat-lsp";
const candidates = process.env.SKILLMEAT_BUNDLE_SERVER
  ? [process.env.SKILLMEAT_BUNDLE_SERVER]
  : ["release", "debug"]
      .map((p) => path.join(root, "target", p, exe))
      .filter((p) => fs.existsSync(p))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
const src = candidates[0];
if (!src || !fs.existsSync(src)) {
  console.error("bundle-server: no server binary; run `cargo build --release -p skillmeat-lsp` or set SKILLMEAT_BUNDLE_SERVER");
  process.exit(1);
}
const dest = path.join(root, "server", exe);
fs.rmSync(dest, { force: true });
const stripped = spawnSync("strip", ["-o", dest, src], { stdio: "inherit" });
if (stripped.error || stripped.status !== 0) fs.copyFileSync(src, dest);
fs.chmodSync(dest, 0o755);
const check = spawnSync(dest, ["serve", "--describe"], { encoding: "utf8" });
if (check.status !== 0) {
  console.error(`bundle-server: ${dest} does not run: ${check.stderr || check.error}`);
  process.exit(1);
}
console.log(`bundle-server: ${path.relative(root, src)} → ${path.relative(root, dest)} (${(fs.statSync(dest).size / 1e6).toFixed(1)} MB)`);
