//! discover (in progress).
