//! A command's single JSON object argument, read field by field with errors that name the field.

use serde_json::{Map, Value};
use skillmeat_core::Error;

use super::to_proto::{self, RequestError};

/// A command's single object argument, with errors that name the field.
#[derive(Debug)]
pub struct Args(Map<String, Value>);

pub fn invalid(msg: impl Into<String>) -> RequestError {
    to_proto::invalid_params(msg)
}

/// Core errors become request failures carrying the message and its kind.
pub fn failed(e: &Error) -> RequestError {
    to_proto::core_error(e)
}

impl Args {
    pub fn parse(command: &str, arguments: &[Value]) -> Result<Args, RequestError> {
        match arguments {
            [] => Ok(Args(Map::new())),
            [Value::Object(m)] => Ok(Args(m.clone())),
            _ => Err(invalid(format!("{command} takes one JSON object argument, e.g. {{\"artifact\": \"skill:pdf-tools\"}}"))),
        }
    }

    pub fn str(&self, key: &str) -> Result<Option<&str>, RequestError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(invalid(format!("`{key}` must be a string, not {other}"))),
        }
    }

    pub fn number(&self, key: &str) -> Result<Option<u64>, RequestError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| invalid(format!("`{key}` must be a whole number, not {v}"))),
        }
    }

    pub fn req(&self, key: &str) -> Result<&str, RequestError> {
        self.str(key)?
            .ok_or_else(|| invalid(format!("`{key}` is required")))
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, RequestError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(invalid(format!(
                "`{key}` must be true or false, not {other}"
            ))),
        }
    }

    pub fn parsed<T: std::str::FromStr<Err = Error>>(
        &self,
        key: &str,
    ) -> Result<Option<T>, RequestError> {
        self.str(key)?
            .map(|s| s.parse::<T>().map_err(|e| invalid(format!("`{key}`: {e}"))))
            .transpose()
    }
}
