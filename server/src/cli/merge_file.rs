//! `skillmeat-lsp merge-file`: git's `merge-file` on our merge engine (docs/design.md §7).
//!
//! Same arguments, output and exit status as `git merge-file`, so scripts can swap one for the
//! other and anyone can check our merge against git's. Two differences, both on purpose: binary
//! and non-UTF-8 inputs are refused (docs/design.md §6 never merges those line-wise), and markers are
//! lengthened when an input already has marker-like lines unless `--marker-size` is given.

mod options;

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::Path;

use skillmeat_core::merge::{
    check_mergeable, merge_text, Labels, MarkerLen, MergeOptions, DEFAULT_SIZE_CAP,
};

use options::{Options, Stop, USAGE};

/// Errors are said once, on stderr, before exit 255: a message is all they need to carry.
type Result<T> = std::result::Result<T, String>;

/// git's exit status for a usage error or `-h`.
const USAGE_EXIT: i32 = 129;
/// git's exit status for an input it cannot merge (unreadable, binary) or a failed write: -1.
const ERROR_EXIT: i32 = 255;

/// Three-way merge of one file, like `git merge-file`: its options, read as git reads them
/// (`skillmeat-lsp merge-file -h` lists them).
#[derive(Debug, Clone, clap::Args)]
pub struct MergeFileArgs {
    /// [-p] [--diff3|--zdiff3] [--ours|--theirs|--union] [--marker-size N] [-q] [-L NAME]...
    /// OURS BASE THEIRS
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        num_args = 0..,
        value_name = "ARGS"
    )]
    pub args: Vec<OsString>,
}

impl Options {
    fn merge_options(&self) -> MergeOptions {
        // Unlabelled sides are named by the paths as given, as git does.
        let name = |i: usize| {
            self.labels
                .get(i)
                .cloned()
                .unwrap_or_else(|| self.files[i].display().to_string())
        };
        MergeOptions {
            style: self.style,
            favor: self.favor,
            marker_len: self.marker_size.map_or(MarkerLen::Auto, MarkerLen::Exact),
            labels: Labels::new(name(0), name(1), name(2)),
            size_cap: DEFAULT_SIZE_CAP,
        }
    }
}

fn read_input(path: &Path) -> Result<Vec<u8>> {
    // One byte past the cap is enough to refuse: an endless input (`/dev/zero`, a pipe that
    // never closes) or a file of gigabytes is never read whole.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(DEFAULT_SIZE_CAP as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() > DEFAULT_SIZE_CAP {
        return Err(format!(
            "cannot merge {}: it is over the {} MiB size cap; it needs manual resolution",
            path.display(),
            DEFAULT_SIZE_CAP / (1024 * 1024)
        ));
    }
    if let Err(reason) = check_mergeable(&bytes, DEFAULT_SIZE_CAP) {
        return Err(format!(
            "cannot merge {}: {reason}; it needs manual resolution",
            path.display()
        ));
    }
    Ok(bytes)
}

/// Replaces `path`'s content by writing a sibling file and renaming it over, so an interrupted
/// write never leaves OURS half-written (git writes in place). A symlinked OURS is written
/// through, as git does; permissions are kept; a hard link to OURS keeps the old content.
fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "merge".into());
    let tmp = dir.join(format!(".{name}.merge-file-{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if let Ok(meta) = std::fs::metadata(&target) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, &target)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write the result to {}: {e}", path.display())
    })
}

/// Runs `merge-file` with its arguments; returns git's exit status: the number of conflicts
/// (at most 127), 255 for an input that cannot be merged or a result that cannot be written,
/// 129 for a usage error or `-h`.
pub fn main(args: &[OsString]) -> i32 {
    let opts = match Options::parse(args) {
        Ok(o) => o,
        Err(Stop::Help) => {
            print!("{USAGE}");
            return USAGE_EXIT;
        }
        Err(Stop::Ambiguous(why)) => {
            eprintln!("error: {why}");
            print!("{USAGE}");
            return USAGE_EXIT;
        }
        Err(Stop::Usage(why)) => {
            if !why.is_empty() {
                eprintln!("error: {why}");
            }
            eprint!("{USAGE}");
            return USAGE_EXIT;
        }
    };
    match run(&opts) {
        Ok(code) => code,
        Err(e) => {
            // git's `-q` sends stderr to /dev/null, errors included.
            if !opts.quiet {
                eprintln!("error: {e}");
            }
            ERROR_EXIT
        }
    }
}

