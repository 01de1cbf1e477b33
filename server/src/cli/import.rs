//! `import`: read SkillMeat's `.claude/.skillmeat-deployed.toml` into the lineage store.

use skillmeat_core::workspace::Workspace;
use skillmeat_core::Error;

use super::{exit, Out};

pub fn run(ws: &mut Workspace, out: &Out) -> Result<i32, Error> {
    // Opening the workspace already imports a changed file; report that too.
    let earlier = ws.take_notes();
    let r = ws.import()?;
    if out.json {
        out.print_json(&crate::json::import(&r, &earlier));
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
