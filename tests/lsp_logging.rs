//! Where the server's log lines go: clients tag every stderr line as an error (Neovim's
//! `:LspLog`), so with a client connected routine and warning lines reach it as
//! `window/logMessage` with their type (Info 3, Warning 2) and stderr stays empty;
//! `SKILLMEAT_LOG` set writes to stderr too, for debugging.

use crate::support;

use serde_json::{json, Value};
use support::lsp::{Lsp, Start};
use support::Env;

fn deployed() -> Env {
    let env = Env::new("");
    env.write(
        "collection/skills/pdf/SKILL.md",
        "---\nname: pdf\n---\n\nBody.\n",
    );
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    env
}

/// Starts the server with `SKILLMEAT_LOG` as given (empty: as if unset, the default).
fn start(env: &Env, log: &str) -> Lsp {
    Lsp::start_with(
        env,
        Start {
            settings: json!({ "collectionPath": env.collection() }),
            env: vec![("SKILLMEAT_LOG".into(), log.into())],
            ..Start::default()
        },
    )
}

/// Waits for a `window/logMessage` whose text contains `text`, returning its type.
fn log_type(lsp: &mut Lsp, text: &str) -> i64 {
    let m = lsp.wait_for(&format!("a logMessage saying {text:?}"), |m: &Value| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains(text))
    });
    m["params"]["type"].as_i64().expect("a message type")
}

#[test]
fn routine_and_warning_lines_go_to_the_client_with_their_types_and_stderr_stays_empty() {
    let env = deployed();
    let mut lsp = start(&env, "");
    // Routine: the folder opened with its collection, and the start-up scan's count and time.
    assert_eq!(log_type(&mut lsp, "with collection"), 3);
    assert_eq!(log_type(&mut lsp, "start-up scan artifacts=1"), 3);
    // A warning: a malformed frame is answered, and said as a Warning.
    lsp.send_raw(b"Content-Length: 12\r\n\r\n{not json!!}");
    assert_eq!(log_type(&mut lsp, "malformed message answered"), 2);
    let errors: Vec<&Value> = lsp
        .inbox
        .iter()
        .filter(|m| m["method"] == "window/logMessage" && m["params"]["type"] == 1)
        .collect();
    assert!(
        errors.is_empty(),
        "routine lines sent as errors: {errors:#?}"
    );
    let stderr = lsp.stderr();
    lsp.finish();
    assert_eq!(
        stderr, "",
        "stderr, which clients show as errors, got lines"
    );
}

#[test]
fn skillmeat_log_set_also_writes_that_level_to_stderr() {
    let env = deployed();
    let mut lsp = start(&env, "info");
    assert_eq!(log_type(&mut lsp, "start-up scan"), 3);
    lsp.send_raw(b"Content-Length: 12\r\n\r\n{not json!!}");
    assert_eq!(log_type(&mut lsp, "malformed message answered"), 2);
    let stderr = lsp.stderr();
    lsp.finish();
    assert!(
        stderr.contains("INFO") && stderr.contains("start-up scan"),
        "{stderr}"
    );
    assert!(
        stderr.contains("WARN") && stderr.contains("malformed message"),
        "{stderr}"
    );
}
