//! Bulk sync (`--all`): bounded parallelism, each worker with its own database connection; one
//! artifact's failure never stops the others.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::{SyncOutcome, Workspace};
use crate::error::{Error, Result};
use crate::id::ArtifactId;
use crate::store::KeptRow;
use crate::sync::plan::Kind;
use crate::sync::{Direction, Strategy};

/// How a bulk sync ended, per outcome class.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub fast_forwarded: usize,
    pub merged_clean: usize,
    pub conflicts: usize,
    pub skipped: usize,
    pub errors: usize,
}

impl Summary {
    pub fn add(&mut self, r: &Result<SyncOutcome>) {
        match r {
            Err(_) => self.errors += 1,
            Ok(o) if o.has_conflicts() => self.conflicts += 1,
            Ok(o) => match o.plan.kind {
                Kind::FastForward | Kind::Overwrite => self.fast_forwarded += 1,
                Kind::Merge => self.merged_clean += 1,
                Kind::UpToDate | Kind::NothingToTake => self.skipped += 1,
            },
        }
    }
}

/// What a bulk sync does to each artifact, and how many at once.
#[derive(Debug, Clone, Copy)]
pub struct Bulk {
    pub direction: Direction,
    pub strategy: Strategy,
    pub apply: bool,
    pub parallelism: usize,
}

/// Called after each artifact of a bulk sync with (done, total, artifact, outcome).
pub type Progress<'a> = dyn Fn(usize, usize, &ArtifactId, &Result<SyncOutcome>) + Sync + 'a;

impl Workspace {
    /// A second handle on this workspace for a worker thread: its own database connection,
    /// no import or recovery (the owner already did both).
    fn worker(&self) -> Result<Workspace> {
        let store = crate::store::Store::open(self.store.path())?;
        Ok(Workspace {
            root: self.root.clone(),
            claude: self.claude.clone(),
            collection: self.collection.clone(),
            store,
            cache: Default::default(),
            opts: self.opts.clone(),
            profiles: self.profiles.clone(),
            notes: Vec::new(),
            created_state: false,
            state: None,
            unfound: Default::default(),
            collection_scan: self.collection_scan.clone(),
            collection_hashes: self.collection_hashes.clone(),
            interrupt: self.interrupt,
        })
    }

    /// Syncs every id with at most `parallelism` at a time. `progress` is called after each
    /// artifact with (done, total, outcome). Results come back in the order of `ids`.
    pub fn sync_many(
        &mut self,
        ids: &[ArtifactId],
        bulk: Bulk,
        progress: &Progress<'_>,
        cancel: &std::sync::atomic::AtomicBool,
    ) -> Vec<(ArtifactId, Result<SyncOutcome>)> {
        let total = ids.len();
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<Result<SyncOutcome>>>> =
            Mutex::new((0..total).map(|_| None).collect());
        let workers = bulk.parallelism.clamp(1, total.max(1));
        let run = |ws: &mut Workspace| loop {
            let i = next.fetch_add(1, Ordering::SeqCst);
            let Some(id) = ids.get(i) else { break };
            let r = if cancel.load(Ordering::SeqCst) {
                Err(Error::other(format!("{id}: cancelled before it started")))
            } else {
                ws.sync_id(id, bulk.direction, bulk.strategy, bulk.apply)
            };
            let n = done.fetch_add(1, Ordering::SeqCst) + 1;
            progress(n, total, id, &r);
            if let Ok(mut all) = results.lock() {
                all[i] = Some(r);
            }
        };
        // Connections are opened here: a handle on the workspace cannot cross threads, a worker
        // (which owns its connection) can. A worker that cannot open leaves its share to the rest.
        let extra: Vec<Workspace> = (1..workers).filter_map(|_| self.worker().ok()).collect();
        std::thread::scope(|s| {
            for mut w in extra {
                let run = &run;
                s.spawn(move || run(&mut w));
            }
            run(self);
        });
        let all = results.into_inner().unwrap_or_default();
        ids.iter()
            .cloned()
            .zip(all)
            .map(|(id, r)| {
                let r = r.unwrap_or_else(|| {
                    Err(Error::other(format!(
                        "{id} was not synced (internal error)"
                    )))
                });
                (id, r)
            })
            .collect()
    }
}

