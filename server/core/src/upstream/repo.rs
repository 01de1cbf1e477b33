//! The fetch cache: one bare repository per upstream URL in the user's cache folder
//! (`$XDG_CACHE_HOME/skillmeat-lsp/git/<hash of url>.git`, else `~/.cache/skillmeat-lsp/…`),
//! fetched incrementally, and reading an artifact's files out of it at any commit with the same
//! policy as reading them from disk (`repo/read.rs`).
//!
//! The cache is never inside a collection: a collection is often someone else's git repository,
//! and a git directory committed into it (with hooks, or config naming programs) would run code
//! here. An old cache left in a collection by earlier builds (`<collection>/.skillmeat-lsp/git/`)
//! is ignored and named in a warning.
//!
//! Every commit we record as `resolved_sha` is pinned by a ref, so the merge base of the next
//! upstream sync stays readable even after upstream rewrites its history.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

mod read;

use super::git::{self, Call};
use crate::error::{Error, IoContext, Result};

/// Where earlier builds kept the fetch cache inside a collection; now only named in a warning.
pub const STATE_DIR: &str = ".skillmeat-lsp";

/// The folder holding every cache repository: `$XDG_CACHE_HOME/skillmeat-lsp/git` when that is
/// an absolute path (the XDG rule), else `~/.cache/skillmeat-lsp/git`.
pub fn cache_root() -> Result<PathBuf> {
    let xdg = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let base = match (xdg, home) {
        (Some(x), _) => x,
        (None, Some(h)) => h.join(".cache"),
        (None, None) => {
            return Err(Error::not_found(
                "no cache folder for fetched upstreams: neither XDG_CACHE_HOME nor HOME is set to an absolute path; set one of them",
            ))
        }
    };
    Ok(base.join("skillmeat-lsp").join("git"))
}

/// A warning naming the fetch cache an earlier build left inside the collection at `root`, which
/// is never used (it may hold hooks or config from whoever committed it).
pub fn old_cache_warning(root: &Path) -> Option<String> {
    let old = root.join(STATE_DIR).join("git");
    old.symlink_metadata().is_ok().then(|| {
        format!(
            "ignoring {}: fetch caches now live in the user's cache folder and one inside a collection is never used (it could run someone else's git hooks); delete it",
            old.display()
        )
    })
}

/// How long to wait for another process fetching into the same cache repository.
const FETCH_LOCK_TIMEOUT: Duration = Duration::from_secs(300);

/// Everything fetched from a remote lands under this namespace; `--prune` only ever removes
/// refs there, never the pins.
const FETCH_ALL: [&str; 2] = [
    "+refs/heads/*:refs/upstream/heads/*",
    "+refs/tags/*:refs/upstream/tags/*",
];

/// What to make present in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want {
    /// A ref the remote advertised (`HEAD`, `refs/heads/x`, `refs/tags/x`) and the commit it
    /// named when asked.
    Ref { name: String, sha: String },
    /// A full commit id.
    Commit(String),
    /// An abbreviated commit id, found once the remote's branches and tags are fetched.
    Abbrev(String),
}

/// One entry of a git tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub mode: String,
    /// `blob`, `tree` or `commit` (a submodule).
    pub kind: String,
    pub oid: String,
    pub size: Option<u64>,
}

impl Entry {
    fn is_link(&self) -> bool {
        self.mode == "120000"
    }
}

/// One upstream's cache repository.
#[derive(Debug)]
pub struct Repo {
    pub url: String,
    pub dir: PathBuf,
    /// This handle created the repository (or the state folder): see [`Repo::discard_if_created`].
    created: Option<PathBuf>,
}

fn url_key(url: &str) -> String {
    crate::hash::hash_bytes(url.as_bytes())[..20].to_string()
}

impl Repo {
    /// Opens (creating when needed) the cache repository of `url` in [`cache_root`].
    pub fn open(url: &str) -> Result<Repo> {
        let parent = cache_root()?;
        let dir = parent.join(format!("{}.git", url_key(url)));
        let mut created = None;
        if !dir.join("HEAD").is_file() {
            // The topmost folder this open makes (the cache root's parents included), so a
            // failed first use removes all it created.
            let mut top = dir.clone();
            while let Some(p) = top.parent() {
                if p.exists() {
                    break;
                }
                top = p.to_path_buf();
            }
            created = Some(top);
            fs::create_dir_all(&parent).at(&parent)?;
            // Initialise beside the final place and rename, so a half-made repository is never
            // seen by a concurrent process.
            // Unique per process and call: threads of one process may create the same cache.
            static SEQ: AtomicUsize = AtomicUsize::new(0);
            let tmp = parent.join(crate::layout::temp_name(
                &url_key(url),
                &format!(
                    "{}-{}",
                    std::process::id(),
                    SEQ.fetch_add(1, Ordering::Relaxed)
                ),
            ));
            let _ = fs::remove_dir_all(&tmp);
            let tmp_s = tmp.to_string_lossy().into_owned();
            let init = git::run(Call {
                args: &["init", "--bare", "-q", "--template=", "--", &tmp_s],
                git_dir: None,
                stdin: None,
                timeout: git::LOCAL_TIMEOUT,
                retry: false,
            })
            .and_then(|_| {
                // Maintenance runs inline: a detached gc outliving this process would surprise
                // whoever removes or copies the collection right after.
                for (k, v) in [
                    ("gc.autoDetach", "false"),
                    ("maintenance.autoDetach", "false"),
                    ("skillmeat.url", url),
                ] {
                    git::run(Call::local(&tmp, &["config", k, v]))?;
                }
                Ok(())
            });
            if let Err(e) = init {
                let _ = fs::remove_dir_all(&tmp);
                return Err(e.context(format!("could not create the fetch cache for {url}")));
            }
            if fs::rename(&tmp, &dir).is_err() {
                // Another process made it first; theirs is as good as ours.
                let _ = fs::remove_dir_all(&tmp);
                created = None;
            }
        }
        Ok(Repo {
            url: url.to_string(),
            dir,
            created,
        })
    }

