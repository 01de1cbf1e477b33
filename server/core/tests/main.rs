//! The engine's tests: SkillMeat hash vectors, the merge against git (fixtures, differential,
//! properties, fuzz) and the machine-checked architecture invariants, in one test binary.
//!
//! Run one group with a filter: `cargo test -p skillmeat-core --test engine merge_git::`.

mod merge_support;

mod architecture;
mod architecture_writes;
mod hash_vectors;
mod merge_fixtures;
mod merge_fuzz;
mod merge_git;
mod merge_props;
mod merge_resolve_exact;
mod profile_links;
