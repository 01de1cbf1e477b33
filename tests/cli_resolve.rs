//! `resolve` through the real CLI: taking a side leaves that side's exact bytes (final newline
//! or not, LF or CRLF), and the file as it was — hand edits inside the regions included — is kept
//! as a version before any region is rewritten.

use crate::support;

use support::Env;

const P: &str = "project/.claude/commands/review.md";
const C: &str = "collection/commands/review.md";

/// `command:review` deployed as `deployed`, then changed to `project` in the project and to
/// `collection` in the collection, and synced: the sync leaves conflict markers (exit 4).
fn conflicted(deployed: &str, project: &str, collection: &str) -> Env {
    let env = Env::new("");
    env.write(C, deployed);
    assert_eq!(env.run(&["deploy", "command:review"]).code, 0);
    env.write(P, project);
    env.write(C, collection);
    let r = env.run(&["sync", "command:review", "--apply"]);
    assert_eq!(r.code, 4, "{r:?}");
    assert!(env.read(P).contains("<<<<<<<"), "{}", env.read(P));
    env
}

fn bytes(env: &Env, rel: &str) -> Vec<u8> {
    std::fs::read(env.path(rel)).unwrap()
}

/// (deployed, project, collection): the case, and the same with CRLF and with only some
/// sides unterminated.
const CASES: &[(&str, &str, &str)] = &[
    (
        "Review the diff.\nend",
        "Review the diff.\nend (project)",
        "Review the diff.\nend (collection)",
    ),
    (
        "Review the diff.\nend\n",
        "Review the diff.\nend (project)\n",
        "Review the diff.\nend (collection)",
    ),
    (
        "Review the diff.\nend",
        "Review the diff.\nend (project)",
        "Review the diff.\nend (collection)\n",
    ),
    (
        "Review the diff.\r\nend",
        "Review the diff.\r\nend (project)",
        "Review the diff.\r\nend (collection)",
    ),
    (
        "Review the diff.\r\nend\r\n",
        "Review the diff.\r\nend (project)\r\n",
        "Review the diff.\r\nend (collection)\r\n",
    ),
];

#[test]
fn taking_theirs_leaves_the_collections_exact_bytes_and_reads_synced() {
    for (d, p, c) in CASES {
        let env = conflicted(d, p, c);
        let r = env.run(&["resolve", "command:review", "--take", "theirs"]);
        assert_eq!(r.code, 0, "{r:?}");
        assert_eq!(
            String::from_utf8_lossy(&bytes(&env, P)),
            *c,
            "case {d:?} / {p:?} / {c:?}"
        );
        assert_eq!(env.states()["command:review"], "synced", "case {c:?}");
    }
}

#[test]
fn taking_ours_leaves_the_projects_exact_bytes() {
    for (d, p, c) in CASES {
        let env = conflicted(d, p, c);
        let r = env.run(&["resolve", "command:review", "--take", "ours"]);
        assert_eq!(r.code, 0, "{r:?}");
        assert_eq!(String::from_utf8_lossy(&bytes(&env, P)), *p, "case {p:?}");
        assert_eq!(env.states()["command:review"], "modified");
    }
}

#[test]
fn taking_base_or_both_keeps_each_sides_ending() {
    let (d, p, c) = CASES[0];
    let env = conflicted(d, p, c);
    assert_eq!(
        env.run(&["resolve", "command:review", "--take", "base"])
            .code,
        0
    );
    assert_eq!(env.read(P), d);
    let env = conflicted(d, p, c);
    assert_eq!(
        env.run(&["resolve", "command:review", "--take", "both"])
            .code,
        0
    );
    // git's --union: ours gets a newline so theirs starts its own line; theirs stays as it was.
    assert_eq!(
        env.read(P),
        "Review the diff.\nend (project)\nend (collection)"
    );
}

#[test]
fn hand_edits_inside_a_region_are_kept_as_a_version_before_taking_a_side() {
    let env = conflicted(
        "Review the diff.\nend\n",
        "Review the diff.\nend (project)\n",
        "Review the diff.\nend (collection)\n",
    );
    // A person starts resolving by hand inside the region, then takes the collection's side.
    let edited = env
        .read(P)
        .replace("end (project)", "end (project, half-merged by hand)");
    env.write(P, &edited);
    let r = env.run(&["resolve", "command:review", "--take", "theirs", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    let kept = v["kept_previous"]
        .as_str()
        .expect("kept_previous")
        .to_string();
    assert_eq!(env.read(P), "Review the diff.\nend (collection)\n");
    // The hand edit is in the history, and a rollback brings it back byte for byte.
    let h = env.run(&["history", "command:review", "--json"]).json();
    let row = h["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["version"] == kept.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("{kept} not in the history: {h:#}"));
    assert_eq!(row["origin"], "local_modification", "{row:#}");
    let r = env.run(&["rollback", "command:review", "--to", &kept, "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read(P), edited);
}

#[test]
fn resolving_unedited_markers_stores_no_extra_version() {
    let env = conflicted(
        "Review the diff.\nend\n",
        "Review the diff.\nend (project)\n",
        "Review the diff.\nend (collection)\n",
    );
    let before = env.run(&["history", "command:review", "--json"]).json()["versions"]
        .as_array()
        .unwrap()
        .len();
    let v = env
        .run(&["resolve", "command:review", "--take", "ours", "--json"])
        .json();
    // The marked file is the sync's own merge version: kept already, not stored twice.
    let h = env.run(&["history", "command:review", "--json"]).json();
    let versions = h["versions"].as_array().unwrap();
    assert!(v["kept_previous"].is_string(), "{v:#}");
    assert!(
        versions.len() <= before + 1,
        "{before} versions before, {} after: {h:#}",
        versions.len()
    );
}
