//! SkillMeat-compatible content hash: the version identity of an artifact (docs/design.md §3).
//!
//! A single file hashes as SHA-256 of its bytes. A folder hashes as one SHA-256 over every regular
//! file below it, visited in Python's `sorted(Path.rglob("*"))` order, feeding each file's relative
//! `/`-separated path and then its bytes, with no separators. Python compares paths component by
//! component, so `a/b` sorts before `a.txt` even though `/` > `.` as a byte.

use std::cmp::Ordering;

use sha2::{Digest, Sha256};

/// Lowercase hex of a SHA-256 digest.
pub fn hex(digest: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(digest.len() * 2);
    for b in digest {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// Hash of a single-file artifact, or of one blob.
pub fn hash_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Python's `PurePosixPath` ordering: compare the lists of components (code point order equals
/// UTF-8 byte order).
pub fn python_path_cmp(a: &str, b: &str) -> Ordering {
    a.split('/').cmp(b.split('/'))
}

/// Hash of a folder artifact from its files as `(relative path, bytes)`, in any order.
pub fn hash_folder<'a, I, B>(files: I) -> String
where
    I: IntoIterator<Item = (&'a str, B)>,
    B: AsRef<[u8]>,
{
    let mut files: Vec<(&str, B)> = files.into_iter().collect();
    files.sort_by(|a, b| python_path_cmp(a.0, b.0));
    let mut h = Sha256::new();
    for (path, bytes) in &files {
        h.update(path.as_bytes());
        h.update(bytes.as_ref());
    }
    hex(&h.finalize())
}

/// Is `s` a plausible content hash or hash prefix (≥ 4 lowercase hex digits)?
pub fn is_hash_prefix(s: &str) -> bool {
    s.len() >= 4
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The 7-character form shown to people, like git's short hashes.
pub fn short(hash: &str) -> &str {
    &hash[..hash.len().min(7)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_sort_before_longer_names() {
        let mut v = vec!["a.txt", "a/b.txt", "a-b.txt", "a/a/c", "b"];
        v.sort_by(|a, b| python_path_cmp(a, b));
        assert_eq!(v, ["a/a/c", "a/b.txt", "a-b.txt", "a.txt", "b"]);
    }

    #[test]
    fn empty_file_hash_is_sha256_of_nothing() {
        assert_eq!(
            hash_bytes(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
