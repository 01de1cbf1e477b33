//! Compare a conflict region's sides: the `Compare` lens beside each region's Accept lenses runs
//! `skillmeat.compareConflict` {uri, region}, which answers with the region's ours / theirs / base
//! text and labels; the editor opens ours against theirs as a diff (VS Code: `vscode.diff` of two
//! virtual documents; Neovim: a diff split of two scratch buffers).

use serde_json::{json, Value};
use skillmeat_core::merge::{self, Choice};

use super::args::{failed, invalid, Args};
use super::from_proto;
use super::state::State;
use super::to_proto::RequestError;

/// The command the region's `Compare` lens (built in `regions`, beside its Accept lenses) runs.
pub use super::regions::COMPARE as COMMAND;

/// `skillmeat.compareConflict` {uri, region}: `{"uri", "region", "ours", "theirs", "base",
/// "labels": {"ours", "theirs", "base"}}`, each side's exact text (`base` null in a two-way
/// conflict).
pub fn execute(s: &State, a: &Args) -> Result<Value, RequestError> {
    let u = a.req("uri")?;
    let uri = from_proto::uri(u).map_err(|e| invalid(format!("`uri`: {e}")))?;
    let region = a
        .number("region")?
        .ok_or_else(|| invalid("`region` is required (the region's 0-based index)"))?
        as usize;
    let (text, rel, recorded) = super::regions::text_of(s, &uri)
        .ok_or_else(|| invalid(format!("`uri`: {u} is no file of a project artifact")))?;
    let ends = from_proto::path(&uri)
        .and_then(|p| s.locate(&p))
        .and_then(|(i, id, rel)| {
            let ws = s.folders[&i].ws.as_ref()?;
            ws.merge_inputs_unterminated(&id, &rel).ok()
        })
        .unwrap_or_default();
    let parsed = merge::parse_live(text.as_bytes(), &rel, recorded);
    let c = parsed.conflicts.get(region).ok_or_else(|| {
        invalid(format!(
            "{rel} has {} conflict region(s), no region #{region}",
            parsed.conflicts.len()
        ))
    })?;
    let side = |choice| -> Result<String, RequestError> {
        let b =
            merge::replacement_exact(text.as_bytes(), c, choice, ends).map_err(|e| failed(&e))?;
        Ok(String::from_utf8_lossy(&b).into_owned())
    };
    let base = match c.span.base {
        Some(_) => Some(side(Choice::Base)?),
        None => None,
    };
    Ok(json!({
        "uri": uri,
        "file": rel,
        "region": region,
        "ours": side(Choice::Ours)?,
        "theirs": side(Choice::Theirs)?,
        "base": base,
        "labels": { "ours": c.labels.ours, "theirs": c.labels.theirs, "base": c.labels.base },
    }))
}
