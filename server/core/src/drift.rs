//! drift (in progress).
