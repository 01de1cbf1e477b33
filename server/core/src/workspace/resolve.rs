//! Resolving conflict markers left by a merge: rewrite regions by a choice, or verify a person
//! removed them, then record the resolution (conflict records, a `merge` version).

use super::Workspace;
use crate::error::{Error, Result};
use crate::id::ArtifactId;
use crate::id::Shape;
use crate::merge::{self, Choice, Unterminated};
use crate::store::{AuditEvent, NewVersion, Origin};
use crate::sync::write::Keep;
use crate::tree::Tree;

#[derive(Debug, Clone)]
pub struct ResolveOutcome {
    pub id: ArtifactId,
    /// Files rewritten, with the number of regions resolved in each.
    pub rewritten: Vec<(String, usize)>,
    /// Files that still hold markers, with the 1-based line of their first region.
    pub remaining: Vec<(String, usize)>,
    /// The `merge` version recorded once no markers remain.
    pub version: Option<u32>,
    /// The version holding the file as it was before regions were rewritten.
    pub kept_previous: Option<u32>,
    /// Set when there was nothing to resolve (no open conflict record, no markers): why, e.g.
    /// "it never had a conflict". Nothing was written or recorded then.
    pub nothing_to_resolve: Option<String>,
}

/// Files of `tree` holding live conflict regions (every region in a file of `recorded`, the
/// files with an open conflict record; elsewhere those outside Markdown fences), with their
/// regions' count and first line.
pub fn files_with_markers(tree: &Tree, recorded: &[String]) -> Vec<(String, usize, usize)> {
    tree.files
        .iter()
        .filter_map(|(path, bytes)| {
            let parsed = merge::parse_live(bytes, path, recorded.contains(path));
            let n = parsed.conflicts.len() + parsed.malformed.len();
            let first = parsed
                .conflicts
                .first()
                .map(|c| c.span.whole.start)
                .or_else(|| parsed.malformed.first().map(|m| m.lines.start))?;
            (n > 0).then(|| (path.clone(), n, first + 1))
        })
        .collect()
}

