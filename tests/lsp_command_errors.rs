//! `workspace/executeCommand` refusals over the real server: wrong or missing arguments are
//! `InvalidParams` naming the field, and failed operations are errors carrying the kind.

use crate::lsp_commands::{deployed, ok, start};
use crate::support;

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use support::Env;

#[test]
fn wrong_or_missing_arguments_are_invalid_params_naming_the_field() {
    let env = deployed();
    let mut lsp = start(&env);
    let cases: &[(&str, Value, &str)] = &[
        ("skillmeat.history", json!({}), "`artifact`"),
        ("skillmeat.diff", json!({}), "`artifact`"),
        (
            "skillmeat.diff",
            json!({ "artifact": "pdf", "from": 3 }),
            "`from`",
        ),
        (
            "skillmeat.diff",
            json!({ "artifact": "pdf", "to": ["x"] }),
            "`to`",
        ),
        ("skillmeat.deploy", json!({}), "`artifact`"),
        (
            "skillmeat.deploy",
            json!({ "artifact": "pdf", "overwrite": "yes" }),
            "`overwrite`",
        ),
        ("skillmeat.tag", json!({ "artifact": "pdf" }), "`tag`"),
        ("skillmeat.tag", json!({ "tag": "x" }), "`artifact`"),
        (
            "skillmeat.tag",
            json!({ "artifact": "pdf", "tag": "x", "rev": 1 }),
            "`rev`",
        ),
        ("skillmeat.rollback", json!({ "artifact": "pdf" }), "`to`"),
        ("skillmeat.rollback", json!({ "to": "v1" }), "`artifact`"),
        ("skillmeat.resolve", json!({}), "`artifact`"),
        (
            "skillmeat.resolve",
            json!({ "artifact": "pdf", "choice": "mine" }),
            "`choice`",
        ),
        (
            "skillmeat.resolve",
            json!({ "artifact": "pdf", "file": false }),
            "`file`",
        ),
        ("skillmeat.sync", json!({}), "`artifact`"),
        (
            "skillmeat.sync",
            json!({ "artifact": "pdf", "all": true }),
            "`artifact` or `all",
        ),
        ("skillmeat.sync", json!({ "all": "yes" }), "`all`"),
        (
            "skillmeat.sync",
            json!({ "artifact": "pdf", "dryRun": 1 }),
            "`dryRun`",
        ),
        (
            "skillmeat.sync",
            json!({ "artifact": "pdf", "direction": "sideways" }),
            "`direction`",
        ),
        (
            "skillmeat.sync",
            json!({ "artifact": "pdf", "strategy": "yolo" }),
            "`strategy`",
        ),
        (
            "skillmeat.checkUpstream",
            json!({ "artifact": 7 }),
            "`artifact`",
        ),
        (
            "skillmeat.status",
            json!({ "workspace": "/nowhere/at/all" }),
            "`workspace`",
        ),
        ("skillmeat.status", json!({ "workspace": 1 }), "`workspace`"),
        ("skillmeat.status", json!({ "uri": "not a uri" }), "`uri`"),
        (
            "skillmeat.status",
            json!({ "uri": "https://example.com/x" }),
            "`uri`",
        ),
        (
            "skillmeat.status",
            json!({ "uri": "file:///elsewhere/x.md" }),
            "`uri`",
        ),
    ];
    let before = env.snapshot_of(&["project/.claude", "collection"]);
    for (command, args, field) in cases {
        let e = lsp
            .command(command, args.clone())
            .expect_err(&format!("{command} {args} should fail"));
        assert_eq!(e["code"], -32602, "{command} {args}: {e:#}");
        let msg = e["message"].as_str().unwrap();
        assert!(
            msg.contains(field),
            "{command} {args}: {msg:?} does not name {field}"
        );
    }
    // Not an object, or more than one argument.
    for arguments in [json!(["skill:pdf"]), json!([{}, {}]), json!([null])] {
        let e = lsp
            .request(
                "workspace/executeCommand",
                json!({ "command": "skillmeat.history", "arguments": arguments }),
            )
            .unwrap_err();
        assert_eq!(e["code"], -32602, "{arguments}: {e:#}");
        assert!(e["message"]
            .as_str()
            .unwrap()
            .contains("one JSON object argument"));
    }
    assert_eq!(before, env.snapshot_of(&["project/.claude", "collection"]));
    // And it still serves.
    let s = ok(&mut lsp, "skillmeat.status", json!({}));
    assert_eq!(s["summary"]["synced"], 2);
    lsp.finish();
}

#[test]
fn failed_operations_are_errors_carrying_the_kind() {
    let env = deployed();
    let mut lsp = start(&env);
    let cases: &[(&str, Value, &str, &str)] = &[
        (
            "skillmeat.history",
            json!({ "artifact": "skill:nope" }),
            "notfound",
            "skill:nope",
        ),
        (
            "skillmeat.deploy",
            json!({ "artifact": "agent:ghost" }),
            "notfound",
            "agent:ghost",
        ),
        (
            "skillmeat.rollback",
            json!({ "artifact": "pdf", "to": "v99" }),
            "notfound",
            "v99",
        ),
        (
            "skillmeat.diff",
            json!({ "artifact": "pdf", "from": "no-such-tag" }),
            "notfound",
            "no-such-tag",
        ),
        (
            "skillmeat.sync",
            json!({ "artifact": "skill:nope" }),
            "notfound",
            "skill:nope",
        ),
        (
            "skillmeat.history",
            json!({ "artifact": "skill:a/b" }),
            "invalid",
            "`a/b`",
        ),
    ];
    for (command, args, kind, needle) in cases {
        let e = lsp.command(command, args.clone()).unwrap_err();
        assert_eq!(e["code"], -32803, "{command} {args}: {e:#}");
        assert_eq!(e["data"]["kind"], *kind, "{command} {args}: {e:#}");
        assert!(
            e["message"].as_str().unwrap().contains(needle),
            "{command} {args}: {e:#}"
        );
    }
    lsp.finish();
}

trait Snap {
    fn snapshot_of(&self, rels: &[&str]) -> Vec<(PathBuf, Vec<u8>)>;
}

impl Snap for Env {
    /// Every file under `rels` with its bytes (the lineage database is left out: reads may
    /// refresh its caches).
    fn snapshot_of(&self, rels: &[&str]) -> Vec<(PathBuf, Vec<u8>)> {
        let roots: Vec<PathBuf> = rels.iter().map(|r| self.path(r)).collect();
        self.snapshot()
            .into_iter()
            .filter(|(p, _)| roots.iter().any(|r| p.starts_with(r)))
            .filter(|(p, _)| !p.starts_with(Path::new(&self.path("project/.skillmeat"))))
            .collect()
    }
}
