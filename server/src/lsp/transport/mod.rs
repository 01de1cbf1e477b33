//! The transport: stdin is read as bytes by our own frame reader (`read`), which survives any
//! input; every well-formed JSON-RPC message becomes an `lsp_server::Message` for the owner
//! (`main_loop`), every malformed frame is answered here with one JSON-RPC error (with the
//! message's id when it can be read, else a parse error with id null) and reading resumes at
//! the next `Content-Length:` header. One writer thread puts whole frames on stdout, in the
//! order they were queued. The reader also sets the cancellation flags (`cancel`) at once, and
//! reports the end of stdin or `exit`, which ends the server (`super::serve`).

mod read;

use std::io::{Read, Write};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Message, RequestId};
use serde_json::{json, Value};

use super::cancel::Cancels;
use read::{find_header, Frame, FrameReader, MAX_BODY};

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

/// Is `v` a JSON-RPC message we can decode (a request, a notification or a response)?
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
fn overlong<R: Read>(r: &mut FrameReader<R>, body: &[u8]) -> Option<Frame> {
    let at = find_header(body).filter(|at| *at > 0)?;
    r.unread_body_from(at);
    Some(Frame::Bad {
        why: "the body is shorter than its Content-Length".into(),
        skipped: Some(body[..at].to_vec()),
    })
}

/// What becomes of one frame from the client.
#[derive(Debug)]
enum Action {
    /// Passed on to the owner.
    Pass(Message),
    /// Answered here with this error frame.
    Answer(Vec<u8>),
    End,
}

/// A well-framed JSON body: passed on when it is JSON-RPC.
fn judge_message(v: Value) -> Action {
    if well_formed(&v) {
        match serde_json::from_value::<Message>(v.clone()) {
            Ok(m) => return Action::Pass(m),
            Err(e) => {
                let id = v.get("id").cloned().unwrap_or(Value::Null);
                return Action::Answer(error_frame(
                    id,
                    -32600,
                    format!("Invalid Request: {e}; the message was not handled"),
                ));
            }
        }
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
fn judge<R: Read>(r: &mut FrameReader<R>, f: Frame) -> Action {
    match f {
        Frame::End => Action::End,
        Frame::Body(body) => match serde_json::from_slice::<Value>(&body) {
            Ok(v) => judge_message(v),
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

/// How the client's side ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ended {
    /// The `exit` notification.
    Exit,
    /// The end of stdin (or a read error).
    Closed,
}

/// The transport's ends: messages from the client, the writer's queue, and the end.
pub struct Io {
    pub messages: Receiver<Message>,
    pub out: Sender<Vec<u8>>,
    pub ended: Receiver<Ended>,
}

/// The id in a `$/cancelRequest`'s params.
fn cancelled_id(params: &Value) -> Option<RequestId> {
    serde_json::from_value(params.get("id")?.clone()).ok()
}

/// The token in a `window/workDoneProgress/cancel`'s params, as its key.
pub fn token_key(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Starts the reader and writer threads.
pub fn spawn(
    stdin: impl Read + Send + 'static,
    stdout: impl Write + Send + 'static,
    cancels: Cancels,
) -> std::io::Result<Io> {
    let (msg_tx, messages) = crossbeam_channel::unbounded::<Message>();
    let (out, out_rx) = crossbeam_channel::unbounded::<Vec<u8>>();
    let (end_tx, ended) = crossbeam_channel::bounded::<Ended>(1);
    let answers = out.clone();
    std::thread::Builder::new()
        .name("skillmeat-read".into())
        .spawn(move || {
            let mut r = FrameReader::new(stdin, MAX_BODY);
            let end = loop {
                let action = match r.next() {
                    Ok(f) => judge(&mut r, f),
                    Err(e) => {
                        tracing::warn!("cannot read stdin: {e}");
                        break Ended::Closed;
                    }
                };
                match action {
                    Action::Pass(m) => {
                        if let Message::Notification(n) = &m {
                            match n.method.as_str() {
                                "exit" => break Ended::Exit,
                                "$/cancelRequest" => {
                                    if let Some(id) = cancelled_id(&n.params) {
                                        cancels.cancel_request(&id);
                                    }
                                }
                                "window/workDoneProgress/cancel" => {
                                    if let Some(t) = n.params.get("token").and_then(token_key) {
                                        cancels.cancel_token(&t);
                                    }
                                }
                                _ => {}
                            }
                        }
                        if msg_tx.send(m).is_err() {
                            break Ended::Closed;
                        }
                    }
                    Action::Answer(bytes) => {
                        tracing::warn!(
                            "malformed message answered with {}",
                            String::from_utf8_lossy(&bytes)
                        );
                        let _ = answers.send(bytes);
                    }
                    Action::End => break Ended::Closed,
                }
            };
            // The end of the server cancels the work in flight, as `$/cancelRequest` does.
            cancels.cancel_all();
            let _ = end_tx.send(end);
        })?;
    std::thread::Builder::new()
        .name("skillmeat-write".into())
        .spawn(move || {
            let mut out = stdout;
            while let Ok(bytes) = out_rx.recv() {
                if out.write_all(&bytes).is_err() {
                    break;
                }
                if out_rx.is_empty() && out.flush().is_err() {
                    break;
                }
            }
        })?;
    Ok(Io {
        messages,
        out,
        ended,
    })
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
