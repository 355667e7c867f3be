//! TOML syntax errors, and the rare serde error the schema check did not foresee, in words a
//! student understands, with the key path where they happen.
//!
//! The key path of a place in a file that does not parse cannot come from the parsed table, so
//! [`Tracker`] follows the tokens (table headers, keys, inline tables and lists) up to it.

use super::Problem;
use super::text::{LineIndex, join_key, key_segment, quote};
use super::units::Quantity;
use std::collections::HashMap;
use toml_parser::Source;
use toml_parser::lexer::TokenKind;

/// Where the tracker is in the file, as a key path.
#[derive(Clone, Debug, Default)]
pub(crate) struct Place {
    /// Key path of the value (or key) at the offset; empty at the top of the file.
    pub path: String,
    /// Offset of the innermost `[` or `{` still open at the offset.
    pub open: Option<(char, usize)>,
    /// The header as written (`populations.params`), when the offset is inside a `[table]` one.
    pub header: Option<String>,
    /// Whether that header names a table that is already a list of tables (`[[…]]`), or the
    /// other way round.
    pub header_clash: bool,
}

#[derive(Clone, Debug)]
enum Frame {
    Table { prefix: String, open: usize },
    Array { prefix: String, index: usize, open: usize },
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    LineStart,
    Key,
    Value,
    AfterValue,
    Header { double: bool },
    AfterHeader,
}

/// Follows a file's structure token by token.
struct Tracker {
    /// Path of the current `[table]`.
    table: String,
    /// How often each `[[array of tables]]` has appeared, by its path.
    aot: HashMap<String, usize>,
    frames: Vec<Frame>,
    /// Key segments read since the last `=` (or header bracket).
    key: Vec<String>,
    /// Path of the value being read.
    value_of: String,
    state: State,
    /// Offset of the first token of the key being read.
    key_start: usize,
    /// Whether the next key token is a new segment (at the start, or after a dot).
    segment_due: bool,
}

impl Tracker {
    fn new() -> Self {
        Tracker {
            table: String::new(),
            aot: HashMap::new(),
            frames: Vec::new(),
            key: Vec::new(),
            value_of: String::new(),
            state: State::LineStart,
            key_start: 0,
            segment_due: true,
        }
    }

    fn base(&self) -> &str {
        match self.frames.last() {
            Some(Frame::Table { prefix, .. }) => prefix,
            _ => &self.table,
        }
    }

    fn key_path(&self, base: &str) -> String {
        self.key.iter().fold(base.to_string(), |path, k| join_key(&path, k))
    }

    /// The path of the item a new value in the current place belongs to.
    fn item_path(&self) -> String {
        match self.frames.last() {
            Some(Frame::Array { prefix, index, .. }) => format!("{prefix}[{index}]"),
            _ => self.value_of.clone(),
        }
    }

    fn place(&self) -> Place {
        let mut header = None;
        let mut header_clash = false;
        let path = match self.state {
            State::Key => self.key_path(self.base()),
            State::Header { double } => {
                header =
                    Some(self.key.iter().map(|k| key_segment(k).into_owned()).collect::<Vec<_>>().join("."));
                let (path, plain) = self.resolve(double);
                header_clash = self.aot.contains_key(&plain) != double;
                path
            }
            State::LineStart | State::AfterHeader => self.table.clone(),
            State::Value | State::AfterValue => self.item_path(),
        };
        let open = self.frames.last().map(|f| match f {
            Frame::Table { open, .. } => ('{', *open),
            Frame::Array { open, .. } => ('[', *open),
        });
        Place { path, open, header, header_clash }
    }

