//! Our `status` against the real SkillMeat 0.74 `sync-check` on the same 100 deployed skills.
//!
//! The SkillMeat side is built in a temporary, isolated home by writing the files SkillMeat's own
//! `collection create` / `add` / `init` / `deploy` write (captured in the shared reference), with
//! deploy hashes from our `tree`/`hash` code — seconds instead of the ~7 minutes of 100 real
//! `skillmeat add` runs. One `sync-check` run confirms SkillMeat reads it as fully synced; if it
//! does not, the slow real set-up (`scripts/skillmeat-synccheck.sh --setup`) is used instead.
//! SkillMeat runs exactly as that script runs it: `env -i` with a minimal environment whose HOME
//! is the isolated home (SkillMeat 0.74 has no config-dir variable), stdin from /dev/null.
//!
//! What `sync-check` itself needs (found by deleting files one at a time): only the collection's
//! `skills/<name>/` folders (it scans them, ignoring `collection.toml`'s `[[artifacts]]`; a missing
//! `collection.toml` is auto-created with `artifacts = []`) and the project's
//! `.claude/.skillmeat-deployed.toml` entries with `artifact_name`, `artifact_type`,
//! `from_collection` (a missing one is a `KeyError` crash, exit 1), `deployed_at`,
//! `artifact_path` and `content_hash`. The rest is written so the layout is the one SkillMeat
//! leaves (only `deploy`'s automatic snapshot tarball is left out), which our side reads too.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use skillmeat_core::{hash, time, tree};

use crate::report::{self, line, median};

pub const SKILLS: usize = 100;
const COLLECTION: &str = "default";
const BUDGET_RATIO: f64 = 200.0;

/// The repository root: the folder holding `scripts/setup-skillmeat.sh`, from this crate's
/// build-time location, else walking up from the current folder.
fn repo_root() -> Option<PathBuf> {
    let is_root = |p: &Path| p.join("scripts/setup-skillmeat.sh").is_file();
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if is_root(&built) {
        return built.canonicalize().ok();
    }
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors().find(|p| is_root(p)).map(Path::to_path_buf)
}

/// `.tools/skillmeat-venv/bin/skillmeat` (what `scripts/setup-skillmeat.sh` installs), else
/// `skillmeat` on PATH.
fn find_skillmeat(root: Option<&Path>) -> Option<PathBuf> {
    if let Some(root) = root {
        let venv = root.join(".tools/skillmeat-venv/bin/skillmeat");
        if venv.is_file() {
            return Some(venv);
        }
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("skillmeat"))
        .find(|p| p.is_file())
}

/// `skillmeat ARGS` under the isolated environment of `scripts/skillmeat-synccheck.sh`.
fn skillmeat_cmd(sm: &Path, home: &Path) -> Command {
    let venv_bin = sm.parent().unwrap_or(Path::new("/usr/bin"));
    let mut c = Command::new(sm);
    c.env_clear()
        .env(
            "PATH",
            format!("{}:/usr/local/bin:/usr/bin:/bin", venv_bin.display()),
        )
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("TMPDIR", home.join("tmp"))
        .env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8")
        .env("TERM", "dumb")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .env("SKILLMEAT_DISABLE_KEYCHAIN", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null());
    c
}

fn sync_check_cmd(sm: &Path, home: &Path, project: &Path) -> Command {
    let mut c = skillmeat_cmd(sm, home);
    c.arg("sync-check").arg(project).args(["--format", "json"]);
    c
}

/// What one `sync-check` run said.
struct Verdict {
    code: i32,
    drift_detected: Option<bool>,
    drift_count: u64,
    listed: Vec<String>,
    stderr_tail: String,
}

