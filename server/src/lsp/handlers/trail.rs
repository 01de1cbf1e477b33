//! The audit trail and intentional divergence in the editor: the `skillmeat.log` command and the
//! `drift-kept` hint. Plain functions (core types in, JSON and `lsp_types` values out), so the
//! wiring into the dispatch and the diagnostics stays a line each.

use crate::lsp::to_proto::RequestError;
use lsp_types::{Diagnostic, DiagnosticSeverity, NumberOrString, Position, Range};
use serde_json::{json, Value};
use skillmeat_core::drift::{ArtifactStatus, Kept};
use skillmeat_core::workspace::{LogQuery, Workspace};

use crate::lsp::args::{failed, invalid, Args};
use crate::lsp::pos;

/// The diagnostic code of a kept artifact's hint.
pub const KEPT_CODE: &str = "drift-kept";

/// `skillmeat.log` {artifact?, since?, op?, limit?}: the `log --json` shape, newest first.
pub fn log(ws: &Workspace, a: &Args) -> Result<Value, RequestError> {
    let limit = a
        .number("limit")?
        .map(|n| u32::try_from(n).map_err(|_| invalid("`limit` is too large")))
        .transpose()?;
    let q = LogQuery {
        artifact: a.str("artifact")?.map(str::to_string),
        since: a.str("since")?.map(str::to_string),
        operation: a.str("op")?.map(str::to_string),
        limit,
    };
    let events = ws.log(&q).map_err(|e| match e.kind() {
        // A bad `op` or `since` is the caller's mistake: invalid params, with the valid forms.
        skillmeat_core::ErrorKind::Invalid => invalid(e.to_string()),
        _ => failed(&e),
    })?;
    Ok(crate::json::log(ws.root(), &events))
}

/// The hint that stands in for a kept artifact's drift diagnostic, naming the reason.
pub fn kept_hint(st: &ArtifactStatus, main_text: &str) -> Option<Diagnostic> {
    let k = st.kept.as_ref()?;
    let end = main_text.find('\n').unwrap_or(main_text.len());
    Some(Diagnostic {
        range: Range::new(Position::new(0, 0), pos::position(main_text, end)),
        severity: Some(DiagnosticSeverity::HINT),
        code: Some(NumberOrString::String(KEPT_CODE.into())),
        source: Some(super::diagnostics::SOURCE.into()),
        message: format!(
            "{} differs from the collection on purpose ({}): {}; `skillmeat-lsp unkeep {}` ends this",
            st.id, k.drift, k.reason, st.id
        ),
        data: Some(json!({
            "artifact": st.id.to_string(), "state": "kept", "kept": crate::json::kept(k),
            "hashes": { "baseline": st.baseline, "project": st.project, "collection": st.collection },
        })),
        ..Default::default()
    })
}

/// A drift diagnostic of an artifact kept before the collection changed says so.
pub fn note_kept(d: &mut Diagnostic, kept: Option<&Kept>) {
    if let Some(k) = kept.filter(|k| k.collection_changed) {
        d.message.push_str(&format!(
            " (it was kept: {}, but the collection changed since)",
            k.reason
        ));
    }
}
