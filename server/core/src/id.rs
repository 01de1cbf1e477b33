//! Artifact identity: the `type:name` id, the artifact types (SkillMeat's skill, command, agent,
//! hook and mcp) and name validation (docs/design.md §2); `query` reads what a person types.

mod query;

use std::fmt;
use std::str::FromStr;

pub use query::{did_you_mean, IdQuery};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ArtifactType {
    Skill,
    Command,
    Agent,
    /// SkillMeat's claude_code hook: `hooks/<name>.md`.
    Hook,
    /// SkillMeat's claude_code MCP server: a folder `mcp/<name>/`.
    Mcp,
}

/// How an artifact sits on disk: a folder of files (skills, MCP servers) or one Markdown file
/// (commands, agents, hooks). It decides how the tree is read, hashed and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    Folder,
    File,
}

impl ArtifactType {
    pub const ALL: [ArtifactType; 5] = [
        ArtifactType::Skill,
        ArtifactType::Command,
        ArtifactType::Agent,
        ArtifactType::Hook,
        ArtifactType::Mcp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ArtifactType::Skill => "skill",
            ArtifactType::Command => "command",
            ArtifactType::Agent => "agent",
            ArtifactType::Hook => "hook",
            ArtifactType::Mcp => "mcp",
        }
    }

    /// The folder under `.claude/` (project) or the collection root that holds this type.
    pub fn dir(self) -> &'static str {
        match self {
            ArtifactType::Skill => "skills",
            ArtifactType::Command => "commands",
            ArtifactType::Agent => "agents",
            ArtifactType::Hook => "hooks",
            ArtifactType::Mcp => "mcp",
        }
    }

    /// Skills and MCP servers are folders; commands, agents and hooks are single `.md` files
    /// (SkillMeat's `resolve_artifact_path`).
    pub fn is_folder(self) -> bool {
        self.shape() == Shape::Folder
    }

    /// How an artifact of this type sits on disk (see [`Shape`]).
    pub fn shape(self) -> Shape {
        match self {
            ArtifactType::Skill | ArtifactType::Mcp => Shape::Folder,
            ArtifactType::Command | ArtifactType::Agent | ArtifactType::Hook => Shape::File,
        }
    }

    /// The files a folder artifact's main file is looked for among, in order: `SKILL.md` for a
    /// skill (required: Claude Code loads no skill without it), SkillMeat's MCP manifest names
    /// for an MCP server (optional). Empty for single-file types.
    pub fn manifest_names(self) -> &'static [&'static str] {
        match self {
            ArtifactType::Skill => &["SKILL.md"],
            ArtifactType::Mcp => &[".mcp.json", "mcp.json"],
            _ => &[],
        }
    }
}

impl fmt::Display for ArtifactType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ArtifactType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "skill" | "skills" => Ok(ArtifactType::Skill),
            "command" | "commands" => Ok(ArtifactType::Command),
            "agent" | "agents" => Ok(ArtifactType::Agent),
            "hook" | "hooks" => Ok(ArtifactType::Hook),
            "mcp" | "mcp_server" => Ok(ArtifactType::Mcp),
            _ => Err(Error::invalid(format!(
                "unknown artifact type `{s}`: use skill, command, agent, hook or mcp"
            ))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArtifactId {
    pub kind: ArtifactType,
    pub name: String,
    /// The deployment profile this id names (SkillMeat's profile id: `codex`, `gemini`,
    /// `cursor`, or one its config adds); `None` is Claude Code's `.claude` and every collection
    /// copy. Shown as `type:name@profile`; one collection artifact deployed to two roots is two
    /// ids, each with its own lineage.
    pub profile: Option<String>,
}

impl ArtifactId {
    /// Builds an id after checking the name (docs/design.md §2).
    pub fn new(kind: ArtifactType, name: &str) -> Result<Self> {
        validate_name(name)?;
        Ok(ArtifactId {
            kind,
            name: name.to_string(),
            profile: None,
        })
    }

    /// The same artifact under `profile` (`None`, `claude` or `claude_code`: Claude Code's).
    pub fn with_profile(mut self, profile: Option<&str>) -> Self {
        self.profile = profile
            .filter(|p| !is_default_profile(p))
            .map(str::to_string);
        self
    }

    /// The collection artifact this deployment is a copy of (the id without its profile).
    pub fn base(&self) -> ArtifactId {
        ArtifactId {
            kind: self.kind,
            name: self.name.clone(),
            profile: None,
        }
    }

    /// SkillMeat's profile id of this deployment (`claude_code` when none is named).
    pub fn profile_id(&self) -> &str {
        self.profile.as_deref().unwrap_or(crate::profile::DEFAULT)
    }

    /// The artifact's path relative to `.claude/` in a project or to a collection's root.
    pub fn rel_path(&self) -> String {
        if self.kind.is_folder() {
            format!("{}/{}", self.kind.dir(), self.name)
        } else {
            format!("{}/{}.md", self.kind.dir(), self.name)
        }
    }
}

impl fmt::Display for ArtifactId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.name)?;
        match &self.profile {
            Some(p) => write!(f, "@{p}"),
            None => Ok(()),
        }
    }
}

