//! Small helpers rules share. Pure functions of the model.

use super::Hit;
use crate::model::{IsoDuration, Loc, Notification, Policy, RuleId, Strings};

/// For a complete policy that lacks `id`: a hit at the policy's `rules` key saying the setting
/// cannot be in place. Partial documents (request bodies, templates) leave rules out on purpose.
pub fn missing(
    p: &Policy,
    id: RuleId,
    what: &str,
    help: impl Into<std::borrow::Cow<'static, str>>,
) -> Vec<Hit> {
    if p.partial || !p.rules_expanded || p.rules.is_empty() || mostly_missing(p) {
        return Vec::new();
    }
    vec![
        Hit::new(
            &p.rules_pointer,
            format!("{} is missing: nothing shows that {what}", id.as_str()),
            help,
        )
        .label(format!("no {}", id.as_str())),
    ]
}

/// More than half of the 17 standard rules are absent from a complete policy: a partial export.
/// PIM006 then reports them once, and the rules that read them stay silent about their absence
/// (PIM006's help says they did not run) rather than each reporting "X is missing".
pub fn mostly_missing(p: &Policy) -> bool {
    missing_count(p) * 2 > RuleId::STANDARD.len()
}

/// How many of the 17 standard rules a policy lacks.
pub fn missing_count(p: &Policy) -> usize {
    RuleId::STANDARD
        .iter()
        .filter(|id| p.rule(**id).is_none())
        .count()
}

pub fn has(list: &Strings, item: &str) -> bool {
    list.value.iter().any(|v| v.eq_ignore_ascii_case(item))
}

/// "[MultiFactorAuthentication, Justification]" or "[]".
pub fn show_list(list: &Strings) -> String {
    format!("[{}]", list.value.join(", "))
}

/// Describes why a notification reaches nobody (or no additional recipient).
pub fn notification_state(n: &Notification, additional_only: bool) -> String {
    if n.notification_level
        .as_ref()
        .is_some_and(|l| l.value.eq_ignore_ascii_case("None"))
    {
        return "its notificationLevel is None".into();
    }
    if additional_only {
        return "no additional recipients are set (default recipients alone do not reach a monitored mailbox)".into();
    }
    "default recipients are off and no additional recipients are set".into()
}

/// The expiration rule of `id` with its parsed maximum, when it requires expiration and parses.
pub fn required_duration(p: &Policy, id: RuleId) -> Option<(IsoDuration, &Loc<String>)> {
    let (_, required, max) = p.expiration(id)?;
    if required.is_some_and(|r| !r.value) {
        return None;
    }
    let max = max?;
    IsoDuration::parse(&max.value).ok().map(|d| (d, max))
}

/// "P2D" or "PT36H (P1DT12H)": the text as written, with the canonical length when it differs.
pub fn show_duration(written: &str, d: IsoDuration) -> String {
    let canonical = d.to_string();
    if canonical == written {
        canonical
    } else {
        format!("{written} ({canonical})")
    }
}

/// A rule that requires one entry (`MultiFactorAuthentication`, `Justification`, `Ticketing`)
/// in an enablement rule's `enabledRules`, with the words of its diagnostics.
pub struct EnabledRequirement {
    pub id: RuleId,
    pub item: &'static str,
    /// For a missing enablement rule: "nothing shows that {requires}".
    pub requires: &'static str,
    /// The message when the list lacks the item; the list and the item are appended.
    pub lacking: &'static str,
    /// The message when the enablement rule has no `enabledRules`, and its label.
    pub no_list: &'static str,
    pub no_list_label: Option<&'static str>,
    pub help: &'static str,
}

/// Checks an [`EnabledRequirement`] (PIM202, PIM203, PIM305, PIM306).
pub fn require_enabled(p: &Policy, r: &EnabledRequirement) -> Vec<Hit> {
    match p.enabled_rules(r.id) {
        None => missing(p, r.id, r.requires, r.help),
        Some((_, Some(list))) if has(list, r.item) => Vec::new(),
        Some((_, Some(list))) => vec![
            Hit::new(
                &list.pointer,
                format!(
                    "{}: enabledRules is {}; it should include {}",
                    r.lacking,
                    show_list(list),
                    r.item
                ),
                r.help,
            )
            .label(format!("no {}", r.item)),
        ],
        Some((rule, None)) => {
            let hit = Hit::new(&rule.pointer, r.no_list, r.help);
            vec![match r.no_list_label {
                Some(l) => hit.label(l),
                None => hit,
            }]
        }
    }
}
