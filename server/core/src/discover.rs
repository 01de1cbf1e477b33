//! Finding artifacts in a project's `.claude/` folder or a collection's root (docs/design.md §2).
//!
//! Dot-entries are never artifacts: SkillMeat leaves zero-byte `.<name>.skillmeat-lock` sidecars
//! beside artifacts. Entries whose names fail validation are reported, not silently used.
//!
//! Claude Code's discovery rules decide what is an artifact: a folder under `skills/` is a skill
//! only with `SKILL.md` directly inside. A command in a sub-folder (`commands/<ns>/<name>.md`,
//! which Claude Code runs as `/ns:name`) is not one SkillMeat can deploy (it places commands at
//! `commands/<name>.md`), so it is named in a warning and never tracked or synced.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::id::{validate_name, ArtifactId, ArtifactType, Shape};
use crate::layout;
use crate::profile::Profile;

/// Everything found under one tier root, plus what was skipped and why.
#[derive(Debug, Default)]
pub struct Found {
    pub artifacts: BTreeMap<ArtifactId, PathBuf>,
    pub skipped: Vec<String>,
}

/// Where an artifact of `id` lives below a tier root (`.claude/` or a collection).
pub fn artifact_path(tier_root: &Path, id: &ArtifactId) -> PathBuf {
    tier_root.join(id.rel_path())
}

/// The main file of the artifact of type `kind` at `artifact` (in any tier or profile): the file
/// itself for a single-file artifact, `SKILL.md` for a skill; an MCP server's is the first of
/// SkillMeat's manifest names it holds, else its first file in path order.
pub fn main_file(artifact: &Path, kind: ArtifactType) -> PathBuf {
    if kind.shape() == Shape::File {
        return artifact.to_path_buf();
    }
    let names = kind.manifest_names();
    if kind == ArtifactType::Skill {
        return artifact.join(names[0]);
    }
    if let Some(found) = names.iter().map(|n| artifact.join(n)).find(|p| p.is_file()) {
        return found;
    }
    let mut files: Vec<_> = fs::read_dir(artifact)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect();
    files.sort();
    files
        .into_iter()
        .next()
        .unwrap_or_else(|| artifact.join(names.first().copied().unwrap_or_default()))
}

/// Lists skills, commands and agents under `tier_root`. A missing root or type folder is empty.
pub fn scan(tier_root: &Path) -> Result<Found> {
    let dirs: Vec<(ArtifactType, PathBuf)> = ArtifactType::ALL
        .iter()
        .map(|k| (*k, tier_root.join(k.dir())))
        .collect();
    scan_dirs(&dirs, None)
}

/// Lists the artifacts under one profile root of `project`: each type the profile deploys, in
/// its folder there (the profile's path map), as that profile's deployments
/// (`skill:x@codex`; bare ids for Claude Code's `.claude`). A missing root is empty.
pub fn scan_profile(project: &Path, profile: &Profile) -> Result<Found> {
    crate::apply::check_profile_root(project, profile)?;
    let root = profile.root(project);
    let dirs: Vec<(ArtifactType, PathBuf)> = profile
        .supported
        .iter()
        .map(|k| (*k, root.join(profile.type_dir(*k))))
        .collect();
    let label = (profile.id != crate::profile::DEFAULT).then_some(profile.id.as_str());
    scan_dirs(&dirs, label)
}

/// Lists the artifacts of each `(type, folder)`, their ids carrying `profile`.
fn scan_dirs(dirs: &[(ArtifactType, PathBuf)], profile: Option<&str>) -> Result<Found> {
    let mut out = Found::default();
    for (kind, dir) in dirs {
        let kind = *kind;
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => continue,
            Err(e) => return Err(Error::io(dir, e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(dir, e))?;
            let file_name = entry.file_name();
            let Some(file_name) = file_name.to_str() else {
                out.skipped
                    .push(format!("{}: name is not UTF-8", entry.path().display()));
                continue;
            };
            // The core's own entries beside artifacts (stages, locks: [`crate::layout`]) and
            // every other dot-entry are never artifacts.
            if layout::is_internal_path(Path::new(file_name)) || file_name.starts_with('.') {
                continue;
            }
            let ft = match entry.file_type() {
                Ok(ft) => ft,
                Err(e) => return Err(Error::io(entry.path(), e)),
            };
            let name = if kind.is_folder() {
                if !(ft.is_dir() || ft.is_symlink()) {
                    continue;
                }
                if kind == ArtifactType::Skill && ft.is_dir() && !is_skill_folder(&entry.path()) {
                    out.skipped.push(format!(
                        "{}: not a skill: it has no SKILL.md directly inside, so Claude Code does not load it; add one (or move the folder out of skills/)",
                        entry.path().display()
                    ));
                    continue;
                }
                file_name
            } else {
                match file_name.strip_suffix(".md") {
                    Some(stem) if !ft.is_dir() => stem,
                    _ => {
                        if ft.is_dir() && kind == ArtifactType::Command {
                            nested_commands(&entry.path(), file_name, &mut out.skipped);
                        }
                        continue;
                    }
                }
            };
            if let Err(e) = validate_name(name) {
                out.skipped.push(format!("{}: {e}", entry.path().display()));
                continue;
            }
            out.artifacts.insert(
                ArtifactId {
                    kind,
                    name: name.to_string(),
                    profile: profile.map(str::to_string),
                },
                entry.path(),
            );
        }
    }
    Ok(out)
}

