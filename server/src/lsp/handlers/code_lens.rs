//! `textDocument/codeLens`: the artifact's lenses and one per conflict region (`lsp::lens`);
//! on a collection artifact's main file, where it is deployed (`lsp::projects`).

use lsp_server::ResponseError;
use lsp_types::{CodeLens, CodeLensParams};

use crate::lsp::state::State;
use crate::lsp::{lens, projects};

pub fn run(s: &State, p: CodeLensParams) -> Result<Option<Vec<CodeLens>>, ResponseError> {
    let uri = &p.text_document.uri;
    let mut lenses = lens::code_lens(s, uri);
    lenses.extend(projects::code_lens(s, uri));
    Ok(Some(lenses))
}
