#!/usr/bin/env python3
"""Writes the bundled demo (fixtures/collection, fixtures/project) with every drift state.

The project's .claude/.skillmeat-deployed.toml is what SkillMeat would have written at deploy
time; the hashes are SkillMeat's deploy hash (DESIGN §3), computed here the same way.
Run from the repository root: python3 scripts/make-demo-fixtures.py
"""
import hashlib
import shutil
from pathlib import Path

ROOT = Path("fixtures")


def skill(name, desc, body, extra=None):
    files = {"SKILL.md": f"---\nname: {name}\ndescription: {desc}\n---\n\n# {name}\n\n{body}"}
    files.update(extra or {})
    return files


def md(desc, body):
    return {"": f"---\ndescription: {desc}\n---\n\n{body}"}


def write(base: Path, files):
    for rel, text in files.items():
        p = base / rel if rel else base
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def content_hash(path: Path):
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    h = hashlib.sha256()
    for f in sorted(path.rglob("*")):
        if f.is_file():
            h.update(str(f.relative_to(path)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


PDF = skill("pdf-tools", "Extract text and tables from PDF files.",
            "Use `scripts/extract.py FILE` to pull text out of a PDF.\n\n## Steps\n\n1. Run the script.\n2. Summarise.\n",
            {"scripts/extract.py": "import sys\nprint(open(sys.argv[1], 'rb').read()[:100])\n"})
REVIEW_BASE = skill("code-review", "Review a diff for bugs and style.",
                    "Read the diff.\n\n## Checklist\n\n- Correctness\n- Tests\n- Naming\n")
REVIEW_PROJECT = skill("code-review", "Review a diff for bugs and style.",
                       "Read the diff.\n\n## Checklist\n\n- Correctness\n- Tests\n- Naming\n- Security: check input validation\n")
NOTES_BASE = skill("release-notes", "Draft release notes from merged pull requests.",
                   "List merged pull requests since the last tag.\n\nGroup them by label.\n")
NOTES_COLLECTION = skill("release-notes", "Draft release notes from merged pull requests.",
                         "List merged pull requests since the last tag.\n\nGroup them by label.\n\nLink every entry to its pull request.\n")
API_BASE = skill("api-design", "Design HTTP APIs.",
                 "Prefer nouns for resources.\n\nVersion in the path.\n",
                 {"reference.md": "# Status codes\n\n- 200 OK\n- 404 Not Found\n"})
API_PROJECT = skill("api-design", "Design HTTP APIs.",
                    "Prefer nouns for resources.\n\nVersion in the header.\n",
                    {"reference.md": "# Status codes\n\n- 200 OK\n- 404 Not Found\n"})
API_COLLECTION = skill("api-design", "Design HTTP APIs.",
                       "Prefer nouns for resources.\n\nVersion in the path, as /v1/.\n",
                       {"reference.md": "# Status codes\n\n- 200 OK\n- 201 Created\n- 404 Not Found\n"})
CMD_REVIEW = md("Review the current diff", "Review the staged changes and list problems by severity.\n")
CMD_COMMIT = md("Write a commit message", "Summarise the staged diff as a commit message.\n")
AGENT_PLANNER = {"": "---\nname: planner\ndescription: Plans work before coding\ntools: Read, Grep\n---\n\nYou plan. Break the task into steps.\n"}
AGENT_LEGACY = {"": "---\nname: legacy-helper\ndescription: An agent since removed from the collection\n---\n\nHelp with legacy code.\n"}
CMD_LOCAL = md("Notes for this project only", "Keep notes in NOTES.md.\n")

collection = {
    "skills/pdf-tools": PDF,
    "skills/code-review": REVIEW_BASE,
    "skills/release-notes": NOTES_COLLECTION,
    "skills/api-design": API_COLLECTION,
    "commands/review.md": CMD_REVIEW,
    "commands/commit.md": CMD_COMMIT,
    "agents/planner.md": AGENT_PLANNER,
}
project = {
    "skills/pdf-tools": PDF,
    "skills/code-review": REVIEW_PROJECT,
    "skills/release-notes": NOTES_BASE,
    "skills/api-design": API_PROJECT,
    "commands/review.md": CMD_REVIEW,
    "agents/planner.md": AGENT_PLANNER,
    "agents/legacy-helper.md": AGENT_LEGACY,
    "commands/local-notes.md": CMD_LOCAL,
}
# What was deployed: the baseline of each deployed artifact.
deployed = {
    "skills/pdf-tools": PDF,
    "skills/code-review": REVIEW_BASE,
    "skills/release-notes": NOTES_BASE,
    "skills/api-design": API_BASE,
    "commands/review.md": CMD_REVIEW,
    "commands/commit.md": CMD_COMMIT,
    "agents/planner.md": AGENT_PLANNER,
    "agents/legacy-helper.md": AGENT_LEGACY,
}

shutil.rmtree(ROOT / "collection", ignore_errors=True)
shutil.rmtree(ROOT / "project", ignore_errors=True)
for rel, files in collection.items():
    write(ROOT / "collection" / rel, files)
for rel, files in project.items():
    write(ROOT / "project/.claude" / rel, files)

scratch = ROOT / ".baseline-scratch"
entries = []
for i, (rel, files) in enumerate(deployed.items()):
    shutil.rmtree(scratch, ignore_errors=True)
    write(scratch / rel, files)
    h = content_hash(scratch / rel)
    kind = {"skills": "skill", "commands": "command", "agents": "agent"}[rel.split("/")[0]]
    name = rel.split("/")[1].removesuffix(".md")
    entries.append(f"""[[deployed]]
artifact_name = "{name}"
artifact_type = "{kind}"
from_collection = "default"
deployed_at = "2026-11-01T09:00:{i:02d}.000000"
artifact_path = "{rel}"
content_hash = "{h}"
local_modifications = false
version_lineage = [
    "{h}",
]
merge_base_snapshot = "{h}"
deployment_profile_id = "claude_code"
platform = "claude_code"
profile_root_dir = ".claude"
collection_sha = "{h}"
""")
shutil.rmtree(scratch, ignore_errors=True)
(ROOT / "project/.claude/.skillmeat-deployed.toml").write_text("\n".join(entries))
(ROOT / "collection/collection.toml").write_text('[collection]\nname = "default"\nversion = "1.0.0"\n')
print("wrote fixtures/collection and fixtures/project")
