//! Server state, owned by the actor thread: workspace folders (a [`Workspace`] each), open
//! documents, settings, and what was last published, so diagnostics are sent only when they
//! change and cleared when they go away.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use skillmeat_core::collection::{Collection, Env};
use skillmeat_core::drift::{ArtifactStatus, DriftState};
use skillmeat_core::workspace::{Options, Proposal, Tier, Workspace};
use skillmeat_core::ArtifactId;
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp::lsp_types::{
    Diagnostic, MessageType, ProgressToken, TextDocumentContentChangeEvent, Url, WorkDoneProgress,
};

use super::actor::Handle;
use super::diagnostics;
use super::settings::Settings;
use super::watch::Watcher;

/// What the state sends to the client, in order, through one forwarding task.
#[derive(Debug)]
pub enum Outgoing {
    Publish {
        uri: Url,
        diagnostics: Vec<Diagnostic>,
        version: Option<i32>,
    },
    Log(MessageType, String),
    Show(MessageType, String),
    Progress(ProgressToken, WorkDoneProgress),
    CodeLensRefresh,
}

/// What the client told us it can do.
#[derive(Debug, Clone, Default)]
pub struct ClientCaps {
    pub work_done_progress: bool,
    pub show_message_request: bool,
    pub watched_files_dynamic: bool,
    pub configuration: bool,
    pub code_lens_refresh: bool,
}

/// One workspace folder.
#[derive(Debug)]
pub struct Folder {
    pub root: PathBuf,
    pub ws: Option<Workspace>,
    /// Why `ws` is `None` (no collection, bad database...), said once to the person.
    pub error: Option<String>,
    pub statuses: BTreeMap<ArtifactId, ArtifactStatus>,
}

/// An open document.
#[derive(Debug)]
pub struct Doc {
    pub text: String,
    pub version: i32,
    pub path: PathBuf,
}

pub struct State {
    pub out: UnboundedSender<Outgoing>,
    pub handle: Handle,
    pub settings: Settings,
    pub caps: ClientCaps,
    pub folders: Vec<Folder>,
    pub docs: HashMap<Url, Doc>,
    /// What was last published per file, with the document version it carried.
    published: HashMap<Url, (Option<i32>, Vec<Diagnostic>)>,
    /// Which files got diagnostics for each (folder, artifact), to clear them later.
    artifact_files: HashMap<(usize, ArtifactId), BTreeSet<Url>>,
    /// Upstream `behind` results per (folder, artifact), from the last check.
    pub upstream_behind: HashMap<(usize, ArtifactId), String>,
    pub watcher: Option<Watcher>,
    /// Folders named by `initialize`, opened before the first job that follows it.
    pub pending_roots: Option<Vec<PathBuf>>,
    /// The last Update / Merge each artifact's code actions offered as buffer edits: recorded
    /// when (and only when) the saved project copy shows its result.
    pub proposals: HashMap<(usize, ArtifactId), Proposal>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("folders", &self.folders.len())
            .field("docs", &self.docs.len())
            .finish()
    }
}

pub fn path_of(uri: &Url) -> Option<PathBuf> {
    uri.to_file_path().ok()
}

pub fn uri_of(path: &Path) -> Option<Url> {
    Url::from_file_path(path).ok()
}

impl State {
    pub fn new(out: UnboundedSender<Outgoing>, handle: Handle) -> State {
        State {
            out,
            handle,
            settings: Settings::default(),
            caps: ClientCaps::default(),
            folders: Vec::new(),
            docs: HashMap::new(),
            published: HashMap::new(),
            artifact_files: HashMap::new(),
            upstream_behind: HashMap::new(),
            watcher: None,
            pending_roots: None,
            proposals: HashMap::new(),
        }
    }

    /// Opens the folders `initialize` named, once: whatever job comes first (the start-up scan,
    /// or a request that raced it) finds them open.
    pub fn ensure_open(&mut self) {
        if let Some(roots) = self.pending_roots.take() {
            self.open_folders(roots);
        }
    }

