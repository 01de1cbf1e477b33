//! compat (in progress).
