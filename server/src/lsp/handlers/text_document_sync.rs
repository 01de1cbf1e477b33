//! Document sync: `didOpen`, `didChange`, `didSave`, `didClose`, applied by the owner in the order
//! the client sent them.

use lsp_types::*;

use crate::lsp::owner::Owner;
use crate::lsp::{from_proto, pos};

pub fn did_open(o: &mut Owner, p: DidOpenTextDocumentParams) {
    let d = p.text_document;
    if let Some(path) = from_proto::path(&d.uri) {
        o.state.did_open(path, d.text, d.version);
    }
}

pub fn did_change(o: &mut Owner, p: DidChangeTextDocumentParams) {
    if let Some(path) = from_proto::path(&p.text_document.uri) {
        let changes = p.content_changes;
        o.state.did_change(path, p.text_document.version, |text| {
            for c in &changes {
                pos::apply(text, c);
            }
        });
    }
}

pub fn did_save(o: &mut Owner, p: DidSaveTextDocumentParams) {
    if let Some(path) = from_proto::path(&p.text_document.uri) {
        o.state.did_save(path);
    }
}

pub fn did_close(o: &mut Owner, p: DidCloseTextDocumentParams) {
    if let Some(path) = from_proto::path(&p.text_document.uri) {
        o.state.did_close(path);
    }
}
