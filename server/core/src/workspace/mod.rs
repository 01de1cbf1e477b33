//! The workspace: one project (`<root>/.claude`), its collection and its lineage store.
//!
//! This is the façade the CLI and the language server call. Every operation validates all of its
//! input before it writes anything, so bad input changes nothing.

mod add;
mod buffer;
mod bulk;
mod deletion;
mod deploy;
mod diff;
mod history;
mod import;
mod keep;
mod markers;
mod precheck;
mod profiles;
mod proposal;
mod resolve;
mod revision;
mod rollback;
mod state;
mod status;
mod sync;
mod tag;
mod trail;
mod upstream;
mod verify;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::collection::Collection;
use crate::discover;
use crate::error::{Error, Result};
use crate::id::{ArtifactId, IdQuery};
use crate::statcache::StatCache;
use crate::store::Store;

pub use add::{AddOutcome, AddRequest, AddedUpstream};
pub use buffer::{Located, Tier};
pub use bulk::{Bulk, Progress, Selection, Summary};
pub use deploy::DeployOutcome;
pub use diff::{diff_trees, DiffOutcome};
pub use history::{History, HistoryEntry};
pub use import::ImportReport;
pub use keep::KeepOutcome;
pub use markers::{unresolved_markers, MarkerHit};
pub use proposal::Proposal;
pub use resolve::{files_with_markers, ResolveOutcome};
pub use revision::Resolved;
pub use rollback::RollbackOutcome;
pub use sync::{SyncOutcome, LOCK_TIMEOUT};
pub use tag::TagOutcome;
pub use trail::{check_operation, parse_since, LogQuery, Stats, OPERATIONS};
pub use upstream::{UpstreamCheck, UpstreamState};

/// Behaviour switches, mirrored by the server's settings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Create `.claude/.skillmeat-deployed.toml` when it does not exist (it is always kept
    /// current when it does).
    pub skillmeat_compat: bool,
    /// The command only reads: in a folder that is not a project ([`is_project`]) the lineage
    /// is kept in memory, so nothing (no `.skillmeat/`) is created there.
    pub read_only: bool,
    /// Keep the lineage in memory whatever the folder holds: the server opens a folder it keeps
    /// no state in this way (`$HOME`, whose `.skillmeat/` is SkillMeat's own data folder).
    pub in_memory: bool,
}

/// Whether `dir` is a project: it holds `.claude/` with deployments or artifacts, `.skillmeat/`
/// (our state) or `.git`. A folder that is none of these is not made one by reading it.
pub fn is_project(dir: &Path) -> bool {
    let claude = dir.join(".claude");
    let claude_marker = claude.join(crate::compat::FILE_NAME).exists()
        || crate::id::ArtifactType::ALL
            .iter()
            .any(|k| claude.join(k.dir()).is_dir());
    claude_marker
        || dir.join(crate::store::DIR_NAME).is_dir()
        || dir.join(".git").symlink_metadata().is_ok()
}

#[derive(Debug)]
pub struct Workspace {
    root: PathBuf,
    claude: PathBuf,
    collection: Collection,
    store: Store,
    cache: StatCache,
    opts: Options,
    /// SkillMeat's deployment profiles with their overrides (`.claude` first).
    profiles: crate::profile::Profiles,
    /// Things worth telling a person that did not stop the work (skipped entries, imports).
    notes: Vec<String>,
    /// This open created `.skillmeat/`; see [`Workspace::discard_if_new`].
    created_state: bool,
    /// The shared hold on `.skillmeat/` (`None`: in memory, or a worker of an owner that holds
    /// it), with the database's `data_version` when it was opened.
    state: Option<(state::StateHold, i64)>,
    /// Versions known only by hash whose content was searched for and not found since the last
    /// disk check.
    unfound: std::cell::RefCell<std::collections::HashSet<i64>>,
    /// The collection's artifacts scanned once for many workspaces (see
    /// [`Workspace::share_collection_scan`]); `None`: scanned on each call.
    collection_scan: Option<std::sync::Arc<BTreeMap<ArtifactId, PathBuf>>>,
    /// The collection copies' identities hashed once for many workspaces (see
    /// [`Workspace::share_collection_hashes`]); `None`: each is checked through this
    /// workspace's stat cache.
    collection_hashes: Option<std::sync::Arc<CollectionHashes>>,
    /// When set, a running `status` stops hashing and fails (see [`Workspace::interrupt_on`]).
    interrupt: Option<&'static std::sync::atomic::AtomicBool>,
}

