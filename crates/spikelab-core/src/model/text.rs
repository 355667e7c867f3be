//! Small helpers for talking about a model file: line numbers, key paths, quoting what the
//! user wrote, and guessing what a typo meant.

use std::borrow::Cow;
use std::fmt::Write;

/// Line numbers of byte offsets, computed once per text: the offsets of its newlines, searched
/// by bisection. Finding the line of a problem costs O(log lines), not a scan from the start.
pub(crate) struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        LineIndex { newlines: memchr_all(text.as_bytes(), b'\n') }
    }

    /// 1-based line of a byte offset (offsets past the end are on the last line).
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < offset) + 1
    }

    /// Byte offset where a 1-based line starts.
    pub(crate) fn line_start(&self, line: usize) -> usize {
        if line <= 1 { 0 } else { self.newlines.get(line - 2).map_or(usize::MAX, |&nl| nl + 1) }
    }
}

fn memchr_all(bytes: &[u8], needle: u8) -> Vec<usize> {
    bytes.iter().enumerate().filter(|&(_, &b)| b == needle).map(|(i, _)| i).collect()
}

/// Longest stretch of a user's text that is echoed in a message.
const ECHO_CHARS: usize = 60;

/// The user's text in double quotes, with newlines, tabs and other control characters written
/// as escapes (so a message never breaks over lines), cut short when it is long.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(ECHO_CHARS) + 2);
    out.push('"');
    for (n, c) in text.chars().enumerate() {
        if n == ECHO_CHARS {
            out.push('…');
            break;
        }
        push_escaped(&mut out, c, true);
    }
    out.push('"');
    out
}

/// A message with any control characters written as escapes: a message is one line.
pub(crate) fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c, false);
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char, in_quotes: bool) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '"' if in_quotes => out.push_str("\\\""),
        '\\' if in_quotes => out.push_str("\\\\"),
        c if c.is_control() => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// A table key as it would be written in a key path: bare when it can be, quoted otherwise.
pub(crate) fn key_segment(key: &str) -> Cow<'_, str> {
    if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        Cow::Borrowed(key)
    } else {
        Cow::Owned(quote(key))
    }
}

/// `prefix.key`, or `key` at the top.
pub(crate) fn join_key(prefix: &str, key: &str) -> String {
    if prefix.is_empty() { key_segment(key).into_owned() } else { format!("{prefix}.{}", key_segment(key)) }
}

/// One step of a key path: a table key or a list index.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

/// Splits a key path like `populations[1].params."tau m"` into its steps.
pub(crate) fn split_key(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut chars = path.chars().peekable();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Segment>| {
        if !word.is_empty() {
            out.push(Segment::Key(std::mem::take(word)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '.' => flush(&mut word, &mut out),
            '[' => {
                flush(&mut word, &mut out);
                let mut digits = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    digits.push(d);
                }
                if let Ok(i) = digits.parse() {
                    out.push(Segment::Index(i));
                }
            }
            '"' => {
                while let Some(d) = chars.next() {
                    match d {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some('n') => word.push('\n'),
                            Some('t') => word.push('\t'),
                            Some('r') => word.push('\r'),
                            Some(e) => word.push(e),
                            None => {}
                        },
                        d => word.push(d),
                    }
                }
            }
            c => word.push(c),
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The candidate a typo most likely meant: equal ignoring case, or within a small edit distance
/// (one edit for short words, two for longer ones), or the only candidate it is the start of.
pub(crate) fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let candidates: Vec<&str> = candidates.into_iter().collect();
    if let Some(&same) = candidates.iter().find(|c| c.to_lowercase() == lower) {
        return Some(same);
    }
    // One or two letters are too few to guess from.
    let allowed = match lower.chars().count() {
        0..=2 => return None,
        3..=4 => 1,
        _ => 2,
    };
    let best = candidates
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), *c))
        .filter(|&(d, _)| d <= allowed)
        .min_by_key(|&(d, _)| d);
    if let Some((_, c)) = best {
        return Some(c);
    }
    let starts: Vec<&str> = candidates
        .iter()
        .copied()
        .filter(|c| lower.len() >= 3 && c.to_lowercase().starts_with(&lower))
        .collect();
    if starts.len() == 1 { Some(starts[0]) } else { None }
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
/// neighbours each cost one ("wieght" is one swap from "weight").
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// "did you mean X?" with a leading space, or nothing.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(word, candidates).map_or(String::new(), |c| format!(" (did you mean {c}?)"))
}

/// `a, b or c`.
pub(crate) fn list_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_found_by_bisection() {
        let text = "a\nbb\n\nccc";
        let index = LineIndex::new(text);
        assert_eq!(index.line(0), 1);
        assert_eq!(index.line(1), 1); // the newline ends line 1
        assert_eq!(index.line(2), 2);
        assert_eq!(index.line(5), 3);
        assert_eq!(index.line(6), 4);
        assert_eq!(index.line(100), 4);
        assert_eq!(index.line_start(4), 6);
    }

    #[test]
    fn quoting_escapes_and_shortens() {
        assert_eq!(quote("a\nb\t\"c\""), r#""a\nb\t\"c\"""#);
        assert_eq!(quote("\u{1}"), r#""\u{1}""#);
        assert!(quote(&"x".repeat(500)).chars().count() < 70);
        assert_eq!(one_line("two\nlines"), "two\\nlines");
    }

    #[test]
    fn key_paths_split_and_join() {
        assert_eq!(join_key("populations[0].params", "tau m"), "populations[0].params.\"tau m\"");
        assert_eq!(
            split_key("populations[1].params.\"tau m\""),
            vec![
                Segment::Key("populations".into()),
                Segment::Index(1),
                Segment::Key("params".into()),
                Segment::Key("tau m".into())
            ]
        );
    }

    #[test]
    fn typos_find_their_word() {
        let keys = ["tau_m", "c_m", "v_rest", "v_reset", "v_thresh", "t_ref"];
        assert_eq!(nearest("tau", keys), Some("tau_m"));
        assert_eq!(nearest("tua_m", keys), Some("tau_m"));
        assert_eq!(nearest("V_THRESH", keys), Some("v_thresh"));
        assert_eq!(nearest("wieght", ["weight", "delay"]), Some("weight"));
        assert_eq!(nearest("hodgkin", ["lif", "hodgkin_huxley"]), Some("hodgkin_huxley"));
        assert_eq!(nearest("banana", keys), None);
    }
}
