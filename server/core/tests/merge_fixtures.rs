//! Data-driven merge cases: each folder of `tests/data/merge` holds base/ours/theirs and git's
//! output for them (made by `regen.sh` with the system git), so git's rules for the tricky cases
//! are pinned by name even on a machine without git. Also the checked entry point's refusals.

use std::path::{Path, PathBuf};

use skillmeat_core::merge::{
    merge, merge_text, parse, resolve_all, Choice, ConflictStyle, Labels, MarkerLen, MergeOptions,
    MergeOutcome, Region, Side, UnmergeableReason,
};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/merge")
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn every_fixture_merges_to_git_output_in_both_styles() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(data())
        .unwrap_or_else(|e| panic!("fixtures: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "fixtures missing: {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let (base, ours, theirs) = (
            read(&case.join("base")),
            read(&case.join("ours")),
            read(&case.join("theirs")),
        );
        for (style, name) in [
            (ConflictStyle::Merge, "merge"),
            (ConflictStyle::Diff3, "diff3"),
        ] {
            let opts = MergeOptions {
                style,
                labels: Labels::new("ours", "base", "theirs"),
                ..MergeOptions::default()
            };
            let r = merge_text(&base, &ours, &theirs, &opts);
            let want = read(&case.join(format!("{name}.out")));
            let code: i32 = String::from_utf8_lossy(&read(&case.join(format!("{name}.code"))))
                .trim()
                .parse()
                .unwrap_or(-1);
            if r.text != want || r.exit_code() != code {
                failures.push(format!(
                    "{} ({name}): exit {} want {code}\n  got:  \"{}\"\n  want: \"{}\"",
                    case.display(),
                    r.exit_code(),
                    r.text.escape_ascii(),
                    want.escape_ascii()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn fixture(name: &str) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let d = data().join(name);
    (
        read(&d.join("base")),
        read(&d.join("ours")),
        read(&d.join("theirs")),
    )
}

#[test]
fn markers_are_lengthened_past_a_heading_underline_and_the_parser_keeps_it_as_content() {
    let (b, o, t) = fixture("markdown_underline_lengthens_markers");
    let r = merge_text(&b, &o, &t, &MergeOptions::default());
    assert_eq!(r.marker_len, 8);
    let parsed = parse(&r.text);
    assert!(parsed.malformed.is_empty());
    assert_eq!(parsed.conflicts.len(), 1);
    let resolved = resolve_all(&r.text, Choice::Theirs).unwrap_or_default();
    assert_eq!(resolved, t);
    // With git's fixed length the underline sits outside the region, where the parser leaves
    // `=` runs alone, so the conflict is still found and nothing is reported as malformed.
    let fixed = MergeOptions {
        marker_len: MarkerLen::Exact(7),
        ..MergeOptions::default()
    };
    let r7 = merge_text(&b, &o, &t, &fixed);
    assert_eq!(r7.marker_len, 7);
    let parsed = parse(&r7.text);
    assert!(parsed.malformed.is_empty());
    assert_eq!(parsed.conflicts.len(), 1);
    assert_eq!(parsed.conflicts[0].span.marker_len, 7);
}

#[test]
fn structured_regions_locate_conflicts_in_the_output_and_the_inputs() {
    let (b, o, t) = fixture("zealous_refinement_keeps_common_lines_out");
    let diff3 = MergeOptions {
        style: ConflictStyle::Diff3,
        ..MergeOptions::default()
    };
    let r = merge_text(&b, &o, &t, &diff3);
    // a X c <<< Y ||| d === Z >>> e: the identical X edit is clean, d is the conflict.
    let c: Vec<_> = r.conflict_regions().cloned().collect();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].span.whole, 3..10);
    assert_eq!(c[0].span.ours, 4..5);
    assert_eq!(c[0].span.base, Some(6..7));
    assert_eq!(c[0].span.theirs, 8..9);
    assert_eq!(
        (c[0].ours_input.clone(), c[0].theirs_input.clone()),
        (3..4, 3..4)
    );
    assert_eq!(c[0].base_input, Some(3..4));
    assert_eq!(r.regions.first(), Some(&Region::Clean { lines: 0..3 }));
    assert_eq!(r.regions.last(), Some(&Region::Clean { lines: 10..11 }));

    // Merge style: two conflicts joined across punctuation-only lines; no base section.
    let (b, o, t) = fixture("conflicts_joined_across_punctuation_only_lines");
    let r = merge_text(&b, &o, &t, &MergeOptions::default());
    let c: Vec<_> = r.conflict_regions().cloned().collect();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].span.whole, 1..16);
    assert_eq!(c[0].span.ours, 2..8);
    assert_eq!(c[0].span.base, None);
    assert_eq!(c[0].span.theirs, 9..15);
    assert_eq!(
        (c[0].ours_input.clone(), c[0].theirs_input.clone()),
        (1..7, 1..7)
    );
    assert_eq!(c[0].base_input, None);
}

#[test]
fn binary_non_utf8_and_oversized_inputs_need_manual_resolution() {
    let opts = MergeOptions::default();
    let refused = |b: &[u8], o: &[u8], t: &[u8], o2: &MergeOptions| match merge(b, o, t, o2) {
        MergeOutcome::NeedsManualResolution(u) => Some((u.side, u.reason)),
        MergeOutcome::Merged(_) => None,
    };
    assert_eq!(
        refused(b"a\n", b"a\0b\n", b"c\n", &opts),
        Some((Side::Ours, UnmergeableReason::Binary))
    );
    assert_eq!(
        refused(b"caf\xe9\n", b"a\n", b"c\n", &opts),
        Some((Side::Base, UnmergeableReason::NotUtf8))
    );
    let small = MergeOptions {
        size_cap: 4,
        ..MergeOptions::default()
    };
    assert_eq!(
        refused(b"a\n", b"b\n", b"theirs\n", &small),
        Some((
            Side::Theirs,
            UnmergeableReason::TooLarge { size: 7, cap: 4 }
        ))
    );
    assert_eq!(refused(b"a\n", b"b\n", b"a\n", &opts), None);
}