impl Workspace {
    /// With a `choice`, rewrites every conflict region (of `file`, or of all files) to that side;
    /// without one, checks that none remain. Once none remain the resolution is recorded.
    pub fn resolve(
        &mut self,
        query: &str,
        file: Option<&str>,
        choice: Option<Choice>,
    ) -> Result<ResolveOutcome> {
        let started = std::time::Instant::now();
        let id = self.resolve_id(query)?;
        let shape = id.kind.shape();
        let path = self.project_path(&id)?;
        if path.symlink_metadata().is_err() {
            return Err(Error::not_found(format!(
                "{id} has no project copy at {}",
                path.display()
            )));
        }
        let writer = self.writer(&id, &path)?;
        let before = writer.read_target()?.unwrap_or_default();
        let mut tree = before.clone();
        let recorded = self.open_conflict_files(&id)?;
        if let Some(f) = file {
            // A file of an open conflict counts even when it is gone (a modify/delete conflict
            // whose deletion was kept).
            let known = tree.files.contains_key(f)
                || recorded.iter().any(|r| r == f)
                || (shape == Shape::File && tree.files.len() == 1);
            if !known {
                return Err(Error::not_found(format!(
                    "{id} has no file `{f}`; its files are: {}",
                    tree.files.keys().cloned().collect::<Vec<_>>().join(", ")
                )));
            }
        }
        let unmarkable = self.unmarkable_conflicts(&id, &tree, &recorded)?;
        if recorded.is_empty() && files_with_markers(&tree, &[]).is_empty() {
            let why = if self.store.ever_conflicted(&id)? {
                "it has no open conflict (the last one is resolved) and no conflict markers"
            } else {
                "it never had a conflict, and its files hold no conflict markers"
            };
            return Ok(ResolveOutcome {
                id,
                rewritten: Vec::new(),
                remaining: Vec::new(),
                version: None,
                kept_previous: None,
                nothing_to_resolve: Some(why.to_string()),
            });
        }
        let mut rewritten = Vec::new();
        let mut kept_as = None;
        // Files without markers settled by taking a side (ours: as they are).
        let mut settled: Vec<String> = Vec::new();
        if let Some(choice) = choice {
            let before = tree.clone();
            for f in unmarkable
                .iter()
                .filter(|f| file.is_none_or(|want| want == f.as_str()))
            {
                if self.take_unmarkable(&id, f, choice, &mut tree)? {
                    rewritten.push((f.clone(), 1));
                }
                settled.push(f.clone());
            }
            for (p, bytes) in tree.files.iter_mut() {
                if file.is_some_and(|f| f != p.as_str()) && shape == Shape::Folder {
                    continue;
                }
                let parsed = merge::parse_live(bytes, p, recorded.contains(p));
                if let Some(m) = parsed.malformed.first() {
                    return Err(Error::malformed(format!(
                        "{p} of {id} has a malformed conflict region at line {} ({:?}); fix the markers by hand, then run `skillmeat-lsp resolve {id}`",
                        m.lines.start + 1,
                        m.kind
                    )));
                }
                if parsed.conflicts.is_empty() {
                    continue;
                }
                let ends = self.merge_inputs_unterminated(&id, p)?;
                *bytes = merge::resolve_parsed(bytes, &parsed.conflicts, choice, ends)?;
                rewritten.push((p.clone(), parsed.conflicts.len()));
            }
            if !rewritten.is_empty() {
                // The one write path: the file as it is now (hand edits inside the regions
                // included) is stored as a whole version before any region is rewritten.
                let latest: Vec<i64> = self
                    .store
                    .latest_version(&id)?
                    .map(|v| v.id)
                    .into_iter()
                    .collect();
                let keep = Keep {
                    tree: &before,
                    origin: Origin::LocalModification,
                    message: "kept before resolve",
                    parents: &latest,
                };
                kept_as = writer
                    .apply(&self.store, Some(&before), Some(&tree))?
                    .commit(&self.store, Some(keep), |kept| Ok(kept.cloned()))?;
                self.cache.remove(&path);
            }
        }
        let remaining: Vec<(String, usize)> = files_with_markers(&tree, &recorded)
            .into_iter()
            .map(|(p, _, line)| (p, line))
            .chain(
                unmarkable
                    .iter()
                    .filter(|f| !settled.contains(f))
                    .map(|f| (f.clone(), 0)),
            )
            .collect();
        let mut version = None;
        if remaining.is_empty() {
            let hash = tree.content_hash(shape);
            let latest = self.store.latest_version(&id)?;
            let v = self.store.in_tx(|| {
                let parent = kept_as.as_ref().or(latest.as_ref());
                // The same copy: content and modes, folders, links (a resolve keeps the latter).
                let v = match latest
                    .as_ref()
                    .filter(|v| v.holds(&hash, &tree.meta_digest()))
                {
                    Some(v) => v.clone(),
                    None => self.store.add_version(
                        &id,
                        NewVersion {
                            hash: &hash,
                            origin: Origin::Merge,
                            parents: &parent.iter().map(|v| v.id).collect::<Vec<_>>(),
                            files: Some(&tree),
                            message: Some(&match choice {
                                Some(c) => format!("conflicts resolved: {}", c.as_str()),
                                None => "conflicts resolved by hand".to_string(),
                            }),
                        },
                    )?,
                };
                self.store.resolve_conflicts(
                    &id,
                    file.filter(|_| shape == Shape::Folder),
                    &hash,
                )?;
                self.store.audit(&AuditEvent {
                    operation: "resolve",
                    artifact: Some(&id),
                    strategy: choice.map(Choice::as_str),
                    result: "resolved",
                    version: Some(v.number),
                    duration_ms: started.elapsed().as_millis() as u64,
                    ..Default::default()
                })?;
                Ok(v)
            })?;
            version = Some(v.number);
        }
        Ok(ResolveOutcome {
            id,
            rewritten,
            remaining,
            version,
            kept_previous: kept_as.map(|v| v.number),
            nothing_to_resolve: None,
        })
    }

