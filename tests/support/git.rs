//! Git repositories for tests, made in the test's temporary root and driven by the system git
//! with an isolated configuration (no network: upstreams are `file://` URLs or plain paths).
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

use super::Env;

/// A git repository in the test's temporary root, driven by the system git with an isolated
/// configuration.
pub struct Repo {
    pub dir: PathBuf,
    home: PathBuf,
}

impl Repo {
    pub fn init(env: &Env, rel: &str) -> Repo {
        let r = Repo {
            dir: env.path(rel),
            home: env.path("home"),
        };
        std::fs::create_dir_all(&r.dir).unwrap();
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args([
                "-c",
                "user.name=Upstream",
                "-c",
                "user.email=upstream@example.com",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "tag.gpgsign=false",
            ])
            .args(args)
            .current_dir(&self.dir)
            .env("HOME", &self.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Whether the repository still holds object `rev`.
    pub fn has(&self, rev: &str) -> bool {
        Command::new("git")
            .args(["cat-file", "-e", rev])
            .current_dir(&self.dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .is_ok_and(|s| s.success())
    }

    pub fn write(&self, rel: &str, body: &str) {
        let p = self.dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.dir.join(rel)).unwrap();
    }

    /// Commits everything and returns the new commit's id.
    pub fn commit(&self, msg: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", msg]);
        self.git(&["rev-parse", "HEAD"])
    }

    pub fn url(&self) -> String {
        format!("file://{}", self.dir.display())
    }

    pub fn path(&self) -> String {
        self.dir.display().to_string()
    }
}
