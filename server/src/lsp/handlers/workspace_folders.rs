//! `workspace/didChangeWorkspaceFolders`: folders added and removed; every folder is reopened.

use lsp_types::DidChangeWorkspaceFoldersParams;

use crate::lsp::from_proto;
use crate::lsp::owner::Owner;

pub fn run(o: &mut Owner, p: DidChangeWorkspaceFoldersParams) {
    let added = from_proto::folder_paths(&p.event.added);
    let removed = from_proto::folder_paths(&p.event.removed);
    let s = &mut o.state;
    let mut roots: Vec<_> = s
        .folders
        .values()
        .map(|f| f.root.clone())
        .filter(|r| !removed.contains(r))
        .collect();
    roots.extend(added);
    s.open_folders(roots);
}
