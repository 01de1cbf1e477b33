//! In-process tests of the server's features: a `//- path` fixture becomes a temporary
//! collection and project, the state is opened on it as the server opens it, and the handler
//! functions are called directly (no transport); what they answer is rendered as text and
//! compared with the expected rendering written in the test (`check_*` files).

mod check_actions;
mod check_diagnostics;
mod check_hover;
// The integration tests' fixture parser, one file for both (the rules are documented there).
#[path = "../../../../tests/support/fixture.rs"]
mod fixture;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crossbeam_channel::Receiver;
use lsp_types::{Diagnostic, DiagnosticSeverity, Url};
use serde_json::Value;
use skillmeat_core::collection::{Collection, Env};
use skillmeat_core::workspace::{Options, Workspace};

use super::client::Client;
use super::event::Event;
use super::state::State;

/// The collection skill most checks start from: `skill:pdf`, a main file of three lines.
pub const SKILL: &str = "
    //- collection/skills/pdf/SKILL.md
    ---
    name: pdf
    ---

    one
    two
    three
";

/// `skill:pdf`'s main file in the project.
pub const MAIN: &str = "project/.claude/skills/pdf/SKILL.md";

/// [`SKILL`] deployed, its project copy's second line changed, served, and the copy open.
pub fn modified_skill() -> World {
    let mut w = World::new(SKILL)
        .deploy(&["skill:pdf"])
        .write(&format!(
            "//- {MAIN}\n---\nname: pdf\n---\n\none\ntwo, changed\nthree\n"
        ))
        .serve();
    w.open(MAIN, None);
    w
}

/// A temporary `collection/` and `project/` and the server state over them.
pub struct World {
    dir: tempfile::TempDir,
    pub state: State,
    out: Receiver<Vec<u8>>,
    _events: Receiver<Event>,
    /// The diagnostics last published per file (relative to the root).
    published: BTreeMap<String, Vec<Diagnostic>>,
}

