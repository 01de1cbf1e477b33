//! Server state, owned by the main loop (`main_loop`): workspace folders (a [`Workspace`] each,
//! keyed by a [`FolderId`] that stays the folder's while it is open), open documents (by path),
//! settings, client capabilities, and what the features remember between messages. Only data
//! and the queries every feature asks (which folder and artifact a path is in, an artifact's
//! status with its unsaved buffers); what changes it lives by concern, as `impl State` blocks:
//! `folders` (opening), `documents` (sync), `publish` (diagnostics sent), `diagnostics::choose`
//! (which diagnostics), `upstream`, `files` (file events and watching).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crossbeam_channel::Sender;
use skillmeat_core::drift::ArtifactStatus;
use skillmeat_core::workspace::{Proposal, Tier, Workspace};
use skillmeat_core::ArtifactId;

use super::caps::ClientCaps;
use super::client::{Client, Level, Published};
use super::event::Event;
use super::settings::Settings;
use super::watcher::Watcher;

/// A workspace folder's id: given when it is opened, never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FolderId(pub u32);

/// One workspace folder.
#[derive(Debug)]
pub struct Folder {
    pub root: PathBuf,
    pub ws: Option<Workspace>,
    /// Why `ws` is `None` (no collection, bad database...), said once to the person.
    pub error: Option<String>,
    pub statuses: BTreeMap<ArtifactId, ArtifactStatus>,
    /// The folder held no artifacts and no state when opened: its lineage is kept in memory and
    /// nothing is created in it until a command writes there (`State::persist`).
    pub in_memory: bool,
}

/// An open document.
#[derive(Debug)]
pub struct Doc {
    pub text: String,
    pub version: i32,
    pub path: PathBuf,
}

pub struct State {
    pub client: Client,
    pub events: Sender<Event>,
    pub settings: Settings,
    pub caps: ClientCaps,
    pub folders: BTreeMap<FolderId, Folder>,
    /// The id the next opened folder gets.
    pub next_folder: u32,
    /// Open documents by path (documents that are not local files are none of ours).
    pub docs: HashMap<PathBuf, Doc>,
    /// What was last published per file, with the document version it carried.
    pub published: Published,
    /// Which files got diagnostics for each (folder, artifact), to clear them later.
    pub artifact_files: HashMap<(FolderId, ArtifactId), BTreeSet<PathBuf>>,
    /// Upstream `behind` results per (folder, artifact), from the last check.
    pub upstream_behind: HashMap<(FolderId, ArtifactId), String>,
    pub watcher: Option<Watcher>,
    /// Folders named by `initialize`, opened before the first message that needs them.
    pub pending_roots: Option<Vec<PathBuf>>,
    /// The last Update / Merge each artifact's code actions offered as buffer edits: recorded
    /// when (and only when) the saved project copy shows its result.
    pub proposals: HashMap<(FolderId, ArtifactId), Proposal>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("folders", &self.folders.len())
            .field("docs", &self.docs.len())
            .finish()
    }
}

impl State {
    pub fn new(client: Client, events: Sender<Event>) -> State {
        State {
            client,
            events,
            settings: Settings::default(),
            caps: ClientCaps::default(),
            folders: BTreeMap::new(),
            next_folder: 0,
            docs: HashMap::new(),
            published: HashMap::new(),
            artifact_files: HashMap::new(),
            upstream_behind: HashMap::new(),
            watcher: None,
            pending_roots: None,
            proposals: HashMap::new(),
        }
    }

    /// The ids of the open folders, in the order they were opened.
    pub fn folder_ids(&self) -> Vec<FolderId> {
        self.folders.keys().copied().collect()
    }

    pub fn log(&self, level: Level, msg: impl Into<String>) {
        self.client.log(level, msg);
    }

    pub fn show(&self, level: Level, msg: impl Into<String>) {
        self.client.show(level, msg);
    }

    /// The folder holding `path` (the deepest root that contains it).
    pub fn folder_of(&self, path: &Path) -> Option<FolderId> {
        self.folders
            .iter()
            .filter(|(_, f)| path.starts_with(&f.root))
            .max_by_key(|(_, f)| f.root.as_os_str().len())
            .map(|(i, _)| *i)
    }

    /// The folder and artifact of a project file, its profile root not checked: only to choose
    /// what to refresh (the diagnostics' own check then says why a refused copy is not read).
    pub fn artifact_at(&self, path: &Path) -> Option<(FolderId, ArtifactId)> {
        let i = self.folder_of(path)?;
        let l = self.folders[&i].ws.as_ref()?.locate(path)?;
        (l.tier == Tier::Project).then_some((i, l.id))
    }

    /// (folder, artifact, file inside it) for a project file, whose profile root is checked
    /// first (`Workspace::project_path`): `None` for a file under a root, type folder or deployed
    /// file linked since the folder opened, so no handler reads through it.
    pub fn locate(&self, path: &Path) -> Option<(FolderId, ArtifactId, String)> {
        let i = self.folder_of(path)?;
        let ws = self.folders[&i].ws.as_ref()?;
        let l = ws.locate(path).filter(|l| l.tier == Tier::Project)?;
        ws.project_path(&l.id).ok()?;
        Some((i, l.id, l.rel))
    }

    /// The open buffers of artifact `id`'s project files in `ws`, as (file inside the artifact,
    /// unsaved text): what stands in for those files in a status, a plan or a proposal.
    pub fn open_buffers(&self, ws: &Workspace, id: &ArtifactId) -> Vec<(String, &[u8])> {
        self.docs
            .values()
            .filter_map(|d| {
                let l = ws.locate(&d.path)?;
                (l.tier == Tier::Project && &l.id == id).then_some((l.rel, d.text.as_bytes()))
            })
            .collect()
    }

    /// The current status of an artifact: from its open buffers if it has any (unsaved edits
    /// count, in every open file of it), else from the last disk check.
    pub fn status_of(&self, i: FolderId, id: &ArtifactId) -> Option<ArtifactStatus> {
        let ws = self.folders[&i].ws.as_ref()?;
        let open = self.open_buffers(ws, id);
        if !open.is_empty() {
            let buffers: Vec<(&str, &[u8])> =
                open.iter().map(|(rel, t)| (rel.as_str(), *t)).collect();
            match ws.buffers_status(id, &buffers) {
                Ok(s) => return Some(s),
                Err(e) => self.log(Level::Warning, format!("skillmeat: {id}: {e}")),
            }
        }
        self.folders[&i].statuses.get(id).cloned()
    }
}
