//! What the server sends to the client: notifications, requests and responses, serialized here and
//! framed whole onto the one writer (`transport`), so messages leave in the order they were sent.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crossbeam_channel::Sender;
use lsp_server::{Message, Notification, Request, RequestId, Response};
use lsp_types::{notification, request, MessageType};

/// How much a message to the person matters; it goes out as that `MessageType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Info,
    Log,
}

impl From<Level> for MessageType {
    fn from(l: Level) -> MessageType {
        match l {
            Level::Error => MessageType::ERROR,
            Level::Warning => MessageType::WARNING,
            Level::Info => MessageType::INFO,
            Level::Log => MessageType::LOG,
        }
    }
}

/// What was last published per file, with the document version it carried: the protocol's own
/// values, as sent (the state keeps them to publish only what changed and to clear what is gone;
/// `publish` and `handlers/diagnostics` are the modules that read and write them).
pub type Published = HashMap<PathBuf, (Option<i32>, Vec<lsp_types::Diagnostic>)>;

#[derive(Debug, Clone)]
pub struct Client {
    out: Sender<Vec<u8>>,
    next_id: Arc<AtomicU64>,
}

impl Client {
    pub fn new(out: Sender<Vec<u8>>) -> Client {
        Client {
            out,
            next_id: Arc::new(AtomicU64::new(1)),
        }
    }

    fn send(&self, m: Message) {
        let mut bytes = Vec::new();
        match m.write(&mut bytes) {
            Ok(()) => {
                let _ = self.out.send(bytes);
            }
            Err(e) => tracing::error!("cannot serialize a message to the client: {e}"),
        }
    }

    pub fn notify<N: notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.into(), params).into());
    }

    /// Sends a request; its response comes back to the owner with the id returned.
    pub fn request<R: request::Request>(&self, params: R::Params) -> RequestId {
        let n = self.next_id.fetch_add(1, Ordering::SeqCst);
        let id = RequestId::from(format!("skillmeat-{n}"));
        self.send(Request::new(id.clone(), R::METHOD.into(), params).into());
        id
    }

    pub fn respond(&self, r: Response) {
        self.send(r.into());
    }

    /// `window/logMessage`.
    pub fn log(&self, level: Level, message: impl Into<String>) {
        self.notify::<notification::LogMessage>(lsp_types::LogMessageParams {
            typ: level.into(),
            message: message.into(),
        });
    }

    /// `window/showMessage`.
    pub fn show(&self, level: Level, message: impl Into<String>) {
        self.notify::<notification::ShowMessage>(lsp_types::ShowMessageParams {
            typ: level.into(),
            message: message.into(),
        });
    }
}
