//! `deploy ID... [--all] [--overwrite] [--profile P]... [--all-profiles]`: collection → project
//! (to SkillMeat's profile roots when asked), recording the baseline.

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
    /// Deploy to SkillMeat's profile P (`claude`, `codex` → `.agents`, `gemini`, `cursor`, or
    /// one SkillMeat's config adds); repeatable. Default: `.claude`.
    #[arg(long = "profile", value_name = "P")]
    profiles: Vec<String>,
    /// Deploy to every profile root the project has (as SkillMeat's `--all-profiles`).
    #[arg(long, conflicts_with = "profiles")]
    all_profiles: bool,
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
    let done = ws.deploy_to(&ids, a.overwrite, &a.profiles, a.all_profiles)?;
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
