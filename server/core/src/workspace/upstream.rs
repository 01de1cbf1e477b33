//! The upstream tier (git): `upstream` revisions and upstream → collection sync.

use super::revision::Resolved;
use super::sync::SyncOutcome;
use super::Workspace;
use crate::error::{Error, Result};
use crate::id::ArtifactId;
use crate::sync::Strategy;

impl Workspace {
    pub(super) fn upstream_rev(&self, id: &ArtifactId) -> Result<Resolved> {
        Err(Error::not_found(format!(
            "{id} has no upstream: upstream (git) support is not built yet"
        )))
    }

    pub(super) fn sync_upstream(
        &mut self,
        id: &ArtifactId,
        _strategy: Strategy,
        _apply: bool,
    ) -> Result<SyncOutcome> {
        Err(Error::not_found(format!(
            "{id} has no upstream: upstream (git) support is not built yet"
        )))
    }
}