impl Workspace {
    /// Opens the workspace at `root` against `collection`, importing SkillMeat's deployment
    /// records when they are new or changed since we last saw them.
    pub fn open(root: &Path, collection: Collection, opts: Options) -> Result<Workspace> {
        if !root.is_dir() {
            return Err(Error::not_found(format!(
                "workspace {} is not a folder; pass --workspace DIR pointing at a project",
                root.display()
            )));
        }
        let root = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
        let profiles = crate::profile::Profiles::from_process(
            crate::collection::Env::from_process(None)
                .skillmeat_root()
                .as_deref(),
        );
        let claude = profiles.default().root(&root);
        // A project someone else wrote may link its folders anywhere: no profile root, type
        // folder or deployed file is read or written through a link (`.claude` and every other).
        for profile in &profiles.all {
            crate::apply::check_profile_root(&root, profile)?;
        }
        crate::apply::check_no_link_out(&root, crate::store::DIR_NAME, "the project")?;
        let state_dir = root.join(crate::store::DIR_NAME);
        let in_memory = opts.in_memory || (opts.read_only && !is_project(&root));
        if !state_dir.join(crate::store::DB_NAME).exists() {
            // First use: a malformed SkillMeat file must fail before we create anything.
            crate::compat::read(&crate::compat::path_in(&claude))?;
        }
        // Created here (not merely missing when we looked): two processes opening a new
        // project at once create it once, and only the creator may remove it.
        let (hold, created_state) = if in_memory {
            (None, false)
        } else {
            let (h, created) = state::hold(&state_dir)?;
            (Some(h), created)
        };
        let opened = if in_memory {
            Store::open_in_memory()
        } else {
            Store::open_workspace(&root)
        };
        let store = match opened {
            Ok(s) => s,
            Err(e) => {
                if created_state && hold.as_ref().is_some_and(|h| h.sole()) {
                    let _ = std::fs::remove_dir_all(&state_dir);
                }
                return Err(e);
            }
        };
        let state = match hold {
            Some(h) => Some((h, store.data_version()?)),
            None => None,
        };
        let recovered = crate::sync::apply::recover(&store)?;
        let cache = store.load_stat_cache()?;
        let mut ws = Workspace {
            root,
            claude,
            collection,
            store,
            cache,
            opts,
            notes: recovered
                .into_iter()
                .chain(profiles.warnings.clone())
                .collect(),
            profiles,
            created_state,
            state,
            unfound: Default::default(),
            collection_scan: None,
            collection_hashes: None,
            interrupt: None,
        };
        ws.import_if_changed()?;
        Ok(ws)
    }

    /// Removes the `.skillmeat/` state this open created, after a command failed on a workspace
    /// that had none, so bad input leaves no trace. Later opens import SkillMeat's records anew.
    /// It stays once an artifact write began (a person's replaced copy may be stored only
    /// there), and when another process has it open or committed to it since this open.
    pub fn discard_if_new(self) {
        if !self.created_state || self.store.artifact_written() {
            return;
        }
        let Some((hold, opened_at)) = self.state else {
            return;
        };
        // Exclusive first: from here on nobody else can open the folder, so what the database
        // says about other writers stays true until it is gone.
        if !hold.sole() || self.store.data_version().ok() != Some(opened_at) {
            return;
        }
        let dir = self.root.join(crate::store::DIR_NAME);
        drop(self.store);
        let _ = std::fs::remove_dir_all(dir);
        drop(hold);
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the lineage is kept in memory (nothing on disk for this folder): a read-only
    /// command in a folder that is not a project, or [`Options::in_memory`].
    pub fn is_in_memory(&self) -> bool {
        self.store.path() == Path::new(":memory:") || self.opts.in_memory
    }

    pub fn claude_dir(&self) -> &Path {
        &self.claude
    }

    pub fn collection(&self) -> &Collection {
        &self.collection
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Notes gathered since the last call.
    pub fn take_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notes)
    }

    /// The project copy of a deployment: under its profile's root (`.claude` for an id without
    /// `@profile`; see [`crate::profile`]), after that root is checked again
    /// ([`crate::apply::check_profile_root`]: the root, its type folders and its deployed file
    /// are no links), so a root linked out since the workspace opened (the server keeps one
    /// open) is refused, naming the link, before anything is read or written through it. The
    /// one way to the place of a project copy.
    pub fn project_path(&self, id: &ArtifactId) -> Result<PathBuf> {
        let profile = self.profiles.of(id).unwrap_or(self.profiles.default());
        crate::apply::check_profile_root(&self.root, profile)?;
        Ok(profile.artifact_path(&self.root, id))
    }

    /// [`Workspace::project_path`] without its check: only for a batch that has just checked
    /// every root ([`Workspace::check_profile_roots`], `status`'s hot path) and for a path
    /// shown in a message, never read or written through.
    pub(crate) fn project_path_unchecked(&self, id: &ArtifactId) -> PathBuf {
        self.profiles
            .of(id)
            .unwrap_or(self.profiles.default())
            .artifact_path(&self.root, id)
    }

