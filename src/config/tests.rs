use super::*;
use crate::pack::{RuleSet, load_pack};
use crate::rules::Severity;

fn config(text: &str) -> Result<Config, ConfigError> {
    parse("c.yaml".into(), text.as_bytes(), ".".into())
}

fn messages(e: &ConfigError) -> Vec<(usize, usize, String)> {
    e.all()
        .iter()
        .map(|e| (e.line, e.column, e.message.clone()))
        .collect()
}

/// The baseline plus a pack with one user rule, `X-ticket` named `exchange-ticket`.
fn with_user_rule() -> RuleSet {
    let user = "name: mine\nrules:\n  - {rule: X-ticket, name: exchange-ticket, severity: error, message: m, schema: {}}\n";
    let packs = [
        crate::pack::builtin_pack("baseline").unwrap().unwrap(),
        load_pack("mine.yaml".into(), user.as_bytes()).unwrap(),
    ];
    RuleSet::from_packs(&packs)
}

#[test]
fn a_misspelled_or_mistyped_override_parameter_is_an_error_at_its_line() {
    let e =
        config("rules:\n  PIM103:\n    params: {mni: 2}\n  PIM204: {params: {caps: {tier0: 8}}}\n")
            .unwrap_err();
    let m = messages(&e);
    assert_eq!(
        (m[0].0, m[0].1, m[0].2.as_str()),
        (3, 14, "unknown parameter `mni` for PIM103")
    );
    assert_eq!(m[1].0, 4);
    assert!(
        m[1].2
            .contains("parameter `caps` of PIM204: expected an ISO 8601 duration"),
        "{m:?}"
    );
}

#[test]
fn an_unknown_builtin_code_is_reported_when_the_config_is_read() {
    let e = config("ignore:\n  - {rule: PIM1O1, role: x, reason: r}\n").unwrap_err();
    assert_eq!(messages(&e)[0], (2, 12, "unknown rule `PIM1O1`".into()));
    assert!(
        e.help
            .as_deref()
            .is_some_and(|h| h.starts_with("Did you mean `PIM101`?"))
    );
}

#[test]
fn user_rules_are_overridden_and_ignored_like_builtin_ones() {
    let mut set = with_user_rule();
    let mut c = config("rules:\n  exchange-ticket: {severity: {tier0: note}}\nignore:\n  - {rule: X-ticket, role: Exchange Administrator, reason: r}\n  - {rule: exchange-ticket, role: x, reason: r}\n").unwrap();
    assert!(
        !c.rules[0].rule.resolved,
        "resolved once the packs are loaded"
    );
    c.apply_rules(&mut set).unwrap();
    assert_eq!(c.rules[0].rule.code, "X-ticket");
    assert_eq!(c.ignores[0].rule.code, "X-ticket");
    assert_eq!(c.ignores[1].rule.code, "X-ticket");
    let u = set.user_rule("X-ticket").unwrap();
    assert_eq!(u.severity.max(), Some(Severity::Note));

    let mut set = with_user_rule();
    let mut c = config("rules:\n  X-ticket: {disabled: true}\n").unwrap();
    c.apply_rules(&mut set).unwrap();
    assert!(set.user_rules.is_empty());
}

#[test]
fn an_unknown_user_rule_is_reported_at_its_line_once_the_packs_are_loaded() {
    let mut set = with_user_rule();
    let mut c = config("rules:\n  X-tickt: {severity: error}\n  X-ticket: {params: {a: 1}}\nignore:\n  - {rule: exchange-tikcet, role: x, reason: r}\n").unwrap();
    let e = c.apply_rules(&mut set).unwrap_err();
    let m = messages(&e);
    assert_eq!(
        (m[0].0, m[0].1, m[0].2.as_str()),
        (2, 3, "unknown rule `X-tickt`"),
        "{m:?}"
    );
    assert!(
        e.help
            .as_deref()
            .is_some_and(|h| h.starts_with("Did you mean `X-ticket`?"))
    );
    assert_eq!(
        (m[1].0, m[1].2.as_str()),
        (3, "X-ticket is a user-defined rule: it takes no `params`")
    );
    assert_eq!(
        (m[2].0, m[2].2.as_str()),
        (5, "unknown rule `exchange-tikcet`")
    );
}

#[test]
fn dates_must_exist_and_ignores_need_reasons_and_selectors() {
    let e = config("ignore:\n  - {rule: PIM101, role: x, reason: r, until: 2027-02-29}\n  - {rule: PIM101, role: x, reason: \" \"}\n  - {rule: PIM101, reason: r}\n  - {rule: PIM101, role: x, reason: r, until: 27-3-1}\n").unwrap_err();
    let m = messages(&e);
    assert_eq!(
        (m[0].0, m[0].1, m[0].2.as_str()),
        (2, 47, "`2027-02-29` is not a date")
    );
    assert_eq!(
        (m[1].0, m[1].2.as_str()),
        (3, "every ignore needs a `reason`")
    );
    assert_eq!(
        (m[2].0, m[2].2.as_str()),
        (
            4,
            "an ignore needs a selector: policy, role, scope, file or principal"
        )
    );
    assert_eq!(
        (m[3].0, m[3].2.as_str()),
        (5, "expected a date like 2027-03-31, found `27-3-1`")
    );
    assert!(config("ignore:\n  - {rule: PIM101, role: x, reason: r, until: 2028-02-29}\n").is_ok());
}

