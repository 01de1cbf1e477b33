//! Reading an artifact out of a cached commit: the entry at a path, its files through one
//! `git cat-file --batch`, with the same policy as reading them from disk (size limits, links
//! that stay inside the artifact, no submodules).

use std::collections::BTreeMap;

use super::git::{self, Call};
use super::{Entry, Repo};
use crate::error::{Error, Result};
use crate::id::Shape;
use crate::tree::{Tree, MAX_FILE_SIZE};

impl Repo {
    /// The entry at `path` (`""`: the root) in commit `sha`, or `None` when there is none.
    pub fn entry(&self, sha: &str, path: &str) -> Result<Option<Entry>> {
        if path.is_empty() {
            let out = self.git(&["rev-parse", "--verify", &format!("{sha}^{{tree}}")])?;
            return Ok(Some(Entry {
                mode: "040000".into(),
                kind: "tree".into(),
                oid: String::from_utf8_lossy(&out.stdout).trim().to_string(),
                size: None,
            }));
        }
        let out = self.git(&["ls-tree", "-z", "-l", sha, "--", path])?;
        Ok(parse_ls_tree(&out.stdout)?
            .into_iter()
            .find(|(p, _)| p == path)
            .map(|(_, e)| e))
    }

    /// Reads the artifact at `path` in commit `sha`: a folder (skills) or one file, stored under
    /// `file_name` so it lines up with the collection copy whatever upstream calls it.
    pub fn read(&self, sha: &str, path: &str, shape: Shape, file_name: &str) -> Result<Tree> {
        let short = &sha[..sha.len().min(12)];
        let shown = if path.is_empty() { "." } else { path };
        let entry = self.entry(sha, path)?.ok_or_else(|| {
            Error::not_found(format!(
                "`{shown}` does not exist in {} at {short}; check --path",
                self.url
            ))
        })?;
        if entry.is_link() {
            return Err(Error::malformed(format!(
                "`{shown}` in {} is a symlink; skillmeat-lsp never follows an artifact out of its folder, so point at the real file or folder",
                self.url
            )));
        }
        if shape == Shape::File {
            if entry.kind != "blob" {
                return Err(Error::malformed(format!(
                    "`{shown}` in {} is a folder; commands and agents are single `.md` files (a folder holding SKILL.md is a skill)",
                    self.url
                )));
            }
            check_size(&self.url, shown, entry.size)?;
            let mut blobs = self.cat(std::slice::from_ref(&entry.oid))?;
            let mut tree = Tree::default();
            tree.files.insert(
                file_name.to_string(),
                blobs.remove(&entry.oid).unwrap_or_default(),
            );
            if entry.mode == "100755" {
                tree.meta.modes.insert(file_name.to_string(), 0o755);
            }
            return Ok(tree);
        }
        if entry.kind != "tree" {
            return Err(Error::malformed(format!(
                "`{shown}` in {} is a file; a skill is a folder holding SKILL.md",
                self.url
            )));
        }
        let out = self.git(&["ls-tree", "-r", "-z", "-l", &entry.oid])?;
        let listing = parse_ls_tree(&out.stdout)?;
        // The limits of an artifact on disk hold for one read from upstream too, before any
        // content is fetched out of the cache.
        if listing.len() > crate::limits::MAX_ARTIFACT_FILES {
            return Err(Error::malformed(format!(
                "`{shown}` in {} holds more than {} files, the limit for one artifact",
                self.url,
                crate::limits::MAX_ARTIFACT_FILES
            )));
        }
        let total: u64 = listing.iter().filter_map(|(_, e)| e.size).sum();
        if total > crate::limits::MAX_ARTIFACT_BYTES {
            return Err(Error::malformed(format!(
                "`{shown}` in {} holds more than {} MiB, the limit for one artifact",
                self.url,
                crate::limits::MAX_ARTIFACT_BYTES / (1024 * 1024)
            )));
        }
        let mut wanted = Vec::new();
        for (rel, e) in &listing {
            crate::apply::check_rel(rel)?;
            if e.kind == "blob" {
                if !e.is_link() {
                    check_size(&self.url, &format!("{shown}/{rel}"), e.size)?;
                }
                wanted.push(e.oid.clone());
            }
        }
        wanted.sort();
        wanted.dedup();
        let blobs = self.cat(&wanted)?;
        let entries: BTreeMap<&str, &Entry> =
            listing.iter().map(|(p, e)| (p.as_str(), e)).collect();
        let mut tree = Tree::default();
        for (rel, e) in &listing {
            // Submodules have no content here, as a clone without them has an empty folder.
            if e.kind != "blob" {
                continue;
            }
            let target = if e.is_link() {
                // A link inside is carried as a link (git stores its target as the blob).
                let written = blobs.get(&e.oid).map(Vec::as_slice).unwrap_or_default();
                let found = follow_link(rel, &entries, &blobs, &self.url, shown)?;
                tree.meta
                    .links
                    .insert(rel.clone(), String::from_utf8_lossy(written).into_owned());
                match found {
                    Some(t) => t,
                    None => continue,
                }
            } else {
                if e.mode == "100755" {
                    tree.meta.modes.insert(rel.clone(), 0o755);
                }
                e
            };
            let bytes = blobs.get(&target.oid).cloned().unwrap_or_default();
            tree.files.insert(rel.clone(), bytes);
        }
        // Git records only the executable bit and links; folders come out as git checks them out.
        tree.meta.normalize(&tree.files);
        Ok(tree)
    }

