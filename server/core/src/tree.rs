//! tree (in progress).
