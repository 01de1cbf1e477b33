//! `workspace/executeCommand`: one JSON object argument each, JSON results (docs/lsp-extensions.md).
//! Runs on the owner; `handlers::execute_command` does the asking (confirmation, progress) around it.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use serde_json::{json, Value};
use skillmeat_core::merge::Choice;
use skillmeat_core::sync::{Direction, Strategy};
use skillmeat_core::workspace::{Bulk, Summary, SyncOutcome};
use skillmeat_core::{ArtifactId, Error};

use crate::json;
use crate::lsp::args::{failed, invalid, Args};
use crate::lsp::state::{FolderId, State};
use crate::lsp::to_proto::RequestError;
use crate::lsp::{from_proto, to_proto};

/// Every command the server executes, as advertised in `executeCommandProvider`.
pub const COMMANDS: &[&str] = &[
    "skillmeat.status",
    "skillmeat.sync",
    "skillmeat.resolve",
    "skillmeat.rollback",
    "skillmeat.history",
    "skillmeat.diff",
    "skillmeat.deploy",
    "skillmeat.tag",
    "skillmeat.checkUpstream",
    "skillmeat.acceptConflict",
    "skillmeat.log",
    super::update_edit::COMMAND,
    super::hunk_revert::COMMAND,
    super::compare::COMMAND,
    super::untracked::COMMAND,
];

type Reply = Result<Value, RequestError>;

/// Which folder a command is about: `workspace` (a folder path), else the folder of `uri`, else
/// the one folder where `artifact` is deployed, else the first.
fn folder(s: &State, a: &Args) -> Result<FolderId, RequestError> {
    if s.folders.is_empty() {
        return Err(invalid("no workspace folder is open"));
    }
    if let Some(w) = a.str("workspace")? {
        let p = PathBuf::from(w);
        return s
            .folders
            .iter()
            .find(|(_, f)| f.root == p || Some(&f.root) == std::fs::canonicalize(&p).ok().as_ref())
            .map(|(i, _)| *i)
            .ok_or_else(|| invalid(format!("`workspace`: {w} is not an open workspace folder")));
    }
    if let Some(u) = a.str("uri")? {
        let path = from_proto::path_of_str(u).map_err(|e| invalid(format!("`uri`: {e}")))?;
        return s
            .folder_of(&path)
            .ok_or_else(|| invalid(format!("`uri`: {u} is in no open workspace folder")));
    }
    if let Some(q) = a.str("artifact")? {
        // Every folder knows the collection's artifacts: what tells them apart is where the
        // artifact is deployed (or has a project copy).
        let knowing: Vec<FolderId> = s
            .folder_ids()
            .into_iter()
            .filter(|i| {
                s.folders[i].ws.as_ref().is_some_and(|w| {
                    w.resolve_id(q).is_ok_and(|id| {
                        w.project_path(&id)
                            .is_ok_and(|p| p.symlink_metadata().is_ok())
                            || w.store().deployment(&id).is_ok_and(|d| d.is_some())
                    })
                })
            })
            .collect();
        if let [one] = knowing.as_slice() {
            return Ok(*one);
        }
    }
    s.folder_ids()
        .first()
        .copied()
        .ok_or_else(|| invalid("no workspace folder is open"))
}

/// What a destructive command would be refused for before it is confirmed: an `artifact` that
/// names nothing, or whose project copy's place is refused (a root linked out of the project),
/// so a person is never asked "Roll back …?" only to be refused after saying yes.
pub fn refusal_before_asking(s: &State, a: &Args) -> Result<(), RequestError> {
    let Some(q) = a.str("artifact")? else {
        return Ok(());
    };
    let i = folder(s, a)?;
    let Some(ws) = s.folders.get(&i).and_then(|f| f.ws.as_ref()) else {
        return Ok(());
    };
    let id = ws.resolve_id(q).map_err(|e| failed(&e))?;
    let path = ws.project_path(&id).map_err(|e| failed(&e))?;
    skillmeat_core::apply::check_write_target(&path).map_err(|e| failed(&e))?;
    // A copy status could not read (a link inside it) is refused by the write too.
    match s.status_of(i, &id) {
        Some(st) if st.state == skillmeat_core::drift::DriftState::Error => Err(invalid(format!(
            "{id} cannot be read: {}",
            st.error.unwrap_or_default()
        ))),
        _ => Ok(()),
    }
}

fn ws_mut(
    s: &mut State,
    i: FolderId,
) -> Result<&mut skillmeat_core::workspace::Workspace, RequestError> {
    let Some(f) = s.folders.get_mut(&i) else {
        return Err(invalid("the workspace folder is no longer open"));
    };
    match f.ws.as_mut() {
        Some(w) => Ok(w),
        None => Err(to_proto::request_failed(
            f.error
                .clone()
                .unwrap_or_else(|| "the workspace could not be opened".into()),
            None,
        )),
    }
}

