//! Paths inside artifacts: every relative path is checked to stay inside its artifact before
//! anything is written (the writing itself is `sync::apply`, journaled and atomic), and the
//! folders an artifact lives in are checked never to be links leading out of their tier.

use std::fs;
use std::path::{Component, Path};

use crate::error::{Error, IoContext, Result};
use crate::profile::Profile;

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

/// Refuses a profile root of `project` (`.claude`, `.agents`, ...) that cannot be trusted: any
/// folder of the root itself, any of its type folders, or its SkillMeat deployed file that is a
/// symlink (SkillMeat's own layout has none). A link leading out would read and write outside
/// the project; one inside it would give two profiles (or two places) one folder, its copies and
/// its deployed file. The one check every reader and writer under a profile root calls: opening
/// a workspace, scanning a root, importing or writing its deployed file. A missing folder ends
/// the check (nothing below it can be a link).
pub fn check_profile_root(project: &Path, profile: &Profile) -> Result<()> {
    let mut rels: Vec<String> = Vec::new();
    let mut at = String::new();
    for c in Path::new(&profile.root_dir).components() {
        if !at.is_empty() {
            at.push('/');
        }
        at.push_str(&c.as_os_str().to_string_lossy());
        rels.push(at.clone());
    }
    let mut below: Vec<String> = crate::id::ArtifactType::ALL
        .iter()
        .map(|k| format!("{}/{}", profile.root_dir, profile.type_dir(*k)))
        .collect();
    below.push(format!("{}/{}", profile.root_dir, crate::compat::FILE_NAME));
    below.sort();
    below.dedup();
    let what = format!("the {} profile root", profile.label());
    for rel in &rels {
        if !check_not_linked(project, rel, &what)? {
            return Ok(());
        }
    }
    for rel in &below {
        // Type folders may be nested (`artifact_path_map`): each of their folders too.
        let mut at = std::path::PathBuf::from(&profile.root_dir);
        for c in Path::new(rel)
            .strip_prefix(&profile.root_dir)
            .unwrap_or(Path::new(rel))
            .components()
        {
            at.push(c);
            let what = format!(
                "in the {} profile root {}",
                profile.label(),
                profile.root_dir
            );
            if !check_not_linked(project, &at.to_string_lossy(), &what)? {
                break;
            }
        }
    }
    Ok(())
}

/// Refuses `project/rel` when it is a symlink, naming where it leads (`what` says whose folder it
/// is). `Ok(false)`: it does not exist.
fn check_not_linked(project: &Path, rel: &str, what: &str) -> Result<bool> {
    let at = project.join(rel);
    let md = match fs::symlink_metadata(&at) {
        Ok(md) => md,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => return Ok(false),
        Err(e) => return Err(Error::io(&at, e)),
    };
    if !md.file_type().is_symlink() {
        return Ok(true);
    }
    let canon_root = fs::canonicalize(project).at(project)?;
    let target = fs::canonicalize(&at).ok();
    let (where_to, todo) = match &target {
        Some(t) if t.starts_with(&canon_root) => (
            format!(
                "{}, inside the project, so two profiles or two folders would share one set of deployments and deployed file",
                t.display()
            ),
            if t.is_file() {
                "replace the link with a real file"
            } else {
                "replace the link with a real folder and deploy to each profile (`deploy ID --profile NAME`)"
            },
        ),
        Some(t) => (
            format!("{}, outside the project ({})", t.display(), project.display()),
            if t.is_file() {
                "replace the link with a real file"
            } else {
                "replace the link with a real folder"
            },
        ),
        None => ("a missing target".to_string(), "remove the link"),
    };
    Err(Error::malformed(format!(
        "{} ({what}) is a symlink to {where_to}; skillmeat-lsp never reads or writes deployments through a link — {todo}",
        at.display()
    )))
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
    fn profile_roots_their_type_folders_and_deployed_files_are_never_links() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p");
        let outside = dir.path().join("outside");
        fs::create_dir_all(project.join(".claude/skills")).unwrap();
        fs::create_dir_all(outside.join("skills")).unwrap();
        fs::write(outside.join("deployed.toml"), "").unwrap();
        let profiles = crate::profile::Profiles::resolve(None, None);
        let codex = profiles.get("codex").unwrap();
        let refused = |why: &str| {
            let msg = check_profile_root(&project, codex).unwrap_err().to_string();
            assert!(
                msg.contains(why) && msg.contains("codex profile root"),
                "{msg}"
            );
        };
        // Missing, then real: nothing to refuse.
        check_profile_root(&project, codex).unwrap();
        fs::create_dir_all(project.join(".agents")).unwrap();
        check_profile_root(&project, codex).unwrap();
        for (link, to, why) in [
            (
                ".agents/skills",
                outside.join("skills"),
                "outside the project",
            ),
            (
                ".agents/commands",
                project.join(".claude/skills"),
                "inside the project",
            ),
            (
                ".agents/.skillmeat-deployed.toml",
                outside.join("deployed.toml"),
                "a real file",
            ),
        ] {
            std::os::unix::fs::symlink(&to, project.join(link)).unwrap();
            refused(why);
            fs::remove_file(project.join(link)).unwrap();
        }
        fs::remove_dir(project.join(".agents")).unwrap();
        std::os::unix::fs::symlink(".claude", project.join(".agents")).unwrap();
        refused("inside the project");
        // `.claude` is held to the same rule.
        let claude = profiles.default();
        check_profile_root(&project, claude).unwrap();
        fs::remove_dir_all(project.join(".claude")).unwrap();
        std::os::unix::fs::symlink(&outside, project.join(".claude")).unwrap();
        assert!(check_profile_root(&project, claude).is_err());
    }

    #[test]
    fn a_writer_creates_nothing_through_a_linked_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(root.join("p")).unwrap();
        fs::create_dir_all(root.join("outside")).unwrap();
        std::os::unix::fs::symlink(root.join("outside"), root.join("p/.agents")).unwrap();
        let id = crate::id::ArtifactId::new(crate::id::ArtifactType::Skill, "pdf").unwrap();
        let target = root.join("p/.agents/skills/pdf");
        let Err(err) = crate::sync::write::Writer::begin(&id, &target, std::time::Duration::ZERO)
        else {
            panic!("a write through .agents -> outside was not refused");
        };
        assert!(err.to_string().contains("symlink"), "{err}");
        assert_eq!(fs::read_dir(root.join("outside")).unwrap().count(), 0);
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
