//! Interop with a project deployed by the real SkillMeat CLI (captured; see its README).

mod support;
