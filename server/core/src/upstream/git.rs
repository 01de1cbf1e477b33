//! Running the system `git`: argument arrays (never a shell), no prompts, a timeout per call, and
//! retries with exponential backoff for failures that look transient (the network), never for
//! ones a retry cannot fix (no such repository or ref, refused credentials).

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::error::{Error, Result};

/// How long one network call (`ls-remote`, `fetch`) may take before it is killed.
pub const NETWORK_TIMEOUT: Duration = Duration::from_secs(120);
/// How long one local call (reading the cache) may take.
pub const LOCAL_TIMEOUT: Duration = Duration::from_secs(60);
/// Attempts for a network call whose failure looks transient.
const ATTEMPTS: u32 = 3;
/// The first pause between attempts; it doubles after each.
const BACKOFF: Duration = Duration::from_millis(500);

/// Variables that would point git at another repository than the one we name (they are set
/// inside git hooks, for instance), so a call never reads or writes someone else's repository.
const REPO_ENV: [&str; 8] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_COMMON_DIR",
    "GIT_CEILING_DIRECTORIES",
];

/// One finished call.
#[derive(Debug)]
pub struct Output {
    pub stdout: Vec<u8>,
    pub stderr: String,
}

/// What a failed call looked like, before it becomes an [`Error`].
#[derive(Debug)]
enum Failure {
    Exit { code: Option<i32>, stderr: String },
    Timeout(Duration),
    Spawn(std::io::Error),
}

/// A call to make: the arguments after `git`, optional stdin, and how to treat failures.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    pub args: &'a [&'a str],
    pub git_dir: Option<&'a Path>,
    pub stdin: Option<&'a [u8]>,
    pub timeout: Duration,
    /// Retry transient failures (network calls only: local ones do not heal by waiting).
    pub retry: bool,
}

