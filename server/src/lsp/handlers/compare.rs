//! Compare a conflict region's sides: the `Compare` lens beside each region's Accept lenses runs
//! `skillmeat.compareConflict` {uri, region}, which answers with the region's ours / theirs / base
//! text and labels; the editor opens ours against theirs as a diff (VS Code: `vscode.diff` of two
//! virtual documents; Neovim: a diff split of two scratch buffers).

use serde_json::{json, Value};
use skillmeat_core::merge::{self, Choice};

use crate::lsp::args::{failed, Args};
use crate::lsp::state::State;
use crate::lsp::to_proto::RequestError;

/// The command the region's `Compare` lens (built in `regions`, beside its Accept lenses) runs.
pub use super::regions::COMPARE as COMMAND;

/// `skillmeat.compareConflict` {uri, region}: `{"uri", "region", "ours", "theirs", "base",
/// "labels": {"ours", "theirs", "base"}}`, each side's exact text (`base` null in a two-way
/// conflict).
pub fn execute(s: &State, a: &Args) -> Result<Value, RequestError> {
    let r = super::regions::region_of(s, a)?;
    let (text, c) = (&r.text, &r.conflict);
    let side = |choice| -> Result<String, RequestError> {
        let b =
            merge::replacement_exact(text.as_bytes(), c, choice, r.ends).map_err(|e| failed(&e))?;
        Ok(String::from_utf8_lossy(&b).into_owned())
    };
    let base = match c.span.base {
        Some(_) => Some(side(Choice::Base)?),
        None => None,
    };
    Ok(json!({
        "uri": r.uri,
        "file": r.rel,
        "region": r.index,
        "ours": side(Choice::Ours)?,
        "theirs": side(Choice::Theirs)?,
        "base": base,
        "labels": { "ours": c.labels.ours, "theirs": c.labels.theirs, "base": c.labels.base },
    }))
}
