//! What the client told us it can do: read once from `initialize`, kept in one place
//! (`State::caps`), and lowered when the client refuses something (file watching).

use lsp_types::ClientCapabilities;

#[derive(Debug, Clone, Default)]
pub struct ClientCaps {
    /// Server-initiated `$/progress` (`window/workDoneProgress/create`).
    pub work_done_progress: bool,
    /// `window/showMessageRequest`: the server may ask before a destructive command.
    pub show_message_request: bool,
    /// The client watches files for us once we register `workspace/didChangeWatchedFiles`.
    pub watched_files_dynamic: bool,
    /// `workspace/configuration`: settings can be pulled.
    pub configuration: bool,
    /// `workspace/codeLens/refresh`.
    pub code_lens_refresh: bool,
}

impl ClientCaps {
    pub fn from_lsp(c: &ClientCapabilities) -> ClientCaps {
        ClientCaps {
            work_done_progress: c
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            show_message_request: c
                .window
                .as_ref()
                .and_then(|w| w.show_message.as_ref())
                .is_some(),
            watched_files_dynamic: c
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            configuration: c
                .workspace
                .as_ref()
                .and_then(|w| w.configuration)
                .unwrap_or(false),
            code_lens_refresh: c
                .workspace
                .as_ref()
                .and_then(|w| w.code_lens.as_ref())
                .and_then(|l| l.refresh_support)
                .unwrap_or(false),
        }
    }
}
