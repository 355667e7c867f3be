//! Explicit synapse lists read straight from the text, without a TOML table per synapse.
//!
//! The `toml` crate parses a whole document into a tree before serde sees it: every
//! `{ pre = 0, post = 1, weight = "5 pA" }` becomes a map with spans, after the lexer and
//! parser have each stored a 24-byte record per token. That is about 2 KB per synapse, so a
//! million-synapse file needed 2 GB to load. Here such lists are found with the TOML lexer
//! (streamed, nothing stored per token), read into [`ExplicitSynapse`]s (48 bytes each, plus
//! the 4-byte offset of each synapse kept while the file is checked, for line numbers), and
//! replaced by spaces in the text that the `toml` crate parses, so that its tree holds an empty
//! list there. Byte offsets, and so every line number, stay as they were.
//!
//! Only lists written in the plain form are taken: whole numbers for `pre` and `post`, quoted
//! quantities for `weight` and `delay`, no other keys, no key twice. Anything else (a typo, a
//! number with a decimal point, an escape in a string) leaves the list to the ordinary parser
//! and its checks, which words the problem; the two ways give equal models and equal messages,
//! which a test checks.

use super::ExplicitSynapse;
use super::units::Quantity;
use toml_parser::Source;
use toml_parser::lexer::TokenKind;

/// A synapse list read from the text.
#[derive(Debug)]
pub(crate) struct LeanList {
    /// Byte offset of the list's `[`.
    pub start: usize,
    /// Byte offset just after its `]`.
    pub end: usize,
    /// The synapses, in file order (at most the limit the scan was given).
    pub synapses: Vec<ExplicitSynapse>,
    /// Byte offset of each synapse's `{`.
    pub starts: Vec<u32>,
    /// How many synapses the list has (more than `synapses.len()` when it is over the limit).
    pub listed: usize,
}

/// Finds the synapse lists written in the plain form. A list with more than `max_synapses`
/// (in all lists together) is counted but not kept: it could not be loaded anyway.
pub(crate) fn scan(text: &str, max_synapses: usize) -> Vec<LeanList> {
    // Offsets are kept as u32; a larger text is left to the ordinary parser (and its size check).
    if text.len() >= u32::MAX as usize || !text.contains("synapses") {
        return Vec::new();
    }
    let mut lists = Vec::new();
    let mut tokens = Tokens::new(text);
    let mut kept = 0usize;
    while let Some(t) = tokens.next() {
        if !is_key(text, t.kind, t.start, t.end, "synapses") {
            continue;
        }
        // `synapses = [`, then a `{`; anything else is not a candidate.
        if tokens.next_significant().is_none_or(|t| t.kind != TokenKind::Equals) {
            continue;
        }
        let Some(open) = tokens.next_significant() else { break };
        if open.kind != TokenKind::LeftSquareBracket {
            continue;
        }
        if let Some(list) = read_list(&mut tokens, open.start, max_synapses.saturating_sub(kept)) {
            kept += list.synapses.len();
            lists.push(list);
        }
    }
    lists
}

/// The text with each list's inside replaced by spaces: `[` and `]` stay, offsets stay.
pub(crate) fn blank(text: &str, lists: &[LeanList]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for list in lists {
        // `[` and `]` are ASCII, so both cuts fall on character boundaries.
        out.push_str(&text[at..=list.start]);
        out.extend(std::iter::repeat_n(' ', list.end - list.start - 2));
        at = list.end - 1;
    }
    out.push_str(&text[at..]);
    out
}

/// Byte offset of the value of `field` in the inline table that starts at `start`.
pub(crate) fn field_offset(text: &str, start: usize, field: &str) -> Option<usize> {
    let mut tokens = Tokens::new(text.get(start..)?);
    let local = tokens.text;
    let mut depth = 0;
    while let Some(t) = tokens.next() {
        match t.kind {
            TokenKind::LeftCurlyBracket | TokenKind::LeftSquareBracket => depth += 1,
            TokenKind::RightCurlyBracket | TokenKind::RightSquareBracket => {
                depth -= 1;
                if depth == 0 {
                    return None;
                }
            }
            _ => {}
        }
        let is_field = depth == 1 && is_key(local, t.kind, t.start, t.end, field);
        if is_field && tokens.next_significant()?.kind == TokenKind::Equals {
            return Some(start + tokens.next_significant()?.start);
        }
    }
    None
}