/// Runs one command; `cancel` stops a bulk sync between artifacts.
pub fn execute(
    s: &mut State,
    command: &str,
    a: &Args,
    cancel: &AtomicBool,
    progress: &(dyn Fn(usize, usize, &ArtifactId) + Sync),
) -> Reply {
    // On the state thread: the span's close line carries how long the command took.
    let _span = tracing::info_span!("execute", command).entered();
    let i = folder(s, a)?;
    refuse_unsaved(s, i, command, a)?;
    // A plan (`dryRun`) writes nothing, so it makes no folder a project.
    let plan_only = a.bool("dryRun").ok().flatten().unwrap_or(false);
    if !reads_only(command) && !plan_only {
        // A folder opened in memory (no project yet) gets its state on disk before a write.
        s.persist(i);
    }
    if let Some(r) = (command == "skillmeat.diff")
        .then(|| crate::lsp::buffer_diff::with_buffers(s, i, a))
        .flatten()
    {
        return r;
    }
    let reply = match command {
        "skillmeat.status" => {
            let r = ws_mut(s, i)?.status().map_err(|e| failed(&e))?;
            Ok(json::status(&r))
        }
        "skillmeat.history" => {
            let q = a.req("artifact")?;
            ws_mut(s, i)?
                .history(q)
                .map(|h| json::history(&h))
                .map_err(|e| failed(&e))
        }
        "skillmeat.diff" => {
            let q = a.req("artifact")?;
            let (from, to) = (a.str("from")?, a.str("to")?);
            ws_mut(s, i)?
                .diff(q, from, to)
                .map(|d| json::diff(&d))
                .map_err(|e| failed(&e))
        }
        "skillmeat.deploy" => {
            let q = a.req("artifact")?;
            let overwrite = a.bool("overwrite")?.unwrap_or(false);
            ws_mut(s, i)?
                .deploy(&[q.to_string()], overwrite)
                .map(|d| json::deploy(&d))
                .map_err(|e| failed(&e))
        }
        "skillmeat.tag" => {
            let (q, tag, rev) = (a.req("artifact")?, a.req("tag")?, a.str("rev")?);
            ws_mut(s, i)?
                .tag(q, tag, rev)
                .map(|t| json::tag(&t))
                .map_err(|e| failed(&e))
        }
        "skillmeat.rollback" => {
            let (q, to) = (a.req("artifact")?, a.req("to")?);
            ws_mut(s, i)?
                .rollback(q, to)
                .map(|r| json::rollback(&r))
                .map_err(|e| failed(&e))
        }
        "skillmeat.resolve" => {
            let q = a.req("artifact")?;
            let file = a.str("file")?;
            let choice: Option<Choice> = a.parsed("choice")?;
            ws_mut(s, i)?
                .resolve(q, file, choice)
                .map(|r| json::resolve(&r))
                .map_err(|e| failed(&e))
        }
        "skillmeat.sync" => sync(s, i, a, cancel, progress),
        "skillmeat.acceptConflict" => super::regions::accept(s, a),
        super::hunk_revert::COMMAND => super::hunk_revert::execute(s, a),
        super::compare::COMMAND => super::compare::execute(s, a),
        super::untracked::COMMAND => super::untracked::execute(s, i, a),
        super::update_edit::COMMAND => match super::update_edit::execute(s, i, a)? {
            Some(reply) => Ok(reply),
            // Files added or removed: no buffer edit can say it, so the sync writes it (in a
            // folder kept in memory, with its state on disk first, as every writing command).
            None => refuse_unsaved(s, i, "skillmeat.sync", a).and_then(|_| {
                s.persist(i);
                sync(s, i, a, cancel, progress)
            }),
        },
        "skillmeat.checkUpstream" => check_upstream(s, i, a),
        "skillmeat.log" => super::trail::log(ws_mut(s, i)?, a),
        other => Err(to_proto::method_not_found(format!(
            "unknown command `{other}`; the server knows {}",
            COMMANDS.join(", ")
        ))),
    };
    if !reads_only(command) {
        // Whatever a command changed on disk shows up in diagnostics at once.
        s.refresh_folder(i);
    }
    reply
}

/// Commands that change nothing on disk (the others refresh the folder's diagnostics after).
fn reads_only(command: &str) -> bool {
    [
        "skillmeat.status",
        "skillmeat.history",
        "skillmeat.diff",
        "skillmeat.acceptConflict",
        "skillmeat.log",
        "skillmeat.checkUpstream",
        super::update_edit::COMMAND,
        super::hunk_revert::COMMAND,
        super::compare::COMMAND,
    ]
    .contains(&command)
}

