//! `merge-file`'s command line, read the way git's parse-options reads `git merge-file`'s: long
//! options abbreviated to any unique prefix, `--no-` forms, last of `--diff3`/`--zdiff3` and of
//! `--ours`/`--theirs`/`--union` wins, options and files in any order, `--` ends options, and
//! `--marker-size` read as git 2.47 reads it (C `strtol` into an `int`; zero or less means 7).

use std::ffi::OsString;
use std::path::PathBuf;

use skillmeat_core::merge::{ConflictStyle, Favor};

/// The longest conflict marker we write. git has no limit (it would write gigabytes for
/// `--marker-size 2000000000` and many conflicts); longer markers are refused.
pub const MAX_MARKER_SIZE: i32 = 1024;

pub const USAGE: &str = "\
usage: skillmeat-lsp merge-file [<options>] [-L <name1> [-L <orig> [-L <name2>]]] <file1> <orig-file> <file2>

    -p, --[no-]stdout     send results to standard output
    --[no-]diff3          use a diff3 based merge
    --[no-]zdiff3         use a zealous diff3 based merge
    --[no-]ours           for conflicts, use our version
    --[no-]theirs         for conflicts, use their version
    --[no-]union          for conflicts, use a union version
    --diff-algorithm <algorithm>
                          myers (git's default) only; minimal, patience and histogram
                          are refused
    --[no-]marker-size <n>
                          for conflicts, use this marker size (at most 1024)
    -q, --[no-]quiet      do not warn about conflicts
    -L <name>             set labels for file1/orig-file/file2
";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Options {
    pub stdout: bool,
    pub style: ConflictStyle,
    pub favor: Favor,
    /// `None`: not given (or `--no-marker-size`), so markers may be lengthened (docs/design.md §7).
    pub marker_size: Option<usize>,
    pub labels: Vec<String>,
    pub quiet: bool,
    pub files: Vec<PathBuf>,
}

/// Why the command line was not run: usage to print, on stdout for `-h`, else after an error.
#[derive(Debug, PartialEq)]
pub enum Stop {
    Help,
    Usage(String),
    /// An ambiguous abbreviation: git prints the error, then the usage on stdout.
    Ambiguous(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Opt {
    Stdout,
    ObjectId,
    Style(ConflictStyle),
    Favor(Favor),
    DiffAlgorithm,
    MarkerSize,
    Quiet,
}

const LONG: &[(&str, Opt)] = &[
    ("stdout", Opt::Stdout),
    ("object-id", Opt::ObjectId),
    ("diff3", Opt::Style(ConflictStyle::Diff3)),
    ("zdiff3", Opt::Style(ConflictStyle::ZealousDiff3)),
    ("ours", Opt::Favor(Favor::Ours)),
    ("theirs", Opt::Favor(Favor::Theirs)),
    ("union", Opt::Favor(Favor::Union)),
    ("diff-algorithm", Opt::DiffAlgorithm),
    ("marker-size", Opt::MarkerSize),
    ("quiet", Opt::Quiet),
];

fn takes_value(o: Opt) -> bool {
    matches!(o, Opt::DiffAlgorithm | Opt::MarkerSize)
}

/// C's `strtol(s, &end, 10)` stored into an `int`, failing unless `end` is the end of `s`.
fn strtol_int(s: &str) -> Option<i32> {
    let t = s.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // strtol saturates at the bounds of `long` (64 bits here); the `int` keeps the low 32 bits.
    let mut v: i64 = 0;
    for d in digits.bytes() {
        let d = i64::from(d - b'0');
        v = if negative {
            v.checked_mul(10)
                .and_then(|v| v.checked_sub(d))
                .unwrap_or(i64::MIN)
        } else {
            v.checked_mul(10)
                .and_then(|v| v.checked_add(d))
                .unwrap_or(i64::MAX)
        };
    }
    Some(v as i32)
}

fn usage(msg: impl Into<String>) -> Stop {
    Stop::Usage(msg.into())
}

/// Finds a long option by its name, a unique prefix of it, or `no-` and either.
fn find_long(name: &str) -> Result<(Opt, &'static str, bool), Stop> {
    let mut found = Vec::new();
    for (negated, rest) in [(false, Some(name)), (true, name.strip_prefix("no-"))] {
        let Some(rest) = rest else { continue };
        if let Some((n, o)) = LONG.iter().find(|(n, _)| *n == rest) {
            return Ok((*o, n, negated));
        }
        found.extend(
            LONG.iter()
                .filter(|(n, _)| !rest.is_empty() && n.starts_with(rest))
                .map(|(n, o)| (*o, *n, negated)),
        );
    }
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(usage(format!("unknown option `{name}'"))),
        [a, b, ..] => Err(Stop::Ambiguous(format!(
            "ambiguous option: {name} (could be --{}{} or --{}{})",
            if a.2 { "no-" } else { "" },
            a.1,
            if b.2 { "no-" } else { "" },
            b.1
        ))),
    }
}

impl Options {
    fn set(&mut self, o: Opt, negated: bool, value: Option<&str>, name: &str) -> Result<(), Stop> {
        match o {
            Opt::Stdout => self.stdout = !negated,
            Opt::Quiet => self.quiet = !negated,
            // git's OPT_SET_INT: the `--no-` form sets the default back, whichever was set.
            Opt::Style(s) => self.style = if negated { ConflictStyle::Merge } else { s },
            Opt::Favor(f) => self.favor = if negated { Favor::Markers } else { f },
            Opt::ObjectId if negated => {}
            Opt::ObjectId => {
                return Err(usage(
                    "--object-id is not supported: merge-file merges files, not git objects",
                ))
            }
            Opt::DiffAlgorithm if negated => {
                return Err(usage("option `no-diff-algorithm' isn't available"))
            }
            Opt::DiffAlgorithm => {
                let v = value.unwrap_or_default();
                let known = ["myers", "default", "minimal", "patience", "histogram"];
                if !known.iter().any(|a| a.eq_ignore_ascii_case(v)) {
                    return Err(usage(
                        "option diff-algorithm accepts \"myers\", \"minimal\", \"patience\" and \"histogram\"",
                    ));
                }
                // Our merge diffs as git's default does; another algorithm would give other
                // conflicts than git's, so it is refused rather than ignored.
                if !["myers", "default"]
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(v))
                {
                    return Err(usage(format!(
                        "--diff-algorithm={v} is not supported: merge-file diffs with git's default (myers)"
                    )));
                }
            }
            Opt::MarkerSize if negated => self.marker_size = None,
            Opt::MarkerSize => {
                let v = value.unwrap_or_default();
                let n = strtol_int(v)
                    .ok_or_else(|| usage(format!("option `{name}' expects a numerical value")))?;
                if n > MAX_MARKER_SIZE {
                    return Err(usage(format!(
                        "option `{name}': {n} is over the limit of {MAX_MARKER_SIZE}"
                    )));
                }
                // Zero or less is git's default size.
                self.marker_size = Some(if n <= 0 { 7 } else { n as usize });
            }
        }
        Ok(())
    }

