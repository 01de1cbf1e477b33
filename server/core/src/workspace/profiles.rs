//! Deployments under SkillMeat's profile roots other than `.claude` (`.agents` for codex,
//! `.gemini`, `.cursor` and any root SkillMeat's config adds): each is the deployment
//! `type:name@profile` with its own lineage (versions, baseline, conflicts, history), imported
//! from the root's `.skillmeat-deployed.toml` (`workspace/import.rs`) or made by
//! `deploy --profile`, and kept current there by every write ([`Workspace::write_compat`]).
//! Drift, sync, rollback, resolve, history and diff treat them as any deployment: the profile
//! only decides where the project copy lives ([`crate::profile::Profile::artifact_path`]).

use super::Workspace;
use crate::drift::StatusReport;
use crate::error::{Error, Result};
use crate::id::ArtifactId;
use crate::profile::Profile;

impl Workspace {
    /// The profiles in use here: `.claude`, then SkillMeat's others with their overrides.
    pub fn profiles(&self) -> &crate::profile::Profiles {
        &self.profiles
    }

    /// Every profile root checked again ([`crate::apply::check_profile_root`]), as the open
    /// did: what a batch reader of project copies (`status`) calls once instead of one
    /// [`Workspace::project_path`] check per copy, so a root, type folder or deployed file
    /// linked since the workspace opened (the server keeps one open) is refused before
    /// anything is read through it.
    pub fn check_profile_roots(&self) -> Result<()> {
        for profile in &self.profiles.all {
            crate::apply::check_profile_root(&self.root, profile)?;
        }
        Ok(())
    }

    /// [`Workspace::status`], which covers every profile's deployments (kept for callers that
    /// asked for them by name before profiles had lineage of their own).
    pub fn status_with_profiles(&mut self) -> Result<StatusReport> {
        self.status()
    }

    /// Refuses a deployment whose profile is not configured here (SkillMeat's config dropped
    /// it, or gave its root to another profile): its copy has no known place, and reading or
    /// writing `.claude`'s instead would mix two deployments.
    pub fn check_profile(&self, id: &ArtifactId) -> Result<()> {
        if self.profiles.of(id).is_some() {
            return Ok(());
        }
        Err(Error::not_found(format!(
            "{id}: no SkillMeat profile `{}` is configured here (the profiles are {}), so its copy has no known place; restore the profile in SkillMeat's platform.defaults, or leave it alone",
            id.profile_id(),
            self.profile_names()
        )))
    }

    /// The artifacts on disk under every profile root of the project (`.claude` first, then
    /// `.agents`, ...), each as that profile's deployment id, with what was skipped and why:
    /// untracked artifacts are found under every root, not only `.claude`.
    pub fn scan_project(&self) -> Result<crate::discover::Found> {
        let mut out = crate::discover::Found::default();
        for profile in &self.profiles.all {
            if !profile.root(&self.root).is_dir() {
                continue;
            }
            let mut found = crate::discover::scan_profile(&self.root, profile)?;
            out.artifacts.append(&mut found.artifacts);
            out.skipped.append(&mut found.skipped);
        }
        Ok(out)
    }

    /// The profiles a deploy writes to: those named (`claude`, `codex`, ...), or with `all` every
    /// profile whose root exists in the project (SkillMeat's `--all-profiles`: the roots its
    /// `init --all-profiles` made), `.claude` always among them. Unknown names are an error
    /// listing the profiles there are.
    pub fn deploy_profiles(&self, named: &[String], all: bool) -> Result<Vec<Profile>> {
        if all {
            return Ok(self
                .profiles
                .all
                .iter()
                .enumerate()
                .filter(|(i, p)| *i == 0 || p.root(&self.root).is_dir())
                .map(|(_, p)| p.clone())
                .collect());
        }
        let mut out: Vec<Profile> = Vec::new();
        for n in named {
            crate::id::validate_profile(n)?;
            let p = self.profiles.get(n).ok_or_else(|| {
                Error::not_found(format!(
                    "unknown profile `{n}`: the profiles here are {} (SkillMeat's built-ins plus its config's platform.defaults)",
                    self.profile_names()
                ))
            })?;
            if !out.iter().any(|o| o.id == p.id) {
                out.push(p.clone());
            }
        }
        Ok(out)
    }

    /// The profile label shown for a deployment outside `.claude` (`codex`); `None` for
    /// Claude Code's.
    pub fn profile_label(&self, id: &ArtifactId) -> Option<String> {
        id.profile.as_ref().map(|p| {
            self.profiles
                .get(p)
                .map(|pr| pr.label().to_string())
                .unwrap_or_else(|| p.clone())
        })
    }

    /// `id` as deployed under `profile`, or why that profile does not take it.
    pub fn in_profile(&self, id: &ArtifactId, profile: &Profile) -> Result<ArtifactId> {
        if !profile.allows(id.kind) {
            return Err(Error::invalid(format!(
                "SkillMeat's {} profile does not deploy {} artifacts, so {} cannot be deployed to {}; deploy it to a profile that does (claude)",
                profile.id,
                id.kind,
                id,
                profile.root_dir
            )));
        }
        Ok(id.base().with_profile(Some(&profile.id)))
    }
}