    /// Settles an open conflict in `file`, which cannot carry markers, by `choice`: ours keeps
    /// the project's file, theirs or base puts that side of the conflict record in `tree` (or
    /// removes the file when that side had none). Whether `tree` changed.
    fn take_unmarkable(
        &self,
        id: &ArtifactId,
        file: &str,
        choice: Choice,
        tree: &mut Tree,
    ) -> Result<bool> {
        let [base, _, theirs] = self
            .store
            .open_conflict_sides(id, file)?
            .unwrap_or_default();
        let side = match choice {
            Choice::Ours => return Ok(false),
            Choice::Theirs => theirs,
            Choice::Base => base,
            Choice::Both | Choice::None => {
                let why = if self.is_modify_delete(id, tree, file)? {
                    "it was deleted on one side and changed on the other"
                } else {
                    "binary, not UTF-8 or too large"
                };
                return Err(Error::invalid(format!(
                    "{file} of {id} cannot carry conflict markers ({why}), so it cannot take {}: take ours or theirs (`skillmeat-lsp resolve {id} --file {file} --take ours|theirs|base`)",
                    choice.as_str()
                )));
            }
        };
        let Some(hash) = side else {
            // That side deleted the file: taking it deletes the file. A folder the source
            // (the baseline, for theirs) keeps empty is kept too.
            tree.meta.modes.remove(file);
            if choice == Choice::Theirs {
                if let Some(base) = self.baseline_tree(id)? {
                    let mut dir = std::path::Path::new(file).parent();
                    while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
                        let key = d.to_string_lossy().into_owned();
                        if let Some(mode) = base.meta.dirs.get(&key) {
                            tree.meta.dirs.insert(key, *mode);
                        }
                        dir = d.parent();
                    }
                }
            }
            return Ok(tree.files.remove(file).is_some());
        };
        let bytes = self
            .store
            .blob(&hash)?
            .filter(|b| crate::hash::hash_bytes(b) == hash)
            .ok_or_else(|| {
                Error::malformed(format!(
                    "the stored {} side of {file} of {id} (blob {hash}) is missing or damaged; nothing was written",
                    choice.as_str()
                ))
            })?;
        let mut changed = tree.files.get(file) != Some(&bytes);
        // The side's mode (a script's executable bit) comes from the baseline version, which a
        // sync sets to the source it merged, when it holds these bytes.
        if let Some(mode) = self.baseline_mode(id, file, &hash)? {
            changed |= tree.meta.modes.get(file) != Some(&mode);
            tree.meta.modes.insert(file.to_string(), mode);
        }
        tree.files.insert(file.to_string(), bytes);
        Ok(changed)
    }

    /// The mode `file` has in `id`'s baseline version when the baseline holds it with `hash`
    /// and a mode other than the default.
    fn baseline_mode(&self, id: &ArtifactId, file: &str, hash: &str) -> Result<Option<u32>> {
        let Some(base) = self.baseline_tree(id)? else {
            return Ok(None);
        };
        let same = base
            .files
            .get(file)
            .is_some_and(|b| crate::hash::hash_bytes(b) == hash);
        Ok(base.meta.modes.get(file).copied().filter(|_| same))
    }

    /// Which inputs of the merge that wrote `file`'s markers had no final newline, read from the
    /// file's open conflict record (its sides are stored as blobs); all false when unknown.
    pub fn merge_inputs_unterminated(&self, id: &ArtifactId, file: &str) -> Result<Unterminated> {
        let Some([base, ours, theirs]) = self.store.open_conflict_sides(id, file)? else {
            return Ok(Unterminated::default());
        };
        let open = |h: &Option<String>| -> Result<bool> {
            Ok(match h {
                Some(h) => self
                    .store
                    .blob(h)?
                    .is_some_and(|b| !b.is_empty() && b.last() != Some(&b'\n')),
                None => false,
            })
        };
        Ok(Unterminated {
            ours: open(&ours)?,
            base: open(&base)?,
            theirs: open(&theirs)?,
        })
    }

    /// `id`'s baseline version as a tree (read back through the checked path).
    fn baseline_tree(&self, id: &ArtifactId) -> Result<Option<Tree>> {
        match self.store.deployment(id)? {
            Some(d) => self.store.version_files(d.baseline_version_id),
            None => Ok(None),
        }
    }
}