    /// Reads `merge-file`'s arguments (without the command name).
    pub fn parse(args: &[OsString]) -> Result<Options, Stop> {
        let mut o = Options::default();
        let mut files = Vec::new();
        let mut i = 0;
        let mut only_files = false;
        while i < args.len() {
            let raw = &args[i];
            i += 1;
            let arg = raw.to_string_lossy();
            if only_files || arg == "-" || !arg.starts_with('-') {
                files.push(PathBuf::from(raw));
                continue;
            }
            if arg == "--" {
                only_files = true;
                continue;
            }
            if let Some(long) = arg.strip_prefix("--") {
                if long == "help" || long == "help-all" {
                    return Err(Stop::Help);
                }
                let (name, inline) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (long, None),
                };
                let (opt, full, negated) = find_long(name)?;
                let shown = if negated {
                    format!("no-{full}")
                } else {
                    full.to_string()
                };
                let value = if takes_value(opt) && !negated {
                    match inline {
                        Some(v) => Some(v.to_string()),
                        None if i < args.len() => {
                            i += 1;
                            Some(args[i - 1].to_string_lossy().into_owned())
                        }
                        None => return Err(usage(format!("option `{shown}' requires a value"))),
                    }
                } else if inline.is_some() {
                    return Err(usage(format!("option `{shown}' takes no value")));
                } else {
                    None
                };
                if opt == Opt::MarkerSize && value.as_deref() == Some("") {
                    return Err(usage(format!("option `{shown}' expects a numerical value")));
                }
                o.set(opt, negated, value.as_deref(), &shown)?;
                continue;
            }
            // A bundle of short options: -p, -q, -h, -L<name> or -L <name>.
            let shorts: Vec<char> = arg[1..].chars().collect();
            let mut k = 0;
            while k < shorts.len() {
                match shorts[k] {
                    'p' => o.stdout = true,
                    'q' => o.quiet = true,
                    'h' => return Err(Stop::Help),
                    'L' => {
                        let rest: String = shorts[k + 1..].iter().collect();
                        let label = if !rest.is_empty() {
                            rest
                        } else if i < args.len() {
                            i += 1;
                            args[i - 1].to_string_lossy().into_owned()
                        } else {
                            return Err(usage("switch `L' requires a value"));
                        };
                        if o.labels.len() >= 3 {
                            return Err(usage("too many labels on the command line"));
                        }
                        o.labels.push(label);
                        break;
                    }
                    c => return Err(usage(format!("unknown switch `{c}'"))),
                }
                k += 1;
            }
        }
        if files.len() != 3 {
            return Err(usage(""));
        }
        o.files = files;
        Ok(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, Stop> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        Options::parse(&args)
    }

