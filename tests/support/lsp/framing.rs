//! JSON-RPC over stdio as the LSP base protocol frames it: `Content-Length` headers around a
//! JSON body, and requests/notifications built the way JSON-RPC wants them. The bench's client
//! (server/bench/src/lsp.rs) compiles this same file by `#[path]`: keep it to std and serde_json.

use std::io::BufRead;

use serde_json::{json, Value};

pub fn frame(v: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(v).unwrap();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

/// A request (with `id`) or notification; `Value::Null` params are left out, as JSON-RPC wants.
pub fn message(id: Option<i64>, method: &str, params: Value) -> Value {
    let mut m = json!({ "jsonrpc": "2.0", "method": method });
    if let Some(id) = id {
        m["id"] = json!(id);
    }
    if !params.is_null() {
        m["params"] = params;
    }
    m
}

/// Reads one framed message; `None` at end of stream.
pub fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
