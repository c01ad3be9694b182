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
