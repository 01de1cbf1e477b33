//! `import`: read SkillMeat's `.claude/.skillmeat-deployed.toml` into the lineage store.

use serde_json::json;
use skillmeat_core::workspace::Workspace;
use skillmeat_core::Error;

use super::{exit, Out};

pub fn run(ws: &mut Workspace, out: &Out) -> Result<i32, Error> {
    // Opening the workspace already imports a changed file; report that too.
    let earlier = ws.take_notes();
    let r = ws.import()?;
    if out.json {
        let imported: Vec<_> = r
            .imported
            .iter()
            .map(|(id, c)| json!({ "id": id.to_string(), "content_stored": c }))
            .collect();
        out.print_json(&json!({
            "imported": imported,
            "unchanged": r.unchanged,
            "skipped": r.skipped,
            "notes": earlier,
        }));
    } else {
        for n in &earlier {
            out.line(n);
        }
        for (id, c) in &r.imported {
            let suffix = if *c { "" } else { " (known by hash only)" };
            out.line(format!("imported {id}{suffix}"));
        }
        for s in &r.skipped {
            out.note(format!("skipped {s}"));
        }
        out.line(format!(
            "{} imported, {} already known",
            r.imported.len(),
            r.unchanged
        ));
    }
    Ok(exit::OK)
}
