//! `skillmeat-lsp merge-file` against the system `git merge-file` (the oracle): the calls of
//! git's own t/t6403-merge-file.sh with inputs of the same shapes, and git's option handling and
//! exit codes.

use crate::support;

use std::process::Command;

use support::Env;

// ---- A differential run of the calls of git's t/t6403-merge-file.sh -------------------------
//
// Each call of git's test script is made here with inputs of the same shape (written for this
// test), once by the system `git merge-file` and once by ours, in two copies of the same folder:
// the exit code, stdout and every file afterwards must be identical. git runs with no
// configuration (ours reads none). Calls left out, and why: `--object-id` (ours merges files
// only; it exits 129), `merge.conflictStyle` from git's config (ours reads no git config),
// `--diff-algorithm histogram` (ours diffs with myers only and refuses the others, exit 129).

const ORIG: &str =
    "The quick brown fox,\njumps over the lazy dog.\nA journey of a thousand miles,\n\
begins with a single step;\nall that glitters,\nis not gold, they say,\nand so the story goes.\n";

/// The texts of the script's set-up, in the same relations to each other.
fn t6403_files() -> Vec<(String, Vec<u8>)> {
    let orig = ORIG.to_string();
    let new1 = format!(
        "{orig}When the night is dark and long,\nwe light a lamp and sing: for you are here,\n\
         and the road and the river carry us home.\n"
    );
    let new2 = orig.replacen("fox,\njumps", "fox, jumps", 1);
    let new3 = orig.replacen("The quick", "THE quick", 1);
    let new4 = new2.strip_suffix('\n').unwrap().to_string();
    let new5 = new1.replacen(" you ", " YOU ", 1);
    let new6 = new5
        .replacen("dog.", "dog;", 1)
        .replacen("step;", "step.", 1);
    let new7 = new5
        .replacen("dog.", "dog,", 1)
        .replacen("step;", "step,", 1);
    let new8 = new6
        .replacen("dog;\n", "dog;\n\n\n\n\n", 1)
        .replacen("miles,", "miles;", 1);
    let new9 = new7
        .replacen("dog,\n", "dog,\n\n\n\n\n", 1)
        .replacen("miles,", "miles --", 1);
    let base_c =
        "int add(int a, int b)\n{\n\tif (a == 0)\n\t{\n\t\treturn b;\n\t}\n\treturn a + b;\n}\n\n\
int count(size_t n)\n{\n\twhile (n < 40)\n\t{\n\t\tn++;\n\t}\n\treturn n;\n}\n";
    let ours_c = "int count(size_t n)\n{\n\twhile (n < 40)\n\t{\n\t\tn++;\n\t}\n\treturn n;\n}\n\n\
int pick(int a, int b, int c)\n{\n\tif (c == 0)\n\t{\n\t\treturn a;\n\t}\n\treturn b;\n}\n";
    let theirs_c = base_c
        .replacen("n < 40", "n > 12", 1)
        .replacen("n++", "n--", 1);
    let mut files: Vec<(String, Vec<u8>)> = [
        ("orig.txt", orig),
        ("new1.txt", new1),
        ("new2.txt", new2),
        ("new3.txt", new3),
        ("new4.txt", new4),
        ("new5.txt", new5),
        ("new6.txt", new6),
        ("new7.txt", new7),
        ("new8.txt", new8),
        ("new9.txt", new9),
        ("base.c", base_c.to_string()),
        ("ours.c", ours_c.to_string()),
        ("theirs.c", theirs_c),
        ("nolf-orig.txt", "one\ntwo\nthree".into()),
        ("nolf-diff1.txt", "one\ntwo\nthreex".into()),
        ("nolf-diff2.txt", "one\ntwo\nthreey".into()),
        ("crlf-orig.txt", "1\r\n2\r\n3".into()),
        ("crlf-diff1.txt", "1\r\n2\r\n4".into()),
        ("crlf-diff2.txt", "1\r\n2\r\n5".into()),
    ]
    .into_iter()
    .map(|(n, t)| (n.to_string(), t.into_bytes()))
    .collect();
    // A PNG's first bytes: binary by git's rule (a NUL early on).
    files.push((
        "binary.png".into(),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10".to_vec(),
    ));
    files
}

/// One call of the script: its name, files copied first (`cp`), the folder it runs in, git
/// configuration (`-c`), and the arguments.
type Call<'a> = (
    &'a str,
    Vec<(&'a str, &'a str)>,
    &'a str,
    Vec<&'a str>,
    Vec<&'a str>,
);

/// What one run left: exit code, stdout, and every file of its folder.
type Outcome = (i32, Vec<u8>, Vec<(String, Vec<u8>)>);

