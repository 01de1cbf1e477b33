//! Checks made before the first write of a command, so a write is never followed by a failure
//! to record it where SkillMeat keeps its records (then "nothing was written" would be untrue).

use std::path::Path;

use super::Workspace;
use crate::compat;
use crate::error::{Error, Result};
use crate::id::ArtifactId;

impl Workspace {
    /// Refuses to start writing `ids` when the `.skillmeat-deployed.toml` of any of their profile
    /// roots could not be kept current afterwards: it is malformed (a bad entry, not UTF-8, not
    /// TOML) or its lock's name is taken by something that is not a lock file. Every profile
    /// root is checked alike, `.claude` and the others.
    pub fn check_deployed_files(&self, ids: &[&ArtifactId]) -> Result<()> {
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
