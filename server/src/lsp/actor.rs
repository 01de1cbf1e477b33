//! The one owner of server state: a thread that applies jobs in the order handlers send them.
//!
//! tower-lsp runs up to four handlers at once (its issue #284). Every handler hands its work to
//! this thread as its first statement, before any `.await`, so state changes apply in arrival
//! order; no lock is ever held across an `.await` because handlers hold none. A job that panics
//! is answered with an error and the thread goes on: one bad request never kills the server.
//! [`Handle::stop`] ends it between jobs, for the process to exit without cutting a write short.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;

use super::state::State;

/// A job, and whether it needs the workspace folders open first (settings jobs don't: they
/// should shape the first scan, not trigger it).
type Job = (bool, Box<dyn FnOnce(&mut State) + Send>);

#[derive(Debug, Clone)]
pub struct Handle {
    tx: mpsc::Sender<Job>,
    gate: Arc<Gate>,
}

/// Whether a job is running, and whether the thread is told to run no more.
#[derive(Debug, Default)]
struct Gate {
    state: Mutex<(bool, bool)>,
    idle: Condvar,
}

/// The actor stopped or the job panicked.
#[derive(Debug)]
pub struct Gone(pub String);

impl Handle {
    /// Starts the owner thread; `make` builds the state on it, given a handle to send itself
    /// jobs (the file watcher does).
    pub fn spawn(make: impl FnOnce(Handle) -> State + Send + 'static) -> std::io::Result<Handle> {
        let (tx, rx) = mpsc::channel::<Job>();
        let gate = Arc::new(Gate::default());
        let handle = Handle {
            tx,
            gate: gate.clone(),
        };
        let own = handle.clone();
        std::thread::Builder::new()
            .name("skillmeat-state".into())
            .spawn(move || {
                let mut state = make(own);
                for (opens, job) in rx {
                    {
                        let Ok(mut g) = gate.state.lock() else { return };
                        let (busy, stopping) = &mut *g;
                        if *stopping {
                            // Dropping the job drops its reply: its caller sees `Gone`.
                            continue;
                        }
                        *busy = true;
                    }
                    let run = |state: &mut State| {
                        if opens {
                            state.ensure_open();
                        }
                        job(state)
                    };
                    if catch_unwind(AssertUnwindSafe(|| run(&mut state))).is_err() {
                        tracing::error!("a request panicked; the server goes on");
                    }
                    if let Ok(mut g) = gate.state.lock() {
                        g.0 = false;
                    }
                    gate.idle.notify_all();
                }
            })?;
        Ok(handle)
    }

    /// Runs no job after the current one and waits up to `wait` for that one to end; `false` if
    /// it is still running. Queued and later jobs are dropped unrun.
    pub fn stop(&self, wait: Duration) -> bool {
        let Ok(mut g) = self.gate.state.lock() else {
            return false;
        };
        g.1 = true;
        match self
            .gate
            .idle
            .wait_timeout_while(g, wait, |(busy, _)| *busy)
        {
            Ok((g, _)) => !g.0,
            Err(_) => false,
        }
    }

    /// Queues `f` without waiting for it (notifications).
    pub fn send(&self, f: impl FnOnce(&mut State) + Send + 'static) {
        let _ = self.tx.send((true, Box::new(f)));
    }

    /// Queues a settings change, which runs before the folders are first opened.
    pub fn send_settings(&self, f: impl FnOnce(&mut State) + Send + 'static) {
        let _ = self.tx.send((false, Box::new(f)));
    }

    /// Queues `f` now and waits for its answer (requests). The job is queued before this
    /// returns its future, so ordering is that of the calls.
    pub fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut State) -> R + Send + 'static,
    ) -> impl std::future::Future<Output = Result<R, Gone>> {
        let (reply, rx) = oneshot::channel();
        let queued = self.tx.send((
            true,
            Box::new(move |s: &mut State| {
                let _ = reply.send(f(s));
            }),
        ));
        async move {
            queued.map_err(|_| Gone("the server is shutting down".into()))?;
            rx.await.map_err(|_| {
                Gone(
                    "internal error while handling the request (it was logged); the server goes on"
                        .into(),
                )
            })
        }
    }
}