    #[test]
    fn marker_sizes_are_read_like_git_2_47() {
        let size = |v: &str| parse(&["--marker-size", v, "o", "b", "t"]).map(|o| o.marker_size);
        assert_eq!(size("9"), Ok(Some(9)));
        assert_eq!(size(" +4"), Ok(Some(4)));
        assert_eq!(size("0"), Ok(Some(7)));
        assert_eq!(size("-3"), Ok(Some(7)));
        // Past `int`: the low 32 bits, as the C assignment keeps.
        assert_eq!(size("2147483648"), Ok(Some(7)));
        assert_eq!(size("4294967299"), Ok(Some(3)));
        assert_eq!(size("99999999999999999999"), Ok(Some(7)));
        for bad in ["", "1k", "4 ", "x", "+", " "] {
            assert!(matches!(size(bad), Err(Stop::Usage(_))), "{bad:?}");
        }
        assert!(matches!(size("1025"), Err(Stop::Usage(_))));
        assert_eq!(size("1024"), Ok(Some(1024)));
        let o = parse(&["--marker-size=12", "--no-marker-size", "o", "b", "t"]);
        assert_eq!(o.map(|o| o.marker_size), Ok(None));
    }

    #[test]
    fn the_last_style_and_favor_win_and_no_forms_reset_them() {
        let o = parse(&["--diff3", "--zdiff3", "--ours", "--union", "o", "b", "t"]).unwrap();
        assert_eq!(
            (o.style, o.favor),
            (ConflictStyle::ZealousDiff3, Favor::Union)
        );
        let o = parse(&[
            "--zdiff3",
            "--no-diff3",
            "--theirs",
            "--no-ours",
            "o",
            "b",
            "t",
        ])
        .unwrap();
        assert_eq!((o.style, o.favor), (ConflictStyle::Merge, Favor::Markers));
        let o = parse(&["-p", "--no-stdout", "-q", "--no-quiet", "o", "b", "t"]).unwrap();
        assert!(!o.stdout && !o.quiet);
    }

    #[test]
    fn long_options_abbreviate_and_options_go_anywhere() {
        let o = parse(&[
            "o",
            "--std",
            "b",
            "--marker=3",
            "--z",
            "t",
            "-pqLx",
            "-L",
            "y",
        ])
        .unwrap();
        assert!(o.stdout && o.quiet);
        assert_eq!(o.style, ConflictStyle::ZealousDiff3);
        assert_eq!(o.marker_size, Some(3));
        assert_eq!(o.labels, ["x", "y"]);
        assert_eq!(o.files, ["o", "b", "t"].map(PathBuf::from));
        let o = parse(&["--", "-o", "-", "--b"]).unwrap();
        assert_eq!(o.files, ["-o", "-", "--b"].map(PathBuf::from));
        assert!(
            matches!(parse(&["--d", "o", "b", "t"]), Err(Stop::Ambiguous(m)) if m.contains("ambiguous"))
        );
    }

    #[test]
    fn usage_errors_and_help() {
        for bad in [
            &["o", "b"][..],
            &["o", "b", "t", "u"],
            &["--bogus", "o", "b", "t"],
            &["-x", "o", "b", "t"],
            &["--stdout=yes", "o", "b", "t"],
            &["--marker-size"],
            &["-L", "1", "-L", "2", "-L", "3", "-L", "4", "o", "b", "t"],
            &["--diff-algorithm", "fast", "o", "b", "t"],
            &["--diff-algorithm=histogram", "o", "b", "t"],
            &["--no-diff-algorithm", "o", "b", "t"],
            &["--object-id", "o", "b", "t"],
            &["o", "b", "t", "-L"],
        ] {
            assert!(matches!(parse(bad), Err(Stop::Usage(_))), "{bad:?}");
        }
        assert_eq!(parse(&["-h"]), Err(Stop::Help));
        assert_eq!(parse(&["o", "-ph", "b", "t"]), Err(Stop::Help));
    }
}
