//! The integration tests: each file of `tests/` is one feature (the CLI's commands, crash
//! recovery, concurrency, the language server over stdio, SkillMeat interop), all in one test
//! binary so the suite links once. `support/` is the shared harness.
//!
//! Run one feature with a filter: `cargo test --test integration cli_sync::`.

mod support;

mod apply_put_back;

mod cli_bad_input;
mod cli_copies;
mod cli_deletion;
mod cli_deploy_history;
mod cli_discovery;
mod cli_drift;
mod cli_first_use;
mod cli_hook_mcp;
mod cli_json;
mod cli_keep;
mod cli_log_stats;
mod cli_merge_file;
mod cli_merge_file_git;
mod cli_newcomer;
mod cli_newcomer_sync;
mod cli_newcomer_words;
mod cli_profile_commands;
mod cli_profile_links;
mod cli_profiles;
mod cli_projects;
mod cli_projects_profiles;
mod cli_resolve;
mod cli_revisions;
mod cli_special_files;
mod cli_sync;
mod cli_tag_list;
mod cli_tag_rules;
mod cli_trust;
mod cli_unresolved_in;
mod cli_upstream;
mod cli_upstream_add;
mod cli_upstream_errors;
mod cli_verify;
mod cli_workspace;
mod concurrency;
mod crash_recovery;
mod fault_matrix;
mod integrity;
mod lsp_accept_exact;
mod lsp_actions;
mod lsp_artifact_types;
mod lsp_binary_conflict;
mod lsp_buffer_diagnostics;
mod lsp_command_errors;
mod lsp_command_sync;
mod lsp_commands;
mod lsp_config_roots;
mod lsp_conflict_actions;
mod lsp_diagnostics;
mod lsp_e2e;
mod lsp_editor_edits;
mod lsp_flows;
mod lsp_held_open_links;
mod lsp_hostile;
mod lsp_in_memory_writes;
mod lsp_lens;
mod lsp_lifecycle;
mod lsp_logging;
mod lsp_profiles;
mod lsp_projects;
mod lsp_proposals;
mod lsp_robustness;
mod lsp_settings;
mod lsp_trail;
mod lsp_watch;
mod modify_delete;
mod skillmeat_agreement;
mod skillmeat_interop;
mod skillmeat_profiles_agreement;
mod sync_all_orphan;
