//! `shutdown`: from now on requests are refused, and `exit` (or the end of stdin) exits 0.

use lsp_server::{RequestId, ResponseError};
use std::sync::atomic::Ordering;

use crate::lsp::owner::Owner;

pub fn run(o: &mut Owner, _: RequestId, _: ()) -> Option<Result<(), ResponseError>> {
    crate::lsp::SHUT_DOWN.store(true, Ordering::SeqCst);
    o.shut_down = true;
    Some(Ok(()))
}
