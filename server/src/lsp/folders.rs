//! Opening workspace folders: each gets a [`Workspace`] over the collection the settings name
//! (or why it could not open, said once), its artifacts' statuses, and everything published;
//! a settings change that names another collection opens them again; an opened project joins the
//! registry of workspaces (`register`). A folder that is not a project (no artifacts, no state:
//! an empty folder, `/`, `$HOME`) is opened with its lineage in memory and is not registered:
//! opening it in an editor creates nothing there; the first command that writes in it reopens it
//! with its state on disk (`persist`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use skillmeat_core::collection::{Collection, Env};
use skillmeat_core::registry::Registry;
use skillmeat_core::workspace::{Options, Workspace};
use skillmeat_core::ArtifactId;

use super::client::Level;
use super::settings::Settings;
use super::state::{Folder, FolderId, State};

impl State {
    /// Opens the folders `initialize` named, once: whatever job comes first (the start-up scan,
    /// or a request that raced it) finds them open.
    pub fn ensure_open(&mut self) {
        if let Some(roots) = self.pending_roots.take() {
            self.open_folders(roots);
        }
    }

    /// Opens (or reopens) every folder and publishes everything: the start-up scan.
    pub fn open_folders(&mut self, roots: Vec<PathBuf>) {
        let _span = tracing::info_span!("open_folders", folders = roots.len()).entered();
        for i in self.folder_ids() {
            self.clear_folder(i);
        }
        self.folders.clear();
        // Every folder is opened anew, with a new id: what was kept per folder goes.
        self.upstream_behind.clear();
        self.proposals.clear();
        for root in roots {
            let folder = self.open_folder(root);
            let id = FolderId(self.next_folder);
            self.next_folder += 1;
            self.folders.insert(id, folder);
        }
        for i in self.folder_ids() {
            self.publish_folder(i);
        }
        self.rewatch();
    }

    /// Reopens folder `i` with its state on disk when it was opened in memory: a command is
    /// about to write there (or a saved proposal, a resolution, is about to be recorded), and
    /// what it records must outlive the server. Whether the folder was in memory.
    ///
    /// The folder's pending proposals were planned against the in-memory lineage: each is
    /// carried over to the on-disk one when its baseline there is the same content, and dropped
    /// otherwise (saving it then records nothing; the drift it came from is still shown).
    pub fn persist(&mut self, i: FolderId) -> bool {
        let Some(root) = self
            .folders
            .get(&i)
            .filter(|f| f.in_memory)
            .map(|f| f.root.clone())
        else {
            return false;
        };
        let baseline = |s: &State, id: &ArtifactId| {
            s.folders[&i]
                .ws
                .as_ref()
                .and_then(|ws| ws.store().deployment(id).ok().flatten())
        };
        let pending: Vec<(ArtifactId, Option<String>)> = self
            .proposals
            .keys()
            .filter(|(f, _)| *f == i)
            .map(|(_, id)| (id.clone(), baseline(self, id).map(|d| d.baseline_hash)))
            .collect();
        let folder = self.open_folder_as(root, false);
        if let Some(f) = self.folders.get_mut(&i) {
            *f = folder;
        }
        for (id, before) in pending {
            let key = (i, id.clone());
            match baseline(self, &id) {
                Some(d) if Some(&d.baseline_hash) == before.as_ref() => {
                    if let Some(p) = self.proposals.get_mut(&key) {
                        p.base_version = Some(d.baseline_version_id);
                    }
                }
                _ => {
                    self.proposals.remove(&key);
                }
            }
        }
        true
    }

    fn open_folder(&self, root: PathBuf) -> Folder {
        let in_memory = !keeps_state(&root);
        self.open_folder_as(root, in_memory)
    }

    fn open_folder_as(&self, root: PathBuf, in_memory: bool) -> Folder {
        let flag = self.settings.collection_path.as_ref().map(PathBuf::from);
        let opened = Collection::resolve(&Env::from_process(flag)).and_then(|c| {
            Workspace::open(
                &root,
                c,
                Options {
                    skillmeat_compat: self.settings.skillmeat_compat,
                    read_only: in_memory,
                    in_memory,
                },
            )
        });
        let mut folder = Folder {
            root: root.clone(),
            ws: None,
            error: None,
            statuses: BTreeMap::new(),
            in_memory,
        };
        match opened {
            Ok(mut ws) => {
                for n in ws.take_notes() {
                    self.log(Level::Info, n);
                }
                ws.interrupt_on(&super::cancel::ENDED);
                match ws.status() {
                    Ok(r) => {
                        for w in &r.warnings {
                            self.log(Level::Warning, w.clone());
                        }
                        folder.statuses =
                            r.artifacts.into_iter().map(|a| (a.id.clone(), a)).collect();
                    }
                    Err(e) => folder.error = Some(e.to_string()),
                }
                self.log(
                    Level::Info,
                    format!(
                        "skillmeat: {} with collection {} (from {})",
                        root.display(),
                        ws.collection().root.display(),
                        ws.collection().source.describe()
                    ),
                );
                if !in_memory {
                    register(&ws);
                }
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
                self.show(Level::Warning, msg.clone());
                folder.error = Some(msg);
            }
        }
        folder
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
            let roots = self.folders.values().map(|f| f.root.clone()).collect();
            self.open_folders(roots);
        } else {
            for i in self.folder_ids() {
                self.publish_folder(i);
            }
        }
    }
}

/// Whether the server keeps state in `root` when it opens it: it is a project by the CLI's rule
/// (`workspace::is_project`), and not the home folder, whose `.skillmeat/` is SkillMeat's own
/// data folder (the CLI refuses it unless named) — unless our database is already there.
pub(super) fn keeps_state(root: &Path) -> bool {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let home = std::env::var_os("HOME").map(|h| canonical(Path::new(&h)));
    let has_db = root
        .join(skillmeat_core::store::DIR_NAME)
        .join(skillmeat_core::store::DB_NAME)
        .is_file();
    if home.is_some_and(|h| h == canonical(root)) {
        return has_db;
    }
    skillmeat_core::workspace::is_project(root)
}

/// Remembers an opened workspace folder (a project, not the collection itself). A state folder
/// that cannot be written costs the registry, never the folder.
pub fn register(ws: &Workspace) {
    let root = ws.root();
    let collection = std::fs::canonicalize(&ws.collection().root).ok();
    if collection.as_deref() == Some(root) || !skillmeat_core::workspace::is_project(root) {
        return;
    }
    if let Some(reg) = Registry::from_process() {
        match reg.register_noting(root) {
            Ok((_, Some(note))) => tracing::warn!("skillmeat: {note}"),
            Ok((_, None)) => {}
            Err(e) => tracing::warn!("skillmeat: {e}"),
        }
    }
}
