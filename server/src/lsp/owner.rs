//! The owner of server state (rust-analyzer's `GlobalState`): the state, and the bookkeeping of
//! the conversation with the client — our requests awaiting an answer, where start-up is, when
//! the next upstream check is due. Only the main loop (`main_loop`) holds it.

use std::collections::HashMap;
use std::time::Instant;

use lsp_server::{RequestId, Response};

use super::cancel::Cancels;
use super::client::Client;
use super::pending::Pending;
use super::state::State;

/// The owner: the state and the bookkeeping of the conversation with the client.
pub struct Owner {
    pub state: State,
    pub client: Client,
    pub cancels: Cancels,
    /// Our requests to the client awaiting its response, and what to do with that.
    pub pending: HashMap<RequestId, Pending>,
    /// `initialize` was answered.
    pub initialized: bool,
    /// `shutdown` was answered: requests are refused from now on.
    pub shut_down: bool,
    /// The start-up scan's progress token, while it runs.
    pub startup_progress: Option<String>,
    /// When the next periodic upstream check is due (`None`: off, or not started yet).
    pub upstream_due: Option<Instant>,
}

impl Owner {
    pub fn new(state: State, client: Client, cancels: Cancels) -> Owner {
        Owner {
            state,
            client,
            cancels,
            pending: HashMap::new(),
            initialized: false,
            shut_down: false,
            startup_progress: None,
            upstream_due: None,
        }
    }

    /// Sends a request to the client; `then` handles its response.
    pub fn ask<R: lsp_types::request::Request>(&mut self, params: R::Params, then: Pending) {
        let id = self.client.request::<R>(params);
        self.pending.insert(id, then);
    }

    /// Answers request `id`.
    pub fn respond<T: serde::Serialize>(
        &self,
        id: RequestId,
        r: Result<T, lsp_server::ResponseError>,
    ) {
        let response = match r.map(serde_json::to_value) {
            Ok(Ok(v)) => Response {
                id,
                response_result: Ok(v),
            },
            Ok(Err(e)) => Response::new_err(
                id,
                lsp_server::ErrorCode::InternalError as i32,
                e.to_string(),
            ),
            Err(e) => Response {
                id,
                response_result: Err(e),
            },
        };
        self.client.respond(response);
    }
}
