//! SkillMeat's deployment profiles: which profile roots a project can hold (`.claude`, `.agents`
//! for codex, `.gemini`, `.cursor`), where each artifact type lives under each, and which types
//! each allows (SkillMeat 0.74 `core/platform_defaults.py`), with SkillMeat's overrides layered on
//! top: `[platform.defaults.<platform>]` in its `config.toml`, then the
//! `SKILLMEAT_PLATFORM_DEFAULTS_JSON` environment variable (later layers win; tables merge, lists
//! and strings replace, as SkillMeat's `_deep_merge`).
//!
//! [`Profile::artifact_path`] is the one answer to "where does this deployment live on disk".

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::id::{ArtifactId, ArtifactType};

/// The profile every bare id means: Claude Code's `.claude`.
pub const DEFAULT: &str = "claude_code";

/// One deployment profile, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// SkillMeat's platform key and profile id: `claude_code`, `codex`, `gemini`, `cursor`.
    pub id: String,
    /// The profile root, relative to the project (`.claude`, `.agents`).
    pub root_dir: String,
    /// The folder of each artifact type under the root (`skill` → `skills`).
    pub path_map: BTreeMap<ArtifactType, String>,
    /// The types SkillMeat deploys to this profile.
    pub supported: Vec<ArtifactType>,
}

fn builtin(id: &str, root: &str, types: &[ArtifactType]) -> Profile {
    Profile {
        id: id.to_string(),
        root_dir: root.to_string(),
        path_map: types.iter().map(|t| (*t, t.dir().to_string())).collect(),
        supported: types.to_vec(),
    }
}

/// SkillMeat 0.74's built-in profiles, before overrides.
pub fn builtins() -> Vec<Profile> {
    use ArtifactType::*;
    vec![
        builtin(DEFAULT, ".claude", &[Skill, Command, Agent, Hook, Mcp]),
        builtin("codex", ".agents", &[Skill, Command, Agent]),
        builtin("gemini", ".gemini", &[Skill, Command]),
        builtin("cursor", ".cursor", &[Skill, Command, Agent]),
    ]
}

impl Profile {
    /// The profile root in `project`.
    pub fn root(&self, project: &Path) -> PathBuf {
        project.join(&self.root_dir)
    }

    /// Where the deployment of `id` under this profile lives in `project`: SkillMeat's
    /// `resolve_artifact_path` (folders for skills and MCP servers, `<name>.md` otherwise).
    pub fn artifact_path(&self, project: &Path, id: &ArtifactId) -> PathBuf {
        self.root(project).join(self.rel_path(id))
    }

    /// The deployment's path relative to the profile root: the `artifact_path` SkillMeat
    /// records in the root's `.skillmeat-deployed.toml` (`skills/demo`, `prompts/review.md`).
    pub fn rel_path(&self, id: &ArtifactId) -> String {
        let dir = self.type_dir(id.kind);
        if id.kind.is_folder() {
            format!("{dir}/{}", id.name)
        } else {
            format!("{dir}/{}.md", id.name)
        }
    }

    /// The folder of `kind` under the root (`skills`, or what the path map says).
    pub fn type_dir(&self, kind: ArtifactType) -> &str {
        self.path_map
            .get(&kind)
            .map(String::as_str)
            .unwrap_or(kind.dir())
    }

    /// SkillMeat's `platform` value for a deployment under this profile (its `Platform` enum:
    /// the built-in profile ids, else `other`).
    pub fn platform(&self) -> &str {
        match self.id.as_str() {
            "claude_code" | "codex" | "gemini" | "cursor" | "bob" => &self.id,
            _ => "other",
        }
    }

    /// The short label shown in ids and tables: `claude` for Claude Code, else the profile id.
    pub fn label(&self) -> &str {
        if self.id == DEFAULT {
            "claude"
        } else {
            &self.id
        }
    }

    pub fn allows(&self, kind: ArtifactType) -> bool {
        self.supported.contains(&kind)
    }
}

/// A relative path that stays inside its base (no `..`, no root, not empty).
fn is_inside(rel: &str) -> bool {
    let p = Path::new(rel);
    !rel.is_empty()
        && p.components().all(|c| matches!(c, Component::Normal(_)))
        && !rel.contains('\\')
}

