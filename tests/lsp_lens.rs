//! CodeLens on an artifact's main file (`v1 · synced`, Update / Diff / History) and hover with the
//! lineage on its frontmatter, over the real server.

use crate::support;

use serde_json::{json, Value};
use support::lsp::{full_caps, uri, Lsp};
use support::Env;

const BASE: &str = "---\nname: pdf\ndescription: PDF tools\n---\n\none\ntwo\nthree\n";

fn settings(env: &Env) -> Value {
    json!({ "collectionPath": env.collection() })
}

fn deployed() -> Env {
    let env = Env::new(
        r#"
        //- collection/skills/pdf/reference.md
        ref
        //- collection/commands/review.md
        Review.
        "#,
    );
    env.write("collection/skills/pdf/SKILL.md", BASE);
    assert_eq!(env.run(&["deploy", "skill:pdf", "command:review"]).code, 0);
    env
}

fn titles(l: &[Value]) -> Vec<String> {
    l.iter()
        .map(|x| x["command"]["title"].as_str().unwrap().to_string())
        .collect()
}

fn hover(lsp: &mut Lsp, path: &std::path::Path, line: u32) -> Value {
    lsp.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri(path) }, "position": { "line": line, "character": 2 } }),
    )
    .unwrap()
}

#[test]
fn code_lens_shows_version_and_state_with_update_diff_and_history() {
    let env = deployed();
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let l = lsp.code_lenses(&main);
    assert_eq!(titles(&l), ["v1 · synced", "Diff", "History"]);
    let args = json!({ "artifact": "skill:pdf", "uri": uri(&main) });
    assert_eq!(l[0]["command"]["command"], "skillmeat.history");
    assert_eq!(l[0]["command"]["arguments"], json!([args]));
    assert_eq!(l[1]["command"]["command"], "skillmeat.diff");
    assert_eq!(l[2]["command"]["command"], "skillmeat.history");
    for x in &l {
        assert_eq!(x["range"]["start"]["line"], 0);
    }
    // Only the main file has lenses.
    assert!(lsp
        .code_lenses(&env.path("project/.claude/skills/pdf/reference.md"))
        .is_empty());

    // Outdated: an Update lens, with what the update would do (computed without writing), whose
    // command brings it up to date.
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("two", "TWO"),
    );
    lsp.diagnostics(&main, |d| !d.is_empty());
    let l = lsp.code_lenses(&main);
    assert_eq!(
        titles(&l),
        ["v1 · outdated", "Update: clean", "Diff", "History"]
    );
    let update = &l[1]["command"];
    // The lens proposes the update as a buffer edit (nothing written) ...
    assert_eq!(update["command"], "skillmeat.proposeUpdate");
    let before = std::fs::read_to_string(&main).unwrap();
    let r = lsp
        .command("skillmeat.proposeUpdate", update["arguments"][0].clone())
        .unwrap();
    assert_eq!(r["applied"], true, "{r:#}");
    assert_eq!(std::fs::read_to_string(&main).unwrap(), before);
    // ... and the sync (the palette's) writes it.
    let r = lsp
        .command("skillmeat.sync", update["arguments"][0].clone())
        .unwrap();
    assert_eq!(r["applied"], true, "{r:#}");
    // Lenses are asked to refresh after the change, and now show the new version.
    assert!(lsp
        .server_requests
        .iter()
        .any(|(m, _)| m == "workspace/codeLens/refresh"));
    assert_eq!(
        titles(&lsp.code_lenses(&main)),
        ["v2 · synced", "Diff", "History"]
    );

    // Unsaved edits count; the version is the baseline's until the content is recorded.
    let text = lsp.open(&main, 1);
    lsp.change_full(&main, 2, &text.replace("one", "uno"));
    lsp.diagnostics_at(&main, 2);
    assert_eq!(
        titles(&lsp.code_lenses(&main)),
        ["v2 · modified", "Diff", "History"]
    );
    lsp.finish();
}

