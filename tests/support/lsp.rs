//! A test LSP client: runs the real `skillmeat-lsp serve` over stdio with Content-Length framing,
//! answers the server's own requests, and waits for notifications with timeouts.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{Env, BIN};

mod framing;
mod values;
pub use framing::read_message;
use framing::{frame, message};
pub use values::{action, apply_edits, codes, edits_for, find, uri};

pub const TIMEOUT: Duration = Duration::from_secs(20);

/// How the fake client answers `window/showMessageRequest`.
#[derive(Debug, Clone)]
pub enum Answer {
    Title(&'static str),
    Dismiss,
}

pub struct Lsp {
    child: Child,
    /// `None` once closed ([`Lsp::close_stdin`]).
    stdin: Option<ChildStdin>,
    rx: mpsc::Receiver<Value>,
    next_id: i64,
    /// Notifications (and server requests) received but not consumed yet.
    pub inbox: VecDeque<Value>,
    /// Every server → client request, in order (method, params).
    pub server_requests: Vec<(String, Value)>,
    pub answer: Answer,
    /// What `workspace/configuration` returns.
    pub configuration: Value,
    /// The server's answer to `initialize`.
    pub initialize_result: Value,
    stderr_path: std::path::PathBuf,
}

/// Client capabilities of a VS Code–like client: progress, message requests, dynamic watching.
pub fn full_caps() -> Value {
    json!({
        "window": { "workDoneProgress": true, "showMessage": { "messageActionItem": { "additionalPropertiesSupport": false } } },
        "workspace": { "configuration": true, "didChangeWatchedFiles": { "dynamicRegistration": true }, "codeLens": { "refreshSupport": true }, "workspaceFolders": true },
        "textDocument": { "publishDiagnostics": { "versionSupport": true } }
    })
}

/// A client that asks for nothing (like Neovim on Linux for file watching).
pub fn bare_caps() -> Value {
    json!({})
}

/// How [`Lsp::start_with`] starts the server.
#[derive(Debug, Clone)]
pub struct Start {
    /// Workspace folders (empty: the env's project).
    pub roots: Vec<std::path::PathBuf>,
    /// `initializationOptions`.
    pub settings: Value,
    pub caps: Value,
    /// Extra environment variables for the server process.
    pub env: Vec<(String, String)>,
    /// What `workspace/configuration` returns, from the first time the server asks.
    pub configuration: Value,
    /// How `window/showMessageRequest` is answered.
    pub answer: Answer,
}

impl Default for Start {
    fn default() -> Start {
        Start {
            roots: Vec::new(),
            settings: Value::Null,
            caps: full_caps(),
            env: Vec::new(),
            configuration: Value::Null,
            answer: Answer::Title("Yes"),
        }
    }
}

impl Lsp {
    /// Starts the server for the env's project with `settings` as initializationOptions.
    pub fn start(env: &Env, settings: Value, caps: Value) -> Lsp {
        Lsp::start_folders(env, &[env.project()], settings, caps)
    }

    pub fn start_folders(
        env: &Env,
        roots: &[std::path::PathBuf],
        settings: Value,
        caps: Value,
    ) -> Lsp {
        Lsp::start_with(
            env,
            Start {
                roots: roots.to_vec(),
                settings,
                caps,
                ..Start::default()
            },
        )
    }

