//! Upstream sources as people write them — SkillMeat's spec forms, git URLs, local paths — and as
//! `collection.toml` records them.
//!
//! SkillMeat writes a GitHub upstream as `upstream = "https://github.com/u/r/tree/<sha>/<path>"`
//! with the followed ref in `version_spec` (`latest` = the default branch) and the commit in
//! `resolved_sha`. Any other git repository is recorded as `upstream = "<git url>"`,
//! `upstream_path` and `version_spec` (docs/design.md §6).

use std::path::{Component, Path, PathBuf};

use crate::collection::{ManifestEntry, UpstreamRecord};
use crate::error::{Error, Result};
use crate::id::ArtifactId;

/// A repository on GitHub: recorded in SkillMeat's own form, so its CLI can update it too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHub {
    pub owner: String,
    pub repo: String,
}

/// Where an artifact's upstream lives: a repository, a path inside it and a ref to follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// What git is given: a URL or an absolute local path.
    pub url: String,
    /// The artifact's path inside the repository, `/`-separated; empty for the root.
    pub path: String,
    /// Branch, tag or commit; `None` follows the remote's default branch (SkillMeat's `latest`).
    pub reference: Option<String>,
    pub github: Option<GitHub>,
}

/// What `add SOURCE` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Git(Upstream),
    /// A folder or file on this machine that is not a git repository: copied, no upstream.
    Local(PathBuf),
}

const GITHUB: &str = "https://github.com/";

impl Upstream {
    /// The ref as SkillMeat's `version_spec` spells it.
    pub fn version_spec(&self) -> &str {
        self.reference.as_deref().unwrap_or("latest")
    }

    /// How to name this upstream to a person: `owner/repo/path@ref` or `<url> (path) @ref`.
    pub fn describe(&self) -> String {
        let at = self
            .reference
            .as_deref()
            .map(|r| format!("@{r}"))
            .unwrap_or_default();
        match &self.github {
            Some(g) if self.path.is_empty() => format!("{}/{}{at}", g.owner, g.repo),
            Some(g) => format!("{}/{}/{}{at}", g.owner, g.repo, self.path),
            None if self.path.is_empty() => format!("{}{at}", self.url),
            None => format!("{} ({}){at}", self.url, self.path),
        }
    }

    /// The artifact name this upstream suggests: the last path component (without `.md`), or the
    /// repository's name when the artifact is the whole repository.
    pub fn name_hint(&self) -> String {
        let last = match self.path.rsplit('/').next().filter(|s| !s.is_empty()) {
            Some(l) => l.to_string(),
            None => self
                .url
                .trim_end_matches('/')
                .rsplit(['/', ':'])
                .next()
                .unwrap_or_default()
                .trim_end_matches(".git")
                .to_string(),
        };
        last.strip_suffix(".md").unwrap_or(&last).to_string()
    }

    /// The fields to record after resolving to commit `sha` (`tag`: the ref named a tag).
    pub fn record(&self, sha: &str, tag: Option<&str>) -> UpstreamRecord {
        match &self.github {
            Some(g) => {
                let mut url = format!("{GITHUB}{}/{}/tree/{sha}", g.owner, g.repo);
                if !self.path.is_empty() {
                    url.push('/');
                    url.push_str(&self.path);
                }
                UpstreamRecord {
                    origin: "github".into(),
                    upstream: url,
                    upstream_path: None,
                    version_spec: self.version_spec().into(),
                    resolved_sha: sha.into(),
                    resolved_version: tag.map(str::to_string),
                }
            }
            // SkillMeat only knows the origins `local`, `github` and `marketplace`, and only
            // updates `github` ones by itself; `local` keeps it from touching a repository it
            // cannot read, while the upstream fields stay ours to follow.
            None => UpstreamRecord {
                origin: "local".into(),
                upstream: self.url.clone(),
                upstream_path: Some(if self.path.is_empty() {
                    ".".into()
                } else {
                    self.path.clone()
                }),
                version_spec: self.version_spec().into(),
                resolved_sha: sha.into(),
                resolved_version: tag.map(str::to_string),
            },
        }
    }

