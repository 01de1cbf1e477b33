//! `textDocument/codeLens`: the artifact's lenses and one per conflict region (`lsp::lens`).

use lsp_server::ResponseError;
use lsp_types::{CodeLens, CodeLensParams};

use crate::lsp::lens;
use crate::lsp::state::State;

pub fn run(s: &State, p: CodeLensParams) -> Result<Option<Vec<CodeLens>>, ResponseError> {
    Ok(Some(lens::code_lens(s, &p.text_document.uri)))
}
