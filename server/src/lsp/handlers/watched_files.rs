//! `workspace/didChangeWatchedFiles`: the client's file watcher (ours is `watch`).

use lsp_types::DidChangeWatchedFilesParams;

use crate::lsp::from_proto;
use crate::lsp::owner::Owner;

pub fn run(o: &mut Owner, p: DidChangeWatchedFilesParams) {
    let paths = p
        .changes
        .iter()
        .filter_map(|c| from_proto::path(&c.uri))
        .collect();
    o.state.files_changed(paths);
}
