//! Sync between the collection and the project (both ways), and the record it leaves:
//! versions, baseline, conflict records, audit event, SkillMeat's deployed file.

use std::time::{Duration, Instant};

use super::Workspace;
use crate::collection::UpstreamRecord;
use crate::error::{Error, Result};
use crate::hash;
use crate::id::ArtifactId;
use crate::merge::Labels;
use crate::store::{AuditEvent, ConflictRecord, NewVersion, Origin, VersionRow};
use crate::sync::plan::{self, Action, Kind, Plan};
use crate::sync::write::{self, Keep, Writer};
use crate::sync::{lock, Direction, Strategy};
use crate::tree::Tree;

/// How long an apply waits for another process's lock on the same artifact.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// What a sync did (or, for a dry run, would do).
#[derive(Debug, Clone)]
pub struct SyncOutcome {
    pub id: ArtifactId,
    pub direction: Direction,
    pub strategy: Strategy,
    pub plan: Plan,
    pub applied: bool,
    /// The version recorded for the result.
    pub version: Option<u32>,
    /// The version under which the replaced target content was kept.
    pub kept_previous: Option<u32>,
    /// For the fork strategy: the new artifact.
    pub forked_as: Option<ArtifactId>,
    pub duration_ms: u64,
    /// When the sync started: what the audit event's duration is measured from (the event is
    /// written while applying, before `duration_ms` is final).
    pub(super) started: Instant,
}

impl SyncOutcome {
    /// Milliseconds since the sync started.
    pub(super) fn elapsed_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// Conflicts were left in the result for a person.
    pub fn has_conflicts(&self) -> bool {
        self.plan.conflicts > 0 && self.strategy != Strategy::Overwrite
    }
}

/// The content of each side of a sync.
pub(super) struct Sides {
    pub(super) source: Tree,
    pub(super) target: Option<Tree>,
    pub(super) target_path: std::path::PathBuf,
    pub(super) base: Option<Tree>,
    pub(super) base_version: Option<VersionRow>,
    /// For upstream → collection: the upstream fields to record once the apply is committed.
    pub(super) upstream: Option<UpstreamRecord>,
}

impl Workspace {
    /// Plans (and with `apply`, performs) a sync of one artifact.
    pub fn sync(
        &mut self,
        query: &str,
        direction: Direction,
        strategy: Strategy,
        apply: bool,
    ) -> Result<SyncOutcome> {
        let id = self.resolve_id(query)?;
        self.sync_id(&id, direction, strategy, apply)
    }

    /// [`Workspace::sync`] for an id already resolved (bulk sync resolves once, up front).
    pub fn sync_id(
        &mut self,
        id: &ArtifactId,
        direction: Direction,
        strategy: Strategy,
        apply: bool,
    ) -> Result<SyncOutcome> {
        let started = Instant::now();
        let id = id.clone();
        self.check_profile(&id)?;
        if strategy == Strategy::Fork && direction != Direction::ProjectToCollection {
            return Err(Error::invalid("the fork strategy only applies to project-to-collection (it writes the project copy as `<name>-fork`)"));
        }
        if direction == Direction::UpstreamToCollection {
            return self.sync_upstream(&id, strategy, apply);
        }
        // Plan under the target's lock when applying (step 1 of the one write path), so two
        // processes syncing the same artifact take turns: the second plans against what the
        // first wrote; the write's entry checks the deployed file of the id's root, which the
        // new baseline is recorded in. (A fork writes a new artifact; `apply_sync` locks that
        // one itself.)
        let writer = if apply && strategy != Strategy::Fork {
            let target = match direction {
                Direction::CollectionToProject => self.project_path(&id)?,
                _ => self.collection_path(&id),
            };
            Some(self.writer(&id, &target)?)
        } else {
            None
        };
        let sides = self.sides(&id, direction, strategy)?;
        self.refuse_onward(&id, direction, &sides.source)?;
        let (src_tier, dst_tier) = direction.tiers();
        let short = |t: &Tree| hash::short(&t.content_hash(id.kind.shape())).to_string();
        let labels = Labels::new(
            format!(
                "{dst_tier} ({})",
                sides.target.as_ref().map(short).unwrap_or_default()
            ),
            format!(
                "deployed ({})",
                sides.base.as_ref().map(short).unwrap_or_default()
            ),
            format!("{src_tier} ({})", short(&sides.source)),
        );
        let plan = plan::plan(plan::Input {
            base: sides.base.as_ref(),
            source: &sides.source,
            target: sides.target.as_ref(),
            shape: id.kind.shape(),
            strategy: if strategy == Strategy::Fork {
                Strategy::Overwrite
            } else {
                strategy
            },
            labels: &labels,
        });
        let mut outcome = SyncOutcome {
            id: id.clone(),
            direction,
            strategy,
            plan,
            applied: false,
            version: None,
            kept_previous: None,
            forked_as: None,
            duration_ms: 0,
            started,
        };
        // A deleted target copy is a change of its own, not something to fill in.
        let deleted = self.deletion_rule(&mut outcome, &sides, apply)?;
        if apply && deleted.is_none() && direction == Direction::ProjectToCollection {
            super::deletion::refuse_modify_delete_push(&outcome)?;
        }
        if apply && deleted.is_none() {
            self.apply_sync(&mut outcome, sides, writer)?;
        }
        outcome.duration_ms = started.elapsed().as_millis() as u64;
        Ok(outcome)
    }

