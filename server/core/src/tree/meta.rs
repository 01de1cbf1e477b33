//! What a faithful copy carries besides file bytes: file modes, folders (empty ones and their
//! modes) and symlinks that stay inside the artifact.
//!
//! None of it is part of SkillMeat's content hash; it travels beside the files, is stored with
//! every version and is merged three-way like the files. The form is canonical so two trees that
//! would look the same on disk compare equal: a file mode is listed only when it is not 644, a
//! folder only when it is empty or its mode is not 755 (git's defaults, and what the writer uses
//! for anything not listed).

use std::collections::BTreeMap;
use std::path::{Component, Path};

use crate::hash;

/// The mode of a file nobody recorded one for.
pub const FILE_MODE: u32 = 0o644;
/// The mode of a folder nobody recorded one for.
pub const DIR_MODE: u32 = 0o755;

/// Modes, folders and links of one artifact (relative `/`-separated paths).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// Permission bits of regular files whose mode is not [`FILE_MODE`].
    pub modes: BTreeMap<String, u32>,
    /// Folders that are empty or whose mode is not [`DIR_MODE`]; `""` is the artifact's folder.
    pub dirs: BTreeMap<String, u32>,
    /// Symlinks → their target exactly as written (always relative, always inside).
    pub links: BTreeMap<String, String>,
}

impl Meta {
    pub fn is_plain(&self) -> bool {
        self.modes.is_empty() && self.dirs.is_empty() && self.links.is_empty()
    }

    /// The stored form: NUL-separated records, `m`ode, `d`ir and `l`ink, in key order.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut rec = |fields: &[&[u8]]| {
            for f in fields {
                out.extend_from_slice(f);
                out.push(0);
            }
        };
        for (p, m) in &self.modes {
            rec(&[b"m", format!("{m:o}").as_bytes(), p.as_bytes()]);
        }
        for (p, m) in &self.dirs {
            rec(&[b"d", format!("{m:o}").as_bytes(), p.as_bytes()]);
        }
        for (p, t) in &self.links {
            rec(&[b"l", p.as_bytes(), t.as_bytes()]);
        }
        out
    }

    /// Decodes [`Meta::encode`]; `None` when the bytes are damaged.
    pub fn decode(bytes: &[u8]) -> Option<Meta> {
        let mut meta = Meta::default();
        if bytes.is_empty() {
            return Some(meta);
        }
        let body = bytes.strip_suffix(&[0])?;
        let mut fields = body.split(|b| *b == 0).map(|f| std::str::from_utf8(f).ok());
        while let Some(kind) = fields.next() {
            let a = fields.next()??.to_string();
            let b = fields.next()??.to_string();
            match kind? {
                "m" => meta
                    .modes
                    .insert(b, u32::from_str_radix(&a, 8).ok()?)
                    .map(|_| ()),
                "d" => meta
                    .dirs
                    .insert(b, u32::from_str_radix(&a, 8).ok()?)
                    .map(|_| ()),
                "l" => meta.links.insert(a, b).map(|_| ()),
                _ => return None,
            };
        }
        Some(meta)
    }

    /// `""` for a plain tree, else the SHA-256 of [`Meta::encode`]: what drift compares.
    pub fn digest(&self) -> String {
        if self.is_plain() {
            String::new()
        } else {
            hash::hash_bytes(&self.encode())
        }
    }

    /// The mode a file is written with.
    pub fn file_mode(&self, rel: &str) -> u32 {
        self.modes.get(rel).copied().unwrap_or(FILE_MODE)
    }

    /// The mode a folder is written with.
    pub fn dir_mode(&self, rel: &str) -> u32 {
        self.dirs.get(rel).copied().unwrap_or(DIR_MODE)
    }

    /// Brings the meta of a tree holding `files` to canonical form and makes it consistent with
    /// the files; returns a note for each link that had to become a plain copy.
    pub fn normalize(&mut self, files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
        let mut notes = Vec::new();
        let add_parents = |p: &str, set: &mut std::collections::BTreeSet<String>| {
            let mut cur = p;
            while let Some(i) = cur.rfind('/') {
                cur = &cur[..i];
                set.insert(cur.to_string());
            }
        };
        let links = std::mem::take(&mut self.links);
        for (rel, target) in links {
            let Some(resolved) = resolve(&rel, &target) else {
                notes.push(format!(
                    "{rel}: link to {target} leaves the artifact; dropped"
                ));
                continue;
            };
            let ok = match files.get(&rel) {
                // A link to a file: its bytes in the tree must be the file it leads to.
                Some(bytes) => files.get(&resolved) == Some(bytes),
                // A link to a folder: the folder must exist in the tree.
                None => {
                    let prefix = format!("{resolved}/");
                    resolved.is_empty()
                        || self.dirs.contains_key(&resolved)
                        || files.keys().any(|f| f.starts_with(&prefix))
                }
            };
            if ok {
                self.links.insert(rel, target);
            } else if files.contains_key(&rel) {
                notes.push(format!(
                    "{rel}: a link to {target} whose content now differs from {resolved}; written as a file"
                ));
            } else {
                notes.push(format!(
                    "{rel}: a link to {target}, which is no longer a folder of the artifact; dropped"
                ));
            }
        }
        self.modes
            .retain(|p, m| *m != FILE_MODE && files.contains_key(p) && !self.links.contains_key(p));
        let mut implied = std::collections::BTreeSet::new();
        for p in files.keys().chain(self.links.keys()) {
            add_parents(p, &mut implied);
        }
        for p in self.dirs.keys() {
            add_parents(p, &mut implied);
        }
        implied.insert(String::new());
        self.dirs.retain(|p, m| {
            !files.contains_key(p)
                && !self.links.contains_key(p)
                && (*m != DIR_MODE || !implied.contains(p))
        });
        notes
    }
}

