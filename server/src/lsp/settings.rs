//! Server settings (docs/design.md §8), from `initializationOptions`, `workspace/configuration` and
//! `workspace/didChangeConfiguration`, flat or under a `skillmeat` section.

use serde_json::Value;

/// Every setting's name, as clients spell it; the VS Code manifest is checked against this list.
pub const NAMES: &[&str] = &[
    "collectionPath",
    "hunkDiagnostics",
    "confirmDestructive",
    "upstreamCheckInterval",
    "skillmeatCompat",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The collection folder; unset: SkillMeat's resolution order (docs/design.md §2).
    pub collection_path: Option<String>,
    /// One Hint per changed hunk against the deployed version.
    pub hunk_diagnostics: bool,
    /// Ask before overwrite and rollback.
    pub confirm_destructive: bool,
    /// Minutes between upstream checks; 0 turns them off.
    pub upstream_check_interval: u64,
    /// Create `.claude/.skillmeat-deployed.toml` when missing.
    pub skillmeat_compat: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            collection_path: None,
            hunk_diagnostics: true,
            confirm_destructive: true,
            upstream_check_interval: 0,
            skillmeat_compat: false,
        }
    }
}

impl Settings {
    /// Reads settings from a client's JSON; unknown keys are ignored, a wrongly typed value
    /// leaves the setting as it was and is reported.
    pub fn merged(&self, v: &Value) -> (Settings, Vec<String>) {
        let v = v.get("skillmeat").unwrap_or(v);
        let mut out = self.clone();
        let mut problems = Vec::new();
        let Some(obj) = v.as_object() else {
            return (out, problems);
        };
        for (k, val) in obj {
            let ok = match k.as_str() {
                "collectionPath" => match val {
                    Value::Null => {
                        out.collection_path = None;
                        true
                    }
                    Value::String(s) if s.is_empty() => {
                        out.collection_path = None;
                        true
                    }
                    Value::String(s) => {
                        out.collection_path = Some(s.clone());
                        true
                    }
                    _ => false,
                },
                "hunkDiagnostics" => val.as_bool().map(|b| out.hunk_diagnostics = b).is_some(),
                "confirmDestructive" => {
                    val.as_bool().map(|b| out.confirm_destructive = b).is_some()
                }
                "upstreamCheckInterval" => val
                    .as_u64()
                    .map(|n| out.upstream_check_interval = n)
                    .is_some(),
                "skillmeatCompat" => val.as_bool().map(|b| out.skillmeat_compat = b).is_some(),
                _ => true,
            };
            if !ok {
                problems.push(format!(
                    "setting `{k}` has the wrong type ({val}); kept the previous value"
                ));
            }
        }
        (out, problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_merge_flat_or_sectioned_and_report_wrong_types() {
        let (s, p) = Settings::default()
            .merged(&json!({"skillmeat": {"hunkDiagnostics": false, "collectionPath": "/c"}}));
        assert!(!s.hunk_diagnostics);
        assert_eq!(s.collection_path.as_deref(), Some("/c"));
        assert!(p.is_empty());
        let (s2, p) = s.merged(&json!({"confirmDestructive": "yes"}));
        assert!(s2.confirm_destructive);
        assert!(p[0].contains("confirmDestructive"));
    }
}
