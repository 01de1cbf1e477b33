//! `textDocument/codeLens`: the artifact's lenses and one per conflict region (`lens`);
//! on a collection artifact's main file, where it is deployed (`projects`).

use lsp_server::ResponseError;
use lsp_types::{CodeLens, CodeLensParams};

use super::{lens, projects};
use crate::lsp::state::State;

pub fn run(s: &State, p: CodeLensParams) -> Result<Option<Vec<CodeLens>>, ResponseError> {
    let uri = &p.text_document.uri;
    let mut lenses = lens::code_lens(s, uri);
    lenses.extend(projects::code_lens(s, uri));
    Ok(Some(lenses))
}