    /// Asks the client to re-request CodeLens, when it supports being asked.
    fn lens_refresh(&self) {
        if self.caps.code_lens_refresh {
            let _ = self.out.send(Outgoing::CodeLensRefresh);
        }
    }

    pub fn log(&self, typ: MessageType, msg: impl Into<String>) {
        let _ = self.out.send(Outgoing::Log(typ, msg.into()));
    }

    pub fn show(&self, typ: MessageType, msg: impl Into<String>) {
        let _ = self.out.send(Outgoing::Show(typ, msg.into()));
    }

    /// Opens (or reopens) every folder and publishes everything: the start-up scan.
    pub fn open_folders(&mut self, roots: Vec<PathBuf>) {
        let _span = tracing::info_span!("open_folders", folders = roots.len()).entered();
        for i in 0..self.folders.len() {
            self.clear_folder(i);
        }
        self.folders.clear();
        // Keyed by folder index: stale once the folders are numbered anew.
        self.upstream_behind.clear();
        self.proposals.clear();
        for root in roots {
            let folder = self.open_folder(root);
            self.folders.push(folder);
        }
        for i in 0..self.folders.len() {
            self.publish_folder(i);
        }
        self.rewatch();
    }

    fn open_folder(&self, root: PathBuf) -> Folder {
        let flag = self.settings.collection_path.as_ref().map(PathBuf::from);
        let opened = Collection::resolve(&Env::from_process(flag)).and_then(|c| {
            Workspace::open(
                &root,
                c,
                Options {
                    skillmeat_compat: self.settings.skillmeat_compat,
                    ..Options::default()
                },
            )
        });
        let mut folder = Folder {
            root: root.clone(),
            ws: None,
            error: None,
            statuses: BTreeMap::new(),
        };
        match opened {
            Ok(mut ws) => {
                for n in ws.take_notes() {
                    self.log(MessageType::INFO, n);
                }
                match ws.status() {
                    Ok(r) => {
                        for w in &r.warnings {
                            self.log(MessageType::WARNING, w.clone());
                        }
                        folder.statuses =
                            r.artifacts.into_iter().map(|a| (a.id.clone(), a)).collect();
                    }
                    Err(e) => folder.error = Some(e.to_string()),
                }
                self.log(
                    MessageType::INFO,
                    format!(
                        "skillmeat: {} with collection {} (from {})",
                        root.display(),
                        ws.collection().root.display(),
                        ws.collection().source.describe()
                    ),
                );
                super::projects::register(&ws);
                folder.ws = Some(ws);
            }
            Err(e) => {
                // In an editor the way to name the collection is the `collectionPath` setting.
                let hint = if e.to_string().contains("collection") {
                    "; in the editor, set the `collectionPath` setting (VS Code: `skillmeat.collectionPath`)"
                } else {
                    ""
                };
                let msg = format!("skillmeat: {}: {e}{hint}", root.display());
                self.show(MessageType::WARNING, msg.clone());
                folder.error = Some(msg);
            }
        }
        folder
    }

    /// The folder holding `path` (the deepest root that contains it).
    pub fn folder_of(&self, path: &Path) -> Option<usize> {
        self.folders
            .iter()
            .enumerate()
            .filter(|(_, f)| path.starts_with(&f.root))
            .max_by_key(|(_, f)| f.root.as_os_str().len())
            .map(|(i, _)| i)
    }

    /// (folder, artifact, file inside it) for a project file.
    pub fn locate(&self, path: &Path) -> Option<(usize, ArtifactId, String)> {
        let i = self.folder_of(path)?;
        let l = self.folders[i].ws.as_ref()?.locate(path)?;
        (l.tier == Tier::Project).then_some((i, l.id, l.rel))
    }

    // ---- documents -------------------------------------------------------------------------

    pub fn did_open(&mut self, uri: Url, text: String, version: i32) {
        let Some(path) = path_of(&uri) else { return };
        self.docs.insert(
            uri,
            Doc {
                text,
                version,
                path: path.clone(),
            },
        );
        if let Some((i, id, _)) = self.locate(&path) {
            self.refresh_artifact(i, &id);
        }
    }

