//! Diagnostics (docs/design.md §8): artifact drift on the main file's first line, one Error per conflict
//! region with its exact range, malformed regions, and optional per-hunk drift hints.

use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Url,
};
use serde_json::json;
use skillmeat_core::drift::{ArtifactStatus, DriftState};
use skillmeat_core::hash::short;
use skillmeat_core::merge;

use crate::lsp::pos;

mod choose;

pub const SOURCE: &str = "skillmeat";

/// Every diagnostic code, for documentation and the docs test.
pub const CODES: &[&str] = &[
    "drift-modified",
    "drift-outdated",
    "drift-conflict",
    "drift-orphaned",
    "upstream-behind",
    "conflict-unresolved",
    "conflict-malformed",
    "drift-hunk",
    super::trail::KEPT_CODE,
    "copy-refused",
];

fn diag(
    range: Range,
    severity: DiagnosticSeverity,
    code: &str,
    message: String,
    data: serde_json::Value,
) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(severity),
        code: Some(NumberOrString::String(code.into())),
        source: Some(SOURCE.into()),
        message,
        data: Some(data),
        ..Default::default()
    }
}

fn h(x: &Option<String>) -> &str {
    x.as_deref().map(short).unwrap_or("-")
}

/// The first line of `text`, where artifact-level diagnostics sit.
fn first_line(text: &str) -> Range {
    let end = text.find('\n').unwrap_or(text.len());
    Range::new(Position::new(0, 0), pos::position(text, end))
}

/// The artifact-level diagnostic for a drift state, if the state deserves one.
pub fn drift(
    st: &ArtifactStatus,
    main_text: &str,
    collection_main: Option<Url>,
) -> Option<Diagnostic> {
    let id = &st.id;
    let (code, severity, message) = match st.state {
        DriftState::Modified => (
            "drift-modified",
            DiagnosticSeverity::INFORMATION,
            format!("{id} was changed in the project: project {} differs from deployed {} (collection unchanged); push it to the collection or revert", h(&st.project), h(&st.baseline)),
        ),
        DriftState::Outdated => (
            "drift-outdated",
            DiagnosticSeverity::WARNING,
            format!("{id} is outdated: the collection moved to {} since deployed {}; update from the collection", h(&st.collection), h(&st.baseline)),
        ),
        DriftState::Conflict if st.unresolved.as_ref().is_some_and(|(_, l)| *l == 0) => {
            let (file, _) = st.unresolved.clone().unwrap_or_default();
            (
                "drift-conflict",
                DiagnosticSeverity::WARNING,
                format!("{id} has an unresolved conflict in {file}, which cannot carry conflict markers (binary, not UTF-8 or too large, or deleted on one side and changed on the other); it cannot be pushed until a side is taken. To finish: run `skillmeat-lsp resolve {id} --file {file} --take ours|theirs|base`"),
            )
        }
        DriftState::Conflict if st.unresolved.is_some() => {
            let (file, line) = st.unresolved.clone().unwrap_or_default();
            (
                "drift-conflict",
                DiagnosticSeverity::WARNING,
                format!("{id} has unresolved conflict markers from a sync (first at {file}:{line}); it cannot be pushed until they are gone. To finish: accept ours, theirs, both or base for each region (lens or quick fix) and save, or run `skillmeat-lsp resolve {id} --take ours|theirs|both`"),
            )
        }
        DriftState::Conflict => (
            "drift-conflict",
            DiagnosticSeverity::WARNING,
            format!("{id} changed in both tiers: project {} and collection {} both differ from deployed {}; merge with the collection", h(&st.project), h(&st.collection), h(&st.baseline)),
        ),
        DriftState::Orphaned => (
            "drift-orphaned",
            DiagnosticSeverity::INFORMATION,
            format!("{id} is no longer in the collection (deployed {}); push it back or keep it as a project-only artifact", h(&st.baseline)),
        ),
        DriftState::Kept => return super::trail::kept_hint(st, main_text),
        _ => return None,
    };
    let mut d = diag(
        first_line(main_text),
        severity,
        code,
        message,
        json!({ "artifact": id.to_string(), "state": st.state.as_str(),
                "hashes": { "baseline": st.baseline, "project": st.project, "collection": st.collection } }),
    );
    super::trail::note_kept(&mut d, st.kept.as_ref());
    if let (Some((file, line)), Some(data)) = (&st.unresolved, d.data.as_mut()) {
        data["unresolved"] = json!({ "file": file, "line": line });
    }
    if let (Some(uri), Some(c)) = (collection_main, &st.collection) {
        d.related_information = Some(vec![DiagnosticRelatedInformation {
            location: Location {
                uri,
                range: Range::default(),
            },
            message: format!("the collection's copy ({})", short(c)),
        }]);
    }
    Some(d)
}