    /// The plan of a sync into the project (dry run) where editor buffers (`(rel, text)`) stand
    /// in for project files (the other files are read from disk): what a code action turns into
    /// text edits.
    pub fn plan_with_buffers(
        &self,
        id: &ArtifactId,
        strategy: Strategy,
        buffers: &[(&str, &[u8])],
    ) -> Result<Plan> {
        let mut sides = self.sides(id, Direction::CollectionToProject, strategy)?;
        let target = sides.target.get_or_insert_with(Tree::default);
        if !id.kind.is_folder() {
            target.files.clear();
        }
        for (rel, text) in buffers {
            target.files.insert(rel.to_string(), text.to_vec());
        }
        let (src_tier, dst_tier) = Direction::CollectionToProject.tiers();
        let short = |t: &Tree| hash::short(&t.content_hash(id.kind.shape())).to_string();
        let labels = Labels::new(
            format!(
                "{dst_tier} ({})",
                sides.target.as_ref().map(short).unwrap_or_default()
            ),
            format!(
                "deployed ({})",
                sides.base.as_ref().map(short).unwrap_or_default()
            ),
            format!("{src_tier} ({})", short(&sides.source)),
        );
        Ok(plan::plan(plan::Input {
            base: sides.base.as_ref(),
            source: &sides.source,
            target: sides.target.as_ref(),
            shape: id.kind.shape(),
            strategy,
            labels: &labels,
        }))
    }

    pub(super) fn sides(
        &self,
        id: &ArtifactId,
        direction: Direction,
        strategy: Strategy,
    ) -> Result<Sides> {
        let shape = id.kind.shape();
        let (source_path, mut target_path) = match direction {
            Direction::CollectionToProject => (self.collection_path(id), self.project_path(id)?),
            _ => (self.project_path(id)?, self.collection_path(id)),
        };
        // The source is read without its lock (another project may be writing it): whole.
        let source = write::read_stable(&source_path, shape)?.ok_or_else(|| {
            Error::not_found(format!(
                "{id} has no {} copy to sync from (looked at {})",
                direction.tiers().0,
                source_path.display()
            ))
        })?;
        if strategy == Strategy::Fork {
            target_path = self.collection_path(&self.fork_id(id)?);
        }
        let target = if strategy == Strategy::Fork {
            None
        } else {
            write::read_optional(&target_path, shape)?
        };
        let (base, base_version) = self.merge_base(id)?;
        Ok(Sides {
            source,
            target,
            target_path,
            base,
            base_version,
            upstream: None,
        })
    }

