//! Deciding whether bytes may be merged line by line at all: binary, non-UTF-8, oversized.

use super::lines::MAX_INPUT;
use super::UnmergeableReason;

/// How many leading bytes are searched for a NUL; git's `buffer_is_binary` uses the same 8000.
pub const BINARY_SNIFF_LEN: usize = 8000;

/// Largest input merged line-wise; the same cap the artifact walk applies to files.
pub const DEFAULT_SIZE_CAP: usize = 32 * 1024 * 1024;

/// git's test for binary content: a NUL byte near the start.
pub fn is_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    memchr::memchr(0, head).is_some()
}

/// `Ok` when `bytes` is UTF-8 text no larger than `cap` (nor than the 4 GiB the line tables
/// address); otherwise why it must be resolved by hand.
pub fn check_mergeable(bytes: &[u8], cap: usize) -> Result<(), UnmergeableReason> {
    let cap = cap.min(MAX_INPUT);
    if bytes.len() > cap {
        return Err(UnmergeableReason::TooLarge {
            size: bytes.len(),
            cap,
        });
    }
    if is_binary(bytes) {
        return Err(UnmergeableReason::Binary);
    }
    // Lines of an unknown encoding could be split or joined mid-character; refuse rather than
    // risk writing back something that no longer decodes.
    if std::str::from_utf8(bytes).is_err() {
        return Err(UnmergeableReason::NotUtf8);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_within_the_sniff_window_is_binary_and_beyond_it_is_not() {
        let mut early = vec![b'a'; 100];
        early[50] = 0;
        assert!(is_binary(&early));
        let mut late = vec![b'a'; BINARY_SNIFF_LEN + 10];
        late[BINARY_SNIFF_LEN + 5] = 0;
        assert!(!is_binary(&late));
    }

    #[test]
    fn check_reports_size_then_binary_then_encoding() {
        assert_eq!(
            check_mergeable(b"abcd", 3),
            Err(UnmergeableReason::TooLarge { size: 4, cap: 3 })
        );
        assert_eq!(check_mergeable(b"a\0b", 10), Err(UnmergeableReason::Binary));
        assert_eq!(
            check_mergeable(b"caf\xe9\n", 10),
            Err(UnmergeableReason::NotUtf8)
        );
        assert_eq!(check_mergeable("café\r\n".as_bytes(), 10), Ok(()));
        assert_eq!(check_mergeable(b"", 0), Ok(()));
    }
}
