//! `add SOURCE`: an artifact from a git repository (a SkillMeat spec, a git URL with a path
//! inside it, a local repository) or from a local folder or file, into the collection, recorded
//! in `collection.toml` / `collection.lock` with its upstream, `version_spec`, `resolved_sha` and
//! content hash. Everything is read and checked before the first write; a failure writes nothing.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::Workspace;
use crate::error::{Error, Result};
use crate::id::{ArtifactId, ArtifactType};
use crate::store::{AuditEvent, NewVersion, Origin};
use crate::tree::{self, Tree};
use crate::upstream::{self, Repo, Source, Upstream};

/// What a person asked `add` for.
#[derive(Debug, Clone)]
pub struct AddRequest<'a> {
    pub source: &'a str,
    /// `--path`: the artifact's path inside a git repository.
    pub path: Option<&'a str>,
    /// `--ref`: the branch, tag or commit to follow.
    pub reference: Option<&'a str>,
    pub kind: Option<ArtifactType>,
    pub name: Option<&'a str>,
    /// Where a relative local `source` is taken from (the CLI's current folder).
    pub base: &'a Path,
}

/// The upstream an added artifact now follows.
#[derive(Debug, Clone)]
pub struct AddedUpstream {
    pub upstream: Upstream,
    pub resolved_sha: String,
    pub tag: Option<String>,
}

/// What `add` did.
#[derive(Debug, Clone)]
pub struct AddOutcome {
    pub id: ArtifactId,
    /// The new collection copy.
    pub path: PathBuf,
    pub hash: String,
    pub files: usize,
    pub upstream: Option<AddedUpstream>,
    pub version: u32,
    /// Entries of a local source folder left out as the core's own (`.skillmeat/` state, lock
    /// and stage files: [`crate::layout::is_internal_path`]), relative to the source.
    pub skipped: Vec<String>,
}

/// Read content and what it came from, before anything is written.
struct Fetched {
    kind: ArtifactType,
    name: String,
    tree: Tree,
    upstream: Option<AddedUpstream>,
    describe: String,
    skipped: Vec<String>,
}

impl Workspace {
    /// Adds an artifact to the collection; see the module documentation.
    pub fn add(&mut self, req: &AddRequest<'_>) -> Result<AddOutcome> {
        let started = Instant::now();
        if let Some(n) = req.name {
            crate::id::validate_name(n)?;
        }
        let source = upstream::parse_source(req.source, req.path, req.reference, req.base)?;
        let fetched = match source {
            Source::Local(p) => self.read_local(&p, req)?,
            Source::Git(up) => {
                // Know that the repository and ref exist before making a cache for them.
                let remote = upstream::ask_remote(&up)?;
                let repo = Repo::open(&up.url)?;
                match self.read_git(&repo, up, remote, req) {
                    Ok(f) => {
                        // Pinned: this commit is the merge base of the next upstream sync.
                        if let Some(u) = &f.upstream {
                            if let Err(e) = repo.pin(&u.resolved_sha) {
                                repo.discard_if_created();
                                return Err(e);
                            }
                        }
                        f
                    }
                    Err(e) => {
                        repo.discard_if_created();
                        return Err(e);
                    }
                }
            }
        };
        let id = ArtifactId::new(fetched.kind, &fetched.name)?;
        self.ensure_new(&id)?;
        // Every way into the collection refuses what a sync left unresolved, as push does.
        let hits = super::unresolved_markers(&fetched.tree, &[]);
        if let Some(h) = hits.first() {
            return Err(Error::conflict(format!(
                "{}: {}:{} still holds unresolved conflict markers{}; nothing was added. Resolve them first (in the editor, or `skillmeat-lsp resolve ID --take ours|theirs|both` for a deployed copy), then add again",
                fetched.describe,
                h.file,
                h.line,
                match hits.len() {
                    1 => String::new(),
                    n => format!(" (and {} more file{})", n - 1, if n == 2 { "" } else { "s" }),
                }
            )));
        }
        let shape = id.kind.shape();
        let hash = fetched.tree.content_hash(shape);
        let dest = crate::discover::artifact_path(&self.collection.root, &id);

        let writer = self.collection_writer(&id, &dest)?;
        // Another process may have added the same artifact while we were fetching.
        self.ensure_new(&id)?;
        // Written like every other apply: the one write path, committed with its version.
        let applied = writer.apply(&self.store, None, Some(&fetched.tree))?;
        let record = fetched
            .upstream
            .as_ref()
            .map(|u| u.upstream.record(&u.resolved_sha, u.tag.as_deref()));
        if let Err(e) = self.record_in_collection(&id, &hash, record.as_ref(), true) {
            applied.abandon(&self.store)?;
            return Err(e);
        }
        let latest = self.store.latest_version(&id)?;
        let v = applied.commit(&self.store, None, |_| {
            let v = self.store.add_version(
                &id,
                NewVersion {
                    hash: &hash,
                    origin: Origin::Sync,
                    parents: &latest.iter().map(|v| v.id).collect::<Vec<_>>(),
                    files: Some(&fetched.tree),
                    message: Some(&format!("added from {}", fetched.describe)),
                },
            )?;
            self.store.audit(&AuditEvent {
                operation: "add",
                artifact: Some(&id),
                result: "added",
                duration_ms: started.elapsed().as_millis() as u64,
                detail: Some(&fetched.describe),
                version: Some(v.number),
                ..AuditEvent::default()
            })?;
            Ok(v)
        })?;
        Ok(AddOutcome {
            id,
            path: dest,
            hash,
            files: fetched.tree.files.len(),
            upstream: fetched.upstream,
            version: v.number,
            skipped: fetched.skipped,
        })
    }

