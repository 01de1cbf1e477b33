//! Property tests of the merge (docs/design.md §12): one-sided and identical changes merge cleanly to the
//! changed side, rendered conflicts parse back to the regions the merge reported, and resolving
//! every region to one side gives exactly that side of each region.
//!
//! `MERGE_PROP_CASES` sets the number of cases per property (default 1000).

use proptest::prelude::*;
use skillmeat_core::merge::{
    merge_text, parse, resolve_all, Choice, ConflictStyle, Favor, MergeOptions, MergeResult, Region,
};

/// Lines to build files from: few, so edits collide; `=` and `|` runs that force longer markers;
/// blank and punctuation-only lines; non-ASCII. No `<`/`>` runs: a top-level one is a conflict
/// marker by definition, so it would (rightly) change what the parser sees.
const LINES: &[&str] = &[
    "a",
    "b",
    "c",
    "d",
    "e",
    "",
    " ",
    "}",
    "x y",
    "caf\u{e9}",
    "=======",
    "|||||||",
    "=========",
];

/// One edit applied to a file given as lines.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Insert(usize, usize, bool),
    Replace(usize, usize, bool),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), 0..LINES.len(), any::<bool>())
            .prop_map(|(p, l, cr)| Edit::Insert(p, l, cr)),
        (any::<usize>(), 0..LINES.len(), any::<bool>())
            .prop_map(|(p, l, cr)| Edit::Replace(p, l, cr)),
    ]
}

fn line(i: usize, crlf: bool) -> Vec<u8> {
    let mut l = LINES[i].as_bytes().to_vec();
    l.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
    l
}

fn apply(base: &[Vec<u8>], edits: &[Edit]) -> Vec<Vec<u8>> {
    let mut d = base.to_vec();
    for e in edits {
        match *e {
            Edit::Delete(p) if !d.is_empty() => {
                let at = p % d.len();
                d.remove(at);
            }
            Edit::Insert(p, l, cr) => {
                let at = p % (d.len() + 1);
                d.insert(at, line(l, cr));
            }
            Edit::Replace(p, l, cr) if !d.is_empty() => {
                let at = p % d.len();
                d[at] = line(l, cr);
            }
            _ => {}
        }
    }
    d
}

fn finish(mut d: Vec<Vec<u8>>, final_newline: bool) -> Vec<u8> {
    if !final_newline {
        if let Some(last) = d.last_mut() {
            while last.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
                last.pop();
            }
        }
    }
    d.concat()
}

/// A base and two files derived from it by a few edits each, with final newlines varied.
fn triple() -> impl Strategy<Value = (Vec<u8>, Vec<u8>, Vec<u8>)> {
    (
        prop::collection::vec((0..LINES.len(), any::<bool>()), 0..14),
        prop::collection::vec(edit(), 0..5),
        prop::collection::vec(edit(), 0..5),
        any::<[bool; 3]>(),
        prop::sample::select(vec![0u8, 1, 2]),
    )
        .prop_map(|(base, e1, e2, nl, crlf_mode)| {
            let base: Vec<Vec<u8>> = base
                .into_iter()
                .map(|(l, cr)| line(l, crlf_mode == 2 || (crlf_mode == 1 && cr)))
                .collect();
            let ours = apply(&base, &e1);
            let theirs = apply(&base, &e2);
            (
                finish(base, nl[0]),
                finish(ours, nl[1]),
                finish(theirs, nl[2]),
            )
        })
}

fn style() -> impl Strategy<Value = ConflictStyle> {
    prop::sample::select(vec![
        ConflictStyle::Merge,
        ConflictStyle::Diff3,
        ConflictStyle::ZealousDiff3,
    ])
}

fn opts(style: ConflictStyle) -> MergeOptions {
    MergeOptions {
        style,
        ..MergeOptions::default()
    }
}

