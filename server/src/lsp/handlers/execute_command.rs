//! `workspace/executeCommand` (the commands are `commands`, beside it). The steps that need the
//! client — asking before a destructive command, creating a bulk sync's progress, applying an
//! accepted region's, Update lens's or reverted hunk's edit — are `Pending` steps; the command
//! itself runs on the owner, and
//! stops between artifacts when its flag (`cancel`) is set.

use std::sync::atomic::Ordering;

use lsp_server::{RequestId, ResponseError};
use lsp_types::*;
use serde_json::{json, Value};

use super::{hunk_revert, update_edit};
use crate::lsp::args::Args;
use crate::lsp::handlers::commands;
use crate::lsp::owner::Owner;
use crate::lsp::pending::{Job, Pending};
use crate::lsp::{progress, to_proto};

pub fn run(
    o: &mut Owner,
    id: RequestId,
    p: ExecuteCommandParams,
) -> Option<Result<Option<Value>, ResponseError>> {
    let args = match Args::parse(&p.command, &p.arguments) {
        Ok(a) => a,
        Err(e) => return Some(Err(e)),
    };
    let flag = o.cancels.register(&id);
    let job = Job {
        id,
        command: p.command,
        args,
        flag,
        progress: None,
    };
    match confirmation(o, &job) {
        Err(e) => answer(o, job, Err(e)),
        Ok(Some(message)) => {
            let params = ShowMessageRequestParams {
                typ: MessageType::WARNING,
                message,
                actions: Some(vec![
                    MessageActionItem {
                        title: "Yes".into(),
                        properties: Default::default(),
                    },
                    MessageActionItem {
                        title: "No".into(),
                        properties: Default::default(),
                    },
                ]),
            };
            o.ask::<request::ShowMessageRequest>(params, Pending::Confirm(job));
        }
        Ok(None) => start(o, job),
    }
    None
}

/// The question to ask before `job`, when it is destructive, the client can ask and the setting
/// wants it.
fn confirmation(o: &Owner, job: &Job) -> Result<Option<String>, ResponseError> {
    let (command, args) = (job.command.as_str(), &job.args);
    let strategy = args.str("strategy")?.unwrap_or("auto");
    let dry = args.bool("dryRun")?.unwrap_or(false);
    let destructive = command == "skillmeat.rollback"
        || (command == "skillmeat.sync" && strategy == "overwrite" && !dry);
    if !destructive || !o.state.caps.show_message_request || !o.state.settings.confirm_destructive {
        return Ok(None);
    }
    commands::refusal_before_asking(&o.state, args)?;
    let what = args.str("artifact")?.unwrap_or("every artifact");
    Ok(Some(if command == "skillmeat.rollback" {
        format!(
            "Roll back {what} to {}? Its current content is kept as a version.",
            args.str("to")?.unwrap_or("?")
        )
    } else {
        format!("Overwrite the project copy of {what} with the collection's? Its current content is kept as a version.")
    }))
}

pub fn confirmed(o: &mut Owner, job: Job, r: Result<Value, ResponseError>) {
    let yes = r
        .ok()
        .and_then(|v| serde_json::from_value::<Option<MessageActionItem>>(v).ok())
        .flatten()
        .is_some_and(|a| a.title == "Yes");
    if yes {
        start(o, job);
    } else {
        answer(o, job, Ok(json!({ "cancelled": true })));
    }
}

/// Creates a bulk sync's progress first, when the client shows progress.
fn start(o: &mut Owner, job: Job) {
    let bulk = match job.args.bool("all") {
        Ok(all) => job.command == "skillmeat.sync" && all.unwrap_or(false),
        Err(e) => return answer(o, job, Err(e)),
    };
    match progress::create(o).filter(|_| bulk) {
        Some(token) => o.ask::<request::WorkDoneProgressCreate>(
            progress::create_params(&token),
            Pending::CommandProgress(job, token),
        ),
        None => execute(o, job),
    }
}

