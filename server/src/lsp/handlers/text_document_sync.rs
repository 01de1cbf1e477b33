//! Document sync: `didOpen`, `didChange`, `didSave`, `didClose`, applied by the owner in the order
//! the client sent them.

use lsp_types::*;

use crate::lsp::main_loop::Owner;

pub fn did_open(o: &mut Owner, p: DidOpenTextDocumentParams) {
    let d = p.text_document;
    o.state.did_open(d.uri, d.text, d.version);
}

pub fn did_change(o: &mut Owner, p: DidChangeTextDocumentParams) {
    let (uri, version) = (p.text_document.uri, p.text_document.version);
    o.state.did_change(uri, version, p.content_changes);
}

pub fn did_save(o: &mut Owner, p: DidSaveTextDocumentParams) {
    o.state.did_save(p.text_document.uri);
}

pub fn did_close(o: &mut Owner, p: DidCloseTextDocumentParams) {
    o.state.did_close(p.text_document.uri);
}