fn cases() -> u32 {
    std::env::var("MERGE_PROP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

/// Lines of `text`, each with its ending.
fn lines_of(text: &[u8]) -> Vec<&[u8]> {
    text.split_inclusive(|&b| b == b'\n').collect()
}

/// What resolving every conflict of `r` with `choice` must give, built from the merge's own
/// regions (not from the parser).
fn expected_resolution(r: &MergeResult, choice: Choice) -> Vec<u8> {
    let lines = lines_of(&r.text);
    let take = |range: std::ops::Range<usize>| lines[range].concat();
    let mut out = Vec::new();
    for reg in &r.regions {
        match reg {
            Region::Clean { lines } => out.extend(take(lines.clone())),
            Region::Conflict(c) => match choice {
                Choice::Ours => out.extend(take(c.span.ours.clone())),
                Choice::Theirs => out.extend(take(c.span.theirs.clone())),
                Choice::Both => {
                    out.extend(take(c.span.ours.clone()));
                    out.extend(take(c.span.theirs.clone()));
                }
                Choice::Base => out.extend(take(c.span.base.clone().unwrap_or(0..0))),
                Choice::None => {}
            },
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn a_change_on_our_side_only_merges_to_ours((b, x, _) in triple(), st in style()) {
        let r = merge_text(&b, &x, &b, &opts(st));
        prop_assert_eq!(&r.text, &x);
        prop_assert_eq!(r.conflicts, 0);
    }

    #[test]
    fn a_change_on_their_side_only_merges_to_theirs((b, _, y) in triple(), st in style()) {
        let r = merge_text(&b, &b, &y, &opts(st));
        prop_assert_eq!(&r.text, &y);
        prop_assert_eq!(r.conflicts, 0);
    }

    #[test]
    fn the_same_change_on_both_sides_merges_to_it((b, x, _) in triple(), st in style()) {
        let r = merge_text(&b, &x, &x, &opts(st));
        prop_assert_eq!(&r.text, &x);
        prop_assert_eq!(r.conflicts, 0);
    }

    #[test]
    fn rendered_conflicts_parse_back_to_the_reported_regions((b, x, y) in triple(), st in style()) {
        let r = merge_text(&b, &x, &y, &opts(st));
        let parsed = parse(&r.text);
        prop_assert!(parsed.malformed.is_empty(), "{:?}", parsed.malformed);
        let reported: Vec<_> = r.conflict_regions().map(|c| c.span.clone()).collect();
        let found: Vec<_> = parsed.conflicts.iter().map(|c| c.span.clone()).collect();
        prop_assert_eq!(reported, found);
    }

    #[test]
    fn resolving_all_regions_gives_that_side_of_each_region((b, x, y) in triple(), st in style()) {
        let r = merge_text(&b, &x, &y, &opts(st));
        let mut choices = vec![Choice::Ours, Choice::Theirs, Choice::Both, Choice::None];
        if st != ConflictStyle::Merge {
            choices.push(Choice::Base);
        }
        for choice in choices {
            let got = resolve_all(&r.text, choice);
            prop_assert!(got.is_ok(), "{choice}: {:?}", got.err());
            prop_assert_eq!(got.unwrap_or_default(), expected_resolution(&r, choice), "{}", choice);
        }
        if r.conflicts > 0 && st == ConflictStyle::Merge {
            prop_assert!(resolve_all(&r.text, Choice::Base).is_err());
        }
    }

    /// With newline-terminated inputs, taking one side of every rendered conflict is exactly what
    /// git's --ours / --theirs / --union produce.
    #[test]
    fn resolving_markers_equals_merging_with_a_favored_side((b, x, y) in triple()) {
        let terminate = |mut t: Vec<u8>| {
            if !t.is_empty() && !t.ends_with(b"\n") {
                t.push(b'\n');
            }
            t
        };
        let (b, x, y) = (terminate(b), terminate(x), terminate(y));
        let marked = merge_text(&b, &x, &y, &MergeOptions::default());
        for (choice, favor) in [(Choice::Ours, Favor::Ours), (Choice::Theirs, Favor::Theirs), (Choice::Both, Favor::Union)] {
            let favored = merge_text(&b, &x, &y, &MergeOptions { favor, ..MergeOptions::default() });
            prop_assert_eq!(favored.conflicts, 0);
            prop_assert_eq!(resolve_all(&marked.text, choice).unwrap_or_default(), favored.text, "{}", choice);
        }
    }
}
