use super::*;

fn json(text: &str) -> Node<'_> {
    match json::parse(text) {
        Ok(n) => n,
        Err(e) => panic!("{text}: {e:?}"),
    }
}

#[test]
fn json_spans_point_at_values() {
    let text = "{\n  \"a\": [1, {\"b\": false}],\n  \"c~/d\": \"x\"\n}";
    let root = json(text);
    assert_eq!(&text[root.locate("/a/1/b")], "false");
    assert_eq!(&text[root.locate("/a")], "\"a\": [");
    assert_eq!(&text[root.locate("/c~0~1d")], "\"x\"");
    // Past the tree: the deepest node that exists.
    assert_eq!(&text[root.locate("/a/1/zzz")], "{");
}

#[test]
fn json_rejects_what_graph_rejects() {
    for bad in [
        "{\"a\":1,}",
        "[1,]",
        "{\"a\": NaN}",
        "// c\n{}",
        "{\"a\":\"x\ny\"}",
        "",
        "[1 2]",
        "{\"a\" 1}",
    ] {
        assert!(json::parse(bad).is_err(), "{bad:?} parsed");
    }
}

#[test]
fn json_truncated_error_is_at_the_end() {
    let text = "{\n  \"a\": [1,\n";
    let e = json::parse(text).unwrap_err();
    assert_eq!(e.offset, text.len());
    assert!(e.message.contains("truncated"), "{}", e.message);
}

#[test]
fn json_deep_nesting_is_an_error_not_a_crash() {
    let text = "[".repeat(100_000);
    let e = json::parse(&text).unwrap_err();
    assert!(e.message.contains("nesting"));
}

