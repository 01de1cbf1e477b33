//! Code actions over the real server on conflict regions: the exact text each accept action
//! leaves (per region and for the whole file), accept base only where there is a base, and the
//! resolution recorded once the last region is resolved and saved.

use crate::lsp_actions::{deployed, settings, BASE};
use crate::support;

use serde_json::{json, Value};
use support::lsp::{action, apply_edits, codes, edits_for, find, full_caps, Lsp};
use support::Env;

/// `skill:pdf` after a sync that left two conflict regions (diff3 style, with the base).
fn two_regions() -> Env {
    let env = deployed();
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("two", "two (c)").replace("five", "five (c)"),
    );
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("two", "two (p)").replace("five", "five (p)"),
    );
    assert_eq!(env.run(&["sync", "pdf", "--apply"]).code, 4);
    env
}

/// The text of `BASE` with line `two` and line `five` each replaced by what a choice keeps.
fn resolved(two: &str, five: &str) -> String {
    BASE.replace("two\n", two).replace("five\n", five)
}

#[test]
fn accept_ours_theirs_both_base_per_region_leave_the_exact_text() {
    let env = two_regions();
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let text = lsp.open(&main, 1);
    let d = lsp.diagnostics_at(&main, 1);
    let regions: Vec<Value> = d
        .iter()
        .filter(|x| x["code"] == "conflict-unresolved")
        .cloned()
        .collect();
    assert_eq!(regions.len(), 2);
    let region_text = |i: usize| {
        // The exact second region, reconstructed: ours, base, theirs in order.
        text.split_inclusive('\n')
            .skip(regions[i]["range"]["start"]["line"].as_u64().unwrap() as usize)
            .take(7)
            .collect::<String>()
    };
    assert!(region_text(1).starts_with("<<<<<<< project ("));
    let keep = [
        ("ours", "two (p)\n", "five (p)\n"),
        ("theirs", "two (c)\n", "five (c)\n"),
        ("both", "two (p)\ntwo (c)\n", "five (p)\nfive (c)\n"),
        ("base", "two\n", "five\n"),
    ];
    for (i, region) in regions.iter().enumerate() {
        let actions =
            lsp.code_actions(&main, region["range"].clone(), std::slice::from_ref(region));
        let per_region: Vec<&Value> = actions
            .iter()
            .filter(|a| a["title"].as_str().unwrap().ends_with("for this conflict"))
            .collect();
        assert_eq!(per_region.len(), 4, "{actions:#?}");
        for (choice, two, five) in keep {
            let a = action(&actions, &format!("Accept {choice}…"));
            assert_eq!(a["kind"], "quickfix");
            assert_eq!(
                a["diagnostics"],
                json!([region]),
                "the action fixes its diagnostic"
            );
            let title = a["title"].as_str().unwrap();
            let label = match choice {
                "ours" => "(project, ",
                "theirs" => "(collection, ",
                "base" => "(deployed, ",
                _ => "",
            };
            assert!(title.contains(label), "{title}");
            let out = apply_edits(&text, &edits_for(a, &main));
            // Only this region is replaced; the other keeps its markers, byte for byte.
            let want = if i == 0 {
                text.replacen(&region_text(0), two, 1)
            } else {
                text.replacen(&region_text(1), five, 1)
            };
            assert_eq!(out, want, "accept {choice} for region {i}");
        }
    }
    // Taking one region, then the other, by the per-region actions gives the clean text.
    let first = action(
        &lsp.code_actions(&main, regions[0]["range"].clone(), &[]),
        "Accept theirs…",
    )
    .clone();
    let step = apply_edits(&text, &edits_for(&first, &main));
    lsp.change_full(&main, 2, &step);
    let d = lsp.diagnostics_at(&main, 2);
    let left = find(&d, "conflict-unresolved").clone();
    assert_eq!(
        left["data"]["region"], 0,
        "the remaining region is renumbered"
    );
    let second = action(
        &lsp.code_actions(&main, left["range"].clone(), std::slice::from_ref(&left)),
        "Accept ours…",
    )
    .clone();
    let done = apply_edits(&step, &edits_for(&second, &main));
    assert_eq!(done, resolved("two (c)\n", "five (p)\n"));
    lsp.finish();
}

