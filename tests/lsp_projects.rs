//! Every project at once in the editor, over the real server: a collection artifact's main file
//! says where it is deployed (lens and hover), whether the workspace is the collection or a
//! project with the collection file open; the workspace folders the server opens are remembered.

use crate::support;

use serde_json::json;
use support::lsp::{full_caps, uri, Lsp};
use support::Env;

const BASE: &str = "---\nname: pdf\ndescription: PDF tools\n---\n\none\ntwo\nthree\n";

/// `pdf` deployed in four projects: p1 before a collection change (outdated), p2..p4 after it,
/// p2 then edited (modified).
fn four_projects() -> Env {
    let env = Env::new(
        r#"
        //- collection/commands/review.md
        Review.
        "#,
    );
    env.write("collection/skills/pdf/SKILL.md", BASE);
    let deploy = |p: &str| {
        std::fs::create_dir_all(env.path(&format!("{p}/.git"))).unwrap();
        let r = env.run_raw(&[
            "--workspace",
            env.path(p).to_str().unwrap(),
            "--collection",
            env.collection().to_str().unwrap(),
            "deploy",
            "pdf",
        ]);
        assert_eq!(r.code, 0, "{r:?}");
    };
    deploy("p1");
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("two", "TWO"),
    );
    for p in ["p2", "p3", "p4"] {
        deploy(p);
    }
    env.write(
        "p2/.claude/skills/pdf/SKILL.md",
        &BASE.replace("two", "TWO").replace("three", "3"),
    );
    env
}

fn hover_text(lsp: &mut Lsp, path: &std::path::Path, line: u32) -> String {
    let h = lsp
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri(path) }, "position": { "line": line, "character": 1 } }),
        )
        .unwrap();
    h["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

const SUMMARY: &str = "deployed in 4 projects: 1 outdated, 1 modified";

#[test]
fn a_collection_file_says_where_it_is_deployed_when_the_workspace_is_the_collection() {
    let env = four_projects();
    let main = env.path("collection/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start_folders(
        &env,
        &[env.collection()],
        json!({ "collectionPath": env.collection() }),
        full_caps(),
    );
    let l = lsp.code_lenses(&main);
    let titles: Vec<&str> = l
        .iter()
        .map(|x| x["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, [SUMMARY], "{l:?}");
    assert_eq!(l[0]["range"]["start"]["line"], 0);

    let h = hover_text(&mut lsp, &main, 6);
    assert!(
        h.contains(&format!("**skill:pdf** (collection) — {SUMMARY}")),
        "{h}"
    );
    for (p, state) in [
        ("p1", "outdated · v1"),
        ("p2", "modified"),
        ("p3", "synced · v1"),
        ("p4", "synced · v1"),
    ] {
        let row = format!(
            "| `{}` | {state}",
            std::fs::canonicalize(env.path(p)).unwrap().display()
        );
        assert!(h.contains(&row), "{row} missing:\n{h}");
    }
    // A file of the artifact that is not its main file, and an artifact deployed nowhere.
    env.write("collection/skills/pdf/notes.md", "notes\n");
    assert!(lsp
        .code_lenses(&env.path("collection/skills/pdf/notes.md"))
        .is_empty());
    let review = lsp.code_lenses(&env.path("collection/commands/review.md"));
    assert_eq!(
        review[0]["command"]["title"], "deployed in no known project",
        "{review:?}"
    );
    lsp.finish();
}

#[test]
fn an_open_collection_file_in_a_project_workspace_says_it_too_and_the_folder_is_remembered() {
    let env = four_projects();
    // p5 was never touched by the CLI: only the editor opens it.
    std::fs::create_dir_all(env.path("p5/.git")).unwrap();
    let mut lsp = Lsp::start_folders(
        &env,
        &[env.path("p5")],
        json!({ "collectionPath": env.collection() }),
        full_caps(),
    );
    let main = env.path("collection/skills/pdf/SKILL.md");
    lsp.open(&main, 1);
    let l = lsp.code_lenses(&main);
    assert_eq!(l.len(), 1, "{l:?}");
    assert_eq!(l[0]["command"]["title"], SUMMARY);
    assert!(hover_text(&mut lsp, &main, 0).contains(SUMMARY));
    let registry = env.read("home/.local/state/skillmeat-lsp/workspaces.json");
    let p5 = std::fs::canonicalize(env.path("p5")).unwrap();
    assert!(
        registry.contains(&format!("\"{}\"", p5.display())),
        "{registry}"
    );
    lsp.finish();
}
