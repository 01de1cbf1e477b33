//! collection (in progress).
