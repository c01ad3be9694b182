//! Typed rule parameters, read once per pack entry (or config override) against the rule's
//! declared [`ParamSpec`](super::ParamSpec)s. A misspelled or mistyped parameter is an error with
//! the JSON pointer of the offending value, never a silent default.

use super::{ParamKind, RuleDef, Severity};
use crate::model::{IsoDuration, Tier};
use std::collections::BTreeMap;

/// One parameter value, typed by its [`ParamKind`].
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    Count(u64),
    Duration(IsoDuration),
    DurationByTier(BTreeMap<Tier, IsoDuration>),
    Severity(Severity),
    Bool(bool),
}

/// The parameters of one pack entry; rules read them through [`Ctx`](super::Ctx).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params {
    values: Vec<(&'static str, ParamValue)>,
}

/// A parameter that is not declared or does not have the declared type. `pointer` is relative to
/// the `params` mapping (`/caps/tier0`); `at_key` says it names the key rather than the value.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamError {
    pub pointer: String,
    pub at_key: bool,
    pub message: String,
    pub help: String,
}

impl Params {
    pub fn new() -> Params {
        Params::default()
    }

    /// Reads `params` (a JSON mapping) against the rule's declared parameters.
    pub fn parse(rule: &RuleDef, value: &serde_json::Value) -> Result<Params, Vec<ParamError>> {
        let Some(members) = value.as_object() else {
            return Err(vec![ParamError {
                pointer: String::new(),
                at_key: false,
                message: format!("`params` of {} must be a mapping", rule.code),
                help: takes(rule),
            }]);
        };
        let mut params = Params::new();
        let mut errors = Vec::new();
        for (key, v) in members {
            let pointer = format!("/{}", escape(key));
            let Some(spec) = rule.params.iter().find(|s| s.name == key) else {
                let names = rule.params.iter().map(|s| s.name);
                let guess = crate::suggest::did_you_mean(key, names)
                    .map(|g| format!("Did you mean `{g}`? "))
                    .unwrap_or_default();
                errors.push(ParamError {
                    pointer,
                    at_key: true,
                    message: format!("unknown parameter `{key}` for {}", rule.code),
                    help: format!("{guess}{}", takes(rule)),
                });
                continue;
            };
            match typed(spec.kind, v) {
                Ok(value) => params.set(spec.name, value),
                Err((rel, at_key, msg)) => errors.push(ParamError {
                    pointer: format!("{pointer}{rel}"),
                    at_key,
                    message: format!("parameter `{key}` of {}: {msg}", rule.code),
                    help: spec.doc.to_owned(),
                }),
            }
        }
        if errors.is_empty() {
            Ok(params)
        } else {
            Err(errors)
        }
    }

    pub fn set(&mut self, name: &'static str, value: ParamValue) {
        match self.values.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.values.push((name, value)),
        }
    }

    /// Takes every parameter `other` sets (a config override over a pack entry).
    pub fn merge(&mut self, other: &Params) {
        for (name, value) in &other.values {
            self.set(name, value.clone());
        }
    }

    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.values.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// Whether the pack set this parameter (rules fall back to their defaults otherwise).
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &ParamValue)> {
        self.values.iter().map(|(n, v)| (*n, v))
    }

    pub fn count(&self, name: &str) -> Option<u64> {
        match self.get(name)? {
            ParamValue::Count(n) => Some(*n),
            _ => None,
        }
    }

    pub fn duration(&self, name: &str) -> Option<IsoDuration> {
        match self.get(name)? {
            ParamValue::Duration(d) => Some(*d),
            _ => None,
        }
    }

    pub fn duration_for_tier(&self, name: &str, tier: Tier) -> Option<IsoDuration> {
        match self.get(name)? {
            ParamValue::DurationByTier(m) => m.get(&tier).copied(),
            _ => None,
        }
    }

    pub fn flag(&self, name: &str) -> Option<bool> {
        match self.get(name)? {
            ParamValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn severity(&self, name: &str) -> Option<Severity> {
        match self.get(name)? {
            ParamValue::Severity(s) => Some(*s),
            _ => None,
        }
    }
}

/// RFC 6901 escaping of one pointer token (rules do not depend on `source`).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn takes(rule: &RuleDef) -> String {
    if rule.params.is_empty() {
        format!("{} takes no parameters.", rule.code)
    } else {
        let names: Vec<&str> = rule.params.iter().map(|s| s.name).collect();
        format!("{} takes: {}.", rule.code, names.join(", "))
    }
}

