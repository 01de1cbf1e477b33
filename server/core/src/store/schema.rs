//! The lineage database's schema as numbered migrations, each with an up and a down step.
//!
//! `PRAGMA user_version` holds the number of the last applied migration. Never edit a released
//! migration: add a new one.

pub struct Migration {
    pub version: u32,
    pub up: &'static str,
    pub down: &'static str,
}

/// The SQL that swaps the rebuilt table `$table` in for `artifacts`, copying `$columns`. SQLite
/// cannot change a CHECK or UNIQUE, so migrations 5 and 7 rebuild the table (ids are kept, so
/// every reference stays valid). A macro, not a function: a migration's text is a literal.
macro_rules! swap_in_artifacts {
    ($table:literal, $columns:literal, $select:literal) => {
        concat!(
            "INSERT INTO ",
            $table,
            " (",
            $columns,
            ") SELECT ",
            $select,
            " FROM artifacts;\n",
            "DROP TABLE artifacts;\n",
            "ALTER TABLE ",
            $table,
            " RENAME TO artifacts;\n"
        )
    };
}

/// Schema 5's `artifacts` table (every type; one row per type and name) created as `$table`:
/// what migration 5 builds and migration 7's down step builds again.
macro_rules! artifacts_of_schema_5 {
    ($table:literal) => {
        concat!(
            "CREATE TABLE ",
            $table,
            r#" (
    id   INTEGER PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('skill', 'command', 'agent', 'hook', 'mcp')),
    name TEXT NOT NULL,
    UNIQUE (type, name)
);
"#
        )
    };
}

/// The SQL that deletes every deployment, version and artifact row of the ids in the temporary
/// table `gone` (what a down step removes because an older build cannot hold it), then `gone`.
macro_rules! delete_gone_lineage {
    () => {
        concat!(
            "DELETE FROM deployments WHERE artifact_id IN (SELECT id FROM gone);\n",
            "DELETE FROM version_files WHERE version_id IN\n",
            "    (SELECT id FROM versions WHERE artifact_id IN (SELECT id FROM gone));\n",
            "DELETE FROM version_parents WHERE version_id IN\n",
            "    (SELECT id FROM versions WHERE artifact_id IN (SELECT id FROM gone));\n",
            "DELETE FROM versions WHERE artifact_id IN (SELECT id FROM gone);\n",
            "DELETE FROM artifacts WHERE id IN (SELECT id FROM gone);\n",
            "DROP TABLE gone;\n"
        )
    };
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        up: r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE artifacts (
    id   INTEGER PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('skill', 'command', 'agent')),
    name TEXT NOT NULL,
    UNIQUE (type, name)
);
-- File contents, addressed by the SHA-256 of their bytes and shared by every version holding them.
CREATE TABLE blobs (
    hash TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    data BLOB NOT NULL
);
-- A version is a row, not a hash: the same content may come back later (A -> B -> A).
CREATE TABLE versions (
    id          INTEGER PRIMARY KEY,
    artifact_id INTEGER NOT NULL REFERENCES artifacts (id),
    number      INTEGER NOT NULL,
    hash        TEXT NOT NULL,
    origin      TEXT NOT NULL CHECK (origin IN
                  ('deployment', 'sync', 'local_modification', 'merge', 'rollback', 'import')),
    created_at  TEXT NOT NULL,
    tag         TEXT,
    message     TEXT,
    has_content INTEGER NOT NULL,
    UNIQUE (artifact_id, number),
    UNIQUE (artifact_id, tag)
);
CREATE INDEX versions_by_hash ON versions (artifact_id, hash);
CREATE TABLE version_parents (
    version_id INTEGER NOT NULL REFERENCES versions (id),
    parent_id  INTEGER NOT NULL REFERENCES versions (id),
    ord        INTEGER NOT NULL,
    PRIMARY KEY (version_id, ord)
);
CREATE INDEX parents_by_parent ON version_parents (parent_id);
CREATE TABLE version_files (
    version_id INTEGER NOT NULL REFERENCES versions (id),
    path       TEXT NOT NULL,
    blob_hash  TEXT NOT NULL REFERENCES blobs (hash),
    PRIMARY KEY (version_id, path)
);
-- The baseline: what we last deployed or synced into the project.
CREATE TABLE deployments (
    artifact_id         INTEGER PRIMARY KEY REFERENCES artifacts (id),
    baseline_version_id INTEGER NOT NULL REFERENCES versions (id),
    deployed_at         TEXT NOT NULL,
    from_collection     TEXT NOT NULL
);
CREATE TABLE audit_events (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    operation      TEXT NOT NULL,
    artifact       TEXT,
    direction      TEXT,
    strategy       TEXT,
    result         TEXT NOT NULL,
    duration_ms    INTEGER NOT NULL,
    conflict_files TEXT NOT NULL DEFAULT '[]',
    detail         TEXT
);
CREATE TABLE conflicts (
    id            INTEGER PRIMARY KEY,
    artifact_id   INTEGER NOT NULL REFERENCES artifacts (id),
    file_path     TEXT NOT NULL,
    detected_at   TEXT NOT NULL,
    base_hash     TEXT,
    ours_hash     TEXT,
    theirs_hash   TEXT,
    strategy      TEXT NOT NULL,
    resolved_at   TEXT,
    resolved_hash TEXT
);
CREATE TABLE stat_cache (
    path        TEXT PRIMARY KEY,
    hash        TEXT NOT NULL,
    stats       BLOB NOT NULL,
    recorded_ns INTEGER NOT NULL
);
"#,
        down: r#"
