use super::*;
use crate::model::Tier;
use crate::roles::builtin_roles;

#[test]
fn builtin_packs_and_roles_load() {
    for (name, _) in BUILTIN_PACKS {
        let pack = builtin_pack(name)
            .unwrap_or_else(|| panic!("{name}"))
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(&pack.name, name);
        assert!(!pack.entries.is_empty());
    }
    let roles = builtin_roles().unwrap();
    assert_eq!(
        roles
            .lookup_id("62E90394-69F5-4237-9190-012177145E10")
            .map(|r| r.tier),
        Some(Tier::Tier0)
    );
    assert_eq!(
        roles.lookup_id("/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635").map(|r| r.name.as_str()),
        Some("Owner")
    );
}

#[test]
fn pack_errors_point_into_the_yaml() {
    let text = "name: t\nrules:\n  - {rule: PIM999, severity: error}\n  - {rule: PIM004, severity: loud}\n";
    let e = load_pack("t.yaml".into(), text.as_bytes()).unwrap_err();
    let all = e.all();
    assert_eq!(all.len(), 2);
    assert_eq!((all[0].line, all[0].column), (3, 12));
    assert!(all[0].message.contains("unknown rule `PIM999`"));
    assert_eq!((all[1].line, all[1].column), (4, 30));
}

/// The errors of a pack as (line, column, message, help).
fn errors(text: &str) -> Vec<(usize, usize, String, String)> {
    let e = load_pack("t.yaml".into(), text.as_bytes()).expect_err("the pack is rejected");
    e.all()
        .iter()
        .map(|e| {
            let help = e.help.clone().unwrap_or_default();
            (e.line, e.column, e.message.clone(), help)
        })
        .collect()
}

