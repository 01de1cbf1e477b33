//! A workspace held open by the server whose profile root (`.agents`) or type folder
//! (`.claude/skills`) is replaced by a link to a folder outside the project after it opened:
//! every operation on that deployment — sync, rollback, resolve, the Update/Merge proposal,
//! hover, and the diagnostics of an opened file — is refused with words naming the link, reads
//! nothing outside and writes nothing there.

use crate::support;

use serde_json::{json, Value};
use support::lsp::{codes, full_caps, uri, Lsp};
use support::Env;

const OUTSIDE: &str = "---\nname: demo\ndescription: OUTSIDE THE PROJECT\n---\n\nOUTSIDE\n";

/// Which folder is linked out, and the deployment under it.
struct Case {
    /// The project folder replaced by a link (relative to the project).
    linked: &'static str,
    /// What the outside folder holds, relative to it (the deployment's main file).
    outside_file: &'static str,
    id: &'static str,
    /// The deployment's main file, relative to the project.
    file: &'static str,
}

const CASES: &[Case] = &[
    Case {
        linked: ".agents",
        outside_file: "skills/demo/SKILL.md",
        id: "skill:demo@codex",
        file: ".agents/skills/demo/SKILL.md",
    },
    Case {
        linked: ".claude/skills",
        outside_file: "demo/SKILL.md",
        id: "skill:demo",
        file: ".claude/skills/demo/SKILL.md",
    },
];

/// The request each operation sends: `(what, method, params)`.
fn operations(case: &Case, file_uri: &str) -> Vec<(&'static str, &'static str, Value)> {
    let exec = |command: &str, args: Value| json!({ "command": command, "arguments": [args] });
    let id = case.id;
    vec![
        (
            "sync",
            "workspace/executeCommand",
            exec("skillmeat.sync", json!({ "artifact": id })),
        ),
        (
            "sync --strategy overwrite",
            "workspace/executeCommand",
            exec(
                "skillmeat.sync",
                json!({ "artifact": id, "strategy": "overwrite" }),
            ),
        ),
        (
            "rollback",
            "workspace/executeCommand",
            exec("skillmeat.rollback", json!({ "artifact": id, "to": "v1" })),
        ),
        (
            "resolve",
            "workspace/executeCommand",
            exec(
                "skillmeat.resolve",
                json!({ "artifact": id, "choice": "theirs" }),
            ),
        ),
        (
            "the Update/Merge proposal",
            "workspace/executeCommand",
            exec(
                "skillmeat.proposeUpdate",
                json!({ "artifact": id, "uri": file_uri }),
            ),
        ),
        (
            "hover",
            "textDocument/hover",
            json!({ "textDocument": { "uri": file_uri }, "position": { "line": 1, "character": 2 } }),
        ),
    ]
}

