//! The periodic upstream check (setting `upstreamCheckInterval`, in minutes; 0 turns it off):
//! the main loop's timer says when it is due; the interval is read again each round, so a
//! settings change takes effect; and the bookkeeping of `upstream-behind` results per artifact.

use std::time::{Duration, Instant};

use std::collections::BTreeSet;

use skillmeat_core::ArtifactId;

use super::client::Level;
use super::owner::Owner;
use super::state::{FolderId, State};

/// How soon a check that is off looks at the setting again.
const OFF_RECHECK: Duration = Duration::from_secs(30);

/// The longest wait: a larger interval (any number the setting takes) waits this long, so the
/// arithmetic never overflows.
const LONGEST: Duration = Duration::from_secs(366 * 24 * 3600);

/// Sets when the next check is due.
pub fn schedule(o: &mut Owner) {
    let minutes = o.state.settings.upstream_check_interval;
    let wait = if minutes == 0 {
        OFF_RECHECK
    } else {
        Duration::from_secs(minutes.saturating_mul(60)).min(LONGEST)
    };
    let now = Instant::now();
    o.upstream_due = Some(now.checked_add(wait).unwrap_or(now + OFF_RECHECK));
}

/// The check is due: run it (unless turned off meanwhile) and schedule the next.
pub fn periodic_check(o: &mut Owner) {
    if o.state.settings.upstream_check_interval > 0 {
        o.state.ensure_open();
        o.state.check_upstream_all();
    }
    schedule(o);
}

impl State {
    /// Keeps the `upstream-behind` results of a check (all artifacts when `complete`) and
    /// republishes the artifacts whose answer changed.
    pub fn record_upstream(
        &mut self,
        i: FolderId,
        results: &[(
            ArtifactId,
            skillmeat_core::Result<skillmeat_core::workspace::UpstreamCheck>,
        )],
        complete: bool,
    ) {
        use skillmeat_core::workspace::UpstreamState;
        let mut touched: BTreeSet<ArtifactId> = BTreeSet::new();
        if complete {
            let old: Vec<ArtifactId> = self
                .upstream_behind
                .keys()
                .filter(|(f, _)| *f == i)
                .map(|(_, id)| id.clone())
                .collect();
            for id in old {
                self.upstream_behind.remove(&(i, id.clone()));
                touched.insert(id);
            }
        }
        for (id, r) in results {
            let key = (i, id.clone());
            match r {
                Ok(c) if matches!(c.state, UpstreamState::Behind | UpstreamState::Diverged) => {
                    let short = |s: &str| s.chars().take(7).collect::<String>();
                    let detail = format!(
                        "{} at {} → {}",
                        c.state.as_str(),
                        c.resolved_sha
                            .as_deref()
                            .map(short)
                            .unwrap_or_else(|| "?".into()),
                        short(&c.current_sha)
                    );
                    self.upstream_behind.insert(key, detail);
                }
                Ok(_) => {
                    self.upstream_behind.remove(&key);
                }
                Err(e) => self.log(Level::Warning, format!("skillmeat: upstream of {id}: {e}")),
            }
            touched.insert(id.clone());
        }
        for id in touched {
            self.refresh_artifact(i, &id);
        }
    }

    /// The periodic upstream check of every folder (setting `upstreamCheckInterval`).
    pub fn check_upstream_all(&mut self) {
        for i in self.folder_ids() {
            let Some(ws) = self.folders[&i].ws.as_ref() else {
                continue;
            };
            match ws.check_upstream(&[]) {
                Ok(results) => self.record_upstream(i, &results, true),
                Err(e) => self.log(Level::Warning, format!("skillmeat: upstream check: {e}")),
            }
        }
    }
}
