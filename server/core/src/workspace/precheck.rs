//! The entry of the one write path for a workspace: every [`Writer`] of an artifact is opened
//! here ([`Workspace::writer`], [`Workspace::writers`] for a command writing several,
//! [`Workspace::collection_writer`] for a write into the collection alone), after the checks
//! made before the first write of a command, so a write is never followed by a failure to
//! record it where SkillMeat keeps its records (then "nothing was written" would be untrue).
//! No command calls the checks itself: a new writer gets them by opening its `Writer` here.

use std::path::Path;

use super::sync::LOCK_TIMEOUT;
use super::Workspace;
use crate::compat;
use crate::error::{Error, Result};
use crate::id::ArtifactId;
use crate::sync::write::Writer;

/// The deployed files of every artifact a command records in, checked before its first write
/// (see [`Workspace::writers`]); each of its writes opens its [`Writer`] here.
#[derive(Debug)]
pub(crate) struct Writers {
    checked: Vec<ArtifactId>,
}

impl Writers {
    /// The write path's step 1 ([`Writer::begin`]: the target's lock) for `id`, one of the
    /// artifacts checked when these writers were opened.
    pub(crate) fn begin(
        &self,
        store: &crate::store::Store,
        id: &ArtifactId,
        target: &Path,
    ) -> Result<Writer> {
        if !self.checked.contains(id) {
            return Err(Error::other(format!(
                "internal error: {id} is written without its deployed file checked first; nothing was written"
            )));
        }
        let writer = Writer::begin(id, target, LOCK_TIMEOUT)?;
        // Under the lock, a journal row for this target is an apply that recovery could not
        // finish (its moved-aside copy was unreachable when the workspace opened): writing now
        // would leave that copy for good, so the person puts the folder back first.
        if let Some(r) = store
            .journal_rows()?
            .into_iter()
            .find(|r| r.target == target && !r.committed)
        {
            return Err(Error::conflict(format!(
                "{id}: an earlier write of it was interrupted and could not be undone yet: the copy it replaced was moved aside to {}, which is not reachable; put its folder back (or move that copy back to {}) and run the command again — nothing was written",
                r.old.display(),
                target.display()
            )));
        }
        Ok(writer)
    }
}

impl Workspace {
    /// Opens the write of one artifact (its project copy, or its collection copy when a push
    /// records its new baseline in the deployed file): the deployed file of `id`'s profile root
    /// is checked ([`Workspace::check_deployed_files`]), then the target's lock is taken.
    pub(crate) fn writer(&self, id: &ArtifactId, target: &Path) -> Result<Writer> {
        self.writers(&[id])?.begin(&self.store, id, target)
    }

    /// Opens the writes of a command that writes several artifacts (a deploy to several
    /// profile roots): every one's deployed file is checked before the first of them is
    /// written, so a bad file under one root refuses the whole command, nothing written.
    pub(crate) fn writers(&self, ids: &[&ArtifactId]) -> Result<Writers> {
        self.check_deployed_files(ids)?;
        Ok(Writers {
            checked: ids.iter().map(|id| (*id).clone()).collect(),
        })
    }

    /// Opens a write into the collection that records in no project's deployed file (add,
    /// upstream → collection, a fork's new artifact): only the target's lock.
    pub(crate) fn collection_writer(&self, id: &ArtifactId, target: &Path) -> Result<Writer> {
        Writer::begin(id, target, LOCK_TIMEOUT)
    }

    /// Refuses to start writing `ids` when the `.skillmeat-deployed.toml` of any of their profile
    /// roots could not be kept current afterwards: it is malformed (a bad entry, not UTF-8, not
    /// TOML) or its lock's name is taken by something that is not a lock file. Every profile
    /// root is checked alike, `.claude` and the others. Called only by the write path's entry
    /// ([`Workspace::writers`]).
    fn check_deployed_files(&self, ids: &[&ArtifactId]) -> Result<()> {
        let mut seen: Vec<&str> = Vec::new();
        for id in ids {
            let Some(profile) = self.profiles.of(id) else {
                return Err(Error::not_found(format!(
                    "{id}: no SkillMeat profile `{}` is configured here, so its deployed file cannot be kept current; add it to SkillMeat's config (platform.defaults) or use another profile — nothing was written",
                    id.profile_id()
                )));
            };
            if seen.contains(&profile.id.as_str()) {
                continue;
            }
            seen.push(profile.id.as_str());
            let path = compat::path_in(&profile.root(&self.root));
            compat::read_in(&path, profile).map_err(|e| e.context(format!("cannot write {id}")))?;
            check_lock_name(&crate::sync::lock::lock_path(&path))?;
        }
        Ok(())
    }
}

/// A lock file's name held by a folder, FIFO, device or link could never be taken.
fn check_lock_name(lock: &Path) -> Result<()> {
    match std::fs::symlink_metadata(lock) {
        Ok(md) if !md.file_type().is_file() => Err(Error::malformed(format!(
            "{} is not a lock file (it is a {}); skillmeat-lsp needs that name to keep SkillMeat's deployed file current — move it away and run the command again; nothing was written",
            lock.display(),
            kind_of(&md)
        ))),
        _ => Ok(()),
    }
}

fn kind_of(md: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = md.file_type();
    if t.is_dir() {
        "folder"
    } else if t.is_symlink() {
        "symlink"
    } else if t.is_fifo() {
        "FIFO"
    } else if t.is_socket() {
        "socket"
    } else {
        "device"
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use crate::collection::{Collection, Source};
    use crate::id::{ArtifactId, ArtifactType};
    use crate::workspace::{Options, Workspace};

    /// A writer opened through the entry gets the deployed-file check with nothing of its own:
    /// what a future writer relies on.
    #[test]
    fn every_writer_opened_here_refuses_a_bad_deployed_file_before_its_lock() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        let skill = root.join("collection/skills/pdf/SKILL.md");
        fs::create_dir_all(skill.parent().unwrap()).unwrap();
        fs::write(&skill, "---\nname: pdf\n---\nPDF.\n").unwrap();
        fs::create_dir_all(root.join("project/.git")).unwrap();
        let collection = Collection::open(&root.join("collection"), Source::Flag).unwrap();
        let mut ws =
            Workspace::open(&root.join("project"), collection, Options::default()).unwrap();
        ws.deploy_to(&["skill:pdf".into()], false, &["codex".into()], false)
            .unwrap();
        let claude = ArtifactId::new(ArtifactType::Skill, "pdf").unwrap();
        let codex = claude.clone().with_profile(Some("codex"));
        let deployed = root.join("project/.agents/.skillmeat-deployed.toml");
        fs::write(&deployed, b"\xff\xfe[[deployed]]\n").unwrap();

        let target = ws.project_path(&codex).unwrap();
        let err = ws.writer(&codex, &target).unwrap_err().to_string();
        assert!(
            err.contains(".agents/.skillmeat-deployed.toml") && err.contains("UTF-8"),
            "{err}"
        );
        assert!(
            !crate::sync::lock::lock_path(&target).exists(),
            "no lock taken before the check"
        );
        // Several at once: the bad file under one root refuses all of them, the good one first.
        let err = ws.writers(&[&claude, &codex]).unwrap_err().to_string();
        assert!(err.contains(".agents/.skillmeat-deployed.toml"), "{err}");
        // An id whose deployed file was not checked is never written.
        let writers = ws.writers(&[&claude]).unwrap();
        let err = writers
            .begin(ws.store(), &codex, &target)
            .unwrap_err()
            .to_string();
        assert!(err.contains("without its deployed file checked"), "{err}");
    }
}
