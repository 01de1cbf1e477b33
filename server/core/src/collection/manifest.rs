//! Reading SkillMeat's `collection.toml` and `collection.lock` strictly: a file of the wrong
//! shape (a key of the wrong type, a missing name or type, a path that is not the artifact's own)
//! is an error naming the file, the entry and the key, so nothing is read or written through it.

use std::collections::BTreeMap;
use std::path::Path;

use super::ManifestEntry;
use crate::error::{Error, Result};
use crate::id::{ArtifactId, ArtifactType};

/// What `collection.toml` says that we use.
#[derive(Debug, Default)]
pub(super) struct Parsed {
    pub name: Option<String>,
    pub entries: BTreeMap<ArtifactId, ManifestEntry>,
}

fn toml_error(path: &Path, e: toml::de::Error) -> Error {
    Error::malformed(format!(
        "{} is not valid TOML: {}; fix the file (SkillMeat writes it with `skillmeat add`)",
        path.display(),
        e.message()
    ))
}

fn shape(path: &Path, at: &str, what: &str) -> Error {
    Error::malformed(format!(
        "{}: {at} {what}; fix the file (SkillMeat writes it with `skillmeat add`) — nothing was read or written",
        path.display()
    ))
}

/// An optional string key of `table`; any other type is an error naming the key.
fn opt_str(path: &Path, at: &str, table: &toml::Table, key: &str) -> Result<Option<String>> {
    match table.get(key) {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(shape(
            path,
            at,
            &format!("has `{key}` of type {}, not a string", v.type_str()),
        )),
    }
}

/// Checks that a manifest path is exactly the artifact's place in SkillMeat's layout,
/// `<type folder>/<name>` (`.md` for commands and agents); a skill may end with `/`.
pub fn check_path(id: &ArtifactId, given: &str) -> std::result::Result<(), String> {
    let expected = id.rel_path();
    let trimmed = if id.kind.is_folder() {
        given.strip_suffix('/').unwrap_or(given)
    } else {
        given
    };
    if trimmed == expected {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not `{expected}`; an artifact's path is always `<type folder>/<name>` (`.md` for commands and agents)",
            given.escape_debug()
        ))
    }
}

/// Parses `collection.toml`.
pub(super) fn parse_collection(path: &Path, text: &str) -> Result<Parsed> {
    let doc: toml::Table = text.parse().map_err(|e| toml_error(path, e))?;
    let mut out = Parsed::default();
    match doc.get("collection") {
        None => {}
        Some(toml::Value::Table(c)) => out.name = opt_str(path, "[collection]", c, "name")?,
        Some(v) => {
            return Err(shape(
                path,
                "`collection`",
                &format!("is a {}, not a table", v.type_str()),
            ))
        }
    }
    let items = match doc.get("artifacts") {
        None => return Ok(out),
        Some(toml::Value::Array(a)) => a,
        Some(v) => {
            return Err(shape(
                path,
                "`artifacts`",
                &format!(
                    "is a {}, not an array of tables ([[artifacts]])",
                    v.type_str()
                ),
            ))
        }
    };
    for (i, item) in items.iter().enumerate() {
        let at = format!("[[artifacts]] #{}", i + 1);
        let Some(t) = item.as_table() else {
            return Err(shape(path, &at, "is not a table"));
        };
        let name =
            opt_str(path, &at, t, "name")?.ok_or_else(|| shape(path, &at, "has no `name`"))?;
        let at = format!("{at} (`{}`)", name.escape_debug());
        let kind =
            opt_str(path, &at, t, "type")?.ok_or_else(|| shape(path, &at, "has no `type`"))?;
        // SkillMeat knows more types (hooks, MCP servers) than the three we track: those
        // entries are SkillMeat's business, not an error.
        let Ok(kind) = kind.parse::<ArtifactType>() else {
            continue;
        };
        let id = ArtifactId::new(kind, &name)
            .map_err(|e| e.context(format!("{}: {at}", path.display())))?;
        let at = format!("[[artifacts]] #{} ({id})", i + 1);
        let entry_path = opt_str(path, &at, t, "path")?;
        if let Some(p) = &entry_path {
            check_path(&id, p).map_err(|why| shape(path, &at, &format!("has path {why}")))?;
        }
        let s = |k: &str| opt_str(path, &at, t, k);
        s("origin")?;
        let entry = ManifestEntry {
            path: entry_path,
            upstream: s("upstream")?,
            upstream_path: s("upstream_path")?,
            version_spec: s("version_spec")?,
            resolved_sha: s("resolved_sha")?,
            resolved_version: s("resolved_version")?,
        };
        out.entries.insert(id, entry);
    }
    Ok(out)
}

