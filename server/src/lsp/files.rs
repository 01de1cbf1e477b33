//! Files changed on disk — seen by the client's watcher or our own (`watcher`) — refresh the
//! artifacts they belong to; and which folders our own watcher watches.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use skillmeat_core::ArtifactId;

use super::client::Level;
use super::event::Event;
use super::state::{FolderId, State};
use super::watcher::Watcher;

impl State {
    /// Files changed on disk (client watcher or our own): refresh the artifacts they belong to,
    /// in the project or the collection; anything else under a profile root (`.claude/`, `.agents/`, ...) rescans the folder.
    pub fn files_changed(&mut self, paths: Vec<PathBuf>) {
        let _span = tracing::info_span!("files_changed", paths = paths.len()).entered();
        let mut per_folder: BTreeMap<FolderId, (BTreeSet<ArtifactId>, bool)> = BTreeMap::new();
        for path in &paths {
            for (i, f) in &self.folders {
                let Some(ws) = f.ws.as_ref() else { continue };
                let entry = per_folder.entry(*i).or_default();
                if path.file_name().is_some_and(|n| {
                    n == skillmeat_core::compat::FILE_NAME || n == "collection.toml"
                }) {
                    entry.1 = true;
                } else if let Some(l) = ws.locate(path) {
                    if l.tier == skillmeat_core::workspace::Tier::Collection {
                        // A collection artifact is deployed under every profile root: each of
                        // its deployments (`skill:x`, `skill:x@codex`, ...) is now behind it.
                        let deployments = f.statuses.keys().filter(|k| k.base() == l.id);
                        entry.0.extend(deployments.cloned());
                    }
                    entry.0.insert(l.id);
                } else if super::profile_roots::under_a_root(ws, path)
                    || path.starts_with(&ws.collection().root)
                {
                    entry.1 = true;
                }
            }
        }
        for (i, (ids, mut rescan)) in per_folder {
            // A folder kept in memory that another process made a project meanwhile (a CLI
            // deploy there created its `.skillmeat/`): from now on its state is read from disk.
            let became_project = self
                .folders
                .get(&i)
                .is_some_and(|f| f.in_memory && super::folders::keeps_state(&f.root));
            if became_project && self.persist(i) {
                rescan = true;
            }
            if rescan {
                if let Some(ws) = self.folders.get_mut(&i).and_then(|f| f.ws.as_mut()) {
                    if let Err(e) = ws.reimport_if_changed() {
                        self.log(Level::Warning, format!("skillmeat: {e}"));
                    }
                }
                self.refresh_folder(i);
            } else if !ids.is_empty() {
                let ids: Vec<ArtifactId> = ids.into_iter().collect();
                self.refresh_from_disk(i, &ids);
            }
        }
    }

    /// Starts or stops our own file watching: the collection always (it is outside the
    /// workspace), the project too when the client does not watch files for us.
    pub fn rewatch(&mut self) {
        let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
        for f in self.folders.values() {
            if let Some(ws) = &f.ws {
                dirs.insert(ws.collection().root.clone());
                if !self.caps.watched_files_dynamic {
                    dirs.insert(ws.claude_dir().to_path_buf());
                    dirs.extend(super::profile_roots::existing_roots(ws));
                }
            }
        }
        let events = self.events.clone();
        self.watcher = Watcher::start(dirs.into_iter().collect(), move |paths| {
            let _ = events.send(Event::FilesChanged(paths));
        })
        .map_err(|e| {
            self.log(
                Level::Warning,
                format!("skillmeat: file watching unavailable: {e}"),
            )
        })
        .ok();
    }
}