    /// The merge base: the baseline version (the last content both tiers shared), read from the
    /// stored blobs or, for a baseline known only by hash, any copy that has that content.
    fn merge_base(&self, id: &ArtifactId) -> Result<(Option<Tree>, Option<VersionRow>)> {
        let Some(d) = self.store.deployment(id)? else {
            return Ok((None, None));
        };
        let v = self.store.version(d.baseline_version_id)?;
        let tree = match self.version_tree(id, &v) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == crate::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        Ok((tree, Some(v)))
    }

    /// `<name>-fork`, or `<name>-fork-2`, ... : the first id free in the collection.
    fn fork_id(&self, id: &ArtifactId) -> Result<ArtifactId> {
        let taken = self.collection_artifacts()?;
        let mut n = 1;
        loop {
            let name = if n == 1 {
                format!("{}-fork", id.name)
            } else {
                format!("{}-fork-{n}", id.name)
            };
            let candidate = ArtifactId::new(id.kind, &name)?;
            if !taken.contains_key(&candidate)
                && self.collection_path(&candidate).symlink_metadata().is_err()
            {
                return Ok(candidate);
            }
            n += 1;
        }
    }

    /// Applies a planned sync through the one write path. `writer` holds the target's lock
    /// since before the sides were read (see `sync`); a fork's new artifact is locked here.
    pub(super) fn apply_sync(
        &mut self,
        out: &mut SyncOutcome,
        sides: Sides,
        writer: Option<Writer>,
    ) -> Result<()> {
        let id = out.id.clone();
        let target_id = match out.strategy {
            Strategy::Fork => self.fork_id(&id)?,
            _ => id.clone(),
        };
        if out.strategy == Strategy::Fork {
            out.forked_as = Some(target_id.clone());
        }
        let writer = match writer {
            Some(w) => w,
            None => self.collection_writer(&target_id, &sides.target_path)?,
        };
        let write = !out.plan.is_noop();
        // Never lose a person's content: the target's current content is stored as a version
        // (in the commit's transaction) before it is replaced.
        let latest = self.store.latest_version(&id)?;
        let latest_ids: Vec<i64> = latest.iter().map(|v| v.id).collect();
        let kept_message = format!("kept before sync {}", out.direction);
        let keep = sides.target.as_ref().filter(|_| write).map(|t| Keep {
            tree: t,
            origin: Origin::LocalModification,
            message: &kept_message,
            parents: &latest_ids,
        });
        let applied = writer.apply(
            &self.store,
            sides.target.as_ref(),
            write.then_some(&out.plan.result),
        )?;
        let source_hash = out.plan.source_hash.clone();
        let source_meta = sides.source.meta_digest();
        let kind = out.plan.kind;
        applied.commit(&self.store, keep, |kept| {
            let mut parents: Vec<i64> = Vec::new();
            match kept {
                Some(v) => {
                    if kind == Kind::Overwrite || kind == Kind::Merge {
                        out.kept_previous = Some(v.number);
                    }
                    parents.push(v.id);
                }
                None => parents.extend(latest_ids.iter().copied()),
            }
            // The source content as a version too, so a merge has both parents in the DAG. Inside the
            // commit: a sync killed before it must not leave a version claiming it happened.
            let (source_version, _) = self.store.find_or_add_version(
                &id,
                NewVersion {
                    hash: &source_hash,
                    origin: Origin::Sync,
                    parents: &sides.base_version.iter().map(|v| v.id).collect::<Vec<_>>(),
                    files: Some(&sides.source),
                    message: Some(&format!("{} copy at sync", out.direction.tiers().0)),
                },
            )?;
            // Same copy as the source (content and modes, folders, links): its version; nothing
            // written (the target already is the result): the target's.
            let result_version =
                if out.plan.result_hash == source_hash && out.plan.result_meta == source_meta {
                    source_version.clone()
                } else if out.plan.is_noop() {
                    self.store
                        .version(*parents.first().unwrap_or(&source_version.id))?
                } else {
                    let mut ps = parents.clone();
                    ps.push(source_version.id);
                    self.store.add_version(
                        &id,
                        NewVersion {
                            hash: &out.plan.result_hash,
                            origin: Origin::Merge,
                            parents: &ps,
                            files: Some(&out.plan.result),
                            message: Some(&format!("merge {} ({})", out.direction, out.strategy)),
                        },
                    )?
                };
            if out.strategy == Strategy::Fork {
                let v = self.store.add_version(
                    &target_id,
                    NewVersion {
                        hash: &out.plan.result_hash,
                        origin: Origin::Sync,
                        parents: &[],
                        files: Some(&out.plan.result),
                        message: Some(&format!("forked from {id}")),
                    },
                )?;
                out.version = Some(v.number);
            } else {
                out.version = Some(result_version.number);
            }
            if out.strategy != Strategy::Fork && out.direction != Direction::UpstreamToCollection {
                // The baseline is the source: the content both tiers now share a history with —
                // what came from the collection when pulling, what went to it when pushing.
                // (Upstream → collection leaves the project's baseline alone.)
                self.store.set_baseline(
                    &id,
                    source_version.id,
                    &crate::time::now_utc(),
                    &self.collection.name,
                )?;
            }
            let conflict_files: Vec<String> = out
                .plan
                .files
                .iter()
                .filter(|f| matches!(f.action, Action::Conflict(_)))
                .map(|f| f.path.clone())
                .collect();
            for f in out
                .plan
                .files
                .iter()
                .filter(|f| matches!(f.action, Action::Conflict(_)))
            {
                let get = |t: Option<&Tree>| {
                    t.and_then(|t| t.files.get(&f.path))
                        .map(|b| hash::hash_bytes(b))
                };
                self.store.record_conflict(&ConflictRecord {
                    artifact: &id,
                    file_path: &f.path,
                    base_hash: get(sides.base.as_ref()).as_deref(),
                    ours_hash: get(sides.target.as_ref()).as_deref(),
                    theirs_hash: get(Some(&sides.source)).as_deref(),
                    strategy: out.strategy.as_str(),
                })?;
            }
            self.store.audit(&AuditEvent {
                operation: "sync",
                artifact: Some(&id),
                direction: Some(out.direction.as_str()),
                strategy: Some(out.strategy.as_str()),
                result: if conflict_files.is_empty() {
                    out.plan.kind.as_str()
                } else {
                    "conflicts"
                },
                duration_ms: out.elapsed_ms(),
                conflict_files: &conflict_files,
                version: out.version,
                detail: out
                    .forked_as
                    .as_ref()
                    .map(|f| format!("forked as {f}"))
                    .as_deref(),
            })?;
            Ok(())
        })?;
        out.applied = true;
        self.cache.remove(&sides.target_path);
        match (out.strategy, out.direction) {
            (Strategy::Fork, _) => {
                self.record_in_collection(&target_id, &out.plan.result_hash, None, false)?
            }
            (_, Direction::UpstreamToCollection) => self.record_in_collection(
                &id,
                &out.plan.result_hash,
                sides.upstream.as_ref(),
                true,
            )?,
            (_, direction) => {
                let baseline_hash = source_hash.clone();
                self.write_compat(&[(&id, &baseline_hash)])?;
                if direction == Direction::ProjectToCollection {
                    self.record_in_collection(&id.base(), &out.plan.result_hash, None, false)?;
                }
            }
        }
        Ok(())
    }

    /// Keeps the collection's `collection.toml` / `collection.lock` (SkillMeat's) in step with a
    /// write into the collection: a new artifact gets an `[[artifacts]]` entry, a changed one its
    /// lock hash, and one from upstream its upstream fields (see [`crate::collection::record`]).
    pub(super) fn record_in_collection(
        &mut self,
        id: &ArtifactId,
        hash: &str,
        upstream: Option<&UpstreamRecord>,
        create: bool,
    ) -> Result<()> {
        let manifest = self.collection.root.join("collection.toml");
        let _lock = lock::acquire(&manifest, "the collection's manifest", LOCK_TIMEOUT)?;
        crate::collection::record(&self.collection.root, id, hash, upstream, create)?;
        self.collection =
            crate::collection::Collection::open(&self.collection.root, self.collection.source)?;
        Ok(())
    }
}
