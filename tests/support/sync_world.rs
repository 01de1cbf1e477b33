//! The sync world of `cli_sync` and `cli_revisions`: a deployed skill `pdf` of five numbered
//! lines (with a script and notes) and a deployed command `review`, and small readers.

use super::Env;

pub const BASE: &str = "---\nname: pdf\n---\n\none\ntwo\nthree\nfour\nfive\n";

/// A deployed skill `pdf` (SKILL.md + scripts/run.py + notes.md) and command `review`.
pub fn deployed() -> Env {
    let env = Env::new(
        r#"
        //- collection/skills/pdf/scripts/run.py
        print('run')
        //- collection/skills/pdf/notes.md
        notes
        //- collection/commands/review.md
        Review.
        Carefully.
        "#,
    );
    env.write("collection/skills/pdf/SKILL.md", BASE);
    assert_eq!(env.run(&["deploy", "skill:pdf", "command:review"]).code, 0);
    env
}

pub fn json(env: &Env, args: &[&str]) -> (i32, serde_json::Value) {
    let r = env.run(args);
    (r.code, r.json())
}

pub fn state(env: &Env, id: &str) -> String {
    env.states()[id].clone()
}

pub const P: &str = "project/.claude/skills/pdf/SKILL.md";
pub const C: &str = "collection/skills/pdf/SKILL.md";
