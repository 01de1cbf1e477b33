//! Timestamps: RFC 3339 UTC for our database, naive ISO for the files SkillMeat reads.

use std::time::SystemTime;

/// `2026-11-21T05:22:16.634903Z`, the form stored in the lineage database.
pub fn now_utc() -> String {
    humantime::format_rfc3339_micros(SystemTime::now()).to_string()
}

/// `2026-11-21T05:22:16.634903`, the naive form SkillMeat writes (Python's `datetime.isoformat()`).
pub fn now_naive() -> String {
    let mut s = now_utc();
    s.pop();
    s
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
    #[test]
    fn naive_form_has_no_zone() {
        let s = super::now_naive();
        assert_eq!(s.len(), 26, "{s}");
        assert!(!s.ends_with('Z'));
        assert_eq!(&s[10..11], "T");
    }
}
