//! `textDocument/hover`: what the artifact's state or the hunk under the cursor means
//! (`lsp::hover`).

use lsp_server::ResponseError;
use lsp_types::{Hover, HoverParams};

use crate::lsp::hover;
use crate::lsp::state::State;

pub fn run(s: &State, p: HoverParams) -> Result<Option<Hover>, ResponseError> {
    let at = p.text_document_position_params;
    Ok(hover::hover(s, &at.text_document.uri, at.position))
}
