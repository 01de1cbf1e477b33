//! `verify`: checks every stored version of the workspace against its hashes (like `git fsck`).

use super::Workspace;
use crate::error::Result;
use crate::store::VerifyReport;

impl Workspace {
    /// Every blob, version, parent and deployment baseline of the lineage store, checked; the
    /// report names each problem's artifact, version and file. Reads only.
    pub fn verify(&self) -> Result<VerifyReport> {
        self.store.verify()
    }
}