    /// Refuses an id the collection already has on disk. A manifest entry without a copy is what
    /// an add interrupted before its commit leaves (its tree was undone, the manifest is not
    /// journaled): adding again takes that entry over.
    fn ensure_new(&self, id: &ArtifactId) -> Result<()> {
        let dest = crate::discover::artifact_path(&self.collection.root, id);
        if dest.symlink_metadata().is_ok() || self.collection_path(id).symlink_metadata().is_ok() {
            let has_upstream = self.collection.manifest.get(&id.base()).is_some_and(|e| {
                matches!(crate::upstream::Upstream::from_manifest(id, e), Ok(Some(_)))
            });
            let update = if has_upstream {
                format!("update it from its upstream with `skillmeat-lsp sync {id} --direction upstream-to-collection`")
            } else {
                format!("it has no upstream to update from, so to make a project's copy the collection's, push it with `skillmeat-lsp sync {id} --direction project-to-collection --apply` in that project")
            };
            return Err(Error::invalid(format!(
                "{id} is already in the collection ({}); {update}, or add under another name with --name",
                dest.display()
            )));
        }
        Ok(())
    }

    fn read_local(&self, p: &Path, req: &AddRequest<'_>) -> Result<Fetched> {
        let md = std::fs::metadata(p).map_err(|e| Error::io(p, e))?;
        let abs = std::fs::canonicalize(p).map_err(|e| Error::io(p, e))?;
        let file_name = abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let kind = infer_kind(
            md.is_dir(),
            &file_name,
            req.kind,
            &abs.display().to_string(),
        )?;
        let mut tree = tree::read_artifact(&abs, kind.shape())?;
        let skipped = drop_internal(&mut tree);
        if kind == ArtifactType::Skill && !tree.files.contains_key("SKILL.md") {
            return Err(no_skill_md(&abs.display().to_string()));
        }
        let name = match req.name {
            Some(n) => n.to_string(),
            None => file_name
                .strip_suffix(".md")
                .unwrap_or(&file_name)
                .to_string(),
        };
        let tree = if kind.is_folder() {
            tree
        } else {
            // Keyed by the collection's file name, as reading the copy back will key it.
            let mut t = Tree::default();
            let mode = tree.meta.modes.values().next().copied();
            let bytes = tree.files.into_values().next().unwrap_or_default();
            let file = collection_file_name(&ArtifactId::new(kind, &name)?);
            if let Some(mode) = mode {
                t.meta.modes.insert(file.clone(), mode);
            }
            t.files.insert(file, bytes);
            t
        };
        Ok(Fetched {
            kind,
            name,
            tree,
            upstream: None,
            describe: abs.display().to_string(),
            skipped,
        })
    }

