//! The upstream tier (git) of the workspace's collection: the `upstream` revision,
//! `check-upstream` (current / behind / ahead / diverged, docs/design.md §4) and upstream → collection
//! sync, whose merge base is the upstream content at the recorded `resolved_sha`, read from git.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use super::revision::Resolved;
use super::sync::{Sides, SyncOutcome};
use super::Workspace;
use crate::error::{Error, Result};
use crate::hash;
use crate::id::ArtifactId;
use crate::id::Shape;
use crate::merge::Labels;
use crate::sync::plan;
use crate::sync::{Direction, Strategy};
use crate::tree::{self, Tree};
use crate::upstream::{self, Repo, Upstream, Want};

/// How many artifacts `check-upstream` looks at at once (each is mostly waiting on the network).
const CHECK_PARALLELISM: usize = 4;

/// Where a collection artifact stands against its upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UpstreamState {
    /// Nothing new upstream for this artifact's subtree, and the collection copy is unedited.
    Current,
    /// Upstream changed this artifact's subtree since `resolved_sha`.
    Behind,
    /// The collection copy was edited since it came from upstream.
    Ahead,
    /// Both.
    Diverged,
}

impl UpstreamState {
    pub fn as_str(self) -> &'static str {
        match self {
            UpstreamState::Current => "current",
            UpstreamState::Behind => "behind",
            UpstreamState::Ahead => "ahead",
            UpstreamState::Diverged => "diverged",
        }
    }

    /// Upstream has something this collection has not taken in.
    pub fn needs_sync(self) -> bool {
        matches!(self, UpstreamState::Behind | UpstreamState::Diverged)
    }
}

/// One artifact's upstream check.
#[derive(Debug, Clone)]
pub struct UpstreamCheck {
    pub id: ArtifactId,
    pub state: UpstreamState,
    pub upstream: Upstream,
    /// The commit the collection copy came from (`resolved_sha`), if recorded.
    pub resolved_sha: Option<String>,
    /// The commit the ref names now.
    pub current_sha: String,
    pub collection_hash: String,
    /// The content hash of the upstream copy now (`None`: the path is gone upstream).
    pub upstream_hash: Option<String>,
    pub warnings: Vec<String>,
}

/// What an upstream operation needs of one artifact: plain data, so checks can run on threads.
#[derive(Debug, Clone)]
struct Job {
    id: ArtifactId,
    up: Upstream,
    resolved: Option<String>,
    collection_root: PathBuf,
    collection_path: PathBuf,
    /// What the collection copy's single file is called, for commands and agents.
    file_name: String,
}

impl Job {
    fn shape(&self) -> Shape {
        self.id.kind.shape()
    }

    fn read(&self, repo: &Repo, sha: &str) -> Result<Tree> {
        repo.read(sha, &self.up.path, self.shape(), &self.file_name)
    }

    fn collection_copy(&self) -> Result<Option<Tree>> {
        if self.collection_path.symlink_metadata().is_err() {
            return Ok(None);
        }
        tree::read_artifact(&self.collection_path, self.shape()).map(Some)
    }

    /// The upstream content at `resolved_sha` — the merge base — or why it cannot be had.
    fn base(&self, repo: &Repo) -> std::result::Result<(String, Tree), String> {
        let Some(r) = &self.resolved else {
            return Err(format!(
                "{} records no resolved_sha, so what came from upstream is unknown",
                self.id
            ));
        };
        repo.ensure(&Want::Commit(r.clone()))
            .and_then(|sha| Ok((sha.clone(), self.read(repo, &sha)?)))
            .map_err(|e| format!("the upstream content at resolved_sha {r} cannot be read: {e}"))
    }