/// Whether a profile name typed or read means Claude Code's `.claude` (`claude`, `claude_code`).
pub fn is_default_profile(p: &str) -> bool {
    p == crate::profile::DEFAULT || p == "claude"
}

/// Checks a profile name typed in an id or flag: SkillMeat's profile ids are plain identifiers.
pub fn validate_profile(p: &str) -> Result<()> {
    let ok = !p.is_empty()
        && p.len() <= 64
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "invalid profile `{}`: profiles are SkillMeat profile ids such as `codex`, `gemini`, `cursor` or `claude`",
            p.escape_debug()
        )))
    }
}

/// Rejects names that could escape a folder, hide or pass for another: `/`, `\`, `..`, NUL, a
/// leading `.`, control and bidirectional control characters, empty, over the length limit.
pub fn validate_name(name: &str) -> Result<()> {
    let bad = if name.is_empty() {
        Some("it is empty")
    } else if name.contains('/') || name.contains('\\') {
        Some("it contains a path separator")
    } else if name.contains("..") {
        Some("it contains `..`")
    } else if name.contains('\0') {
        Some("it contains a NUL byte")
    } else if name.starts_with('.') {
        Some("it starts with `.`")
    } else if name.chars().any(char::is_control) {
        Some("it contains a control character")
    } else if name.chars().any(is_bidi_control) {
        // `s\u{202E}dm.exe` shows as `sexe.md`: a name must look like what it is.
        Some("it contains a bidirectional control character (it would display as another name)")
    } else if name.len() > crate::limits::MAX_NAME_BYTES {
        Some("it is longer than 128 bytes (the file names built from it must fit the file system's 255)")
    } else {
        None
    };
    match bad {
        Some(why) => Err(Error::invalid(format!(
            "invalid artifact name `{}`: {why}; names are plain file or folder names such as `pdf-tools`",
            name.escape_debug()
        ))),
        None => Ok(()),
    }
}

/// The Unicode characters that reorder how the text around them is shown (embeddings,
/// overrides, isolates and the directional marks).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_and_hidden_names_are_rejected() {
        for bad in [
            "../x",
            "a/b",
            "a\\b",
            "..",
            ".hidden",
            "",
            "a\0b",
            "x..y",
            "s\u{202E}dm.exe",
            "a\u{2066}b",
        ] {
            assert!(validate_name(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(IdQuery::parse("skill:../x").is_err());
    }

    #[test]
    fn names_are_limited_well_under_the_file_systems_255_bytes() {
        let max = "n".repeat(crate::limits::MAX_NAME_BYTES);
        assert!(validate_name(&max).is_ok());
        // The longest name built from it (a staging folder of a command) still fits.
        assert!(format!(".{max}.md.skillmeat-stage-{}", i64::MAX).len() < 255);
        let msg = validate_name(&format!("{max}x")).unwrap_err().to_string();
        assert!(msg.contains("longer than 128 bytes"), "{msg}");
        // Multi-byte characters count in bytes, as the file system counts them.
        assert!(validate_name(&"é".repeat(65)).is_err());
    }

    #[test]
    fn ids_parse_with_or_without_type() {
        assert_eq!(
            IdQuery::parse("skill:pdf-tools").unwrap(),
            IdQuery::Exact(ArtifactId::new(ArtifactType::Skill, "pdf-tools").unwrap())
        );
        assert_eq!(
            IdQuery::parse("review").unwrap(),
            IdQuery::Bare("review".into())
        );
        assert!(IdQuery::parse("widget:x").is_err());
    }

    #[test]
    fn hook_and_mcp_use_skillmeats_layout() {
        let hook = IdQuery::parse("hook:pre-commit").unwrap();
        let IdQuery::Exact(hook) = hook else {
            panic!("{hook:?}")
        };
        assert_eq!(hook.rel_path(), "hooks/pre-commit.md");
        assert_eq!(hook.kind.shape(), Shape::File);
        let IdQuery::Exact(mcp) = IdQuery::parse("mcp:github").unwrap() else {
            panic!()
        };
        assert_eq!(mcp.rel_path(), "mcp/github");
        assert_eq!(mcp.kind.shape(), Shape::Folder);
        assert_eq!(mcp.to_string(), "mcp:github");
        assert_eq!(
            "mcp_server".parse::<ArtifactType>().unwrap(),
            ArtifactType::Mcp
        );
    }
}
