//! The tower-lsp `LanguageServer`: every handler hands its work to the state thread as its first
//! statement, then awaits the answer; client round-trips (confirmation, configuration, progress)
//! happen here, never on the state thread.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tower_lsp::jsonrpc::{self, Result};
use tower_lsp::lsp_types::*;
use tower_lsp::{Client, LanguageServer};
use tracing::Instrument;

use super::actor::{Gone, Handle};
use super::commands::{self, Args, COMMANDS};
use super::state::{ClientCaps, Outgoing, State};
use super::{actions, lens};

pub struct Backend {
    client: Client,
    handle: Handle,
    /// Cancellation flags of running progress, by token.
    cancels: Arc<Mutex<HashMap<String, Arc<AtomicBool>>>>,
    next_token: AtomicU64,
    caps: Mutex<ClientCaps>,
}

fn gone(g: Gone) -> jsonrpc::Error {
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::InternalError,
        message: g.0.into(),
        data: None,
    }
}

fn token_key(t: &ProgressToken) -> String {
    match t {
        NumberOrString::Number(n) => n.to_string(),
        NumberOrString::String(s) => s.clone(),
    }
}

impl Backend {
    pub fn new(client: Client, handle: Handle) -> Backend {
        Backend {
            client,
            handle,
            cancels: Arc::default(),
            next_token: AtomicU64::new(1),
            caps: Mutex::default(),
        }
    }

