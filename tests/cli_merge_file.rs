//! `skillmeat-lsp merge-file` against the system `git merge-file`, through the real binary:
//! same bytes on stdout or in OURS, same exit code. (The engine's differential test over
//! thousands of random triples is in server/core/tests.)

use crate::support;

use std::process::Command;

use support::Env;

fn git_merge_file(env: &Env, args: &[&str]) -> (i32, Vec<u8>) {
    let out = Command::new("git")
        .arg("merge-file")
        .args(args)
        .current_dir(env.root())
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), out.stdout)
}

fn ours_merge_file(env: &Env, args: &[&str]) -> (i32, Vec<u8>) {
    let out = env.command().arg("merge-file").args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), out.stdout)
}

const CASES: &[(&str, &str, &str)] = &[
    ("a\nb\nc\n", "a\nB\nc\n", "a\nb\nC\n"),
    ("a\nb\nc\n", "a\nours\nc\n", "a\ntheirs\nc\n"),
    ("a\r\nb\r\n", "a\r\nX\r\n", "a\r\nY\r\n"),
    ("", "added\n", "also added\n"),
    ("x\ny", "x\nours", "x\ntheirs"),
    ("1\n2\n3\n4\n", "1\n2x\n3\n4x\n", "1\n2y\n3\n4y\n"),
];

#[test]
fn stdout_and_exit_code_equal_git_for_each_style() {
    for (i, (base, ours, theirs)) in CASES.iter().enumerate() {
        let env = Env::new("");
        env.write("o", ours);
        env.write("b", base);
        env.write("t", theirs);
        for extra in [
            &[][..],
            &["--diff3"][..],
            &["-L", "project", "-L", "deployed", "-L", "collection"][..],
        ] {
            let mut args = vec!["-p"];
            args.extend_from_slice(extra);
            args.extend_from_slice(&["o", "b", "t"]);
            assert_eq!(
                ours_merge_file(&env, &args),
                git_merge_file(&env, &args),
                "case {i} with {extra:?}"
            );
        }
    }
}

#[test]
fn without_p_the_result_is_written_into_ours_like_git() {
    let (base, ours, theirs) = CASES[1];
    let env = Env::new("");
    for dir in ["mine", "gits"] {
        env.write(&format!("{dir}/o"), ours);
        env.write(&format!("{dir}/b"), base);
        env.write(&format!("{dir}/t"), theirs);
    }
    let mine = env
        .command()
        .current_dir(env.path("mine"))
        .args(["merge-file", "o", "b", "t"])
        .status()
        .unwrap();
    let gits = Command::new("git")
        .args(["merge-file", "o", "b", "t"])
        .current_dir(env.path("gits"))
        .status()
        .unwrap();
    assert_eq!(mine.code(), gits.code());
    assert_eq!(mine.code(), Some(1), "one conflict");
    assert_eq!(env.read("mine/o"), env.read("gits/o"));
}

#[test]
fn a_missing_input_is_an_error_naming_the_file_and_nothing_is_written() {
    let env = Env::new(
        r#"
        //- o
        x
        //- b
        x
        "#,
    );
    let out = env
        .command()
        .args(["merge-file", "o", "b", "nope"])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nope"), "{err}");
    assert_eq!(env.read("o"), "x\n");
}
