//! `initialized`: the start-up sequence. Each step that asks the client waits for its answer as
//! a [`Pending`] step while other messages are handled: register file watching (when the client
//! can watch for us), start the scan's progress, pull the configuration, then open the folders
//! (the scan), report it, and start the periodic upstream check.

use lsp_server::ResponseError;
use lsp_types::*;
use serde_json::Value;

use super::configuration;
use crate::lsp::owner::Owner;
use crate::lsp::pending::Pending;
use crate::lsp::{progress, upstream};

pub fn run(o: &mut Owner, _: InitializedParams) {
    if o.state.caps.watched_files_dynamic {
        // Every profile root's files (`.claude`, `.agents`, ...), deployed files included.
        let watchers = crate::lsp::profile_roots::watch_globs();
        let reg = Registration {
            id: "skillmeat-watch".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: Some(watchers),
        };
        o.ask::<request::RegisterCapability>(
            RegistrationParams {
                registrations: vec![reg],
            },
            Pending::WatchRegistered,
        );
    } else {
        start_progress(o);
    }
}

pub fn watch_registered(o: &mut Owner, r: Result<Value, ResponseError>) {
    if let Err(e) = r {
        tracing::warn!(
            "client refused file watching ({}); watching ourselves",
            e.message
        );
        o.state.caps.watched_files_dynamic = false;
    }
    start_progress(o);
}

fn start_progress(o: &mut Owner) {
    match progress::create(o) {
        Some(token) => o.ask::<request::WorkDoneProgressCreate>(
            progress::create_params(&token),
            Pending::StartupProgress(token),
        ),
        None => configuration::pull(o, true),
    }
}

pub fn progress_created(o: &mut Owner, token: String, r: Result<Value, ResponseError>) {
    if r.is_ok() {
        progress::begin(&o.client, &token, "skillmeat: checking artifacts", false);
        o.startup_progress = Some(token);
    }
    configuration::pull(o, true);
}

/// The last step: the scan itself, when nothing earlier opened the folders.
pub fn scan(o: &mut Owner) {
    let started = std::time::Instant::now();
    o.state.ensure_open();
    if crate::lsp::cancel::ENDED.load(std::sync::atomic::Ordering::SeqCst) {
        // The client went during the scan; it stopped hashing and nothing is published.
        tracing::info!("checking artifacts stopped: the server is ending");
        return;
    }
    let n: usize = o.state.folders.values().map(|f| f.statuses.len()).sum();
    tracing::info!(
        artifacts = n,
        ms = started.elapsed().as_millis() as u64,
        "start-up scan"
    );
    if let Some(token) = o.startup_progress.take() {
        progress::end(&o.client, &token, &format!("{n} artifacts checked"));
    }
    upstream::schedule(o);
}
