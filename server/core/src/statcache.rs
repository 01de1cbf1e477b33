//! statcache (in progress).