    /// A header's path, each part that is an array of tables meaning its last table (for
    /// `[[…]]`, the table it adds); and the path of its last part without that index.
    fn resolve(&self, double: bool) -> (String, String) {
        let mut path = String::new();
        let mut plain = String::new();
        let n = self.key.len();
        for (i, k) in self.key.iter().enumerate() {
            plain = join_key(&path, k);
            path = plain.clone();
            let count = self.aot.get(&path).copied();
            if double && i + 1 == n {
                path = format!("{path}[{}]", count.unwrap_or(0));
            } else if let Some(count) = count {
                path = format!("{path}[{}]", count.saturating_sub(1));
            }
        }
        (path, plain)
    }

    /// Resolves a header's keys and counts a new table of an array of tables.
    fn header(&mut self, double: bool) -> String {
        let (path, plain) = self.resolve(double);
        if double {
            *self.aot.entry(plain).or_insert(0) += 1;
        }
        path
    }

    /// Takes one token; returns the path of a key or header it completes, with its offset.
    fn token(
        &mut self,
        kind: TokenKind,
        raw: &str,
        start: usize,
        next_is_bracket: bool,
    ) -> Option<(String, usize)> {
        use TokenKind::*;
        match (self.state, kind) {
            (_, Whitespace | Comment) => {}
            (_, Newline) if self.frames.is_empty() => {
                self.state = State::LineStart;
                self.key.clear();
            }
            // Inside a [list] or { table } a line break changes nothing (TOML 1.1).
            (_, Newline) => {}
            (State::LineStart, LeftSquareBracket) => {
                self.key.clear();
                self.key_start = start;
                self.state = State::Header { double: next_is_bracket };
            }
            (State::Header { double: true }, LeftSquareBracket) if self.key.is_empty() => {}
            (State::Header { double }, RightSquareBracket) => {
                self.table = self.header(double);
                self.key.clear();
                self.state = State::AfterHeader;
                return Some((self.table.clone(), self.key_start));
            }
            (State::AfterHeader, RightSquareBracket) => {}
            (State::Header { .. }, Atom | BasicString | LiteralString) => self.key.push(key_text(kind, raw)),
            (State::LineStart | State::Key, Atom | BasicString | LiteralString) => {
                if self.state == State::LineStart || self.key.is_empty() {
                    self.key_start = start;
                    self.segment_due = true;
                }
                self.state = State::Key;
                // A second word without a dot between (`size 10`) is not part of the key.
                if self.segment_due {
                    self.key.push(key_text(kind, raw));
                    self.segment_due = false;
                }
            }
            (State::Key | State::Header { .. }, Dot) => self.segment_due = true,
            (State::Key, Equals) => {
                self.value_of = self.key_path(self.base());
                self.key.clear();
                self.state = State::Value;
                return Some((self.value_of.clone(), self.key_start));
            }
            (State::Value, LeftCurlyBracket) => {
                let prefix = self.item_path();
                self.frames.push(Frame::Table { prefix, open: start });
                self.key.clear();
                self.state = State::Key;
            }
            (State::Value, LeftSquareBracket) => {
                let prefix = self.item_path();
                self.frames.push(Frame::Array { prefix, index: 0, open: start });
                self.state = State::Value;
            }
            (State::Value, _) if !matches!(kind, Comma | RightSquareBracket | RightCurlyBracket) => {
                self.state = State::AfterValue;
            }
            (_, Comma) => match self.frames.last_mut() {
                Some(Frame::Array { index, .. }) => {
                    *index += 1;
                    self.state = State::Value;
                }
                Some(Frame::Table { .. }) => {
                    self.key.clear();
                    self.state = State::Key;
                }
                None => {}
            },
            (_, RightSquareBracket | RightCurlyBracket) => {
                if let Some(frame) = self.frames.pop() {
                    self.value_of = match frame {
                        Frame::Table { prefix, .. } | Frame::Array { prefix, .. } => prefix,
                    };
                    self.state = State::AfterValue;
                }
            }
            _ => {}
        }
        None
    }
}

fn key_text(kind: TokenKind, raw: &str) -> String {
    match kind {
        TokenKind::BasicString | TokenKind::LiteralString if raw.len() >= 2 => {
            raw[1..raw.len() - 1].to_string()
        }
        _ => raw.to_string(),
    }
}

