//! workspace (in progress).
