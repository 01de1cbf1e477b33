//! Tests of line splitting and numbering: line endings, equal lines numbered alike whatever
//! the edit pattern, the table growing, marker runs.

use super::*;

#[test]
fn split_keeps_line_endings_and_an_unterminated_last_line() {
    assert_eq!(split(b""), vec![0]);
    assert_eq!(split(b"a\nb"), vec![0, 2, 3]);
    assert_eq!(split(b"a\r\nb\n"), vec![0, 3, 5]);
    assert_eq!(split(b"\n\n"), vec![0, 1, 2]);
}

#[test]
fn equal_lines_share_an_id_and_a_missing_newline_makes_a_line_different() {
    let n = number_lines(b"x\ny\nx", b"y\nx\n", b"z\ny\n", 0);
    let (a, b, c, classes) = (n.base, n.ours, n.theirs, n.classes);
    assert_eq!(a.ids[0], b.ids[1]);
    assert_eq!(a.ids[1], b.ids[0]);
    assert_ne!(a.ids[2], a.ids[0]);
    assert_eq!(c.ids[1], a.ids[1]);
    assert_eq!(classes, 4);
    assert_eq!(a.newlines(0..3), 2);
    assert_eq!(b.newlines(0..2), 2);
    assert_eq!(a.bytes(1..3), b"y\nx");
}

/// Lines that are new on both sides must get one id, and lines equal to base lines far from
/// the walk's position must still get base's id, whatever order the sides are in.
#[test]
fn ids_depend_only_on_bytes_whatever_the_edit_pattern() {
    let base: Vec<u8> = (0..2000)
        .flat_map(|i| format!("l{}\n", i % 700).into_bytes())
        .collect();
    let mut ours: Vec<u8> = b"new\n".to_vec();
    ours.extend(
        (0..2000)
            .rev()
            .flat_map(|i| format!("l{}\n", (i * 7) % 900).into_bytes()),
    );
    let theirs: Vec<u8> = b"new\nl3\n".iter().chain(&base[3000..]).copied().collect();
    let n = number_lines(&base, &ours, &theirs, 0);
    let (b, o, t, classes) = (n.base, n.ours, n.theirs, n.classes);
    let mut by_bytes: HashMap<&[u8], u32> = HashMap::new();
    for l in [&b, &o, &t] {
        for i in 0..l.len() {
            let id = *by_bytes.entry(l.line(i)).or_insert(l.ids[i]);
            assert_eq!(id, l.ids[i], "line {:?}", l.line(i));
        }
    }
    assert_eq!(classes, by_bytes.len());
}

#[test]
fn the_table_grows_when_the_sides_bring_many_new_lines() {
    let ours: Vec<u8> = (0..5000)
        .flat_map(|i| format!("o{i}\n").into_bytes())
        .collect();
    let theirs: Vec<u8> = (0..5000)
        .flat_map(|i| format!("o{}\n", i * 2).into_bytes())
        .collect();
    let n = number_lines(b"", &ours, &theirs, 0);
    let (o, t, classes) = (n.ours, n.theirs, n.classes);
    assert_eq!(classes, 7500);
    assert_eq!(t.ids[1], o.ids[2]);
    assert_eq!(t.ids[2499], o.ids[4998]);
}

#[test]
fn marker_runs_shorter_than_the_minimum_are_ignored() {
    let n = number_lines(
        b"======\n=========\n<<<<<<< x\nabc =======\n",
        b"======\n",
        b"",
        0,
    );
    assert_eq!(n.marker_run, 9);
    let n = number_lines(b"======\n", b"a\n|||||||\n", b"", 0);
    assert_eq!(n.marker_run, 7);
    assert_eq!(
        number_lines(b"======\n", b"", b"x =======\n", 0).marker_run,
        0
    );
}
