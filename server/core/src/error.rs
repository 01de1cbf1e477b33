//! The core's one error type: every failure names what it was about and what to do next.

use std::path::{Path, PathBuf};

/// Broad classes of failure; the CLI maps them to exit codes (docs/design.md §9), the server to LSP errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad input from the caller: malformed id or name, bad option.
    Invalid,
    /// A file we read is malformed or unsafe (TOML, database, symlink, size); nothing was changed.
    Malformed,
    /// The named artifact, revision, collection or file does not exist.
    NotFound,
    /// Conflicts were left for a person to resolve.
    Conflict,
    /// Another process holds the lock, or the OS refused access.
    Locked,
    /// Anything else that went wrong (I/O, database).
    Failed,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{msg}")]
    Invalid { msg: String },
    #[error("{msg}")]
    Malformed { msg: String },
    #[error("{msg}")]
    NotFound { msg: String },
    #[error("{msg}")]
    Conflict { msg: String },
    #[error("{msg}")]
    Locked { msg: String },
    #[error("{}: {source}{}", path.display(), hint_suffix(source))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("lineage database {}: {}", path.display(), db_message(source))]
    Db {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{msg}")]
    Other { msg: String },
    /// An error with what we were doing put in front; keeps the inner error's kind.
    #[error("{prefix}: {source}")]
    Context {
        prefix: String,
        #[source]
        source: Box<Error>,
    },
}

fn hint_suffix(e: &std::io::Error) -> &'static str {
    // ENOSPC, EDQUOT: writes go to a temporary name first and are undone on failure.
    if matches!(e.raw_os_error(), Some(28 | 122)) {
        return " (the disk or your quota is full; the write was not made — free some space and run the command again)";
    }
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => " (check the file's permissions)",
        std::io::ErrorKind::NotFound => " (the path does not exist)",
        _ => "",
    }
}

/// What a database failure means to a person: the common ones in words and with what to do,
/// never SQLite's bare code.
fn db_message(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::DiskFull) => "the disk is full; nothing was recorded — free some space and run the command again".into(),
        Some(C::DatabaseBusy | C::DatabaseLocked) => "another skillmeat-lsp kept it busy for too long; nothing was recorded — run the command again".into(),
        Some(C::SystemIoFailure) => format!("reading or writing it failed ({e}); the disk may be full or failing — nothing was recorded"),
        Some(C::ReadOnly | C::CannotOpen | C::PermissionDenied) => format!("it cannot be written ({e}); check the permissions of the .skillmeat folder"),
        Some(C::DatabaseCorrupt | C::NotADatabase) => format!("it is damaged ({e}); restore it from a backup or move it away to start a fresh lineage"),
        _ => e.to_string(),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid { msg: msg.into() }
    }
    pub fn malformed(msg: impl Into<String>) -> Self {
        Error::Malformed { msg: msg.into() }
    }
    pub fn not_found(msg: impl Into<String>) -> Self {
        Error::NotFound { msg: msg.into() }
    }
    pub fn conflict(msg: impl Into<String>) -> Self {
        Error::Conflict { msg: msg.into() }
    }
    pub fn locked(msg: impl Into<String>) -> Self {
        Error::Locked { msg: msg.into() }
    }
    pub fn other(msg: impl Into<String>) -> Self {
        Error::Other { msg: msg.into() }
    }
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }
    pub fn db(path: impl AsRef<Path>, source: rusqlite::Error) -> Self {
        Error::Db {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// Puts what we were doing in front of the message, keeping the kind (and so the exit code).
    pub fn context(self, prefix: impl Into<String>) -> Self {
        Error::Context {
            prefix: prefix.into(),
            source: Box::new(self),
        }
    }

    /// Whether this is SQLite's "busy" or "locked" (another connection holds the database).
    pub fn is_db_busy(&self) -> bool {
        match self {
            Error::Context { source, .. } => source.is_db_busy(),
            Error::Db { source, .. } => matches!(
                source.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ),
            _ => false,
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Context { source, .. } => source.kind(),
            Error::Invalid { .. } => ErrorKind::Invalid,
            Error::Malformed { .. } => ErrorKind::Malformed,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Conflict { .. } => ErrorKind::Conflict,
            Error::Locked { .. } => ErrorKind::Locked,
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::PermissionDenied => {
                ErrorKind::Locked
            }
            Error::Db { source, .. }
                if matches!(
                    source.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) =>
            {
                ErrorKind::Locked
            }
            Error::Io { .. } | Error::Db { .. } | Error::Other { .. } => ErrorKind::Failed,
        }
    }
}

/// Adds the path to an `io::Result`, so no I/O error reaches a person without saying where.
pub trait IoContext<T> {
    fn at(self, path: impl AsRef<Path>) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, path: impl AsRef<Path>) -> Result<T> {
        self.map_err(|e| Error::io(path, e))
    }
}