/// Applies one override table (SkillMeat's shape) to `p`; what cannot be used is described in
/// `warnings` and left at its previous value.
fn apply(p: &mut Profile, over: &serde_json::Value, from: &str, warnings: &mut Vec<String>) {
    let Some(obj) = over.as_object() else {
        warnings.push(format!("{from}: `{}` is not a table; ignored", p.id));
        return;
    };
    if let Some(v) = obj.get("root_dir") {
        match v.as_str() {
            Some(r) if is_inside(r) => p.root_dir = r.to_string(),
            _ => warnings.push(format!(
                "{from}: {}.root_dir {v} must be a folder inside the project (like \".agents\"); ignored",
                p.id
            )),
        }
    }
    if let Some(map) = obj.get("artifact_path_map").and_then(|m| m.as_object()) {
        for (k, v) in map {
            match (k.parse::<ArtifactType>(), v.as_str()) {
                (Ok(t), Some(d)) if is_inside(d) => {
                    p.path_map.insert(t, d.to_string());
                }
                _ => warnings.push(format!(
                    "{from}: {}.artifact_path_map.{k} = {v} is not a known type mapped to a folder inside the root; ignored",
                    p.id
                )),
            }
        }
    }
    if let Some(list) = obj.get("supported_artifact_types") {
        let parsed: Option<Vec<ArtifactType>> = list.as_array().map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().and_then(|s| s.parse().ok()))
                .collect()
        });
        match parsed {
            Some(types) => p.supported = types,
            None => warnings.push(format!(
                "{from}: {}.supported_artifact_types must be a list; ignored",
                p.id
            )),
        }
    }
}

/// The resolved profiles plus what in the overrides could not be used.
#[derive(Debug, Clone)]
pub struct Profiles {
    pub all: Vec<Profile>,
    pub warnings: Vec<String>,
}

