//! The language server: tower-lsp over stdio, a thin adapter over `skillmeat-core`.
//!
//! Layout: `backend` (the LSP handlers), `actor` (the one owner of state), `state` (folders,
//! documents, publishing), `diagnostics`, `actions`, `lens`, `commands`, `settings`, `pos`
//! (UTF-16 positions), `watch` (our own file watching).

mod actions;
mod actor;
mod backend;
mod commands;
mod diagnostics;
mod lens;
mod pos;
mod projects;
mod regions;
pub mod settings;
mod state;
mod transport;
mod watch;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::Notify;
use tower_lsp::jsonrpc::{Request, Response};
use tower_lsp::lsp_types::{notification, ProgressParams, ProgressParamsValue};
use tower_lsp::{LspService, Server};

use actor::Handle;
use backend::Backend;
use state::{Outgoing, State};

/// What the server offers, for editor clients to check their manifests against.
pub fn describe() -> serde_json::Value {
    serde_json::json!({
        "name": "skillmeat-lsp",
        "version": env!("CARGO_PKG_VERSION"),
        "commands": commands::COMMANDS,
        "settings": settings::NAMES,
        "diagnosticCodes": diagnostics::CODES,
    })
}

/// Set when `shutdown` was answered: `exit` (or the end of stdin) then exits 0, else 1.
pub(super) static SHUT_DOWN: AtomicBool = AtomicBool::new(false);

/// How long the end of the server waits for the job in flight.
const STOP_WAIT: Duration = Duration::from_millis(700);

/// Runs the server on stdin/stdout until the client exits or closes stdin (exit code 0 after
/// `shutdown`, else 1). Logs go to stderr (and to the client as `window/logMessage`), never to
/// stdout, which is the transport.
pub fn serve() -> i32 {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        // Every span (a command, its execution on the state thread) logs its duration on close.
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SKILLMEAT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .try_init();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!("cannot start the async runtime: {e}");
            return 1;
        }
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Outgoing>();
    let handle = match Handle::spawn(move |h| State::new(tx, h)) {
        Ok(h) => h,
        Err(e) => {
            tracing::error!("cannot start the state thread: {e}");
            return 1;
        }
    };
    let stopper = handle.clone();
    let code = rt.block_on(async {
        let (service, socket) = LspService::build(move |client| {
            // One task sends everything the state produces, in the order it was produced.
            let c = client.clone();
            tokio::spawn(async move {
                while let Some(msg) = rx.recv().await {
                    match msg {
                        Outgoing::Publish {
                            uri,
                            diagnostics,
                            version,
                        } => c.publish_diagnostics(uri, diagnostics, version).await,
                        Outgoing::Log(t, m) => c.log_message(t, m).await,
                        Outgoing::Show(t, m) => c.show_message(t, m).await,
                        Outgoing::Progress(token, value) => {
                            c.send_notification::<notification::Progress>(ProgressParams {
                                token,
                                value: ProgressParamsValue::WorkDone(value),
                            })
                            .await
                        }
                        Outgoing::CodeLensRefresh => {
                            let _ = c.code_lens_refresh().await;
                        }
                    }
                }
            });
            Backend::new(client, handle)
        })
        .custom_method("window/workDoneProgress/cancel", Backend::cancel_progress)
        .finish();
        let exited = Arc::new(Notify::new());
        let service = ExitWatch {
            inner: service,
            exited: exited.clone(),
        };
        let pipes = transport::spawn(tokio::io::stdin(), tokio::io::stdout());
        // Whichever comes first ends serving; dropping `serve` drops every handler in flight,
        // which cancels its work as `$/cancelRequest` does (see `Backend::execute_command`).
        tokio::select! {
            _ = Server::new(pipes.input, pipes.output, socket).serve(service) => {
                tracing::info!("the client closed the connection");
            }
            _ = pipes.closed => tracing::info!("stdin closed; stopping"),
            _ = exited.notified() => {}
        }
        // The spec's rule for `exit`, kept for a client that just goes away: 0 only after
        // `shutdown`.
        if SHUT_DOWN.load(Ordering::SeqCst) {
            0
        } else {
            1
        }
    });
    // The stdin reader blocks in a read the client may never end; don't wait for it after `exit`.
    rt.shutdown_background();
    // Let the job in flight (an apply of a bulk sync, whose remaining artifacts were cancelled)
    // end before the process does; a job still running then (a long scan) is read-only or, if an
    // apply, rolled back by its journal when the workspace is next opened.
    if !stopper.stop(STOP_WAIT) {
        tracing::warn!("exiting while a job still runs");
    }
    code
}

/// Notices the `exit` notification: tower-lsp stops serving requests after it but keeps reading
/// stdin until the client closes it, and the spec wants the process to end.
struct ExitWatch<S> {
    inner: S,
    exited: Arc<Notify>,
}

impl<S: tower::Service<Request, Response = Option<Response>>> tower::Service<Request>
    for ExitWatch<S>
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let exit = req.method() == "exit";
        let fut = self.inner.call(req);
        if exit {
            self.exited.notify_one();
        }
        fut
    }
}
