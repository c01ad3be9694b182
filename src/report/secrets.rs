//! Secrets on the lines a snippet shows: an export or a config may hold a client secret, a
//! password, a token or a private key beside the value a finding is about. [`ranges`] finds
//! the byte ranges of such values in a few lines of JSON or YAML, so the human renderer can show
//! them as `*` (one per character: columns and spans stay where they were).
//!
//! What is masked:
//! - the value (quoted, or a plain YAML scalar to the end of the line) of a key whose name, in
//!   lower case without `_`, `-` and `.`, ends with `secret`, `secrettext`, `password`, `passwd`,
//!   `passphrase`, `token`, `apikey`, `accesskey`, `privatekey`, `accountkey`, `sharedkey`,
//!   `signingkey`, `connectionstring` or `authorization`, or is `pwd`, `sas` or `sig`;
//!   `true`, `false`, `null`, objects and lists are left alone (`isPasswordProtected: true`);
//! - query parameters of that kind (`?sig=…`, `&access_token=…`);
//! - `Bearer …` credentials and JWT-looking strings (`eyJ….….…`);
//! - private keys: from `-----BEGIN … PRIVATE KEY-----` to `-----END`, across lines, and lines
//!   that are nothing but a long run of base64 (the body of a key whose first line is not shown).

use std::ops::Range;

const SUFFIXES: &[&str] = &[
    "secret",
    "secrettext",
    "password",
    "passwd",
    "passphrase",
    "token",
    "apikey",
    "accesskey",
    "privatekey",
    "accountkey",
    "sharedkey",
    "signingkey",
    "connectionstring",
    "authorization",
];
const EXACT: &[&str] = &["pwd", "sas", "sig"];

/// A key (or query parameter) whose value is a secret.
pub fn is_secret_key(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    !k.is_empty() && (EXACT.contains(&k.as_str()) || SUFFIXES.iter().any(|s| k.ends_with(s)))
}

