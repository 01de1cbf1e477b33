//! LSP values → core values: the one place (with `to_proto`) where the protocol's types meet the
//! engine's. A URI that is not a local file has no path: such documents are none of ours.
//!
//! Every handler turns a URI into a path here and nowhere else, so the rule that keeps a request
//! inside the open workspace folders holds for all of them: the path is decoded once, and a path
//! that decodes to a `..` or `.` component, or a segment whose percent-encoding hides a separator
//! (`%2F`, `%5C`) or a NUL, has no path (a lexical `starts_with(root)` check would pass it).

use std::path::{Component, PathBuf};

use lsp_types::Url;

/// The local path of a `file:` URI; `None` when it is not one or is refused by [`checked_path`].
pub fn path(uri: &Url) -> Option<PathBuf> {
    checked_path(uri).ok()
}

/// The local path of a `file:` URI, or why it has none. The URI's path is decoded once; a
/// segment whose encoding hides a separator or a NUL, and a decoded `..` or `.` component, are
/// refused, so the path is normal and cannot climb out of the folder it starts in.
pub fn checked_path(uri: &Url) -> Result<PathBuf, String> {
    if uri.scheme() != "file" {
        return Err(format!("{uri} must be a file: URI"));
    }
    for seg in uri.path_segments().into_iter().flatten() {
        let lower = seg.to_ascii_lowercase();
        if ["%2f", "%5c", "%00"].iter().any(|e| lower.contains(e)) {
            return Err(format!(
                "{uri} has an encoded separator or NUL (%2F, %5C, %00) in a path segment; refused"
            ));
        }
    }
    let path = uri
        .to_file_path()
        .map_err(|()| format!("{uri} is not a local file path"))?;
    if path
        .components()
        .any(|c| matches!(c, Component::ParentDir | Component::CurDir))
    {
        return Err(format!("{uri} has a `..` or `.` path component; refused"));
    }
    Ok(path)
}

/// A URI given as text (a command's `uri` argument).
pub fn uri(text: &str) -> Result<Url, String> {
    Url::parse(text).map_err(|e| e.to_string())
}

/// The local path of a URI given as text.
pub fn path_of_str(text: &str) -> Result<PathBuf, String> {
    checked_path(&uri(text)?)
}

/// The workspace folders `initialize` names (its `rootUri` when it names none).
pub fn roots(p: &lsp_types::InitializeParams) -> Vec<PathBuf> {
    #[allow(deprecated)]
    let from_root = p.root_uri.as_ref().and_then(path);
    match &p.workspace_folders {
        Some(fs) if !fs.is_empty() => fs.iter().filter_map(|f| path(&f.uri)).collect(),
        _ => from_root.into_iter().collect(),
    }
}

/// The paths of workspace folders (added or removed).
pub fn folder_paths(folders: &[lsp_types::WorkspaceFolder]) -> Vec<PathBuf> {
    folders.iter().filter_map(|f| path(&f.uri)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_separators_and_dot_components_have_no_path() {
        for bad in [
            "file:///w/.claude/skills/pdf%2F..%2F..%2Fout.md",
            "file:///w/.claude/skills/pdf%2f..%2f..%2fout.md",
            "file:///w/skills/pdf%5C..%5Cout.md",
            "file:///w/skills/a%00b.md",
            "file:///w/skills/%2e%2e%2Fout.md",
            "http://example.invalid/w/SKILL.md",
        ] {
            let u = Url::parse(bad).unwrap();
            assert!(path(&u).is_none(), "{bad} must have no path");
            assert!(path_of_str(bad).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn plain_and_encoded_names_decode_once() {
        let u = Url::parse("file:///w/a%20b/100%25.md").unwrap();
        assert_eq!(path(&u), Some(PathBuf::from("/w/a b/100%.md")));
        // Decoded once: `%252F` is the three characters `%2F` in a name, not a separator.
        let u = Url::parse("file:///w/x%252Fy.md").unwrap();
        assert_eq!(path(&u), Some(PathBuf::from("/w/x%2Fy.md")));
    }
}
