//! Test harness: temporary workspaces from multi-file fixtures and the real `skillmeat-lsp` binary.
#![allow(dead_code)]

pub mod fixture;
pub mod git;
pub mod lsp;
pub mod snapshot;
pub mod sync_world;
pub mod tree;
pub mod upstream;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const BIN: &str = env!("CARGO_BIN_EXE_skillmeat-lsp");

/// A temporary home holding `collection/`, `project/` and an isolated `$HOME`.
pub struct Env {
    pub dir: tempfile::TempDir,
}

/// What a run of the binary returned.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<std::process::Output> for Run {
    fn from(out: std::process::Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl Env {
    /// Builds a workspace from a fixture: `//- path` header lines, each followed by the file's
    /// content. Paths are relative to the temporary root (`collection/...`, `project/.claude/...`).
    /// Each file ends with exactly one `\n` after its last non-blank line (`noeol` after the path:
    /// none); the full rules are in [`fixture`].
    pub fn new(fixture: &str) -> Env {
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(env.collection()).unwrap();
        std::fs::create_dir_all(env.project()).unwrap();
        std::fs::create_dir_all(env.root().join("home")).unwrap();
        env.write_fixture(fixture);
        env
    }

    /// Writes the files of a `//- path` fixture (see [`fixture`]) into this workspace.
    pub fn write_fixture(&self, fixture: &str) {
        for (path, body) in fixture::parse(fixture) {
            self.write(&path, &body);
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }
    pub fn collection(&self) -> PathBuf {
        self.root().join("collection")
    }
    pub fn project(&self) -> PathBuf {
        self.root().join("project")
    }
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, body: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Runs the binary on this workspace and collection with an isolated environment.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut full = vec![
            "--workspace".to_string(),
            self.project().display().to_string(),
            "--collection".to_string(),
            self.collection().display().to_string(),
        ];
        full.extend(args.iter().map(|s| s.to_string()));
        self.run_raw(&full.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// Runs the binary with exactly `args` (no workspace or collection flags).
    pub fn run_raw(&self, args: &[&str]) -> Run {
        self.command()
            .args(args)
            .output()
            .expect("run skillmeat-lsp")
            .into()
    }

    /// Starts one process per entry of `runs` (the arguments after this workspace's
    /// `--workspace … --collection …`) all at once, and waits for every one.
    pub fn run_at_once(&self, runs: &[Vec<&str>]) -> Vec<Run> {
        let children: Vec<_> = runs
            .iter()
            .map(|args| {
                self.workspace_command()
                    .args(args)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("spawn skillmeat-lsp")
            })
            .collect();
        children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap().into())
            .collect()
    }

    /// [`Env::command`] on this workspace and collection (`--workspace … --collection …`).
    fn workspace_command(&self) -> Command {
        let mut c = self.command();
        c.arg("--workspace")
            .arg(self.project())
            .arg("--collection")
            .arg(self.collection());
        c
    }

    pub fn command(&self) -> Command {
        let mut c = Command::new(BIN);
        // The fetch cache follows XDG_CACHE_HOME: unset, it lands in the isolated $HOME.
        c.env_remove("SKILLMEAT_COLLECTION")
            .env_remove("SKILLMEAT_CONFIG_DIR")
            .env_remove("XDG_CACHE_HOME")
            .env_remove("XDG_STATE_HOME")
            .env("HOME", self.root().join("home"))
            .env("NO_COLOR", "1")
            .current_dir(self.root());
        c
    }

    /// Every file under the temporary root with its bytes, to prove a command wrote nothing.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let p = e.path();
                let ft = e.file_type().unwrap();
                if ft.is_dir() {
                    out.insert(p.clone(), b"<dir>".to_vec());
                    walk(&p, out);
                } else if ft.is_symlink() {
                    out.insert(
                        p.clone(),
                        std::fs::read_link(&p)
                            .unwrap()
                            .display()
                            .to_string()
                            .into_bytes(),
                    );
                } else if ft.is_file() {
                    out.insert(
                        p.clone(),
                        std::fs::read(&p).unwrap_or_else(|_| b"<unreadable>".to_vec()),
                    );
                } else {
                    // A FIFO, socket or device: reading a FIFO would block, so only note it.
                    out.insert(p.clone(), b"<special>".to_vec());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(self.root(), &mut out);
        out
    }

    /// Starts the binary with `args` on this workspace, paused at failpoint `point`
    /// (`SKILLMEAT_FAILPOINTS=<point>:pause=<root>/go`), and returns once it has reached it.
    pub fn run_paused(&self, point: &str, args: &[&str]) -> Paused {
        let go = self.path("go");
        let child = self
            .workspace_command()
            .args(args)
            .env(
                "SKILLMEAT_FAILPOINTS",
                format!("{point}:pause={}", go.display()),
            )
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn skillmeat-lsp");
        let reached = self.path("go.reached");
        let started = std::time::Instant::now();
        while !reached.exists() {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(60),
                "{args:?} never reached failpoint {point}"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        Paused { child, go }
    }

    /// One artifact's entry of `status --json`.
    pub fn artifact(&self, id: &str) -> serde_json::Value {
        let r = self.run(&["status", "--json"]);
        r.json()["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} not in {}", r.stdout))
    }

    /// `status --json` as (id → state).
    pub fn states(&self) -> BTreeMap<String, String> {
        let r = self.run(&["status", "--json"]);
        assert!(r.code == 0 || r.code == 1, "status failed: {r:?}");
        by_id(&r.json(), |a| a["state"].as_str().unwrap().to_string())
    }
}

/// The `artifacts` of a `--json` answer (`status`, `check-upstream`) as id → `f(artifact)`.
pub fn by_id<T>(
    answer: &serde_json::Value,
    f: impl Fn(&serde_json::Value) -> T,
) -> BTreeMap<String, T> {
    answer["artifacts"]
        .as_array()
        .unwrap_or_else(|| panic!("no artifacts in {answer:#}"))
        .iter()
        .map(|a| (a["id"].as_str().unwrap().to_string(), f(a)))
        .collect()
}

/// A command held at a failpoint by [`Env::run_paused`].
pub struct Paused {
    child: std::process::Child,
    go: PathBuf,
}

impl Paused {
    /// Lets the command go on and waits for it to finish.
    pub fn resume(self) -> Run {
        std::fs::write(&self.go, "").unwrap();
        self.child.wait_with_output().unwrap().into()
    }
}

/// Asserts that `run` failed with `code`, said something containing each of `needles` on stderr,
/// and that nothing under the workspace changed.
#[track_caller]
pub fn assert_refused(env: &Env, args: &[&str], code: i32, needles: &[&str]) {
    let before = env.snapshot();
    let r = env.run(args);
    assert_eq!(r.code, code, "exit code for {args:?}: {r:?}");
    for n in needles {
        assert!(
            r.stderr.contains(n),
            "stderr of {args:?} lacks {n:?}:\n{}",
            r.stderr
        );
    }
    assert!(
        !r.stderr.contains("panicked") && !r.stderr.contains("RUST_BACKTRACE"),
        "{}",
        r.stderr
    );
    assert_unchanged(&before, &env.snapshot(), &format!("{args:?}"));
}

/// Fails naming the paths that appeared, vanished or changed between two snapshots.
#[track_caller]
pub fn assert_unchanged(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
    what: &str,
) {
    let mut changed: Vec<String> = Vec::new();
    for (p, b) in before {
        match after.get(p) {
            None => changed.push(format!("removed {}", p.display())),
            Some(a) if a != b => changed.push(format!("changed {}", p.display())),
            _ => {}
        }
    }
    for p in after.keys().filter(|p| !before.contains_key(*p)) {
        changed.push(format!("created {}", p.display()));
    }
    assert!(changed.is_empty(), "{what} failed but wrote: {changed:#?}");
}

/// Copies a folder tree (test data into a temporary workspace).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A project deployed by the real SkillMeat 0.74 CLI, captured by
/// `scripts/capture_skillmeat_project.sh`.
pub const SKILLMEAT_CAPTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/core/tests/data/skillmeat/deployed"
);

/// The captured SkillMeat world, laid out as SkillMeat left it: the collection at
/// `$HOME/.skillmeat/collections/default` with its `config.toml`, and the project.
pub fn skillmeat_world() -> Env {
    let env = Env::new("");
    let capture = Path::new(SKILLMEAT_CAPTURE);
    let home = env.path("home/.skillmeat");
    copy_tree(
        &capture.join("collection"),
        &home.join("collections/default"),
    );
    std::fs::copy(capture.join("config.toml"), home.join("config.toml")).unwrap();
    copy_tree(&capture.join("project"), &env.project());
    env
}

/// `skill:pdf` (its SKILL.md is `skill`) and `command:review` in the collection, both deployed
/// and synced: the world of most language-server tests.
pub fn pdf_and_review(skill: &str) -> Env {
    let env = Env::new(
        r#"
        //- collection/commands/review.md
        Review.
        "#,
    );
    env.write("collection/skills/pdf/SKILL.md", skill);
    assert_eq!(env.run(&["deploy", "skill:pdf", "command:review"]).code, 0);
    env
}

/// `skill:pdf` (SKILL.md body `collection text`) and `command:review` (`review`), and the files of
/// the fixture `more`, deployed by one `deploy` of both and `more_ids`: the world of `cli_keep`
/// and `cli_newcomer_sync`.
pub fn pdf_review_deployed(more: &str, more_ids: &[&str]) -> Env {
    let env = Env::new(
        r#"
        //- collection/skills/pdf/SKILL.md
        ---
        name: pdf
        ---
        collection text
        //- collection/commands/review.md
        review
        "#,
    );
    env.write_fixture(more);
    let mut args = vec!["deploy", "pdf", "review"];
    args.extend(more_ids);
    let r = env.run(&args);
    assert_eq!(r.code, 0, "{r:?}");
    env
}

/// `skill:s`, `skill:other` and `command:c` in the collection, all deployed: the world of the
/// trust and special-file tests (`cli_trust`, `cli_special_files`).
pub fn three_deployed() -> Env {
    let env = Env::new(
        r#"
        //- collection/skills/s/SKILL.md
        S.
        //- collection/skills/other/SKILL.md
        Other.
        //- collection/commands/c.md
        C.
        "#,
    );
    assert_eq!(
        env.run(&["deploy", "skill:s", "skill:other", "command:c"])
            .code,
        0
    );
    env
}