#[test]
fn a_misspelled_parameter_is_an_error_at_its_key() {
    let e = errors(
        "name: t\nrules:\n  - rule: PIM103\n    severity: warning\n    params:\n      mni: 2\n",
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!((e[0].0, e[0].1), (6, 7));
    assert_eq!(e[0].2, "unknown parameter `mni` for PIM103");
    assert!(e[0].3.starts_with("Did you mean `min`?"), "{}", e[0].3);
}

#[test]
fn a_parameter_of_the_wrong_type_is_an_error_at_its_value() {
    let e = errors(
        "name: t\nrules:\n  - {rule: PIM402, severity: warning, params: {additional_recipients: yes}}\n",
    );
    assert_eq!((e[0].0, e[0].1), (3, 71), "{e:?}");
    assert!(e[0].2.contains(
        "parameter `additional_recipients` of PIM402: expected true or false, found a string"
    ));
    let e = errors("name: t\nrules:\n  - {rule: PIM302, severity: warning, params: {cap: 12}}\n");
    assert!(
        e[0].2
            .contains("expected an ISO 8601 duration such as PT8H, found a number"),
        "{e:?}"
    );
}

#[test]
fn an_unknown_rule_suggests_the_closest_code_or_name() {
    let e = errors(
        "name: t\nrules:\n  - {rule: PIM1O1, severity: error}\n  - {rule: aproval-required, severity: error}\n",
    );
    assert_eq!(
        (e[0].0, e[0].1, e[0].2.as_str()),
        (3, 12, "unknown rule `PIM1O1`"),
        "{e:?}"
    );
    assert!(e[0].3.starts_with("Did you mean `PIM101`?"), "{e:?}");
    assert_eq!(
        (e[1].0, e[1].2.as_str()),
        (4, "unknown rule `aproval-required`")
    );
    assert!(
        e[1].3.starts_with("Did you mean `approval-required`?"),
        "{e:?}"
    );
}

#[test]
fn dialects_are_names_checked_by_the_dialect_module() {
    let e =
        errors("name: t\nrules:\n  - {rule: PIM101, severity: error, dialects: [graph, arn]}\n");
    assert_eq!(
        (e[0].0, e[0].1, e[0].2.as_str()),
        (3, 55, "unknown dialect `arn`"),
        "{e:?}"
    );
    assert!(e[0].3.starts_with("Did you mean `arm`?"), "{e:?}");
    let pack = load_pack(
        "t.yaml".into(),
        b"name: t\nrules:\n  - {rule: PIM101, severity: error, dialects: [arm]}\n",
    )
    .unwrap();
    assert_eq!(
        pack.entries[0].select.dialects,
        Some(vec!["arm".to_owned()])
    );
}

#[test]
fn one_bad_entry_does_not_hide_the_errors_of_the_others() {
    let e = errors(
        "name: t\nrulez: []\nrules:\n  - {rule: PIM101, severity: loud}\n  - {rule: PIM999, severity: error}\n  - {rule: X-a, severity: error, schema: {}}\n",
    );
    let messages: Vec<&str> = e.iter().map(|x| x.2.as_str()).collect();
    assert_eq!(
        messages,
        [
            "unknown pack key `rulez`",
            "unknown severity `loud`",
            "unknown rule `PIM999`",
            "a user-defined rule (X-…) needs a `message`"
        ]
    );
    assert!(e[0].3.starts_with("Did you mean `rules`?"));
}

#[test]
fn duplicate_keys_and_entries_are_errors() {
    let e = errors(
        "name: t\nrules:\n  - {rule: PIM101, severity: error, severity: note}\n  - {rule: approval-required, severity: error}\n",
    );
    assert_eq!(
        (e[0].0, e[0].2.as_str()),
        (3, "duplicate key `severity`"),
        "{e:?}"
    );
    assert_eq!(
        (e[1].0, e[1].2.as_str()),
        (4, "PIM101 appears twice in this pack for the same policies")
    );
}

#[test]
fn a_file_that_is_not_a_pack_is_reported_without_its_content() {
    let e = load_pack("s.yaml".into(), b"password: hunter2\n").unwrap_err();
    assert!(e.message.contains("not a pack"), "{}", e.message);
    let shown = format!("{:?}", miette::Report::new(e.clone()));
    assert!(!shown.contains("hunter2"), "{shown}");
    let e = load_pack("s.yaml".into(), b"KEY=hunter2\0OTHER=x\0").unwrap_err();
    assert!(!format!("{:?}", miette::Report::new(e)).contains("hunter2"));
}

#[test]
fn builtin_packs_validate_against_the_embedded_schema() {
    for (name, text) in BUILTIN_PACKS {
        let src = crate::source::SourceFile::parse(
            name.to_string(),
            text.as_bytes(),
            crate::source::Syntax::Yaml,
        );
        let json = src.root.as_ref().map(|r| r.to_json()).unwrap_or_default();
        assert!(PACK.is_valid(&json), "{name}");
    }
}

#[test]
fn the_rule_set_looks_up_builtin_and_user_rules() {
    let text = "name: t\nrules:\n  - rule: X-ticket\n    name: exchange-ticket\n    severity: error\n    message: Exchange activation needs a ticket\n    help: Require ticket information.\n    schema: {required: [rules]}\n";
    let set = RuleSet::from_packs(&[load_pack("t.yaml".into(), text.as_bytes()).unwrap()]);
    let builtin = set.lookup("approval-required").unwrap();
    assert_eq!((builtin.code, builtin.builtin.is_some()), ("PIM101", true));
    for key in ["X-ticket", "x-ticket", "exchange-ticket"] {
        let user = set.lookup(key).unwrap_or_else(|| panic!("{key}"));
        assert_eq!(
            (user.code, user.name, user.summary),
            (
                "X-ticket",
                "exchange-ticket",
                "Exchange activation needs a ticket"
            )
        );
        assert!(
            user.doc.contains("## What it does")
                && user.doc.contains("Require ticket information.")
        );
    }
    assert!(set.lookup("X-other").is_none());
    assert!(set.rules().any(|r| r.code == "X-ticket"));
}

#[test]
fn a_user_rule_may_not_take_a_builtin_name() {
    let e = errors(
        "name: t\nrules:\n  - {rule: X-a, name: approval-required, severity: error, message: m, schema: {}}\n",
    );
    assert!(e[0].2.contains("names a built-in rule"), "{e:?}");
}

#[test]
fn extends_that_cannot_be_loaded_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "a.yaml",
        "name: a\nextends:\n  - baseline\n  - ./missing.yaml\nrules: []\n",
    );
    let spec = dir.path().join("a.yaml").display().to_string();
    let e = load_specs(&[spec]).unwrap_err();
    assert_eq!((e.line, e.column), (4, 5), "{}", e.message);
    assert!(e.message.contains("cannot read pack") && e.message.contains("missing.yaml"));
    write("b.yaml", "name: b\nextends: [c.yaml]\nrules: []\n");
    write("c.yaml", "name: c\nextends: [b.yaml]\nrules: []\n");
    let e = load_specs(&[dir.path().join("b.yaml").display().to_string()]).unwrap_err();
    assert!(e.message.contains("extends itself"), "{}", e.message);
    assert_eq!((e.line, e.column), (2, 11));
    let e = load_specs(&["nonesuch".into()]).unwrap_err();
    assert!(
        e.message.contains("cannot read pack nonesuch"),
        "{}",
        e.message
    );
}