    /// Applies changes in arrival order, which is the order the client sent them: every handler
    /// queues its job before its first `.await`. Versions only have to grow (Neovim numbers
    /// changes with `b:changedtick`, which skips); a change not newer than the document is stale
    /// and ignored.
    pub fn did_change(
        &mut self,
        uri: Url,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) {
        let Some(doc) = self.docs.get_mut(&uri) else {
            return;
        };
        if version <= doc.version {
            let current = doc.version;
            self.log(MessageType::WARNING, format!("skillmeat: ignored a stale change to {uri} (version {version}, document at {current})"));
            return;
        }
        for c in &changes {
            super::pos::apply(&mut doc.text, c);
        }
        doc.version = version;
        let path = doc.path.clone();
        if let Some((i, id, _)) = self.locate(&path) {
            self.refresh_artifact(i, &id);
        }
    }

    /// Saved content is recorded: drift is recomputed from disk (a changed copy becomes a
    /// version), and a file whose conflict markers are all gone records the resolution.
    pub fn did_save(&mut self, uri: Url) {
        let Some(path) = path_of(&uri) else { return };
        let Some((i, id, _)) = self.locate(&path) else {
            return;
        };
        // A proposed update or merge is recorded once the saved copy is its result.
        if let (Some(p), Some(ws)) = (
            self.proposals.get(&(i, id.clone())),
            self.folders[i].ws.as_mut(),
        ) {
            let what = if p.is_update() {
                "update from the collection"
            } else {
                "merge with the collection"
            };
            match ws.adopt_saved(&id, p) {
                Ok(Some(v)) => {
                    self.log(
                        MessageType::INFO,
                        format!("skillmeat: {id}: saved the {what}; recorded as v{v}"),
                    );
                    self.proposals.remove(&(i, id.clone()));
                }
                Ok(None) => {}
                Err(e) => self.log(MessageType::WARNING, format!("skillmeat: {id}: {e}")),
            }
        }
        let Some(ws) = self.folders[i].ws.as_mut() else {
            return;
        };
        // `resolve` parses every file of the artifact and records only when no marker region is
        // left; otherwise it changes nothing.
        if ws
            .store()
            .open_conflicts(&id)
            .is_ok_and(|open| !open.is_empty())
        {
            match ws.resolve(&id.to_string(), None, None) {
                Ok(r) if r.version.is_some() => {
                    self.log(
                        MessageType::INFO,
                        format!("{id}: conflicts resolved and recorded"),
                    );
                }
                Ok(_) => {}
                Err(e) => self.log(MessageType::WARNING, format!("{id}: {e}")),
            }
        }
        self.refresh_from_disk(i, &[id]);
    }

    pub fn did_close(&mut self, uri: Url) {
        if let Some(doc) = self.docs.remove(&uri) {
            if let Some((i, id, _)) = self.locate(&doc.path) {
                self.refresh_artifact(i, &id);
            }
        }
    }

    // ---- refresh and publish ---------------------------------------------------------------

    /// Recomputes drift from disk for `ids` of folder `i` and republishes them.
    pub fn refresh_from_disk(&mut self, i: usize, ids: &[ArtifactId]) {
        let Some(ws) = self.folders[i].ws.as_mut() else {
            return;
        };
        match ws.status_of(Some(ids)) {
            Ok(r) => {
                let folder = &mut self.folders[i];
                for id in ids {
                    folder.statuses.remove(id);
                }
                for a in r.artifacts {
                    folder.statuses.insert(a.id.clone(), a);
                }
            }
            Err(e) => self.log(MessageType::WARNING, format!("skillmeat: {e}")),
        }
        for id in ids {
            self.refresh_artifact(i, id);
        }
        self.lens_refresh();
    }

    /// Recomputes the whole folder from disk (new or removed artifacts, settings changes).
    pub fn refresh_folder(&mut self, i: usize) {
        let Some(ws) = self.folders[i].ws.as_mut() else {
            return;
        };
        match ws.status() {
            Ok(r) => {
                self.folders[i].statuses =
                    r.artifacts.into_iter().map(|a| (a.id.clone(), a)).collect();
            }
            Err(e) => self.log(MessageType::WARNING, format!("skillmeat: {e}")),
        }
        self.publish_folder(i);
        self.lens_refresh();
    }

