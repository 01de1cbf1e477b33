//! Timestamps: RFC 3339 UTC for our database, naive ISO for the files SkillMeat reads.

use std::time::SystemTime;

/// The last instant RFC 3339 can write: humantime's formatter panics before 1970 and fails after
/// 9999, so every time we format is checked against this range first.
const AFTER_9999: u64 = 253_402_300_800;

/// `2026-11-21T05:22:16.634903Z` for `t`, or `None` when `t` is before 1970 or after 9999.
pub fn rfc3339_micros(t: SystemTime) -> Option<String> {
    let since = t.duration_since(SystemTime::UNIX_EPOCH).ok()?;
    (since.as_secs() < AFTER_9999).then(|| humantime::format_rfc3339_micros(t).to_string())
}

/// `2026-11-21T05:22:16.634903Z`, the form stored in the lineage database (the epoch when the
/// clock is outside what RFC 3339 can write).
pub fn now_utc() -> String {
    rfc3339_micros(SystemTime::now()).unwrap_or_else(|| "1970-01-01T00:00:00.000000Z".to_string())
}

/// `2026-11-21T05:22:16.634903`, the naive form SkillMeat writes (Python's `datetime.isoformat()`).
pub fn now_naive() -> String {
    let mut s = now_utc();
    s.pop();
    s
}

/// A file time (seconds and nanoseconds, as `stat` gives them) in nanoseconds, saturating: a
/// file dated past 2262 (`touch -d 3000-01-01`) must not overflow the stat cache's arithmetic.
pub fn stat_ns(secs: i64, nsec: i64) -> i64 {
    secs.saturating_mul(1_000_000_000).saturating_add(nsec)
}

/// Nanoseconds since the Unix epoch, for the stat cache's racy-entry rule.
pub fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    #[test]
    fn times_outside_1970_to_9999_have_no_rfc3339_form() {
        let epoch = SystemTime::UNIX_EPOCH;
        assert_eq!(super::rfc3339_micros(epoch - Duration::from_secs(1)), None);
        assert_eq!(
            super::rfc3339_micros(epoch + Duration::from_secs(super::AFTER_9999)),
            None
        );
        assert_eq!(
            super::rfc3339_micros(epoch).as_deref(),
            Some("1970-01-01T00:00:00.000000Z")
        );
    }

    #[test]
    fn naive_form_has_no_zone() {
        let s = super::now_naive();
        assert_eq!(s.len(), 26, "{s}");
        assert!(!s.ends_with('Z'));
        assert_eq!(&s[10..11], "T");
    }
}
