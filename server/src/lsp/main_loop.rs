//! The main loop, the one owner of server state (rust-analyzer's `GlobalState` pattern): one
//! thread that `select!`s over the client's messages and its own events (`event::Event`: file
//! changes our watcher saw) and the upstream-check timer, and handles each to its end, in
//! arrival order, through the dispatch table (`handlers`). Nothing else touches [`State`], so no
//! lock guards it. A request that panics is answered with an error and the loop goes on;
//! [`Gate::stop`] ends the loop between messages, for the process to exit without cutting a
//! write short.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crossbeam_channel::{select, Receiver};
use lsp_server::Message;

use super::event::Event;
use super::handlers;
use super::owner::Owner;
use super::upstream;

/// One thing for the owner to do.
enum Work {
    Message(Message),
    Event(Event),
    UpstreamDue,
}

/// Whether the owner is handling something, and whether it is told to handle no more.
#[derive(Debug, Default)]
pub struct Gate {
    state: Mutex<(bool, bool)>,
    idle: Condvar,
}

impl Gate {
    /// Marks the owner busy; `false` when it must stop instead.
    fn begin(&self) -> bool {
        let Ok(mut g) = self.state.lock() else {
            return false;
        };
        if g.1 {
            return false;
        }
        g.0 = true;
        true
    }

    fn end(&self) {
        if let Ok(mut g) = self.state.lock() {
            g.0 = false;
        }
        self.idle.notify_all();
    }

    /// Lets the owner handle nothing after what it is doing and waits up to `wait` for that to
    /// end; `false` if it is still running then.
    pub fn stop(&self, wait: Duration) -> bool {
        let Ok(mut g) = self.state.lock() else {
            return false;
        };
        g.1 = true;
        match self.idle.wait_timeout_while(g, wait, |(busy, _)| *busy) {
            Ok((g, _)) => !g.0,
            Err(_) => false,
        }
    }
}

/// Runs the owner until the client's messages end or the gate stops it.
pub fn run(mut o: Owner, messages: Receiver<Message>, events: Receiver<Event>, gate: Arc<Gate>) {
    loop {
        let due = o
            .upstream_due
            .map(crossbeam_channel::at)
            .unwrap_or_else(crossbeam_channel::never);
        let work = select! {
            recv(messages) -> m => match m {
                Ok(m) => Work::Message(m),
                Err(_) => return,
            },
            recv(events) -> e => match e {
                Ok(e) => Work::Event(e),
                Err(_) => return,
            },
            recv(due) -> _ => Work::UpstreamDue,
        };
        if !gate.begin() {
            return;
        }
        let request = match &work {
            Work::Message(Message::Request(r)) => Some(r.id.clone()),
            _ => None,
        };
        if catch_unwind(AssertUnwindSafe(|| handle(&mut o, work))).is_err() {
            tracing::error!("a request panicked; the server goes on");
            if let Some(id) = request {
                o.respond::<()>(
                    id,
                    Err(super::to_proto::error(
                        lsp_server::ErrorCode::InternalError as i32,
                        "internal error while handling the request (it was logged); the server goes on",
                        None,
                    )),
                );
            }
        }
        gate.end();
    }
}

fn handle(o: &mut Owner, work: Work) {
    match work {
        Work::Message(Message::Request(r)) => handlers::request(o, r),
        Work::Message(Message::Notification(n)) => handlers::notification(o, n),
        Work::Message(Message::Response(r)) => handlers::response(o, r),
        Work::Event(Event::FilesChanged(paths)) => {
            o.state.ensure_open();
            o.state.files_changed(paths);
        }
        Work::UpstreamDue => upstream::periodic_check(o),
    }
}