    /// Removes what [`Repo::open`] created, after the operation that needed it failed, so bad
    /// input leaves no trace in the collection.
    pub fn discard_if_created(self) {
        if let Some(p) = &self.created {
            let _ = fs::remove_dir_all(p);
        }
    }

    fn git(&self, args: &[&str]) -> Result<git::Output> {
        git::run(Call::local(&self.dir, args))
    }

    /// The cache repository of `url` if it was ever made; never creates one.
    pub fn existing(url: &str) -> Option<Repo> {
        let dir = cache_root().ok()?.join(format!("{}.git", url_key(url)));
        dir.join("HEAD").is_file().then(|| Repo {
            url: url.to_string(),
            dir,
            created: None,
        })
    }

    /// Commits of every cached ref that touched `path`, newest first, at most `limit`.
    pub fn commits_touching(&self, path: &str, limit: usize) -> Result<Vec<String>> {
        let max = format!("--max-count={limit}");
        let mut args = vec!["rev-list", &max, "--all"];
        if !path.is_empty() {
            args.extend(["--", path]);
        }
        let out = self.git(&args)?;
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect())
    }

    pub fn has_commit(&self, sha: &str) -> bool {
        self.git(&["cat-file", "-e", &format!("{sha}^{{commit}}")])
            .is_ok()
    }

    fn rev_parse(&self, rev: &str) -> Option<String> {
        let out = self
            .git(&["rev-parse", "--verify", "-q", &format!("{rev}^{{commit}}")])
            .ok()?;
        let s = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (!s.is_empty()).then_some(s)
    }

    /// Fetches `refspecs` from the remote, one process at a time per cache repository.
    fn fetch(&self, refspecs: &[&str]) -> Result<()> {
        let _lock = crate::sync::lock::acquire(
            &self.dir,
            &format!("the fetch cache of {}", self.url),
            FETCH_LOCK_TIMEOUT,
        )?;
        let mut args = vec![
            "fetch",
            "-q",
            "--no-tags",
            "--no-write-fetch-head",
            "--",
            &self.url,
        ];
        args.extend_from_slice(refspecs);
        git::run(Call::network(Some(&self.dir), &args)).map(|_| ())
    }

    /// Keeps `sha` (and its history) in the cache whatever upstream does to its branches.
    pub fn pin(&self, sha: &str) -> Result<()> {
        let _lock = crate::sync::lock::acquire(
            &self.dir,
            &format!("the fetch cache of {}", self.url),
            FETCH_LOCK_TIMEOUT,
        )?;
        self.git(&["update-ref", &format!("refs/skillmeat/pins/{sha}"), sha])
            .map(|_| ())
    }

    /// Makes the commit `want` names present in the cache, fetching only when it is missing,
    /// and returns its full id.
    pub fn ensure(&self, want: &Want) -> Result<String> {
        match want {
            Want::Ref { name, sha } => {
                if self.has_commit(sha) {
                    return Ok(sha.clone());
                }
                let dst = format!(
                    "refs/upstream/{}",
                    name.strip_prefix("refs/").unwrap_or(name)
                );
                self.fetch(&[&format!("+{name}:{dst}")])?;
                // The ref may have moved since the remote was asked; what was fetched is newest.
                self.rev_parse(&dst).ok_or_else(|| {
                    Error::not_found(format!("{} has no commit at {name}", self.url))
                })
            }
            Want::Commit(sha) => {
                if self.has_commit(sha) {
                    return Ok(sha.clone());
                }
                // Servers that refuse a bare commit id still hand it over with its branch.
                if self
                    .fetch(&[&format!("{sha}:refs/skillmeat/pins/{sha}")])
                    .is_err()
                    || !self.has_commit(sha)
                {
                    self.fetch(&FETCH_ALL)?;
                }
                if self.has_commit(sha) {
                    Ok(sha.clone())
                } else {
                    Err(Error::not_found(format!(
                        "commit {sha} is not in {} (was the history rewritten?)",
                        self.url
                    )))
                }
            }
            Want::Abbrev(prefix) => {
                if let Some(s) = self.rev_parse(prefix) {
                    return Ok(s);
                }
                self.fetch(&FETCH_ALL)?;
                self.rev_parse(prefix).ok_or_else(|| {
                    Error::not_found(format!(
                        "no branch, tag or commit `{prefix}` in {}",
                        self.url
                    ))
                })
            }
        }
    }
}
