//! The upstream tier (docs/design.md §6): artifacts that come from a git repository.
//!
//! Everything goes through the system `git` ([`git`]), into a fetch cache in the user's cache
//! folder ([`Repo`]), never inside a collection. Asking a remote what a ref names costs one `ls-remote`; a fetch happens only when
//! that commit is not cached yet, so a repeated check of an unchanged upstream transfers nothing.
//! Whether an artifact is `behind` is decided on its own subtree: the tree (or blob) id at its
//! path in the recorded commit against the one in the ref's commit now.

pub mod git;
mod repo;
pub mod spec;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

pub use repo::{cache_root, old_cache_warning, Entry, Repo, Want, STATE_DIR};
pub use spec::{parse_source, GitHub, Source, Upstream};

use crate::error::{Error, Result};

/// What an upstream's ref names now, as the remote advertises it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    pub want: Want,
    /// The ref is a tag (SkillMeat records it as `resolved_version`).
    pub tag: Option<String>,
}

/// The commit an upstream's ref names now, present in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub sha: String,
    pub tag: Option<String>,
}

/// How long an answer of `ls-remote` is reused, so a bulk check or sync of many artifacts from
/// one repository asks it once, while a later check still sees new commits.
const REMOTE_TTL: Duration = Duration::from_secs(5);

type Advertised = Arc<Vec<(String, String)>>;
/// (url, pattern) → when asked, and the answer.
type Memo = Mutex<HashMap<(String, String), (Instant, Advertised)>>;

fn memo() -> &'static Memo {
    static M: OnceLock<Memo> = OnceLock::new();
    M.get_or_init(Default::default)
}

/// `git ls-remote <url> <pattern>` as (commit, ref name) pairs. The pattern keeps the answer
/// small: a GitHub repository advertises thousands of pull-request refs otherwise.
fn advertised(url: &str, pattern: &str) -> Result<Advertised> {
    let key = (url.to_string(), pattern.to_string());
    if let Ok(m) = memo().lock() {
        if let Some((at, refs)) = m.get(&key) {
            if at.elapsed() < REMOTE_TTL {
                return Ok(refs.clone());
            }
        }
    }
    let out = git::run(git::Call::network(
        None,
        &["ls-remote", "-q", "--", url, pattern],
    ))?;
    let refs: Advertised = Arc::new(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(sha, name)| (sha.trim().to_string(), name.trim().to_string()))
            .collect(),
    );
    if let Ok(mut m) = memo().lock() {
        m.insert(key, (Instant::now(), refs.clone()));
    }
    Ok(refs)
}

fn is_full_sha(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_abbrev(s: &str) -> bool {
    (4..40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Asks the remote what `up`'s ref names now. Writes nothing: a missing repository or ref is
/// found out before any cache is made.
pub fn ask_remote(up: &Upstream) -> Result<Remote> {
    let r = up.reference.as_deref();
    let refs = advertised(&up.url, r.unwrap_or("HEAD"))?;
    let find = |name: &str| refs.iter().find(|(_, n)| n == name).map(|(s, _)| s.clone());
    let as_ref = |name: &str, sha: String| Want::Ref {
        name: name.to_string(),
        sha,
    };
    let Some(r) = r else {
        return match find("HEAD") {
            Some(sha) => Ok(Remote {
                want: as_ref("HEAD", sha),
                tag: None,
            }),
            None => Err(Error::not_found(format!(
                "{} has no default branch (is it empty?); pass --ref with a branch, tag or commit",
                up.url
            ))),
        };
    };
    let tag_name = |full: &str| full.strip_prefix("refs/tags/").map(str::to_string);
    // git's own order for a short name: tags before branches.
    let candidates: Vec<String> = if r.starts_with("refs/") {
        vec![r.to_string()]
    } else {
        vec![format!("refs/tags/{r}"), format!("refs/heads/{r}")]
    };
    for name in &candidates {
        // A tag's commit is advertised peeled (`^{}`); the fetch still names the tag itself.
        if let Some(sha) = find(&format!("{name}^{{}}")).or_else(|| find(name)) {
            return Ok(Remote {
                want: as_ref(name, sha),
                tag: tag_name(name),
            });
        }
    }
    if is_full_sha(r) {
        return Ok(Remote {
            want: Want::Commit(r.to_ascii_lowercase()),
            tag: None,
        });
    }
    if is_abbrev(r) {
        return Ok(Remote {
            want: Want::Abbrev(r.to_ascii_lowercase()),
            tag: None,
        });
    }
    Err(Error::not_found(format!(
        "no branch or tag `{r}` in {}; check --ref (or `version_spec` in collection.toml)",
        up.url
    )))
}

/// Asks the remote and makes the commit present in `repo`.
pub fn fetch_head(repo: &Repo, up: &Upstream) -> Result<Head> {
    let remote = ask_remote(up)?;
    let sha = repo.ensure(&remote.want)?;
    Ok(Head {
        sha,
        tag: remote.tag,
    })
}
