//! The frame reader against malformed input, read whole and a few bytes at a time.

use super::*;

/// Gives its bytes `step` at a time, as a pipe under load may.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    step: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let end = self
            .at
            .saturating_add(self.step)
            .min(self.data.len())
            .min(self.at + buf.len());
        let n = end - self.at;
        buf[..n].copy_from_slice(&self.data[self.at..end]);
        self.at = end;
        Ok(n)
    }
}

fn frames(input: &[u8], step: usize, max_body: u64) -> Vec<Frame> {
    let mut r = FrameReader::new(
        Trickle {
            data: input.to_vec(),
            at: 0,
            step,
        },
        max_body,
    );
    let mut out = Vec::new();
    loop {
        let f = r.next().expect("read");
        let end = f == Frame::End;
        out.push(f);
        if end {
            return out;
        }
    }
}

/// The frames of `input` read whole, and the same frames read one byte at a time.
fn read_all(input: &[u8], max_body: u64) -> Vec<Frame> {
    let whole = frames(input, usize::MAX, max_body);
    assert_eq!(whole, frames(input, 1, max_body), "byte by byte");
    assert_eq!(whole, frames(input, 7, max_body), "7 at a time");
    whole
}

const GOOD: &[u8] = b"Content-Length: 2\r\n\r\n{}";

fn body(b: &[u8]) -> Frame {
    Frame::Body(b.to_vec())
}

fn skipped(f: &Frame) -> Option<&[u8]> {
    match f {
        Frame::Bad { skipped, .. } => skipped.as_deref(),
        _ => panic!("not a bad frame: {f:?}"),
    }
}

#[test]
fn header_names_any_case_other_headers_and_bare_newlines_are_read() {
    let input = [
        &b"content-LENGTH:3\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n[1]"
            [..],
        b"\r\n\r\n",
        b"Content-Length: 2\n\n{}",
        b"Content-Length:  2 \r\nContent-Length: 2\r\n\r\n{}",
    ]
    .concat();
    assert_eq!(
        read_all(&input, MAX_BODY),
        vec![body(b"[1]"), body(b"{}"), body(b"{}"), Frame::End]
    );
}

#[test]
fn a_bad_length_skips_its_body_and_reading_resumes_at_the_next_header() {
    for value in [
        "abc",
        "",
        "1 2",
        "+2",
        "-2",
        "0x2",
        "99999999999999999999999",
        "2\u{a0}",
    ] {
        let input = [
            format!("Content-Length: {value}\r\n\r\n").as_bytes(),
            br#"{"id":1}"#,
            GOOD,
        ]
        .concat();
        let got = read_all(&input, MAX_BODY);
        assert_eq!(got.len(), 3, "{value}: {got:?}");
        assert_eq!(skipped(&got[0]), Some(&br#"{"id":1}"#[..]), "{value}");
        assert_eq!(got[1], body(b"{}"), "{value}");
    }
}

#[test]
fn headers_without_a_length_conflicting_lengths_and_garbage_are_one_bad_frame_each() {
    for (input, kept) in [
        (
            &b"Content-Type: x\r\n\r\n{\"id\":2}"[..],
            &b"{\"id\":2}"[..],
        ),
        (
            b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{\"id\":3}",
            b"{\"id\":3}",
        ),
        // No blank line after the headers: the body is noticed at its first byte.
        (b"Content-Length: 8\r\n{\"id\":4}", b"{\"id\":4}"),
        (b"hello there\r\n", b"hello there\r\n"),
        (
            b"Content-Length : 2\r\n\r\n{}",
            b"Content-Length : 2\r\n\r\n{}",
        ),
        (b"{\"id\":5}", b"{\"id\":5}"),
    ] {
        let got = read_all(&[input, GOOD].concat(), MAX_BODY);
        assert_eq!(
            got.len(),
            3,
            "{:?}: {got:?}",
            String::from_utf8_lossy(input)
        );
        assert_eq!(skipped(&got[0]), Some(kept));
        assert_eq!(got[1], body(b"{}"));
    }
}

#[test]
fn a_complete_json_body_after_a_bad_header_ends_the_skip_without_waiting() {
    // No next frame ever comes: the bad frame is still reported before the end.
    let got = frames(b"Content-Length: x\r\n\r\n{\"id\":5}", 1, MAX_BODY);
    assert_eq!(skipped(&got[0]), Some(&b"{\"id\":5}"[..]));
    assert_eq!(got[1], Frame::End);
}

#[test]
fn a_huge_header_line_is_a_bad_frame() {
    let mut input = b"X-Junk: ".to_vec();
    input.extend(vec![b'a'; MAX_HEADER * 3]);
    input.extend_from_slice(b"\r\n");
    input.extend_from_slice(GOOD);
    let got = frames(&input, usize::MAX, MAX_BODY);
    assert!(matches!(got[0], Frame::Bad { .. }), "{:?}", got[0]);
    assert_eq!(got[1..], [body(b"{}"), Frame::End]);
    // A length header that never ends its line.
    let mut input = b"Content-Length: 1".to_vec();
    input.extend(vec![b'1'; MAX_HEADER * 2]);
    input.extend_from_slice(GOOD);
    let got = frames(&input, 1000, MAX_BODY);
    assert!(matches!(got[0], Frame::Bad { .. }), "{:?}", got[0]);
    assert_eq!(got[1..], [body(b"{}"), Frame::End]);
}

#[test]
fn an_oversize_body_is_skipped_by_its_length() {
    let input = [&b"Content-Length: 20\r\n\r\n"[..], &[b'x'; 20], GOOD].concat();
    assert_eq!(
        read_all(&input, 10),
        vec![Frame::Oversize(20), body(b"{}"), Frame::End]
    );
}

#[test]
fn an_unfinished_frame_at_the_end_is_dropped() {
    for input in [
        &b"Content-Length: 10\r\n\r\n{\"a\""[..],
        b"Content-Length: 10\r\n",
        b"Content-Len",
        b"Content-Length: 99999999\r\n\r\n{}",
    ] {
        assert_eq!(read_all(input, 50), vec![Frame::End], "{input:?}");
    }
}

#[test]
fn a_body_can_be_read_again_from_a_header_inside_it() {
    let input = [&b"Content-Length: 30\r\n\r\n{\"id\":6}"[..], GOOD, b"xxxx"].concat();
    let mut r = FrameReader::new(&input[..], MAX_BODY);
    let Ok(Frame::Body(b)) = r.next() else {
        panic!("no body")
    };
    let at = find_header(&b).expect("header inside");
    assert_eq!(at, 8);
    r.unread_body_from(at);
    assert_eq!(r.next().ok(), Some(body(b"{}")));
}
