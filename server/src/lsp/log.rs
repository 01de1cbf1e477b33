//! Where the server's log lines go. Clients tag whatever a server writes to stderr as an error
//! (Neovim's `:LspLog` shows every stderr line as `ERROR`), so while a client is connected every
//! line goes to it as `window/logMessage` with the type its level means (error → `Error`, warn →
//! `Warning`, info → `Info`, debug and trace → `Log`), and stderr gets only the errors said
//! before a client is connected. `SKILLMEAT_LOG` (`error`, `warn`, `info`, `debug`, `trace`;
//! default `info`) is how much reaches the client; set, it also writes that much to stderr,
//! with the timings of commands and scans, for debugging.

use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use tracing::field::{Field, Visit};
use tracing::{Event, Level as TracingLevel, Subscriber};
use tracing_subscriber::filter::{filter_fn, LevelFilter};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

use super::client::{Client, Level};

/// The client the log lines go to, once it is connected.
#[derive(Debug, Clone, Default)]
pub struct Sink(Arc<OnceLock<Client>>);

impl Sink {
    /// From now on log lines go to `client`.
    pub fn connect(&self, client: Client) {
        let _ = self.0.set(client);
    }

    fn client(&self) -> Option<&Client> {
        self.0.get()
    }
}

/// The level `SKILLMEAT_LOG` names, if it is set to one (empty is unset).
fn level_from_env() -> Option<LevelFilter> {
    std::env::var("SKILLMEAT_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| v.trim().parse().ok())
}

/// The `window/logMessage` type of a log line's level.
fn message_level(l: &TracingLevel) -> Level {
    match *l {
        TracingLevel::ERROR => Level::Error,
        TracingLevel::WARN => Level::Warning,
        TracingLevel::INFO => Level::Info,
        _ => Level::Log,
    }
}

/// Installs the log: stderr as the module says, and the client once [`Sink::connect`]ed.
pub fn init() -> Sink {
    let sink = Sink::default();
    let explicit = level_from_env();
    let unconnected = sink.clone();
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        // Every span (a command, a scan) logs its duration on close.
        .with_span_events(FmtSpan::CLOSE)
        .with_filter(filter_fn(move |m| match explicit {
            Some(l) => *m.level() <= l,
            None => *m.level() == TracingLevel::ERROR && unconnected.client().is_none(),
        }));
    let to_client =
        ToClient { sink: sink.clone() }.with_filter(explicit.unwrap_or(LevelFilter::INFO));
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(to_client)
        .try_init();
    sink
}

/// Sends each event to the client as `window/logMessage`.
struct ToClient {
    sink: Sink,
}

impl<S: Subscriber> Layer<S> for ToClient {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let meta = event.metadata();
        // What the client itself reports (a message it could not send) is not sent through it.
        if meta
            .module_path()
            .is_some_and(|m| m.ends_with("lsp::client"))
        {
            return;
        }
        let Some(client) = self.sink.client() else {
            return;
        };
        let mut line = Line::default();
        event.record(&mut line);
        client.log(
            message_level(meta.level()),
            format!("skillmeat: {}", line.0),
        );
    }
}

/// An event as one line: its message, then its other fields as `key=value`.
#[derive(Default)]
struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let fields = std::mem::take(&mut self.0);
            let _ = write!(self.0, "{value:?}{fields}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.record_debug(field, &format_args!("{value}"));
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }
}