/// Runs the tracker over `text`. `before` sees each token (kind and end offset) before the
/// tracker takes it; `after` sees the tracker after it, with the token's end offset and the key
/// or header it completed, if any, and returns false to stop.
fn track(
    text: &str,
    mut before: impl FnMut(&Tracker, TokenKind, usize),
    mut after: impl FnMut(&Tracker, usize, Option<&(String, usize)>) -> bool,
) {
    let mut tracker = Tracker::new();
    let mut lexer = Source::new(text).lex().peekable();
    while let Some(t) = lexer.next() {
        let (start, end) = (t.span().start(), t.span().end());
        let end = if t.kind() == TokenKind::Eof { usize::MAX } else { end };
        before(&tracker, t.kind(), end);
        if t.kind() == TokenKind::Eof {
            return;
        }
        let next_is_bracket = lexer.peek().is_some_and(|n| n.kind() == TokenKind::LeftSquareBracket);
        let done = tracker.token(t.kind(), &text[start..end], start, next_is_bracket);
        if !after(&tracker, end, done.as_ref()) {
            return;
        }
    }
}

/// The place of each offset (sorted ascending), in one pass over the file. An offset in white
/// space, a comment or a line break belongs to what came before it (`size =` at the end of a
/// line is about `size`); any other token's offsets belong to it.
pub(crate) fn places(text: &str, offsets: &[usize]) -> Vec<Place> {
    let out = std::cell::RefCell::new(Vec::with_capacity(offsets.len()));
    let take = |tracker: &Tracker, end: usize| {
        let mut out = out.borrow_mut();
        if out.len() < offsets.len() && offsets[out.len()] < end {
            let place = tracker.place();
            while out.len() < offsets.len() && offsets[out.len()] < end {
                out.push(place.clone());
            }
        }
    };
    track(
        text,
        |tracker, kind, end| {
            if matches!(
                kind,
                TokenKind::Whitespace | TokenKind::Comment | TokenKind::Newline | TokenKind::Eof
            ) {
                take(tracker, end);
            }
        },
        |tracker, end, _| {
            take(tracker, end);
            out.borrow().len() < offsets.len()
        },
    );
    let mut out = out.into_inner();
    out.resize(offsets.len(), Place::default());
    out
}

/// Offset of the first key or header in the file that has this path.
fn first_definition(text: &str, path: &str) -> Option<usize> {
    let mut found = None;
    track(
        text,
        |_, _, _| {},
        |_, _, done| {
            if let Some((p, start)) = done
                && p == path
            {
                found = Some(*start);
                return false;
            }
            true
        },
    );
    found
}

/// The problems of a file the TOML parser refused, at most one per line.
pub(crate) fn syntax_problems(text: &str, errors: &[toml::de::Error], lines: &LineIndex) -> Vec<Problem> {
    let mut seen_lines = Vec::new();
    let mut chosen = Vec::new();
    for e in errors {
        let offset = e.span().map_or(text.len(), |s| s.start).min(text.len());
        let line = lines.line(offset);
        if !seen_lines.contains(&line) && chosen.len() < 20 {
            seen_lines.push(line);
            chosen.push((offset, e));
        }
    }
    chosen.sort_by_key(|&(offset, _)| offset);
    let offsets: Vec<usize> = chosen.iter().map(|&(o, _)| o).collect();
    let places = places(text, &offsets);
    chosen
        .iter()
        .zip(places)
        .map(|(&(offset, e), place)| {
            let span = e.span().unwrap_or(offset..offset);
            let span = span.start.min(text.len())..span.end.min(text.len()).max(span.start.min(text.len()));
            let message = syntax_message(e.message(), text, span, &place, lines);
            Problem { key: place.path.clone(), line: Some(lines.line(offset)), message }
        })
        .collect()
}

