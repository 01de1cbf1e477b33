//! The size limits that keep any input, however hostile, to seconds and megabytes (docs/design.md §12).
//!
//! Each limit gives a clear error naming the file or artifact; none is a silent truncation. The
//! values are documented in the README ("Limits").

use std::fs;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use crate::error::{Error, Result};

/// Longest artifact name in bytes. File names are limited to 255 bytes; the longest names we
/// build from an artifact's (`.<name>.md.skillmeat-stage-<journal id>`, the lock file
/// `.<name>.md.skillmeat-lsp.lock`, SkillMeat's `.<name>.skillmeat-lock`, `<name>-fork-<n>`) add
/// at most 45 bytes, so 128 leaves a wide margin.
pub const MAX_NAME_BYTES: usize = 128;

/// Most files one artifact may hold.
pub const MAX_ARTIFACT_FILES: usize = 10_000;

/// Deepest folder nesting inside one artifact. The walk recurses once per level, so without a
/// bound a shared collection's thousands of nested folders overflow the stack.
pub const MAX_ARTIFACT_DEPTH: usize = 64;

/// Largest total size of one artifact's files. A merge holds three versions and their line
/// tables, so this bounds a command's memory to a few hundred megabytes.
pub const MAX_ARTIFACT_BYTES: u64 = 64 * 1024 * 1024;

/// Largest manifest we read: `collection.toml`, `collection.lock`, `.skillmeat-deployed.toml`,
/// SkillMeat's `config.toml`. SkillMeat's own for 1,000 artifacts is well under a megabyte.
pub const MAX_MANIFEST_BYTES: u64 = 8 * 1024 * 1024;

/// Reads a manifest as UTF-8 text; `Ok(None)` when it does not exist. Refuses files over
/// [`MAX_MANIFEST_BYTES`] without reading them whole.
pub fn read_manifest(path: &Path) -> Result<Option<String>> {
    // A manifest that is a link must stay in its own folder: a shared collection's
    // `collection.toml -> ~/.ssh/config` is not read (its parse error could quote it).
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        let dir = path.parent().and_then(|d| fs::canonicalize(d).ok());
        let target = fs::canonicalize(path).ok();
        let inside = matches!((&dir, &target), (Some(d), Some(t)) if t.starts_with(d));
        if !inside {
            return Err(Error::malformed(format!(
                "{} is a symlink leading out of its folder; skillmeat-lsp never reads through it — replace it with the file itself",
                path.display()
            )));
        }
    }
    // Non-blocking, so a FIFO (or a device) at the manifest's path is refused below instead of
    // waiting forever for a writer.
    let file = match fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let too_big = || {
        Error::malformed(format!(
            "{} is over the {} MiB limit for manifests; it cannot be one SkillMeat wrote — move it away or fix it",
            path.display(),
            MAX_MANIFEST_BYTES / (1024 * 1024)
        ))
    };
    if let Ok(md) = file.metadata() {
        if md.is_dir() {
            return Err(Error::malformed(format!(
                "{} is a folder, not a file; move it away",
                path.display()
            )));
        }
        if !md.is_file() {
            return Err(Error::malformed(format!(
                "{} is not a regular file (a FIFO, socket or device); move it away",
                path.display()
            )));
        }
        if md.len() > MAX_MANIFEST_BYTES {
            return Err(too_big());
        }
    }
    // The size is checked again while reading: a FIFO or a growing file has no honest length.
    let mut bytes = Vec::new();
    file.take(MAX_MANIFEST_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(too_big());
    }
    String::from_utf8(bytes).map(Some).map_err(|_| {
        Error::malformed(format!(
            "{} is not UTF-8 text; TOML files are UTF-8 — fix or move it away",
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_over_the_limit_is_refused_and_a_missing_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("collection.toml");
        assert!(read_manifest(&p).unwrap().is_none());
        let f = fs::File::create(&p).unwrap();
        f.set_len(MAX_MANIFEST_BYTES + 1).unwrap();
        let msg = read_manifest(&p).unwrap_err().to_string();
        assert!(
            msg.contains("collection.toml") && msg.contains("limit"),
            "{msg}"
        );
        fs::write(&p, "a = 1\n").unwrap();
        assert_eq!(read_manifest(&p).unwrap().as_deref(), Some("a = 1\n"));
    }

    #[test]
    fn a_manifest_linked_out_of_its_folder_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("c")).unwrap();
        fs::write(dir.path().join("secret"), "key = 'secret'\n").unwrap();
        let p = dir.path().join("c/collection.toml");
        std::os::unix::fs::symlink(dir.path().join("secret"), &p).unwrap();
        let msg = read_manifest(&p).unwrap_err().to_string();
        assert!(
            msg.contains("collection.toml") && !msg.contains("secret'"),
            "{msg}"
        );
        fs::write(dir.path().join("c/real.toml"), "a = 1\n").unwrap();
        fs::remove_file(&p).unwrap();
        std::os::unix::fs::symlink("real.toml", &p).unwrap();
        assert!(read_manifest(&p).unwrap().is_some());
    }
}