    pub fn publish_folder(&mut self, i: usize) {
        let mut ids: BTreeSet<ArtifactId> = self.folders[i].statuses.keys().cloned().collect();
        ids.extend(
            self.artifact_files
                .keys()
                .filter(|(f, _)| *f == i)
                .map(|(_, id)| id.clone()),
        );
        for id in ids {
            self.refresh_artifact(i, &id);
        }
    }

    fn clear_folder(&mut self, i: usize) {
        let keys: Vec<(usize, ArtifactId)> = self
            .artifact_files
            .keys()
            .filter(|(f, _)| *f == i)
            .cloned()
            .collect();
        for k in keys {
            if let Some(files) = self.artifact_files.remove(&k) {
                for uri in files {
                    self.publish(uri, Vec::new());
                }
            }
        }
    }

    /// The current status of an artifact: from its open buffers if it has any (unsaved edits
    /// count, in every open file of it), else from the last disk check.
    pub fn status_of(&self, i: usize, id: &ArtifactId) -> Option<ArtifactStatus> {
        let ws = self.folders[i].ws.as_ref()?;
        let open: Vec<(String, &[u8])> = self
            .docs
            .values()
            .filter_map(|d| {
                let l = ws.locate(&d.path)?;
                (l.tier == Tier::Project && &l.id == id).then_some((l.rel, d.text.as_bytes()))
            })
            .collect();
        if !open.is_empty() {
            let buffers: Vec<(&str, &[u8])> =
                open.iter().map(|(rel, t)| (rel.as_str(), *t)).collect();
            match ws.buffers_status(id, &buffers) {
                Ok(s) => return Some(s),
                Err(e) => self.log(MessageType::WARNING, format!("skillmeat: {id}: {e}")),
            }
        }
        self.folders[i].statuses.get(id).cloned()
    }

    /// Recomputes and publishes every diagnostic of one artifact.
    pub fn refresh_artifact(&mut self, i: usize, id: &ArtifactId) {
        let fresh = self.artifact_diagnostics(i, id);
        let key = (i, id.clone());
        let old = self.artifact_files.remove(&key).unwrap_or_default();
        let mut now = BTreeSet::new();
        for (uri, diags) in fresh {
            now.insert(uri.clone());
            self.publish(uri, diags);
        }
        for uri in old.difference(&now) {
            self.publish(uri.clone(), Vec::new());
        }
        if !now.is_empty() {
            self.artifact_files.insert(key, now);
        }
    }