/// The text of a line, without its line break.
fn line_text<'t>(text: &'t str, lines: &LineIndex, offset: usize) -> &'t str {
    let start = lines.line_start(lines.line(offset)).min(text.len());
    let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
    text[start..end].trim_end_matches('\r')
}

/// The key written before the `=` on the line of `offset`, if there is one before it.
fn key_before(text: &str, lines: &LineIndex, offset: usize) -> Option<String> {
    let start = lines.line_start(lines.line(offset)).min(offset);
    let before = text.get(start..offset)?;
    let (key, _) = before.rsplit_once('=')?;
    let key = key.rsplit([',', '{']).next().unwrap_or(key).trim();
    (!key.is_empty()).then(|| key.to_string())
}

/// The whole word (number, bare key) that the span starts in.
fn word_at(text: &str, at: usize) -> &str {
    let is_word = |c: char| !(c.is_whitespace() || ",[]{}=#\"'".contains(c));
    let start = text[..at].rfind(|c: char| !is_word(c)).map_or(0, |i| i + 1);
    let end = text[at..].find(|c: char| !is_word(c)).map_or(text.len(), |i| at + i);
    &text[start..end]
}

/// How a value for this place is written, from the file's shape: `kind = "poisson"`.
fn example_for(path: &str) -> Option<&'static str> {
    super::schema::field_at(&super::text::split_key(path)).map(|f| f.example).filter(|e| e.contains(" = "))
}

/// A parser's description of a bad value, in words.
fn bad_value(what: &str) -> &'static str {
    match what {
        "invalid float" => "it looks like a number, but is not one",
        "invalid integer number"
        | "invalid hexadecimal number"
        | "invalid octal number"
        | "invalid binary number" => "it looks like a whole number, but is not one",
        "invalid multi-line basic string" | "invalid multi-line literal string" => {
            "a text in triple quotes must be closed with the same three quotes"
        }
        "invalid date-time" => "it looks like a date, but is not one",
        "invalid boolean" => "true and false are written in lower case, without quotes",
        "integers with a radix cannot be signed" => {
            "a number written in hex, octal or binary cannot have a sign"
        }
        "radix must be lowercase" => "write 0x, 0o or 0b in lower case",
        "redundant numeric sign" | "unexpected sign" => "it has a sign too many",
        "redundant integer number prefix" => "it has a prefix too many",
        "`_` may only go between digits" => "an underscore in a number must stand between two digits",
        _ => "it is not a number, true/false, text in quotes, a [list] or a { table }",
    }
}