fn sync_check_once(sm: &Path, home: &Path, project: &Path) -> anyhow::Result<Verdict> {
    let out = sync_check_cmd(sm, home, project).output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The JSON object is the last thing printed; anything before it would be log noise.
    let json: Option<serde_json::Value> = stdout
        .find('{')
        .and_then(|i| serde_json::from_str(&stdout[i..]).ok());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
    let listed = json
        .as_ref()
        .and_then(|j| j.get("artifacts"))
        .and_then(|a| a.as_array())
        .map(|a| {
            a.iter()
                .map(|x| {
                    format!(
                        "{} {}",
                        x.get("name").and_then(|v| v.as_str()).unwrap_or("?"),
                        x.get("drift_type").and_then(|v| v.as_str()).unwrap_or("?")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Verdict {
        code: out.status.code().unwrap_or(-1),
        drift_detected: json
            .as_ref()
            .and_then(|j| j.get("drift_detected"))
            .and_then(|v| v.as_bool()),
        drift_count: json
            .as_ref()
            .and_then(|j| j.get("drift_count"))
            .and_then(|v| v.as_u64())
            .unwrap_or(0),
        listed,
        stderr_tail: tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
    })
}

fn toml_str(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// A random-looking version-4 UUID without a UUID crate (SkillMeat only stores it).
fn uuid4(seed: &str) -> String {
    let h = hash::hash_bytes(format!("{seed}{}{}", time::now_ns(), std::process::id()).as_bytes());
    format!(
        "{}-{}-4{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// Writes what SkillMeat 0.74 leaves behind after `collection create default`, `add skill` ×n,
/// `init` in the project and `deploy <all> --project`: the collection's skills, `collection.toml`,
/// `collection.lock`, `config.toml`, the deployed copies, `.claude/.skillmeat-deployed.toml`, and
/// the project's `.skillmeat/manifest.toml` and `.claude/.skillmeat-project.toml`.
fn write_skillmeat_layout(home: &Path, project: &Path, n: usize) -> anyhow::Result<()> {
    let sm_root = home.join(".skillmeat");
    let coll = sm_root.join("collections").join(COLLECTION);
    for kind in ["skills", "commands", "agents", "workflows"] {
        fs::create_dir_all(coll.join(kind))?;
    }
    fs::create_dir_all(home.join("tmp"))?;
    // The generator is deterministic, so writing it twice gives the copy `deploy` would make.
    crate::drift::generate(&coll, n)?;
    crate::drift::generate(&project.join(".claude"), n)?;

    let created = time::now_naive();
    fs::write(
        sm_root.join("config.toml"),
        format!(
            "[settings]\ndefault-collection = \"{COLLECTION}\"\nupdate-strategy = \"prompt\"\n\n\
             [analytics]\nenabled = true\nretention-days = 90\n\n\
             [artifact_search]\nindexing_mode = \"opt_in\"\n"
        ),
    )?;

    let mut names: Vec<String> = fs::read_dir(coll.join("skills"))?
        .map(|e| Ok(e?.file_name().to_string_lossy().into_owned()))
        .collect::<anyhow::Result<_>>()?;
    names.sort();
    let mut manifest = format!(
        "[collection]\nname = \"{COLLECTION}\"\nversion = \"1.0.0\"\ncreated = \"{created}\"\nupdated = \"{created}\"\n"
    );
    let mut lock = "[lock]\nversion = \"1.0.0\"\n".to_string();
    let mut deployed = String::new();
    for name in &names {
        let rel = format!("skills/{name}");
        let hash = tree::read_artifact(&coll.join(&rel), skillmeat_core::Shape::Folder)?
            .content_hash(skillmeat_core::Shape::Folder);
        let description = toml_str("generated SKILL.md");
        let q = toml_str(name);
        let at = time::now_naive();
        manifest.push_str(&format!(
            "\n[[artifacts]]\nname = {q}\ntype = \"skill\"\npath = \"{rel}\"\norigin = \"local\"\nadded = \"{at}\"\n\n\
             [artifacts.metadata]\ndescription = {description}\n\n\
             [artifacts.metadata.extra]\nname = {q}\n\n\
             [artifacts.metadata.extra.frontmatter]\nname = {q}\ndescription = {description}\n"
        ));
        lock.push_str(&format!(
            "\n[lock.entries.\"{name}::skill\"]\ncontent_hash = \"{hash}\"\nfetched = \"{at}\"\n"
        ));
        if !deployed.is_empty() {
            deployed.push('\n');
        }
        deployed.push_str(&format!(
            "[[deployed]]\nartifact_name = {q}\nartifact_type = \"skill\"\nfrom_collection = \"{COLLECTION}\"\n\
             deployed_at = \"{at}\"\nartifact_path = \"{rel}\"\ncontent_hash = \"{hash}\"\n\
             local_modifications = false\nversion_lineage = [\n    \"{hash}\",\n]\n\
             merge_base_snapshot = \"{hash}\"\ndeployment_profile_id = \"claude_code\"\n\
             platform = \"claude_code\"\nprofile_root_dir = \".claude\"\ncollection_sha = \"{hash}\"\n"
        ));
    }
    fs::write(coll.join("collection.toml"), manifest)?;
    fs::write(coll.join("collection.lock"), lock)?;
    fs::write(
        project
            .join(".claude")
            .join(skillmeat_core::compat::FILE_NAME),
        deployed,
    )?;

    let project_name = project
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    let p = toml_str(&project.display().to_string());
    let pn = toml_str(&project_name);
    fs::create_dir_all(project.join(".skillmeat"))?;
    fs::write(
        project.join(".skillmeat/manifest.toml"),
        format!(
            "[project]\nname = {pn}\nuuid = \"{}\"\npath = {p}\ncreated_at = \"{created}\"\n",
            uuid4(&project_name)
        ),
    )?;
    fs::write(
        project.join(".claude/.skillmeat-project.toml"),
        format!("[project]\npath = {p}\nname = {pn}\ncreated_at = \"{created}\"\n"),
    )?;
    Ok(())
}

/// The slow, real set-up: `skillmeat add` ×n and `deploy` through the shell script.
fn real_setup(root: &Path, home: &Path, project: &Path, n: usize) -> anyhow::Result<()> {
    let out = Command::new(root.join("scripts/skillmeat-synccheck.sh"))
        .arg("--setup")
        .arg(n.to_string())
        .arg("--home")
        .arg(home)
        .arg(project)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "scripts/skillmeat-synccheck.sh --setup {n} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

pub fn run(bin: &Path) -> anyhow::Result<()> {
    println!("skillmeat — our `status` vs SkillMeat's `sync-check`, {SKILLS} deployed skills");
    let root = repo_root();
    let Some(sm) = find_skillmeat(root.as_deref()) else {
        println!(
            "  skipped: the SkillMeat CLI is not installed (neither .tools/skillmeat-venv nor `skillmeat` on PATH); \
             run scripts/setup-skillmeat.sh to enable this comparison\n"
        );
        return Ok(());
    };
    println!("  SkillMeat: {}", sm.display());

    let dir = tempfile::tempdir()?;
    // Canonical paths: SkillMeat resolves the project path, and so should the files naming it.
    let base = dir.path().canonicalize()?;
    let mut home = base.join("home");
    let mut project = base.join("project");
    fs::create_dir_all(&project)?;
    let t = Instant::now();
    write_skillmeat_layout(&home, &project, SKILLS)?;
    line(
        "write the SkillMeat home + deployed project (setup)",
        t.elapsed(),
        None,
    );

    let t = Instant::now();
    let mut verdict = sync_check_once(&sm, &home, &project)?;
    line("first sync-check (verifies the layout)", t.elapsed(), None);
    if verdict.drift_detected != Some(false) || verdict.code != 0 {
        println!(
            "  SkillMeat did not read the generated layout as synced (exit {}, drift_detected {:?}, {} drifted: {}{}); \
             falling back to the real set-up, `scripts/skillmeat-synccheck.sh --setup {SKILLS}` (~7 min)",
            verdict.code,
            verdict.drift_detected,
            verdict.drift_count,
            verdict.listed.iter().take(3).cloned().collect::<Vec<_>>().join(", "),
            if verdict.stderr_tail.is_empty() {
                String::new()
            } else {
                format!("; stderr:\n{}\n", verdict.stderr_tail)
            }
        );
        let Some(root) = root.as_deref() else {
            anyhow::bail!(
                "no repository root (scripts/skillmeat-synccheck.sh) for the real set-up"
            );
        };
        home = base.join("real-home");
        project = base.join("real-project");
        let t = Instant::now();
        real_setup(root, &home, &project, SKILLS)?;
        line(
            "real SkillMeat set-up (add ×100, deploy)",
            t.elapsed(),
            None,
        );
        verdict = sync_check_once(&sm, &home, &project)?;
    }
    let collection = home.join(".skillmeat/collections").join(COLLECTION);

    let sm_time = median(3, || {
        report::run_child(&mut sync_check_cmd(&sm, &home, &project))?;
        Ok(())
    })?;
    line(
        "SkillMeat sync-check, whole process (median of 3)",
        sm_time,
        None,
    );
    report::rss_line(
        "peak RSS of SkillMeat sync-check",
        report::peak_rss_mib(&sync_check_cmd(&sm, &home, &project)),
        None,
    );

    let status_cmd = |json: bool| {
        let mut c = Command::new(bin);
        c.arg("--workspace")
            .arg(&project)
            .arg("--collection")
            .arg(&collection);
        if json {
            c.arg("--json");
        }
        c.arg("status").stdin(Stdio::null());
        c
    };
    // First use imports SkillMeat's deployment records; it also warms the stat cache.
    let first = status_cmd(true).output()?;
    let ours_code = first.status.code().unwrap_or(-1);
    let report: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap_or_default();
    let synced = report
        .pointer("/summary/synced")
        .and_then(|v| v.as_u64())
        .unwrap_or(0);
    // Files written less than the racy window ago are never trusted from the stat cache.
    std::thread::sleep(Duration::from_millis(1100));
    status_cmd(false).output()?;

    let ours = median(11, || {
        report::run_child(&mut status_cmd(false))?;
        Ok(())
    })?;
    line("our status, warm, whole process (median of 11)", ours, None);
    report::rss_line(
        "peak RSS of our status",
        report::peak_rss_mib(&status_cmd(false)),
        None,
    );
    let ratio = report::ms(sm_time) / report::ms(ours);
    println!(
        "  {:<52} {:>9.0} ×    budget ≥ {BUDGET_RATIO}×: {}",
        "sync-check time / status time",
        ratio,
        if ratio >= BUDGET_RATIO { "ok" } else { "UNDER" }
    );

    let ours_ok = ours_code == 0 && synced == SKILLS as u64;
    let theirs_ok = verdict.code == 0 && verdict.drift_detected == Some(false);
    println!(
        "  verdicts: ours exit {ours_code}, {synced}/{SKILLS} synced; SkillMeat exit {}, drift_detected {}",
        verdict.code,
        verdict
            .drift_detected
            .map_or("missing".to_string(), |b| b.to_string())
    );
    if ours_ok != theirs_ok {
        println!(
            "  DISAGREE: {} on the same SkillMeat-written project (SkillMeat lists: {})",
            if ours_ok {
                "we say all synced, SkillMeat reports drift"
            } else {
                "SkillMeat says no drift, our status does not report all synced"
            },
            verdict.listed.join(", ")
        );
    } else if !ours_ok {
        println!("  both report drift on a project that should be synced: the set-up is wrong");
    }
    control(&sm, &home, &collection, &project, status_cmd(true))?;
    println!();
    Ok(())
}

/// A negative control, so "no drift" cannot come from SkillMeat reading no deployments at all:
/// after one collection-side edit both tools must name exactly that skill as outdated. (A
/// collection edit, not a project edit: SkillMeat records a version for each new project edit,
/// which costs it ~30 s on a locked cache database.)
fn control(
    sm: &Path,
    home: &Path,
    collection: &Path,
    project: &Path,
    mut ours: Command,
) -> anyhow::Result<()> {
    let skills = collection.join("skills");
    let mut names: Vec<String> = fs::read_dir(&skills)?
        .map(|e| Ok(e?.file_name().to_string_lossy().into_owned()))
        .collect::<anyhow::Result<_>>()?;
    names.sort();
    let name = &names[names.len() / 2];
    let skill_md = skills.join(name).join("SKILL.md");
    let mut text = fs::read_to_string(&skill_md)?;
    text.push_str("\nOne more line, added in the collection.\n");
    fs::write(&skill_md, text)?;

    let theirs = sync_check_once(sm, home, project)?;
    let out = ours.output()?;
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let ours_listed: Vec<String> = report
        .get("artifacts")
        .and_then(|a| a.as_array())
        .into_iter()
        .flatten()
        .filter(|a| a.get("state").and_then(|s| s.as_str()) != Some("synced"))
        .map(|a| {
            format!(
                "{} {}",
                a.get("name").and_then(|v| v.as_str()).unwrap_or("?"),
                a.get("state").and_then(|v| v.as_str()).unwrap_or("?")
            )
        })
        .collect();
    let want = vec![format!("{name} outdated")];
    let verdict = if theirs.listed == want && ours_listed == want {
        "both ok"
    } else {
        "MISMATCH"
    };
    println!(
        "  control, one collection edit to {name}: SkillMeat lists [{}] (exit {}), ours [{}] (exit {}): {verdict}",
        theirs.listed.join(", "),
        theirs.code,
        ours_listed.join(", "),
        out.status.code().unwrap_or(-1)
    );
    Ok(())
}