DROP TABLE stat_cache;
DROP TABLE conflicts;
DROP TABLE audit_events;
DROP TABLE deployments;
DROP TABLE version_files;
DROP TABLE version_parents;
DROP INDEX IF EXISTS versions_by_hash;
DROP TABLE versions;
DROP TABLE blobs;
DROP TABLE artifacts;
DROP TABLE meta;
"#,
    },
    Migration {
        version: 2,
        up: r#"
-- One row per apply in flight: written before anything on disk moves, marked committed in the
-- same transaction as the versions it records, deleted once the old tree is gone.
CREATE TABLE journal (
    id         INTEGER PRIMARY KEY,
    artifact   TEXT NOT NULL,
    target     TEXT NOT NULL,
    stage      TEXT NOT NULL,
    old        TEXT NOT NULL,
    had_old    INTEGER NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('prepared', 'committed')),
    created_at TEXT NOT NULL
);
"#,
        down: "DROP TABLE journal;",
    },
    Migration {
        version: 3,
        up: r#"
-- The content hash an apply writes, so recovery removes a target only when it holds exactly that
-- (never a file someone else put there meanwhile).
ALTER TABLE journal ADD COLUMN new_hash TEXT;
"#,
        down: "ALTER TABLE journal DROP COLUMN new_hash;",
    },
    Migration {
        version: 4,
        up: r#"
-- Faithful copies: what a version holds besides file bytes (file modes, folders, links inside the
-- artifact; see tree::meta). Versions stored before this migration were written by a writer that
-- only ever made plain trees (644 files, 755 folders, no links), which the empty default says.
ALTER TABLE versions ADD COLUMN meta BLOB NOT NULL DEFAULT x'';
ALTER TABLE versions ADD COLUMN meta_hash TEXT NOT NULL DEFAULT '';
-- The stat cache remembers the meta digest too; old rows lack it, so they are simply re-hashed.
DELETE FROM stat_cache;
ALTER TABLE stat_cache ADD COLUMN meta TEXT NOT NULL DEFAULT '';
"#,
        down: r#"
ALTER TABLE stat_cache DROP COLUMN meta;
ALTER TABLE versions DROP COLUMN meta_hash;
ALTER TABLE versions DROP COLUMN meta;
"#,
    },
    Migration {
        version: 5,
        // SkillMeat's hook and mcp artifact types. SQLite cannot change a CHECK, so the table is
        // rebuilt (foreign keys are off while migrations run; ids are kept, so every reference
        // stays valid). Down removes hook and mcp lineage, which an older build cannot hold.
        up: concat!(
            "\n",
            artifacts_of_schema_5!("artifacts_new"),
            swap_in_artifacts!("artifacts_new", "id, type, name", "id, type, name")
        ),
        down: concat!(
            r#"
CREATE TEMP TABLE gone AS SELECT id FROM artifacts WHERE type IN ('hook', 'mcp');
DELETE FROM conflicts WHERE artifact_id IN (SELECT id FROM gone);
"#,
            delete_gone_lineage!(),
            r#"CREATE TABLE artifacts_old (
    id   INTEGER PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('skill', 'command', 'agent')),
    name TEXT NOT NULL,
    UNIQUE (type, name)
);
"#,
            swap_in_artifacts!("artifacts_old", "id, type, name", "id, type, name")
        ),
    },
    Migration {
        version: 6,
        // The audit trail, readable (issue 12, branch audit12): the `vN` an operation produced,
        // an index for one artifact's log, and intentional divergence (`keep`). It touches only
        // its own column, index and table, so it is independent of any other migration.
        up: r#"
ALTER TABLE audit_events ADD COLUMN version INTEGER;
CREATE INDEX audit_events_by_artifact ON audit_events (artifact, id);
-- A project copy that differs from the collection on purpose: why, since when, and the collection
-- copy's identity at that moment (NULL when it had none), so a later collection change still shows.
CREATE TABLE kept (
    artifact_id INTEGER PRIMARY KEY REFERENCES artifacts (id),
    reason      TEXT NOT NULL,
    kept_at     TEXT NOT NULL,
    collection  TEXT
);
"#,
        down: r#"
DROP TABLE kept;
DROP INDEX audit_events_by_artifact;
ALTER TABLE audit_events DROP COLUMN version;
"#,
    },
    Migration {
        version: 7,
        // SkillMeat's deployment profiles: one collection artifact deployed under `.claude` and
        // `.agents` is two deployments, each with its own versions, baseline, conflicts and
        // history, so the profile is part of an artifact row's identity ('' is Claude Code's,
        // which every older row is). The table is rebuilt as in 5 to change its UNIQUE; ids are
        // kept. Down removes every other profile's lineage, which an older build cannot hold.
        up: concat!(
            r#"
CREATE TABLE artifacts_new (
    id      INTEGER PRIMARY KEY,
    type    TEXT NOT NULL CHECK (type IN ('skill', 'command', 'agent', 'hook', 'mcp')),
    name    TEXT NOT NULL,
    profile TEXT NOT NULL DEFAULT '',
    UNIQUE (type, name, profile)
);
"#,
            swap_in_artifacts!(
                "artifacts_new",
                "id, type, name, profile",
                "id, type, name, ''"
            )
        ),
        down: concat!(
            r#"
CREATE TEMP TABLE gone AS SELECT id FROM artifacts WHERE profile <> '';
DELETE FROM conflicts WHERE artifact_id IN (SELECT id FROM gone);
DELETE FROM kept WHERE artifact_id IN (SELECT id FROM gone);
"#,
            delete_gone_lineage!(),
            artifacts_of_schema_5!("artifacts_old"),
            swap_in_artifacts!("artifacts_old", "id, type, name", "id, type, name")
        ),
    },
];

/// The schema this build writes.
pub fn latest() -> u32 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}