#[test]
fn json_escapes() {
    let n = json(r#""a\u00e9\ud83d\ude00\n""#);
    assert_eq!(n.as_str(), Some("a\u{e9}\u{1F600}\n"));
    assert!(json::parse(r#""\ud83d""#).is_err());
}

#[test]
fn decode_utf16_and_bom() {
    let text = "{\r\n  \"a\": \"é\"\r\n}";
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend(text.as_bytes());
    for (bytes, enc) in [
        (le, Encoding::Utf16Le),
        (be, Encoding::Utf16Be),
        (bom, Encoding::Utf8Bom),
    ] {
        let (t, e) = decode(&bytes).unwrap();
        assert_eq!(t, text);
        assert_eq!(e, enc);
    }
    let no_bom: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    assert!(
        decode(&no_bom)
            .unwrap_err()
            .error
            .message
            .contains("UTF-16 without")
    );
    assert!(decode(b"{\"a\": \"\xff\"}").is_err());
}

#[test]
fn line_columns_count_code_points_and_ignore_cr() {
    let text = "ab\r\n\u{e9}x\n";
    let idx = LineIndex::new(text);
    assert_eq!(idx.line_col(text, 0), (1, 1));
    assert_eq!(idx.line_col(text, 4), (2, 1));
    assert_eq!(idx.line_col(text, 6), (2, 2));
}

#[test]
fn yaml_tree_has_spans() {
    let text = "rules:\n  - rule: PIM101\n    severity: error\n    n: 3\n    q: 'true'\n";
    let root = yaml::parse(text).unwrap();
    assert_eq!(&text[root.locate("/rules/0/severity")], "error");
    let item = root
        .get("rules")
        .and_then(|r| r.as_array())
        .and_then(|a| a.first())
        .unwrap();
    assert_eq!(
        item.get("n").map(|n| n.value.clone()),
        Some(Value::Number("3".into()))
    );
    assert_eq!(item.get("q").and_then(Node::as_str), Some("true"));
}

#[test]
fn yaml_alias_bomb_is_bounded() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    assert!(yaml::parse(&text).unwrap_err().message.contains("alias"));
}

#[test]
fn yaml_alias_bomb_of_large_scalars_is_bounded() {
    // Few nodes, much text: a 1 MiB scalar repeated 64 times through aliases.
    let big = "x".repeat(1 << 20);
    let mut text = format!("a: &a \"{big}\"\nb: [");
    text.push_str(&vec!["*a"; 64].join(", "));
    text.push_str("]\n");
    let err = yaml::parse(&text).expect_err("bounded");
    assert!(err.message.contains("alias bomb"), "{}", err.message);
    // A few repeats of a small anchor are fine.
    assert!(yaml::parse("a: &a {x: 1}\nb: *a\nc: *a\n").is_ok());
}

/// The duplicate-key reports of `text` (key, span), in the order the parser makes them.
fn json_duplicates(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut duplicates = Vec::new();
    if let Err(e) = json::parse_streaming(text, &mut |_, _| {}, &mut duplicates) {
        panic!("{e:?}");
    }
    duplicates
}

/// `{"k0": 0, "K0": 0, "k1": 1, ...}` with `n` keys in all, plus `extra` inserted after the
/// member at `at`; returns the text and the span of the inserted key.
fn wide_object(n: usize, at: usize, extra: &str) -> (String, std::ops::Range<usize>) {
    let mut text = String::from("{");
    let mut span = 0..0;
    for i in 0..n {
        let first = if i % 2 == 0 { 'k' } else { 'K' };
        text.push_str(&format!("\n  \"{first}{}\": {i},", i / 2));
        if i == at {
            text.push_str("\n  ");
            let start = text.len();
            text.push_str(&format!("\"{extra}\""));
            span = start..text.len();
            text.push_str(": true,");
        }
    }
    text.pop();
    text.push_str("\n}");
    (text, span)
}

#[test]
fn json_duplicate_keys_in_a_wide_object_are_found_in_linear_time() {
    // 200,000 distinct keys, half of them differing from the other half only in case.
    let (text, _) = wide_object(200_000, usize::MAX, "");
    assert_eq!(json_duplicates(&text), []);
    let root = json(&text);
    assert_eq!(root.as_object().map(<[_]>::len), Some(200_000));

    // One repeat among 200,000 keys, at the root and nested in a streamed item.
    let (text, span) = wide_object(200_000, 150_000, "k12345");
    assert_eq!(&text[span.clone()], "\"k12345\"");
    assert_eq!(
        json_duplicates(&text),
        [("k12345".to_string(), span.clone())]
    );
    let nested = format!("[{text}]");
    assert_eq!(
        json_duplicates(&nested),
        [("k12345".to_string(), span.start + 1..span.end + 1)]
    );
    // Written with an escape, it is still the same key.
    let (text, span) = wide_object(200_000, 199_998, "\\u006b99");
    assert_eq!(json_duplicates(&text), [("k99".to_string(), span)]);
}

#[test]
fn json_duplicate_keys_are_case_sensitive() {
    assert_eq!(json_duplicates(r#"{"a": 1, "A": 2}"#), []);
    let text = r#"{"a": 1, "A": 2, "a": 3}"#;
    assert_eq!(json_duplicates(text), [("a".to_string(), 17..20)]);
    // Past the member count where the parser switches to a hash set.
    let (text, span) = wide_object(64, 40, "K7");
    assert_eq!(json_duplicates(&text), [("K7".to_string(), span)]);
    let (text, _) = wide_object(63, 40, "K31");
    assert!(text.contains("\"k31\""));
    assert_eq!(json_duplicates(&text), []);
}

/// Duplicate reports computed the plain way: each member's value first (it is parsed before
/// its key is checked), then its key against every earlier key of the object.
fn reference_duplicates(node: &Node<'_>, out: &mut Vec<(String, std::ops::Range<usize>)>) {
    match &node.value {
        Value::Array(items) => items.iter().for_each(|n| reference_duplicates(n, out)),
        Value::Object(members) => {
            for (i, m) in members.iter().enumerate() {
                reference_duplicates(&m.value, out);
                if members[..i].iter().any(|x| x.key == m.key) {
                    out.push((m.key.to_string(), m.key_span.clone()));
                }
            }
        }
        _ => {}
    }
}

#[test]
fn json_duplicate_reports_match_a_plain_scan_for_objects_of_every_size() {
    // Objects of 0 to 80 members (either side of the switch to a hash set), keys from a small
    // alphabet so that repeats (also third and fourth occurrences) are common, some nested.
    let keys = ["a", "A", "b", "\\u0061", "ab", "aB", "value", "c"];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = |bound: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % bound as u64) as usize
    };
    for size in 0..=80 {
        let mut text = String::from("{\"root\": [");
        for item in 0..3 {
            if item > 0 {
                text.push(',');
            }
            text.push('{');
            for m in 0..size {
                if m > 0 {
                    text.push_str(", ");
                }
                let key = keys[next(keys.len())];
                let suffix = if next(4) == 0 {
                    next(30).to_string()
                } else {
                    String::new()
                };
                text.push_str(&format!("\"{key}{suffix}\": "));
                if next(10) == 0 {
                    text.push_str(r#"{"x": 1, "x": 2}"#);
                } else {
                    text.push_str(&m.to_string());
                }
            }
            text.push('}');
        }
        text.push_str("], \"root\": null}");
        let mut expected = Vec::new();
        reference_duplicates(&json(&text), &mut expected);
        assert_eq!(json_duplicates(&text), expected, "{text}");
    }
}

#[test]
fn first_item_end_finds_what_first_item_reads() {
    for text in [
        r#"{"@odata.context": "x", "value": [{"a": [1, {"b": "]}"}]}, {"c": 2}]}"#,
        r#"[ {"a": "\"}"} , 2 ]"#,
        r#"{"id": "p", "rules": [{"x": true}]}"#,
        r#"{"value": []}"#,
    ] {
        let end = super::json::first_item_end(text).expect(text);
        let (ptr, item) = super::json::first_item(text).expect(text);
        if ptr.is_empty() {
            assert_eq!(end, item.span.end.max(text.trim_end().len()), "{text}");
        } else {
            assert_eq!(end, item.span.end, "{text}");
        }
    }
    // Cut short: the first item is not whole.
    assert_eq!(super::json::first_item_end(r#"{"value": [{"a": 1"#), None);
    assert_eq!(
        super::json::first_item_end(r#"{"id": "p", "rules": ["#),
        None
    );
}