#[test]
fn accept_all_for_a_file_leaves_the_exact_text_for_each_choice() {
    let env = two_regions();
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let text = lsp.open(&main, 1);
    lsp.diagnostics_at(&main, 1);
    // Anywhere in the file, without a diagnostic in the context.
    let anywhere =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } });
    let actions = lsp.code_actions(&main, anywhere, &[]);
    let want = [
        (
            "ours",
            "source.skillmeat.acceptAllOurs",
            resolved("two (p)\n", "five (p)\n"),
        ),
        (
            "theirs",
            "source.skillmeat.acceptAllTheirs",
            resolved("two (c)\n", "five (c)\n"),
        ),
        (
            "both",
            "source.skillmeat.acceptAllBoth",
            resolved("two (p)\ntwo (c)\n", "five (p)\nfive (c)\n"),
        ),
        ("base", "source.skillmeat.acceptAllBase", BASE.to_string()),
    ];
    for (choice, kind, result) in want {
        let a = action(
            &actions,
            &format!("Accept {choice} for all conflicts in this file"),
        );
        assert_eq!(a["kind"], kind);
        assert_eq!(apply_edits(&text, &edits_for(a, &main)), result, "{choice}");
    }
    // No per-region action when the range touches no region.
    assert!(!actions
        .iter()
        .any(|a| a["title"].as_str().unwrap().ends_with("for this conflict")));
    lsp.finish();
}

#[test]
fn accept_base_is_not_offered_when_a_region_has_no_base_section() {
    let env = deployed();
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    lsp.open(&main, 1);
    let text = BASE.replace(
        "two\n",
        "<<<<<<< mine\ntwo (m)\n=======\ntwo (t)\n>>>>>>> theirs\n",
    );
    lsp.change_full(&main, 2, &text);
    let d = lsp.diagnostics_at(&main, 2);
    let region = find(&d, "conflict-unresolved").clone();
    assert_eq!(region["data"]["hasBase"], false);
    let actions = lsp.code_actions(&main, region["range"].clone(), &[region]);
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(!titles.iter().any(|t| t.contains("base")), "{titles:?}");
    let a = action(&actions, "Accept both…");
    assert_eq!(
        apply_edits(&text, &edits_for(a, &main)),
        BASE.replace("two\n", "two (m)\ntwo (t)\n")
    );
    lsp.finish();
}

#[test]
fn resolving_the_last_region_and_saving_records_the_resolution() {
    let env = two_regions();
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let before = env.run(&["history", "skill:pdf", "--json"]).json()["versions"]
        .as_array()
        .unwrap()
        .len();
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let text = lsp.open(&main, 1);
    lsp.diagnostics_at(&main, 1);
    let anywhere =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } });
    let actions = lsp.code_actions(&main, anywhere, &[]);
    let a = action(&actions, "Accept ours for all conflicts in this file");
    let out = apply_edits(&text, &edits_for(a, &main));
    lsp.change_full(&main, 2, &out);
    let d = lsp.diagnostics_at(&main, 2);
    assert_eq!(codes(&d)[0], "drift-modified");
    assert!(!codes(&d).contains(&"conflict-unresolved".to_string()));
    // Nothing is recorded until the file is saved.
    let h = lsp
        .command("skillmeat.history", json!({ "artifact": "skill:pdf" }))
        .unwrap();
    assert_eq!(h["versions"].as_array().unwrap().len(), before);
    std::fs::write(&main, &out).unwrap();
    lsp.save(&main);
    let h = lsp
        .command("skillmeat.history", json!({ "artifact": "skill:pdf" }))
        .unwrap();
    let versions = h["versions"].as_array().unwrap();
    assert_eq!(versions.len(), before + 1, "{h:#}");
    let status = lsp.command("skillmeat.status", json!({})).unwrap();
    assert_eq!(
        versions[0]["hash"],
        status["artifacts"][0]["hashes"]["project"]
    );
    assert_eq!(status["artifacts"][0]["state"], "modified");
    // The resolution is recorded: resolving again has nothing left to do.
    let r = lsp
        .command("skillmeat.resolve", json!({ "artifact": "skill:pdf" }))
        .unwrap();
    assert_eq!(r["remaining"], json!([]), "{r:#}");
    lsp.finish();
}
