//! Checks the invariants of ARCHITECTURE.md that a machine can check: the core knows nothing of
//! LSP or async, protocol types stay in the language server's folder, `lsp_types` in its handlers
//! and boundary modules, its JSON-RPC layer and URI conversions at its boundary, the server's
//! modules import each other without cycles, every Rust module opens with a `//!` line, no
//! source file is over 500 lines, and the declared `rust-version` is at least what every locked
//! dependency needs (the write path's entry: `architecture_writes.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root (two levels above this crate's manifest folder).
pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("server/core sits two levels below the repo root")
        .to_path_buf()
}

/// Every `.rs` file below `dir`, skipping build output and installed tools.
pub(crate) fn rust_files(dir: &Path) -> Vec<PathBuf> {
    source_files(dir, &["rs"])
}

/// Every file below `dir` whose extension is one of `exts`, skipping hidden folders, build
/// output (`target`, `out`, `dist`), installed packages (`node_modules`) and the e2e suite's
/// downloaded `runtime`.
fn source_files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            if p.is_dir() {
                if !["target", "node_modules", "out", "dist", "runtime"].contains(&&*name) {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| exts.iter().any(|e| x == *e)) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

pub(crate) fn relative(p: &Path) -> String {
    p.strip_prefix(repo_root())
        .unwrap_or(p)
        .display()
        .to_string()
}

#[test]
fn the_core_uses_no_lsp_or_async_crate() {
    let core = repo_root().join("server/core");
    let manifest = std::fs::read_to_string(core.join("Cargo.toml")).expect("core Cargo.toml");
    let forbidden = [
        "tower-lsp",
        "tower_lsp",
        "lsp-types",
        "lsp_types",
        "lsp-server",
        "tokio",
    ];
    for word in forbidden {
        assert!(
            !manifest.contains(word),
            "server/core/Cargo.toml names `{word}`: the core must stay free of LSP and async crates"
        );
    }
    let mut offenders = Vec::new();
    for file in rust_files(&core) {
        let text = std::fs::read_to_string(&file).expect("readable source");
        for word in ["tower_lsp", "lsp_types", "lsp_server", "tokio"] {
            if text.lines().any(|l| {
                let code = l.split("//").next().unwrap_or("");
                code.contains(&format!("{word}::")) || code.contains(&format!("use {word}"))
            }) {
                offenders.push(format!("{} uses {word}", relative(&file)));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "the core uses LSP/async crates:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn protocol_types_stay_in_the_language_server_folder() {
    let src = repo_root().join("server/src");
    let lsp = src.join("lsp");
    let mut offenders = Vec::new();
    for file in rust_files(&src) {
        if file.starts_with(&lsp) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable source");
        for word in ["tower_lsp", "lsp_types", "lsp_server"] {
            if text.contains(&format!("{word}::")) {
                offenders.push(format!("{} uses {word}", relative(&file)));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "LSP types outside server/src/lsp/:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn every_rust_module_opens_with_a_doc_line() {
    let root = repo_root();
    let mut missing = Vec::new();
    for dir in ["server", "tests"] {
        for file in rust_files(&root.join(dir)) {
            let text = std::fs::read_to_string(&file).expect("readable source");
            if !text.trim_start().starts_with("//!") {
                missing.push(relative(&file));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "modules without a `//!` opening line:\n{}",
        missing.join("\n")
    );
}

/// The most lines a source file may have: past it a file is split along its seams.
const MAX_LINES: usize = 500;

/// The files below `root` (Rust everywhere; Lua, TypeScript and JavaScript modules under
/// `editors/`) that are longer than [`MAX_LINES`], with their line counts.
fn files_over_the_line_limit(root: &Path) -> Vec<String> {
    let mut files = source_files(root, &["rs"]);
    files.extend(source_files(&root.join("editors"), &["lua", "ts", "mjs"]));
    files.sort();
    files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).ok()?.lines().count();
            (n > MAX_LINES).then(|| {
                format!(
                    "{} ({n} lines)",
                    f.strip_prefix(root).unwrap_or(f).display()
                )
            })
        })
        .collect()
}

#[test]
fn no_source_file_is_over_500_lines() {
    let long = files_over_the_line_limit(&repo_root());
    assert!(
        long.is_empty(),
        "source files over {MAX_LINES} lines (split them along their seams):\n{}",
        long.join("\n")
    );
}

#[test]
fn the_line_limit_check_finds_a_long_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lua = dir.path().join("editors/nvim/lua");
    std::fs::create_dir_all(&lua).expect("folders");
    std::fs::create_dir_all(dir.path().join("server/src")).expect("folders");
    std::fs::create_dir_all(dir.path().join("target")).expect("folders");
    let lines = |n: usize| "x\n".repeat(n);
    std::fs::write(dir.path().join("server/src/ok.rs"), lines(MAX_LINES)).expect("write");
    std::fs::write(dir.path().join("server/src/long.rs"), lines(MAX_LINES + 1)).expect("write");
    std::fs::write(lua.join("long.lua"), lines(MAX_LINES + 1)).expect("write");
    std::fs::write(dir.path().join("target/built.rs"), lines(MAX_LINES + 1)).expect("write");
    assert_eq!(
        files_over_the_line_limit(dir.path()),
        [
            format!("editors/nvim/lua/long.lua ({} lines)", MAX_LINES + 1),
            format!("server/src/long.rs ({} lines)", MAX_LINES + 1),
        ]
    );
}

/// The language server's modules (files and folders right under `server/src/lsp/`) that `file`
/// imports: `super::x` from a file right under `lsp/`, `crate::lsp::x` from anywhere, each also
/// in a `{a, b}` group.
fn lsp_imports(lsp: &Path, file: &Path, modules: &[String]) -> Vec<String> {
    let text = std::fs::read_to_string(file).expect("readable source");
    let top_level = file.parent() == Some(lsp);
    let mut prefixes = vec!["crate::lsp::"];
    if top_level {
        prefixes.push("super::");
    }
    let mut out = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for prefix in &prefixes {
            for (at, _) in code.match_indices(prefix) {
                let rest = &code[at + prefix.len()..];
                let names: Vec<&str> = match rest.strip_prefix('{') {
                    Some(group) => group
                        .split('}')
                        .next()
                        .unwrap_or("")
                        .split(',')
                        .map(|n| n.trim().split("::").next().unwrap_or(""))
                        .collect(),
                    None => vec![rest
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                        .unwrap_or("")],
                };
                for n in names {
                    if modules.iter().any(|m| m == n) && !out.iter().any(|o| o == n) {
                        out.push(n.to_string());
                    }
                }
            }
        }
    }
    out
}

#[test]
fn the_language_servers_modules_import_each_other_without_cycles() {
    let lsp = repo_root().join("server/src/lsp");
    let mut modules: Vec<String> = std::fs::read_dir(&lsp)
        .expect("server/src/lsp")
        .flatten()
        .map(|e| {
            e.file_name()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string()
        })
        .filter(|m| m != "mod" && m != "tests")
        .collect();
    modules.sort();
    let mut edges: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for file in rust_files(&lsp) {
        let rel = file.strip_prefix(&lsp).expect("inside lsp");
        let top = rel
            .components()
            .next()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .unwrap_or_default();
        // The root wires everything together, and the in-process tests use everything.
        if top == "mod" || top == "tests" {
            continue;
        }
        for m in lsp_imports(&lsp, &file, &modules) {
            let e = edges.entry(top.clone()).or_default();
            if m != top && !e.contains(&m) {
                e.push(m);
            }
        }
    }
    // Depth-first search for a cycle, reporting the first one found as a path.
    fn visit(
        m: &str,
        edges: &std::collections::BTreeMap<String, Vec<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == m) {
            let mut cycle = path[at..].to_vec();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for n in edges.get(m).into_iter().flatten() {
            if let Some(c) = visit(n, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = Default::default();
    for m in &modules {
        if let Some(cycle) = visit(m, &edges, &mut Vec::new(), &mut done) {
            panic!(
                "server/src/lsp modules import each other in a cycle: {}",
                cycle.join(" → ")
            );
        }
    }
}

#[test]
fn the_json_rpc_layer_and_uri_conversions_stay_at_the_boundary() {
    let lsp = repo_root().join("server/src/lsp");
    // Where `lsp_server` (messages, ids, request errors) may be named: the transport, the main
    // loop and its owner, what we send, cancellation, the handlers and `to_proto`.
    let json_rpc = [
        "transport/",
        "main_loop.rs",
        "owner.rs",
        "pending.rs",
        "client.rs",
        "cancel.rs",
        "handlers/",
        "to_proto.rs",
    ];
    // Where a URI becomes a path or back: `from_proto` and `to_proto` (and the tests).
    let uris = ["from_proto.rs", "to_proto.rs", "tests/"];
    let mut offenders = Vec::new();
    for file in rust_files(&lsp) {
        let rel = file
            .strip_prefix(&lsp)
            .expect("inside lsp")
            .display()
            .to_string();
        let text = std::fs::read_to_string(&file).expect("readable source");
        let code: Vec<&str> = text
            .lines()
            .map(|l| l.split("//").next().unwrap_or(""))
            .collect();
        let allowed = |list: &[&str]| list.iter().any(|a| rel == *a || rel.starts_with(a));
        if !allowed(&json_rpc) && code.iter().any(|l| l.contains("lsp_server")) {
            offenders.push(format!("{rel} names lsp_server (the JSON-RPC layer)"));
        }
        for call in ["to_file_path", "from_file_path", "Url::parse"] {
            if !allowed(&uris) && code.iter().any(|l| l.contains(call)) {
                offenders.push(format!("{rel} calls {call}: use from_proto / to_proto"));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "protocol details outside the boundary modules of server/src/lsp:\n{}",
        offenders.join("\n")
    );
}

/// The modules of `server/src/lsp/` that may name `lsp_types`: the protocol side (the transport,
/// the main loop and its owner, our requests awaiting answers, what we send, the client's
/// capabilities, progress, UTF-16 positions, publishing diagnostics, `to_proto`/`from_proto`),
/// the handlers with the features they call (`handlers/`), and the in-process tests. The rest
/// (the state and its changes: folders, documents, files, upstream checks, settings, command
/// arguments, events, the watcher) works in core and plain types.
const PROTOCOL_SIDE: &[&str] = &[
    "transport/",
    "main_loop.rs",
    "owner.rs",
    "pending.rs",
    "client.rs",
    "caps.rs",
    "progress.rs",
    "pos.rs",
    "publish.rs",
    "to_proto.rs",
    "from_proto.rs",
    "handlers/",
    "tests/",
];

/// The files below `lsp` (the language server's folder) outside [`PROTOCOL_SIDE`] whose code
/// (comments aside) names `lsp_types`.
fn lsp_types_outside_the_protocol_side(lsp: &Path) -> Vec<String> {
    rust_files(lsp)
        .iter()
        .filter_map(|file| {
            let rel = file.strip_prefix(lsp).ok()?.display().to_string();
            if PROTOCOL_SIDE
                .iter()
                .any(|a| rel == *a || rel.starts_with(a))
            {
                return None;
            }
            let text = std::fs::read_to_string(file).ok()?;
            text.lines()
                .any(|l| l.split("//").next().unwrap_or("").contains("lsp_types"))
                .then_some(rel)
        })
        .collect()
}

#[test]
fn lsp_types_stay_in_the_handlers_and_the_boundary_modules() {
    let offenders = lsp_types_outside_the_protocol_side(&repo_root().join("server/src/lsp"));
    assert!(
        offenders.is_empty(),
        "modules of server/src/lsp that name lsp_types outside the handlers and the boundary \
         modules (return core or plain types and convert in the handler or to_proto):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_lsp_types_check_finds_a_state_module_naming_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lsp = dir.path();
    std::fs::create_dir_all(lsp.join("handlers")).expect("folders");
    let uses = "//! x\nuse lsp_types::Diagnostic;\n";
    std::fs::write(lsp.join("state.rs"), uses).expect("write");
    std::fs::write(lsp.join("handlers/hover.rs"), uses).expect("write");
    std::fs::write(lsp.join("to_proto.rs"), uses).expect("write");
    std::fs::write(
        lsp.join("folders.rs"),
        "//! lsp_types named in a comment only\n",
    )
    .expect("write");
    assert_eq!(lsp_types_outside_the_protocol_side(lsp), ["state.rs"]);
}

/// Parses `1.89` or `1.89.0` into comparable (major, minor, patch).
fn version(v: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = v.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    parts.resize(3, 0);
    parts
}

#[test]
fn declared_rust_version_covers_every_locked_dependency() {
    let root = repo_root();
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(&root)
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let packages = meta["packages"].as_array().expect("packages");
    let declared: Vec<u64> = packages
        .iter()
        .find(|p| p["name"] == "skillmeat-core")
        .and_then(|p| p["rust_version"].as_str())
        .map(version)
        .expect("skillmeat-core declares rust-version");
    let mut needs_more = Vec::new();
    for p in packages {
        if let Some(rv) = p["rust_version"].as_str() {
            if version(rv) > declared {
                needs_more.push(format!("{} {} needs Rust {rv}", p["name"], p["version"]));
            }
        }
    }
    assert!(
        needs_more.is_empty(),
        "the workspace's rust-version is older than its dependencies need:\n{}",
        needs_more.join("\n")
    );
}