/// What a sync works on and what a bulk sync (`--all`) leaves out, with why: the one plan the
/// CLI's `sync` and the server's `skillmeat.sync` both follow, so the two cannot differ.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// The artifacts to sync, in order.
    pub ids: Vec<ArtifactId>,
    /// Kept copies `--all` leaves out (they differ on purpose), with their records.
    pub kept: Vec<(ArtifactId, KeptRow)>,
    /// Orphaned deployments `--all` (collection → project) leaves out: their collection copy is
    /// gone, so there is nothing to take. Named, an orphan is synced and is the error it is.
    pub orphaned: Vec<ArtifactId>,
}

impl Selection {
    /// How many artifacts were left out (counted as `skipped` in a bulk sync's summary).
    pub fn skipped(&self) -> usize {
        self.kept.len() + self.orphaned.len()
    }
}

impl Workspace {
    /// The artifacts a sync covers: the named ones (`queries`, each resolved as a person typed
    /// it), or with `all` every one `--all` covers for `direction` less the kept and orphaned
    /// ones, which come back apart so each adapter reports them the same way.
    pub fn sync_selection(
        &self,
        queries: &[&str],
        all: bool,
        direction: Direction,
    ) -> Result<Selection> {
        if !all {
            let ids = queries
                .iter()
                .map(|q| self.resolve_id(q))
                .collect::<Result<Vec<_>>>()?;
            return Ok(Selection {
                ids,
                ..Selection::default()
            });
        }
        let kept = if direction == Direction::UpstreamToCollection {
            Vec::new()
        } else {
            self.kept_artifacts()?
        };
        let mut ids = self.bulk_ids(direction)?;
        let orphaned = if direction == Direction::CollectionToProject {
            self.orphaned(&ids)?
        } else {
            Vec::new()
        };
        ids.retain(|id| !orphaned.contains(id));
        Ok(Selection {
            ids,
            kept,
            orphaned,
        })
    }

    /// The deployments among `ids` whose collection copy is gone (`orphaned`): a collection →
    /// project sync has nothing to take for them, so a bulk sync reports them instead of
    /// counting them as errors a person could fix by running it again.
    pub fn orphaned(&self, ids: &[ArtifactId]) -> Result<Vec<ArtifactId>> {
        let collection = self.collection_artifacts()?;
        let deployed: Vec<ArtifactId> = self
            .store
            .deployments()?
            .into_iter()
            .map(|d| d.id)
            .collect();
        Ok(ids
            .iter()
            .filter(|id| deployed.contains(id))
            .filter(|id| {
                collection
                    .get(&id.base())
                    .cloned()
                    .unwrap_or_else(|| self.collection_path(id))
                    .symlink_metadata()
                    .is_err()
            })
            .cloned()
            .collect())
    }

    /// Ids a bulk sync (`--all`) covers for a direction.
    pub fn bulk_ids(&self, direction: Direction) -> Result<Vec<ArtifactId>> {
        Ok(match direction {
            Direction::UpstreamToCollection => self
                .collection
                .manifest
                .iter()
                .filter(|(_, m)| m.upstream.is_some())
                .map(|(id, _)| id.clone())
                .collect(),
            _ => {
                // A kept copy differs on purpose: `--all` leaves it alone; naming it syncs it.
                let kept: Vec<ArtifactId> = self
                    .store
                    .all_kept()?
                    .into_iter()
                    .map(|(id, _)| id)
                    .collect();
                self.store
                    .deployments()?
                    .into_iter()
                    .map(|d| d.id)
                    .filter(|id| !kept.contains(id))
                    .collect()
            }
        })
    }
}
