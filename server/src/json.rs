//! The JSON shapes of results, shared by the CLI's `--json` and the language server's commands,
//! so both speak the same language (documented in docs/cli-json.md and docs/lsp-extensions.md).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};
use skillmeat_core::drift::StatusReport;
use skillmeat_core::sync::plan::Action;
use skillmeat_core::workspace::{
    AddOutcome, DeployOutcome, DiffOutcome, History, ResolveOutcome, RollbackOutcome, SyncOutcome,
    TagOutcome, UpstreamCheck, Workspace,
};
use skillmeat_core::{ArtifactId, Error};

fn v(n: u32) -> String {
    format!("v{n}")
}

pub fn status(r: &StatusReport) -> Value {
    let artifacts: Vec<Value> = r
        .artifacts
        .iter()
        .map(|a| {
            let mut v = json!({
                "id": a.shown_id(),
                "type": a.id.kind.as_str(),
                "name": a.id.name,
                "state": a.state.as_str(),
                "path": a.path,
                "hashes": { "baseline": a.baseline, "project": a.project, "collection": a.collection },
                "version": a.version.map(self::v),
            });
            if let Some(m) = a.matches_collection {
                v["matches_collection"] = json!(m);
            }
            if let Some((file, line)) = &a.unresolved {
                v["unresolved"] = json!({ "file": file, "line": line });
            }
            if let Some(e) = &a.error {
                v["error"] = json!(e);
            }
            if let Some(p) = &a.profile {
                v["profile"] = json!(p);
            }
            v
        })
        .collect();
    let summary: Map<String, Value> = r
        .summary()
        .into_iter()
        .map(|(k, n)| (k.to_string(), json!(n)))
        .collect();
    json!({
        "workspace": r.workspace,
        "collection": r.collection,
        "collection_source": r.collection_source,
        "artifacts": artifacts,
        "summary": summary,
        "warnings": r.warnings,
    })
}

pub fn sync(o: &SyncOutcome) -> Value {
    let files: Vec<Value> = o
        .plan
        .files
        .iter()
        .filter(|f| f.action != Action::Keep)
        .map(|f| {
            let mut v = json!({ "path": f.path, "action": f.action.as_str(), "result_hash": f.result_hash });
            if let Action::Conflict(c) = &f.action {
                v["conflict"] = json!(c.describe());
            }
            v
        })
        .collect();
    json!({
        "id": o.id.to_string(),
        "direction": o.direction.as_str(),
        "strategy": o.strategy.as_str(),
        "kind": o.plan.kind.as_str(),
        "applied": o.applied,
        "files": files,
        "conflicts": o.plan.conflicts,
        "hashes": {
            "base": o.plan.base_hash,
            "source": o.plan.source_hash,
            "target": o.plan.target_hash,
            "result": o.plan.result_hash,
        },
        "semver": o.plan.bump.as_str(),
        "meta_changes": o.plan.meta_changes,
        "version": o.version.map(v),
        "kept_previous": o.kept_previous.map(v),
        "forked_as": o.forked_as.as_ref().map(|f| f.to_string()),
        "warnings": o.plan.warnings,
    })
}

pub fn history(h: &History) -> Value {
    let versions: Vec<Value> = h
        .entries
        .iter()
        .map(|e| {
            json!({
                "version": v(e.number),
                "hash": e.hash,
                "origin": e.origin.as_str(),
                "created_at": e.created_at,
                "parents": e.parents.iter().map(|p| v(*p)).collect::<Vec<_>>(),
                "tag": e.tag,
                "message": e.message,
                "has_content": e.has_content,
                "baseline": e.is_baseline,
            })
        })
        .collect();
    json!({ "id": h.id.to_string(), "versions": versions })
}

pub fn deploy(done: &[DeployOutcome]) -> Value {
    let items: Vec<Value> = done
        .iter()
        .map(|d| {
            json!({
                "id": d.id.to_string(),
                "hash": d.hash,
                "version": v(d.version),
                "already_present": d.already_present,
                "kept_previous": d.kept_previous.map(v),
            })
        })
        .collect();
    json!({ "deployed": items })
}

pub fn diff(d: &DiffOutcome) -> Value {
    json!({
        "from": d.from, "to": d.to, "from_hash": d.from_hash, "to_hash": d.to_hash,
        "files": d.files.iter().map(|(p, t)| json!({"path": p, "diff": t})).collect::<Vec<_>>(),
        "meta_changes": d.meta_changes,
    })
}

pub fn rollback(r: &RollbackOutcome) -> Value {
    json!({
        "id": r.id.to_string(),
        "to": r.to,
        "version": v(r.version),
        "kept_previous": r.kept_previous.map(v),
    })
}

pub fn tag(t: &TagOutcome) -> Value {
    json!({
        "id": t.id.to_string(), "tag": t.tag, "version": v(t.version),
        "hash": t.hash, "semver": t.bump.as_str(),
        "since": t.since.as_ref().map(|(tag, n)| json!({ "tag": tag, "version": v(*n) })),
        "moved_from": t.moved_from.map(v),
    })
}

pub fn resolve(r: &ResolveOutcome) -> Value {
    json!({
        "id": r.id.to_string(),
        "rewritten": r.rewritten.iter().map(|(p, n)| json!({"path": p, "regions": n})).collect::<Vec<_>>(),
        "remaining": r.remaining.iter().map(|(p, l)| json!({"path": p, "line": l})).collect::<Vec<_>>(),
        "version": r.version.map(v),
        "kept_previous": r.kept_previous.map(v),
        "nothing_to_resolve": r.nothing_to_resolve,
    })
}

/// The `check-upstream --json` shape (docs/cli-json.md).
pub fn check_upstream(
    ws: &Workspace,
    results: &[(ArtifactId, Result<UpstreamCheck, Error>)],
) -> Value {
    let mut summary: BTreeMap<&str, usize> = BTreeMap::new();
    let artifacts: Vec<Value> = results
        .iter()
        .map(|(id, r)| match r {
            Ok(c) => {
                *summary.entry(c.state.as_str()).or_default() += 1;
                json!({
                    "id": id.to_string(),
                    "state": c.state.as_str(),
                    "upstream": {
                        "url": c.upstream.url,
                        "path": c.upstream.path,
                        "ref": c.upstream.version_spec(),
                    },
                    "resolved_sha": c.resolved_sha,
                    "current_sha": c.current_sha,
                    "hashes": { "collection": c.collection_hash, "upstream": c.upstream_hash },
                    "warnings": c.warnings,
                })
            }
            Err(e) => {
                *summary.entry("error").or_default() += 1;
                json!({ "id": id.to_string(), "state": "error", "error": e.to_string() })
            }
        })
        .collect();
    json!({
        "collection": ws.collection().root,
        "artifacts": artifacts,
        "summary": summary,
    })
}

/// The `add --json` shape.
pub fn add(o: &AddOutcome) -> Value {
    json!({
        "id": o.id.to_string(),
        "path": o.path,
        "hash": o.hash,
        "files": o.files,
        "version": format!("v{}", o.version),
        "upstream": o.upstream.as_ref().map(|u| json!({
            "url": u.upstream.url,
            "path": u.upstream.path,
            "ref": u.upstream.version_spec(),
            "resolved_sha": u.resolved_sha,
            "resolved_version": u.tag,
        })),
    })
}