    /// The upstream a manifest entry records, if any.
    pub fn from_manifest(id: &ArtifactId, e: &ManifestEntry) -> Result<Option<Upstream>> {
        let Some(raw) = e
            .upstream
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            return Ok(None);
        };
        let bad = |why: String| {
            Error::malformed(format!(
                "collection.toml: the upstream of {id} (`{raw}`) {why}; fix the entry or re-add the artifact with `skillmeat-lsp add`"
            ))
        };
        let reference = match e.version_spec.as_deref() {
            Some(r) => check_ref(r).map_err(|err| bad(err.to_string()))?,
            None => None,
        };
        if let Some(rest) = raw.strip_prefix(GITHUB) {
            let web = parse_github_web(rest).map_err(|err| bad(err.to_string()))?;
            // SkillMeat puts the resolved commit in the URL and the ref to follow in
            // `version_spec`; without a `version_spec`, the URL's ref is the one to follow.
            let reference = if e.version_spec.is_some() {
                reference
            } else {
                web.reference
            };
            return Ok(Some(Upstream {
                url: web.url,
                path: web.path,
                reference,
                github: Some(web.github),
            }));
        }
        check_url(raw).map_err(|err| bad(err.to_string()))?;
        let relative = !raw.contains("://") && !is_scp_like(raw) && !Path::new(raw).is_absolute();
        if relative {
            // A relative "path" would depend on the current folder; SkillMeat's spec form is
            // the only relative form that means something here.
            let spec = parse_spec(raw)
                .map_err(|err| bad(err.to_string()))?
                .ok_or_else(|| {
                    bad("is neither a URL, an absolute path nor user/repo/path".into())
                })?;
            return Ok(Some(Upstream {
                url: spec.url,
                path: spec.path,
                reference,
                github: Some(spec.github),
            }));
        }
        let path = match e.upstream_path.as_deref() {
            Some(p) => normalize_path(p).map_err(|err| bad(err.to_string()))?,
            None => String::new(),
        };
        Ok(Some(Upstream {
            url: raw.to_string(),
            path,
            reference,
            github: None,
        }))
    }
}

/// Reads what a person gave `add`: `source` plus `--path` and `--ref`. Relative local paths are
/// taken from `base`.
pub fn parse_source(
    source: &str,
    path: Option<&str>,
    reference: Option<&str>,
    base: &Path,
) -> Result<Source> {
    let s = source.trim();
    if s.is_empty() {
        return Err(Error::invalid("add needs a SOURCE: a git URL, a GitHub spec (user/repo/path[@ref]) or a local folder or file"));
    }
    if s.starts_with('-') {
        return Err(Error::invalid(format!(
            "`{s}` is not a source (it starts with `-`)"
        )));
    }
    let flag_path = path.map(normalize_path).transpose()?;
    let flag_ref = match reference {
        Some(r) => check_ref(r)?,
        None => None,
    };
    let pick =
        |what: &str, from_source: Option<String>, flag: Option<String>| match (from_source, flag) {
            (Some(a), Some(b)) if a != b => Err(Error::invalid(format!(
                "`{s}` names the {what} `{a}` but --{what} says `{b}`; give it once"
            ))),
            (a, b) => Ok(a.or(b)),
        };

    if let Some(rest) = s.strip_prefix(GITHUB) {
        let web = parse_github_web(rest)?;
        let in_url = (!web.path.is_empty()).then(|| web.path.clone());
        return Ok(Source::Git(Upstream {
            url: web.url,
            path: pick("path", in_url, flag_path)?.unwrap_or_default(),
            reference: pick("ref", web.reference, flag_ref)?,
            github: Some(web.github),
        }));
    }
    if s.contains("://") || is_scp_like(s) {
        check_url(s)?;
        return Ok(Source::Git(Upstream {
            url: s.to_string(),
            path: flag_path.unwrap_or_default(),
            reference: flag_ref,
            github: None,
        }));
    }
    let local = expand_home(s).unwrap_or_else(|| base.join(s));
    if local.symlink_metadata().is_ok() {
        if is_git_repo(&local) {
            let abs = std::fs::canonicalize(&local).map_err(|e| Error::io(&local, e))?;
            return Ok(Source::Git(Upstream {
                url: abs.to_string_lossy().into_owned(),
                path: flag_path.unwrap_or_default(),
                reference: flag_ref,
                github: None,
            }));
        }
        if flag_path.is_some() || flag_ref.is_some() {
            return Err(Error::invalid(format!(
                "--path and --ref apply to git sources, and {} is not the top of a git repository",
                local.display()
            )));
        }
        return Ok(Source::Local(local));
    }
    if let Some(spec) = parse_spec(s)? {
        return Ok(Source::Git(Upstream {
            url: spec.url,
            path: pick(
                "path",
                (!spec.path.is_empty()).then_some(spec.path),
                flag_path,
            )?
            .unwrap_or_default(),
            reference: pick("ref", spec.reference, flag_ref)?,
            github: Some(spec.github),
        }));
    }
    Err(Error::not_found(format!(
        "{} does not exist, and `{s}` is neither a git URL nor a GitHub spec (user/repo/path[@ref])",
        local.display()
    )))
}