/// Claude Code's rule: a skill folder holds `SKILL.md` directly inside (a file, or a link the
/// tree reader then checks).
fn is_skill_folder(dir: &Path) -> bool {
    dir.join("SKILL.md")
        .symlink_metadata()
        .is_ok_and(|m| !m.is_dir())
}

/// Names every `.md` file below `commands/<ns>/` in a warning, with the `/ns:name` Claude Code
/// runs it as. Depth is capped so a deep or looping tree cannot stall a scan.
fn nested_commands(dir: &Path, ns: &str, skipped: &mut Vec<String>) {
    fn walk(dir: &Path, ns: &str, depth: usize, skipped: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let Some(name) = e.file_name().to_str().map(str::to_string) else {
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                if depth < 8 {
                    walk(&e.path(), &format!("{ns}:{name}"), depth + 1, skipped);
                }
            } else if let Some(stem) = name.strip_suffix(".md") {
                skipped.push(format!(
                    "{}: a namespaced command (Claude Code runs it as /{ns}:{stem}); not tracked: SkillMeat deploys commands as commands/<name>.md, so move it there to track it",
                    e.path().display()
                ));
            }
        }
    }
    walk(dir, ns, 0, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_file_is_the_file_skill_md_or_the_mcp_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let cmd = root.join("commands/review.md");
        assert_eq!(main_file(&cmd, ArtifactType::Command), cmd);
        let skill = root.join("skills/pdf");
        assert_eq!(
            main_file(&skill, ArtifactType::Skill),
            skill.join("SKILL.md")
        );
        let mcp = root.join("mcp/github");
        fs::create_dir_all(&mcp).unwrap();
        fs::write(mcp.join("b.txt"), "").unwrap();
        fs::write(mcp.join("a.txt"), "").unwrap();
        assert_eq!(main_file(&mcp, ArtifactType::Mcp), mcp.join("a.txt"));
        fs::write(mcp.join("mcp.json"), "{}").unwrap();
        assert_eq!(main_file(&mcp, ArtifactType::Mcp), mcp.join("mcp.json"));
        fs::write(mcp.join(".mcp.json"), "{}").unwrap();
        assert_eq!(main_file(&mcp, ArtifactType::Mcp), mcp.join(".mcp.json"));
    }

    #[test]
    fn lock_sidecars_and_non_md_files_are_not_artifacts() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("skills/pdf")).unwrap();
        fs::write(root.join("skills/pdf/SKILL.md"), "x").unwrap();
        fs::write(root.join("skills/.pdf.skillmeat-lock"), "").unwrap();
        fs::create_dir_all(root.join("commands")).unwrap();
        fs::write(root.join("commands/review.md"), "x").unwrap();
        fs::write(root.join("commands/notes.txt"), "x").unwrap();
        fs::write(root.join("commands/.hidden.md"), "x").unwrap();
        fs::create_dir_all(root.join("agents")).unwrap();
        fs::write(root.join("agents/planner.md"), "x").unwrap();
        let found = scan(root).unwrap();
        let ids: Vec<String> = found.artifacts.keys().map(|i| i.to_string()).collect();
        assert_eq!(ids, ["skill:pdf", "command:review", "agent:planner"]);
    }

    #[test]
    fn claude_codes_rules_decide_what_is_an_artifact() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("skills/real")).unwrap();
        fs::write(root.join("skills/real/SKILL.md"), "x").unwrap();
        fs::create_dir_all(root.join("skills/notes/deeper")).unwrap();
        fs::write(root.join("skills/notes/deeper/SKILL.md"), "x").unwrap();
        fs::write(root.join("skills/notes/README.md"), "x").unwrap();
        fs::create_dir_all(root.join("commands/git/deep")).unwrap();
        fs::write(root.join("commands/git/commit.md"), "x").unwrap();
        fs::write(root.join("commands/git/deep/push.md"), "x").unwrap();
        fs::write(root.join("commands/plain.md"), "x").unwrap();
        fs::create_dir_all(root.join("hooks")).unwrap();
        fs::write(root.join("hooks/pre.md"), "x").unwrap();
        fs::create_dir_all(root.join("mcp/github")).unwrap();
        fs::write(root.join("mcp/github/mcp.json"), "{}").unwrap();
        let found = scan(root).unwrap();
        let ids: Vec<String> = found.artifacts.keys().map(|i| i.to_string()).collect();
        assert_eq!(
            ids,
            ["skill:real", "command:plain", "hook:pre", "mcp:github"]
        );
        let all = found.skipped.join("\n");
        assert!(all.contains("skills/notes: not a skill"), "{all}");
        assert!(all.contains("/git:commit"), "{all}");
        assert!(all.contains("/git:deep:push"), "{all}");
        assert_eq!(found.skipped.len(), 3, "{all}");
    }
}
