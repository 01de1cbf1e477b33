//! SkillMeat's profile roots as the server watches them: every root a project can hold
//! (`.claude`, `.agents` for codex, `.gemini`, `.cursor`, and roots SkillMeat's config adds), so
//! files under any of them get diagnostics, code actions and lenses like `.claude`'s. Plain
//! functions over core types; the handlers call them.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use skillmeat_core::workspace::Workspace;

/// The root folder names of every profile SkillMeat's config gives this process (built-ins with
/// `platform.defaults` from its `config.toml` and `SKILLMEAT_PLATFORM_DEFAULTS_JSON`), in
/// SkillMeat's order (`.claude` first): what `initialize` and `serve --describe` tell editors,
/// which select the documents they sync by it.
pub fn root_dirs() -> Vec<String> {
    let env = skillmeat_core::collection::Env::from_process(None);
    let profiles = skillmeat_core::profile::Profiles::from_process(env.skillmeat_root().as_deref());
    profiles.all.into_iter().map(|p| p.root_dir).collect()
}

/// The `didChangeWatchedFiles` watchers: every file under every profile root SkillMeat's
/// profiles name (with its config's overrides), its deployed file included.
pub fn watch_globs() -> Value {
    let watchers: Vec<Value> = root_dirs()
        .iter()
        .map(|r| json!({ "globPattern": format!("**/{r}/**") }))
        .collect();
    json!({ "watchers": watchers })
}

/// Every profile root of the workspace that exists (`.claude` first), for our own watcher.
pub fn existing_roots(ws: &Workspace) -> Vec<PathBuf> {
    ws.profiles()
        .all
        .iter()
        .map(|p| p.root(ws.root()))
        .filter(|r| r.is_dir())
        .collect()
}

/// Whether `path` is under one of the workspace's profile roots.
pub fn under_a_root(ws: &Workspace, path: &Path) -> bool {
    ws.profiles()
        .all
        .iter()
        .any(|p| path.starts_with(p.root(ws.root())))
}
