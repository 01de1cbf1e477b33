//! Unified diffs between two revisions of an artifact (default: deployed → project).

use super::Workspace;
use crate::error::Result;
use crate::tree::Tree;

#[derive(Debug, Clone)]
pub struct DiffOutcome {
    pub from: String,
    pub to: String,
    pub from_hash: String,
    pub to_hash: String,
    /// Per changed file: path and its unified diff (or a note for binary files).
    pub files: Vec<(String, String)>,
    /// Mode, folder and link changes, in git's words (`mode change 644 => 755 run.sh`).
    pub meta_changes: Vec<String>,
}

impl DiffOutcome {
    /// The whole diff as one text, git style.
    pub fn text(&self) -> String {
        let mut text: String = self.files.iter().map(|(_, d)| d.as_str()).collect();
        for m in &self.meta_changes {
            text.push_str(m);
            text.push('\n');
        }
        text
    }
}

/// A unified diff of every file that differs between `a` and `b`.
pub fn diff_trees(a: &Tree, b: &Tree, a_label: &str, b_label: &str) -> Vec<(String, String)> {
    let mut paths: Vec<&String> = a.files.keys().chain(b.files.keys()).collect();
    paths.sort();
    paths.dedup();
    let mut out = Vec::new();
    for p in paths {
        let (x, y) = (a.files.get(p), b.files.get(p));
        if x == y {
            continue;
        }
        let (xs, ys) = (
            x.map(|v| std::str::from_utf8(v)),
            y.map(|v| std::str::from_utf8(v)),
        );
        let text = match (xs, ys) {
            (Some(Err(_)), _) | (_, Some(Err(_))) => {
                format!("Binary files {a_label}/{p} and {b_label}/{p} differ\n")
            }
            (xs, ys) => {
                let old = xs.and_then(|r| r.ok()).unwrap_or("");
                let new = ys.and_then(|r| r.ok()).unwrap_or("");
                let from = if x.is_some() {
                    format!("{a_label}/{p}")
                } else {
                    "/dev/null".into()
                };
                let to = if y.is_some() {
                    format!("{b_label}/{p}")
                } else {
                    "/dev/null".into()
                };
                similar::TextDiff::from_lines(old, new)
                    .unified_diff()
                    .context_radius(3)
                    .header(&from, &to)
                    .to_string()
            }
        };
        out.push((p.clone(), text));
    }
    out
}

impl Workspace {
    /// Diffs revision `from` (default `deployed`) against `to` (default `project`).
    pub fn diff(&self, query: &str, from: Option<&str>, to: Option<&str>) -> Result<DiffOutcome> {
        let id = self.resolve_id(query)?;
        let a = self.resolve_rev(&id, from.unwrap_or("deployed"))?;
        let b = self.resolve_rev(&id, to.unwrap_or("project"))?;
        let clean = |l: &str| l.split(' ').next().unwrap_or(l).to_string();
        let files = diff_trees(&a.tree, &b.tree, &clean(&a.label), &clean(&b.label));
        Ok(DiffOutcome {
            from: a.label,
            to: b.label,
            from_hash: a.hash,
            to_hash: b.hash,
            files,
            meta_changes: crate::tree::meta::describe_changes(&a.tree.meta, &b.tree.meta),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_added_and_binary_files_are_listed() {
        let mut a = Tree::default();
        a.files.insert("SKILL.md".into(), b"one\ntwo\n".to_vec());
        a.files.insert("img".into(), vec![0xff, 0]);
        let mut b = a.clone();
        b.files.insert("SKILL.md".into(), b"one\nTWO\n".to_vec());
        b.files.insert("new.md".into(), b"n\n".to_vec());
        b.files.insert("img".into(), vec![0xfe, 0]);
        let d = diff_trees(&a, &b, "deployed", "project");
        let text: String = d.iter().map(|(_, t)| t.as_str()).collect();
        assert!(
            text.contains("--- deployed/SKILL.md\n+++ project/SKILL.md\n"),
            "{text}"
        );
        assert!(text.contains("-two\n+TWO\n"));
        assert!(text.contains("--- /dev/null\n+++ project/new.md"));
        assert!(text.contains("Binary files deployed/img and project/img differ"));
    }
}
