//! `skillmeat-lsp merge-file`: git's `merge-file` on our merge engine (DESIGN §7).
//!
//! Same arguments, output and exit status as `git merge-file`, so scripts can swap one for the
//! other and anyone can check our merge against git's. Two differences, both on purpose: binary
//! and non-UTF-8 inputs are refused (DESIGN §6 never merges those line-wise), and markers are
//! lengthened when an input already has marker-like lines unless `--marker-size` is given.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use skillmeat_core::merge::{
    check_mergeable, merge_text, ConflictStyle, Favor, Labels, MarkerLen, MergeOptions,
    DEFAULT_SIZE_CAP,
};

/// Three-way merge of one file, like `git merge-file`.
#[derive(Debug, Clone, clap::Args)]
#[command(group = clap::ArgGroup::new("style").args(["diff3", "zdiff3"]))]
#[command(group = clap::ArgGroup::new("favor").args(["ours", "theirs", "union"]))]
pub struct MergeFileArgs {
    /// Write the result to standard output instead of overwriting OURS.
    #[arg(short = 'p', long = "stdout")]
    pub stdout: bool,
    /// Show the base version in conflicts (a `||||||| base` section).
    #[arg(long)]
    pub diff3: bool,
    /// Like --diff3, with lines common to both sides moved out of the conflicts.
    #[arg(long)]
    pub zdiff3: bool,
    /// Resolve conflicts to our side instead of writing markers.
    #[arg(long)]
    pub ours: bool,
    /// Resolve conflicts to their side instead of writing markers.
    #[arg(long)]
    pub theirs: bool,
    /// Resolve conflicts to both sides, ours first, instead of writing markers.
    #[arg(long)]
    pub union: bool,
    /// Marker length [default: 7, longer if an input already has marker-like lines].
    #[arg(long, value_name = "N")]
    pub marker_size: Option<usize>,
    /// Labels for OURS, BASE and THEIRS, in that order [default: the file names].
    #[arg(short = 'L', value_name = "LABEL", action = clap::ArgAction::Append)]
    pub labels: Vec<String>,
    /// Accepted for compatibility with git; nothing is printed about conflicts anyway.
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Our version; receives the result unless -p is given.
    #[arg(value_name = "OURS")]
    pub ours_file: PathBuf,
    /// The common ancestor.
    #[arg(value_name = "BASE")]
    pub base_file: PathBuf,
    /// Their version.
    #[arg(value_name = "THEIRS")]
    pub theirs_file: PathBuf,
}

impl MergeFileArgs {
    fn options(&self) -> Result<MergeOptions> {
        if self.labels.len() > 3 {
            bail!("too many labels: -L takes the names of OURS, BASE and THEIRS, at most three");
        }
        // Unlabelled sides are named by the paths as given, as git does.
        let name = |i: usize, p: &Path| {
            self.labels
                .get(i)
                .cloned()
                .unwrap_or_else(|| p.display().to_string())
        };
        Ok(MergeOptions {
            style: if self.zdiff3 {
                ConflictStyle::ZealousDiff3
            } else if self.diff3 {
                ConflictStyle::Diff3
            } else {
                ConflictStyle::Merge
            },
            favor: if self.ours {
                Favor::Ours
            } else if self.theirs {
                Favor::Theirs
            } else if self.union {
                Favor::Union
            } else {
                Favor::Markers
            },
            marker_len: self.marker_size.map_or(MarkerLen::Auto, MarkerLen::Exact),
            labels: Labels::new(
                name(0, &self.ours_file),
                name(1, &self.base_file),
                name(2, &self.theirs_file),
            ),
            size_cap: DEFAULT_SIZE_CAP,
        })
    }
}

fn read_input(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if let Err(reason) = check_mergeable(&bytes, DEFAULT_SIZE_CAP) {
        bail!(
            "cannot merge {}: {reason}; it needs manual resolution",
            path.display()
        );
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
        anyhow::Error::new(e).context(format!("cannot write the result to {}", path.display()))
    })
}

/// Runs the merge; returns the exit status: the number of conflicts, capped at 127 (git's rule).
pub fn run(args: &MergeFileArgs) -> Result<i32> {
    let opts = args.options()?;
    // Reading and checking tens of megabytes is a good part of a big merge's time: read the
    // three files at once.
    let (ours, base, theirs) = std::thread::scope(|s| {
        let o = s.spawn(|| read_input(&args.ours_file));
        let t = s.spawn(|| read_input(&args.theirs_file));
        let base = read_input(&args.base_file);
        // Reading has no panic path; should a thread die anyway, read again here.
        let ours = o.join().unwrap_or_else(|_| read_input(&args.ours_file));
        let theirs = t.join().unwrap_or_else(|_| read_input(&args.theirs_file));
        (ours, base, theirs)
    });
    let (ours, base, theirs) = (ours?, base?, theirs?);
    let result = merge_text(&base, &ours, &theirs, &opts);
    if args.stdout {
        let mut out = std::io::stdout().lock();
        out.write_all(&result.text)
            .and_then(|()| out.flush())
            .context("cannot write the result to standard output")?;
    } else {
        replace_file(&args.ours_file, &result.text)?;
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
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: MergeFileArgs,
    }

    fn parse(args: &[&str]) -> Result<MergeFileArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("merge-file").chain(args.iter().copied()))
            .map(|c| c.args)
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
        let opts = a.options()?;
        assert_eq!(opts.style, ConflictStyle::Diff3);
        assert_eq!(opts.favor, Favor::Theirs);
        assert_eq!(opts.labels, Labels::new("p", "q", "r"));
        let a = parse(&["-L", "p", "--marker-size", "9", "o", "b", "t"])?;
        let opts = a.options()?;
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
    fn usage_errors_are_rejected() {
        assert!(parse(&["--ours", "--theirs", "o", "b", "t"]).is_err());
        assert!(parse(&["--diff3", "--zdiff3", "o", "b", "t"]).is_err());
        assert!(parse(&["o", "b"]).is_err());
        let four = parse(&["-L", "1", "-L", "2", "-L", "3", "-L", "4", "o", "b", "t"]);
        assert!(four
            .map_err(anyhow::Error::from)
            .and_then(|a| a.options())
            .is_err());
    }

    #[test]
    fn binary_and_missing_inputs_fail_naming_the_file_and_leave_ours_alone() -> Result<()> {
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
        Ok(())
    }
}