    fn check(&self) -> Result<UpstreamCheck> {
        let repo = Repo::open(&self.up.url)?;
        let head = upstream::fetch_head(&repo, &self.up)?;
        let shape = self.shape();
        let collection = self.collection_copy()?.ok_or_else(|| {
            Error::not_found(format!(
                "{} has no collection copy (looked at {})",
                self.id,
                self.collection_path.display()
            ))
        })?;
        let collection_hash = collection.content_hash(shape);
        let mut warnings: Vec<String> = upstream::old_cache_warning(&self.collection_root)
            .into_iter()
            .collect();
        let now_entry = repo.entry(&head.sha, &self.up.path)?;
        let upstream_hash = match &now_entry {
            Some(_) => Some(self.read(&repo, &head.sha)?.content_hash(shape)),
            None => {
                warnings.push(format!(
                    "upstream no longer has `{}` at {}",
                    self.up.path,
                    short_sha(&head.sha)
                ));
                None
            }
        };
        let (behind, ahead) = match self.base(&repo) {
            Ok((base_sha, base)) => {
                // Behind is about this artifact's own subtree: a commit elsewhere in the
                // repository leaves its tree id, and so this answer, alone.
                let behind = base_sha != head.sha
                    && repo.entry(&base_sha, &self.up.path)?.map(|e| e.oid)
                        != now_entry.as_ref().map(|e| e.oid.clone());
                (behind, base.content_hash(shape) != collection_hash)
            }
            Err(why) => {
                warnings.push(format!("{why}; comparing with upstream's content instead"));
                (
                    upstream_hash.as_deref() != Some(collection_hash.as_str()),
                    false,
                )
            }
        };
        let state = if upstream_hash.as_deref() == Some(collection_hash.as_str()) {
            // Both sides hold the same content: nothing to take, nothing to keep.
            UpstreamState::Current
        } else {
            match (behind, ahead) {
                (false, false) => UpstreamState::Current,
                (true, false) => UpstreamState::Behind,
                (false, true) => UpstreamState::Ahead,
                (true, true) => UpstreamState::Diverged,
            }
        };
        Ok(UpstreamCheck {
            id: self.id.clone(),
            state,
            upstream: self.up.clone(),
            resolved_sha: self.resolved.clone(),
            current_sha: head.sha,
            collection_hash,
            upstream_hash,
            warnings,
        })
    }
}

fn short_sha(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
}

impl Workspace {
    /// The artifact's upstream, as `collection.toml` records it.
    fn upstream_job(&self, id: &ArtifactId) -> Result<Job> {
        let entry = self.collection.manifest.get(&id.base());
        let up = match entry {
            Some(e) => Upstream::from_manifest(id, e)?,
            None => None,
        };
        let Some(up) = up else {
            return Err(Error::not_found(format!(
                "{id} has no upstream in {} (it was not added from a git repository); a project's copy is pushed to the collection with `skillmeat-lsp sync {id} --direction project-to-collection`, and `skillmeat-lsp add SOURCE --name N` adds a git artifact under a new name",
                self.collection.root.join("collection.toml").display()
            )));
        };
        let collection_path = self.collection_path(id);
        let file_name = collection_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(Job {
            id: id.clone(),
            up,
            resolved: entry
                .and_then(|e| e.resolved_sha.clone())
                .filter(|s| !s.trim().is_empty()),
            collection_root: self.collection.root.clone(),
            collection_path,
            file_name,
        })
    }

    /// The `upstream` revision: the artifact's content at the commit its ref names now.
    /// Looks for content `hash` of `id` in its upstream's history as cached locally (no fetch):
    /// how a legacy baseline known only by its hash becomes a merge base again (docs/design.md §5).
    pub(crate) fn find_in_upstream_history(
        &self,
        id: &ArtifactId,
        hash: &str,
    ) -> Result<Option<Tree>> {
        /// Commits searched at most; older baselines fall back to a two-way merge.
        const DEPTH: usize = 200;
        let Ok(job) = self.upstream_job(id) else {
            return Ok(None);
        };
        let Some(repo) = Repo::existing(&job.up.url) else {
            return Ok(None);
        };
        for sha in repo.commits_touching(&job.up.path, DEPTH)? {
            if let Ok(tree) = job.read(&repo, &sha) {
                if tree.content_hash(id.kind.shape()) == hash {
                    return Ok(Some(tree));
                }
            }
        }
        Ok(None)
    }

    pub(super) fn upstream_rev(&self, id: &ArtifactId) -> Result<Resolved> {
        let job = self.upstream_job(id)?;
        let repo = Repo::open(&job.up.url)?;
        let head = upstream::fetch_head(&repo, &job.up)?;
        let tree = job.read(&repo, &head.sha)?;
        Ok(Resolved {
            label: format!(
                "upstream ({} at {})",
                job.up.describe(),
                short_sha(&head.sha)
            ),
            hash: tree.content_hash(id.kind.shape()),
            tree,
            version: None,
        })
    }

