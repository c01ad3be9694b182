//! What a miette report shows of a file: a copy of the lines around the labels in which
//! control characters and bidi overrides are visible escapes (see [`super::escape`]) and
//! secret values are `*`s (see [`super::secrets`]), with every span mapped onto the copy, so a
//! file can neither drive the terminal through a snippet nor leak a secret sitting beside a
//! finding. Line numbers and the `[file:line:col]` header stay those of the file (the column
//! counts code points, as every other output does).
//!
//! [`SafeDiagnostic`] does the same for any diagnostic (config and pack errors): its message,
//! help, code and labels escaped, its snippet sanitised.

use super::escape;
use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::ops::Range;

/// Lines kept around the labels: more than the context lines a report shows, so miette never
/// reaches an edge of the copy it would not have reached in the file.
const MARGIN: usize = 3;

/// A sanitised copy of some whole lines of a file.
#[derive(Debug, Clone)]
pub struct Snippet {
    /// The file's name, escaped.
    name: String,
    /// The lines as shown.
    text: String,
    /// The lines as they are in the file.
    orig: String,
    /// Byte offset of `orig` in the file.
    start: usize,
    /// 0-based line number of the first line.
    first_line: usize,
    /// For each byte offset of `orig` (and its end), the offset in `text`.
    map: Vec<usize>,
}

impl Snippet {
    /// `window`: whole lines of a file, starting at byte `start`, line `first_line` (0-based).
    pub fn new(name: &str, window: &str, start: usize, first_line: usize) -> Snippet {
        let secrets = super::secrets::ranges(window);
        let mut text = String::with_capacity(window.len() + 16);
        let mut map = vec![0; window.len() + 1];
        let mut secret = secrets.iter().peekable();
        let mut chars = window.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            for m in &mut map[i..i + c.len_utf8()] {
                *m = text.len();
            }
            while secret.peek().is_some_and(|r| r.end <= i) {
                secret.next();
            }
            let masked = secret.peek().is_some_and(|r| r.contains(&i));
            match c {
                '\n' | '\t' => text.push(c),
                '\r' if chars.peek().is_some_and(|(_, n)| *n == '\n') => text.push(c),
                _ if masked => text.push('*'),
                c if escape::is_unsafe(c) => escape::push_escaped(&mut text, c),
                c => text.push(c),
            }
        }
        map[window.len()] = text.len();
        Snippet {
            name: escape::terminal(name).into_owned(),
            text,
            orig: window.to_owned(),
            start,
            first_line,
            map,
        }
    }

    /// The lines of `text` around `spans` (byte ranges of the file), with `MARGIN` lines before
    /// and after; `line_of` gives the 0-based line of a byte offset.
    pub fn around(
        name: &str,
        text: &str,
        spans: &[Range<usize>],
        line_of: impl Fn(usize) -> usize,
    ) -> Snippet {
        let floor = |mut o: usize| {
            o = o.min(text.len());
            while !text.is_char_boundary(o) {
                o -= 1;
            }
            o
        };
        let lo = floor(spans.iter().map(|s| s.start).min().unwrap_or(0));
        let hi = floor(spans.iter().map(|s| s.end.max(s.start)).max().unwrap_or(0));
        let bytes = text.as_bytes();
        let mut start = memchr::memrchr(b'\n', &bytes[..lo]).map_or(0, |i| i + 1);
        for _ in 0..MARGIN {
            if start == 0 {
                break;
            }
            start = memchr::memrchr(b'\n', &bytes[..start - 1]).map_or(0, |i| i + 1);
        }
        let mut end = hi;
        for _ in 0..=MARGIN {
            match memchr::memchr(b'\n', &bytes[end..]) {
                Some(i) => end += i + 1,
                None => {
                    end = bytes.len();
                    break;
                }
            }
        }
        let window = text.get(start..end).unwrap_or_default();
        Snippet::new(name, window, start, line_of(start))
    }

    /// A byte range of the file as a span of the copy.
    pub fn span(&self, r: &Range<usize>) -> SourceSpan {
        let at = |o: usize| {
            let o = o.saturating_sub(self.start).min(self.orig.len());
            self.map[o]
        };
        let (s, e) = (at(r.start), at(r.end.max(r.start)));
        (s, e - s).into()
    }

    /// The column (0-based, in code points of the file) of an offset of the copy.
    fn column(&self, offset: usize) -> usize {
        let o = self
            .map
            .partition_point(|&m| m < offset)
            .min(self.orig.len());
        let mut o = o;
        while !self.orig.is_char_boundary(o) {
            o -= 1;
        }
        let line_start = self.orig[..o].rfind('\n').map_or(0, |i| i + 1);
        self.orig[line_start..o].chars().count()
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let c = self
            .text
            .as_str()
            .read_span(span, context_lines_before, context_lines_after)?;
        let column = if context_lines_before == 0 {
            self.column(span.offset())
        } else {
            0
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            *c.span(),
            c.line() + self.first_line,
            column,
            // miette merges two labels' snippets when `line + line_count` of the first reaches
            // the second's line, counting from the start of the file: so does this.
            c.line_count() + self.first_line,
        )))
    }
}