/// Runs the merge; returns the exit status: the number of conflicts, capped at 127 (git's rule).
fn run(args: &Options) -> Result<i32> {
    let opts = args.merge_options();
    let [ours_file, base_file, theirs_file] = [0, 1, 2].map(|i| args.files[i].as_path());
    // Reading and checking tens of megabytes is a good part of a big merge's time: read the
    // three files at once.
    let (ours, base, theirs) = std::thread::scope(|s| {
        let o = s.spawn(|| read_input(ours_file));
        let t = s.spawn(|| read_input(theirs_file));
        let base = read_input(base_file);
        // Reading has no panic path; should a thread die anyway, read again here.
        let ours = o.join().unwrap_or_else(|_| read_input(ours_file));
        let theirs = t.join().unwrap_or_else(|_| read_input(theirs_file));
        (ours, base, theirs)
    });
    let (ours, base, theirs) = (ours?, base?, theirs?);
    let result = merge_text(&base, &ours, &theirs, &opts);
    if args.stdout {
        let mut out = std::io::stdout().lock();
        out.write_all(&result.text)
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot write the result to standard output: {e}"))?;
    } else {
        replace_file(ours_file, &result.text)?;
    }
    let code = result.exit_code();
    // The process ends right after this command. Handing tens of megabytes back to the OS one
    // mapping at a time (each unmap also interrupting every core a merge thread ran on) costs
    // more than the exit that frees them anyway.
    std::mem::forget((ours, base, theirs, result));
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillmeat_core::merge::{ConflictStyle, Favor};

    type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

    fn parse(args: &[&str]) -> Result<Options> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        Options::parse(&args).map_err(|e| format!("{e:?}").into())
    }

    fn setup(base: &str, ours: &str, theirs: &str) -> Result<tempfile::TempDir> {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("base"), base)?;
        std::fs::write(dir.path().join("ours"), ours)?;
        std::fs::write(dir.path().join("theirs"), theirs)?;
        Ok(dir)
    }

    fn paths(dir: &Path) -> [String; 3] {
        ["ours", "base", "theirs"].map(|n| dir.join(n).display().to_string())
    }

    #[test]
    fn conflicts_are_written_into_ours_with_file_names_as_labels_and_counted() -> Result<()> {
        let dir = setup("a\nb\nc\n", "a\nX\nc\n", "a\nY\nc\n")?;
        let [o, b, t] = paths(dir.path());
        let code = run(&parse(&[&o, &b, &t])?)?;
        assert_eq!(code, 1);
        let got = std::fs::read_to_string(&o)?;
        assert_eq!(
            got,
            format!("a\n<<<<<<< {o}\nX\n=======\nY\n>>>>>>> {t}\nc\n")
        );
        Ok(())
    }

    #[test]
    fn labels_style_and_favor_flags_reach_the_merge() -> Result<()> {
        let a = parse(&[
            "--diff3", "--theirs", "-L", "p", "-L", "q", "-L", "r", "o", "b", "t",
        ])?;
        let opts = a.merge_options();
        assert_eq!(opts.style, ConflictStyle::Diff3);
        assert_eq!(opts.favor, Favor::Theirs);
        assert_eq!(opts.labels, Labels::new("p", "q", "r"));
        let a = parse(&["-L", "p", "--marker-size", "9", "o", "b", "t"])?;
        let opts = a.merge_options();
        assert_eq!(opts.labels, Labels::new("p", "b", "t"));
        assert_eq!(opts.marker_len, MarkerLen::Exact(9));
        Ok(())
    }

    #[test]
    fn a_clean_merge_exits_zero_and_keeps_crlf() -> Result<()> {
        let dir = setup("a\r\nb\r\nc\r\n", "A\r\nb\r\nc\r\n", "a\r\nb\r\nC\r\n")?;
        let [o, b, t] = paths(dir.path());
        assert_eq!(run(&parse(&[&o, &b, &t])?)?, 0);
        assert_eq!(std::fs::read(&o)?, b"A\r\nb\r\nC\r\n");
        Ok(())
    }

    #[test]
    fn usage_errors_and_help_exit_129() {
        let code = |args: &[&str]| main(&args.iter().map(OsString::from).collect::<Vec<_>>());
        assert_eq!(code(&["o", "b"]), USAGE_EXIT);
        assert_eq!(code(&["--frobnicate", "o", "b", "t"]), USAGE_EXIT);
        assert_eq!(code(&["-h"]), USAGE_EXIT);
    }

    #[test]
    fn binary_and_missing_inputs_fail_with_255_and_leave_ours_alone() -> Result<()> {
        let dir = setup("a\n", "b\n", "c\0\n")?;
        let [o, b, t] = paths(dir.path());
        let err = run(&parse(&[&o, &b, &t])?)
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(err.contains(&t) && err.contains("binary"), "{err}");
        assert_eq!(std::fs::read(&o)?, b"b\n");
        let missing = dir.path().join("nope").display().to_string();
        let err = run(&parse(&[&o, &missing, &t])?)
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(err.contains(&missing), "{err}");
        assert_eq!(
            main(&[o.clone(), missing, t].map(OsString::from)),
            ERROR_EXIT
        );
        assert_eq!(std::fs::read(&o)?, b"b\n");
        Ok(())
    }

    #[test]
    fn an_endless_input_is_refused_after_the_size_cap_not_read_forever() -> Result<()> {
        let dir = setup("a\n", "b\n", "c\n")?;
        let [o, b, _] = paths(dir.path());
        let started = std::time::Instant::now();
        assert_eq!(
            main(&[o.clone(), b, "/dev/zero".into()].map(OsString::from)),
            ERROR_EXIT
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(std::fs::read(&o)?, b"b\n");
        Ok(())
    }
}