/// Checks the shape of `collection.lock`: `[lock]` a table, `lock.entries` a table of tables
/// keyed `name::type`, their known keys strings.
pub(super) fn check_lock(path: &Path, text: &str) -> Result<()> {
    let doc: toml::Table = text.parse().map_err(|e| toml_error(path, e))?;
    let lock = match doc.get("lock") {
        None => return Ok(()),
        Some(toml::Value::Table(l)) => l,
        Some(v) => {
            return Err(shape(
                path,
                "`lock`",
                &format!("is a {}, not a table", v.type_str()),
            ))
        }
    };
    opt_str(path, "[lock]", lock, "version")?;
    let entries = match lock.get("entries") {
        None => return Ok(()),
        Some(toml::Value::Table(e)) => e,
        Some(v) => {
            return Err(shape(
                path,
                "`lock.entries`",
                &format!("is a {}, not a table", v.type_str()),
            ))
        }
    };
    for (key, e) in entries {
        let at = format!("[lock.entries.\"{}\"]", key.escape_debug());
        if !key.contains("::") {
            return Err(shape(path, &at, "is not named `<name>::<type>`"));
        }
        let Some(t) = e.as_table() else {
            return Err(shape(path, &at, "is not a table"));
        };
        for k in [
            "content_hash",
            "fetched",
            "upstream",
            "resolved_sha",
            "resolved_version",
        ] {
            opt_str(path, &at, t, k)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_collection(Path::new("c/collection.toml"), text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn paths_other_than_the_artifacts_own_are_refused_naming_the_entry() {
        for bad in [
            "skills",
            "skills/x/..",
            "../x",
            "/etc",
            "skills/other",
            "linkout/s",
            "commands/s.md",
            "skills/s/sub",
            "./skills/s",
        ] {
            let msg = err(&format!(
                "[[artifacts]]\nname = \"s\"\ntype = \"skill\"\npath = \"{bad}\"\n"
            ));
            assert!(
                msg.contains("collection.toml")
                    && msg.contains("skill:s")
                    && msg.contains("skills/s"),
                "{bad}: {msg}"
            );
        }
        let ok = parse_collection(
            Path::new("x"),
            "[[artifacts]]\nname = \"s\"\ntype = \"skill\"\npath = \"skills/s/\"\n[[artifacts]]\nname = \"r\"\ntype = \"command\"\npath = \"commands/r.md\"\n[[artifacts]]\nname = \"h\"\ntype = \"workflow\"\npath = \"anything\"\n",
        )
        .unwrap();
        assert_eq!(ok.entries.len(), 2);
    }

    #[test]
    fn keys_of_the_wrong_type_are_named() {
        let msg = err("[[artifacts]]\nname = 5\ntype = \"skill\"\n");
        assert!(msg.contains("`name`") && msg.contains("integer"), "{msg}");
        let msg = err("[[artifacts]]\ntype = \"skill\"\n");
        assert!(msg.contains("no `name`"), "{msg}");
        let msg = err("artifacts = \"x\"\n");
        assert!(
            msg.contains("`artifacts`") && msg.contains("not an array"),
            "{msg}"
        );
        let msg = err("[[artifacts]]\nname = \"s\"\ntype = \"skill\"\nupstream = [1]\n");
        assert!(
            msg.contains("`upstream`") && msg.contains("skill:s"),
            "{msg}"
        );
        let msg = err("collection = 3\n");
        assert!(msg.contains("`collection`"), "{msg}");
    }

    #[test]
    fn lock_files_of_the_wrong_shape_are_named() {
        let p = Path::new("c/collection.lock");
        for (text, needle) in [
            ("lock = 1\n", "`lock`"),
            ("[lock]\nentries = 1\n", "`lock.entries`"),
            (
                "[lock.entries.\"a::skill\"]\ncontent_hash = 1\n",
                "`content_hash`",
            ),
            ("[lock.entries]\nx = 1\n", "\"x\""),
            ("[lock\n", "not valid TOML"),
        ] {
            let msg = check_lock(p, text).unwrap_err().to_string();
            assert!(
                msg.contains("collection.lock") && msg.contains(needle),
                "{text}: {msg}"
            );
        }
        assert!(check_lock(
            p,
            "[lock]\nversion = \"1.0.0\"\n[lock.entries.\"a::skill\"]\ncontent_hash = \"x\"\n"
        )
        .is_ok());
    }
}
