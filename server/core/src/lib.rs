//! skillmeat-core: the engine behind skillmeat-lsp, free of any LSP, JSON-RPC or async type.
//!
//! The language server and the CLI are thin adapters over this crate: they turn requests into
//! calls on [`workspace::Workspace`] and the plain structs it returns into their own wire formats.

pub mod apply;
pub mod collection;
pub mod compat;
pub mod discover;
pub mod drift;
pub mod error;
pub mod hash;
pub mod id;
pub mod layout;
pub mod limits;
pub mod merge;
pub mod profile;
pub mod projects;
pub mod registry;
pub mod statcache;
pub mod store;
pub mod sync;
pub mod time;
pub mod tree;
pub mod upstream;
pub mod workspace;

pub use error::{Error, ErrorKind, Result};
pub use id::{ArtifactId, ArtifactType, Shape};
