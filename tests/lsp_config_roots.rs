//! A profile root SkillMeat's config adds (`platform.defaults.<platform>.root_dir` in its
//! `config.toml`, or `SKILLMEAT_PLATFORM_DEFAULTS_JSON`) is told to editors — the `initialize`
//! result's `experimental.profileRoots` and `serve --describe`'s `profileRoots` — so they sync
//! the files under it, and the server flags a drifted copy there like one under `.claude`.

use crate::support;

use serde_json::{json, Value};
use support::lsp::{find, full_caps, Lsp};
use support::Env;

const WORLD: &str = r#"
    //- home/.skillmeat/config.toml
    [platform.defaults.gemini]
    root_dir = ".myroot"
    //- collection/skills/demo/SKILL.md
    ---
    name: demo
    description: demo skill
    ---

    one
"#;

const WITH_MYROOT: [&str; 4] = [".claude", ".agents", ".myroot", ".cursor"];

#[test]
fn serve_describe_lists_the_roots_of_skillmeats_config_and_env() {
    let env = Env::new(WORLD);
    let d = env.run_raw(&["serve", "--describe"]).json();
    assert_eq!(d["profileRoots"], json!(WITH_MYROOT), "{d:#}");
    // The environment variable overrides the config, as SkillMeat's own layering does.
    let out = env
        .command()
        .env(
            "SKILLMEAT_PLATFORM_DEFAULTS_JSON",
            r#"{"cursor": {"root_dir": ".env-root"}}"#,
        )
        .args(["serve", "--describe"])
        .output()
        .unwrap();
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        d["profileRoots"],
        json!([".claude", ".agents", ".myroot", ".env-root"]),
        "{d:#}"
    );
}

#[test]
fn initialize_tells_the_client_a_config_root_and_its_drifted_file_is_flagged() {
    let env = Env::new(WORLD);
    let deploy = env.run(&["deploy", "demo", "--profile", "gemini"]);
    assert_eq!(deploy.code, 0, "{}", deploy.stderr);
    let file = env.path("project/.myroot/skills/demo/SKILL.md");
    assert!(file.is_file(), "deployed under the config's root");
    std::fs::write(
        &file,
        "---\nname: demo\ndescription: demo skill\n---\n\nedited\n",
    )
    .unwrap();
    let settings = json!({ "collectionPath": env.collection() });
    let mut lsp = Lsp::start(&env, settings, full_caps());
    assert_eq!(
        lsp.initialize_result["capabilities"]["experimental"]["profileRoots"],
        json!(WITH_MYROOT),
        "{:#}",
        lsp.initialize_result
    );
    lsp.open(&file, 1);
    let d = lsp.diagnostics(&file, |d| !d.is_empty());
    let modified = find(&d, "drift-modified");
    assert!(
        modified["data"].to_string().contains("skill:demo@gemini"),
        "the diagnostic names the gemini deployment: {modified:#}"
    );
    lsp.finish();
}