    /// Checks artifacts against their upstreams: the ones named, or every one with an upstream.
    /// Each result stands alone, so one unreachable repository does not hide the others.
    pub fn check_upstream(
        &self,
        queries: &[String],
    ) -> Result<Vec<(ArtifactId, Result<UpstreamCheck>)>> {
        let ids = if queries.is_empty() {
            self.bulk_ids(Direction::UpstreamToCollection)?
        } else {
            queries
                .iter()
                .map(|q| self.resolve_id(q))
                .collect::<Result<Vec<_>>>()?
        };
        let mut jobs: Vec<(ArtifactId, Result<Job>)> = Vec::with_capacity(ids.len());
        for id in ids {
            let j = self.upstream_job(&id);
            // Naming an artifact that has no (readable) upstream is bad input: refuse it whole.
            // Among all artifacts, a malformed entry is that artifact's error alone.
            let j = match j {
                Err(e) if !queries.is_empty() => return Err(e),
                j => j,
            };
            jobs.push((id, j));
        }
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<Result<UpstreamCheck>>>> =
            Mutex::new((0..jobs.len()).map(|_| None).collect());
        let work = || loop {
            let i = next.fetch_add(1, Ordering::SeqCst);
            let Some((_, job)) = jobs.get(i) else { break };
            let r = match job {
                Ok(j) => j.check(),
                Err(e) => Err(Error::not_found(e.to_string())),
            };
            if let Ok(mut all) = results.lock() {
                all[i] = Some(r);
            }
        };
        std::thread::scope(|s| {
            for _ in 1..CHECK_PARALLELISM.min(jobs.len()) {
                s.spawn(work);
            }
            work();
        });
        let all = results.into_inner().unwrap_or_default();
        Ok(jobs
            .into_iter()
            .zip(all)
            .map(|((id, job), r)| {
                let r = match (job, r) {
                    // Keep the original error (and its kind) for an artifact without upstream.
                    (Err(e), _) => Err(e),
                    (Ok(_), Some(r)) => r,
                    (Ok(_), None) => Err(Error::other(format!("{id} was not checked"))),
                };
                (id, r)
            })
            .collect())
    }

    /// Upstream → collection: plans (and with `apply`, performs) taking in what upstream changed
    /// since `resolved_sha`, then records the new `resolved_sha` and lock hash.
    pub(super) fn sync_upstream(
        &mut self,
        id: &ArtifactId,
        strategy: Strategy,
        apply: bool,
    ) -> Result<SyncOutcome> {
        let started = Instant::now();
        let job = self.upstream_job(id)?;
        let shape = job.shape();
        let repo = Repo::open(&job.up.url)?;
        let head = upstream::fetch_head(&repo, &job.up)?;
        let source = job.read(&repo, &head.sha).map_err(|e| {
            e.context(format!(
                "{id}: upstream {} at {}",
                job.up.describe(),
                short_sha(&head.sha)
            ))
        })?;
        let (base, base_note, base_sha) = match job.base(&repo) {
            Ok((sha, t)) => (Some(t), None, Some(sha)),
            Err(why) => (None, Some(why), None),
        };
        // Applying: the collection copy's lock first, so the plan is made against what is there.
        let writer = if apply {
            Some(self.collection_writer(id, &job.collection_path)?)
        } else {
            None
        };
        let target = job.collection_copy()?;
        let short_hash = |t: &Tree| hash::short(&t.content_hash(shape)).to_string();
        let labels = Labels::new(
            format!(
                "collection ({})",
                target.as_ref().map(short_hash).unwrap_or_default()
            ),
            format!(
                "upstream {} ({})",
                base_sha.as_deref().map(short_sha).unwrap_or("?"),
                base.as_ref().map(short_hash).unwrap_or_default()
            ),
            format!(
                "upstream {} ({})",
                short_sha(&head.sha),
                short_hash(&source)
            ),
        );
        let mut plan = plan::plan(plan::Input {
            base: base.as_ref(),
            source: &source,
            target: target.as_ref(),
            shape,
            strategy,
            labels: &labels,
        });
        if let Some(n) = base_note {
            plan.warnings.insert(0, n);
        }
        if let Some(w) = upstream::old_cache_warning(&self.collection.root) {
            plan.warnings.push(w);
        }
        let mut outcome = SyncOutcome {
            id: id.clone(),
            direction: Direction::UpstreamToCollection,
            strategy,
            plan,
            applied: false,
            version: None,
            kept_previous: None,
            forked_as: None,
            duration_ms: 0,
            started,
        };
        if apply {
            // The new resolved_sha must stay readable as the next merge base.
            repo.pin(&head.sha)?;
            // The version holding the merge base: its content, modes and links (as
            // `Store::find_or_add_version` matches), intact.
            let base_version = match (&outcome.plan.base_hash, &base) {
                (Some(h), Some(b)) => {
                    let meta = b.meta_digest();
                    self.store
                        .versions(id)?
                        .into_iter()
                        .rev()
                        .find(|v| v.holds(h, &meta) && self.store.verify_version(v.id).is_ok())
                }
                _ => None,
            };
            let sides = Sides {
                source,
                target,
                target_path: job.collection_path.clone(),
                base,
                base_version,
                upstream: Some(job.up.record(&head.sha, head.tag.as_deref())),
            };
            self.apply_sync(&mut outcome, sides, writer)?;
        }
        outcome.duration_ms = started.elapsed().as_millis() as u64;
        Ok(outcome)
    }
}
