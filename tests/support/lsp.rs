//! A test LSP client: runs the real `skillmeat-lsp serve` over stdio with Content-Length framing,
//! answers the server's own requests, and waits for notifications with timeouts.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{Env, BIN};

pub const TIMEOUT: Duration = Duration::from_secs(20);

/// How the fake client answers `window/showMessageRequest`.
#[derive(Debug, Clone)]
pub enum Answer {
    Title(&'static str),
    Dismiss,
}

pub struct Lsp {
    child: Child,
    stdin: ChildStdin,
    rx: mpsc::Receiver<Value>,
    next_id: i64,
    /// Notifications (and server requests) received but not consumed yet.
    pub inbox: VecDeque<Value>,
    /// Every server → client request, in order (method, params).
    pub server_requests: Vec<(String, Value)>,
    pub answer: Answer,
    /// What `workspace/configuration` returns.
    pub configuration: Value,
    stderr_path: std::path::PathBuf,
}

fn frame(v: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(v).unwrap();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

/// Reads one framed message; `None` at end of stream.
pub fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
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
        let stderr_path = env
            .root()
            .join(format!("server-stderr-{}.log", std::process::id()));
        let mut child = Command::new(BIN)
            .arg("serve")
            .env_remove("SKILLMEAT_COLLECTION")
            .env_remove("SKILLMEAT_CONFIG_DIR")
            .env("HOME", env.root().join("home"))
            .env("SKILLMEAT_LOG", "info")
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
            stdin,
            rx,
            next_id: 1,
            inbox: VecDeque::new(),
            server_requests: Vec::new(),
            answer: Answer::Title("Yes"),
            configuration: Value::Null,
            stderr_path,
        };
        let folders: Vec<Value> = roots
            .iter()
            .map(|r| json!({ "uri": uri(r), "name": r.file_name().unwrap().to_string_lossy() }))
            .collect();
        let init = lsp.request(
            "initialize",
            json!({ "processId": null, "rootUri": folders[0]["uri"], "workspaceFolders": folders,
                    "capabilities": caps, "initializationOptions": settings }),
        );
        assert_eq!(
            init.as_ref().unwrap()["serverInfo"]["name"],
            "skillmeat-lsp",
            "{init:?}"
        );
        lsp.notify("initialized", json!({}));
        lsp
    }

    pub fn send(&mut self, v: &Value) {
        self.stdin.write_all(&frame(v)).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Writes raw bytes (for malformed-input tests).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response: `Ok(result)` or `Err(error object)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
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

    /// Shuts down cleanly and checks nothing panicked.
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

pub fn uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

/// Codes of a diagnostics list.
pub fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}