fn folder_files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Runs `merge-file args` in `sub` of fresh copies of `files`, by git (with `config`, as `-c`
/// pairs) and by us; `prepare` copies files within the folder first, as the script's `cp` does.
fn both(
    files: &[(String, Vec<u8>)],
    prepare: &[(&str, &str)],
    sub: &str,
    config: &[&str],
    args: &[&str],
) -> (Outcome, Outcome) {
    let env = Env::new("");
    let mut outcomes = Vec::new();
    for who in ["git", "ours"] {
        let dir = env.path(who);
        for (name, bytes) in files {
            let p = dir.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
        for (from, to) in prepare {
            let to = dir.join(to);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(dir.join(from), to).unwrap();
        }
        let mut cmd = if who == "git" {
            let mut c = Command::new("git");
            for kv in config {
                c.args(["-c", kv]);
            }
            c.env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("HOME", env.root().join("home"))
                .env("GIT_CEILING_DIRECTORIES", env.root());
            c
        } else {
            env.command()
        };
        let out = cmd
            .arg("merge-file")
            .args(args)
            .current_dir(dir.join(sub))
            .output()
            .unwrap();
        outcomes.push((
            out.status.code().unwrap_or(-1),
            out.stdout,
            folder_files(&dir),
        ));
    }
    let ours = outcomes.pop().unwrap();
    let git = outcomes.pop().unwrap();
    (git, ours)
}

fn assert_same(what: &str, (git, ours): (Outcome, Outcome)) {
    assert_eq!(
        ours.0,
        git.0,
        "{what}: exit code (ours, git); stdout ours:\n{}\ngit:\n{}",
        String::from_utf8_lossy(&ours.1),
        String::from_utf8_lossy(&git.1)
    );
    assert_eq!(
        String::from_utf8_lossy(&ours.1),
        String::from_utf8_lossy(&git.1),
        "{what}: stdout"
    );
    for ((name, o), (_, g)) in ours.2.iter().zip(&git.2) {
        assert_eq!(
            String::from_utf8_lossy(o),
            String::from_utf8_lossy(g),
            "{what}: {name} afterwards"
        );
    }
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&ours.2), names(&git.2), "{what}: the files left");
}

#[test]
fn the_calls_of_gits_t6403_give_gits_results() {
    let files = t6403_files();
    // The script merges into test.txt after earlier steps left it as new1 merged with new2.
    let mut merged = files.clone();
    let (git, _) = both(
        &files,
        &[("new1.txt", "test.txt")],
        "",
        &[],
        &["test.txt", "orig.txt", "new2.txt"],
    );
    let test_txt = git
        .2
        .iter()
        .find(|(n, _)| n == "test.txt")
        .unwrap()
        .1
        .clone();
    merged.push(("test.txt".into(), test_txt.clone()));
    merged.push(("backup.txt".into(), test_txt));
    #[rustfmt::skip]
    let calls: Vec<Call> = vec![
        ("no changes", vec![("orig.txt", "test.txt")], "", vec![], vec!["test.txt", "orig.txt", "orig.txt"]),
        ("no conflict", vec![("new1.txt", "test.txt")], "", vec![], vec!["test.txt", "orig.txt", "new2.txt"]),
        ("in a subfolder", vec![("new1.txt", "dir/a.txt"), ("orig.txt", "dir/o.txt"), ("new2.txt", "dir/b.txt")], "dir", vec![], vec!["a.txt", "o.txt", "b.txt"]),
        ("no conflict, --quiet", vec![("new1.txt", "test.txt")], "", vec![], vec!["--quiet", "test.txt", "orig.txt", "new2.txt"]),
        ("missing LF at EOF", vec![("new1.txt", "test2.txt")], "", vec![], vec!["test2.txt", "orig.txt", "new4.txt"]),
        ("missing LF away from the change", vec![("new4.txt", "test3.txt")], "", vec![], vec!["--quiet", "test3.txt", "new2.txt", "new3.txt"]),
        ("conflicts", vec![], "", vec![], vec!["test.txt", "orig.txt", "new3.txt"]),
        ("--ours", vec![("backup.txt", "test.txt")], "", vec![], vec!["--ours", "test.txt", "orig.txt", "new3.txt"]),
        ("--theirs", vec![("backup.txt", "test.txt")], "", vec![], vec!["--theirs", "test.txt", "orig.txt", "new3.txt"]),
        ("--union", vec![("backup.txt", "test.txt")], "", vec![], vec!["--union", "test.txt", "orig.txt", "new3.txt"]),
        ("-L twice", vec![("backup.txt", "test.txt")], "", vec![], vec!["-L", "1", "-L", "2", "test.txt", "orig.txt", "new3.txt"]),
        ("conflict in a removed tail", vec![], "", vec![], vec!["-p", "orig.txt", "new1.txt", "new5.txt"]),
        ("binary input", vec![], "", vec![], vec!["-p", "orig.txt", "binary.png", "new1.txt"]),
        ("zealous merge", vec![], "", vec![], vec!["-p", "new6.txt", "new5.txt", "new7.txt"]),
        ("zealous alnum", vec![], "", vec![], vec!["-p", "new8.txt", "new5.txt", "new9.txt"]),
        ("--diff3", vec![], "", vec![], vec!["-p", "--diff3", "new8.txt", "new5.txt", "new9.txt"]),
        ("--marker-size=10", vec![], "", vec![], vec!["-p", "--marker-size=10", "new8.txt", "new5.txt", "new9.txt"]),
        ("--marker-size=10 --diff3", vec![], "", vec![], vec!["-p", "--diff3", "--marker-size=10", "new8.txt", "new5.txt", "new9.txt"]),
        ("labels outside a repository", vec![], "", vec![], vec!["-p", "-L", "ours", "-L", "base", "-L", "theirs", "nolf-diff1.txt", "nolf-orig.txt", "nolf-diff2.txt"]),
        ("no LF at EOF, --ours", vec![], "", vec![], vec!["-p", "--ours", "nolf-diff1.txt", "nolf-orig.txt", "nolf-diff2.txt"]),
        ("no LF at EOF, --theirs", vec![], "", vec![], vec!["-p", "--theirs", "nolf-diff1.txt", "nolf-orig.txt", "nolf-diff2.txt"]),
        ("no LF at EOF, --union", vec![], "", vec![], vec!["-p", "--union", "nolf-diff1.txt", "nolf-orig.txt", "nolf-diff2.txt"]),
        ("CRLF markers", vec![], "", vec!["core.eol=crlf"], vec!["-p", "crlf-diff1.txt", "crlf-orig.txt", "crlf-diff2.txt"]),
        ("no CR without CRLF input", vec![], "", vec!["core.eol=crlf"], vec!["-p", "nolf-diff1.txt", "nolf-orig.txt", "nolf-diff2.txt"]),
        ("C files, myers", vec![], "", vec![], vec!["-p", "--diff3", "--diff-algorithm", "myers", "ours.c", "base.c", "theirs.c"]),
    ];
    let mut codes = Vec::new();
    for (what, prepare, sub, config, args) in &calls {
        let runs = both(&merged, prepare, sub, config, args);
        codes.push(runs.0 .0);
        assert_same(what, runs);
    }
    // The run covers clean merges, conflicts and refusals alike.
    for code in [0, 1, 255] {
        assert!(codes.contains(&code), "no call exited {code}: {codes:?}");
    }
}