/// The parts of a `https://github.com/...` address.
struct Web {
    url: String,
    path: String,
    reference: Option<String>,
    github: GitHub,
}

/// `u/r`, `u/r.git`, `u/r/tree/<ref>[/<path>]` or `u/r/blob/<ref>/<path>` (after the host).
fn parse_github_web(rest: &str) -> Result<Web> {
    let parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let (owner, repo) = match parts.as_slice() {
        [o, r, ..] if is_owner(o) && is_repo(r.trim_end_matches(".git")) => {
            (o.to_string(), r.trim_end_matches(".git").to_string())
        }
        _ => {
            return Err(Error::invalid(format!(
                "`{GITHUB}{rest}` is not a GitHub repository address (expected {GITHUB}user/repo[/tree/<ref>/<path>])"
            )))
        }
    };
    let (reference, path) = match &parts[2..] {
        [] => (None, String::new()),
        [kind, r, path @ ..] if (*kind == "tree" || *kind == "blob") && !r.is_empty() => {
            (check_ref(r)?, normalize_path(&path.join("/"))?)
        }
        _ => {
            return Err(Error::invalid(format!(
                "`{GITHUB}{rest}` is not a GitHub repository or folder address (expected {GITHUB}user/repo/tree/<ref>/<path>)"
            )))
        }
    };
    Ok(Web {
        url: format!("{GITHUB}{owner}/{repo}"),
        path,
        reference,
        github: GitHub { owner, repo },
    })
}

/// SkillMeat's `user/repo[/path...][@ref]`; `None` when `s` does not have that shape.
fn parse_spec(s: &str) -> Result<Option<Web>> {
    let (body, reference) = match s.rsplit_once('@') {
        Some((b, r)) => (b, Some(r)),
        None => (s, None),
    };
    let parts: Vec<&str> = body.split('/').collect();
    let [owner, repo, rest @ ..] = parts.as_slice() else {
        return Ok(None);
    };
    if !is_owner(owner) || !is_repo(repo) {
        return Ok(None);
    }
    let reference = match reference {
        Some(r) => check_ref(r)?,
        None => None,
    };
    Ok(Some(Web {
        url: format!("{GITHUB}{owner}/{repo}"),
        path: normalize_path(&rest.join("/"))?,
        reference,
        github: GitHub {
            owner: owner.to_string(),
            repo: repo.to_string(),
        },
    }))
}

