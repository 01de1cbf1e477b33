//! Requests a hostile client sends, over the real server: URIs that try to leave the open
//! workspace folders, commands racing another process's lock, folders that are not projects and
//! times before 1970. Each is refused with words, changes nothing and leaves the server answering.

use crate::lsp_commands::{deployed, start};
use crate::support;

use serde_json::json;

const MARKED: &str =
    "top\n<<<<<<< ours\nSECRET-OURS outside\n=======\nSECRET-THEIRS\n>>>>>>> theirs\n";

#[test]
fn a_uri_with_encoded_separators_or_dots_never_reaches_outside_the_workspace() {
    let env = deployed();
    env.write("outside.md", MARKED);
    let mut lsp = start(&env);
    let skill = format!("file://{}/.claude/skills/pdf", env.project().display());
    for uri in [
        format!("{skill}%2F..%2F..%2F..%2F..%2Foutside.md"),
        format!("{skill}%2f..%2f..%2f..%2f..%2foutside.md"),
        format!("{skill}/..%2F..%2F..%2F..%2Foutside.md"),
        format!("{skill}/../../../../outside.md"),
        format!("{skill}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/outside.md"),
    ] {
        for (command, args) in [
            (
                "skillmeat.compareConflict",
                json!({ "uri": uri, "region": 0 }),
            ),
            (
                "skillmeat.acceptConflict",
                json!({ "uri": uri, "region": 0, "choice": "theirs" }),
            ),
        ] {
            let e = lsp
                .command(command, args)
                .expect_err(&format!("{command} {uri} must be refused"));
            assert!(!e.to_string().contains("SECRET"), "{command} {uri}: {e:#}");
            assert!(
                e["message"].as_str().unwrap().contains("`uri`"),
                "{command} {uri}: {e:#}"
            );
        }
        let lenses = lsp
            .request(
                "textDocument/codeLens",
                json!({ "textDocument": { "uri": uri } }),
            )
            .unwrap();
        assert!(
            lenses.as_array().is_none_or(|l| l.is_empty()),
            "{uri}: {lenses:#}"
        );
        let hover = lsp
            .request(
                "textDocument/hover",
                json!({ "textDocument": { "uri": uri }, "position": { "line": 2, "character": 1 } }),
            )
            .unwrap();
        assert!(hover.is_null(), "{uri}: {hover:#}");
    }
    assert_eq!(env.read("outside.md"), MARKED);
    lsp.finish();
}

#[test]
fn a_log_since_before_1970_is_invalid_params_not_an_internal_error() {
    let env = deployed();
    let mut lsp = start(&env);
    for since in ["3000w", "99999999999d", "1970-01-01T00:30:00+01:00"] {
        let e = lsp
            .command("skillmeat.log", json!({ "since": since }))
            .expect_err(since);
        assert_eq!(e["code"], -32602, "{since}: {e:#}");
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("outside 1970-01-01"),
            "{since}: {e:#}"
        );
    }
    // The server goes on answering.
    lsp.command("skillmeat.log", json!({ "since": "1h" }))
        .unwrap();
    lsp.finish();
}

#[test]
fn a_sync_of_an_artifact_another_process_is_writing_is_refused_at_once_not_waited_for() {
    let env = deployed();
    env.write(
        "collection/skills/pdf/SKILL.md",
        &crate::lsp_commands::BASE.replace("six", "six (c)"),
    );
    // A CLI sync holds skill:pdf's lock, paused just before its swap.
    let cli = env.run_paused("before-swap", &["sync", "skill:pdf", "--apply"]);
    let mut lsp = start(&env);
    let review = support::lsp::uri(&env.project().join(".claude/commands/review.md"));
    let started = std::time::Instant::now();
    let sync = lsp.send_request(
        "workspace/executeCommand",
        json!({ "command": "skillmeat.sync", "arguments": [{ "artifact": "skill:pdf" }] }),
    );
    let hover = lsp.send_request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": review }, "position": { "line": 0, "character": 0 } }),
    );
    let e = lsp
        .response(sync)
        .expect_err("the locked artifact's sync must fail");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "the sync waited {:?} for the other process's lock",
        started.elapsed()
    );
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.contains("skill:pdf is being written by another process (pid ")
            && msg.contains("try again"),
        "{e:#}"
    );
    lsp.response(hover).unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
    assert_eq!(cli.resume().code, 0);
    // Once the other process is done, the same request goes through.
    lsp.command("skillmeat.sync", json!({ "artifact": "skill:pdf" }))
        .unwrap();
    lsp.finish();
}

#[test]
fn opening_a_folder_that_is_no_project_creates_nothing_there_until_a_command_writes() {
    let env = support::pdf_and_review(crate::lsp_commands::BASE);
    let empty = env.path("empty");
    std::fs::create_dir_all(&empty).unwrap();
    // $HOME: its `.skillmeat/` is SkillMeat's own data folder, never our state.
    let home = env.path("home");
    env.write("home/.skillmeat/config.toml", "[settings]\n");
    let registry = env.path("home/.local/state/skillmeat-lsp/workspaces.json");
    let _ = std::fs::remove_file(&registry);
    let mut lsp = support::lsp::Lsp::start_folders(
        &env,
        &[empty.clone(), home.clone()],
        crate::lsp_commands::settings(&env),
        support::lsp::full_caps(),
    );
    for w in [&empty, &home] {
        lsp.command("skillmeat.status", json!({ "workspace": w }))
            .unwrap();
    }
    let names = |dir: &std::path::Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&empty), Vec::<String>::new());
    assert_eq!(names(&home.join(".skillmeat")), vec!["config.toml"]);
    let listed = std::fs::read_to_string(&registry).unwrap_or_default();
    assert!(
        !listed.contains("/empty\"") && !listed.contains("/home\""),
        "{listed}"
    );
    // A command that writes there makes it a project: its state is kept and it is registered.
    lsp.command(
        "skillmeat.deploy",
        json!({ "artifact": "skill:pdf", "workspace": empty }),
    )
    .unwrap();
    assert!(empty.join(".skillmeat/lineage.db").is_file());
    assert!(empty.join(".claude/skills/pdf/SKILL.md").is_file());
    let listed = std::fs::read_to_string(&registry).unwrap();
    assert!(listed.contains("/empty\""), "{listed}");
    lsp.finish();
    // The deployment was recorded on disk: a new server sees it.
    let mut lsp = support::lsp::Lsp::start_folders(
        &env,
        std::slice::from_ref(&empty),
        crate::lsp_commands::settings(&env),
        support::lsp::full_caps(),
    );
    let history = lsp
        .command("skillmeat.history", json!({ "artifact": "skill:pdf" }))
        .unwrap();
    assert!(history.to_string().contains("deploy"), "{history:#}");
    lsp.finish();
}
