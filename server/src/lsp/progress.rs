//! Server-initiated work-done progress (`$/progress`): tokens, and the begin / report / end
//! values. Creating a token is a request to the client (`window/workDoneProgress/create`); its
//! answer is awaited as a `pending::Pending` step.

use std::sync::atomic::{AtomicU64, Ordering};

use lsp_types::*;

use super::client::Client;
use super::owner::Owner;

static NEXT: AtomicU64 = AtomicU64::new(1);

/// A fresh token, when the client supports server-initiated progress.
pub fn create(o: &Owner) -> Option<String> {
    o.state
        .caps
        .work_done_progress
        .then(|| format!("skillmeat-{}", NEXT.fetch_add(1, Ordering::SeqCst)))
}

pub fn create_params(token: &str) -> WorkDoneProgressCreateParams {
    WorkDoneProgressCreateParams {
        token: NumberOrString::String(token.into()),
    }
}

fn send(c: &Client, token: &str, value: WorkDoneProgress) {
    c.notify::<notification::Progress>(ProgressParams {
        token: NumberOrString::String(token.into()),
        value: ProgressParamsValue::WorkDone(value),
    });
}

pub fn begin(c: &Client, token: &str, title: &str, cancellable: bool) {
    send(
        c,
        token,
        WorkDoneProgress::Begin(WorkDoneProgressBegin {
            title: title.into(),
            cancellable: Some(cancellable),
            message: None,
            percentage: Some(0),
        }),
    );
}

/// `done` of `total`, the last one `what`.
pub fn report(c: &Client, token: &str, done: usize, total: usize, what: &str) {
    send(
        c,
        token,
        WorkDoneProgress::Report(WorkDoneProgressReport {
            cancellable: Some(true),
            message: Some(format!("{done}/{total} {what}")),
            percentage: Some((done * 100 / total.max(1)) as u32),
        }),
    );
}

pub fn end(c: &Client, token: &str, message: &str) {
    send(
        c,
        token,
        WorkDoneProgress::End(WorkDoneProgressEnd {
            message: Some(message.into()),
        }),
    );
}