    fn read_git(
        &self,
        repo: &Repo,
        up: Upstream,
        remote: upstream::Remote,
        req: &AddRequest<'_>,
    ) -> Result<Fetched> {
        let sha = repo.ensure(&remote.want)?;
        let shown = if up.path.is_empty() { "." } else { &up.path };
        let entry = repo.entry(&sha, &up.path)?.ok_or_else(|| {
            Error::not_found(format!(
                "`{shown}` does not exist in {} at {}; check --path",
                up.url,
                &sha[..sha.len().min(12)]
            ))
        })?;
        let what = format!("`{shown}` in {}", up.url);
        let kind = infer_kind(entry.kind == "tree", shown, req.kind, &what)?;
        let name = req
            .name
            .map(str::to_string)
            .unwrap_or_else(|| up.name_hint());
        // The single file is stored under its collection name, as reading the copy back gives.
        let file_name = collection_file_name(&ArtifactId::new(kind, &name)?);
        let tree = repo.read(&sha, &up.path, kind.shape(), &file_name)?;
        if kind == ArtifactType::Skill && !tree.files.contains_key("SKILL.md") {
            return Err(no_skill_md(&what));
        }
        Ok(Fetched {
            kind,
            name,
            tree,
            describe: format!("{} at {}", up.describe(), &sha[..sha.len().min(12)]),
            skipped: Vec::new(),
            upstream: Some(AddedUpstream {
                upstream: up,
                resolved_sha: sha,
                tag: remote.tag,
            }),
        })
    }
}

/// A folder is a skill (or an MCP server with `--type mcp`); a `.md` file is a command unless
/// `--type agent` or `--type hook` says otherwise.
fn infer_kind(
    is_dir: bool,
    file_name: &str,
    asked: Option<ArtifactType>,
    what: &str,
) -> Result<ArtifactType> {
    match (is_dir, asked) {
        (true, None) => Ok(ArtifactType::Skill),
        (true, Some(t)) if t.is_folder() => Ok(t),
        (true, Some(t)) => Err(Error::invalid(format!(
            "{what} is a folder, so it can only be a skill or an mcp server (a {t} is a single `.md` file)"
        ))),
        (false, Some(t)) if t.is_folder() => Err(Error::invalid(format!(
            "{what} is a file; a {t} is a folder{}",
            if t == ArtifactType::Skill {
                " holding SKILL.md"
            } else {
                ""
            }
        ))),
        (false, asked) => {
            if !file_name.ends_with(".md") {
                return Err(Error::invalid(format!(
                    "{what} is not a `.md` file; commands, agents and hooks are Markdown files, skills and mcp servers are folders"
                )));
            }
            Ok(asked.unwrap_or(ArtifactType::Command))
        }
    }
}

fn no_skill_md(what: &str) -> Error {
    Error::invalid(format!(
        "{what} has no SKILL.md, so it is not a skill; point at a skill folder (or a `.md` file for a command or agent)"
    ))
}

/// The last component of the artifact's path in the collection (`<name>.md` for a command).
fn collection_file_name(id: &ArtifactId) -> String {
    id.rel_path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Leaves out of a local source folder what is the core's own, never an artifact's content: a
/// `.skillmeat/` state folder (the source folder was once a workspace), lock and stage files.
/// Returns what was left out (files, folders and links), relative to the source.
fn drop_internal(tree: &mut Tree) -> Vec<String> {
    let internal = |rel: &String| crate::layout::is_internal_path(Path::new(rel));
    let mut skipped: Vec<String> = Vec::new();
    let mut take = |rel: &String| {
        if internal(rel) {
            skipped.push(rel.clone());
            false
        } else {
            true
        }
    };
    tree.files.retain(|rel, _| take(rel));
    tree.meta.modes.retain(|rel, _| !internal(rel));
    tree.meta.dirs.retain(|rel, _| take(rel));
    tree.meta.links.retain(|rel, _| take(rel));
    skipped.sort();
    skipped.dedup();
    skipped
}
