//! Language server figures (docs/design.md §11) on a generated workspace of 1,000 deployed skills
//! (3 files × 4 KB each, a few of them edited in the project so there is something to publish):
//! the release server started over stdio as an editor starts it, measured from spawn to the first
//! `publishDiagnostics` (and to the end of its start-up progress); edit → published diagnostics
//! over 500 `didChange`s, each waited for by the version its publish carries; and the server's
//! resident memory after start-up (VmRSS from /proc).

use std::collections::VecDeque;
use std::fs;
use std::io::{BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use skillmeat_core::collection::{Collection, Source};
use skillmeat_core::workspace::{Options, Workspace};

use crate::drift::SKILLS;
use crate::report::line;

// The LSP base protocol's framing, shared with the integration tests' client: one file both
// compile (the bench cannot depend on the tests, nor the tests on the bench).
#[path = "../../../tests/support/lsp/framing.rs"]
#[allow(dead_code)]
mod framing;
use framing::{frame, read_message};

const EDITS: usize = 500;
/// Skills edited in the project before the server starts (their diagnostics are the first).
const DRIFTED: usize = 5;
const STARTS: usize = 7;
const START_BUDGET_MS: f64 = 300.0;
const EDIT_P99_BUDGET_MS: f64 = 20.0;
const RSS_BUDGET_MB: f64 = 60.0;
const TIMEOUT: Duration = Duration::from_secs(30);

/// A bare-bones LSP client over the server's stdio: Content-Length framing, a reader thread,
/// and answers to the server's own requests (configuration, progress tokens, registrations).
struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: mpsc::Receiver<(Instant, Value)>,
    next_id: i64,
    inbox: VecDeque<(Instant, Value)>,
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

impl Client {
    fn spawn(bin: &Path, home: &Path) -> anyhow::Result<Client> {
        let mut child = Command::new(bin)
            .arg("serve")
            .env_remove("SKILLMEAT_COLLECTION")
            .env_remove("SKILLMEAT_CONFIG_DIR")
            .env("HOME", home)
            .env("SKILLMEAT_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = child
            .stdin
            .take()
            .ok_or_else(|| anyhow::anyhow!("no stdin"))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_message(&mut r) {
                if tx.send((Instant::now(), v)).is_err() {
                    break;
                }
            }
        });
        Ok(Client {
            child,
            stdin,
            rx,
            next_id: 1,
            inbox: VecDeque::new(),
        })
    }

    fn send(&mut self, v: &Value) -> anyhow::Result<()> {
        self.stdin.write_all(&frame(v))?;
        self.stdin.flush()?;
        Ok(())
    }

    fn notify(&mut self, method: &str, params: Value) -> anyhow::Result<()> {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }))
    }

    fn request(&mut self, method: &str, params: Value) -> anyhow::Result<i64> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))?;
        Ok(id)
    }

    /// The next message matching `pred` with the time it was read, answering server requests
    /// on the way; other messages are kept for later.
    fn wait(
        &mut self,
        what: &str,
        pred: impl Fn(&Value) -> bool,
    ) -> anyhow::Result<(Instant, Value)> {
        if let Some(i) = self.inbox.iter().position(|(_, m)| pred(m)) {
            return Ok(self.inbox.remove(i).expect("present"));
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline
                .checked_duration_since(Instant::now())
                .ok_or_else(|| anyhow::anyhow!("timed out waiting for {what}"))?;
            let (at, msg) = self.rx.recv_timeout(left).map_err(|_| {
                anyhow::anyhow!("timed out waiting for {what} (or the server exited)")
            })?;
            if let (Some(method), Some(id)) =
                (msg.get("method").and_then(Value::as_str), msg.get("id"))
            {
                let result = match method {
                    "workspace/configuration" => json!([null]),
                    _ => Value::Null,
                };
                let reply = json!({ "jsonrpc": "2.0", "id": id, "result": result });
                self.send(&reply)?;
                continue;
            }
            if pred(&msg) {
                return Ok((at, msg));
            }
            self.inbox.push_back((at, msg));
        }
    }

    fn initialize(&mut self, root: &Path, collection: &Path) -> anyhow::Result<()> {
        let id = self.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": uri(root),
                "workspaceFolders": [{ "uri": uri(root), "name": "project" }],
                "capabilities": {
                    "window": { "workDoneProgress": true },
                    "workspace": { "configuration": true, "didChangeWatchedFiles": { "dynamicRegistration": true } },
                    "textDocument": { "publishDiagnostics": { "versionSupport": true } }
                },
                "initializationOptions": { "collectionPath": collection },
            }),
        )?;
        self.wait("the initialize response", |m| m["id"] == json!(id))?;
        self.notify("initialized", json!({}))
    }

    /// Resident and peak resident memory of the server, in KiB.
    fn memory_kib(&self) -> anyhow::Result<(u64, u64)> {
        let status = fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let field = |name: &str| -> anyhow::Result<u64> {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| anyhow::anyhow!("no {name} in /proc status"))
        };
        Ok((field("VmRSS:")?, field("VmHWM:")?))
    }

    fn shutdown(mut self) -> anyhow::Result<()> {
        let id = self.request("shutdown", Value::Null)?;
        self.wait("the shutdown response", |m| m["id"] == json!(id))?;
        self.notify("exit", Value::Null)?;
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        self.child.kill()?;
        anyhow::bail!("the server did not exit after `exit`")
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is_publish(m: &Value) -> bool {
    m["method"] == "textDocument/publishDiagnostics"
}

fn is_progress_end(m: &Value) -> bool {
    m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// One start: spawn → first diagnostics, and spawn → end of the start-up progress.
fn start_once(
    bin: &Path,
    home: &Path,
    project: &Path,
    collection: &Path,
) -> anyhow::Result<(Duration, Duration, Client)> {
    let t = Instant::now();
    let mut c = Client::spawn(bin, home)?;
    c.initialize(project, collection)?;
    let (first, _) = c.wait("the first diagnostics", is_publish)?;
    let (end, _) = c.wait("the end of the start-up progress", is_progress_end)?;
    Ok((first - t, end - t, c))
}

pub fn run(bin: &Path) -> anyhow::Result<()> {
    println!(
        "lsp — release server over stdio, {SKILLS} deployed skills × 3 files × 4 KB, {DRIFTED} edited in the project"
    );
    let dir = tempfile::tempdir()?;
    let collection = dir.path().join("collection");
    let project = dir.path().join("project");
    let home = dir.path().join("home");
    fs::create_dir_all(&home)?;
    let (mut ws, _) = crate::drift::deployed(dir.path(), SKILLS)?;
    for i in 0..DRIFTED {
        let p = project.join(format!(".claude/skills/skill-{:04}/SKILL.md", i * 97));
        let mut text = fs::read_to_string(&p)?;
        text.push_str("edited in the project\n");
        fs::write(&p, text)?;
    }
    // A session before this one: the edits recorded, the stat cache filled and past its racy
    // window (as in `drift`), so the start-up scan is the warm one an editor normally gets.
    ws.status()?;
    std::thread::sleep(Duration::from_millis(1100));
    ws.status()?;
    drop(ws);

    // Cold: no stat cache, every file hashed (as after a clone or a cache wipe).
    let mut colds = Vec::new();
    for _ in 0..3 {
        Workspace::open(
            &project,
            Collection::open(&collection, Source::Flag)?,
            Options::default(),
        )?
        .store()
        .clear_stat_cache()?;
        let (cold, _, c) = start_once(bin, &home, &project, &collection)?;
        colds.push(cold);
        c.shutdown()?;
    }
    colds.sort();
    let cold = colds[1];

    let mut firsts = Vec::new();
    let mut ends = Vec::new();
    let mut kept = None;
    for n in 0..STARTS {
        let (first, end, c) = start_once(bin, &home, &project, &collection)?;
        firsts.push(first);
        ends.push(end);
        if n + 1 < STARTS {
            c.shutdown()?;
        } else {
            kept = Some(c);
        }
    }
    let c = kept.ok_or_else(|| anyhow::anyhow!("no server was started"))?;
    let memory = c.memory_kib()?;
    firsts.sort();
    ends.sort();
    line(
        &format!("start → first diagnostics (median of {STARTS} starts)"),
        firsts[firsts.len() / 2],
        Some(START_BUDGET_MS),
    );
    line(
        "start → end of the start-up scan's progress",
        ends[ends.len() / 2],
        Some(START_BUDGET_MS),
    );
    line(
        "start → first diagnostics, cold stat cache (median 3)",
        cold,
        Some(START_BUDGET_MS),
    );
    let mb = |kib: u64| kib as f64 * 1024.0 / 1e6;
    let (rss, hwm) = memory;
    println!(
        "  {:<52} {:>9.1} MB   budget ≤ {RSS_BUDGET_MB} MB: {}",
        "server resident memory after start-up (VmRSS)",
        mb(rss),
        if mb(rss) <= RSS_BUDGET_MB {
            "ok"
        } else {
            "OVER"
        }
    );
    println!(
        "  {:<52} {:>9.1} MB",
        "peak resident memory of that server (VmHWM)",
        mb(hwm)
    );
    edits(c, &project)
}

/// Edit → published diagnostics on the running server `c`.
fn edits(mut c: Client, project: &Path) -> anyhow::Result<()> {
    // Edits: type one character at a time at the end of a line of a synced skill's SKILL.md
    // (each edit changes the buffer's hash, so each publish differs), waiting for the publish
    // that carries the edit's version.
    let main = project.join(".claude/skills/skill-0500/SKILL.md");
    let u = uri(&main);
    let text = fs::read_to_string(&main)?;
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": u, "languageId": "markdown", "version": 1, "text": text } }),
    )?;
    let line_no = 6;
    let end_of_line = text
        .lines()
        .nth(line_no)
        .map(|l| l.encode_utf16().count())
        .unwrap_or(0);
    let mut times = Vec::with_capacity(EDITS);
    for i in 0..EDITS {
        let version = i as i64 + 2;
        let ch = (b'a' + (i % 26) as u8) as char;
        let col = end_of_line + i;
        let t = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": u, "version": version },
                "contentChanges": [{
                    "range": { "start": { "line": line_no, "character": col }, "end": { "line": line_no, "character": col } },
                    "text": ch.to_string(),
                }],
            }),
        )?;
        let (at, _) = c.wait("the diagnostics of an edit", |m| {
            is_publish(m)
                && m["params"]["uri"] == json!(u)
                && m["params"]["version"] == json!(version)
        })?;
        times.push(at - t);
    }
    times.sort();
    line(
        &format!("edit → published diagnostics p50 ({EDITS} edits)"),
        percentile(&times, 0.50),
        None,
    );
    line(
        &format!("edit → published diagnostics p99 ({EDITS} edits)"),
        percentile(&times, 0.99),
        Some(EDIT_P99_BUDGET_MS),
    );
    line(
        "edit → published diagnostics max",
        times[times.len() - 1],
        None,
    );
    if let Ok((rss, _)) = c.memory_kib() {
        println!(
            "  {:<52} {:>9.1} MB",
            "server resident memory after the edits (VmRSS)",
            rss as f64 * 1024.0 / 1e6
        );
    }
    c.shutdown()?;
    println!();
    Ok(())
}
