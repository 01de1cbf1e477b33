//! What the server sends to the client: notifications, requests and responses, serialized here and
//! framed whole onto the one writer (`transport`), so messages leave in the order they were sent.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crossbeam_channel::Sender;
use lsp_server::{Message, Notification, Request, RequestId, Response};
use lsp_types::{notification, request, MessageType};

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
    pub fn log(&self, typ: MessageType, message: impl Into<String>) {
        self.notify::<notification::LogMessage>(lsp_types::LogMessageParams {
            typ,
            message: message.into(),
        });
    }

    /// `window/showMessage`.
    pub fn show(&self, typ: MessageType, message: impl Into<String>) {
        self.notify::<notification::ShowMessage>(lsp_types::ShowMessageParams {
            typ,
            message: message.into(),
        });
    }
}
