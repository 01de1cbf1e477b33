//! The shapes of `import`, `verify` and of a failed command.

use serde::Serialize;
use serde_json::Value;
use skillmeat_core::store::VerifyReport;
use skillmeat_core::workspace::ImportReport;
use skillmeat_core::Error;

use super::{to_value, v, V};

/// The `import --json` shape.
#[derive(Debug, Serialize)]
pub struct Import<'a> {
    pub imported: Vec<Imported>,
    pub unchanged: usize,
    pub skipped: &'a [String],
    pub notes: &'a [String],
}

#[derive(Debug, Serialize)]
pub struct Imported {
    pub id: String,
    pub content_stored: bool,
}

pub fn import(r: &ImportReport, notes: &[String]) -> Value {
    to_value(Import {
        imported: r
            .imported
            .iter()
            .map(|(id, c)| Imported {
                id: id.to_string(),
                content_stored: *c,
            })
            .collect(),
        unchanged: r.unchanged,
        skipped: &r.skipped,
        notes,
    })
}

/// The `verify --json` shape.
#[derive(Debug, Serialize)]
pub struct Verify<'a> {
    pub ok: bool,
    pub checked: Checked,
    pub problems: Vec<VerifyProblem<'a>>,
}

#[derive(Debug, Serialize)]
pub struct Checked {
    pub artifacts: usize,
    pub versions: usize,
    pub blobs: usize,
}

#[derive(Debug, Serialize)]
pub struct VerifyProblem<'a> {
    pub kind: &'static str,
    pub artifact: Option<&'a str>,
    pub version: Option<V>,
    pub file: Option<&'a str>,
    pub message: &'a str,
}

pub fn verify(r: &VerifyReport) -> Value {
    to_value(Verify {
        ok: r.is_clean(),
        checked: Checked {
            artifacts: r.artifacts,
            versions: r.versions,
            blobs: r.blobs,
        },
        problems: r
            .problems
            .iter()
            .map(|p| VerifyProblem {
                kind: p.kind.as_str(),
                artifact: p.artifact.as_deref(),
                version: v(p.version),
                file: p.file.as_deref(),
                message: &p.message,
            })
            .collect(),
    })
}

/// What `--json` prints when a command fails.
#[derive(Debug, Serialize)]
pub struct Failure {
    pub error: FailureDetail,
}

#[derive(Debug, Serialize)]
pub struct FailureDetail {
    pub code: i32,
    pub kind: String,
    pub message: String,
}

pub fn failure(e: &Error, code: i32) -> Value {
    to_value(Failure {
        error: FailureDetail {
            code,
            kind: format!("{:?}", e.kind()).to_lowercase(),
            message: e.to_string(),
        },
    })
}
