//! Escaping of text that came from input (values, keys, display names, file names, messages that
//! quote them) for each place it is shown, so a value can neither drive a terminal nor add
//! markup, links, mentions or formulas to a report.
//!
//! - [`terminal`]: control characters (C0, DEL, C1: ESC sequences, OSC-8 hyperlinks, CR, BEL,
//!   backspace, …), bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069, and the
//!   marks U+061C, U+200E, U+200F) and the line and paragraph separators become visible escapes
//!   (`\x1b`, `\r`, `\u{202e}`), so a value cannot clear the screen, rewrite a line, reorder
//!   what is shown or print a line of its own. [`terminal_lines`] keeps line feeds (text pim-lint
//!   itself laid out on several lines).
//! - [`markdown`]: raw HTML, entities, links and images, emphasis, math, table pipes,
//!   `@`-mentions and `#123` references are neutralised; code spans stay code spans.
//! - [`code_span`]: a code span (`` `file:line` ``) that no backtick in the text can close early.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Characters a terminal (or a bidi-aware viewer) acts on rather than shows.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// The visible form of an unsafe character: `\n`, `\r`, `\t`, `\x1b`, `\u{202e}`.
pub fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if u32::from(c) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

fn escape_where(s: &str, unsafe_char: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text from input for a terminal, on one line: every unsafe character (line breaks included)
/// as its visible escape.
pub fn terminal(s: &str) -> Cow<'_, str> {
    escape_where(s, is_unsafe)
}

/// Like [`terminal`], but line feeds stay line breaks: for text pim-lint laid out on several
/// lines (help joined from several rules).
pub fn terminal_lines(s: &str) -> Cow<'_, str> {
    escape_where(s, |c| c != '\n' && is_unsafe(c))
}

