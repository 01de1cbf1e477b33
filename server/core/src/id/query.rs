//! What a person types to name an artifact: `type:name`, a bare name or either with
//! `@profile` (`IdQuery`), resolved against the known ids, with the nearest id suggested for a
//! typo (`did_you_mean`).

use std::fmt;

use super::{is_default_profile, validate_name, validate_profile, ArtifactId};
use crate::error::{Error, Result};

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

    /// Whether this query names `id` as a filter does (`status ID...`): its name (and type, when
    /// typed) match, and its profile too when the query names one (`@claude` being `.claude`'s).
    pub fn names_deployment(&self, id: &ArtifactId) -> bool {
        self.matches_name(id) && (!self.names_profile() || id.profile.as_deref() == self.profile())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::ArtifactType;

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
