//! Our requests to the client waiting for its answer, and what to do with it: each is a step
//! of a flow (start-up, a command) that goes on in `handlers` when the response comes.

use std::sync::Arc;

use lsp_server::RequestId;

use super::args::Args;
use super::cancel::Flag;

/// What to do with the client's response to one of our requests.
#[derive(Debug)]
pub enum Pending {
    /// `client/registerCapability` for file watching, at start-up.
    WatchRegistered,
    /// `window/workDoneProgress/create` for the start-up scan.
    StartupProgress(String),
    /// `workspace/configuration`; `startup` when the first scan waits for it.
    Configuration { startup: bool },
    /// `window/showMessageRequest` before a destructive command.
    Confirm(Job),
    /// `window/workDoneProgress/create` for a bulk sync.
    CommandProgress(Job, String),
    /// `workspace/applyEdit` of an accepted conflict region: the command's answer waits for it.
    ApplyEdit(RequestId, serde_json::Value),
}

/// A command on its way: waiting for the client, or about to run.
#[derive(Debug)]
pub struct Job {
    pub id: RequestId,
    pub command: String,
    pub args: Args,
    pub flag: Arc<Flag>,
    pub progress: Option<String>,
}
