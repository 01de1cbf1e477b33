//! LSP values → core values: the one place (with `to_proto`) where the protocol's types meet the
//! engine's. A URI that is not a local file has no path: such documents are none of ours.

use std::path::PathBuf;

use lsp_types::Url;

/// The local path of a `file:` URI.
pub fn path(uri: &Url) -> Option<PathBuf> {
    uri.to_file_path().ok()
}

/// A URI given as text (a command's `uri` argument).
pub fn uri(text: &str) -> Result<Url, String> {
    Url::parse(text).map_err(|e| e.to_string())
}

/// The local path of a URI given as text.
pub fn path_of_str(text: &str) -> Result<PathBuf, String> {
    path(&uri(text)?).ok_or_else(|| "it must be a file: URI".to_string())
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
