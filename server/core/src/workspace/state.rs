//! Who has a project's `.skillmeat/` open, so a failed first command never deletes a state
//! folder another process is using.
//!
//! Every open workspace holds a shared `flock` on the `.skillmeat/` folder itself (no file is
//! added to it) for as long as it lives. A command that created the folder and then
//! failed removes it only when it can take that hold exclusively without waiting (nobody else
//! has the folder open), no other connection committed to the database meanwhile and it wrote
//! no artifact. An opener that finds the folder removed under it starts over.

use std::fs::{self, File};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use rustix::fs::FlockOperation;

use crate::error::{Error, Result};

/// A shared hold on a project's `.skillmeat/`.
#[derive(Debug)]
pub struct StateHold {
    file: File,
}

/// Creates `state_dir` when it is missing and holds it; also returns whether this call created
/// it.
pub fn hold(state_dir: &Path) -> Result<(StateHold, bool)> {
    loop {
        let created = match fs::create_dir(state_dir) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
            Err(e) => return Err(Error::io(state_dir, e)),
        };
        let file = match File::open(state_dir) {
            Ok(f) => f,
            // Removed meanwhile by a failed first command: create it again.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io(state_dir, e)),
        };
        rustix::fs::flock(&file, FlockOperation::LockShared)
            .map_err(|e| Error::io(state_dir, e.into()))?;
        // Still the folder the path names (not one removed, and perhaps made again, meanwhile).
        let held = file.metadata().map_err(|e| Error::io(state_dir, e))?;
        if !held.is_dir() {
            return Err(Error::malformed(format!(
                "{} is not a folder; skillmeat-lsp keeps its lineage there — move it away and run the command again",
                state_dir.display()
            )));
        }
        let now = fs::metadata(state_dir).ok();
        if now.is_some_and(|m| m.dev() == held.dev() && m.ino() == held.ino()) {
            return Ok((StateHold { file }, created));
        }
    }
}

impl StateHold {
    /// Takes the hold exclusively if nobody else has it, without waiting: then nobody else has
    /// the folder open, nor can open it until this hold goes.
    pub fn sole(&self) -> bool {
        rustix::fs::flock(&self.file, FlockOperation::NonBlockingLockExclusive).is_ok()
    }
}
