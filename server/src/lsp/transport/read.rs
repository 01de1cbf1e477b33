//! Reading `Content-Length` frames from a byte stream that may be malformed anywhere: every bad
//! stretch becomes one [`Frame::Bad`] and reading resumes at the next `Content-Length:` header,
//! so no input can leave the reader waiting for something that will never come.

use std::io::Read;

/// The biggest body from the client kept in memory; a longer frame's body is read and dropped.
pub const MAX_BODY: u64 = 64 << 20;
/// The biggest header block; a longer one is a bad frame (8 KiB; real ones are under 100 bytes).
const MAX_HEADER: usize = 8 << 10;
/// How much of a skipped stretch is kept to find the id of the message it may hold.
const KEEP_SKIPPED: usize = 1 << 20;
const HEADER: &[u8] = b"content-length:";
const CHUNK: usize = 64 << 10;

/// One thing read from the stream.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A well-framed body (not checked to be JSON).
    Body(Vec<u8>),
    /// A frame that could not be read as one; `skipped` is what lay between it and the next
    /// header (kept only when small enough to look for an id in).
    Bad {
        why: String,
        skipped: Option<Vec<u8>>,
    },
    /// A frame over the reader's limit; its body was read and dropped.
    Oversize(u64),
    /// The end of the input (an unfinished frame at the end is dropped).
    End,
}

/// What ended a header block.
enum Header {
    Length(u64),
    /// A block that ended but is unusable; scanning starts at `resume`.
    Bad(String, usize),
    End,
}

pub struct FrameReader<R> {
    r: R,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    max_body: u64,
    /// Where the body last returned starts in `buf`, while it is still there.
    last_body: Option<usize>,
}

/// RFC 9110 `tchar`: what a header name is made of.
fn tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A `Content-Length` value: ASCII digits only (no sign, no inner spaces), no overflow.
fn parse_length(v: &[u8]) -> Option<u64> {
    let v = v.trim_ascii();
    if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(v).ok()?.parse().ok()
}

/// Where a `Content-Length:` header (any case) starts in `hay`.
pub fn find_header(hay: &[u8]) -> Option<usize> {
    hay.windows(HEADER.len())
        .position(|w| w.eq_ignore_ascii_case(HEADER))
}

impl<R: Read> FrameReader<R> {
    /// A reader of `r` keeping bodies up to `max_body` bytes.
    pub fn new(r: R, max_body: u64) -> Self {
        FrameReader {
            r,
            buf: Vec::with_capacity(CHUNK),
            pos: 0,
            eof: false,
            max_body,
            last_body: None,
        }
    }

