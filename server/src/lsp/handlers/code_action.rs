//! `textDocument/codeAction`: the actions of the diagnostics in range, and the artifact's own
//! (`actions`, beside it). It changes state: an Update or Merge it offers is remembered as a
//! proposal.

use lsp_server::{RequestId, ResponseError};
use lsp_types::{CodeActionParams, CodeActionResponse};

use crate::lsp::handlers::actions;
use crate::lsp::owner::Owner;

pub fn run(
    o: &mut Owner,
    _: RequestId,
    p: CodeActionParams,
) -> Option<Result<Option<CodeActionResponse>, ResponseError>> {
    let r = actions::code_actions(
        &mut o.state,
        &p.text_document.uri,
        p.range,
        &p.context.diagnostics,
    );
    Some(Ok(Some(r)))
}
