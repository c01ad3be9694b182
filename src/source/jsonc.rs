//! JSON with comments (`//` to the end of the line, `/* … */`), as EasyPIM's configs are
//! written. Comments are blanked to spaces, byte for byte (line breaks kept), so the strict
//! parser reads the rest and every span stays where it is in the file. Only the engine's
//! fallback for a config that the strict parser refused uses this: strict JSON stays strict.

/// The text with every comment outside a string replaced by spaces; `None` when it has none.
/// An unterminated block comment is blanked to the end of the text.
pub fn blank_comments(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    let mut in_string = false;
    while let Some(&b) = bytes.get(i) {
        if in_string {
            match b {
                b'\\' => i += 2,
                b'"' => {
                    in_string = false;
                    i += 1;
                }
                _ => i += 1,
            }
            continue;
        }
        let next = bytes.get(i + 1).copied();
        let end = match (b, next) {
            (b'"', _) => {
                in_string = true;
                i += 1;
                continue;
            }
            (b'/', Some(b'/')) => {
                memchr::memchr2(b'\n', b'\r', &bytes[i..]).map_or(bytes.len(), |n| i + n)
            }
            (b'/', Some(b'*')) => {
                memchr::memmem::find(&bytes[i + 2..], b"*/").map_or(bytes.len(), |n| i + 2 + n + 2)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        let buf = out.get_or_insert_with(|| bytes.to_vec());
        for c in buf.iter_mut().take(end).skip(i) {
            if *c != b'\n' && *c != b'\r' {
                *c = b' ';
            }
        }
        i = end;
    }
    // Whole comments (every byte of each character) became ASCII spaces: still UTF-8.
    out.and_then(|b| String::from_utf8(b).ok())
}

#[cfg(test)]
mod tests {
    use super::blank_comments;

    #[test]
    fn comments_become_spaces_and_spans_stay() {
        let text = "{\"a\": 1, // note é\n \"b\": /* x\n y */ \"//not\"}";
        let blank = blank_comments(text).unwrap_or_default();
        assert_eq!(blank.len(), text.len());
        assert_eq!(blank.find("\"b\""), text.find("\"b\""));
        assert!(blank.contains("\"//not\""));
        assert!(!blank.contains("note") && !blank.contains('x'));
        assert_eq!(blank.matches('\n').count(), 2);
        assert!(crate::source::json::parse(&blank).is_ok());
    }

    #[test]
    fn strict_json_is_left_alone() {
        assert_eq!(blank_comments("{\"url\": \"https://x/*y*/\"}"), None);
        assert_eq!(blank_comments("{\"a\": \"\\\"//\"}"), None);
    }

    #[test]
    fn unterminated_block_comment_blanks_to_the_end() {
        assert_eq!(
            blank_comments("[1] /* open").as_deref(),
            Some("[1]        ")
        );
    }
}