/// Every file under `dir` with its bytes (links as their targets).
fn tree(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                out.insert(p.clone(), b"<dir>".to_vec());
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn a_profile_root_or_type_folder_linked_out_while_the_server_runs_is_refused_by_every_operation() {
    for case in CASES {
        let env = Env::new(
            "
            //- collection/skills/demo/SKILL.md
            ---
            name: demo
            description: demo skill
            ---

            one
            two
            ",
        );
        assert_eq!(env.run(&["deploy", "demo"]).code, 0);
        assert_eq!(env.run(&["deploy", "demo", "--profile", "codex"]).code, 0);
        env.write(
            "collection/skills/demo/SKILL.md",
            &env.read("collection/skills/demo/SKILL.md")
                .replace("two", "two (collection)"),
        );
        let file = env.project().join(case.file);
        let settings = json!({ "collectionPath": env.collection() });
        let mut lsp = Lsp::start(&env, settings, full_caps());
        // Open and checked: the deployment is outdated.
        lsp.diagnostics(&file, |d| codes(d).contains(&"drift-outdated".to_string()));

        // The folder goes, and a link to another folder outside the project takes its place.
        let outside = env.path("outside");
        env.write(&format!("outside/{}", case.outside_file), OUTSIDE);
        let linked = env.project().join(case.linked);
        if case.linked == ".agents" {
            std::fs::copy(
                linked.join(".skillmeat-deployed.toml"),
                outside.join(".skillmeat-deployed.toml"),
            )
            .unwrap();
        }
        std::fs::remove_dir_all(&linked).unwrap();
        std::os::unix::fs::symlink(&outside, &linked).unwrap();
        let before = tree(&outside);

        let file_uri = uri(&file);
        for (what, method, params) in operations(case, &file_uri) {
            let got = lsp.request(method, params);
            let err = match got {
                Err(e) => e,
                Ok(v) => panic!("{} {what}: answered instead of refusing: {v:#}", case.id),
            };
            let msg = err["message"].as_str().unwrap_or_default();
            assert!(
                msg.contains(&linked.display().to_string()) && msg.contains("symlink"),
                "{} {what}: the refusal names the link: {err:#}",
                case.id
            );
            assert!(
                !err.to_string().contains("OUTSIDE"),
                "{} {what}: read outside: {err:#}",
                case.id
            );
        }
        // Opened in the editor (the buffer as the editor read it): its diagnostics say why
        // the copy is not read, and nothing of it is compared with the outside file.
        lsp.open_text(&file, 1, OUTSIDE);
        let d = lsp.diagnostics(&file, |d| codes(d).contains(&"copy-refused".to_string()));
        assert_eq!(codes(&d), ["copy-refused"], "{} {d:#?}", case.id);
        let msg = d[0]["message"].as_str().unwrap();
        assert!(
            msg.contains(&linked.display().to_string()) && msg.contains("symlink"),
            "{} {msg}",
            case.id
        );
        let hover = lsp.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": file_uri }, "position": { "line": 1, "character": 2 } }),
        );
        assert!(
            hover.is_err(),
            "{} hover of the open file: {hover:?}",
            case.id
        );

        // Refused before any question: nobody is asked "Roll back …?" only to be refused.
        assert!(
            !lsp.server_requests
                .iter()
                .any(|(m, _)| m == "window/showMessageRequest"),
            "{}: asked before refusing: {:?}",
            case.id,
            lsp.server_requests
        );
        assert_eq!(before, tree(&outside), "{}: wrote outside", case.id);
        lsp.finish();
    }
}

#[test]
fn a_copy_status_cannot_read_is_shown_on_its_open_file_with_the_reason() {
    let env = Env::new(
        "
        //- collection/skills/demo/SKILL.md
        ---
        name: demo
        ---
        Run the script.
        //- collection/skills/demo/scripts/run.sh
        echo hi
        //- outside/scripts/run.sh
        OUTSIDE
        ",
    );
    assert_eq!(env.run(&["deploy", "demo"]).code, 0);
    // A folder inside the artifact becomes a link out of it: status cannot read the copy.
    let scripts = env.project().join(".claude/skills/demo/scripts");
    std::fs::remove_dir_all(&scripts).unwrap();
    std::os::unix::fs::symlink(env.path("outside/scripts"), &scripts).unwrap();
    assert_eq!(env.artifact("skill:demo")["state"], "error");

    let settings = json!({ "collectionPath": env.collection() });
    let mut lsp = Lsp::start(&env, settings, full_caps());
    let file = env.project().join(".claude/skills/demo/SKILL.md");
    lsp.open(&file, 1);
    let d = lsp.diagnostics(&file, |d| codes(d).contains(&"copy-refused".to_string()));
    let msg = d[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("skill:demo") && msg.contains("scripts"),
        "{msg}"
    );
    assert!(!msg.contains("OUTSIDE"), "{msg}");
    let hover = lsp
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri(&file) }, "position": { "line": 1, "character": 1 } }),
        )
        .unwrap();
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("not read: "), "{hover:#}");
    // A rollback of it is refused before any question.
    let r = lsp.command(
        "skillmeat.rollback",
        json!({ "artifact": "skill:demo", "to": "v1" }),
    );
    assert!(r.is_err(), "{r:?}");
    assert!(
        !lsp.server_requests
            .iter()
            .any(|(m, _)| m == "window/showMessageRequest"),
        "asked before refusing: {:?}",
        lsp.server_requests
    );
    lsp.finish();
}