/// `copy-refused` on the first line of an open file whose project copy is not read (its profile
/// root, a type folder or the deployed file became a link since the workspace opened, or
/// status could not read it: a link out of the artifact, a file it may not open): the message
/// is the core's refusal, naming the path.
pub fn copy_refused(id: &str, text: &str, why: &dyn std::fmt::Display) -> Diagnostic {
    diag(
        first_line(text),
        DiagnosticSeverity::ERROR,
        "copy-refused",
        format!("{id}: not read: {why}"),
        json!({ "artifact": id }),
    )
}

/// `upstream-behind` on the main file.
pub fn upstream_behind(id: &str, main_text: &str, detail: &str) -> Diagnostic {
    diag(
        first_line(main_text),
        DiagnosticSeverity::INFORMATION,
        "upstream-behind",
        format!("{id}: its upstream moved ({detail}); sync upstream-to-collection to take it"),
        json!({ "artifact": id }),
    )
}

/// One Error per live conflict region (exact range) and per malformed region: every region in a
/// file with an open conflict record (`recorded`), elsewhere those outside Markdown fences.
pub fn conflicts(id: &str, file: &str, text: &str, recorded: bool) -> Vec<Diagnostic> {
    let parsed = merge::parse_live(text.as_bytes(), file, recorded);
    let mut out = Vec::new();
    for (i, c) in parsed.conflicts.iter().enumerate() {
        let ours = c.labels.ours.as_deref().unwrap_or("ours");
        let theirs = c.labels.theirs.as_deref().unwrap_or("theirs");
        out.push(diag(
            pos::lines_range(text, c.span.whole.clone()),
            DiagnosticSeverity::ERROR,
            "conflict-unresolved",
            format!(
                "unresolved conflict: {ours} vs {theirs}; accept one side, both{}{}",
                if c.span.base.is_some() {
                    ", or the base"
                } else {
                    ""
                },
                if two_way(c) {
                    ". No common base is known (the deployed version's content was never stored), so this is a two-way conflict: every line where the sides differ is shown, even lines only one side changed"
                } else {
                    ""
                }
            ),
            json!({ "artifact": id, "file": file, "region": i, "hasBase": c.span.base.is_some() }),
        ));
    }
    for m in &parsed.malformed {
        out.push(diag(
            pos::lines_range(text, m.lines.clone()),
            DiagnosticSeverity::ERROR,
            "conflict-malformed",
            format!("{}: fix the markers by hand", m.kind.describe()),
            json!({ "artifact": id, "file": file }),
        ));
    }
    out
}

/// A region merged without a known base: its base label has no hash (`deployed ()`).
fn two_way(c: &merge::ParsedConflict) -> bool {
    c.labels.base.as_deref().is_some_and(|b| b.ends_with("()"))
}

/// One Hint per hunk that differs from the deployed version of this file.
pub fn hunks(id: &str, file: &str, deployed: &str, text: &str) -> Vec<Diagnostic> {
    let diff = similar::TextDiff::from_lines(deployed, text);
    let mut out = Vec::new();
    for group in diff.grouped_ops(0) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old = first.old_range().start..last.old_range().end;
        let new = first.new_range().start..last.new_range().end;
        let old_text: String = deployed
            .split_inclusive('\n')
            .skip(old.start)
            .take(old.len())
            .collect();
        let range = if new.is_empty() {
            let p = pos::position(text, pos::line_start(text, new.start));
            Range::new(p, p)
        } else {
            pos::lines_range(text, new.clone())
        };
        let what = match (old.is_empty(), new.is_empty()) {
            (true, _) => format!(
                "{} line{} added since deployed",
                new.len(),
                if new.len() == 1 { "" } else { "s" }
            ),
            (_, true) => format!(
                "{} line{} removed since deployed",
                old.len(),
                if old.len() == 1 { "" } else { "s" }
            ),
            _ => format!(
                "changed since deployed ({} → {} lines)",
                old.len(),
                new.len()
            ),
        };
        out.push(diag(
            range,
            DiagnosticSeverity::HINT,
            "drift-hunk",
            what,
            json!({ "artifact": id, "file": file, "oldText": old_text, "newLines": [new.start, new.end] }),
        ));
    }
    out
}