/// Option handling as git's parse-options does it, and git's exit codes, on a conflicting triple.
#[test]
fn options_marker_sizes_and_exit_codes_follow_git() {
    let files: Vec<(String, Vec<u8>)> = [
        ("o", "a\nours\nc\nd\n"),
        ("b", "a\nb\nc\nd\n"),
        ("t", "a\ntheirs\nc\nd\n"),
        ("bin", "a\0b\n"),
    ]
    .iter()
    .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
    .collect();
    let same = |args: &[&str]| assert_same(&args.join(" "), both(&files, &[], "", &[], args));
    // Out-of-range marker sizes: git 2.47 keeps the low 32 bits of strtol's value; zero or
    // less is 7. (2147483648 once made ours write gigabytes.)
    for size in [
        "2147483648",
        "4294967299",
        "99999999999999999999",
        "0",
        "-5",
        " +9",
        "3",
    ] {
        same(&["-p", "--marker-size", size, "o", "b", "t"]);
    }
    // Last style and favor win; the --no- forms reset them; long options abbreviate.
    for args in [
        &["-p", "--diff3", "--zdiff3", "o", "b", "t"][..],
        &["-p", "--zdiff3", "--diff3", "o", "b", "t"],
        &["-p", "--zdiff3", "--no-diff3", "o", "b", "t"],
        &["-p", "--ours", "--theirs", "o", "b", "t"],
        &["-p", "--theirs", "--union", "o", "b", "t"],
        &["-p", "--union", "--no-ours", "o", "b", "t"],
        &["--std", "--marker=9", "--z", "--th", "o", "b", "t"],
        &["o", "b", "t", "-p", "-L", "x", "-Ly"],
        &["-p", "--marker-size=12", "--no-marker-size", "o", "b", "t"],
        &["-p", "--no-stdout", "--no-quiet", "o", "b", "t"],
        &["-pq", "o", "b", "t"],
    ] {
        same(args);
    }
    // 255: an input that cannot be merged (binary, missing), as git's -1.
    same(&["-p", "o", "bin", "t"]);
    same(&["o", "b", "missing"]);
    same(&["-q", "o", "b", "missing"]);
    // 129: usage errors, and -h (whose usage text is ours, so only the code is compared).
    for args in [
        &["o", "b"][..],
        &["o", "b", "t", "u"],
        &["--frobnicate", "o", "b", "t"],
        &["-x", "o", "b", "t"],
        &["--marker-size", "x", "o", "b", "t"],
        &["--marker-size=", "o", "b", "t"],
        &["--stdout=yes", "o", "b", "t"],
        &["-L", "1", "-L", "2", "-L", "3", "-L", "4", "o", "b", "t"],
        &["--diff-algorithm", "quick", "o", "b", "t"],
    ] {
        same(args);
    }
    // -h, and an ambiguous abbreviation, print the usage on stdout: the text is ours.
    for args in [&["-h"][..], &["--d", "o", "b", "t"]] {
        let (git, ours) = both(&files, &[], "", &[], args);
        assert_eq!((ours.0, git.0), (129, 129), "{args:?}");
        assert!(String::from_utf8_lossy(&ours.1).contains("marker-size"));
        assert_eq!(ours.2, git.2, "{args:?}: nothing written");
    }
}
