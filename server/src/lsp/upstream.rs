//! The periodic upstream check (setting `upstreamCheckInterval`, in minutes; 0 turns it off):
//! the main loop's timer says when it is due; the interval is read again each round, so a
//! settings change takes effect.

use std::time::{Duration, Instant};

use super::main_loop::Owner;

/// How soon a check that is off looks at the setting again.
const OFF_RECHECK: Duration = Duration::from_secs(30);

/// Sets when the next check is due.
pub fn schedule(o: &mut Owner) {
    let minutes = o.state.settings.upstream_check_interval;
    o.upstream_due = Some(
        Instant::now()
            + if minutes == 0 {
                OFF_RECHECK
            } else {
                Duration::from_secs(minutes * 60)
            },
    );
}

/// The check is due: run it (unless turned off meanwhile) and schedule the next.
pub fn periodic_check(o: &mut Owner) {
    if o.state.settings.upstream_check_interval > 0 {
        o.state.ensure_open();
        o.state.check_upstream_all();
    }
    schedule(o);
}
