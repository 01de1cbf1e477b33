//! The real SkillMeat 0.74 deploys one skill with `--profile claude_code`, `codex`, `gemini` and
//! `cursor`; our `status` finds each deployment under its root (`.claude`, `.agents`, `.gemini`,
//! `.cursor`) synced against the baseline SkillMeat recorded there, reads an edit in each root as
//! that deployment's alone, and agrees with SkillMeat's `sync-check` on every deployment's state
//! (SkillMeat hashes one copy for all four: we read each root's own). Then the collection moves
//! on and our `sync --all` brings every root's copy current, with each root's
//! `.skillmeat-deployed.toml` hash, so that SkillMeat's `sync-check` finds no drift either; and our
//! `deploy --profile` to a root SkillMeat has not deployed to is read by SkillMeat as its own.
//!
//! Needs SkillMeat (installed by `scripts/setup-skillmeat.sh`); `SKILLMEAT_TESTS=skip` lets the
//! test pass without it, saying so. About eight SkillMeat calls of ~3 s each.

use crate::support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::Env;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `skillmeat` executable, or `None` when it cannot be installed and skipping is allowed.
fn skillmeat() -> Option<PathBuf> {
    let out = Command::new("bash")
        .arg(repo_root().join("scripts/setup-skillmeat.sh"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run scripts/setup-skillmeat.sh");
    if out.status.success() {
        return Some(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    }
    let why = String::from_utf8_lossy(&out.stderr);
    if std::env::var("SKILLMEAT_TESTS").as_deref() == Ok("skip") {
        eprintln!("SKIPPED (SKILLMEAT_TESTS=skip): SkillMeat could not be installed:\n{why}");
        return None;
    }
    panic!("SkillMeat could not be installed (set SKILLMEAT_TESTS=skip to go without):\n{why}");
}

/// Runs SkillMeat with only the isolated home in its environment; it must succeed.
fn sm(bin: &Path, env: &Env, cwd: &Path, args: &[&str]) -> String {
    let (ok, out, err) = sm_any(bin, env, cwd, args);
    assert!(ok, "skillmeat {args:?} failed: {out}\n{err}");
    out
}

/// Runs SkillMeat: (succeeded, stdout, stderr); `sync-check` exits non-zero on drift.
fn sm_any(bin: &Path, env: &Env, cwd: &Path, args: &[&str]) -> (bool, String, String) {
    let home = env.path("home");
    std::fs::create_dir_all(home.join("tmp")).unwrap();
    let path = format!(
        "{}:/usr/local/bin:/usr/bin:/bin",
        bin.parent().unwrap().display()
    );
    let out = Command::new(bin)
        .env_clear()
        .env("PATH", path)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("TMPDIR", home.join("tmp"))
        .env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8")
        .env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .env("COLUMNS", "200")
        .env("SKILLMEAT_DISABLE_KEYCHAIN", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .current_dir(cwd)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Our `status --json` with SkillMeat's collection: id → (state, project hash).
fn ours(env: &Env) -> BTreeMap<String, (String, Value)> {
    support::by_id(&status_with_their_collection(env), |a| {
        (
            a["state"].as_str().unwrap().to_string(),
            a["hashes"]["project"].clone(),
        )
    })
}

/// Our `status --json` on the project, no `--collection`: the collection is SkillMeat's.
fn status_with_their_collection(env: &Env) -> Value {
    let project = env.project().display().to_string();
    env.run_raw(&["--workspace", &project, "status", "--json"])
        .json()
}

/// SkillMeat's `sync-check`: (skill name, drift type, project hash) per listed deployment.
fn theirs(bin: &Path, env: &Env) -> Vec<(String, String, String)> {
    let project = env.project().display().to_string();
    let (_, text, err) = sm_any(
        bin,
        env,
        &env.project(),
        &["sync-check", &project, "--format", "json"],
    );
    let start = text
        .find('{')
        .unwrap_or_else(|| panic!("no JSON: {text}\n{err}"));
    let v: Value = serde_json::from_str(&text[start..]).unwrap();
    v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["type"] == "skill")
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_string(),
                a["drift_type"].as_str().unwrap().to_string(),
                a["project_sha"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// SkillMeat's default collection holding `skills` (from `src/<name>`), the project initialised
/// for every profile, and demo deployed by SkillMeat to codex, gemini, cursor and claude_code.
fn deploy_demo_everywhere(bin: &Path, env: &Env, skills: &[&str]) {
    let root = env.root().to_path_buf();
    sm(bin, env, &root, &["collection", "create", "default"]);
    for name in skills {
        let src = env.path(&format!("src/{name}")).display().to_string();
        sm(bin, env, &root, &["add", "skill", &src, "--yes"]);
    }
    sm(
        bin,
        env,
        &env.project(),
        &["init", "--all-profiles", "--no-input"],
    );
    let project = env.project().display().to_string();
    // `.claude` last: once a copy is there, SkillMeat 0.74 links other profiles' deploys to it
    // ("local copy matches collection") instead of copying.
    for profile in ["codex", "gemini", "cursor", "claude_code"] {
        sm(
            bin,
            env,
            &root,
            &[
                "deploy",
                "demo",
                "--project",
                &project,
                "--profile",
                profile,
            ],
        );
    }
}

#[test]
fn four_profile_deployments_by_skillmeat_read_and_agree_with_sync_check() {
    let Some(bin) = skillmeat() else { return };
    let env = Env::new("");
    env.write(
        "src/demo/SKILL.md",
        "---\nname: demo\ndescription: demo skill\n---\none\ntwo\n",
    );
    deploy_demo_everywhere(&bin, &env, &["demo"]);
    for root in [".claude", ".agents", ".gemini", ".cursor"] {
        assert!(
            env.path(&format!("project/{root}/skills/demo/SKILL.md"))
                .is_file(),
            "SkillMeat put no copy under {root}"
        );
    }

    let ids = [
        "skill:demo",
        "skill:demo@codex",
        "skill:demo@gemini",
        "skill:demo@cursor",
    ];
    let s = ours(&env);
    for id in ids {
        assert_eq!(
            s.get(id).map(|x| x.0.as_str()),
            Some("synced"),
            "{id}: {s:?}"
        );
    }
    assert!(
        theirs(&bin, &env).is_empty(),
        "SkillMeat sees drift after its own deploy"
    );

    for (i, root) in [".claude", ".agents", ".gemini", ".cursor"]
        .iter()
        .enumerate()
    {
        env.write(
            &format!("project/{root}/skills/demo/SKILL.md"),
            &format!("---\nname: demo\ndescription: demo skill\n---\none\nedit {i}\n"),
        );
    }
    let s = ours(&env);
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        assert_eq!(s[id].0, "modified", "{id}: {s:?}");
        assert!(
            seen.insert(s[id].1.to_string()),
            "{id} read another root's copy: {s:?}"
        );
    }
    // SkillMeat lists each profile's deployment of demo and agrees each is modified. Its
    // sync-check hashes one copy for all of them (every entry carries the same project_sha, one
    // of the four we read): reading each root separately is where we go further.
    let t = theirs(&bin, &env);
    assert_eq!(t.len(), 4, "{t:?}");
    assert!(
        t.iter().all(|(n, d, _)| n == "demo" && d == "modified"),
        "{t:?}"
    );
    assert!(t.iter().all(|x| x.2 == t[0].2), "{t:?}");
    assert!(
        ids.iter()
            .any(|id| s[*id].1 == Value::String(t[0].2.clone())),
        "SkillMeat's project hash {} is none of ours: {s:?}",
        t[0].2
    );
}

/// Our `status --json`: id → collection hash.
fn collection_hashes(env: &Env) -> BTreeMap<String, String> {
    support::by_id(&status_with_their_collection(env), |a| {
        a["hashes"]["collection"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    })
}

/// `content_hash` of `name`'s entry in a root's `.skillmeat-deployed.toml`.
fn recorded_hash(env: &Env, root: &str, name: &str) -> String {
    let t: toml::Table = env
        .read(&format!("project/{root}/.skillmeat-deployed.toml"))
        .parse()
        .unwrap();
    t["deployed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["artifact_name"].as_str() == Some(name))
        .and_then(|e| e["content_hash"].as_str())
        .unwrap_or_else(|| panic!("no {name} in {root}'s deployed file"))
        .to_string()
}

#[test]
fn after_our_sync_every_root_is_current_and_sync_check_agrees_and_our_profile_deploys_are_skillmeats(
) {
    let Some(bin) = skillmeat() else { return };
    let env = Env::new("");
    env.write(
        "src/demo/SKILL.md",
        "---\nname: demo\ndescription: demo skill\n---\none\ntwo\n",
    );
    env.write(
        "src/other/SKILL.md",
        "---\nname: other\ndescription: other skill\n---\nthree\n",
    );
    deploy_demo_everywhere(&bin, &env, &["demo", "other"]);
    let roots = [".claude", ".agents", ".gemini", ".cursor"];
    let ids = [
        "skill:demo",
        "skill:demo@codex",
        "skill:demo@gemini",
        "skill:demo@cursor",
    ];
    // An edit in each root, and the collection moves on.
    for (i, r) in roots.iter().enumerate() {
        env.write(
            &format!("project/{r}/skills/demo/SKILL.md"),
            &format!("---\nname: demo\ndescription: demo skill\n---\none\nedit {i}\n"),
        );
    }
    let collection_copy = env.path("home/.skillmeat/collections/default/skills/demo/SKILL.md");
    let new = "---\nname: demo\ndescription: demo skill\n---\none\ntwo\nthree\n";
    std::fs::write(&collection_copy, new).unwrap();
    let s = ours(&env);
    for id in ids {
        assert_eq!(s[id].0, "conflict", "{id}: {s:?}");
    }
    // Our sync (taking the collection's copy) brings every root current.
    let r = env
        .command()
        .args(["--workspace"])
        .arg(env.project())
        .args(["sync", "--all", "--strategy", "overwrite", "--apply"])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let c = collection_hashes(&env);
    let s = ours(&env);
    for (id, r) in ids.iter().zip(roots) {
        assert_eq!(s[*id].0, "synced", "{id}: {s:?}");
        assert_eq!(
            env.read(&format!("project/{r}/skills/demo/SKILL.md")),
            new,
            "{r}"
        );
        assert_eq!(
            recorded_hash(&env, r, "demo"),
            c[*id],
            "{r}'s deployed file"
        );
    }
    // (`other` is in the collection and deployed nowhere yet: SkillMeat lists it as added.)
    let t: Vec<_> = theirs(&bin, &env)
        .into_iter()
        .filter(|x| x.0 == "demo")
        .collect();
    assert!(
        t.is_empty(),
        "SkillMeat still sees drift after our sync: {t:?}"
    );

    // Our deploy to profiles is recorded the way SkillMeat records its own: `other`, listed as
    // added while it is deployed nowhere, is a clean deployment to SkillMeat once we deployed it.
    let before = theirs(&bin, &env);
    assert!(
        before.iter().any(|(n, d, _)| n == "other" && d == "added"),
        "{before:?}"
    );
    let r = env
        .command()
        .args(["--workspace"])
        .arg(env.project())
        .args([
            "deploy",
            "other",
            "--profile",
            "codex",
            "--profile",
            "gemini",
        ])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(env.path("project/.agents/skills/other/SKILL.md").is_file());
    let t = theirs(&bin, &env);
    assert!(t.is_empty(), "SkillMeat sees drift after our deploy: {t:?}");
    // An edit of the codex copy is that deployment's alone. (SkillMeat's sync-check stays silent
    // on edits of a skill deployed only outside `.claude` — seen with edits in both `.agents` and
    // `.gemini` — so there it does not cover the artifact and we go further.)
    env.write(
        "project/.agents/skills/other/SKILL.md",
        "---\nname: other\ndescription: other skill\n---\nedited\n",
    );
    let s = ours(&env);
    assert_eq!(s["skill:other@codex"].0, "modified", "{s:?}");
    assert_eq!(s["skill:other@gemini"].0, "synced", "{s:?}");
}

/// A project SkillMeat set up with `init --all-profiles` (every root's deployed file reads
/// `deployed = []`) and deployed demo to `.claude` only; the person edited that copy. Our first
/// command there, `deploy demo --all-profiles --overwrite`, works: the edit is kept as a version
/// (it used to be lost with a `.skillmeat/` deleted after SkillMeat's own file was called
/// malformed), every root gets the copy, and SkillMeat's `sync-check` finds no drift.
#[test]
fn a_project_skillmeat_initialised_for_every_profile_takes_our_deploy_to_all_of_them() {
    let Some(bin) = skillmeat() else { return };
    let env = Env::new("");
    let text = "---\nname: demo\ndescription: demo skill\n---\none\ntwo\n";
    env.write("src/demo/SKILL.md", text);
    let root = env.root().to_path_buf();
    sm(&bin, &env, &root, &["collection", "create", "default"]);
    let src = env.path("src/demo").display().to_string();
    sm(&bin, &env, &root, &["add", "skill", &src, "--yes"]);
    sm(
        &bin,
        &env,
        &env.project(),
        &["init", "--all-profiles", "--no-input"],
    );
    let roots = [".claude", ".agents", ".gemini", ".cursor"];
    for r in roots {
        let t = env.read(&format!("project/{r}/.skillmeat-deployed.toml"));
        assert!(
            t.contains("deployed = []"),
            "{r}: SkillMeat's init wrote {t:?}"
        );
    }
    let project = env.project().display().to_string();
    let s = env.run_raw(&["--workspace", &project, "status"]);
    assert_eq!(s.code, 0, "{s:?}");
    sm(
        &bin,
        &env,
        &root,
        &["deploy", "demo", "--project", &project],
    );
    env.write(
        "project/.claude/skills/demo/SKILL.md",
        &format!("{text}THE PERSON'S PARAGRAPH\n"),
    );
    let r = env.run_raw(&[
        "--workspace",
        &project,
        "deploy",
        "demo",
        "--all-profiles",
        "--overwrite",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("previous project copy kept as v"),
        "{r:?}"
    );
    let h = env.run_raw(&[
        "--workspace",
        &project,
        "diff",
        "demo",
        "--from",
        "v2",
        "--to",
        "collection",
    ]);
    assert!(
        h.stdout.contains("THE PERSON'S PARAGRAPH"),
        "the edit is not in v2: {h:?}"
    );
    let s = ours(&env);
    for id in [
        "skill:demo",
        "skill:demo@codex",
        "skill:demo@gemini",
        "skill:demo@cursor",
    ] {
        assert_eq!(
            s.get(id).map(|x| x.0.as_str()),
            Some("synced"),
            "{id}: {s:?}"
        );
    }
    for r in roots {
        assert_eq!(
            env.read(&format!("project/{r}/skills/demo/SKILL.md")),
            text,
            "{r}"
        );
    }
    let t = theirs(&bin, &env);
    assert!(t.is_empty(), "SkillMeat sees drift after our deploy: {t:?}");
}