#[test]
fn a_role_in_two_tiers_and_a_rule_configured_twice_are_errors() {
    let e = config("roles:\n  tier0: [Reports Reader]\n  privileged: [reports reader]\nrules:\n  PIM101: {disabled: true}\n  approval-required: {severity: error}\n").unwrap_err();
    let m = messages(&e);
    assert!(m[0].2.contains("is put in two tiers"), "{m:?}");
    assert!(m[1].2.contains("PIM101 is configured twice"), "{m:?}");
}

#[test]
fn an_empty_config_is_no_settings() {
    let c = config("# nothing yet\n").unwrap();
    assert!(c.rules.is_empty() && c.ignores.is_empty() && c.extends.is_empty());
    let c = config("extends:\nrules:\nignore:\n").unwrap();
    assert!(c.rules.is_empty());
}

#[test]
fn the_account_mapping_is_schema_checked() {
    let m = accounts::parse(
        "a.yaml".into(),
        b"people:\n  - {name: A, accounts: [a@x, b@x]}\n",
    )
    .unwrap();
    assert_eq!(m.get("b@x").map(String::as_str), Some("A"));
    let e = accounts::parse(
        "a.yaml".into(),
        b"people:\n  - {name: A, accounts: [a@x]}\n  - {name: B, accounts: [A@x]}\n  - {name: C}\n",
    )
    .unwrap_err();
    let m = messages(&e);
    assert_eq!(
        (m[0].0, m[0].2.as_str()),
        (3, "account `A@x` is listed for A and B")
    );
    assert_eq!(
        (m[1].0, m[1].2.as_str()),
        (4, "each person needs `name` and `accounts`")
    );
}

#[test]
fn a_misspelled_key_suggests_the_closest_known_one_at_every_level() {
    let e = config(
        "rulez: {}\nrules:\n  PIM101: {severty: error}\nignore:\n  - {rule: PIM101, role: x, reasn: r, reason: r}\n",
    )
    .unwrap_err();
    let found: Vec<(usize, usize, String, String)> = e
        .all()
        .iter()
        .map(|e| {
            let help = e.help.clone().unwrap_or_default();
            (e.line, e.column, e.message.clone(), help)
        })
        .collect();
    let expect = [
        (1, 1, "unknown config key `rulez`", "Did you mean `rules`?"),
        (3, 12, "unknown key `severty`", "Did you mean `severity`?"),
        (
            5,
            29,
            "unknown ignore key `reasn`",
            "Did you mean `reason`?",
        ),
    ];
    for (line, column, message, help) in expect {
        assert!(
            found.iter().any(
                |(l, c, m, h)| (*l, *c, m.as_str()) == (line, column, message)
                    && h.starts_with(help)
            ),
            "{message} at {line}:{column} with {help}: {found:?}"
        );
    }
    // The schema's own help follows the guess.
    assert!(
        found
            .iter()
            .any(|(_, _, _, h)| h.ends_with("A rule override takes severity, params and disabled.")),
        "{found:?}"
    );
}

#[test]
fn emergency_access_lists_ids_and_upns_once_each() {
    let c = config(
        "emergency_access:\n  - 5F0C2D1E-7A3B-4C9D-8E6F-0A1B2C3D4E5F\n  - BreakGlass2@contoso.onmicrosoft.com\n",
    )
    .unwrap();
    let set = c.emergency();
    assert!(set.contains("5f0c2d1e-7a3b-4c9d-8e6f-0a1b2c3d4e5f"));
    assert!(set.contains("breakglass2@contoso.onmicrosoft.com"));
    assert_eq!(set.len(), 2);
    let e = config("emergency_access:\n  - a@x\n  - A@X\n").unwrap_err();
    let m = messages(&e);
    assert_eq!((m[0].0, m[0].2.as_str()), (3, "`A@X` is listed twice"));
    let e = config("emergency_access:\n  - \"\"\n").unwrap_err();
    let m = messages(&e);
    assert_eq!(
        (m[0].0, m[0].2.as_str()),
        (2, "an emergency access account needs an object id or a UPN")
    );
}

#[test]
fn an_ignore_may_select_a_principal_alone() {
    let c = config("ignore:\n  - {rule: PIM310, principal: alex@contoso.example, reason: r}\n")
        .unwrap();
    assert_eq!(
        c.ignores[0].principal.as_deref(),
        Some("alex@contoso.example")
    );
}

#[test]
fn the_requests_section_is_read_and_each_bad_value_reported_where_written() {
    let c = config(
        "requests:\n  usual_hours: \"22:00-06:00\"\n  timezone: \"+01:00\"\n  max_activations_per_day: 3\n",
    )
    .unwrap();
    assert_eq!(c.requests.hours, Some((22 * 60, 6 * 60)));
    assert_eq!(c.requests.offset_minutes, 60);
    assert_eq!(c.requests.max_per_day, Some(3));
    assert_eq!(
        config("extends: baseline\n").unwrap().requests,
        Default::default()
    );

    let e = config("requests:\n  usual_hours: \"07:00-07:00\"\n  timezone: Europe/Paris\n")
        .unwrap_err();
    let m = messages(&e);
    assert_eq!(m.len(), 2, "{m:?}");
    assert_eq!(
        (m[0].0, m[0].2.as_str()),
        (2, "`07:00-07:00` is not a range of hours")
    );
    assert_eq!(
        (m[1].0, m[1].2.as_str()),
        (3, "`Europe/Paris` is not an offset from UTC")
    );
    let e = config("requests:\n  usual_hour: \"07:00-19:00\"\n").unwrap_err();
    assert!(
        messages(&e)[0].2.contains("usual_hour"),
        "{:?}",
        messages(&e)
    );
}
