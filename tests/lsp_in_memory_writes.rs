//! A folder the server keeps in memory (not a project: an empty folder) gets its state on disk
//! at the first write there: after the server exits, the CLI's `status` and `log` show what a
//! command of the server did, and the registry of workspaces names the folder.

use crate::lsp_commands::{settings, BASE};
use crate::support;

use serde_json::json;
use support::lsp::{full_caps, uri, Lsp};
use support::Env;

fn collection_with_pdf() -> Env {
    let env = Env::new(
        r#"
        //- collection/skills/pdf/SKILL.md
        PDF.
        "#,
    );
    assert!(std::fs::read_dir(env.project()).unwrap().next().is_none());
    env
}

#[test]
fn a_deploy_from_the_server_in_an_empty_folder_outlives_the_server() {
    let env = collection_with_pdf();
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    // Opening it created nothing there, and neither does a plan (a sync's dry run).
    lsp.command("skillmeat.status", json!({})).unwrap();
    let _ = lsp.command("skillmeat.sync", json!({ "all": true, "dryRun": true }));
    let _ = lsp.command("skillmeat.checkUpstream", json!({}));
    assert!(
        !env.project().join(".skillmeat").exists(),
        "opening an empty folder, planning a sync or checking upstreams there created its state"
    );
    let v = lsp
        .command("skillmeat.deploy", json!({ "artifact": "skill:pdf" }))
        .unwrap_or_else(|e| panic!("deploy failed: {e}"));
    assert!(v.to_string().contains("skill:pdf"), "{v:#}");
    lsp.finish();

    assert!(env.project().join(".skillmeat").is_dir());
    let a = env.artifact("skill:pdf");
    assert_eq!(a["state"], "synced", "{a:#}");
    assert_eq!(a["version"], "v1", "{a:#}");
    let log = env.run(&["log", "--json"]);
    assert_eq!(log.code, 0, "{log:?}");
    let events = log.json()["events"].as_array().unwrap().clone();
    assert!(
        events
            .iter()
            .any(|e| e["operation"] == "deploy" && e["artifact"] == "skill:pdf"),
        "{events:#?}"
    );
    // Registered: the registry of workspaces names the folder.
    let registry = env.path("home/.local/state/skillmeat-lsp/workspaces.json");
    let text = std::fs::read_to_string(&registry)
        .unwrap_or_else(|e| panic!("no registry at {}: {e}", registry.display()));
    let project = std::fs::canonicalize(env.project()).unwrap();
    assert!(
        text.contains(&*project.to_string_lossy()),
        "{} not in {text}",
        project.display()
    );
}

/// `$HOME` (kept in memory by the server: its `.skillmeat/` is SkillMeat's data folder) whose
/// `~/.claude` holds skill:pdf as SkillMeat deployed it (its `.skillmeat-deployed.toml`, no
/// state of ours), changed apart in `~/.claude` and in the collection.
fn home_with_a_conflict() -> Env {
    let env = Env::new("");
    env.write("collection/skills/pdf/SKILL.md", BASE);
    let r = env.run(&["--skillmeat-compat", "deploy", "skill:pdf"]);
    assert_eq!(r.code, 0, "{r:?}");
    support::copy_tree(&env.path("project/.claude"), &env.path("home/.claude"));
    env.write("home/.skillmeat/config.toml", "[settings]\n");
    env.write(HOME_PDF, &BASE.replace("one", "one (p)"));
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("six", "six (c)"),
    );
    env
}

const HOME_PDF: &str = "home/.claude/skills/pdf/SKILL.md";

/// The server with `$HOME` as its one workspace folder (kept in memory).
fn start_in_home(env: &Env) -> Lsp {
    Lsp::start_folders(
        env,
        std::slice::from_ref(&env.path("home")),
        settings(env),
        full_caps(),
    )
}

/// The CLI in `$HOME`, named (the CLI takes it as a workspace only when named).
fn cli_in_home(env: &Env, args: &[&str]) -> serde_json::Value {
    let home = env.path("home").display().to_string();
    let coll = env.collection().display().to_string();
    let mut full = vec!["--workspace", &home, "--collection", &coll];
    full.extend_from_slice(args);
    full.push("--json");
    let r = env.run_raw(&full);
    assert!(r.code == 0 || r.code == 1, "{args:?}: {r:?}");
    r.json()
}