/// Where a link at `rel` with `target` leads, as a path relative to the artifact; `None` when the
/// target is absolute or climbs out of the artifact (a purely lexical check, like git's).
pub fn resolve(rel: &str, target: &str) -> Option<String> {
    let t = Path::new(target);
    if t.is_absolute() || target.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    for c in t.components() {
        match c {
            Component::Normal(n) => parts.push(n.to_str()?),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

/// The three-way rule for one map of meta: a side that changed an entry wins; when both changed
/// it differently (or there is no base) `favor_source` decides. Returns the merged map and the
/// keys both sides changed differently.
pub fn merge_map<V: Clone + Eq>(
    base: Option<&BTreeMap<String, V>>,
    source: &BTreeMap<String, V>,
    target: &BTreeMap<String, V>,
    favor_source: bool,
) -> (BTreeMap<String, V>, Vec<String>) {
    let mut keys: Vec<&String> = source.keys().chain(target.keys()).collect();
    if let Some(b) = base {
        keys.extend(b.keys());
    }
    keys.sort();
    keys.dedup();
    let mut out = BTreeMap::new();
    let mut both = Vec::new();
    for k in keys {
        let s = source.get(k);
        let t = target.get(k);
        let pick = if s == t {
            t
        } else if let Some(b) = base {
            let b = b.get(k);
            if s == b {
                t
            } else if t == b {
                s
            } else {
                both.push(k.clone());
                if favor_source {
                    s
                } else {
                    t
                }
            }
        } else {
            both.push(k.clone());
            if favor_source {
                s
            } else {
                t
            }
        };
        if let Some(v) = pick {
            out.insert(k.clone(), v.clone());
        }
    }
    (out, both)
}

/// Merges whole metas (see [`merge_map`]); returns the notes for entries both sides changed.
pub fn merge(
    base: Option<&Meta>,
    source: &Meta,
    target: &Meta,
    favor_source: bool,
) -> (Meta, Vec<String>) {
    let (modes, a) = merge_map(
        base.map(|b| &b.modes),
        &source.modes,
        &target.modes,
        favor_source,
    );
    let (dirs, b) = merge_map(
        base.map(|b| &b.dirs),
        &source.dirs,
        &target.dirs,
        favor_source,
    );
    let (links, c) = merge_map(
        base.map(|b| &b.links),
        &source.links,
        &target.links,
        favor_source,
    );
    let side = if favor_source { "source" } else { "target" };
    let notes = a
        .into_iter()
        .chain(b)
        .chain(c)
        .map(|k| format!("{k}: mode, folder or link changed on both sides; the {side}'s kept"))
        .collect();
    (Meta { modes, dirs, links }, notes)
}

/// Human lines for what differs between two metas (`from` → `to`), for plans and diffs.
pub fn describe_changes(from: &Meta, to: &Meta) -> Vec<String> {
    let mut out = Vec::new();
    let mut keys: Vec<&String> = from.modes.keys().chain(to.modes.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let (a, b) = (from.file_mode(k), to.file_mode(k));
        if a != b && (from.modes.contains_key(k) || to.modes.contains_key(k)) {
            out.push(format!("mode change {a:o} => {b:o} {k}"));
        }
    }
    let mut keys: Vec<&String> = from.dirs.keys().chain(to.dirs.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let shown = if k.is_empty() { "." } else { k.as_str() };
        match (from.dirs.get(k), to.dirs.get(k)) {
            (Some(a), Some(b)) if a != b => {
                out.push(format!("mode change {a:o} => {b:o} {shown}/"))
            }
            (None, Some(b)) => out.push(format!("folder {shown}/ ({b:o})")),
            (Some(a), None) => out.push(format!("folder {shown}/ was {a:o}")),
            _ => {}
        }
    }
    let mut keys: Vec<&String> = from.links.keys().chain(to.links.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        match (from.links.get(k), to.links.get(k)) {
            (Some(a), Some(b)) if a != b => out.push(format!("link {k} -> {a} => {b}")),
            (None, Some(b)) => out.push(format!("link {k} -> {b}")),
            (Some(a), None) => out.push(format!("no longer a link: {k} -> {a}")),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(names: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        names
            .iter()
            .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn encoding_round_trips() {
        let mut m = Meta::default();
        m.modes.insert("run sh".into(), 0o755);
        m.dirs.insert("".into(), 0o700);
        m.dirs.insert("empty".into(), 0o755);
        m.links.insert("scripts/lib".into(), "../lib".into());
        assert_eq!(Meta::decode(&m.encode()), Some(m.clone()));
        assert_eq!(Meta::decode(b""), Some(Meta::default()));
        assert_eq!(Meta::decode(b"x\0"), None);
        assert_ne!(m.digest(), "");
        assert_eq!(Meta::default().digest(), "");
    }

    #[test]
    fn links_resolve_lexically_and_never_out() {
        assert_eq!(resolve("scripts/lib", "../lib").as_deref(), Some("lib"));
        assert_eq!(resolve("b.md", "a.md").as_deref(), Some("a.md"));
        assert_eq!(resolve("a/b", "./c/../d").as_deref(), Some("a/d"));
        assert_eq!(resolve("b.md", "../x"), None);
        assert_eq!(resolve("a/b", "../../x"), None);
        assert_eq!(resolve("a", "/etc/passwd"), None);
    }

    #[test]
    fn normalize_keeps_only_what_the_defaults_do_not_say() {
        let f = files(&[("a/x", "1"), ("lib/m.py", "2"), ("b", "1")]);
        let mut m = Meta::default();
        m.modes.insert("a/x".into(), 0o644);
        m.modes.insert("gone".into(), 0o755);
        m.dirs.insert("a".into(), 0o755);
        m.dirs.insert("empty".into(), 0o755);
        m.dirs.insert("lib".into(), 0o700);
        m.links.insert("s/lib".into(), "../lib".into());
        m.links.insert("b".into(), "a/x".into());
        assert!(m.normalize(&f).is_empty());
        assert!(m.modes.is_empty());
        assert_eq!(m.dirs.keys().collect::<Vec<_>>(), ["empty", "lib"]);
        assert_eq!(m.links.len(), 2);
        // A link whose content no longer matches its target becomes a plain file.
        let f = files(&[("a/x", "1"), ("b", "changed")]);
        let notes = m.normalize(&f);
        assert!(!m.links.contains_key("b"), "{notes:?}");
    }

    #[test]
    fn three_way_meta_takes_the_side_that_changed() {
        let mut base = Meta::default();
        base.modes.insert("run.sh".into(), 0o755);
        let mut source = base.clone();
        source.dirs.insert("empty".into(), 0o755);
        let mut target = base.clone();
        target.modes.remove("run.sh");
        target.dirs.insert("".into(), 0o700);
        let (m, notes) = merge(Some(&base), &source, &target, false);
        assert!(notes.is_empty());
        assert!(m.modes.is_empty());
        assert_eq!(m.dirs.len(), 2);
    }
}