#[derive(Clone, Copy)]
struct Tok {
    kind: TokenKind,
    start: usize,
    end: usize,
}

struct Tokens<'t> {
    text: &'t str,
    lexer: toml_parser::lexer::Lexer<'t>,
}

impl<'t> Tokens<'t> {
    fn new(text: &'t str) -> Self {
        Tokens { text, lexer: Source::new(text).lex() }
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.lexer.next()?;
        (t.kind() != TokenKind::Eof).then(|| Tok {
            kind: t.kind(),
            start: t.span().start(),
            end: t.span().end(),
        })
    }

    /// The next token that is not white space on the same line.
    fn next_significant(&mut self) -> Option<Tok> {
        loop {
            let t = self.next()?;
            if t.kind != TokenKind::Whitespace {
                return Some(t);
            }
        }
    }

    /// The next token that is not white space, a line break or a clean comment; `None` also
    /// for a comment or line break that the TOML parser would refuse.
    fn next_content(&mut self) -> Option<Tok> {
        loop {
            let t = self.next()?;
            let raw = &self.text[t.start..t.end];
            match t.kind {
                TokenKind::Whitespace => {}
                TokenKind::Newline if raw == "\n" || raw == "\r\n" => {}
                TokenKind::Comment if raw.chars().all(|c| c == '\t' || !c.is_control()) => {}
                TokenKind::Newline | TokenKind::Comment => return None,
                _ => return Some(t),
            }
        }
    }
}

fn is_key(text: &str, kind: TokenKind, start: usize, end: usize, name: &str) -> bool {
    let raw = &text[start..end];
    match kind {
        TokenKind::Atom => raw == name,
        TokenKind::BasicString | TokenKind::LiteralString => {
            raw.len() == name.len() + 2 && &raw[1..raw.len() - 1] == name
        }
        _ => false,
    }
}

/// Reads a list whose `[` is at `open`, up to and with its `]`; `None` when it is not in the
/// plain form.
fn read_list(tokens: &mut Tokens<'_>, open: usize, max_synapses: usize) -> Option<LeanList> {
    let mut list = LeanList { start: open, end: open, synapses: Vec::new(), starts: Vec::new(), listed: 0 };
    let first = tokens.next_content()?;
    if first.kind != TokenKind::LeftCurlyBracket {
        return None;
    }
    let mut t = first;
    loop {
        match t.kind {
            TokenKind::LeftCurlyBracket => {
                let synapse = read_synapse(tokens)?;
                if list.listed < max_synapses {
                    list.synapses.push(synapse);
                    list.starts.push(t.start as u32);
                }
                list.listed += 1;
                let after = tokens.next_content()?;
                match after.kind {
                    TokenKind::Comma => t = tokens.next_content()?,
                    TokenKind::RightSquareBracket => t = after,
                    _ => return None,
                }
            }
            TokenKind::RightSquareBracket => {
                list.end = t.end;
                list.synapses.shrink_to_fit();
                list.starts.shrink_to_fit();
                return Some(list);
            }
            _ => return None,
        }
    }
}

