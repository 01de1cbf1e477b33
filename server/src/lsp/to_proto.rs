//! Core values → LSP values: the one place (with `from_proto`) where the engine's types meet the
//! protocol's — file URIs, request errors, progress and log messages.

use std::path::Path;

use lsp_server::ResponseError;
use lsp_types::Url;
use serde_json::{json, Value};

/// The `file:` URI of a path (`None` for a relative path, which has none).
pub fn uri(path: &Path) -> Option<Url> {
    Url::from_file_path(path).ok()
}

/// A request's error answer: `{code, message, data}`.
pub type RequestError = ResponseError;

/// A request error: `{code, message, data}`.
pub fn error(code: i32, message: impl Into<String>, data: Option<Value>) -> ResponseError {
    ResponseError {
        code,
        message: message.into(),
        data,
    }
}

/// JSON-RPC's "invalid params" (-32602): a field is missing or of the wrong type.
pub fn invalid_params(message: impl Into<String>) -> ResponseError {
    error(lsp_server::ErrorCode::InvalidParams as i32, message, None)
}

/// JSON-RPC's "method not found" (-32601).
pub fn method_not_found(message: impl Into<String>) -> ResponseError {
    error(lsp_server::ErrorCode::MethodNotFound as i32, message, None)
}

/// LSP's "request failed" (-32803): the request was understood and could not be done.
pub fn request_failed(message: impl Into<String>, data: Option<Value>) -> ResponseError {
    error(lsp_server::ErrorCode::RequestFailed as i32, message, data)
}

/// A core error as a request failure carrying its message and its kind.
pub fn core_error(e: &skillmeat_core::Error) -> ResponseError {
    request_failed(
        e.to_string(),
        Some(json!({ "kind": format!("{:?}", e.kind()).to_lowercase() })),
    )
}

/// LSP's "request cancelled" (-32800): `$/cancelRequest` stopped it.
pub fn cancelled() -> ResponseError {
    error(
        lsp_server::ErrorCode::RequestCanceled as i32,
        "the request was cancelled",
        None,
    )
}