    fn avail(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Reads more input; `false` at the end of it.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let len = self.buf.len();
        self.buf.resize(len + CHUNK, 0);
        let n = loop {
            match self.r.read(&mut self.buf[len..]) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                n => break n,
            }
        };
        self.buf.truncate(len + *n.as_ref().unwrap_or(&0));
        if n? == 0 {
            self.eof = true;
            return Ok(false);
        }
        Ok(true)
    }

    /// Reads the last body again from its byte `at` on, as the start of the next frame: for a
    /// body that holds the start of the next frame because its length was too long.
    pub fn unread_body_from(&mut self, at: usize) {
        if let Some(start) = self.last_body.take() {
            if start + at <= self.pos {
                self.pos = start + at;
            }
        }
    }

    /// The next frame. I/O errors other than the end of input are returned as they are.
    pub fn next(&mut self) -> std::io::Result<Frame> {
        self.last_body = None;
        match self.header()? {
            Header::End => Ok(Frame::End),
            Header::Bad(why, resume) => {
                self.pos += resume;
                let skipped = self.scan()?;
                Ok(Frame::Bad { why, skipped })
            }
            Header::Length(n) if n > self.max_body => {
                let mut left = n;
                loop {
                    let take = left.min(self.avail().len() as u64);
                    self.pos += take as usize;
                    left -= take;
                    if left == 0 {
                        return Ok(Frame::Oversize(n));
                    }
                    if !self.fill()? {
                        return Ok(Frame::End);
                    }
                }
            }
            Header::Length(n) => {
                let n = n as usize;
                while self.avail().len() < n {
                    if !self.fill()? {
                        return Ok(Frame::End);
                    }
                }
                let body = self.avail()[..n].to_vec();
                self.last_body = Some(self.pos);
                self.pos += n;
                Ok(Frame::Body(body))
            }
        }
    }

    /// Reads a header block and consumes it when it is good. A line that cannot be a header is
    /// noticed as soon as its first wrong byte arrives, not when (or if) its line ends.
    fn header(&mut self) -> std::io::Result<Header> {
        // Blank lines between frames are tolerated.
        loop {
            let skip = self
                .avail()
                .iter()
                .take_while(|b| **b == b'\r' || **b == b'\n')
                .count();
            self.pos += skip;
            if !self.avail().is_empty() {
                break;
            }
            if !self.fill()? {
                return Ok(Header::End);
            }
        }
        let mut at = 0; // start of the current line, relative to `pos`
        let mut lengths: Vec<Option<u64>> = Vec::new();
        loop {
            let block = self.avail();
            let line = &block[at..];
            let name_end = line.iter().position(|b| !tchar(*b));
            match name_end.map(|i| line[i]) {
                // A complete empty line ends the block.
                Some(b'\r') if name_end == Some(0) && line.get(1) == Some(&b'\n') => {
                    return Ok(self.end_block(at + 2, &lengths));
                }
                Some(b'\n') if name_end == Some(0) => {
                    return Ok(self.end_block(at + 1, &lengths));
                }
                Some(b'\r') if name_end == Some(0) && line.len() == 1 => {}
                Some(b':') if name_end != Some(0) => {
                    if let Some(nl) = line.iter().position(|b| *b == b'\n') {
                        let i = name_end.unwrap_or(0);
                        let name = &line[..i];
                        let value = line[i + 1..nl]
                            .strip_suffix(b"\r")
                            .unwrap_or(&line[i + 1..nl]);
                        if name.eq_ignore_ascii_case(b"content-length") {
                            lengths.push(parse_length(value));
                        }
                        at += nl + 1;
                        if at > MAX_HEADER {
                            return Ok(Header::Bad(too_long(), 1));
                        }
                        continue;
                    }
                }
                None => {}
                Some(_) => {
                    let why = if at == 0 {
                        "the input is not a header (`Content-Length: N`)"
                    } else {
                        "a header line is malformed or a blank line is missing after the headers"
                    };
                    // A bad line never starts with a header, so the scan may start on it.
                    return Ok(Header::Bad(why.into(), at));
                }
            }
            if self.avail().len() > MAX_HEADER {
                return Ok(Header::Bad(too_long(), 1));
            }
            if !self.fill()? {
                return Ok(Header::End);
            }
        }
    }

    /// Judges a finished header block of `len` bytes; a bad one's body is scanned past.
    fn end_block(&mut self, len: usize, lengths: &[Option<u64>]) -> Header {
        let first = lengths.first().copied();
        let text = String::from_utf8_lossy(&self.avail()[..len])
            .trim()
            .to_string();
        let why = match first {
            None => format!("no Content-Length header in `{}`", shorten(&text)),
            Some(Some(n)) if lengths.iter().all(|l| *l == Some(n)) => {
                self.pos += len;
                return Header::Length(n);
            }
            Some(_) => format!("bad Content-Length in `{}`", shorten(&text)),
        };
        Header::Bad(why, len)
    }

    /// Skips to the next `Content-Length:` header (or the end of input), returning what was
    /// skipped when small enough to keep. Stops early when the skipped bytes are one complete
    /// JSON value: the message of a frame whose header was bad, which is answered at once.
    fn scan(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        let mut skipped = Some(Vec::new());
        loop {
            let avail = self.avail();
            if let Some(i) = find_header(avail) {
                let part = avail[..i].to_vec();
                self.pos += i;
                keep(&mut skipped, &part);
                return Ok(skipped);
            }
            // Keep a possible header start split across reads.
            let take = avail.len().saturating_sub(HEADER.len() - 1);
            let part = avail[..take].to_vec();
            self.pos += take;
            keep(&mut skipped, &part);
            let complete = skipped.as_deref().is_some_and(|s| {
                let rest = [s, self.avail()].concat();
                rest.trim_ascii().ends_with(b"}")
                    && serde_json::from_slice::<serde_json::Value>(&rest).is_ok()
            });
            if complete {
                let tail = self.avail().to_vec();
                self.pos += tail.len();
                keep(&mut skipped, &tail);
                return Ok(skipped);
            }
            if !self.fill()? {
                let tail = self.avail().to_vec();
                self.pos += tail.len();
                keep(&mut skipped, &tail);
                return Ok(skipped);
            }
        }
    }
}

fn too_long() -> String {
    format!("the header block is over {MAX_HEADER} bytes")
}

fn keep(skipped: &mut Option<Vec<u8>>, part: &[u8]) {
    if let Some(s) = skipped {
        if s.len() + part.len() > KEEP_SKIPPED {
            *skipped = None;
        } else {
            s.extend_from_slice(part);
        }
    }
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests;