#[test]
fn code_lens_of_an_untracked_artifact_offers_no_diff_or_history() {
    let env = deployed();
    env.write("project/.claude/agents/mine.md", "Mine.\n");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let l = lsp.code_lenses(&env.path("project/.claude/agents/mine.md"));
    assert_eq!(titles(&l), ["unversioned · untracked"]);
    // A file outside any artifact has none.
    env.write("project/README.md", "readme\n");
    assert!(lsp.code_lenses(&env.path("project/README.md")).is_empty());
    lsp.finish();
}

#[test]
fn hover_on_the_frontmatter_shows_the_lineage() {
    let env = deployed();
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("one", "uno"),
    );
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    lsp.command(
        "skillmeat.tag",
        json!({ "artifact": "skill:pdf", "tag": "first", "rev": "v1" }),
    )
    .unwrap();
    for line in 0..4 {
        let h = hover(&mut lsp, &main, line);
        assert_eq!(h["contents"]["kind"], "markdown", "line {line}: {h}");
        let md = h["contents"]["value"].as_str().unwrap();
        assert!(md.starts_with("**skill:pdf** — modified · v2"), "{md}");
        let rows: Vec<&str> = md
            .lines()
            .filter(|l| l.starts_with("| v") && !l.starts_with("| version"))
            .collect();
        assert_eq!(rows.len(), 2, "{md}");
        assert!(rows[0].starts_with("| v2 | local_modification |"), "{md}");
        assert!(rows[1].starts_with("| v1 | deployment |"), "{md}");
        assert!(
            rows[1].contains("deployed") && rows[1].contains("tag `first`"),
            "{md}"
        );
    }
    // Not on the body, not on other files, not on a command without frontmatter.
    assert_eq!(hover(&mut lsp, &main, 4), Value::Null);
    assert_eq!(hover(&mut lsp, &main, 6), Value::Null);
    assert_eq!(
        hover(
            &mut lsp,
            &env.path("project/.claude/skills/pdf/reference.md"),
            0
        ),
        Value::Null
    );
    assert_eq!(
        hover(&mut lsp, &env.path("project/.claude/commands/review.md"), 0),
        Value::Null
    );
    lsp.finish();
}

#[test]
fn the_update_lens_previews_the_merge_with_its_conflict_count() {
    let env = deployed();
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("one", "one (c)").replace("three", "three (c)"),
    );
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("one", "one (p)").replace("three", "three (p)"),
    );
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    lsp.diagnostics(&main, |d| !d.is_empty());
    // Everything but the server's own log.
    let files = || {
        let mut s = env.snapshot();
        s.retain(|p, _| !p.to_string_lossy().contains("server-stderr"));
        s
    };
    let before = files();
    let l = lsp.code_lenses(&main);
    assert_eq!(titles(&l)[1], "Update: 2 conflicts", "{l:#?}");
    // An unsaved buffer that takes the collection's first line leaves one conflict.
    let text = lsp.open(&main, 1);
    lsp.change_full(&main, 2, &text.replace("one (p)", "one (c)"));
    lsp.diagnostics_at(&main, 2);
    assert_eq!(titles(&lsp.code_lenses(&main))[1], "Update: 1 conflict");
    support::assert_unchanged(&before, &files(), "the preview");
    lsp.finish();
}

#[test]
fn hover_on_a_drift_hunk_shows_the_deployed_text_as_a_diff_and_where_to_revert() {
    let env = deployed();
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let text = lsp.open(&main, 1);
    lsp.change_full(&main, 2, &text.replace("two", "TWO (edited)"));
    lsp.diagnostics_at(&main, 2);
    let line = text.lines().position(|l| l == "two").unwrap() as u32;
    let h = hover(&mut lsp, &main, line);
    let md = h["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        md.contains("```diff\n-two\n+TWO (edited)\n```") && md.contains("Revert"),
        "{h:#}"
    );
    assert_eq!(h["range"]["start"]["line"], line);
    // Lines that did not change have no hunk hover.
    let other = text.lines().position(|l| l == "three").unwrap() as u32;
    assert!(hover(&mut lsp, &main, other).is_null());
    lsp.finish();
}
