//! A framing shim between stdio and tower-lsp. tower-lsp reads stdin through tokio-util's
//! `FramedRead`, which ends the stream at the first undecodable message, so one malformed message
//! would stop the server. This shim reads frames itself (`read`), passes well-formed JSON-RPC
//! messages on, answers every malformed frame with one JSON-RPC error (with the message's id when
//! it can be read, else a parse error with id null) and reads on from the next `Content-Length:`
//! header; it writes to stdout only whole frames, so its answers never interleave with
//! tower-lsp's. It reports the end of stdin, which ends the server (`super::serve`).

mod read;

use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::{mpsc, oneshot};

use read::{find_header, Frame, FrameReader, MAX_BODY};

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

/// The id of the message in `bytes`, when they hold one JSON object with a usable id (invalid
/// UTF-8 inside strings is tolerated: the id is still found).
fn id_of(bytes: &[u8]) -> Option<Value> {
    let v: Value = serde_json::from_slice(bytes)
        .or_else(|_| serde_json::from_str(&String::from_utf8_lossy(bytes)))
        .ok()?;
    v.get("id")
        .cloned()
        .filter(|i| i.is_string() || i.is_i64() || i.is_u64())
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

/// A body that is not JSON but holds a `Content-Length:` header had a length too long: it ran
/// into the next frame, which is read again from that header; what precedes it is the bad frame.
fn overlong<R: AsyncRead + Unpin>(r: &mut FrameReader<R>, body: &[u8]) -> Option<Frame> {
    let at = find_header(body).filter(|at| *at > 0)?;
    r.unread_body_from(at);
    Some(Frame::Bad {
        why: "the body is shorter than its Content-Length".into(),
        skipped: Some(body[..at].to_vec()),
    })
}

/// What becomes of one frame from the client.
#[derive(Debug, PartialEq)]
enum Action {
    /// Passed on to tower-lsp (the bytes are a whole frame).
    Pass(Vec<u8>),
    /// Answered here with this error frame.
    Answer(Vec<u8>),
    End,
}

/// A well-framed JSON body: passed on when it is JSON-RPC.
fn judge_message(body: &[u8], v: Value) -> Action {
    if well_formed(&v) {
        return Action::Pass(frame(body));
    }
    Action::Answer(error_frame(
        v.get("id")
            .cloned()
            .filter(|i| i.is_string() || i.is_number())
            .unwrap_or(Value::Null),
        -32600,
        "Invalid Request: not a JSON-RPC 2.0 message".into(),
    ))
}

/// A well-framed body that is not JSON (or not UTF-8).
fn judge_unparsable(body: &[u8], e: serde_json::Error) -> Action {
    Action::Answer(error_frame(
        id_of(body).unwrap_or(Value::Null),
        -32700,
        format!("Parse error: {e}"),
    ))
}

/// What becomes of frame `f` of `r` (`r` re-reads a body that ran into the next frame).
fn judge<R: AsyncRead + Unpin>(r: &mut FrameReader<R>, f: Frame) -> Action {
    match f {
        Frame::End => Action::End,
        Frame::Body(body) => match serde_json::from_slice::<Value>(&body) {
            Ok(v) => judge_message(&body, v),
            Err(e) => match overlong(r, &body) {
                Some(bad) => judge(r, bad),
                None => judge_unparsable(&body, e),
            },
        },
        Frame::Bad { why, skipped } => Action::Answer(match skipped.as_deref().and_then(id_of) {
            Some(id) => error_frame(
                id,
                -32600,
                format!("Invalid Request: {why}; the message was not handled"),
            ),
            None => error_frame(Value::Null, -32700, format!("Parse error: {why}")),
        }),
        Frame::Oversize(n) => Action::Answer(error_frame(
            Value::Null,
            -32700,
            format!(
                "Parse error: a message of {n} bytes is over the {} MiB limit; it was skipped",
                MAX_BODY >> 20
            ),
        )),
    }
}

/// The shim's ends: tower-lsp's input and output, and a signal sent when stdin ends.
pub struct Pipes {
    pub input: DuplexStream,
    pub output: DuplexStream,
    pub closed: oneshot::Receiver<()>,
}

/// Spawns the shim's tasks on the current runtime.
pub fn spawn<I, O>(stdin: I, stdout: O) -> Pipes
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let (mut to_server, input) = tokio::io::duplex(PIPE);
    let (output, from_server) = tokio::io::duplex(PIPE);
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let (closed_tx, closed) = oneshot::channel();

    let answers = out_tx.clone();
    tokio::spawn(async move {
        let mut r = FrameReader::new(stdin, MAX_BODY);
        loop {
            let action = match r.next().await {
                Ok(f) => judge(&mut r, f),
                Err(e) => {
                    tracing::warn!("cannot read stdin: {e}");
                    break;
                }
            };
            match action {
                Action::Pass(bytes) => {
                    if to_server.write_all(&bytes).await.is_err() {
                        break;
                    }
                }
                Action::Answer(bytes) => {
                    tracing::warn!(
                        "malformed message answered with {}",
                        String::from_utf8_lossy(&bytes)
                    );
                    let _ = answers.send(bytes);
                }
                Action::End => break,
            }
        }
        let _ = closed_tx.send(());
        let _ = to_server.shutdown().await;
    });

    // tower-lsp writes well-formed frames of any size; each is queued whole.
    tokio::spawn(async move {
        let mut r = FrameReader::new(from_server, u64::MAX);
        while let Ok(Frame::Body(body)) = r.next().await {
            if out_tx.send(frame(&body)).is_err() {
                break;
            }
        }
    });

    tokio::spawn(async move {
        let mut out = stdout;
        while let Some(bytes) = out_rx.recv().await {
            if out.write_all(&bytes).await.is_err() {
                break;
            }
            if out_rx.is_empty() && out.flush().await.is_err() {
                break;
            }
        }
    });
    Pipes {
        input,
        output,
        closed,
    }
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