/// A diagnostic fit for a terminal: the text of another one escaped, its snippet sanitised.
#[derive(Debug)]
pub struct SafeDiagnostic {
    message: String,
    code: Option<String>,
    help: Option<String>,
    severity: Option<miette::Severity>,
    labels: Vec<LabeledSpan>,
    source: Option<Snippet>,
}

impl SafeDiagnostic {
    pub fn new(d: &dyn Diagnostic) -> SafeDiagnostic {
        let labels: Vec<LabeledSpan> = d.labels().map(Iterator::collect).unwrap_or_default();
        let ranges: Vec<Range<usize>> = labels
            .iter()
            .map(|l| l.offset()..l.offset() + l.len())
            .collect();
        let source = d
            .source_code()
            .filter(|_| !ranges.is_empty())
            .and_then(|src| {
                let lo = ranges.iter().map(|r| r.start).min().unwrap_or(0);
                let hi = ranges.iter().map(|r| r.end).max().unwrap_or(0);
                let c = src.read_span(&(lo, hi - lo).into(), MARGIN, MARGIN).ok()?;
                let window = std::str::from_utf8(c.data()).ok()?;
                Some(Snippet::new(
                    c.name().unwrap_or_default(),
                    window,
                    c.span().offset(),
                    c.line(),
                ))
            });
        let labels = match &source {
            Some(s) => labels
                .iter()
                .zip(&ranges)
                .map(|(l, r)| {
                    let label = l.label().map(|t| escape::terminal(t).into_owned());
                    if l.primary() {
                        LabeledSpan::new_primary_with_span(label, s.span(r))
                    } else {
                        LabeledSpan::new_with_span(label, s.span(r))
                    }
                })
                .collect(),
            None => Vec::new(),
        };
        SafeDiagnostic {
            message: escape::terminal_lines(&d.to_string()).into_owned(),
            code: d
                .code()
                .map(|c| escape::terminal(&c.to_string()).into_owned()),
            help: d
                .help()
                .map(|h| escape::terminal_lines(&h.to_string()).into_owned()),
            severity: d.severity(),
            labels,
            source,
        }
    }
}

impl fmt::Display for SafeDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SafeDiagnostic {}

impl Diagnostic for SafeDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.severity
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // one label's range, as a list of one
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible_and_spans_follow_them() {
        let text = "{\n  \"a\u{1b}[2J\": \"x\u{202e}y\",\r\n  \"client_secret\": \"abc123\"\n}\n";
        let at = text.find("y\"").unwrap();
        let s = Snippet::around("f\u{1b}.json", text, &[at..at + 1], |_| 0);
        assert_eq!(
            s.text,
            "{\n  \"a\\x1b[2J\": \"x\\u{202e}y\",\r\n  \"client_secret\": \"******\"\n}\n"
        );
        assert_eq!(s.name, "f\\x1b.json");
        let span = s.span(&(at..at + 1));
        assert_eq!(&s.text[span.offset()..span.offset() + span.len()], "y");
        // The column is the file's: `y` is the 15th code point of its line.
        assert_eq!(s.column(span.offset()), 14);
    }

    #[test]
    fn the_window_keeps_line_numbers() {
        let text: String = (1..=20).map(|n| format!("line {n}\n")).collect();
        let at = text.find("line 10").unwrap();
        let s = Snippet::around("f", &text, &[at..at + 4], |o| {
            text[..o].matches('\n').count()
        });
        assert!(s.orig.starts_with("line 7\n"), "{}", s.orig);
        assert!(s.orig.ends_with("line 13\n"), "{}", s.orig);
        assert_eq!(s.first_line, 6);
        let c = s.read_span(&s.span(&(at..at + 4)), 1, 1).unwrap();
        assert_eq!(c.line(), 8);
    }

    #[test]
    fn any_text_and_any_span_is_shown_without_a_panic() {
        let pieces = [
            "\"",
            "'",
            "\\",
            ":",
            " ",
            "=",
            "?",
            "&",
            "\n",
            "\r",
            "\t",
            "é",
            "\u{202e}",
            "\u{1b}",
            "\u{9b}",
            "eyJ",
            ".",
            "Bearer ",
            "password",
            "sig",
            "-----BEGIN PRIVATE KEY-----",
            "-----END",
            "MIIE",
            "#",
            "{",
            "}",
            "x",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..3000 {
            let len = next(40);
            let text: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            let a = next(text.len() + 2);
            let b = a + next(8);
            let s = Snippet::around("f", &text, &[a..b], |o| {
                text[..o.min(text.len())].matches('\n').count()
            });
            let span = s.span(&(a..b));
            assert!(span.offset() + span.len() <= s.text.len());
            let _ = s.column(span.offset());
            let _ = s.read_span(&span, 1, 1);
        }
    }
}
