//! `initialize`: the client's capabilities and folders, our settings from its options, and what
//! the server offers.

use lsp_server::{RequestId, ResponseError};
use lsp_types::*;

use crate::lsp::caps::ClientCaps;
use crate::lsp::client::Level;
use crate::lsp::from_proto;
use crate::lsp::handlers::commands::COMMANDS;
use crate::lsp::owner::Owner;

pub fn run(
    o: &mut Owner,
    _: RequestId,
    p: InitializeParams,
) -> Option<Result<InitializeResult, ResponseError>> {
    let s = &mut o.state;
    s.caps = ClientCaps::from_lsp(&p.capabilities);
    s.pending_roots = Some(from_proto::roots(&p));
    if let Some(v) = &p.initialization_options {
        let (new, problems) = s.settings.merged(v);
        s.settings = new;
        for p in problems {
            s.show(Level::Warning, format!("skillmeat: {p}"));
        }
    }
    o.initialized = true;
    Some(Ok(InitializeResult {
        server_info: Some(ServerInfo {
            name: "skillmeat-lsp".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        capabilities: capabilities(),
    }))
}

fn capabilities() -> ServerCapabilities {
    let kinds = [
        CodeActionKind::QUICKFIX,
        CodeActionKind::from("source.skillmeat"),
    ];
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..Default::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(kinds.to_vec()),
            ..Default::default()
        })),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: COMMANDS.iter().map(|c| c.to_string()).collect(),
            ..Default::default()
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        // The profile roots SkillMeat's config gives (docs/lsp-extensions.md, "Profile roots"):
        // a client that selects documents by folder syncs files under each of them.
        experimental: Some(serde_json::json!({
            "profileRoots": crate::lsp::profile_roots::root_dirs(),
        })),
        ..Default::default()
    }
}
