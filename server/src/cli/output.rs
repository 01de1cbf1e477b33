//! Output for people (aligned text, colour on a terminal unless NO_COLOR) and for scripts (JSON).

use std::io::{IsTerminal, Write};

use serde_json::Value;
use skillmeat_core::drift::DriftState;
use skillmeat_core::Error;

/// Collects stdout and writes it in one go on drop: a status of 1,000 artifacts is one write,
/// not a thousand.
#[derive(Debug)]
pub struct Out {
    pub json: bool,
    color: bool,
    buf: std::cell::RefCell<String>,
}

impl Drop for Out {
    fn drop(&mut self) {
        self.flush();
    }
}

impl Out {
    pub fn new(json: bool) -> Out {
        let color = !json
            && std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Out {
            json,
            color,
            buf: Default::default(),
        }
    }

    /// Queues a line for stdout.
    pub fn line(&self, s: impl AsRef<str>) {
        let mut b = self.buf.borrow_mut();
        b.push_str(s.as_ref());
        b.push('\n');
    }

    /// Writes what was queued; a closed pipe (`| head`) is not an error worth a panic.
    pub fn flush(&self) {
        let text = std::mem::take(&mut *self.buf.borrow_mut());
        if !text.is_empty() {
            let mut o = std::io::stdout().lock();
            let _ = o.write_all(text.as_bytes());
            let _ = o.flush();
        }
    }

    pub fn note(&self, s: impl AsRef<str>) {
        self.flush();
        let _ = writeln!(std::io::stderr().lock(), "note: {}", s.as_ref());
    }

    /// An error about one item of a bulk operation: stderr, like every other error.
    pub fn item_error(&self, what: impl std::fmt::Display, e: &Error) {
        self.flush();
        let _ = writeln!(std::io::stderr().lock(), "error: {what}: {e}");
    }

    pub fn print_json(&self, v: &Value) {
        let text = serde_json::to_string_pretty(v).unwrap_or_default();
        self.line(text);
    }

    pub fn error(&self, e: &Error, code: i32) {
        if self.json {
            self.print_json(&crate::json::failure(e, code));
        }
        self.flush();
        let _ = writeln!(std::io::stderr().lock(), "error: {e}");
    }

    pub fn state(&self, s: DriftState) -> String {
        let text = format!("{:<10}", s.as_str());
        if !self.color {
            return text;
        }
        let code = match s {
            DriftState::Synced => "32",
            DriftState::Modified | DriftState::Untracked => "36",
            DriftState::Outdated | DriftState::Orphaned | DriftState::Removed => "33",
            DriftState::Conflict | DriftState::Error => "31",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

/// `Some(hash)` as its short form, `None` as a dash.
pub fn short(h: Option<&str>) -> String {
    h.map(|h| skillmeat_core::hash::short(h).to_string())
        .unwrap_or_else(|| "-".into())
}
