//! Our own file watching (`notify`), debounced: for the collection, which lives outside the
//! workspace, and for the project when the client does not watch files (Neovim on Linux).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher as _};

/// Quiet time before a burst of events is delivered as one batch.
const DEBOUNCE: Duration = Duration::from_millis(60);

pub struct Watcher {
    _inner: notify::RecommendedWatcher,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Watcher")
    }
}

/// The core's own entries (stages, locks, the store, the fetch cache) are not changes worth a refresh.
fn ours(p: &std::path::Path) -> bool {
    skillmeat_core::layout::internal_path(p).is_some_and(|k| k.is_bookkeeping())
}

impl Watcher {
    /// Watches `dirs` (those that exist) recursively; `on_change` gets each debounced batch.
    pub fn start(
        dirs: Vec<PathBuf>,
        on_change: impl Fn(Vec<PathBuf>) + Send + 'static,
    ) -> notify::Result<Watcher> {
        let (tx, rx) = mpsc::channel::<PathBuf>();
        let mut inner = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
            if let Ok(ev) = ev {
                if matches!(ev.kind, notify::EventKind::Access(_)) {
                    return;
                }
                for p in ev.paths {
                    if !ours(&p) {
                        let _ = tx.send(p);
                    }
                }
            }
        })?;
        for d in dirs.iter().filter(|d| d.is_dir()) {
            inner.watch(d, RecursiveMode::Recursive)?;
        }
        std::thread::Builder::new()
            .name("skillmeat-watch".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    let mut batch = BTreeSet::from([first]);
                    while let Ok(p) = rx.recv_timeout(DEBOUNCE) {
                        batch.insert(p);
                    }
                    on_change(batch.into_iter().collect());
                }
            })
            .map_err(notify::Error::io)?;
        Ok(Watcher { _inner: inner })
    }
}
