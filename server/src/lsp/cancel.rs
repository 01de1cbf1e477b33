//! Cancellation flags of the work in flight. The owner runs a command to its end, so what stops
//! a running bulk sync between artifacts — `$/cancelRequest`, `window/workDoneProgress/cancel`,
//! the end of stdin or `exit` — is seen by the reader thread (`transport`), which sets the flag
//! here at once; the owner also gets the message, in order, for work not yet started.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use lsp_server::RequestId;

/// One request's flags: `stop` is what the work checks; `by_request` says the request itself was
/// cancelled (answered with "request cancelled") rather than its progress (answered with what
/// was done).
#[derive(Debug, Default)]
pub struct Flag {
    pub stop: AtomicBool,
    pub by_request: AtomicBool,
}

#[derive(Debug, Default)]
struct Inner {
    requests: HashMap<RequestId, Arc<Flag>>,
    tokens: HashMap<String, Arc<Flag>>,
}

/// Set by [`Cancels::cancel_all`], the end of the server (one a process): a request registered
/// later starts stopped, and the start-up scan stops hashing at once (`Workspace::interrupt_on`
/// takes a flag that lives as long as the program, hence a static).
pub static ENDED: AtomicBool = AtomicBool::new(false);

#[derive(Debug, Default, Clone)]
pub struct Cancels(Arc<Mutex<Inner>>);

impl Cancels {
    /// The flag of request `id`, registered until [`Cancels::done`].
    pub fn register(&self, id: &RequestId) -> Arc<Flag> {
        let flag = Arc::new(Flag::default());
        if let Ok(mut g) = self.0.lock() {
            if ENDED.load(Ordering::SeqCst) {
                flag.stop.store(true, Ordering::SeqCst);
            }
            g.requests.insert(id.clone(), flag.clone());
        }
        flag
    }

    /// Ties a progress token to a request's flag.
    pub fn token(&self, token: String, flag: Arc<Flag>) {
        if let Ok(mut g) = self.0.lock() {
            g.tokens.insert(token, flag);
        }
    }

    pub fn done(&self, id: &RequestId, token: Option<&str>) {
        if let Ok(mut g) = self.0.lock() {
            g.requests.remove(id);
            if let Some(t) = token {
                g.tokens.remove(t);
            }
        }
    }

    /// `$/cancelRequest`.
    pub fn cancel_request(&self, id: &RequestId) {
        if let Some(f) = self.0.lock().ok().and_then(|g| g.requests.get(id).cloned()) {
            f.by_request.store(true, Ordering::SeqCst);
            f.stop.store(true, Ordering::SeqCst);
        }
    }

    /// `window/workDoneProgress/cancel`.
    pub fn cancel_token(&self, token: &str) {
        if let Some(f) = self
            .0
            .lock()
            .ok()
            .and_then(|g| g.tokens.get(token).cloned())
        {
            f.stop.store(true, Ordering::SeqCst);
        }
    }

    /// The end of the server: everything in flight stops, and so does anything started later.
    pub fn cancel_all(&self) {
        // Before the lock: a request registering meanwhile either sees it or is stopped below.
        ENDED.store(true, Ordering::SeqCst);
        if let Ok(g) = self.0.lock() {
            for f in g.requests.values() {
                f.by_request.store(true, Ordering::SeqCst);
                f.stop.store(true, Ordering::SeqCst);
            }
        }
    }
}