#[test]
fn a_merge_saved_in_a_folder_kept_in_memory_is_recorded_on_disk() {
    let env = home_with_a_conflict();
    let mut lsp = start_in_home(&env);
    let main = env.path(HOME_PDF);
    let text = lsp.open(&main, 1);
    let actions = lsp.code_actions(
        &main,
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }),
        &[],
    );
    // Asking for actions created nothing of ours there.
    assert!(!env.path("home/.skillmeat/lineage.db").exists());
    let merge = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Merge with collection"))
        })
        .unwrap_or_else(|| panic!("no Merge action: {actions:#?}"));
    let edits = support::lsp::edits_for(merge, &main);
    let merged = support::lsp::apply_edits(&text, &edits);
    assert!(
        merged.contains("one (p)") && merged.contains("six (c)"),
        "{merged}"
    );
    lsp.change_full(&main, 2, &merged);
    std::fs::write(&main, &merged).unwrap();
    lsp.save(&main);
    lsp.wait_for("the merge recorded", |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("saved the merge with the collection; recorded as v"))
    });
    lsp.finish();

    // After the server is gone, the CLI sees the merge: the collection's content is the
    // baseline now (SkillMeat's deployed file gave no base content, so the merge left its
    // regions in SKILL.md, open) and the event is in the log.
    let status = cli_in_home(&env, &["status"]);
    let pdf = support::by_id(&status, |a| a.clone())["skill:pdf"].clone();
    assert_eq!(
        pdf["hashes"]["baseline"], pdf["hashes"]["collection"],
        "the merge was not recorded: {pdf:#}"
    );
    assert_eq!(pdf["unresolved"]["file"], "SKILL.md", "{pdf:#}");
    let log = cli_in_home(&env, &["log"]);
    let events = log["events"].as_array().unwrap();
    assert!(
        events.iter().any(|e| e["operation"] == "sync"
            && e["artifact"] == "skill:pdf"
            && e["strategy"] == "editor"),
        "{log:#}"
    );
    // Registered: the registry of workspaces names $HOME now that it holds our state.
    let registry = env.path("home/.local/state/skillmeat-lsp/workspaces.json");
    let listed = std::fs::read_to_string(&registry).unwrap_or_default();
    let canonical = std::fs::canonicalize(env.path("home")).unwrap();
    assert!(listed.contains(&*canonical.to_string_lossy()), "{listed}");
}

#[test]
fn the_sync_an_update_runs_in_a_folder_kept_in_memory_is_recorded_on_disk() {
    let env = home_with_a_conflict();
    // Only the collection moved, adding a file: the Update cannot be a buffer edit, so the
    // server runs the sync.
    env.write(HOME_PDF, BASE);
    env.write("collection/skills/pdf/SKILL.md", BASE);
    env.write("collection/skills/pdf/extra.md", "Extra.\n");
    let mut lsp = start_in_home(&env);
    lsp.command(
        "skillmeat.proposeUpdate",
        json!({ "artifact": "skill:pdf" }),
    )
    .unwrap_or_else(|e| panic!("proposeUpdate failed: {e}"));
    assert_eq!(env.read("home/.claude/skills/pdf/extra.md"), "Extra.\n");
    lsp.finish();

    let status = cli_in_home(&env, &["status"]);
    let states = support::by_id(&status, |a| a["state"].as_str().unwrap().to_string());
    assert_eq!(states["skill:pdf"], "synced", "{status:#}");
    let log = cli_in_home(&env, &["log"]);
    assert!(
        log["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["operation"] == "sync" && e["artifact"] == "skill:pdf"),
        "{log:#}"
    );
}

#[test]
fn a_folder_kept_in_memory_that_the_cli_makes_a_project_is_read_from_disk_after() {
    let env = collection_with_pdf();
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    lsp.command("skillmeat.status", json!({})).unwrap();
    assert!(!env.project().join(".skillmeat").exists());
    // Another process deploys there (creating its state), then the collection moves on.
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    env.write("collection/skills/pdf/SKILL.md", "PDF, newer.\n");
    let file = env.project().join(".claude/skills/pdf/SKILL.md");
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&file), "type": 1 },
                            { "uri": uri(&env.collection().join("skills/pdf/SKILL.md")), "type": 2 }] }),
    );
    let v = lsp.command("skillmeat.status", json!({})).unwrap();
    let pdf = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "skill:pdf")
        .unwrap_or_else(|| panic!("{v:#}"))
        .clone();
    assert_eq!(
        pdf["state"], "outdated",
        "the server sees the CLI's deployment: {pdf:#}"
    );
    assert_eq!(pdf["version"], "v1", "{pdf:#}");
    lsp.finish();
}