impl Profiles {
    /// Built-ins with SkillMeat's overrides: `config.toml` text (its `platform.defaults` table)
    /// and the `SKILLMEAT_PLATFORM_DEFAULTS_JSON` value, either may be absent.
    pub fn resolve(config_toml: Option<(&Path, &str)>, env_json: Option<&str>) -> Profiles {
        let mut all = builtins();
        let mut warnings = Vec::new();
        if let Some((path, text)) = config_toml {
            match text.parse::<toml::Table>() {
                Ok(t) => {
                    let defaults = t
                        .get("platform")
                        .and_then(|p| p.get("defaults"))
                        .and_then(|d| d.as_table());
                    if let Some(d) = defaults {
                        let from = format!("{} [platform.defaults]", path.display());
                        for p in all.iter_mut() {
                            if let Some(over) = d.get(&p.id) {
                                let json = serde_json::to_value(over).unwrap_or_default();
                                apply(p, &json, &from, &mut warnings);
                            }
                        }
                    }
                }
                Err(_) => warnings.push(format!(
                    "{} is not valid TOML; SkillMeat's profile overrides in it are not used",
                    path.display()
                )),
            }
        }
        if let Some(text) = env_json {
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(serde_json::Value::Object(o)) => {
                    for p in all.iter_mut() {
                        if let Some(over) = o.get(&p.id) {
                            apply(p, over, "SKILLMEAT_PLATFORM_DEFAULTS_JSON", &mut warnings);
                        }
                    }
                }
                _ => warnings.push(
                    "SKILLMEAT_PLATFORM_DEFAULTS_JSON is not a JSON object; ignored".to_string(),
                ),
            }
        }
        // Two profiles on one root would read one deployed file twice and claim each other's
        // copies: the first in SkillMeat's order (claude_code, codex, gemini, cursor) keeps the
        // root, whichever override moved the other there, and the warning names both.
        let mut roots: BTreeMap<String, String> = BTreeMap::new();
        all.retain(|p| match roots.get(&p.root_dir) {
            Some(first) => {
                warnings.push(format!(
                    "profiles {first} and {} both use the root {}; {first} keeps it and {} is ignored: give {} its own root_dir in SkillMeat's platform.defaults (config.toml or SKILLMEAT_PLATFORM_DEFAULTS_JSON)",
                    p.id, p.root_dir, p.id, p.id
                ));
                false
            }
            None => {
                roots.insert(p.root_dir.clone(), p.id.clone());
                true
            }
        });
        Profiles { all, warnings }
    }

    /// Reads `<skillmeat_root>/config.toml` and `SKILLMEAT_PLATFORM_DEFAULTS_JSON` from the process.
    pub fn from_process(skillmeat_root: Option<&Path>) -> Profiles {
        let config = skillmeat_root.map(|r| r.join("config.toml"));
        let text = config
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok());
        let env = std::env::var("SKILLMEAT_PLATFORM_DEFAULTS_JSON")
            .ok()
            .filter(|v| !v.is_empty());
        Profiles::resolve(config.as_deref().zip(text.as_deref()), env.as_deref())
    }

    /// Claude Code's profile, which bare ids mean (always present: overrides cannot remove it).
    pub fn default(&self) -> &Profile {
        &self.all[0]
    }

    /// The profile of a deployment id (Claude Code's when it names none).
    pub fn of(&self, id: &ArtifactId) -> Option<&Profile> {
        match &id.profile {
            None => Some(self.default()),
            Some(p) => self.get(p),
        }
    }

    pub fn get(&self, id_or_label: &str) -> Option<&Profile> {
        self.all
            .iter()
            .find(|p| p.id == id_or_label || p.label() == id_or_label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ArtifactId {
        let (k, n) = s.split_once(':').unwrap();
        ArtifactId::new(k.parse().unwrap(), n).unwrap()
    }

    #[test]
    fn builtins_follow_skillmeat_074() {
        let p = Profiles::resolve(None, None);
        let roots: Vec<(&str, &str)> = p
            .all
            .iter()
            .map(|p| (p.id.as_str(), p.root_dir.as_str()))
            .collect();
        assert_eq!(
            roots,
            [
                ("claude_code", ".claude"),
                ("codex", ".agents"),
                ("gemini", ".gemini"),
                ("cursor", ".cursor")
            ]
        );
        let codex = p.get("codex").unwrap();
        let w = Path::new("/w");
        assert_eq!(
            codex.artifact_path(w, &id("skill:demo")),
            Path::new("/w/.agents/skills/demo")
        );
        assert!(!codex.allows(ArtifactType::Hook));
        assert!(!p.get("gemini").unwrap().allows(ArtifactType::Agent));
        let claude = p.get("claude").unwrap();
        assert_eq!(
            claude.artifact_path(w, &id("mcp:gh")),
            Path::new("/w/.claude/mcp/gh")
        );
        assert_eq!(
            claude.artifact_path(w, &id("hook:pre")),
            Path::new("/w/.claude/hooks/pre.md")
        );
    }

    #[test]
    fn two_profiles_on_one_root_keep_the_first_and_warn_naming_both() {
        let ids = |p: &Profiles| -> Vec<String> { p.all.iter().map(|p| p.id.clone()).collect() };
        // Whichever of the two is moved onto the other's root, SkillMeat's order decides.
        for env in [
            r#"{"gemini": {"root_dir": ".agents"}}"#,
            r#"{"codex": {"root_dir": ".gemini"}}"#,
        ] {
            let p = Profiles::resolve(None, Some(env));
            assert_eq!(ids(&p), ["claude_code", "codex", "cursor"], "{env}");
            assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
            let w = &p.warnings[0];
            assert!(
                w.starts_with("profiles codex and gemini both use the root ")
                    && w.contains("gemini is ignored"),
                "{w}"
            );
        }
        let toml = "[platform.defaults.cursor]\nroot_dir = \".claude\"\n";
        let p = Profiles::resolve(Some((Path::new("config.toml"), toml)), None);
        assert_eq!(ids(&p), ["claude_code", "codex", "gemini"]);
        assert!(
            p.warnings[0].contains("profiles claude_code and cursor both use the root .claude"),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn config_then_env_override_roots_and_path_maps() {
        let toml = r#"
[platform.defaults.codex]
root_dir = ".codex"
artifact_path_map = { command = "prompts" }

[platform.defaults.gemini]
root_dir = "../outside"
"#;
        let env = r#"{"codex": {"artifact_path_map": {"skill": "my-skills"}}, "cursor": {"supported_artifact_types": ["skill"]}}"#;
        let p = Profiles::resolve(Some((Path::new("config.toml"), toml)), Some(env));
        let codex = p.get("codex").unwrap();
        let w = Path::new("/w");
        assert_eq!(codex.root_dir, ".codex");
        assert_eq!(
            codex.artifact_path(w, &id("command:review")),
            Path::new("/w/.codex/prompts/review.md")
        );
        assert_eq!(
            codex.artifact_path(w, &id("skill:demo")),
            Path::new("/w/.codex/my-skills/demo")
        );
        assert_eq!(p.get("gemini").unwrap().root_dir, ".gemini");
        assert!(
            p.warnings.iter().any(|w| w.contains("gemini.root_dir")),
            "{:?}",
            p.warnings
        );
        assert_eq!(p.get("cursor").unwrap().supported, [ArtifactType::Skill]);
        let bad = Profiles::resolve(None, Some("[1]"));
        assert_eq!(bad.all, builtins());
        assert_eq!(bad.warnings.len(), 1);
    }
}
