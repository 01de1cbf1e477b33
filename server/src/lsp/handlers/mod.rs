//! The dispatch table: every method the server handles, how it touches state, and its handler
//! (one file each in this folder, beside the features they call: the modules that build the
//! protocol's values, so the state's modules outside this folder never name `lsp_types`). Every
//! handler runs on the owner (`main_loop`), in arrival order; the table says which
//!
//! - **mutate** state (document sync, file and folder events, commands, code actions, which
//!   remember the proposal they offer), with the workspace folders opened first;
//! - only **read** it (`&State`: code lenses, hover), with the folders opened first;
//! - run **early**, before the folders are opened (lifecycle and settings, which shape the
//!   first scan rather than trigger it).
//!
//! Our own requests to the client (confirmation, progress, configuration, edits) are answered
//! later: each is remembered as a `pending::Pending` step, run when its response arrives.

// The handlers' own helpers: the features that build protocol values.
pub mod actions;
pub mod commands;
pub mod compare;
pub mod diagnostics;
pub mod hunk_revert;
pub mod lens;
pub mod projects;
pub mod regions;
pub mod trail;
pub mod tree_edit;
pub mod untracked;
pub mod update_edit;

mod code_action;
mod code_lens;
mod configuration;
mod execute_command;
pub mod hover;
mod initialize;
mod initialized;
mod shutdown;
mod text_document_sync;
mod watched_files;
mod workspace_folders;

use lsp_server::{ErrorCode, Notification, Request, RequestId, Response, ResponseError};
use lsp_types::{notification as n, request as r};
use serde::de::DeserializeOwned;

use super::owner::Owner;
use super::pending::Pending;
use super::state::State;
use super::to_proto;

/// Handles a client request.
pub fn request(o: &mut Owner, req: Request) {
    if !o.initialized && req.method != <r::Initialize as r::Request>::METHOD {
        let e = to_proto::error(
            ErrorCode::ServerNotInitialized as i32,
            "the server is not initialized yet",
            None,
        );
        return o.respond::<()>(req.id, Err(e));
    }
    if o.shut_down {
        let e = to_proto::error(
            ErrorCode::InvalidRequest as i32,
            "the server is shutting down",
            None,
        );
        return o.respond::<()>(req.id, Err(e));
    }
    Requests { o, req: Some(req) }
        .early::<r::Initialize>(initialize::run)
        .early::<r::Shutdown>(shutdown::run)
        .mutate::<r::ExecuteCommand>(execute_command::run)
        .mutate::<r::CodeActionRequest>(code_action::run)
        .read::<r::CodeLensRequest>(code_lens::run)
        .read::<r::HoverRequest>(hover::run)
        .finish();
}

/// Handles a client notification (`exit` ends the server in `transport`).
pub fn notification(o: &mut Owner, not: Notification) {
    if !o.initialized {
        return;
    }
    Notifications { o, not: Some(not) }
        .early::<n::Initialized>(initialized::run)
        .early::<n::DidChangeConfiguration>(configuration::did_change)
        // The reader thread has set the flags already (`cancel`); a request still waiting for
        // the client is answered here.
        .early::<n::Cancel>(execute_command::cancel)
        .early::<n::WorkDoneProgressCancel>(|_, _| {})
        .mutate::<n::DidOpenTextDocument>(text_document_sync::did_open)
        .mutate::<n::DidChangeTextDocument>(text_document_sync::did_change)
        .mutate::<n::DidSaveTextDocument>(text_document_sync::did_save)
        .mutate::<n::DidCloseTextDocument>(text_document_sync::did_close)
        .mutate::<n::DidChangeWatchedFiles>(watched_files::run)
        .mutate::<n::DidChangeWorkspaceFolders>(workspace_folders::run)
        .finish();
}