    /// Starts the server as `how` says: folders, initializationOptions, capabilities, extra
    /// environment, and what the client answers to `workspace/configuration` from the start.
    pub fn start_with(env: &Env, how: Start) -> Lsp {
        let roots = if how.roots.is_empty() {
            vec![env.project()]
        } else {
            how.roots.clone()
        };
        let stderr_path = env
            .root()
            .join(format!("server-stderr-{}.log", std::process::id()));
        let mut cmd = Command::new(BIN);
        cmd.arg("serve")
            .env_remove("SKILLMEAT_COLLECTION")
            .env_remove("SKILLMEAT_CONFIG_DIR")
            .env_remove("XDG_CACHE_HOME")
            .env_remove("XDG_STATE_HOME")
            .env("HOME", env.root().join("home"))
            .env("SKILLMEAT_LOG", "info");
        for (k, v) in &how.env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_path).unwrap())
            .spawn()
            .expect("start skillmeat-lsp serve");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_message(&mut r) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        let mut lsp = Lsp {
            child,
            stdin: Some(stdin),
            rx,
            next_id: 1,
            inbox: VecDeque::new(),
            server_requests: Vec::new(),
            answer: how.answer,
            configuration: how.configuration,
            initialize_result: Value::Null,
            stderr_path,
        };
        let folders: Vec<Value> = roots
            .iter()
            .map(|r| json!({ "uri": uri(r), "name": r.file_name().unwrap().to_string_lossy() }))
            .collect();
        let init = lsp.request(
            "initialize",
            json!({ "processId": null, "rootUri": folders[0]["uri"], "workspaceFolders": folders,
                    "capabilities": how.caps, "initializationOptions": how.settings }),
        );
        assert_eq!(
            init.as_ref().unwrap()["serverInfo"]["name"],
            "skillmeat-lsp",
            "{init:?}"
        );
        lsp.initialize_result = init.unwrap();
        lsp.notify("initialized", json!({}));
        lsp
    }

    pub fn send(&mut self, v: &Value) {
        self.send_raw(&frame(v));
    }

    /// Writes raw bytes (for malformed-input tests).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Closes the server's stdin, as a client that dies does.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The server's exit code once it has exited, waiting up to `within`; `None` if it is still
    /// running then.
    pub fn exit_code(&mut self, within: Duration) -> Option<i32> {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status.code().unwrap_or(-1));
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Sends a notification; `Value::Null` params are left out (as `shutdown`/`exit` want).
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&message(None, method, params));
    }

    /// Sends a request and waits for its response: `Ok(result)` or `Err(error object)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&message(Some(id), method, params));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self.recv(deadline).unwrap_or_else(|| {
                panic!(
                    "no response to {method} within {TIMEOUT:?}; stderr:\n{}",
                    self.stderr()
                )
            });
            if msg.get("method").is_none() && msg["id"] == json!(id) {
                return match msg.get("error") {
                    Some(e) => Err(e.clone()),
                    None => Ok(msg["result"].clone()),
                };
            }
            self.inbox.push_back(msg);
        }
    }

    /// Next message from the server, answering its requests as they come.
    fn recv(&mut self, deadline: Instant) -> Option<Value> {
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let msg = self.rx.recv_timeout(left).ok()?;
            if let (Some(method), Some(id)) =
                (msg.get("method").and_then(Value::as_str), msg.get("id"))
            {
                let result = match method {
                    "workspace/configuration" => json!([self.configuration.clone()]),
                    // The edit is kept in `server_requests`; the test applies it to its text.
                    "workspace/applyEdit" => json!({ "applied": true }),
                    "window/showMessageRequest" => match &self.answer {
                        Answer::Title(t) => json!({ "title": t }),
                        Answer::Dismiss => Value::Null,
                    },
                    _ => Value::Null,
                };
                self.server_requests
                    .push((method.to_string(), msg["params"].clone()));
                let reply = json!({ "jsonrpc": "2.0", "id": id, "result": result });
                self.send(&reply);
                continue;
            }
            return Some(msg);
        }
    }

    /// Waits for a notification matching `pred` (earlier ones stay in the inbox).
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.inbox.iter().position(&pred) {
            return self.inbox.remove(i).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self.recv(deadline) {
                Some(m) if pred(&m) => return m,
                Some(m) => self.inbox.push_back(m),
                None => panic!(
                    "timed out waiting for {what}; inbox: {:#?}\nstderr:\n{}",
                    self.inbox,
                    self.stderr()
                ),
            }
        }
    }

    /// The latest diagnostics published for `uri` that satisfy `pred`, waiting for them.
    pub fn diagnostics(
        &mut self,
        path: &std::path::Path,
        pred: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let u = uri(path);
        let msg = self.wait_for(&format!("diagnostics for {}", path.display()), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == json!(u)
                && pred(
                    m["params"]["diagnostics"]
                        .as_array()
                        .map(Vec::as_slice)
                        .unwrap_or(&[]),
                )
        });
        msg["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    pub fn open(&mut self, path: &std::path::Path, version: i32) -> String {
        let text = std::fs::read_to_string(path).unwrap();
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(path), "languageId": "markdown", "version": version, "text": text } }),
        );
        text
    }

    pub fn change_full(&mut self, path: &std::path::Path, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(path), "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    pub fn command(&mut self, command: &str, args: Value) -> Result<Value, Value> {
        self.request(
            "workspace/executeCommand",
            json!({ "command": command, "arguments": [args] }),
        )
    }

    /// Sends a request without waiting; pair with [`Lsp::response`].
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Waits for the response to request `id`: `Ok(result)` or `Err(error object)`.
    pub fn response(&mut self, id: i64) -> Result<Value, Value> {
        let msg = self.wait_for(&format!("the response to request {id}"), |m| {
            m.get("method").is_none() && m["id"] == json!(id)
        });
        match msg.get("error") {
            Some(e) => Err(e.clone()),
            None => Ok(msg["result"].clone()),
        }
    }

    /// Waits until `n` messages matching `pred` have come (counting those already in the inbox)
    /// and returns them; every message stays in the inbox. Panics naming `what` after the
    /// timeout, so a slow server makes the test wait rather than miss messages.
    pub fn gather(&mut self, what: &str, n: usize, pred: impl Fn(&Value) -> bool) -> Vec<Value> {
        let mut got: Vec<Value> = self.inbox.iter().filter(|m| pred(m)).cloned().collect();
        let deadline = Instant::now() + TIMEOUT;
        while got.len() < n {
            let Some(m) = self.recv(deadline) else {
                panic!(
                    "timed out waiting for {n} {what}, got {}: {got:#?}\nstderr:\n{}",
                    got.len(),
                    self.stderr()
                )
            };
            if pred(&m) {
                got.push(m.clone());
            }
            self.inbox.push_back(m);
        }
        got
    }

    /// Everything the server sends during `d` (also kept in the inbox), to check for absences.
    pub fn quiet(&mut self, d: Duration) -> Vec<Value> {
        let deadline = Instant::now() + d;
        let mut got = Vec::new();
        while let Some(m) = self.recv(deadline) {
            got.push(m.clone());
            self.inbox.push_back(m);
        }
        got
    }

    /// Waits for diagnostics of `path` published for document version `version`.
    pub fn diagnostics_at(&mut self, path: &std::path::Path, version: i32) -> Vec<Value> {
        let u = uri(path);
        let msg = self.wait_for(
            &format!("diagnostics for {} at version {version}", path.display()),
            |m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == json!(u)
                    && m["params"]["version"] == json!(version)
            },
        );
        msg["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Opens `path` in the editor with `text` (not necessarily what is on disk).
    pub fn open_text(&mut self, path: &std::path::Path, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(path), "languageId": "markdown", "version": version, "text": text } }),
        );
    }

    pub fn save(&mut self, path: &std::path::Path) {
        self.notify(
            "textDocument/didSave",
            json!({ "textDocument": { "uri": uri(path) } }),
        );
    }

    /// `textDocument/codeAction` at `range` of `path` with `diagnostics` as context.
    pub fn code_actions(
        &mut self,
        path: &std::path::Path,
        range: Value,
        diagnostics: &[Value],
    ) -> Vec<Value> {
        self.request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri(path) }, "range": range, "context": { "diagnostics": diagnostics } }),
        )
        .unwrap_or_else(|e| panic!("codeAction failed: {e}"))
        .as_array()
        .cloned()
        .unwrap_or_default()
    }

    /// The code lenses of `path` (none when the server answers null).
    pub fn code_lenses(&mut self, path: &std::path::Path) -> Vec<Value> {
        self.request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": uri(path) } }),
        )
        .unwrap_or_else(|e| panic!("codeLens failed: {e}"))
        .as_array()
        .cloned()
        .unwrap_or_default()
    }

    /// The server's process id (for /proc figures).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Shuts down cleanly and checks nothing panicked.
    /// The params of the last `workspace/applyEdit` the server sent (`{"edit", "label"?}`).
    pub fn last_apply_edit(&self) -> Value {
        self.server_requests
            .iter()
            .rev()
            .find(|(m, _)| m == "workspace/applyEdit")
            .map(|(_, p)| p.clone())
            .expect("the server sent no workspace/applyEdit")
    }

    pub fn finish(mut self) {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let err = self.stderr();
        assert!(!err.contains("panicked"), "the server panicked:\n{err}");
    }
}

impl Drop for Lsp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
