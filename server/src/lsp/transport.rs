//! A framing shim between stdio and tower-lsp. tower-lsp reads stdin through tokio-util's
//! `FramedRead`, which ends the stream at the first undecodable message, so one malformed message
//! would stop the server. This shim reads frames itself, passes well-formed JSON-RPC messages on,
//! answers the rest with a JSON-RPC error (parse error or invalid request), and writes to stdout
//! only whole frames, so its answers never interleave with tower-lsp's.

use serde_json::{json, Value};
use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream,
};
use tokio::sync::mpsc;

const PIPE: usize = 1 << 20;

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn error_frame(id: Value, code: i64, message: String) -> Vec<u8> {
    let v = json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } });
    frame(v.to_string().as_bytes())
}

/// Reads one frame's body; `Ok(None)` at end of input, `Err(msg)` for a bad header block.
async fn read_frame<R: AsyncRead + Unpin>(
    r: &mut BufReader<R>,
) -> std::io::Result<Option<Result<Vec<u8>, String>>> {
    let mut len: Option<usize> = None;
    let mut bad = None;
    let mut any = false;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if any {
                break;
            }
            continue;
        }
        any = true;
        if let Some((k, v)) = line.split_once(':') {
            if k.trim().eq_ignore_ascii_case("content-length") {
                match v.trim().parse::<usize>() {
                    Ok(n) if n <= 64 << 20 => len = Some(n),
                    _ => bad = Some(format!("bad Content-Length `{}`", v.trim())),
                }
            }
        }
    }
    match (len, bad) {
        (Some(n), None) => {
            let mut body = vec![0; n];
            r.read_exact(&mut body).await?;
            Ok(Some(Ok(body)))
        }
        (_, Some(b)) => Ok(Some(Err(b))),
        (None, None) => Ok(Some(Err("missing Content-Length header".into()))),
    }
}

/// Is `v` a message tower-lsp can decode (a request, a notification or a response)?
fn well_formed(v: &Value) -> bool {
    let Some(o) = v.as_object() else { return false };
    if o.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return false;
    }
    let id_ok = match o.get("id") {
        None => true,
        Some(id) => id.is_string() || id.is_i64() || id.is_u64() || id.is_null(),
    };
    let params_ok = match o.get("params") {
        None | Some(Value::Null) | Some(Value::Object(_)) | Some(Value::Array(_)) => true,
        Some(_) => false,
    };
    match o.get("method") {
        Some(Value::String(_)) => id_ok && params_ok,
        Some(_) => false,
        None => o.contains_key("id") && (o.contains_key("result") || o.contains_key("error")),
    }
}

/// Spawns the shim; returns the (input, output) pair to give tower-lsp's `Server`.
pub fn spawn<I, O>(stdin: I, stdout: O) -> (DuplexStream, DuplexStream)
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let (mut to_server, server_in) = tokio::io::duplex(PIPE);
    let (server_out, from_server) = tokio::io::duplex(PIPE);
    let (errors_tx, mut errors_rx) = mpsc::unbounded_channel::<Vec<u8>>();

    tokio::spawn(async move {
        let mut r = BufReader::new(stdin);
        loop {
            match read_frame(&mut r).await {
                Ok(Some(Ok(body))) => match serde_json::from_slice::<Value>(&body) {
                    Ok(v) if well_formed(&v) => {
                        if to_server.write_all(&frame(&body)).await.is_err() {
                            break;
                        }
                    }
                    Ok(v) => {
                        let id = v
                            .get("id")
                            .cloned()
                            .filter(|i| i.is_string() || i.is_number())
                            .unwrap_or(Value::Null);
                        tracing::warn!("invalid JSON-RPC message answered with an error");
                        let _ = errors_tx.send(error_frame(
                            id,
                            -32600,
                            "Invalid Request: not a JSON-RPC 2.0 message".into(),
                        ));
                    }
                    Err(e) => {
                        tracing::warn!("unparsable message answered with an error: {e}");
                        let _ = errors_tx.send(error_frame(
                            Value::Null,
                            -32700,
                            format!("Parse error: {e}"),
                        ));
                    }
                },
                Ok(Some(Err(why))) => {
                    tracing::warn!("bad frame: {why}");
                    let _ = errors_tx.send(error_frame(
                        Value::Null,
                        -32700,
                        format!("Parse error: {why}"),
                    ));
                }
                Ok(None) | Err(_) => break,
            }
        }
        // End of input: tower-lsp sees its input end and stops.
        let _ = to_server.shutdown().await;
    });

    tokio::spawn(async move {
        let mut out = stdout;
        let mut r = BufReader::new(from_server);
        loop {
            tokio::select! {
                f = read_frame(&mut r) => match f {
                    Ok(Some(Ok(body))) => {
                        if out.write_all(&frame(&body)).await.is_err() { break; }
                    }
                    Ok(Some(Err(_))) => continue,
                    _ => break,
                },
                Some(e) = errors_rx.recv() => {
                    if out.write_all(&e).await.is_err() { break; }
                }
            }
            let _ = out.flush().await;
        }
    });
    (server_in, server_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_json_rpc_shapes_pass() {
        assert!(well_formed(
            &json!({"jsonrpc": "2.0", "id": 1, "method": "x", "params": {}})
        ));
        assert!(well_formed(&json!({"jsonrpc": "2.0", "method": "x"})));
        assert!(well_formed(
            &json!({"jsonrpc": "2.0", "id": 1, "result": null})
        ));
        assert!(!well_formed(&json!({"bad": 1})));
        assert!(!well_formed(&json!({"jsonrpc": "2.0", "method": 3})));
        assert!(!well_formed(
            &json!({"jsonrpc": "2.0", "method": "x", "params": 7})
        ));
        assert!(!well_formed(&json!([1, 2])));
    }
}