fn syntax_message(
    message: &str,
    text: &str,
    span: std::ops::Range<usize>,
    place: &Place,
    lines: &LineIndex,
) -> String {
    let (what, expected) = message.split_once(", expected ").unwrap_or((message, ""));
    let here = text.get(span.clone()).unwrap_or("");
    let key = key_before(text, lines, span.start)
        .or_else(|| place.path.rsplit('.').next().map(str::to_string))
        .unwrap_or_default();
    let line_of = |offset: usize| lines.line(offset);
    match what {
        "duplicate key" => {
            let first = first_definition(text, &place.path).filter(|&o| o < span.start);
            let first = first.map_or(String::new(), |o| format!(" (first on line {})", line_of(o)));
            match &place.header {
                Some(header) if place.header_clash => format!(
                    "[{header}] and [[{header}]] cannot both be used: [[{header}]] makes a list of tables, [{header}] a single one"
                ),
                Some(header) => format!("the table [{header}] appears twice{first}; put all its keys under one header"),
                None => format!("{} is given twice in the same table{first}; keep one of them", quote(here)),
            }
        }
        "extra `=`" => "there is one = too many: write key = value".into(),
        "key with no value" | "missing assignment between key-value pairs" => {
            let line_start = lines.line_start(lines.line(span.start)).min(span.start);
            let before = &text[line_start..span.start];
            let written = before.rsplit([',', '{']).next().unwrap_or(before).trim();
            let rest = line_text(text, lines, span.start)
                .get(span.start - line_start..)
                .unwrap_or("")
                .split(['#', ',', '}'])
                .next()
                .unwrap_or("")
                .trim();
            let simple = |v: &str| !v.is_empty() && v.chars().all(|c| c.is_alphanumeric() || "\"'.-+ _".contains(c));
            if rest.contains('=') {
                let fixed = format!("{written} {}", rest.split('=').next().unwrap_or("").trim()).replace(' ', "_");
                format!("a key cannot contain spaces: write {} (or put the key in quotes)", key_segment(&fixed))
            } else if simple(rest) {
                format!("expected = between the key and its value: write {written} = {rest}")
            } else if written.is_empty() {
                "expected a key and its value, like name = \"exc\"".into()
            } else {
                format!("{} has no value: write {written} = followed by its value", quote(written))
            }
        }
        "string values must be quoted" => {
            let like = example_for(&place.path).map_or(String::new(), |e| format!(", like {e}"));
            if here.trim().is_empty() {
                format!("{key} has no value after =; write its value{like}")
            } else if Quantity::parse(here).is_ok_and(|q| q.unit != super::Unit::One) {
                format!("a number with a unit goes in quotes: write {key} = \"{}\"", here.trim())
            } else {
                format!(
                    "{} is not a number, true/false or quoted text; if it is text, put it in quotes: {key} = \"{}\"",
                    quote(here),
                    here.trim()
                )
            }
        }
        "invalid basic string" | "invalid literal string" | "invalid string" => {
            if expected.contains("visible characters") || expected.contains("printable") {
                format!(
                    "text in quotes cannot contain the control character {}; remove it (a line break inside quotes is written \\n)",
                    quote(here)
                )
            } else {
                "this text has no closing quote before the end of the line".into()
            }
        }
        "missing opening quote" => "this text has a closing quote but no opening one".into(),
        "missing escaped value" => "after a backslash \\ inside double quotes only \\n, \\t, \\\", \\\\ or \\u followed by a code may come; to write a backslash, use \\\\ or single quotes".into(),
        "unclosed array" | "unclosed inline table" => {
            let (close, what) = if what == "unclosed array" { (']', "list") } else { ('}', "table") };
            match place.open {
                Some((_, open)) => format!("the {what} opened on line {} is not closed with {close}", line_of(open)),
                None => format!("a {what} is not closed with {close}"),
            }
        }
        "unclosed table" => format!("the table header is not closed: write [{}]", place.header.as_deref().unwrap_or(&place.path)),
        "unclosed array table" => {
            format!("the table header is not closed: write [[{}]]", place.header.as_deref().unwrap_or(&place.path))
        }
        "missing comma between array elements" => "the items of a list are separated by commas".into(),
        "missing comma between key-value pairs" => "the entries of a { … } table are separated by commas".into(),
        "extra comma in inline table" | "extra comma in array" => "there is one comma too many here".into(),
        "unexpected leading zero" => {
            format!("{} cannot start with 0 (write 7, not 07; 0.5 is fine)", quote(word_at(text, span.start)))
        }
        "invalid unquoted key" => format!(
            "{} cannot be a key: keys use letters a–z, digits, _ and - (or go in quotes)",
            quote(here)
        ),
        "unquoted keys cannot be empty" => "there is no key before the =".into(),
        "carriage return must be followed by newline" => {
            "a lone carriage return (\\r) is not a line break; save the file with ordinary line endings".into()
        }
        "invalid comment character" => {
            format!("a comment contains the control character {}; remove it", quote(here))
        }
        "cannot recurse further; max recursion depth met" | "recursion limit" => {
            "values are nested too deeply here".into()
        }
        w if w.starts_with("cannot extend value of type") => format!(
            "{} already has a value, so no keys can be added to it here",
            key_segment(place.path.rsplit('.').next().unwrap_or(""))
        ),
        w if w.starts_with("invalid")
            || w.contains("radix")
            || w.contains("numeric")
            || w.contains("digits")
            || w.contains("sign")
            || w.contains("number prefix") =>
        {
            let word = if here.trim().is_empty() { word_at(text, span.start) } else { here };
            format!("{} cannot be read: {}", quote(word), bad_value(w))
        }
        _ if here.trim().is_empty() => format!("the file is not valid TOML here ({})", plain(what)),
        _ => format!("the file is not valid TOML at {} ({})", quote(here), plain(what)),
    }
}