    /// `path` relative to the workspace root, as the status report shows paths (`""` when it
    /// is not below the root).
    pub(crate) fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .map(|r| r.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// The collection copy of an artifact. `collection.toml`'s `path` is always this one: any
    /// other is refused when the collection is opened.
    pub fn collection_path(&self, id: &ArtifactId) -> PathBuf {
        discover::artifact_path(&self.collection.root, id)
    }

    /// Artifacts in the collection: those found on disk plus those its manifest lists.
    pub fn collection_artifacts(&self) -> Result<BTreeMap<ArtifactId, PathBuf>> {
        if let Some(scan) = &self.collection_scan {
            return Ok(scan.as_ref().clone());
        }
        scan_collection(&self.collection)
    }

    /// Uses `scan` (another workspace's [`Workspace::collection_artifacts`] over the same
    /// collection) instead of scanning the collection again: for short-lived workspaces opened
    /// over many projects at once, which would otherwise each read the same collection.
    pub fn share_collection_scan(&mut self, scan: std::sync::Arc<BTreeMap<ArtifactId, PathBuf>>) {
        self.collection_scan = Some(scan);
    }

    /// Uses `hashes` (from [`hash_collection`] over the same collection, just now) for the
    /// collection copies instead of checking each through this workspace's stat cache: for
    /// short-lived read-only workspaces opened over many projects at once, which would otherwise
    /// each stat every file of the same collection.
    pub fn share_collection_hashes(&mut self, hashes: std::sync::Arc<CollectionHashes>) {
        self.collection_hashes = Some(hashes);
    }

    /// Every id this workspace knows: deployed, in the project, or in the collection.
    pub fn known_ids(&self) -> Result<Vec<ArtifactId>> {
        let mut ids = self.present_ids()?;
        ids.extend(self.collection_artifacts()?.into_keys());
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// The deployments recorded here and the artifacts on disk under every profile root
    /// (unsorted, perhaps repeated): what `status` covers.
    pub(crate) fn present_ids(&self) -> Result<Vec<ArtifactId>> {
        let mut ids: Vec<ArtifactId> = self
            .store
            .deployments()?
            .into_iter()
            .map(|d| d.id)
            .collect();
        ids.extend(self.scan_project()?.artifacts.into_keys());
        Ok(ids)
    }

    /// Resolves what a person typed (`type:name` or a bare name, either with `@profile`) to a
    /// known artifact. Without a profile, an id means the `.claude` deployment when there is
    /// one, else the only deployment under another root, else the collection artifact; two
    /// deployments under other roots are ambiguous (the error lists them).
    pub fn resolve_id(&self, query: &str) -> Result<ArtifactId> {
        let q = IdQuery::parse(query)?;
        if let Some(p) = q.profile() {
            if self.profiles.get(p).is_none() {
                return Err(Error::not_found(format!(
                    "unknown profile `{p}` in `{query}`: the profiles here are {}",
                    self.profile_names()
                )));
            }
        }
        let deployed = self.present_ids()?;
        if q.names_profile() || deployed.iter().any(|d| q.matches_name(d)) {
            if let Ok(id) = q.resolve(deployed.iter()) {
                return Ok(id);
            }
            if q.profile().is_some() {
                // `skill:x@codex` names a deployment; there is none, so say so.
                return q.resolve(deployed.iter());
            }
            if !q.names_profile()
                && deployed
                    .iter()
                    .any(|d| q.matches_name(d) && d.profile.is_some())
                && !deployed
                    .iter()
                    .any(|d| q.matches_name(d) && d.profile.is_none())
            {
                return q.resolve(deployed.iter());
            }
        }
        q.resolve(self.known_ids()?.iter())
    }

    /// The profiles configured here, for messages (`claude, codex, gemini, cursor`).
    pub fn profile_names(&self) -> String {
        self.profiles
            .all
            .iter()
            .map(|p| p.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Artifacts in `collection`: those found on disk plus those its manifest lists (what
/// [`Workspace::collection_artifacts`] returns).
/// The content hash and modes/folders/links digest of collection copies, by path.
pub type CollectionHashes = std::collections::HashMap<PathBuf, (String, String)>;

/// Hashes every collection copy of `scan` once (reading its files; a copy that cannot be read is
/// left out, so each workspace reports it itself), for [`Workspace::share_collection_hashes`].
pub fn hash_collection(scan: &BTreeMap<ArtifactId, PathBuf>) -> CollectionHashes {
    scan.iter()
        .filter_map(|(id, path)| {
            let h = crate::statcache::hash_artifact(path, id.kind.shape(), None).ok()?;
            Some((path.clone(), (h.hash, h.meta)))
        })
        .collect()
}

pub fn scan_collection(collection: &Collection) -> Result<BTreeMap<ArtifactId, PathBuf>> {
    let found = discover::scan(&collection.root)?;
    let mut all = found.artifacts;
    for id in collection.manifest.keys() {
        let p = discover::artifact_path(&collection.root, id);
        // SkillMeat's manifest lists every artifact at the path the scan already found: only
        // entries elsewhere cost a stat (this runs on every drift check).
        if all.get(id) == Some(&p) {
            continue;
        }
        if p.exists() {
            all.insert(id.clone(), p);
        }
    }
    Ok(all)
}