pub fn progress_created(
    o: &mut Owner,
    mut job: Job,
    token: String,
    r: Result<Value, ResponseError>,
) {
    if r.is_ok() {
        progress::begin(&o.client, &token, "skillmeat: syncing", true);
        o.cancels.token(token.clone(), job.flag.clone());
        job.progress = Some(token);
    }
    execute(o, job);
}

fn execute(o: &mut Owner, job: Job) {
    if job.flag.by_request.load(Ordering::SeqCst) {
        return answer(o, job, Err(to_proto::cancelled()));
    }
    let started = std::time::Instant::now();
    let client = o.client.clone();
    let token = job.progress.clone();
    let report = move |done: usize, total: usize, id: &skillmeat_core::ArtifactId| {
        if let Some(t) = &token {
            progress::report(&client, t, done, total, &id.to_string());
        }
    };
    let result = commands::execute(
        &mut o.state,
        &job.command,
        &job.args,
        &job.flag.stop,
        &report,
    );
    tracing::info!(command = %job.command, ms = started.elapsed().as_millis() as u64, ok = result.is_ok(), "command");
    if let Some(t) = &job.progress {
        progress::end(&o.client, t, "done");
    }
    let edits_buffer = job.command == "skillmeat.acceptConflict"
        || job.command == update_edit::COMMAND
        || job.command == hunk_revert::COMMAND;
    if let (Ok(r), true) = (&result, edits_buffer) {
        // The region lenses, the Update lens and a hunk's Revert change the buffer only: the
        // edit goes to the editor, which applies it as one undoable change. It goes out as the
        // JSON the command built, so an annotated edit keeps its `annotationId`.
        if r["edit"].is_object() {
            let pending = Pending::ApplyEdit(job.id.clone(), r.clone());
            o.cancels.done(&job.id, None);
            o.ask::<update_edit::ApplyEdit>(update_edit::apply_params(r), pending);
            return;
        }
    }
    answer(o, job, result);
}

pub fn edit_applied(
    o: &mut Owner,
    id: RequestId,
    mut answer: Value,
    r: Result<Value, ResponseError>,
) {
    let applied = r
        .ok()
        .and_then(|v| serde_json::from_value::<ApplyWorkspaceEditResponse>(v).ok())
        .is_some_and(|r| r.applied);
    answer["applied"] = json!(applied);
    o.respond(id, Ok(Some(answer)));
}

/// Answers the job's request (a cancelled one with "request cancelled") and forgets its flags.
fn answer(o: &mut Owner, job: Job, r: Result<Value, ResponseError>) {
    o.cancels.done(&job.id, job.progress.as_deref());
    let r = if job.flag.by_request.load(Ordering::SeqCst) {
        Err(to_proto::cancelled())
    } else {
        r
    };
    o.respond(job.id, r.map(Some));
}

/// `$/cancelRequest` for a command still waiting for the client: answered now.
pub fn cancel(o: &mut Owner, p: CancelParams) {
    let id = match p.id {
        NumberOrString::Number(n) => RequestId::from(n),
        NumberOrString::String(s) => RequestId::from(s),
    };
    let waiting = o.pending.iter().find_map(|(ours, step)| match step {
        Pending::Confirm(j) | Pending::CommandProgress(j, _) if j.id == id => Some(ours.clone()),
        Pending::ApplyEdit(theirs, _) if *theirs == id => Some(ours.clone()),
        _ => None,
    });
    match waiting.and_then(|ours| o.pending.remove(&ours)) {
        Some(Pending::Confirm(j)) | Some(Pending::CommandProgress(j, _)) => {
            answer(o, j, Err(to_proto::cancelled()))
        }
        Some(Pending::ApplyEdit(theirs, _)) => o.respond::<()>(theirs, Err(to_proto::cancelled())),
        _ => {}
    }
}