/// A parser's description without back-ticks.
fn plain(s: &str) -> String {
    s.replace('`', "")
}

/// A serde error the schema check missed (it would mean the two disagree), worded as well as
/// a generic message can be, with the key path of its span.
pub(crate) fn serde_problem(e: &toml::de::Error, text: &str, lines: &LineIndex) -> Problem {
    let offset = e.span().map_or(0, |s| s.start).min(text.len());
    let place = places(text, &[offset]).pop().unwrap_or_default();
    Problem { key: place.path, line: Some(lines.line(offset)), message: unjargon(e.message()) }
}

/// serde's phrases ("invalid type: string \"10\", expected u64") in plainer words.
fn unjargon(message: &str) -> String {
    let words = |s: &str| {
        let mut s = s.trim().to_string();
        for (from, to) in [
            ("u64", "a whole number"),
            ("u32", "a whole number"),
            ("f64", "a number"),
            ("a string", "text in quotes"),
            ("a boolean", "true or false"),
            ("a sequence", "a list"),
            ("sequence", "a list"),
            ("map", "a table"),
            ("floating point", "the number"),
            ("integer", "the whole number"),
            ("string", "the text"),
            ("boolean", ""),
            ("`", ""),
        ] {
            s = s.replace(from, to);
        }
        s.trim().to_string()
    };
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((got, want)) = rest.split_once(", expected ")
    {
        return format!("expected {}, got {}", words(want), words(got));
    }
    if let Some(rest) = message.strip_prefix("invalid value: ")
        && let Some((got, want)) = rest.split_once(", expected ")
    {
        return format!("expected {}, got {}", words(want), words(got));
    }
    if let Some(field) = message.strip_prefix("missing field ") {
        return format!("{} is missing here", field.trim_matches('`'));
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (field, known) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("{} is not a key here; it can have {}", field.trim_matches('`'), plain(known));
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (name, known) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!(
            "{} is not a name this accepts; choose {}",
            quote(name.trim_matches('`')),
            plain(known)
        );
    }
    words(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name = \"x\"\n[[populations]]\nname = \"a\"\n[[populations]]\nname = \"b\"\nparams = { tau_m = \"1 ms\", x = [1, 2] }\n[populations.initial]\nv = \"1 mV\"\n";

    #[test]
    fn the_tracker_finds_key_paths() {
        let at = |needle: &str| TEXT.find(needle).expect("in text");
        let offsets = [at("\"x\""), at("\"a\""), at("\"1 ms\""), at("2]"), at("\"1 mV\"")];
        let paths: Vec<String> = places(TEXT, &offsets).into_iter().map(|p| p.path).collect();
        assert_eq!(
            paths,
            [
                "name",
                "populations[0].name",
                "populations[1].params.tau_m",
                "populations[1].params.x[1]",
                "populations[1].initial.v"
            ]
        );
        assert_eq!(first_definition(TEXT, "populations[1].name"), Some(at("name = \"b\"")));
    }

    #[test]
    fn serde_phrases_become_sentences() {
        assert_eq!(
            unjargon("invalid type: string \"10\", expected u64"),
            "expected a whole number, got the text \"10\""
        );
        assert_eq!(unjargon("missing field `size`"), "size is missing here");
    }
}
