//! The language server over stdio: rust-analyzer's `lsp-server` messages, our own transport and
//! one owner thread, a thin adapter over `skillmeat-core`.
//!
//! Layout: `transport` (framing that survives any input; reader and writer threads), `main_loop`
//! (the one thread that owns [`owner::Owner`]: the [`state::State`] and the conversation's
//! bookkeeping, `pending` our requests awaiting an answer), `handlers` (the dispatch table, one
//! file per method, and the features they call, which build protocol values), `to_proto` /
//! `from_proto` (where LSP and core types meet), `client` (what we send), `cancel`, `progress`,
//! `event`, `caps`, `pos` (UTF-16 positions), `publish` (diagnostics sent), `log` (where log
//! lines go); state's changes by concern, in core and plain types only: `folders`, `documents`,
//! `upstream`, `files` (`watcher`), `settings`, `args` (a command's argument), `buffer_diff`.

mod args;
mod buffer_diff;
mod cancel;
mod caps;
mod client;
mod documents;
mod event;
mod files;
mod folders;
mod from_proto;
mod handlers;
mod log;
mod main_loop;
mod owner;
mod pending;
mod pos;
mod profile_roots;
mod progress;
mod publish;
pub mod settings;
mod state;
mod to_proto;
mod transport;
mod upstream;
mod watcher;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cancel::Cancels;
use client::Client;
use main_loop::Gate;
use owner::Owner;
use state::State;
use transport::Ended;

/// What the server offers, for editor clients to check their manifests against, and the profile
/// roots SkillMeat's config gives this process (editors select the documents they sync by them).
pub fn describe() -> serde_json::Value {
    serde_json::json!({
        "name": "skillmeat-lsp",
        "version": env!("CARGO_PKG_VERSION"),
        "commands": handlers::commands::COMMANDS,
        "settings": settings::NAMES,
        "diagnosticCodes": handlers::diagnostics::CODES,
        "profileRoots": profile_roots::root_dirs(),
    })
}

/// Set when `shutdown` was answered: `exit` (or the end of stdin) then exits 0, else 1.
pub(super) static SHUT_DOWN: AtomicBool = AtomicBool::new(false);

/// How long the end of the server waits for the work in flight.
const STOP_WAIT: Duration = Duration::from_millis(700);

/// Runs the server on stdin/stdout until the client exits or closes stdin (exit code 0 after
/// `shutdown`, else 1). Logs go to the client as `window/logMessage` (`log`), never to stdout,
/// which is the transport; stderr only carries errors said before the client is connected, or
/// what `SKILLMEAT_LOG` asks for.
pub fn serve() -> i32 {
    let log = log::init();
    // The owner thread answers every request in turn: an artifact another process is writing is
    // refused at once ("try again"), never waited for (a wait would freeze hover and cancel too).
    skillmeat_core::sync::lock::never_wait();
    let cancels = Cancels::default();
    let io = match transport::spawn(std::io::stdin(), std::io::stdout(), cancels.clone()) {
        Ok(io) => io,
        Err(e) => {
            tracing::error!("cannot start the transport: {e}");
            return 1;
        }
    };
    let client = Client::new(io.out.clone());
    log.connect(client.clone());
    let (events_tx, events) = crossbeam_channel::unbounded();
    let gate = Arc::new(Gate::default());
    let owner = Owner::new(State::new(client.clone(), events_tx), client, cancels);
    let (messages, g) = (io.messages, gate.clone());
    let started = std::thread::Builder::new()
        .name("skillmeat-state".into())
        .spawn(move || main_loop::run(owner, messages, events, g));
    if let Err(e) = started {
        tracing::error!("cannot start the state thread: {e}");
        return 1;
    }
    match io.ended.recv() {
        Ok(Ended::Exit) => {}
        _ => tracing::info!("stdin closed; stopping"),
    }
    // The spec's rule for `exit`, kept for a client that just goes away: 0 only after `shutdown`.
    let code = if SHUT_DOWN.load(Ordering::SeqCst) {
        0
    } else {
        1
    };
    // Let the work in flight (an apply of a bulk sync, whose remaining artifacts were
    // cancelled) end before the process does; work still running then (a long scan) is
    // read-only or, if an apply, rolled back by its journal when the workspace is next opened.
    if !gate.stop(STOP_WAIT) {
        tracing::warn!("exiting while a job still runs");
    }
    code
}

#[cfg(test)]
mod tests;
