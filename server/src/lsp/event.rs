//! The owner's own events, besides the client's messages: what its helpers report back to the
//! main loop (`main_loop`), which applies them in arrival order.

use std::path::PathBuf;

/// Everything that is not a client message and changes state.
#[derive(Debug)]
pub enum Event {
    /// Files changed on disk, seen by our own watcher (`watch`).
    FilesChanged(Vec<PathBuf>),
}