/// The byte ranges of `text` (a few whole lines) that hold secrets. Ranges never include a
/// line break.
pub fn ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut in_key = false;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let base = start;
        start += line.len();
        if in_key {
            match body.find("-----END") {
                Some(end) => push_trimmed(&mut out, body, base, 0..end),
                None => {
                    push_trimmed(&mut out, body, base, 0..body.len());
                    continue;
                }
            }
        }
        in_key = private_key(body, base, &mut out);
        key_values(body, base, &mut out);
        query_params(body, base, &mut out);
        bearer(body, base, &mut out);
        jwts(body, base, &mut out);
        if base64_line(body) {
            push_trimmed(&mut out, body, base, 0..body.len());
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

/// `range` of the line without its leading and trailing white space.
fn push_trimmed(out: &mut Vec<Range<usize>>, line: &str, base: usize, range: Range<usize>) {
    let part = &line[range.clone()];
    let lead = part.len() - part.trim_start().len();
    let trail = part.len() - part.trim_end().len();
    if lead + trail < part.len() {
        out.push(base + range.start + lead..base + range.end - trail);
    }
}

/// `-----BEGIN … PRIVATE KEY-----`: the key after the marker, to `-----END` on the same line
/// (a JSON string with `\n` escapes) or, when it does not end there, to the end of the line;
/// returns whether the key goes on past this line.
fn private_key(line: &str, base: usize, out: &mut Vec<Range<usize>>) -> bool {
    let Some(begin) = line.find("-----BEGIN") else {
        return false;
    };
    let rest = &line[begin + 10..];
    let Some(marker_end) = rest.find("-----") else {
        return false;
    };
    if !rest[..marker_end].contains("PRIVATE KEY") {
        return false;
    }
    let from = begin + 10 + marker_end + 5;
    match line[from..].find("-----END") {
        Some(end) => {
            if end > 0 {
                out.push(base + from..base + from + end);
            }
            false
        }
        None => {
            // The rest of a JSON or quoted YAML string, else the rest of the line.
            let tail = &line[from..];
            let stop = tail.find('"').unwrap_or(tail.len());
            if stop > 0 {
                out.push(base + from..base + from + stop);
            }
            stop == tail.len()
        }
    }
}

/// `"key": "value"`, `key: value`, `'key': 'value'` with a secret-looking key.
fn key_values(line: &str, base: usize, out: &mut Vec<Range<usize>>) {
    let bytes = line.as_bytes();
    for (colon, _) in line.match_indices(':') {
        // The key before the colon: quoted, or a plain word.
        let before = &line[..colon];
        let key = match before.as_bytes().last() {
            Some(q @ (b'"' | b'\'')) => {
                let inner = &before[..before.len() - 1];
                match inner.rfind(char::from(*q)) {
                    Some(open) => &inner[open + 1..],
                    None => continue,
                }
            }
            _ => {
                let start = before
                    .char_indices()
                    .rev()
                    .take_while(|(_, c)| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
                    .last()
                    .map_or(before.len(), |(i, _)| i);
                &before[start..]
            }
        };
        if !is_secret_key(key) {
            continue;
        }
        // The value after the colon (a plain YAML key needs a space after it).
        let mut v = colon + 1;
        if !matches!(bytes.get(v), Some(b' ' | b'\t') | None)
            && !matches!(bytes.get(v), Some(b'"' | b'\''))
        {
            continue;
        }
        while matches!(bytes.get(v), Some(b' ' | b'\t')) {
            v += 1;
        }
        match bytes.get(v) {
            Some(q @ (b'"' | b'\'')) => {
                let end = string_end(line, v + 1, *q);
                if end > v + 1 {
                    out.push(base + v + 1..base + end);
                }
            }
            Some(b'{' | b'[' | b'|' | b'>' | b'&' | b'*' | b'!' | b'#') | None => {}
            Some(_) => {
                let rest = &line[v..];
                let end = rest.find(" #").unwrap_or(rest.len());
                let value = rest[..end].trim_end();
                let value = value.trim_end_matches(',');
                if matches!(
                    value,
                    "true" | "false" | "null" | "~" | "True" | "False" | "Null"
                ) {
                    continue;
                }
                if !value.is_empty() {
                    out.push(base + v..base + v + value.len());
                }
            }
        }
    }
}

/// Where a string that opened before `from` closes (the index of its closing quote, or the end
/// of the line): `\"` does not close a JSON string, `''` does not close a YAML single-quoted one.
fn string_end(line: &str, from: usize, quote: u8) -> usize {
    let bytes = line.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b if b == quote => {
                if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                } else {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

fn value_char(c: u8) -> bool {
    !matches!(
        c,
        b'&' | b'"' | b'\'' | b' ' | b'\t' | b'#' | b'<' | b'>' | b',' | b'\\'
    )
}

/// `?sig=…`, `&client_secret=…`: the parameter's value, to the next `&`, quote or space.
fn query_params(line: &str, base: usize, out: &mut Vec<Range<usize>>) {
    let bytes = line.as_bytes();
    for (eq, _) in line.match_indices('=') {
        let before = &line[..eq];
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            .last()
            .map_or(before.len(), |(i, _)| i);
        if start == 0 || !matches!(bytes[start - 1], b'?' | b'&' | b';') {
            continue;
        }
        if !is_secret_key(&before[start..]) {
            continue;
        }
        let end = (eq + 1..bytes.len())
            .find(|&i| !value_char(bytes[i]))
            .unwrap_or(bytes.len());
        if end > eq + 1 {
            out.push(base + eq + 1..base + end);
        }
    }
}

fn token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=')
}

/// `Bearer <credential>` (any case).
fn bearer(line: &str, base: usize, out: &mut Vec<Range<usize>>) {
    let lower = line.to_ascii_lowercase();
    let bytes = line.as_bytes();
    for (at, _) in lower.match_indices("bearer ") {
        if at > 0 && bytes[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let mut v = at + 7;
        while bytes.get(v) == Some(&b' ') {
            v += 1;
        }
        let end = (v..bytes.len())
            .find(|&i| !token_char(bytes[i]))
            .unwrap_or(bytes.len());
        if end > v {
            out.push(base + v..base + end);
        }
    }
}

/// JWT-looking strings: `eyJ` at the start of a word, then base64url with at least one `.`.
fn jwts(line: &str, base: usize, out: &mut Vec<Range<usize>>) {
    let bytes = line.as_bytes();
    for (at, _) in line.match_indices("eyJ") {
        if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
            continue;
        }
        let end = (at..bytes.len())
            .find(|&i| {
                !(bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'-' | b'_' | b'.'))
            })
            .unwrap_or(bytes.len());
        let token = &line[at..end];
        if token.len() >= 20 && token.contains('.') {
            out.push(base + at..base + end);
        }
    }
}

/// A line that is only base64 (40 characters or more): a key or certificate body.
fn base64_line(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 40
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        && t.bytes()
            .any(|b| b.is_ascii_digit() || matches!(b, b'+' | b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        let mut s: Vec<char> = Vec::new();
        let r = ranges(text);
        for (i, c) in text.char_indices() {
            s.push(if r.iter().any(|r| r.contains(&i)) {
                '*'
            } else {
                c
            });
        }
        s.into_iter().collect()
    }

    #[test]
    fn secret_values_are_masked_and_others_are_not() {
        assert_eq!(
            masked(r#"{"client_secret": "abc123", "displayName": "Ops"}"#),
            r#"{"client_secret": "******", "displayName": "Ops"}"#
        );
        assert_eq!(masked("password: hunter2 # old"), "password: ******* # old");
        assert_eq!(masked("  apiKey: 'k''ey'"), "  apiKey: '*****'");
        assert_eq!(
            masked(r#""access_token": "a\"b", "refresh_token": "c""#),
            r#""access_token": "****", "refresh_token": "*""#
        );
        assert_eq!(
            masked(r#""isPasswordProtected": true, "passwordProfile": {"#),
            r#""isPasswordProtected": true, "passwordProfile": {"#
        );
        assert_eq!(
            masked(r#""OnPremisesLastPasswordSyncDateTime": "2024-01-01""#),
            r#""OnPremisesLastPasswordSyncDateTime": "2024-01-01""#
        );
        assert_eq!(
            masked(r#""Authorization": "Bearer abc.def""#),
            r#""Authorization": "**************""#
        );
        assert_eq!(
            masked("curl -H 'x: Bearer abc.def'"),
            "curl -H 'x: Bearer *******'"
        );
        assert_eq!(
            masked("https://a.blob.example/c?sv=2022&sig=AbC%2B&se=1"),
            "https://a.blob.example/c?sv=2022&sig=******&se=1"
        );
        assert_eq!(
            masked(r#""id": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig""#),
            format!(r#""id": "{}""#, "*".repeat(40))
        );
        assert_eq!(
            masked(r#""roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10""#),
            r#""roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10""#
        );
    }

    #[test]
    fn private_keys_are_masked_across_lines() {
        let text = "key: |\n  -----BEGIN RSA PRIVATE KEY-----\n  MIIEow\n  -----END RSA PRIVATE KEY-----\nnext: 1\n";
        assert_eq!(
            masked(text),
            "key: |\n  -----BEGIN RSA PRIVATE KEY-----\n  ******\n  -----END RSA PRIVATE KEY-----\nnext: 1\n"
        );
        assert_eq!(
            masked(r#""pem": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----""#),
            r#""pem": "-----BEGIN PRIVATE KEY-----********-----END PRIVATE KEY-----""#
        );
        assert_eq!(
            masked("  MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"),
            "  ****************************************************************\n"
        );
    }
}
