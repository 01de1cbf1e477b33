//! `verify`: check every stored version of the workspace against its hashes, like `git fsck`
//! (exit 0 when the store is whole, 1 when anything is damaged).

use skillmeat_core::workspace::Workspace;
use skillmeat_core::Error;

use super::{exit, Out};

pub fn run(ws: &Workspace, out: &Out) -> Result<i32, Error> {
    let r = ws.verify()?;
    if out.json {
        out.print_json(&crate::json::verify(&r));
    } else {
        for p in &r.problems {
            out.line(format!("{}: {}", p.kind.as_str(), p.message));
        }
        out.line(format!(
            "checked {} version{} of {} artifact{} and {} blob{}: {}",
            r.versions,
            if r.versions == 1 { "" } else { "s" },
            r.artifacts,
            if r.artifacts == 1 { "" } else { "s" },
            r.blobs,
            if r.blobs == 1 { "" } else { "s" },
            match r.problems.len() {
                0 => "no problems".to_string(),
                1 => "1 problem; a damaged version cannot be restored (rollback refuses it)"
                    .to_string(),
                n => format!(
                    "{n} problems; a damaged version cannot be restored (rollback refuses it)"
                ),
            }
        ));
    }
    Ok(if r.is_clean() {
        exit::OK
    } else {
        exit::DRIFT_OR_FAILED
    })
}
