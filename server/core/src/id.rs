//! Artifact identity: the `type:name` id, the artifact types (SkillMeat's skill, command, agent,
//! hook and mcp) and name validation (docs/design.md §2).

use std::fmt;
use std::str::FromStr;

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

/// What a person typed: `type:name`, or a bare name to be matched against known artifacts;
/// either may end in `@profile` (see [`ArtifactId::profile`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdQuery {
    Exact(ArtifactId),
    Bare(String),
    /// A name or id with `@profile` naming the deployment.
    InProfile(Box<IdQuery>, String),
}

impl IdQuery {
    pub fn parse(s: &str) -> Result<Self> {
        if let Some((rest, profile)) = s.rsplit_once('@') {
            validate_profile(profile)?;
            return Ok(IdQuery::InProfile(
                Box::new(IdQuery::parse(rest)?),
                profile.to_string(),
            ));
        }
        match s.split_once(':') {
            Some((kind, name)) => Ok(IdQuery::Exact(ArtifactId::new(kind.parse()?, name)?)),
            None => {
                validate_name(s)?;
                Ok(IdQuery::Bare(s.to_string()))
            }
        }
    }

    /// The profile the query names, if any (`None` for `@claude` too: that is the default).
    pub fn profile(&self) -> Option<&str> {
        match self {
            IdQuery::InProfile(_, p) if !is_default_profile(p) => Some(p),
            _ => None,
        }
    }

    /// Whether the query names a profile at all (`@claude` included).
    pub fn names_profile(&self) -> bool {
        matches!(self, IdQuery::InProfile(..))
    }

    /// The query without its profile.
    pub fn without_profile(&self) -> &IdQuery {
        match self {
            IdQuery::InProfile(q, _) => q,
            q => q,
        }
    }

    /// Whether `id` is what this query names, profile aside.
    pub fn matches_name(&self, id: &ArtifactId) -> bool {
        match self.without_profile() {
            IdQuery::Exact(e) => e.kind == id.kind && e.name == id.name,
            IdQuery::Bare(n) => &id.name == n,
            IdQuery::InProfile(..) => false,
        }
    }

    /// Picks the one id among `known` that this query names. Without `@profile`, Claude Code's
    /// deployment (or a collection id) wins when it is among them, else the only one; several
    /// are ambiguous and the error lists them.
    pub fn resolve<'a>(
        &self,
        known: impl IntoIterator<Item = &'a ArtifactId>,
    ) -> Result<ArtifactId> {
        let known: Vec<&ArtifactId> = known.into_iter().collect();
        let mut hits: Vec<&ArtifactId> = known
            .iter()
            .copied()
            .filter(|k| self.matches_name(k))
            .collect();
        hits.sort();
        hits.dedup();
        if self.names_profile() {
            let want = self.profile();
            hits.retain(|k| k.profile.as_deref() == want);
        } else if hits.iter().any(|k| k.profile.is_none()) {
            hits.retain(|k| k.profile.is_none());
        }
        let typed = match self.without_profile() {
            IdQuery::Exact(id) => id.to_string(),
            IdQuery::Bare(n) => n.clone(),
            IdQuery::InProfile(..) => String::new(),
        };
        let typed = match self {
            IdQuery::InProfile(_, p) => format!("{typed}@{p}"),
            _ => typed,
        };
        match hits.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::not_found(format!(
                "unknown artifact `{typed}`: it is in neither the project nor the collection; {}",
                hint(&typed, &known)
            ))),
            many => {
                let profiles_differ = many.iter().any(|k| k.profile != many[0].profile);
                Err(Error::invalid(format!(
                    "`{typed}` is ambiguous: it names {}; say which with `{}`",
                    many.iter()
                        .map(|i| format!("`{i}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if profiles_differ {
                        "type:name@profile"
                    } else {
                        "type:name"
                    }
                )))
            }
        }
    }
}

impl fmt::Display for IdQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdQuery::Exact(id) => write!(f, "{id}"),
            IdQuery::Bare(name) => f.write_str(name),
            IdQuery::InProfile(q, p) => write!(f, "{q}@{p}"),
        }
    }
}