fn type_name(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "nothing",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "a mapping",
    }
}

/// The typed value, or (pointer below the parameter, at the key?, message).
fn typed(kind: ParamKind, v: &serde_json::Value) -> Result<ParamValue, (String, bool, String)> {
    let bad = |msg: String| Err((String::new(), false, msg));
    let duration = |v: &serde_json::Value| match v.as_str().map(IsoDuration::parse) {
        Some(Ok(d)) => Ok(d),
        Some(Err(e)) => Err(e.0),
        None => Err(format!(
            "expected an ISO 8601 duration such as PT8H, found {}",
            type_name(v)
        )),
    };
    match kind {
        ParamKind::Count => match v.as_u64() {
            Some(n) => Ok(ParamValue::Count(n)),
            None => bad(format!("expected a whole number, found {}", type_name(v))),
        },
        ParamKind::Duration => duration(v).map(ParamValue::Duration).or_else(bad),
        ParamKind::Bool => match v.as_bool() {
            Some(b) => Ok(ParamValue::Bool(b)),
            None => bad(format!("expected true or false, found {}", type_name(v))),
        },
        ParamKind::Severity => match v.as_str().and_then(Severity::parse) {
            Some(s) => Ok(ParamValue::Severity(s)),
            None => bad("expected error, warning or note".into()),
        },
        ParamKind::DurationByTier => {
            let Some(members) = v.as_object() else {
                return bad(format!(
                    "expected a map of tier → duration, e.g. {{tier0: PT4H, privileged: PT8H}}, found {}",
                    type_name(v)
                ));
            };
            let mut map = BTreeMap::new();
            for (key, d) in members {
                let at = format!("/{}", escape(key));
                let Some(tier) = Tier::parse(key) else {
                    return Err((
                        at,
                        true,
                        format!("unknown tier `{key}` (tiers are tier0, privileged and standard)"),
                    ));
                };
                map.insert(tier, duration(d).map_err(|m| (at, false, m))?);
            }
            Ok(ParamValue::DurationByTier(map))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(code: &str) -> &'static RuleDef {
        crate::rules::lookup(code).unwrap_or_else(|| panic!("{code}"))
    }

    #[test]
    fn typed_values_are_read_once() {
        let p = Params::parse(rule("PIM103"), &json!({"min": 3})).unwrap();
        assert_eq!(p.count("min"), Some(3));
        let p = Params::parse(rule("PIM204"), &json!({"caps": {"tier0": "PT2H"}})).unwrap();
        assert_eq!(
            p.duration_for_tier("caps", Tier::Tier0),
            Some(IsoDuration::from_hours(2))
        );
        assert_eq!(p.duration_for_tier("caps", Tier::Privileged), None);
    }

    #[test]
    fn misspelled_and_mistyped_parameters_are_errors() {
        let e = Params::parse(rule("PIM103"), &json!({"mni": 2})).unwrap_err();
        assert_eq!((e[0].pointer.as_str(), e[0].at_key), ("/mni", true));
        assert!(e[0].help.contains("Did you mean `min`?"), "{}", e[0].help);
        let e = Params::parse(rule("PIM103"), &json!({"min": "two"})).unwrap_err();
        assert!(
            e[0].message
                .contains("expected a whole number, found a string")
        );
        let e = Params::parse(rule("PIM204"), &json!({"caps": {"tier0": "4h"}})).unwrap_err();
        assert_eq!(e[0].pointer, "/caps/tier0");
        let e = Params::parse(rule("PIM204"), &json!({"caps": {"tier9": "PT1H"}})).unwrap_err();
        assert_eq!((e[0].pointer.as_str(), e[0].at_key), ("/caps/tier9", true));
        assert!(Params::parse(rule("PIM101"), &json!([])).is_err());
    }

    #[test]
    fn an_override_replaces_a_parameter_whole() {
        let mut p = Params::parse(rule("PIM204"), &json!({"caps": {"tier0": "PT2H"}})).unwrap();
        let o = Params::parse(rule("PIM204"), &json!({"caps": {"privileged": "PT3H"}})).unwrap();
        p.merge(&o);
        assert_eq!(p.duration_for_tier("caps", Tier::Tier0), None);
    }
}
