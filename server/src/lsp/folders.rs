//! Opening workspace folders: each gets a [`Workspace`] over the collection the settings name
//! (or why it could not open, said once), its artifacts' statuses, and everything published;
//! a settings change that names another collection opens them again; an opened project joins the
//! registry of workspaces (`register`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use skillmeat_core::collection::{Collection, Env};
use skillmeat_core::registry::Registry;
use skillmeat_core::workspace::{Options, Workspace};

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
                register(&ws);
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

/// Remembers an opened workspace folder (a project, not the collection itself). A state folder
/// that cannot be written costs the registry, never the folder.
pub fn register(ws: &Workspace) {
    let root = ws.root();
    let collection = std::fs::canonicalize(&ws.collection().root).ok();
    if collection.as_deref() == Some(root) || !skillmeat_core::workspace::is_project(root) {
        return;
    }
    if let Some(reg) = Registry::from_process() {
        let _ = reg.register(root);
    }
}