impl<'a> Call<'a> {
    /// A call reading or writing the cache repository at `git_dir`.
    pub fn local(git_dir: &'a Path, args: &'a [&'a str]) -> Call<'a> {
        Call {
            args,
            git_dir: Some(git_dir),
            stdin: None,
            timeout: LOCAL_TIMEOUT,
            retry: false,
        }
    }

    /// A call that talks to a remote.
    pub fn network(git_dir: Option<&'a Path>, args: &'a [&'a str]) -> Call<'a> {
        Call {
            args,
            git_dir,
            stdin: None,
            timeout: timeout_from_env().unwrap_or(NETWORK_TIMEOUT),
            retry: true,
        }
    }
}

/// `SKILLMEAT_GIT_TIMEOUT` (seconds) overrides the network timeout, for slow links and tests.
fn timeout_from_env() -> Option<Duration> {
    std::env::var("SKILLMEAT_GIT_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
}

/// Runs `git` and returns its output, or an error naming the command and git's own words.
pub fn run(call: Call<'_>) -> Result<Output> {
    let mut attempt = 0;
    let mut pause = BACKOFF;
    loop {
        attempt += 1;
        match run_once("git", &full_args(&call), call.stdin, call.timeout) {
            Ok(out) => return Ok(out),
            Err(f) => {
                if call.retry && attempt < ATTEMPTS && is_transient(&f) {
                    std::thread::sleep(pause);
                    pause *= 2;
                    continue;
                }
                return Err(to_error(&call, f, attempt));
            }
        }
    }
}

/// Settings forced on every call, whatever any config file says, so that no git call runs a
/// program named by data: `ext::` URLs run an arbitrary command; hooks (in a cache repository,
/// whoever made it) run on fetches and ref updates; an fsmonitor is a program git starts; a pager
/// is one too. Config is otherwise read as git reads it: the system's and the user's own (their
/// credential helpers, proxies and URL rewrites keep working), plus the cache repository's, which
/// only we write — never anything from a collection.
const FORCED: [&str; 4] = [
    "protocol.ext.allow=never",
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "core.pager=cat",
];

fn full_args(call: &Call<'_>) -> Vec<String> {
    let mut v = vec!["--no-pager".to_string()];
    for f in FORCED {
        v.push("-c".to_string());
        v.push(f.to_string());
    }
    if let Some(d) = call.git_dir {
        v.push(format!("--git-dir={}", d.display()));
    }
    v.extend(call.args.iter().map(|s| s.to_string()));
    v
}

/// Runs `program` once with a deadline. The child gets its own process group so that on expiry
/// the whole group (git and its transport helpers: ssh, git-remote-https) is killed together.
fn run_once(
    program: &str,
    args: &[String],
    stdin: Option<&[u8]>,
    timeout: Duration,
) -> std::result::Result<Output, Failure> {
    let mut cmd = Command::new(program);
    // ssh must fail rather than ask for a password or a host key nobody will type; a person's
    // own ssh command (GIT_SSH_COMMAND / GIT_SSH) is left as they set it.
    if std::env::var_os("GIT_SSH_COMMAND").is_none() && std::env::var_os("GIT_SSH").is_none() {
        cmd.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
    }
    cmd.args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GCM_INTERACTIVE", "never")
        .env("LC_ALL", "C")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    for k in REPO_ENV {
        cmd.env_remove(k);
    }
    let mut child = cmd.spawn().map_err(Failure::Spawn)?;
    let pid = child.id();
    let writer = match (stdin, child.stdin.take()) {
        (Some(bytes), Some(mut pipe)) => {
            let bytes = bytes.to_vec();
            // A separate thread, so a child that writes a lot before reading all of its input
            // never deadlocks against us.
            Some(std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            }))
        }
        _ => None,
    };
    let mut out_pipe = child.stdout.take();
    let mut err_pipe = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(p) = out_pipe.as_mut() {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(p) = err_pipe.as_mut() {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    });
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    let status = match rx.recv_timeout(timeout) {
        Ok(s) => s,
        Err(_) => {
            if let Some(p) = rustix::process::Pid::from_raw(pid as i32) {
                let _ = rustix::process::kill_process_group(p, rustix::process::Signal::KILL);
            }
            let _ = rx.recv();
            let _ = out_reader.join();
            let _ = err_reader.join();
            return Err(Failure::Timeout(timeout));
        }
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    match status {
        Ok(s) if s.success() => Ok(Output { stdout, stderr }),
        Ok(s) => Err(Failure::Exit {
            code: s.code(),
            stderr,
        }),
        Err(e) => Err(Failure::Spawn(e)),
    }
}

/// Phrases of failures that will not change by waiting.
const PERMANENT: [&str; 12] = [
    "does not appear to be a git repository",
    "repository not found",
    "not found",
    "couldn't find remote ref",
    "authentication failed",
    "could not read username",
    "could not read password",
    "permission denied",
    "not our ref",
    "invalid",
    "unknown revision",
    "no such",
];

/// Phrases of failures worth another try: the network dropped, the server was busy.
const TRANSIENT: [&str; 17] = [
    "could not resolve host",
    "temporary failure in name resolution",
    "connection timed out",
    "operation timed out",
    "connection refused",
    "connection reset",
    "network is unreachable",
    "failed to connect",
    "early eof",
    "the remote end hung up",
    "rpc failed",
    "unexpected disconnect",
    "broken pipe",
    "gnutls",
    "ssl_",
    "returned error: 5",
    "http/2 stream",
];

fn is_transient(f: &Failure) -> bool {
    match f {
        Failure::Timeout(_) => true,
        Failure::Spawn(_) => false,
        Failure::Exit { stderr, .. } => transient_text(stderr),
    }
}

fn transient_text(stderr: &str) -> bool {
    let s = stderr.to_ascii_lowercase();
    !PERMANENT.iter().any(|p| s.contains(p)) && TRANSIENT.iter().any(|p| s.contains(p))
}

/// git's message without its `fatal:` / `error:` prefixes and the boilerplate about access rights.
fn git_words(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter(|l| !l.starts_with("Please make sure") && !l.starts_with("and the repository"))
        .map(|l| {
            l.strip_prefix("fatal: ")
                .or_else(|| l.strip_prefix("error: "))
                .unwrap_or(l)
        })
        .collect();
    let mut s = lines.join("; ");
    if s.len() > 600 {
        let mut cut = 600;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

fn to_error(call: &Call<'_>, f: Failure, attempts: u32) -> Error {
    let what = call.args.first().copied().unwrap_or_default();
    let tries = if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    };
    match f {
        Failure::Spawn(e) if e.kind() == std::io::ErrorKind::NotFound => Error::not_found(
            "`git` is not installed or not on PATH; upstream support runs the system git, so install it",
        ),
        Failure::Spawn(e) => Error::other(format!("could not run git {what}: {e}")),
        Failure::Timeout(t) => Error::other(format!(
            "git {what} took longer than {}s and was stopped{tries}; check the network, or raise SKILLMEAT_GIT_TIMEOUT",
            t.as_secs_f64()
        )),
        Failure::Exit { code, stderr } => {
            let words = git_words(&stderr);
            let lower = stderr.to_ascii_lowercase();
            let msg = format!(
                "git {what} failed{}{tries}: {words}",
                code.map(|c| format!(" (exit {c})")).unwrap_or_default()
            );
            if lower.contains("authentication failed")
                || lower.contains("permission denied")
                || lower.contains("could not read username")
            {
                Error::locked(format!(
                    "{msg}; git needs credentials it cannot ask for here (configure a credential helper or an SSH key)"
                ))
            } else if lower.contains("does not appear to be a git repository")
                || lower.contains("repository not found")
                || lower.contains("not found")
            {
                Error::not_found(msg)
            } else {
                Error::other(msg)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_failures_are_transient_and_missing_repositories_are_not() {
        assert!(transient_text(
            "fatal: unable to access 'https://x/': Could not resolve host: x"
        ));
        assert!(transient_text(
            "error: RPC failed; curl 56 GnuTLS recv error\nfatal: early EOF"
        ));
        assert!(!transient_text(
            "fatal: '/nope' does not appear to be a git repository\nfatal: Could not read from remote repository."
        ));
        assert!(!transient_text(
            "remote: Repository not found.\nfatal: repository 'https://github.com/a/b/' not found"
        ));
        assert!(!transient_text(
            "fatal: couldn't find remote ref refs/heads/x"
        ));
        assert!(!transient_text("fatal: something odd"));
    }

    #[test]
    fn a_call_past_its_deadline_is_killed_with_its_children() {
        let started = std::time::Instant::now();
        let r = run_once(
            "sh",
            &["-c".into(), "sleep 30 & sleep 30".into()],
            None,
            Duration::from_millis(200),
        );
        assert!(matches!(r, Err(Failure::Timeout(_))), "{r:?}");
        // The readers returned, so every holder of the pipes (the background sleep too) is gone.
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn stdin_is_fed_while_output_is_read() {
        let input = vec![b'x'; 1 << 20];
        let out = run_once("cat", &[], Some(&input), Duration::from_secs(20)).unwrap();
        assert_eq!(out.stdout.len(), input.len());
    }

    #[test]
    fn errors_drop_git_boilerplate_and_keep_its_words() {
        let call = Call::network(None, &["ls-remote", "--", "/nope"]);
        let e = to_error(
            &call,
            Failure::Exit {
                code: Some(128),
                stderr: "fatal: '/nope' does not appear to be a git repository\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n".into(),
            },
            1,
        );
        assert_eq!(e.kind(), crate::ErrorKind::NotFound);
        let m = e.to_string();
        assert!(
            m.starts_with("git ls-remote failed (exit 128): '/nope' does not appear"),
            "{m}"
        );
        assert!(!m.contains("Please make sure"), "{m}");
    }
}
