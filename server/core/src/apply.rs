//! Paths inside artifacts: every relative path is checked to stay inside its artifact before
//! anything is written (the writing itself is `sync::apply`, journaled and atomic).

use std::path::{Component, Path};

use crate::error::{Error, Result};

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
}