    fn artifact_diagnostics(&self, i: usize, id: &ArtifactId) -> BTreeMap<Url, Vec<Diagnostic>> {
        let mut out: BTreeMap<Url, Vec<Diagnostic>> = BTreeMap::new();
        let Some(ws) = self.folders[i].ws.as_ref() else {
            return out;
        };
        let Some(st) = self.status_of(i, id) else {
            return out;
        };
        // A synced artifact with no open file and no upstream news has nothing to show: skip
        // reading its files (the start-up publish walks every artifact).
        let quiet = matches!(
            st.state,
            DriftState::Synced | DriftState::Untracked | DriftState::Removed
        ) && !self.upstream_behind.contains_key(&(i, id.clone()))
            && !self
                .docs
                .values()
                .any(|d| d.path.starts_with(ws.project_path(id)));
        if quiet {
            return out;
        }
        let main = ws.main_file(id);
        let text_of = |path: &Path| -> Option<String> {
            let uri = uri_of(path)?;
            match self.docs.get(&uri) {
                Some(d) => Some(d.text.clone()),
                None => std::fs::read(path)
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).into_owned()),
            }
        };
        let id_s = id.to_string();
        let recorded = ws.open_conflict_files(id).unwrap_or_default();
        if let (Some(uri), Some(text)) = (uri_of(&main), text_of(&main)) {
            let rel = ws.locate(&main).map(|l| l.rel).unwrap_or_default();
            let collection = ws.collection_file(id, &rel).and_then(|p| uri_of(&p));
            let mut list = Vec::new();
            if let Some(d) = diagnostics::drift(&st, &text, collection) {
                list.push(d);
            }
            if let Some(detail) = self.upstream_behind.get(&(i, id.clone())) {
                list.push(diagnostics::upstream_behind(&id_s, &text, detail));
            }
            out.insert(uri, list);
        }
        // Files that can hold markers or hunks: every open file of the artifact, and, when the
        // project copy moved from its baseline, every file of it on disk.
        let mut files: BTreeSet<PathBuf> = self
            .docs
            .values()
            .filter(|d| {
                ws.locate(&d.path)
                    .is_some_and(|l| l.tier == Tier::Project && &l.id == id)
            })
            .map(|d| d.path.clone())
            .collect();
        let moved = !matches!(
            st.state,
            DriftState::Synced | DriftState::Outdated | DriftState::Removed
        );
        if moved {
            if let Ok(tree) =
                skillmeat_core::tree::read_artifact(&ws.project_path(id), id.kind.is_folder())
            {
                for rel in tree.files.keys() {
                    let p = if id.kind.is_folder() {
                        ws.project_path(id).join(rel)
                    } else {
                        ws.project_path(id)
                    };
                    files.insert(p);
                }
            }
        }
        for path in files {
            let (Some(uri), Some(text)) = (uri_of(&path), text_of(&path)) else {
                continue;
            };
            let rel = ws.locate(&path).map(|l| l.rel).unwrap_or_default();
            let list = out.entry(uri.clone()).or_default();
            list.extend(diagnostics::conflicts(
                &id_s,
                &rel,
                &text,
                recorded.contains(&rel),
            ));
            let open = self.docs.contains_key(&uri);
            if self.settings.hunk_diagnostics
                && open
                && st.baseline.is_some()
                && st.project != st.baseline
            {
                if let Ok(Some(deployed)) = ws.baseline_file(id, &rel) {
                    list.extend(diagnostics::hunks(
                        &id_s,
                        &rel,
                        &String::from_utf8_lossy(&deployed),
                        &text,
                    ));
                }
            }
        }
        out
    }

    fn publish(&mut self, uri: Url, diagnostics: Vec<Diagnostic>) {
        let version = self.docs.get(&uri).map(|d| d.version);
        // A document opened (or closed) with unchanged diagnostics still gets them again, so
        // what the client shows carries the version of what it has.
        let same = self
            .published
            .get(&uri)
            .is_some_and(|(v, old)| *v == version && *old == diagnostics);
        let unseen_empty = diagnostics.is_empty() && !self.published.contains_key(&uri);
        if same || unseen_empty {
            return;
        }
        if diagnostics.is_empty() {
            self.published.remove(&uri);
        } else {
            self.published
                .insert(uri.clone(), (version, diagnostics.clone()));
        }
        let _ = self.out.send(Outgoing::Publish {
            uri,
            diagnostics,
            version,
        });
    }

    // ---- upstream ----------------------------------------------------------------------------

    /// Keeps the `upstream-behind` results of a check (all artifacts when `complete`) and
    /// republishes the artifacts whose answer changed.
    pub fn record_upstream(
        &mut self,
        i: usize,
        results: &[(
            ArtifactId,
            skillmeat_core::Result<skillmeat_core::workspace::UpstreamCheck>,
        )],
        complete: bool,
    ) {
        use skillmeat_core::workspace::UpstreamState;
        let mut touched: BTreeSet<ArtifactId> = BTreeSet::new();
        if complete {
            let old: Vec<ArtifactId> = self
                .upstream_behind
                .keys()
                .filter(|(f, _)| *f == i)
                .map(|(_, id)| id.clone())
                .collect();
            for id in old {
                self.upstream_behind.remove(&(i, id.clone()));
                touched.insert(id);
            }
        }
        for (id, r) in results {
            let key = (i, id.clone());
            match r {
                Ok(c) if matches!(c.state, UpstreamState::Behind | UpstreamState::Diverged) => {
                    let short = |s: &str| s.chars().take(7).collect::<String>();
                    let detail = format!(
                        "{} at {} → {}",
                        c.state.as_str(),
                        c.resolved_sha
                            .as_deref()
                            .map(short)
                            .unwrap_or_else(|| "?".into()),
                        short(&c.current_sha)
                    );
                    self.upstream_behind.insert(key, detail);
                }
                Ok(_) => {
                    self.upstream_behind.remove(&key);
                }
                Err(e) => self.log(
                    MessageType::WARNING,
                    format!("skillmeat: upstream of {id}: {e}"),
                ),
            }
            touched.insert(id.clone());
        }
        for id in touched {
            self.refresh_artifact(i, &id);
        }
    }

    /// The periodic upstream check of every folder (setting `upstreamCheckInterval`).
    pub fn check_upstream_all(&mut self) {
        for i in 0..self.folders.len() {
            let Some(ws) = self.folders[i].ws.as_ref() else {
                continue;
            };
            match ws.check_upstream(&[]) {
                Ok(results) => self.record_upstream(i, &results, true),
                Err(e) => self.log(
                    MessageType::WARNING,
                    format!("skillmeat: upstream check: {e}"),
                ),
            }
        }
    }

    // ---- files and settings ------------------------------------------------------------------

    /// Files changed on disk (client watcher or our own): refresh the artifacts they belong to,
    /// in the project or the collection; anything else under `.claude/` rescans the folder.
    pub fn files_changed(&mut self, paths: Vec<PathBuf>) {
        let _span = tracing::info_span!("files_changed", paths = paths.len()).entered();
        let mut per_folder: BTreeMap<usize, (BTreeSet<ArtifactId>, bool)> = BTreeMap::new();
        for path in &paths {
            for (i, f) in self.folders.iter().enumerate() {
                let Some(ws) = f.ws.as_ref() else { continue };
                let entry = per_folder.entry(i).or_default();
                if path.file_name().is_some_and(|n| {
                    n == skillmeat_core::compat::FILE_NAME || n == "collection.toml"
                }) {
                    entry.1 = true;
                } else if let Some(l) = ws.locate(path) {
                    entry.0.insert(l.id);
                } else if path.starts_with(ws.claude_dir())
                    || path.starts_with(&ws.collection().root)
                {
                    entry.1 = true;
                }
            }
        }
        for (i, (ids, rescan)) in per_folder {
            if rescan {
                if let Some(ws) = self.folders[i].ws.as_mut() {
                    if let Err(e) = ws.reimport_if_changed() {
                        self.log(MessageType::WARNING, format!("skillmeat: {e}"));
                    }
                }
                self.refresh_folder(i);
            } else if !ids.is_empty() {
                let ids: Vec<ArtifactId> = ids.into_iter().collect();
                self.refresh_from_disk(i, &ids);
            }
        }
    }

    /// New settings: reopen folders when the collection changed, else republish.
    pub fn set_settings(&mut self, s: Settings) {
        let reopen = s.collection_path != self.settings.collection_path
            || s.skillmeat_compat != self.settings.skillmeat_compat;
        self.settings = s;
        if self.pending_roots.is_some() {
            // Not opened yet: the first scan will use these settings.
            return;
        }
        if reopen {
            let roots = self.folders.iter().map(|f| f.root.clone()).collect();
            self.open_folders(roots);
        } else {
            for i in 0..self.folders.len() {
                self.publish_folder(i);
            }
        }
    }

    /// Starts or stops our own file watching: the collection always (it is outside the
    /// workspace), the project too when the client does not watch files for us.
    pub fn rewatch(&mut self) {
        let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
        for f in &self.folders {
            if let Some(ws) = &f.ws {
                dirs.insert(ws.collection().root.clone());
                if !self.caps.watched_files_dynamic {
                    dirs.insert(ws.claude_dir().to_path_buf());
                }
            }
        }
        let handle = self.handle.clone();
        self.watcher = Watcher::start(dirs.into_iter().collect(), move |paths| {
            handle.send(move |s: &mut State| s.files_changed(paths));
        })
        .map_err(|e| {
            self.log(
                MessageType::WARNING,
                format!("skillmeat: file watching unavailable: {e}"),
            )
        })
        .ok();
    }
}