    fn caps(&self) -> ClientCaps {
        self.caps.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// `window/workDoneProgress/cancel`, registered as a custom method (tower-lsp has no handler).
    pub async fn cancel_progress(&self, params: WorkDoneProgressCancelParams) {
        if let Ok(map) = self.cancels.lock() {
            if let Some(flag) = map.get(&token_key(&params.token)) {
                flag.store(true, Ordering::SeqCst);
            }
        }
    }

    /// Starts server-initiated progress when the client supports it.
    async fn begin(
        &self,
        title: &str,
        cancellable: bool,
    ) -> Option<(ProgressToken, Arc<AtomicBool>)> {
        if !self.caps().work_done_progress {
            return None;
        }
        let token = NumberOrString::String(format!(
            "skillmeat-{}",
            self.next_token.fetch_add(1, Ordering::SeqCst)
        ));
        let created = self
            .client
            .send_request::<request::WorkDoneProgressCreate>(WorkDoneProgressCreateParams {
                token: token.clone(),
            })
            .await;
        if created.is_err() {
            return None;
        }
        let flag = Arc::new(AtomicBool::new(false));
        if let Ok(mut map) = self.cancels.lock() {
            map.insert(token_key(&token), flag.clone());
        }
        self.client
            .send_notification::<notification::Progress>(ProgressParams {
                token: token.clone(),
                value: ProgressParamsValue::WorkDone(WorkDoneProgress::Begin(
                    WorkDoneProgressBegin {
                        title: title.into(),
                        cancellable: Some(cancellable),
                        message: None,
                        percentage: Some(0),
                    },
                )),
            })
            .await;
        Some((token, flag))
    }

    async fn end(&self, p: Option<(ProgressToken, Arc<AtomicBool>)>, message: &str) {
        let Some((token, _)) = p else { return };
        if let Ok(mut map) = self.cancels.lock() {
            map.remove(&token_key(&token));
        }
        self.client
            .send_notification::<notification::Progress>(ProgressParams {
                token,
                value: ProgressParamsValue::WorkDone(WorkDoneProgress::End(WorkDoneProgressEnd {
                    message: Some(message.into()),
                })),
            })
            .await;
    }

    /// Asks the person before a destructive command, when the client can ask and the setting wants it.
    async fn confirm(&self, command: &str, args: &Args) -> Result<bool> {
        let strategy = args.str("strategy")?.unwrap_or("auto");
        let dry = args.bool("dryRun")?.unwrap_or(false);
        let destructive = command == "skillmeat.rollback"
            || (command == "skillmeat.sync" && strategy == "overwrite" && !dry);
        if !destructive || !self.caps().show_message_request {
            return Ok(true);
        }
        let wants = self
            .handle
            .call(|s: &mut State| s.settings.confirm_destructive)
            .await
            .map_err(gone)?;
        if !wants {
            return Ok(true);
        }
        let what = args.str("artifact")?.unwrap_or("every artifact");
        let message = if command == "skillmeat.rollback" {
            format!(
                "Roll back {what} to {}? Its current content is kept as a version.",
                args.str("to")?.unwrap_or("?")
            )
        } else {
            format!("Overwrite the project copy of {what} with the collection's? Its current content is kept as a version.")
        };
        let answer = self
            .client
            .show_message_request(
                MessageType::WARNING,
                message,
                Some(vec![
                    MessageActionItem {
                        title: "Yes".into(),
                        properties: HashMap::new(),
                    },
                    MessageActionItem {
                        title: "No".into(),
                        properties: HashMap::new(),
                    },
                ]),
            )
            .await
            .unwrap_or(None);
        Ok(answer.is_some_and(|a| a.title == "Yes"))
    }

    /// Checks upstreams every `upstreamCheckInterval` minutes (re-read each round, so a settings
    /// change takes effect; 0 turns the check off).
    fn spawn_upstream_checks(&self) {
        let handle = self.handle.clone();
        tokio::spawn(async move {
            loop {
                let minutes = match handle
                    .call(|s: &mut State| s.settings.upstream_check_interval)
                    .await
                {
                    Ok(m) => m,
                    Err(_) => return,
                };
                if minutes == 0 {
                    tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                    continue;
                }
                tokio::time::sleep(std::time::Duration::from_secs(minutes * 60)).await;
                if handle
                    .call(|s: &mut State| s.check_upstream_all())
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
    }

    async fn pull_configuration(&self) {
        if !self.caps().configuration {
            return;
        }
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("skillmeat".into()),
        }];
        if let Ok(values) = self.client.configuration(items).await {
            if let Some(v) = values.into_iter().next().filter(|v| !v.is_null()) {
                self.handle
                    .send_settings(move |s: &mut State| apply_settings(s, &v));
            }
        }
    }
}

/// Sets its flag when dropped: when the request's future is dropped, finished or not.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

fn apply_settings(s: &mut State, v: &Value) {
    let (new, problems) = s.settings.merged(v);
    for p in problems {
        s.show(MessageType::WARNING, format!("skillmeat: {p}"));
    }
    s.set_settings(new);
}

fn client_caps(c: &ClientCapabilities) -> ClientCaps {
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

fn roots_of(p: &InitializeParams) -> Vec<std::path::PathBuf> {
    #[allow(deprecated)]
    let from_root = p.root_uri.as_ref().and_then(|u| u.to_file_path().ok());
    match &p.workspace_folders {
        Some(fs) if !fs.is_empty() => fs
            .iter()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect(),
        _ => from_root.into_iter().collect(),
    }
}

#[tower_lsp::async_trait]
impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = client_caps(&params.capabilities);
        if let Ok(mut c) = self.caps.lock() {
            *c = caps.clone();
        }
        let roots = roots_of(&params);
        let options = params.initialization_options.clone();
        self.handle
            .call(move |s: &mut State| {
                s.caps = caps;
                s.pending_roots = Some(roots);
                if let Some(v) = options {
                    let (new, problems) = s.settings.merged(&v);
                    s.settings = new;
                    for p in problems {
                        s.show(MessageType::WARNING, format!("skillmeat: {p}"));
                    }
                }
            })
            .await
            .map_err(gone)?;
        let kinds = [
            CodeActionKind::QUICKFIX,
            CodeActionKind::from("source.skillmeat"),
        ];
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "skillmeat-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: ServerCapabilities {
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
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(kinds.to_vec()),
                        ..Default::default()
                    },
                )),
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
                ..Default::default()
            },
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let caps = self.caps();
        if caps.watched_files_dynamic {
            let watchers = json!({ "watchers": [
                { "globPattern": "**/.claude/**" },
                { "globPattern": "**/.claude/.skillmeat-deployed.toml" },
            ]});
            let reg = Registration {
                id: "skillmeat-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: Some(watchers),
            };
            if let Err(e) = self.client.register_capability(vec![reg]).await {
                tracing::warn!("client refused file watching ({e}); watching ourselves");
                if let Ok(mut c) = self.caps.lock() {
                    c.watched_files_dynamic = false;
                }
                self.handle
                    .send(|s: &mut State| s.caps.watched_files_dynamic = false);
            }
        }
        let progress = self.begin("skillmeat: checking artifacts", false).await;
        self.pull_configuration().await;
        let started = std::time::Instant::now();
        // The scan itself runs in `ensure_open` before this job (or before any earlier one).
        let n = self
            .handle
            .call(move |s: &mut State| s.folders.iter().map(|f| f.statuses.len()).sum::<usize>())
            .await
            .unwrap_or(0);
        tracing::info!(
            artifacts = n,
            ms = started.elapsed().as_millis() as u64,
            "start-up scan"
        );
        self.end(progress, &format!("{n} artifacts checked")).await;
        self.spawn_upstream_checks();
    }

    async fn shutdown(&self) -> Result<()> {
        super::SHUT_DOWN.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, p: DidOpenTextDocumentParams) {
        let d = p.text_document;
        self.handle
            .send(move |s: &mut State| s.did_open(d.uri, d.text, d.version));
    }

    async fn did_change(&self, p: DidChangeTextDocumentParams) {
        let (uri, version) = (p.text_document.uri, p.text_document.version);
        self.handle
            .send(move |s: &mut State| s.did_change(uri, version, p.content_changes));
    }

    async fn did_save(&self, p: DidSaveTextDocumentParams) {
        self.handle
            .send(move |s: &mut State| s.did_save(p.text_document.uri));
    }

    async fn did_close(&self, p: DidCloseTextDocumentParams) {
        self.handle
            .send(move |s: &mut State| s.did_close(p.text_document.uri));
    }

    async fn did_change_configuration(&self, p: DidChangeConfigurationParams) {
        let v = p.settings;
        if !v.is_null() && v.as_object().is_some_and(|o| !o.is_empty()) {
            self.handle
                .send_settings(move |s: &mut State| apply_settings(s, &v));
        } else {
            self.pull_configuration().await;
        }
    }

    async fn did_change_watched_files(&self, p: DidChangeWatchedFilesParams) {
        let paths: Vec<std::path::PathBuf> = p
            .changes
            .iter()
            .filter_map(|c| c.uri.to_file_path().ok())
            .collect();
        self.handle
            .send(move |s: &mut State| s.files_changed(paths));
    }

    async fn did_change_workspace_folders(&self, p: DidChangeWorkspaceFoldersParams) {
        let added: Vec<_> = p
            .event
            .added
            .iter()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        let removed: Vec<_> = p
            .event
            .removed
            .iter()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        self.handle.send(move |s: &mut State| {
            let mut roots: Vec<_> = s
                .folders
                .iter()
                .map(|f| f.root.clone())
                .filter(|r| !removed.contains(r))
                .collect();
            roots.extend(added);
            s.open_folders(roots);
        });
    }

    async fn code_action(&self, p: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let r = self
            .handle
            .call(move |s: &mut State| {
                actions::code_actions(s, &p.text_document.uri, p.range, &p.context.diagnostics)
            })
            .await
            .map_err(gone)?;
        Ok(Some(r))
    }

    async fn code_lens(&self, p: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let r = self
            .handle
            .call(move |s: &mut State| {
                let uri = &p.text_document.uri;
                let mut l = lens::code_lens(s, uri);
                l.extend(super::projects::code_lens(s, uri));
                l
            })
            .await
            .map_err(gone)?;
        Ok(Some(r))
    }

    async fn hover(&self, p: HoverParams) -> Result<Option<Hover>> {
        let at = p.text_document_position_params;
        self.handle
            .call(move |s: &mut State| {
                let uri = &at.text_document.uri;
                lens::hover(s, uri, at.position).or_else(|| super::projects::hover(s, uri))
            })
            .await
            .map_err(gone)
    }

    async fn execute_command(&self, p: ExecuteCommandParams) -> Result<Option<Value>> {
        let command = p.command.clone();
        let args = Args::parse(&command, &p.arguments)?;
        if !self.confirm(&command, &args).await? {
            return Ok(Some(json!({ "cancelled": true })));
        }
        let bulk = command == "skillmeat.sync" && args.bool("all")?.unwrap_or(false);
        let progress = if bulk {
            self.begin("skillmeat: syncing", true).await
        } else {
            None
        };
        let token = progress.as_ref().map(|(t, _)| t.clone());
        let cancel: Arc<AtomicBool> = progress
            .as_ref()
            .map(|(_, f)| f.clone())
            .unwrap_or_default();
        // `$/cancelRequest`, and the end of the server, drop this future: the bulk sync on the
        // state thread then stops before its next artifact.
        let _cancel_on_drop = CancelOnDrop(cancel.clone());
        let started = std::time::Instant::now();
        let cmd = command.clone();
        let span = tracing::info_span!("command", command = %command);
        let result = self
            .handle
            .call(move |s: &mut State| {
                let out = s.out.clone();
                let report = move |done: usize, total: usize, id: &skillmeat_core::ArtifactId| {
                    if let Some(t) = &token {
                        let _ = out.send(Outgoing::Progress(
                            t.clone(),
                            WorkDoneProgress::Report(WorkDoneProgressReport {
                                cancellable: Some(true),
                                message: Some(format!("{done}/{total} {id}")),
                                percentage: Some((done * 100 / total.max(1)) as u32),
                            }),
                        ));
                    }
                };
                commands::execute(s, &cmd, &args, &cancel, &report)
            })
            .instrument(span)
            .await
            .map_err(gone)?;
        tracing::info!(command = %command, ms = started.elapsed().as_millis() as u64, ok = result.is_ok(), "command");
        self.end(progress, "done").await;
        let result = result?;
        if command == "skillmeat.acceptConflict" {
            // The region lenses change the buffer only: the edit goes to the editor, which
            // applies it as one undoable change.
            if let Ok(edit) = serde_json::from_value(result["edit"].clone()) {
                let applied = self.client.apply_edit(edit).await.is_ok_and(|r| r.applied);
                let mut r = result;
                r["applied"] = json!(applied);
                return Ok(Some(r));
            }
        }
        Ok(Some(result))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_advertised_command_is_documented() {
        let doc = include_str!("../../../docs/lsp-extensions.md");
        for c in COMMANDS {
            assert!(
                doc.contains(&format!("`{c}`")),
                "{c} is not in docs/lsp-extensions.md"
            );
        }
        for code in super::super::diagnostics::CODES {
            assert!(
                doc.contains(&format!("`{code}`")),
                "diagnostic {code} is not documented"
            );
        }
        for s in super::super::settings::NAMES {
            assert!(
                doc.contains(&format!("`{s}`")),
                "setting {s} is not documented"
            );
        }
    }
}