/// Reads `pre = 0, post = 1, weight = "5 pA", delay = "1 ms" }` after a `{`.
fn read_synapse(tokens: &mut Tokens<'_>) -> Option<ExplicitSynapse> {
    let (mut pre, mut post, mut weight, mut delay) = (None, None, None, None);
    loop {
        let key = tokens.next_content()?;
        if key.kind == TokenKind::RightCurlyBracket {
            break;
        }
        if key.kind != TokenKind::Atom {
            return None;
        }
        let name = &tokens.text[key.start..key.end];
        if tokens.next_significant()?.kind != TokenKind::Equals {
            return None;
        }
        let value = tokens.next_significant()?;
        let raw = &tokens.text[value.start..value.end];
        match name {
            "pre" if pre.is_none() => pre = Some(count(value.kind, raw)?),
            "post" if post.is_none() => post = Some(count(value.kind, raw)?),
            "weight" if weight.is_none() => weight = Some(quantity(value.kind, raw)?),
            "delay" if delay.is_none() => delay = Some(quantity(value.kind, raw)?),
            _ => return None,
        }
        let after = tokens.next_content()?;
        match after.kind {
            TokenKind::Comma => {}
            TokenKind::RightCurlyBracket => break,
            _ => return None,
        }
    }
    Some(ExplicitSynapse { pre: pre?, post: post?, weight, delay })
}

/// A whole number written plainly: digits, no sign, no leading zero, no underscores.
fn count(kind: TokenKind, raw: &str) -> Option<u64> {
    let plain = kind == TokenKind::Atom
        && !raw.is_empty()
        && raw.bytes().all(|b| b.is_ascii_digit())
        && (raw == "0" || !raw.starts_with('0'));
    if plain { raw.parse().ok() } else { None }
}

/// A quantity in quotes without escapes or control characters, that parses.
fn quantity(kind: TokenKind, raw: &str) -> Option<Quantity> {
    let quote = match kind {
        TokenKind::BasicString => '"',
        TokenKind::LiteralString => '\'',
        _ => return None,
    };
    let inner = raw.strip_prefix(quote)?.strip_suffix(quote)?;
    let clean = inner.chars().all(|c| c != '\\' && c != quote && (c == '\t' || !c.is_control()));
    if clean { Quantity::parse(inner).ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[[projections]]\nconnect = { rule = \"explicit\", synapses = [\n  { pre = 0, post = 1, weight = \"5 pA\" }, # first\n  { post = 2, pre = 1, delay = '2 ms' },\n] }\n";

    #[test]
    fn plain_lists_are_read_and_blanked() {
        let lists = scan(TEXT, usize::MAX);
        assert_eq!(lists.len(), 1);
        let list = &lists[0];
        assert_eq!(list.synapses.len(), 2);
        assert_eq!((list.synapses[1].pre, list.synapses[1].post), (1, 2));
        assert_eq!(list.synapses[0].weight, Some(Quantity::pa(5.0)));
        assert_eq!(list.synapses[1].delay, Some(Quantity::ms(2.0)));
        let blanked = blank(TEXT, &lists);
        assert_eq!(blanked.len(), TEXT.len());
        assert!(blanked.contains("synapses = [ ") && !blanked.contains("pre"), "{blanked}");
        let weight = field_offset(TEXT, list.starts[0] as usize, "weight").expect("found");
        assert!(TEXT[weight..].starts_with("\"5 pA\""));
    }

    #[test]
    fn anything_unusual_is_left_to_the_parser() {
        for odd in [
            "{ pre = 0, post = 1, wieght = \"5 pA\" }",
            "{ pre = 0, post = 1, pre = 2 }",
            "{ pre = -1, post = 1 }",
            "{ pre = 0, post = 1.5 }",
            "{ pre = 0, post = \"1\" }",
            "{ pre = 0 }",
            "{ pre = 0, post = 1, weight = \"5 p\\u0041\" }",
            "{ pre = 0, post = 1, weight = \"5 parsec\" }",
            "{ pre = 0, post = 1 } { pre = 1, post = 0 }",
            "{ pre = 0, post = 1, weight = 5 }",
        ] {
            let text = format!("synapses = [{odd}]");
            assert!(scan(&text, usize::MAX).is_empty(), "{odd}");
        }
    }

    #[test]
    fn lists_over_the_limit_are_counted_not_kept() {
        let lists = scan(TEXT, 1);
        assert_eq!((lists[0].synapses.len(), lists[0].listed), (1, 2));
    }
}