/// Commands that write the project copy refuse while an editor buffer of it holds unsaved
/// changes: the write would replace the file under the buffer, and saving the buffer afterwards
/// would silently undo it (or lose the typing).
fn refuse_unsaved(s: &State, i: FolderId, command: &str, a: &Args) -> Result<(), RequestError> {
    let writes_project = match command {
        "skillmeat.sync" => {
            !a.bool("dryRun")?.unwrap_or(false)
                && a.parsed::<Direction>("direction")?
                    .unwrap_or(Direction::CollectionToProject)
                    == Direction::CollectionToProject
        }
        "skillmeat.resolve" => a.str("choice")?.is_some(),
        "skillmeat.rollback" | "skillmeat.deploy" => true,
        _ => false,
    };
    let Some(ws) = s.folders.get(&i).and_then(|f| f.ws.as_ref()) else {
        return Ok(());
    };
    if !writes_project {
        return Ok(());
    }
    let only = match a.str("artifact")? {
        Some(q) => match ws.resolve_id(q) {
            Ok(id) => Some(id),
            // The command itself reports an unknown artifact.
            Err(_) => return Ok(()),
        },
        None => None,
    };
    let mut dirty: Vec<String> = s
        .docs
        .values()
        .filter(|d| {
            // A copy under a root linked since the folder opened is not read here: the
            // command itself refuses it, naming the link.
            ws.locate(&d.path).is_some_and(|l| {
                l.tier == skillmeat_core::workspace::Tier::Project
                    && only.as_ref().is_none_or(|id| *id == l.id)
                    && ws.project_path(&l.id).is_ok()
            })
        })
        .filter(|d| std::fs::read(&d.path).ok().as_deref() != Some(d.text.as_bytes()))
        .map(|d| {
            d.path
                .strip_prefix(&s.folders[&i].root)
                .unwrap_or(&d.path)
                .display()
                .to_string()
        })
        .collect();
    if dirty.is_empty() {
        return Ok(());
    }
    dirty.sort();
    Err(to_proto::request_failed(
        format!(
            "{} {} unsaved changes in the editor; save or undo them first, then run {command} again (it writes the project copy and would replace the file under the buffer). Nothing was changed.",
            dirty.join(", "),
            if dirty.len() == 1 { "has" } else { "have" }
        ),
        Some(json!({ "kind": "unsaved", "files": dirty })),
    ))
}

fn sync(
    s: &mut State,
    i: FolderId,
    a: &Args,
    cancel: &AtomicBool,
    progress: &(dyn Fn(usize, usize, &ArtifactId) + Sync),
) -> Reply {
    let direction: Direction = a
        .parsed("direction")?
        .unwrap_or(Direction::CollectionToProject);
    let strategy: Strategy = a.parsed("strategy")?.unwrap_or(Strategy::Auto);
    let dry_run = a.bool("dryRun")?.unwrap_or(false);
    let all = a.bool("all")?.unwrap_or(false);
    let ws = ws_mut(s, i)?;
    let artifact = a.str("artifact")?;
    match (artifact, all) {
        (Some(_), true) => return Err(invalid("give `artifact` or `all: true`, not both")),
        (None, false) => return Err(invalid("`artifact` is required (or `all: true`)")),
        _ => {}
    }
    // The CLI's plan: kept and orphaned deployments left out of `all`, and reported.
    let sel = ws
        .sync_selection(artifact.as_slice(), all, direction)
        .map_err(|e| failed(&e))?;
    let ids = &sel.ids;
    let report = |done: usize, total: usize, id: &ArtifactId, _: &Result<SyncOutcome, Error>| {
        progress(done, total, id)
    };
    let results = ws.sync_many(
        ids,
        Bulk {
            direction,
            strategy,
            apply: !dry_run,
            parallelism: 4,
        },
        &report,
        cancel,
    );
    if let (false, [(_, Err(e))]) = (all, results.as_slice()) {
        return Err(failed(e));
    }
    let mut summary = Summary::default();
    for (_, r) in &results {
        summary.add(r);
    }
    summary.skipped += sel.skipped();
    Ok(json::bulk_sync(
        !dry_run,
        &results,
        &sel.kept,
        &sel.orphaned,
        &summary,
    ))
}

fn check_upstream(s: &mut State, i: FolderId, a: &Args) -> Reply {
    let queries: Vec<String> = a
        .str("artifact")?
        .map(|q| vec![q.to_string()])
        .unwrap_or_default();
    let ws = ws_mut(s, i)?;
    let results = ws.check_upstream(&queries).map_err(|e| failed(&e))?;
    let value = json::check_upstream(ws, &results);
    s.record_upstream(i, &results, queries.is_empty());
    Ok(value)
}
