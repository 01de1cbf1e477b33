//! The server on SkillMeat's hook and mcp artifacts: drift diagnostics land on a hook's file and
//! on an MCP server's manifest, as on skills and commands.

use crate::support;

use serde_json::json;
use support::lsp::{codes, full_caps, Lsp};
use support::Env;

#[test]
fn drift_diagnostics_are_published_on_hook_and_mcp_files() {
    let env = Env::new(
        r#"
        //- collection/hooks/pre-commit.md
        Lint first.
        //- collection/mcp/github/mcp.json
        {"command": "gh"}
        //- collection/mcp/github/README.md
        About.
        "#,
    );
    assert_eq!(
        env.run(&["deploy", "hook:pre-commit", "mcp:github"]).code,
        0
    );
    env.write(
        "project/.claude/hooks/pre-commit.md",
        "Lint and test first.\n",
    );
    env.write("collection/mcp/github/README.md", "About it.\n");
    let states = env.states();
    assert_eq!(states["hook:pre-commit"], "modified", "{states:?}");
    assert_eq!(states["mcp:github"], "outdated", "{states:?}");

    let mut lsp = Lsp::start(
        &env,
        json!({ "collectionPath": env.collection() }),
        full_caps(),
    );
    let hook = env.path("project/.claude/hooks/pre-commit.md");
    let d = lsp.diagnostics(&hook, |d| !d.is_empty());
    assert_eq!(codes(&d), ["drift-modified"], "{d:#?}");
    assert_eq!(d[0]["data"]["artifact"], "hook:pre-commit");
    let manifest = env.path("project/.claude/mcp/github/mcp.json");
    let d = lsp.diagnostics(&manifest, |d| !d.is_empty());
    assert_eq!(codes(&d), ["drift-outdated"], "{d:#?}");
    assert_eq!(d[0]["data"]["artifact"], "mcp:github");
    lsp.finish();
}
