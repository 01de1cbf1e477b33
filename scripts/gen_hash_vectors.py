#!/usr/bin/env python3
"""Generate SkillMeat content-hash test vectors with SkillMeat's own hash function.

Run with the python of the venv made by scripts/setup-skillmeat.sh:

    venv_bin=$(dirname "$(scripts/setup-skillmeat.sh)")
    "$venv_bin/python" scripts/gen_hash_vectors.py            # writes the JSON below
    "$venv_bin/python" scripts/gen_hash_vectors.py --check    # fails if the JSON is stale

Output: server/core/tests/data/skillmeat/hash_vectors.json, a list of
  {"name", "kind": "file"|"folder", "files": [{"path", "content_b64"}], "empty_dirs": [...],
   "hash": "<hex from skillmeat>"}
Each tree is materialized in a fresh temp dir and hashed with
`skillmeat.utils.filesystem.compute_content_hash` — the function SkillMeat 0.74's deploy uses for
the `content_hash` it records in `.claude/.skillmeat-deployed.toml` (core/deployment.py:
`content_hash = compute_content_hash(final_dest_path)`). For kind "file" the hashed path is the file
itself; for kind "folder" it is the folder holding `files` and `empty_dirs`.

Output is deterministic: fixed vectors, fixed order, hashes depend only on relative paths + bytes.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from skillmeat.utils.filesystem import compute_content_hash

EXPECTED_SKILLMEAT = "0.74.0"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "server/core/tests/data/skillmeat/hash_vectors.json"

SKILL_MD = b"""---
name: demo-skill
description: A demo skill used for hash vectors.
---

# Demo skill

Use this skill when you need a demo.
"""

HELPER_PY = b"""#!/usr/bin/env python3
def main():
    print("hello from helper")


if __name__ == "__main__":
    main()
"""

COMMAND_MD = b"""---
description: Review the current diff
---