    /// The contents of `oids` through one `git cat-file --batch`.
    fn cat(&self, oids: &[String]) -> Result<BTreeMap<String, Vec<u8>>> {
        let mut out = BTreeMap::new();
        if oids.is_empty() {
            return Ok(out);
        }
        let mut input = oids.join("\n");
        input.push('\n');
        let res = git::run(Call {
            args: &["cat-file", "--batch"],
            git_dir: Some(&self.dir),
            stdin: Some(input.as_bytes()),
            timeout: git::LOCAL_TIMEOUT,
            retry: false,
        })?;
        let buf = res.stdout;
        let mut at = 0;
        while at < buf.len() {
            let nl = buf[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map(|p| at + p)
                .ok_or_else(|| Error::other("git cat-file: truncated output"))?;
            let header = String::from_utf8_lossy(&buf[at..nl]).into_owned();
            let mut parts = header.split(' ');
            let oid = parts.next().unwrap_or_default().to_string();
            let _kind = parts.next();
            let size: usize = parts.next().and_then(|s| s.parse().ok()).ok_or_else(|| {
                Error::other(format!(
                    "git cat-file: object {header} is missing from the cache"
                ))
            })?;
            let start = nl + 1;
            let end = start + size;
            if end > buf.len() {
                return Err(Error::other("git cat-file: truncated output"));
            }
            out.insert(oid, buf[start..end].to_vec());
            at = end + 1;
        }
        Ok(out)
    }
}

fn check_size(url: &str, what: &str, size: Option<u64>) -> Result<()> {
    match size {
        Some(n) if n > MAX_FILE_SIZE => Err(Error::malformed(format!(
            "`{what}` in {url} is {n} bytes, over the {} MiB size cap for artifact files",
            MAX_FILE_SIZE / (1024 * 1024)
        ))),
        _ => Ok(()),
    }
}

/// Parses `git ls-tree -z -l` output: `<mode> <type> <oid> <size>\t<path>\0`.
fn parse_ls_tree(out: &[u8]) -> Result<Vec<(String, Entry)>> {
    let mut v = Vec::new();
    for rec in out.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let tab = rec
            .iter()
            .position(|&b| b == b'\t')
            .ok_or_else(|| Error::other("git ls-tree: unexpected output"))?;
        let meta = String::from_utf8_lossy(&rec[..tab]);
        let path = std::str::from_utf8(&rec[tab + 1..]).map_err(|_| {
            Error::malformed(format!(
                "`{}` upstream has a name that is not UTF-8; rename it there",
                String::from_utf8_lossy(&rec[tab + 1..])
            ))
        })?;
        let mut f = meta.split_whitespace();
        let (Some(mode), Some(kind), Some(oid)) = (f.next(), f.next(), f.next()) else {
            return Err(Error::other("git ls-tree: unexpected output"));
        };
        v.push((
            path.to_string(),
            Entry {
                mode: mode.to_string(),
                kind: kind.to_string(),
                oid: oid.to_string(),
                size: f.next().and_then(|s| s.parse().ok()),
            },
        ));
    }
    Ok(v)
}

