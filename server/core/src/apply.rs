//! Paths inside artifacts: every relative path is checked to stay inside its artifact before
//! anything is written (the writing itself is `sync::apply`, journaled and atomic), and the
//! folders an artifact lives in are checked never to be links leading out of their tier.

use std::fs;
use std::path::{Component, Path};

use crate::error::{Error, IoContext, Result};

/// Refuses `root/rel` when one of its components is a symlink that resolves outside `root`
/// (`what` names the tier in the message: "the collection", "the project"). Components that do
/// not exist yet end the check: nothing below them can be a link.
pub fn check_no_link_out(root: &Path, rel: &str, what: &str) -> Result<()> {
    let canon_root = fs::canonicalize(root).at(root)?;
    let mut at = root.to_path_buf();
    for c in Path::new(rel).components() {
        at.push(c);
        let md = match fs::symlink_metadata(&at) {
            Ok(md) => md,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io(&at, e)),
        };
        if md.file_type().is_symlink() {
            let target = fs::canonicalize(&at).ok();
            if !target.as_ref().is_some_and(|t| t.starts_with(&canon_root)) {
                return Err(Error::malformed(format!(
                    "{} is a symlink to {}, outside {what} ({}); skillmeat-lsp never reads or writes through a link that leads out — replace it with a real folder",
                    at.display(),
                    target.map_or_else(|| "a missing target".to_string(), |t| t.display().to_string()),
                    root.display()
                )));
            }
        }
    }
    Ok(())
}

/// Refuses to write at `target` when a folder on its way is a symlink. The tiers' roots are
/// canonical, so every path built from them is too; a difference means a link was put in since.
pub fn check_write_target(target: &Path) -> Result<()> {
    let Some(mut dir) = target.parent() else {
        return Ok(());
    };
    // The nearest folder that exists: create_dir_all would follow a link above the rest.
    while fs::symlink_metadata(dir).is_err() {
        match dir.parent() {
            Some(p) => dir = p,
            None => return Ok(()),
        }
    }
    let canon = fs::canonicalize(dir).at(dir)?;
    if canon != dir {
        return Err(Error::malformed(format!(
            "refusing to write {}: {} leads through a symlink to {}; skillmeat-lsp never writes through a linked folder — replace the link with a real folder",
            target.display(),
            dir.display(),
            canon.display()
        )));
    }
    Ok(())
}

/// Refuses relative paths that are absolute, empty or climb out (`..`).
pub fn check_rel(rel: &str) -> Result<()> {
    let p = Path::new(rel);
    let ok = !rel.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(())
    } else {
        Err(Error::malformed(format!(
            "refusing to write `{}`: artifact file paths must stay inside the artifact",
            rel.escape_debug()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_artifact_are_refused() {
        for bad in ["", "../x", "a/../../x", "/etc/passwd", "./a"] {
            assert!(check_rel(bad).is_err(), "{bad:?} should be refused");
        }
        for good in ["SKILL.md", "scripts/run.py", "a/b/c.txt"] {
            assert!(check_rel(good).is_ok(), "{good:?} should pass");
        }
    }

    #[test]
    fn folders_linked_out_of_the_tier_are_refused_and_links_inside_pass() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("c");
        fs::create_dir_all(root.join("real")).unwrap();
        fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), root.join("commands")).unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("agents")).unwrap();
        let msg = check_no_link_out(&root, "commands/x.md", "the collection")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("commands") && msg.contains("outside the collection"),
            "{msg}"
        );
        check_no_link_out(&root, "agents/x.md", "the collection").unwrap();
        check_no_link_out(&root, "skills/x", "the collection").unwrap();
        let root = fs::canonicalize(&root).unwrap();
        assert!(check_write_target(&root.join("commands/x.md")).is_err());
        assert!(check_write_target(&root.join("commands/new/deeper/x.md")).is_err());
        check_write_target(&root.join("skills/new/x")).unwrap();
    }
}
