//! Unit tests of `spec`.
use super::*;

fn git(s: &str, path: Option<&str>, r: Option<&str>) -> Upstream {
    match parse_source(s, path, r, Path::new("/nonexistent-base")).unwrap() {
        Source::Git(u) => u,
        other => panic!("{s}: {other:?}"),
    }
}

fn gh(owner: &str, repo: &str) -> Option<GitHub> {
    Some(GitHub {
        owner: owner.into(),
        repo: repo.into(),
    })
}

#[test]
fn skillmeat_spec_is_a_github_repository_path_and_ref() {
    let u = git("anthropics/skills/document-skills/pdf@v1.2.0", None, None);
    assert_eq!(u.url, "https://github.com/anthropics/skills");
    assert_eq!(u.path, "document-skills/pdf");
    assert_eq!(u.reference.as_deref(), Some("v1.2.0"));
    assert_eq!(u.github, gh("anthropics", "skills"));
    assert_eq!(u.name_hint(), "pdf");
}

#[test]
fn spec_without_ref_or_with_latest_follows_the_default_branch() {
    assert_eq!(
        git("user/repo/commands/review.md", None, None).reference,
        None
    );
    assert_eq!(git("user/repo@latest", None, None).reference, None);
    let whole = git("user/my-repo", None, None);
    assert_eq!(whole.path, "");
    assert_eq!(whole.name_hint(), "my-repo");
    assert_eq!(
        git("user/repo/commands/review.md", None, None).name_hint(),
        "review"
    );
}

#[test]
fn github_tree_url_gives_ref_and_path() {
    let u = git("https://github.com/u/r/tree/main/skills/pdf/", None, None);
    assert_eq!(
        (u.url.as_str(), u.path.as_str(), u.reference.as_deref()),
        ("https://github.com/u/r", "skills/pdf", Some("main"))
    );
    let plain = git("https://github.com/u/r.git", Some("skills/x"), Some("dev"));
    assert_eq!(plain.url, "https://github.com/u/r");
    assert_eq!(plain.path, "skills/x");
    assert_eq!(plain.reference.as_deref(), Some("dev"));
    assert!(plain.github.is_some());
}

#[test]
fn a_ref_or_path_given_twice_differently_is_refused() {
    let base = Path::new("/");
    let e = parse_source("u/r/x@v1", None, Some("v2"), base).unwrap_err();
    assert!(e.to_string().contains("--ref says `v2`"), "{e}");
    assert!(parse_source("u/r/x@v1", None, Some("v1"), base).is_ok());
    let e = parse_source("https://github.com/u/r/tree/main/a", Some("b"), None, base).unwrap_err();
    assert!(e.to_string().contains("--path"), "{e}");
}

#[test]
fn any_git_url_is_taken_with_path_and_ref_flags() {
    for url in [
        "file:///srv/repos/skills.git",
        "https://git.example.com/team/skills.git",
        "ssh://git@example.com/team/skills.git",
        "git@example.com:team/skills.git",
    ] {
        let u = git(url, Some("./skills/pdf/"), Some("release/2"));
        assert_eq!(u.url, url);
        assert_eq!(u.path, "skills/pdf");
        assert_eq!(u.reference.as_deref(), Some("release/2"));
        assert_eq!(u.github, None);
    }
    assert_eq!(git("file:///srv/x.git", None, None).name_hint(), "x");
}

#[test]
fn paths_leaving_the_repository_are_refused() {
    for p in ["../x", "a/../../b", "/etc", "a\\b", "a/.."] {
        let e = normalize_path(p).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Invalid, "{p}");
        assert!(e.to_string().contains("leaves the repository"), "{e}");
    }
    assert_eq!(normalize_path(".").unwrap(), "");
    assert_eq!(normalize_path("./a//b/").unwrap(), "a/b");
    assert!(parse_source("u/r/../../x", None, None, Path::new("/")).is_err());
}

#[test]
fn option_like_and_command_running_sources_are_refused() {
    let base = Path::new("/");
    for bad in [
        "--upload-pack=touch /tmp/x",
        "ext::sh -c touch% /tmp/x",
        "fd::3",
        "javascript://x",
    ] {
        assert!(parse_source(bad, None, None, base).is_err(), "{bad}");
    }
    for bad in ["-x", "a..b", "a b", "x:y", "x~1", "refs/heads/x.lock"] {
        assert!(check_ref(bad).is_err(), "{bad}");
    }
}

#[test]
fn unknown_local_path_that_is_no_spec_is_not_found() {
    let e = parse_source("./nope/x", None, None, Path::new("/nonexistent")).unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::NotFound);
}

#[test]
fn local_folder_is_copied_and_local_repository_is_a_git_source() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("skill")).unwrap();
    std::fs::create_dir_all(dir.path().join("repo/.git")).unwrap();
    assert_eq!(
        parse_source("skill", None, None, dir.path()).unwrap(),
        Source::Local(dir.path().join("skill"))
    );
    let u = git(dir.path().join("repo").to_str().unwrap(), Some("s"), None);
    assert!(u.url.ends_with("/repo"));
    let e = parse_source("skill", Some("x"), None, dir.path()).unwrap_err();
    assert!(
        e.to_string().contains("not the top of a git repository"),
        "{e}"
    );
}

#[test]
fn manifest_forms_round_trip_through_the_record() {
    let id = ArtifactId::new(crate::ArtifactType::Skill, "pdf").unwrap();
    let sha = "0123456789abcdef0123456789abcdef01234567";
    for u in [
        git("u/r/skills/pdf@main", None, None),
        git("u/r/skills/pdf", None, None),
        git("file:///srv/x.git", Some("skills/pdf"), Some("v1")),
        git("file:///srv/x.git", None, None),
    ] {
        let rec = u.record(sha, None);
        let entry = ManifestEntry {
            upstream: Some(rec.upstream.clone()),
            upstream_path: rec.upstream_path.clone(),
            version_spec: Some(rec.version_spec.clone()),
            resolved_sha: Some(sha.into()),
            ..ManifestEntry::default()
        };
        assert_eq!(Upstream::from_manifest(&id, &entry).unwrap(), Some(u));
    }
}

#[test]
fn skillmeat_github_entry_reads_ref_from_version_spec_not_the_url() {
    let id = ArtifactId::new(crate::ArtifactType::Skill, "pdf").unwrap();
    let e = ManifestEntry {
        upstream: Some("https://github.com/u/r/tree/abc123/skills/pdf".into()),
        version_spec: Some("latest".into()),
        ..ManifestEntry::default()
    };
    let u = Upstream::from_manifest(&id, &e).unwrap().unwrap();
    assert_eq!((u.path.as_str(), u.reference), ("skills/pdf", None));
    let bad = ManifestEntry {
        upstream: Some("ext::sh -c x".into()),
        ..ManifestEntry::default()
    };
    let err = Upstream::from_manifest(&id, &bad).unwrap_err();
    assert_eq!(err.kind(), crate::ErrorKind::Malformed);
}