/// Resolves a symlink inside the artifact the way reading from disk does: a link to a file
/// inside is that file, a link to a folder is skipped (not descended), and a link that leaves the
/// artifact or leads nowhere is an error.
fn follow_link<'a>(
    rel: &str,
    entries: &BTreeMap<&str, &'a Entry>,
    blobs: &BTreeMap<String, Vec<u8>>,
    url: &str,
    shown: &str,
) -> Result<Option<&'a Entry>> {
    let mut at = rel.to_string();
    for _ in 0..40 {
        let Some(e) = entries.get(at.as_str()) else {
            break;
        };
        if !e.is_link() {
            return Ok(Some(e));
        }
        let target =
            String::from_utf8_lossy(blobs.get(&e.oid).map(Vec::as_slice).unwrap_or_default())
                .into_owned();
        let mut parts: Vec<&str> = at.split('/').collect();
        parts.pop();
        let mut outside = target.starts_with('/');
        for c in target.split('/') {
            match c {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        outside = true;
                    }
                }
                c => parts.push(c),
            }
        }
        if outside {
            return Err(Error::malformed(format!(
                "`{shown}/{rel}` in {url} is a symlink to {target}, outside the artifact; skillmeat-lsp never follows links out"
            )));
        }
        at = parts.join("/");
        let prefix = format!("{at}/");
        if !entries.contains_key(at.as_str()) && entries.keys().any(|k| k.starts_with(&prefix)) {
            // A link to a folder inside: not descended, as on disk.
            return Ok(None);
        }
    }
    Err(Error::malformed(format!(
        "`{shown}/{rel}` in {url} is a broken symlink; fix or remove it upstream"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ls_tree_records_parse_with_sizes_and_submodules() {
        let out = b"100644 blob aaaa       7\tSKILL.md\x00160000 commit bbbb       -\tvendor\x00120000 blob cccc       8\tlink\x00";
        let v = parse_ls_tree(out).unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].0, "SKILL.md");
        assert_eq!(v[0].1.size, Some(7));
        assert_eq!(v[1].1.kind, "commit");
        assert_eq!(v[1].1.size, None);
        assert!(v[2].1.is_link());
    }

    #[test]
    fn links_resolve_inside_and_are_refused_outside() {
        let file = Entry {
            mode: "100644".into(),
            kind: "blob".into(),
            oid: "f".into(),
            size: Some(1),
        };
        let link = |oid: &str| Entry {
            mode: "120000".into(),
            kind: "blob".into(),
            oid: oid.into(),
            size: Some(1),
        };
        let (up, out, dir, broken) = (link("l1"), link("l2"), link("l3"), link("l4"));
        let entries: BTreeMap<&str, &Entry> = [
            ("docs/a.md", &file),
            ("b.md", &up),
            ("leak", &out),
            ("d", &dir),
            ("gone", &broken),
        ]
        .into_iter()
        .collect();
        let blobs: BTreeMap<String, Vec<u8>> = [
            ("l1", "docs/./a.md"),
            ("l2", "../../etc/passwd"),
            ("l3", "docs"),
            ("l4", "nope.md"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect();
        let f = |r| follow_link(r, &entries, &blobs, "u", "s");
        assert_eq!(f("b.md").unwrap(), Some(&file));
        assert!(f("leak")
            .unwrap_err()
            .to_string()
            .contains("outside the artifact"));
        assert_eq!(f("d").unwrap(), None);
        assert!(f("gone")
            .unwrap_err()
            .to_string()
            .contains("broken symlink"));
    }
}
