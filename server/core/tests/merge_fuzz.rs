//! Fuzz-style runs over the conflict parser, resolution and the merge: arbitrary (marker-heavy)
//! bytes and arbitrary options must never panic, and what comes back must be consistent.
//!
//! `MERGE_FUZZ_CASES` sets the number of cases per target (default 300, a quick run in the suite);
//! a long run is e.g. `MERGE_FUZZ_CASES=200000 cargo test --release --test merge_fuzz`.

use proptest::prelude::*;
use skillmeat_core::merge::{
    merge, merge_text, parse, resolve_all, resolve_one, Choice, ConflictStyle, Favor, Labels,
    MarkerLen, MergeOptions, MergeOutcome, Region,
};

fn cases() -> u32 {
    std::env::var("MERGE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

/// Bytes weighted towards what the parser and the merge care about: marker characters, line
/// ends, spaces; plus anything at all (NUL, invalid UTF-8).
fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        6 => prop::sample::select(b"<<<=====>>>|||\n\n\n\r  ab".to_vec()),
        1 => any::<u8>(),
    ]
}

/// Text made of runs of one byte and short lines, so marker-length runs (7, 8, ...) are common.
fn text() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            3 => (prop::sample::select(b"<=>|".to_vec()), 5usize..10, prop::sample::select(vec![&b"\n"[..], b"\r\n", b" x\n", b""]))
                .prop_map(|(c, n, end)| {
                    let mut v = vec![c; n];
                    v.extend_from_slice(end);
                    v
                }),
            2 => prop::collection::vec(byte(), 0..12),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

fn choice() -> impl Strategy<Value = Choice> {
    prop::sample::select(vec![
        Choice::Ours,
        Choice::Theirs,
        Choice::Both,
        Choice::Base,
        Choice::None,
    ])
}

fn options() -> impl Strategy<Value = MergeOptions> {
    (
        prop::sample::select(vec![
            ConflictStyle::Merge,
            ConflictStyle::Diff3,
            ConflictStyle::ZealousDiff3,
        ]),
        prop::sample::select(vec![
            Favor::Markers,
            Favor::Ours,
            Favor::Theirs,
            Favor::Union,
        ]),
        prop_oneof![
            Just(MarkerLen::Auto),
            (0usize..12).prop_map(MarkerLen::Exact)
        ],
        any::<bool>(),
    )
        .prop_map(|(style, favor, marker_len, bare)| MergeOptions {
            style,
            favor,
            marker_len,
            labels: if bare {
                Labels {
                    ours: None,
                    base: None,
                    theirs: None,
                }
            } else {
                Labels::default()
            },
            size_cap: 1 << 12,
        })
}

fn line_count(t: &[u8]) -> usize {
    t.iter().filter(|&&b| b == b'\n').count() + usize::from(!t.is_empty() && !t.ends_with(b"\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn parsing_any_text_gives_ordered_ranges_inside_the_text(t in text()) {
        let n = line_count(&t);
        let p = parse(&t);
        let mut last_end = 0;
        for c in &p.conflicts {
            let s = &c.span;
            prop_assert!(s.whole.start >= last_end && s.whole.end <= n && s.whole.start < s.whole.end);
            prop_assert!(s.marker_len >= 7);
            prop_assert!(s.ours.start == s.whole.start + 1 && s.theirs.end + 1 == s.whole.end);
            let mid = s.base.clone().map_or(s.ours.end..s.ours.end, |b| b);
            prop_assert!(s.ours.end <= mid.start && mid.end < s.theirs.start);
            last_end = s.whole.end;
        }
        for m in &p.malformed {
            prop_assert!(m.lines.start < m.lines.end && m.lines.end <= n, "{:?} in {} lines", m, n);
        }
    }

    #[test]
    fn resolving_any_text_never_panics_and_removes_the_chosen_regions(t in text(), ch in choice()) {
        let p = parse(&t);
        match resolve_all(&t, ch) {
            Ok(out) => {
                // Each resolved region loses at least its three marker lines.
                let removed = line_count(&t).saturating_sub(line_count(&out));
                prop_assert!(removed >= 3 * p.conflicts.len());
            }
            Err(_) => prop_assert!(ch == Choice::Base && p.conflicts.iter().any(|c| c.span.base.is_none())),
        }
        for (i, c) in p.conflicts.iter().enumerate() {
            let r = resolve_one(&t, i, ch);
            prop_assert!(r.is_ok() || (ch == Choice::Base && c.span.base.is_none()));
        }
        prop_assert!(resolve_one(&t, p.conflicts.len(), ch).is_err());
    }

    #[test]
    fn merging_any_bytes_never_panics_and_regions_tile_the_output(
        b in text(), x in text(), y in text(), opts in options()
    ) {
        let r = merge_text(&b, &x, &y, &opts);
        let mut at = 0;
        for reg in &r.regions {
            let range = match reg {
                Region::Clean { lines } => lines.clone(),
                Region::Conflict(c) => c.span.whole.clone(),
            };
            prop_assert_eq!(range.start, at);
            prop_assert!(range.end > range.start);
            at = range.end;
        }
        prop_assert_eq!(at, line_count(&r.text));
        prop_assert_eq!(r.exit_code() as usize, r.conflicts.min(127));
        if opts.favor != Favor::Markers {
            prop_assert_eq!(r.conflicts, 0);
        }
        // The checked entry point either refuses or returns the same merge.
        match merge(&b, &x, &y, &opts) {
            MergeOutcome::Merged(m) => prop_assert_eq!(m, r),
            MergeOutcome::NeedsManualResolution(u) => prop_assert!(!u.to_string().is_empty()),
        }
    }
}