/// A character GitHub counts as part of a user, team or issue name.
fn word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Table-cell text that Markdown (GitHub-flavoured) shows as it is. Inside code spans (a run
/// of backticks closed by one of the same length, as CommonMark pairs them) nothing is
/// interpreted, so only the table's pipes and line breaks are escaped there; everywhere else:
///
/// - `\` and ASCII punctuation that starts markup are backslash-escaped: `|` (table pipes), `[`
///   and `]` (links and images; `(` after `]` and `!` before `[` too), `*`, `~` and `_` at the
///   edge of a word (emphasis), `$` (math), unmatched backticks;
/// - `<`, `>` and `&` become `&lt;`, `&gt;` and `&amp;` (no raw HTML, autolinks or entities);
/// - `@user`, `@org/team` and `#123` get a zero-width joiner after `@` / `#`, so GitHub neither
///   notifies anyone nor links (and back-links) an issue;
/// - line breaks become spaces and other unsafe characters visible escapes (see [`terminal`]).
pub fn markdown(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '`' {
            let run = chars[i..].iter().take_while(|c| **c == '`').count();
            if let Some(end) = closing_backticks(&chars, i + run, run) {
                let inner = &chars[i + run..end];
                // GitHub splits a table row at `\|` seen as an escaped backslash and a pipe, even
                // inside a code span: such a span is escaped as text.
                let splits = inner.windows(2).any(|w| w == ['\\', '|']);
                if !splits {
                    out.extend(&chars[i..i + run]);
                    for &c in inner {
                        code_char(&mut out, c);
                    }
                    out.extend(&chars[end..end + run]);
                    i = end + run;
                    continue;
                }
            }
            for _ in 0..run {
                out.push_str("\\`");
            }
            i += run;
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let c = chars[i];
        match c {
            '\\' | '|' | '[' | ']' | '*' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '(' if prev == Some(']') => out.push_str("\\("),
            '!' if next == Some('[') => out.push_str("\\!"),
            '_' if !(prev.is_some_and(word) && next.is_some_and(word)) => out.push_str("\\_"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' if !prev.is_some_and(word) && next.is_some_and(word) => {
                out.push_str("@\u{200d}");
            }
            '#' if next.is_some_and(|n| n.is_ascii_digit()) => out.push_str("#\u{200d}"),
            '\r' | '\n' => out.push(' '),
            c if is_unsafe(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// Where a code span opened by `run` backticks closes: the next run of exactly `run`.
fn closing_backticks(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        if chars[j] == '`' {
            let n = chars[j..].iter().take_while(|c| **c == '`').count();
            if n == run {
                return Some(j);
            }
            j += n;
        } else {
            j += 1;
        }
    }
    None
}

/// A character inside a code span in a table cell.
fn code_char(out: &mut String, c: char) {
    match c {
        '|' => out.push_str("\\|"),
        '\r' | '\n' => out.push(' '),
        c if is_unsafe(c) => push_escaped(out, c),
        c => out.push(c),
    }
}

/// `s` as one code span in a table cell: fenced with more backticks than any run inside it (and
/// padded with a space when it starts or ends with one), so nothing in it is interpreted.
pub fn code_span(s: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    let mut inner = String::with_capacity(s.len());
    for c in s.chars() {
        code_char(&mut inner, c);
    }
    format!("{fence}{pad}{inner}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_controls_and_bidi_visibly() {
        assert_eq!(terminal("plain — text"), "plain — text");
        assert!(matches!(terminal("plain"), Cow::Borrowed(_)));
        assert_eq!(
            terminal("a\u{1b}[2Jb\rc\u{7}d\u{8}e\u{9b}f"),
            "a\\x1b[2Jb\\rc\\x07d\\x08e\\u{9b}f"
        );
        assert_eq!(
            terminal("\u{1b}]8;;https://evil\u{1b}\\x\u{1b}]8;;\u{1b}\\"),
            "\\x1b]8;;https://evil\\x1b\\x\\x1b]8;;\\x1b\\"
        );
        assert_eq!(terminal("a\u{202e}b\u{2066}c"), "a\\u{202e}b\\u{2066}c");
        assert_eq!(terminal("one\ntwo"), "one\\ntwo");
        assert_eq!(terminal_lines("one\ntwo\r"), "one\ntwo\\r");
    }

    #[test]
    fn markdown_neutralises_html_links_mentions_and_references() {
        assert_eq!(
            markdown("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            markdown("![x](https://t.example/p.png) [y](https://e.example)"),
            "\\!\\[x\\]\\(https://t.example/p.png) \\[y\\]\\(https://e.example)"
        );
        assert_eq!(
            markdown("ping @octocat and @org/team"),
            "ping @\u{200d}octocat and @\u{200d}org/team"
        );
        assert_eq!(markdown("alex@contoso.example"), "alex@contoso.example");
        assert_eq!(markdown("fixes #12"), "fixes #\u{200d}12");
        assert_eq!(markdown("a|b\\c"), "a\\|b\\\\c");
        assert_eq!(
            markdown("*bold* _em_ ~s~ $x$"),
            "\\*bold\\* \\_em\\_ \\~s\\~ \\$x\\$"
        );
        assert_eq!(
            markdown("Approval_EndUser_Assignment"),
            "Approval_EndUser_Assignment"
        );
        assert_eq!(markdown("a &amp; b\nc"), "a &amp;amp; b c");
    }

    #[test]
    fn markdown_keeps_code_spans_and_escapes_stray_backticks() {
        assert_eq!(
            markdown("`maximumDuration` \"<b>\""),
            "`maximumDuration` \"&lt;b&gt;\""
        );
        assert_eq!(markdown("`a|<b>@x`"), "`a\\|<b>@x`");
        assert_eq!(markdown("a ` b"), "a \\` b");
        assert_eq!(markdown("`a\\|b`"), "\\`a\\\\\\|b\\`");
    }

    #[test]
    fn code_spans_cannot_be_closed_early() {
        assert_eq!(code_span("a.json:3"), "`a.json:3`");
        assert_eq!(code_span("x`<img>`.json:1"), "``x`<img>`.json:1``");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(code_span("a|b\u{1b}"), "`a\\|b\\x1b`");
    }
}