fn is_owner(s: &str) -> bool {
    !s.is_empty() && !s.starts_with('-') && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn is_repo(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && !s.starts_with('-')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// `git@host:path` — scp-like ssh syntax: a colon before any slash, and a host-ish prefix.
fn is_scp_like(s: &str) -> bool {
    match s.split_once(':') {
        Some((host, rest)) => {
            !host.is_empty()
                && !host.contains('/')
                && (host.contains('@') || host.contains('.'))
                && !rest.is_empty()
        }
        None => false,
    }
}

/// Accepts the URL forms git fetches from; refuses what could run a command or be an option.
fn check_url(s: &str) -> Result<()> {
    if s.starts_with('-') || s.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "`{}` is not a git URL",
            s.escape_debug()
        )));
    }
    if let Some((scheme, _)) = s.split_once("://") {
        let ok = matches!(
            scheme.to_ascii_lowercase().as_str(),
            "file" | "https" | "http" | "ssh" | "git" | "git+ssh" | "ssh+git"
        );
        if !ok {
            return Err(Error::invalid(format!(
                "`{s}`: git URLs with scheme `{scheme}` are not supported; use https://, ssh://, git://, file:// or a local path"
            )));
        }
    } else if s.contains("::") {
        // `<transport>::<address>` runs a remote helper (`ext::` would run a command).
        return Err(Error::invalid(format!(
            "`{s}`: remote-helper addresses (`transport::address`) are not supported"
        )));
    }
    Ok(())
}

/// A branch, tag or commit as a person or `version_spec` gives it; `latest` and `HEAD` mean the
/// default branch (`None`).
pub fn check_ref(r: &str) -> Result<Option<String>> {
    let r = r.trim();
    if r.is_empty() || r == "latest" || r == "HEAD" {
        return Ok(None);
    }
    let bad = r.starts_with('-')
        || r.starts_with('/')
        || r.ends_with('/')
        || r.ends_with(".lock")
        || r.contains("..")
        || r.contains("@{")
        || r.contains("//")
        || r.chars().any(|c| {
            c.is_control()
                || c.is_whitespace()
                || matches!(c, ':' | '~' | '^' | '?' | '*' | '[' | '\\')
        });
    if bad {
        return Err(Error::invalid(format!(
            "`{}` is not a valid branch, tag or commit name",
            r.escape_debug()
        )));
    }
    Ok(Some(r.to_string()))
}

/// A path inside a repository, `/`-separated, without `.` components; `""` for the root.
/// Anything that could leave the repository is refused.
pub fn normalize_path(p: &str) -> Result<String> {
    let t = p.trim();
    let mut parts = Vec::new();
    let leaves = t.starts_with('/')
        || t.contains('\\')
        || t.contains('\0')
        || Path::new(t)
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if leaves {
        return Err(Error::invalid(format!(
            "path `{}` leaves the repository; give a path inside it such as `skills/pdf`",
            p.escape_debug()
        )));
    }
    for c in t.split('/') {
        if !c.is_empty() && c != "." {
            parts.push(c);
        }
    }
    let joined = parts.join("/");
    if !joined.is_empty() {
        crate::apply::check_rel(&joined).map_err(|_| {
            Error::invalid(format!(
                "path `{}` leaves the repository; give a path inside it such as `skills/pdf`",
                p.escape_debug()
            ))
        })?;
    }
    Ok(joined)
}

fn expand_home(s: &str) -> Option<PathBuf> {
    let rest = s.strip_prefix("~/")?;
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(rest))
}

/// The top of a work tree (`.git` inside) or a bare repository.
pub fn is_git_repo(p: &Path) -> bool {
    p.join(".git").symlink_metadata().is_ok()
        || (p.join("HEAD").is_file() && p.join("objects").is_dir() && p.join("refs").is_dir())
}

#[cfg(test)]
mod tests;