Review the staged changes and list problems by severity.
"""

BINARY = bytes([0x00, 0xFF, 0x00, 0x01, 0xFE, 0x80, 0x7F, 0x00, 0xFF, 0xFF]) + bytes(range(256))
CRLF_MD = b"---\r\nname: crlf\r\ndescription: CRLF line endings\r\n---\r\n\r\n# Title\r\n\r\nline one\r\nline two\r\n"
NO_FINAL_NEWLINE = b"# no final newline\nlast line"
BIG = b"".join(b"line %05d of a file larger than the 8192-byte read chunk\n" % i for i in range(400))


def F(path: str, content: bytes) -> tuple[str, bytes]:
    return (path, content)


# (name, kind, files, empty_dirs). For kind "file", exactly one file whose path is the file name.
VECTORS: list[tuple[str, str, list[tuple[str, bytes]], list[str]]] = [
    # --- single-file artifacts: SHA-256 of the bytes only (the name is not hashed) ---
    ("file-command-md", "file", [F("review.md", COMMAND_MD)], []),
    ("file-empty", "file", [F("empty.md", b"")], []),
    ("file-crlf", "file", [F("crlf.md", CRLF_MD)], []),
    ("file-binary-nul-ff", "file", [F("blob.bin", BINARY)], []),
    ("file-no-final-newline", "file", [F("agent.md", NO_FINAL_NEWLINE)], []),
    ("file-unicode-name", "file", [F("é-agent.md", "# café ✓ 😀\n".encode())], []),
    ("file-larger-than-read-chunk", "file", [F("big.md", BIG)], []),
    # --- folder artifacts ---
    ("folder-skill-md-only", "folder", [F("SKILL.md", SKILL_MD)], []),
    (
        "folder-skill-nested-helper",
        "folder",
        [F("SKILL.md", SKILL_MD), F("scripts/helper.py", HELPER_PY)],
        [],
    ),
    (
        # Component-wise: ["a","b.txt"] < ["a-b.txt"] < ["a.txt"]; as plain strings "a-b.txt" <
        # "a.txt" < "a/b.txt" because '-' (0x2d) < '.' (0x2e) < '/' (0x2f).
        "folder-sort-slash-vs-dot-vs-dash",
        "folder",
        [F("a.txt", b"A.TXT\n"), F("a/b.txt", b"A/B.TXT\n"), F("a-b.txt", b"A-B.TXT\n"), F("SKILL.md", SKILL_MD)],
        [],
    ),
    (
        # ["a","b"] < ["a.b"] component-wise; "a.b" < "a/b" as strings.
        "folder-sort-dir-vs-dotted-name",
        "folder",
        [F("a/b", b"in dir a\n"), F("a.b", b"dotted\n"), F("SKILL.md", SKILL_MD)],
        [],
    ),
    (
        # Every ASCII char below '/' that may appear in a name, next to a directory "a".
        "folder-sort-chars-below-slash",
        "folder",
        [
            F("a/x", b"dir a\n"),
            F("a b", b"space\n"),
            F("a!b", b"bang\n"),
            F("a#b", b"hash\n"),
            F("a$b", b"dollar\n"),
            F("a%b", b"percent\n"),
            F("a&b", b"amp\n"),
            F("a'b", b"quote\n"),
            F("a(b)", b"paren\n"),
            F("a+b", b"plus\n"),
            F("a,b", b"comma\n"),
            F("a-b", b"dash\n"),
            F("a.b", b"dot\n"),
            F("a0", b"zero\n"),
            F("SKILL.md", SKILL_MD),
        ],
        [],
    ),
    (
        "folder-sort-prefix-dirs",
        "folder",
        [
            F("ab/c", b"ab/c\n"),
            F("a/bc", b"a/bc\n"),
            F("a/b/c", b"a/b/c\n"),
            F("a/b.c", b"a/b.c\n"),
            F("a/b-c", b"a/b-c\n"),
            F("a-/c", b"a-/c\n"),
            F("a.d/c", b"a.d/c\n"),
            F("SKILL.md", SKILL_MD),
        ],
        [],
    ),
    (
        "folder-nested-deep",
        "folder",
        [
            F("SKILL.md", SKILL_MD),
            F("a/b/c/d/e.txt", b"deep\n"),
            F("a/b/c.txt", b"c\n"),
            F("a/b.txt", b"b\n"),
            F("a/bc.txt", b"bc\n"),
            F("references/api/v1/notes.md", b"# notes\n"),
            F("references/api.md", b"# api\n"),
            F("scripts/helper.py", HELPER_PY),
            F("scripts/lib/util.py", b"X = 1\n"),
        ],
        [],
    ),
    (
        # Python compares str by code point: "SKILL.md" < "Z.md" < "a.md" < "z.md" < "é.md" (U+00E9)
        # < "ß" ... ; U+FF5E (fullwidth tilde) < U+1F600 (emoji) by code point, although UTF-16
        # would order the emoji's surrogate pair (0xD83D) first.
        "folder-unicode-names-codepoint-order",
        "folder",
        [
            F("SKILL.md", SKILL_MD),
            F("é.md", "e-acute\n".encode()),
            F("z.md", b"lower z\n"),
            F("Z.md", b"upper Z\n"),
            F("a.md", b"lower a\n"),
            F("ß.md", "sharp s\n".encode()),
            F("日本語/説明.md", "japanese\n".encode()),
            F("\uff5e.md", "fullwidth tilde\n".encode()),
            F("\U0001F600.md", "emoji\n".encode()),
            F("café/ünïcödé.txt", "nested unicode\n".encode()),
        ],
        [],
    ),
    (
        # NFD "e\u0301" is a different name (different bytes) from NFC "é": no normalization.
        "folder-unicode-nfd-name",
        "folder",
        [F("SKILL.md", SKILL_MD), F("e\u0301.md", "e + combining acute\n".encode())],
        [],
    ),
    (
        "folder-empty-files",
        "folder",
        [F("SKILL.md", b""), F("empty.txt", b""), F("sub/also-empty", b"")],
        [],
    ),
    (
        "folder-binary-files",
        "folder",
        [F("SKILL.md", SKILL_MD), F("assets/blob.bin", BINARY), F("assets/ff.bin", b"\xff" * 64), F("nul.bin", b"\x00")],
        [],
    ),
    (
        "folder-crlf-content",
        "folder",
        [F("SKILL.md", CRLF_MD), F("scripts/run.sh", b"#!/bin/sh\r\necho hi\r\n"), F("mixed.txt", b"lf\ncrlf\r\ncr\rend")],
        [],
    ),
    (
        # Empty folders contribute nothing: same hash as folder-skill-nested-helper.
        "folder-with-empty-dirs",
        "folder",
        [F("SKILL.md", SKILL_MD), F("scripts/helper.py", HELPER_PY)],
        ["templates", "a/deep/empty", "scripts/empty"],
    ),
    (
        # rglob("*") includes dot-files and dot-folders; nothing is excluded.
        "folder-hidden-files-included",
        "folder",
        [F("SKILL.md", SKILL_MD), F(".hidden", b"hidden\n"), F(".config/settings.json", b"{}\n"), F(".DS_Store", b"\x00\x00\x00\x01Bud1")],
        [],
    ),
    ("folder-larger-than-read-chunk", "folder", [F("SKILL.md", SKILL_MD), F("big.md", BIG)], []),
    # No separator between path and content: these two trees hash identically.
    ("folder-concat-ambiguity-ab-c", "folder", [F("ab", b"c")], []),
    ("folder-concat-ambiguity-a-bc", "folder", [F("a", b"bc")], []),
]


def materialize(root: Path, files: list[tuple[str, bytes]], empty_dirs: list[str]) -> None:
    for d in empty_dirs:
        (root / d).mkdir(parents=True, exist_ok=True)
    for rel, content in files:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content)


def compute(name: str, kind: str, files: list[tuple[str, bytes]], empty_dirs: list[str]) -> str:
    with tempfile.TemporaryDirectory(prefix="skillmeat-hash-") as tmp:
        tmp_path = Path(tmp)
        if kind == "file":
            assert len(files) == 1 and "/" not in files[0][0] and not empty_dirs, name
            target = tmp_path / files[0][0]
            target.write_bytes(files[0][1])
        else:
            target = tmp_path / "artifact"
            target.mkdir()
            materialize(target, files, empty_dirs)
        return compute_content_hash(target)


def build() -> list[dict]:
    names = [v[0] for v in VECTORS]
    assert len(names) == len(set(names)), "duplicate vector names"
    out = []
    for name, kind, files, empty_dirs in VECTORS:
        out.append(
            {
                "name": name,
                "kind": kind,
                "files": [{"path": p, "content_b64": base64.b64encode(c).decode("ascii")} for p, c in files],
                "empty_dirs": list(empty_dirs),
                "hash": compute(name, kind, files, empty_dirs),
            }
        )
    by_name = {v["name"]: v["hash"] for v in out}
    # Facts the vectors are meant to pin down; fail loudly if SkillMeat ever disagrees.
    assert by_name["folder-with-empty-dirs"] == by_name["folder-skill-nested-helper"]
    assert by_name["folder-concat-ambiguity-ab-c"] == by_name["folder-concat-ambiguity-a-bc"]
    assert by_name["file-empty"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    return out


def render(vectors: list[dict]) -> str:
    return json.dumps(vectors, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    args = ap.parse_args()

    v = version("skillmeat")
    if v != EXPECTED_SKILLMEAT:
        print(f"gen_hash_vectors: skillmeat {v} installed, expected {EXPECTED_SKILLMEAT}", file=sys.stderr)
        return 2
    text = render(build())
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"gen_hash_vectors: {args.out} is stale; rerun without --check", file=sys.stderr)
            return 1
        print(f"gen_hash_vectors: {args.out} is up to date ({len(VECTORS)} vectors)")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"gen_hash_vectors: wrote {len(VECTORS)} vectors to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
