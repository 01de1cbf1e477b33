//! `textDocument/hover`: what the artifact's state or the hunk under the cursor means
//! (`lsp::hover`); on a collection artifact's main file, where it is deployed (`lsp::projects`).

use lsp_server::ResponseError;
use lsp_types::{Hover, HoverParams};

use crate::lsp::state::State;
use crate::lsp::{hover, projects};

pub fn run(s: &State, p: HoverParams) -> Result<Option<Hover>, ResponseError> {
    let at = p.text_document_position_params;
    let uri = &at.text_document.uri;
    Ok(hover::hover(s, uri, at.position).or_else(|| projects::hover(s, uri)))
}
