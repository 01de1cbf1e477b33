//! `deploy ID... [--all] [--overwrite]`: collection → project, recording the baseline.

use skillmeat_core::workspace::Workspace;
use skillmeat_core::Error;

use super::{exit, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Artifact ids (`skill:pdf-tools`) or unambiguous names.
    pub ids: Vec<String>,
    /// Deploy every artifact of the collection.
    #[arg(long, conflicts_with = "ids")]
    all: bool,
    /// Replace project copies that differ from the collection (their content is kept as a version).
    #[arg(long)]
    overwrite: bool,
}

pub fn run(ws: &mut Workspace, a: &Args, out: &Out) -> Result<i32, Error> {
    let ids: Vec<String> = if a.all {
        ws.collection_artifacts()?
            .keys()
            .map(|i| i.to_string())
            .collect()
    } else {
        a.ids.clone()
    };
    let done = ws.deploy(&ids, a.overwrite)?;
    if out.json {
        out.print_json(&crate::json::deploy(&done));
    } else {
        for d in &done {
            let mut line = format!(
                "deployed {} as v{} ({})",
                d.id,
                d.version,
                skillmeat_core::hash::short(&d.hash)
            );
            if d.already_present {
                line.push_str(", project copy was already identical");
            }
            if let Some(k) = d.kept_previous {
                line.push_str(&format!(", previous project copy kept as v{k}"));
            }
            out.line(line);
        }
    }
    Ok(exit::OK)
}
