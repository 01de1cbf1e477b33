//! `textDocument/hover`: over an artifact main file's frontmatter, its state and lineage; over a
//! hunk changed since deployed, the deployed text beside the buffer's; on a collection
//! artifact's main file, where it is deployed (`projects`).

use lsp_server::ResponseError;
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind, Position, Url};

use super::projects;

use crate::lsp::from_proto;
use crate::lsp::state::{FolderId, State};

pub fn run(s: &State, p: HoverParams) -> Result<Option<Hover>, ResponseError> {
    let at = p.text_document_position_params;
    let uri = &at.text_document.uri;
    refuse_linked(s, uri)?;
    Ok(hover(s, uri, at.position).or_else(|| projects::hover(s, uri)))
}

/// A project file whose profile root (or type folder, or deployed file) became a link since the
/// folder opened: refused with the core's words, naming the link, before anything is read.
fn refuse_linked(s: &State, uri: &Url) -> Result<(), ResponseError> {
    let Some(path) = from_proto::path(uri) else {
        return Ok(());
    };
    let Some(ws) = s.folder_of(&path).and_then(|i| s.folders[&i].ws.as_ref()) else {
        return Ok(());
    };
    match ws.locate(&path).map(|l| ws.project_path(&l.id)) {
        Some(Err(e)) => Err(crate::lsp::args::failed(&e)),
        _ => Ok(()),
    }
}

/// The lines of the YAML frontmatter (`---` ... `---` at the top), as a 0-based line range.
fn frontmatter(text: &str) -> Option<std::ops::Range<u32>> {
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let end = lines.position(|l| l.trim_end() == "---")? as u32 + 1;
    Some(0..end + 1)
}

/// Over a hunk changed since deployed: the deployed text beside the buffer's, as a diff, and
/// where the Revert is (the hunk's quick fix).
fn hunk_hover(
    uri: &Url,
    s: &State,
    i: FolderId,
    id: &skillmeat_core::ArtifactId,
    rel: &str,
    text: &str,
    at: Position,
) -> Option<Hover> {
    let ws = s.folders[&i].ws.as_ref()?;
    let deployed = ws.baseline_file(id, rel).ok()??;
    let deployed = String::from_utf8_lossy(&deployed);
    let hunks = super::diagnostics::hunks(&id.to_string(), rel, &deployed, text);
    let d = hunks.into_iter().find(|d| {
        let r = d.range;
        (r.start.line <= at.line && at.line < r.end.line.max(r.start.line + 1))
            || (r.start == r.end && r.start.line == at.line)
    })?;
    let data = d.data.as_ref()?;
    let old = data.get("oldText")?.as_str()?;
    let lines = data.get("newLines")?.as_array()?;
    let (a, b) = (
        lines.first()?.as_u64()? as usize,
        lines.get(1)?.as_u64()? as usize,
    );
    let new: String = text.split_inclusive('\n').skip(a).take(b - a).collect();
    let mut diff = String::new();
    for l in old.lines() {
        diff.push_str(&format!("-{l}\n"));
    }
    for l in new.lines() {
        diff.push_str(&format!("+{l}\n"));
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: format!(
                "**{id}** · {rel}: {}\n\n```diff\n{diff}```\n\n{} · or the quick fix *Revert this hunk to the deployed version*",
                d.message,
                super::hunk_revert::link(uri, at.line)
            ),
        }),
        range: Some(d.range),
    })
}

/// The lineage, when hovering the frontmatter of an artifact's main file.
pub fn hover(s: &State, uri: &Url, at: Position) -> Option<Hover> {
    let path = from_proto::path(uri)?;
    let (i, id, rel) = s.locate(&path)?;
    let ws = s.folders[&i].ws.as_ref()?;
    let main = ws.main_file(&id).ok()?;
    let text = match s.docs.get(&path) {
        Some(d) => d.text.clone(),
        None => std::fs::read_to_string(&path).ok()?,
    };
    let in_frontmatter = frontmatter(&text).is_some_and(|f| f.contains(&at.line));
    if main != path || !in_frontmatter {
        return hunk_hover(uri, s, i, &id, &rel, &text, at);
    }
    let st = s.status_of(i, &id)?;
    if let Some(h) = super::untracked::hover(&st, uri) {
        return Some(h);
    }
    let mut md = format!("**{id}** — {}", st.state);
    if let Some(v) = st.version {
        md.push_str(&format!(" · v{v}"));
    }
    if let Some(e) = &st.error {
        md.push_str(&format!("\n\nnot read: {e}"));
    }
    md.push_str("\n\n| version | origin | when | hash | |\n|---|---|---|---|---|\n");
    match ws.history(&id.to_string()) {
        Ok(h) => {
            for e in h.entries.iter().take(12) {
                let mut note = String::new();
                if e.is_baseline {
                    note.push_str("deployed ");
                }
                if let Some(t) = &e.tag {
                    note.push_str(&format!("tag `{t}`"));
                }
                md.push_str(&format!(
                    "| v{} | {} | {} | `{}` | {} |\n",
                    e.number,
                    e.origin.as_str(),
                    &e.created_at[..e.created_at.len().min(16)].replace('T', " "),
                    skillmeat_core::hash::short(&e.hash),
                    note.trim()
                ));
            }
            if h.entries.len() > 12 {
                md.push_str(&format!(
                    "\n… and {} older versions\n",
                    h.entries.len() - 12
                ));
            }
        }
        Err(e) => md = format!("**{id}** — {}\n\n{e}", st.state),
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: md,
        }),
        range: None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn frontmatter_spans_the_fences() {
        assert_eq!(super::frontmatter("---\nname: x\n---\nbody\n"), Some(0..3));
        assert_eq!(super::frontmatter("no front\n"), None);
    }
}
