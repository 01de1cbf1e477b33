// The extension in a real VS Code: code-server (VS Code for the browser) under Node 24 with the
// extension installed from its .vsix, driven by playwright-core in Debian's Chromium. One
// code-server per run, with its own user-data, extensions, config, TMPDIR, HOME and XDG folders
// on a free loopback port, stopped by its pid at the end (harness.mjs). The steps share one window
// and run in order, one feature file after another, as a person would: the server starts, drift
// shows in the Problems panel, a conflict's accept-theirs quick fix rewrites the text (drift), the
// palette's sync updates an outdated skill and the status bar keeps the summary (palette), edits
// are proposals until saved (proposals), conflicts and hunks get lenses, colours and hovers
// (conflicts), the audit log lists what happened (log), and a codex deployment under `.agents/`
// gets all of it in its own project (profiles), and so does a root SkillMeat's config adds
// (configRoots).
//
// Env: see harness.mjs.

import "./harness.mjs";
import "./steps/drift.mjs";
import "./steps/palette.mjs";
import "./steps/proposals.mjs";
import "./steps/conflicts.mjs";
import "./steps/log.mjs";
import "./steps/profiles.mjs";
import "./steps/configRoots.mjs";