/// Handles the client's response to one of our requests.
pub fn response(o: &mut Owner, resp: Response) {
    let Some(then) = o.pending.remove(&resp.id) else {
        // `workspace/codeLens/refresh`, which needs no answer, or one we forgot.
        return;
    };
    let result = resp.response_result;
    match then {
        Pending::WatchRegistered => initialized::watch_registered(o, result),
        Pending::StartupProgress(token) => initialized::progress_created(o, token, result),
        Pending::Configuration { startup } => configuration::pulled(o, result, startup),
        Pending::Confirm(job) => execute_command::confirmed(o, job, result),
        Pending::CommandProgress(job, token) => {
            execute_command::progress_created(o, job, token, result)
        }
        Pending::ApplyEdit(id, answer) => execute_command::edit_applied(o, id, answer, result),
    }
}

/// A handler on the owner: answers now (`Some`), or later (`None`) after a round-trip.
type OwnerHandler<R> = fn(
    &mut Owner,
    RequestId,
    <R as r::Request>::Params,
) -> Option<Result<<R as r::Request>::Result, ResponseError>>;

fn params<P: DeserializeOwned>(v: serde_json::Value) -> Result<P, ResponseError> {
    serde_json::from_value(v).map_err(|e| to_proto::invalid_params(format!("invalid params: {e}")))
}

/// The request half of the table: each call takes the request when its method matches.
struct Requests<'a> {
    o: &'a mut Owner,
    req: Option<Request>,
}

impl Requests<'_> {
    fn take<R: r::Request>(&mut self) -> Option<(RequestId, Result<R::Params, ResponseError>)> {
        if self.req.as_ref()?.method != R::METHOD {
            return None;
        }
        let req = self.req.take()?;
        Some((req.id, params(req.params)))
    }

    /// Runs before the folders are opened; answers now, or later (`None`) after a round-trip.
    fn early<R: r::Request>(mut self, f: OwnerHandler<R>) -> Self {
        if let Some((id, p)) = self.take::<R>() {
            match p {
                Ok(p) => {
                    if let Some(r) = f(self.o, id.clone(), p) {
                        self.o.respond(id, r);
                    }
                }
                Err(e) => self.o.respond::<()>(id, Err(e)),
            }
        }
        self
    }

    /// May change state; answers now, or later (`None`) after a round-trip to the client.
    fn mutate<R: r::Request>(self, f: OwnerHandler<R>) -> Self {
        if self.req.as_ref().is_some_and(|q| q.method == R::METHOD) {
            self.o.state.ensure_open();
        }
        self.early::<R>(f)
    }

    /// Reads state only.
    fn read<R: r::Request>(
        mut self,
        f: fn(&State, R::Params) -> Result<R::Result, ResponseError>,
    ) -> Self {
        if let Some((id, p)) = self.take::<R>() {
            self.o.state.ensure_open();
            let r = p.and_then(|p| f(&self.o.state, p));
            self.o.respond(id, r);
        }
        self
    }

    fn finish(self) {
        if let Some(req) = self.req {
            let e = to_proto::method_not_found(format!("method not found: {}", req.method));
            self.o.respond::<()>(req.id, Err(e));
        }
    }
}

/// The notification half of the table.
struct Notifications<'a> {
    o: &'a mut Owner,
    not: Option<Notification>,
}

impl Notifications<'_> {
    fn take<N: n::Notification>(&mut self) -> Option<N::Params> {
        if self.not.as_ref()?.method != N::METHOD {
            return None;
        }
        let not = self.not.take()?;
        match params(not.params) {
            Ok(p) => Some(p),
            Err(e) => {
                tracing::warn!("{}: {}", not.method, e.message);
                None
            }
        }
    }

    fn early<N: n::Notification>(mut self, f: fn(&mut Owner, N::Params)) -> Self {
        if let Some(p) = self.take::<N>() {
            f(self.o, p);
        }
        self
    }

    fn mutate<N: n::Notification>(self, f: fn(&mut Owner, N::Params)) -> Self {
        if self.not.as_ref().is_some_and(|x| x.method == N::METHOD) {
            self.o.state.ensure_open();
        }
        self.early::<N>(f)
    }

    fn finish(self) {
        if let Some(not) = self.not {
            if !not.method.starts_with("$/") {
                tracing::debug!("unhandled notification {}", not.method);
            }
        }
    }
}
