//! Settings: `workspace/didChangeConfiguration` (settings sent whole, or a nudge to pull them)
//! and the pulled `workspace/configuration`.

use lsp_server::ResponseError;
use lsp_types::*;
use serde_json::Value;

use super::initialized;
use crate::lsp::client::Level;
use crate::lsp::owner::Owner;
use crate::lsp::pending::Pending;
use crate::lsp::state::State;

pub fn did_change(o: &mut Owner, p: DidChangeConfigurationParams) {
    let v = p.settings;
    if !v.is_null() && v.as_object().is_some_and(|o| !o.is_empty()) {
        apply(&mut o.state, &v);
    } else {
        pull(o, false);
    }
}

/// Asks the client for the `skillmeat` section, when it can answer; at start-up the scan follows.
pub fn pull(o: &mut Owner, startup: bool) {
    if !o.state.caps.configuration {
        if startup {
            initialized::scan(o);
        }
        return;
    }
    let items = vec![ConfigurationItem {
        scope_uri: None,
        section: Some("skillmeat".into()),
    }];
    o.ask::<request::WorkspaceConfiguration>(
        ConfigurationParams { items },
        Pending::Configuration { startup },
    );
}

pub fn pulled(o: &mut Owner, r: Result<Value, ResponseError>, startup: bool) {
    if let Ok(Value::Array(values)) = r {
        if let Some(v) = values.into_iter().next().filter(|v| !v.is_null()) {
            apply(&mut o.state, &v);
        }
    }
    if startup {
        initialized::scan(o);
    }
}

fn apply(s: &mut State, v: &Value) {
    let (new, problems) = s.settings.merged(v);
    for p in problems {
        s.show(Level::Warning, format!("skillmeat: {p}"));
    }
    s.set_settings(new);
}