/// What to say after "unknown artifact": the closest known id when one is near, and where to
/// see them all.
fn hint(query: &str, known: &[&ArtifactId]) -> String {
    match did_you_mean(query, known.iter().copied()) {
        Some(id) => {
            format!("did you mean `{id}`? (`skillmeat-lsp list` shows the collection's artifacts)")
        }
        None => "run `skillmeat-lsp list` to see the collection's artifacts".to_string(),
    }
}

/// The known id closest to what a person typed (`type:name` or a bare name), when it is close
/// enough to be a typo: the same name of another type, or an edit distance of at most 2 (at most
/// a third of the name for longer names).
pub fn did_you_mean<'a>(
    query: &str,
    known: impl IntoIterator<Item = &'a ArtifactId>,
) -> Option<ArtifactId> {
    let (kind, name) = match query.split_once(':') {
        Some((k, n)) => (Some(k), n),
        None => (None, query),
    };
    let limit = (name.chars().count() / 3).max(2);
    known
        .into_iter()
        .filter_map(|k| {
            let mut d = edit_distance(name, &k.name);
            // A wrong type costs a little, so a same-typed near name wins over it.
            if kind.is_some_and(|t| t != k.kind.as_str()) {
                d += 1;
            }
            (d > 0 && d <= limit).then_some((d, k))
        })
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, k)| k.clone())
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
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

    #[test]
    fn bare_name_is_ambiguous_across_types() {
        let a = ArtifactId::new(ArtifactType::Skill, "x").unwrap();
        let b = ArtifactId::new(ArtifactType::Command, "x").unwrap();
        let err = IdQuery::Bare("x".into()).resolve([&a, &b]).unwrap_err();
        assert!(err.to_string().contains("ambiguous"));
        assert_eq!(IdQuery::Bare("x".into()).resolve([&a]).unwrap(), a);
    }

    #[test]
    fn profile_suffix_names_the_deployment() {
        let claude = ArtifactId::new(ArtifactType::Skill, "demo").unwrap();
        let codex = claude.clone().with_profile(Some("codex"));
        let gemini = claude.clone().with_profile(Some("gemini"));
        assert_eq!(codex.to_string(), "skill:demo@codex");
        assert_eq!(claude.clone().with_profile(Some("claude")), claude);
        let q = |s: &str| IdQuery::parse(s).unwrap();
        // Bare ids mean Claude Code's deployment when it is there...
        assert_eq!(q("demo").resolve([&claude, &codex]).unwrap(), claude);
        assert_eq!(
            q("skill:demo@codex").resolve([&claude, &codex]).unwrap(),
            codex
        );
        assert_eq!(q("demo@claude").resolve([&claude, &codex]).unwrap(), claude);
        // ...else the only deployment; two others are ambiguous and both are named.
        assert_eq!(q("skill:demo").resolve([&codex]).unwrap(), codex);
        let err = q("demo")
            .resolve([&codex, &gemini])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`skill:demo@codex`")
                && err.contains("`skill:demo@gemini`")
                && err.contains("type:name@profile"),
            "{err}"
        );
        assert!(q("demo@cursor").resolve([&claude, &codex]).is_err());
        assert!(IdQuery::parse("demo@../x").is_err());
    }

    #[test]
    fn a_typo_gets_the_nearest_known_id() {
        let tools = ArtifactId::new(ArtifactType::Skill, "pdf-tools").unwrap();
        let review = ArtifactId::new(ArtifactType::Command, "review").unwrap();
        let known = [&tools, &review];
        assert_eq!(did_you_mean("pdf-tool", known), Some(tools.clone()));
        assert_eq!(did_you_mean("skill:review", known), Some(review.clone()));
        assert_eq!(did_you_mean("revue", known), Some(review.clone()));
        assert_eq!(did_you_mean("something-else", known), None);
        let err = IdQuery::parse("pdf-tool")
            .unwrap()
            .resolve(known)
            .unwrap_err();
        assert!(
            err.to_string().contains("did you mean `skill:pdf-tools`?"),
            "{err}"
        );
    }
}