impl World {
    /// Writes `fixture`: `//- path` header lines (relative to the temporary root), each followed
    /// by the file's content; indentation shared by the lines is stripped.
    pub fn new(fixture: &str) -> World {
        let dir = tempfile::tempdir().expect("temporary folder");
        let (tx, out) = crossbeam_channel::unbounded();
        let (events_tx, events) = crossbeam_channel::unbounded();
        let mut state = State::new(Client::new(tx), events_tx);
        let collection = dir.path().join("collection");
        state.settings.collection_path = Some(collection.to_string_lossy().into_owned());
        let w = World {
            dir,
            state,
            out,
            _events: events,
            published: BTreeMap::new(),
        };
        for d in ["collection", "project/.claude"] {
            std::fs::create_dir_all(w.path(d)).expect("folder");
        }
        w.write(fixture)
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn uri(&self, rel: &str) -> Url {
        Url::from_file_path(self.path(rel)).expect("absolute path")
    }

    /// Writes (or rewrites) the files of a `//- path` fixture (rules in tests/support/fixture.rs).
    pub fn write(self, fixture: &str) -> World {
        for (rel, body) in fixture::parse(fixture) {
            let p = self.path(&rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("folder");
            std::fs::write(&p, body).expect("write");
        }
        self
    }

    /// Deploys artifacts from the collection into the project, as `skillmeat-lsp deploy` does.
    pub fn deploy(self, ids: &[&str]) -> World {
        let env = Env {
            flag: Some(self.path("collection")),
            skillmeat_collection: None,
            config_dir: None,
            home: Some(self.path("home")),
        };
        let c = Collection::resolve(&env).expect("collection");
        let opts = Options {
            skillmeat_compat: self.state.settings.skillmeat_compat,
            ..Options::default()
        };
        let mut ws = Workspace::open(&self.path("project"), c, opts).expect("open");
        let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        ws.deploy(&ids, false).expect("deploy");
        self
    }

    /// Opens the project as the server's one workspace folder (the start-up scan).
    pub fn serve(mut self) -> World {
        self.state.open_folders(vec![self.path("project")]);
        self
    }

    /// Opens a file in the editor, with its text on disk or `text`.
    pub fn open(&mut self, rel: &str, text: Option<&str>) {
        let text = text
            .map(str::to_string)
            .unwrap_or_else(|| std::fs::read_to_string(self.path(rel)).expect("read"));
        self.state.did_open(self.path(rel), text, 1);
    }

    /// Every message the server sent so far, as JSON.
    fn sent(&self) -> Vec<Value> {
        self.out
            .try_iter()
            .filter_map(|frame| {
                let at = frame.windows(4).position(|w| w == b"\r\n\r\n")?;
                serde_json::from_slice(&frame[at + 4..]).ok()
            })
            .collect()
    }

    /// Reads what the server published since the last call.
    fn drain(&mut self) {
        for m in self.sent() {
            if m["method"] != "textDocument/publishDiagnostics" {
                continue;
            }
            let p = &m["params"];
            let uri: Url = serde_json::from_value(p["uri"].clone()).expect("uri");
            let diags: Vec<Diagnostic> =
                serde_json::from_value(p["diagnostics"].clone()).expect("diagnostics");
            let rel = self.rel(&uri.to_file_path().expect("file uri"));
            self.published.insert(rel, diags);
        }
    }

    /// The diagnostics last published for each file, one line each (`rel:line:col severity
    /// code: message`, 1-based), files in path order.
    pub fn diagnostics(&mut self) -> String {
        self.drain();
        let mut out = String::new();
        for (rel, diags) in &self.published {
            for d in diags {
                out.push_str(&self.render_diagnostic(rel, d));
                out.push('\n');
            }
        }
        out
    }

    fn render_diagnostic(&self, rel: &str, d: &Diagnostic) -> String {
        let severity = match d.severity {
            Some(DiagnosticSeverity::ERROR) => "error",
            Some(DiagnosticSeverity::WARNING) => "warning",
            Some(DiagnosticSeverity::INFORMATION) => "info",
            Some(DiagnosticSeverity::HINT) => "hint",
            _ => "?",
        };
        let code = match &d.code {
            Some(lsp_types::NumberOrString::String(s)) => s.clone(),
            Some(lsp_types::NumberOrString::Number(n)) => n.to_string(),
            None => "-".into(),
        };
        format!(
            "{rel}:{}:{} {severity} {code}: {}",
            d.range.start.line + 1,
            d.range.start.character + 1,
            self.redact(&d.message)
        )
    }

    /// The diagnostics of one file as the client holds them (to send back with a code action).
    pub fn diagnostics_of(&mut self, rel: &str) -> Vec<Diagnostic> {
        self.drain();
        self.published.get(rel).cloned().unwrap_or_default()
    }

    /// `path` relative to the temporary root.
    fn rel(&self, path: &Path) -> String {
        path.strip_prefix(self.dir.path())
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Text with the temporary root as `$ROOT` and times as `<time>`.
    pub fn redact(&self, text: &str) -> String {
        let text = text.replace(&self.dir.path().display().to_string(), "$ROOT");
        redact_times(&text)
    }
}

/// `2026-11-29 17:40` (or with a `T`) → `<time>`.
fn redact_times(text: &str) -> String {
    let b = text.as_bytes();
    let shape = b"dddd-dd-dd dd:dd";
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        let fits = b.len() - i >= shape.len()
            && shape.iter().zip(&b[i..]).all(|(s, c)| match s {
                b'd' => c.is_ascii_digit(),
                b' ' => *c == b' ' || *c == b'T',
                s => s == c,
            });
        if fits {
            out.push_str("<time>");
            i += shape.len();
        } else {
            let ch = text[i..].chars().next().expect("char");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// Compares a rendering with the expected one (both trimmed), showing both whole on failure.
#[track_caller]
pub fn check(actual: &str, expect: &str) {
    let (a, e) = (actual.trim(), unindent(expect));
    assert!(
        a == e.trim(),
        "\n--- expected ---\n{}\n--- actual ---\n{a}\n",
        e.trim()
    );
}

/// Strips the indentation shared by the non-empty lines of an inline expectation.
fn unindent(s: &str) -> String {
    fixture::dedent(s)
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_advertised_command_is_documented() {
    let doc = include_str!("../../../../docs/lsp-extensions.md");
    for c in super::handlers::commands::COMMANDS {
        assert!(
            doc.contains(&format!("`{c}`")),
            "{c} is not in docs/lsp-extensions.md"
        );
    }
    for code in super::handlers::diagnostics::CODES {
        assert!(
            doc.contains(&format!("`{code}`")),
            "diagnostic {code} is not documented"
        );
    }
    for s in super::settings::NAMES {
        assert!(
            doc.contains(&format!("`{s}`")),
            "setting {s} is not documented"
        );
    }
}

/// Code actions, one line each: `title [kind]`, then what it does (edits per file, or the
/// command it runs with its argument).
pub fn render_actions(w: &World, actions: &[lsp_types::CodeActionOrCommand]) -> String {
    use lsp_types::CodeActionOrCommand as A;
    let mut out = String::new();
    for a in actions {
        match a {
            A::CodeAction(a) => {
                let kind = a.kind.as_ref().map(|k| k.as_str()).unwrap_or("-");
                out.push_str(&format!("{} [{kind}]", a.title));
                if let Some(changes) = a.edit.as_ref().and_then(|e| e.changes.as_ref()) {
                    let mut files: Vec<String> = changes
                        .iter()
                        .map(|(u, edits)| {
                            let rel = w.rel(&u.to_file_path().expect("file uri"));
                            format!("{rel} ({} edits)", edits.len())
                        })
                        .collect();
                    files.sort();
                    out.push_str(&format!(" edits {}", files.join(", ")));
                }
                if let Some(c) = &a.command {
                    out.push_str(&format!(" runs {}", render_command(w, c)));
                }
            }
            A::Command(c) => out.push_str(&format!("{} runs {}", c.title, render_command(w, c))),
        }
        out.push('\n');
    }
    out
}

fn render_command(w: &World, c: &lsp_types::Command) -> String {
    let args = c
        .arguments
        .as_ref()
        .map(|a| w.redact(&Value::Array(a.clone()).to_string()))
        .unwrap_or_default();
    format!("{} {args}", c.command)
}
