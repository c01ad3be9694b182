//! Rule packs: which rules run, at which severity, for which tiers, with which parameters.
//! Packs are YAML data (`rules/*.yaml`, embedded), read through the span-keeping tree so every
//! error points into the pack file.

mod diag;

pub use diag::ConfigError;

use crate::model::role::KnownRole;
use crate::model::{IsoDuration, RoleCatalog, Tier};
use crate::rules::{self, Needs, ParamKind, RuleDef, Severity};
use crate::source::{Node, SourceFile, Syntax, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The packs shipped in the binary.
pub const BUILTIN_PACKS: &[(&str, &str)] =
    &[("baseline", include_str!("../../rules/baseline.yaml"))];

pub const ROLES_YAML: &str = include_str!("../../rules/roles.yaml");

/// How severe a rule is, for all tiers or per tier.
#[derive(Debug, Clone, PartialEq)]
pub enum SeveritySpec {
    All(Severity),
    PerTier(BTreeMap<Tier, Severity>),
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub rule: &'static RuleDef,
    /// `None`: every tier (and, for role-independent rules, policies of unknown role).
    pub tiers: Option<Vec<Tier>>,
    pub severity: SeveritySpec,
    pub params: serde_json::Map<String, serde_json::Value>,
    /// The framework control the entry implements (e.g. `MS.AAD.7.1`).
    pub control: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Pack {
    pub name: String,
    pub description: Option<String>,
    pub entries: Vec<Entry>,
}

impl Entry {
    /// The severity for a policy of this tier, or `None` when the entry does not apply.
    pub fn severity_for(&self, tier: Option<Tier>) -> Option<Severity> {
        match tier {
            Some(t) => {
                if self.tiers.as_ref().is_some_and(|ts| !ts.contains(&t)) {
                    return None;
                }
                match &self.severity {
                    SeveritySpec::All(s) => Some(*s),
                    SeveritySpec::PerTier(m) => m.get(&t).copied(),
                }
            }
            None => {
                if self.rule.needs == Needs::Role {
                    return None;
                }
                match &self.severity {
                    SeveritySpec::All(s) => Some(*s),
                    SeveritySpec::PerTier(m) => m.values().max().copied(),
                }
            }
        }
    }
}

/// The resolved set of rules for a run: the packs merged, later packs overriding earlier ones
/// rule by rule.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub entries: Vec<Entry>,
}

impl RuleSet {
    pub fn from_packs(packs: &[Pack]) -> RuleSet {
        let mut entries: Vec<Entry> = Vec::new();
        for pack in packs {
            for e in &pack.entries {
                entries.retain(|x| x.rule.code != e.rule.code);
                entries.push(e.clone());
            }
        }
        entries.sort_by_key(|e| e.rule.code);
        RuleSet { entries }
    }

    pub fn entry(&self, code: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.rule.code == code)
    }
}

pub fn builtin_pack(name: &str) -> Option<Result<Pack, ConfigError>> {
    BUILTIN_PACKS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, text)| load_pack(format!("<builtin>/rules/{n}.yaml"), text.as_bytes()))
}

/// Reads a pack from YAML bytes. Errors carry spans into the file.
pub fn load_pack(name: String, bytes: &[u8]) -> Result<Pack, ConfigError> {
    let src = Arc::new(SourceFile::parse(name, bytes, Syntax::Yaml));
    let root = match &src.root {
        Ok(r) => r,
        Err(e) => {
            return Err(ConfigError::at(
                &src,
                e.offset..e.offset,
                format!("the pack is not valid YAML: {}", e.message),
                None,
            ));
        }
    };
    let mut errors = Vec::new();
    let err = |errors: &mut Vec<ConfigError>, node: &Node, msg: String, help: Option<&str>| {
        errors.push(ConfigError::at(
            &src,
            node.span.clone(),
            msg,
            help.map(str::to_owned),
        ));
    };
    if root.as_object().is_none() {
        return Err(ConfigError::at(
            &src,
            root.span.clone(),
            "a pack must be a mapping with `name` and `rules`".into(),
            None,
        ));
    }
    let mut pack = Pack {
        name: String::new(),
        description: None,
        entries: Vec::new(),
    };
    for m in root.as_object().unwrap_or_default() {
        match m.key.as_str() {
            "name" => match m.value.as_str() {
                Some(s) => pack.name = s.to_owned(),
                None => err(
                    &mut errors,
                    &m.value,
                    "`name` must be a string".into(),
                    None,
                ),
            },
            "description" => pack.description = m.value.as_str().map(str::to_owned),
            "rules" => match m.value.as_array() {
                Some(items) => {
                    for item in items {
                        if let Some(e) = entry(item, &src, &mut errors) {
                            if pack.entries.iter().any(|x| x.rule.code == e.rule.code) {
                                err(
                                    &mut errors,
                                    item,
                                    format!("{} appears twice in this pack", e.rule.code),
                                    Some(
                                        "Give each rule one entry; use a per-tier severity map for different tiers.",
                                    ),
                                );
                            }
                            pack.entries.push(e);
                        }
                    }
                }
                None => err(
                    &mut errors,
                    &m.value,
                    "`rules` must be a list of entries".into(),
                    None,
                ),
            },
            other => errors.push(ConfigError::at(
                &src,
                m.key_span.clone(),
                format!("unknown pack key `{other}`"),
                Some("Known keys: name, description, rules.".into()),
            )),
        }
    }
    match errors.into_iter().reduce(ConfigError::and) {
        Some(e) => Err(e),
        None => Ok(pack),
    }
}

fn entry(item: &Node, src: &Arc<SourceFile>, errors: &mut Vec<ConfigError>) -> Option<Entry> {
    let push = |errors: &mut Vec<ConfigError>,
                span: std::ops::Range<usize>,
                msg: String,
                help: Option<String>| {
        errors.push(ConfigError::at(src, span, msg, help));
    };
    let Some(members) = item.as_object() else {
        push(
            errors,
            item.span.clone(),
            "a pack entry must be a mapping with `rule` and `severity`".into(),
            None,
        );
        return None;
    };
    let Some(rule_node) = item.get("rule") else {
        push(
            errors,
            item.span.clone(),
            "the entry has no `rule`".into(),
            Some("Name the rule by code (PIM101) or name (approval-required).".into()),
        );
        return None;
    };
    let Some(rule) = rule_node.as_str().and_then(rules::lookup) else {
        let shown = rule_node.as_str().map_or_else(
            || rule_node.value.type_name().to_owned(),
            |s| format!("`{s}`"),
        );
        push(
            errors,
            rule_node.span.clone(),
            format!("unknown rule {shown}"),
            Some("`pim-lint rules` lists every rule code and name.".into()),
        );
        return None;
    };
    let mut tiers = None;
    let mut severity = None;
    let mut params = serde_json::Map::new();
    let mut control = None;
    let mut ok = true;
    for m in members {
        match m.key.as_str() {
            "rule" => {}
            "tiers" => match m.value.as_array() {
                Some(list) => {
                    let mut ts = Vec::new();
                    for t in list {
                        match t.as_str().and_then(Tier::parse) {
                            Some(t) => ts.push(t),
                            None => {
                                ok = false;
                                push(
                                    errors,
                                    t.span.clone(),
                                    "unknown tier".into(),
                                    Some("Tiers are tier0, privileged and standard.".into()),
                                );
                            }
                        }
                    }
                    tiers = Some(ts);
                }
                None => {
                    ok = false;
                    push(
                        errors,
                        m.value.span.clone(),
                        "`tiers` must be a list such as [tier0, privileged]".into(),
                        None,
                    );
                }
            },
            "severity" => match &m.value.value {
                Value::String(s) => match Severity::parse(s) {
                    Some(s) => severity = Some(SeveritySpec::All(s)),
                    None => {
                        ok = false;
                        push(
                            errors,
                            m.value.span.clone(),
                            format!("unknown severity `{s}`"),
                            Some("Severities are error, warning and note.".into()),
                        );
                    }
                },
                Value::Object(per) => {
                    let mut map = BTreeMap::new();
                    for pm in per {
                        let Some(t) = Tier::parse(&pm.key) else {
                            ok = false;
                            push(
                                errors,
                                pm.key_span.clone(),
                                format!("unknown tier `{}`", pm.key),
                                Some("Tiers are tier0, privileged and standard.".into()),
                            );
                            continue;
                        };
                        match pm.value.as_str().and_then(Severity::parse) {
                            Some(s) => {
                                map.insert(t, s);
                            }
                            None => {
                                ok = false;
                                push(
                                    errors,
                                    pm.value.span.clone(),
                                    "severity must be error, warning or note".into(),
                                    None,
                                );
                            }
                        }
                    }
                    severity = Some(SeveritySpec::PerTier(map));
                }
                _ => {
                    ok = false;
                    push(
                        errors,
                        m.value.span.clone(),
                        "`severity` must be error|warning|note or a map tier → severity".into(),
                        None,
                    );
                }
            },
            "params" => match m.value.as_object() {
                Some(ps) => {
                    for p in ps {
                        match rule.params.iter().find(|s| s.name == p.key) {
                            None => {
                                ok = false;
                                let known: Vec<&str> = rule.params.iter().map(|s| s.name).collect();
                                let help = if known.is_empty() {
                                    format!("{} takes no parameters.", rule.code)
                                } else {
                                    format!("{} takes: {}.", rule.code, known.join(", "))
                                };
                                push(
                                    errors,
                                    p.key_span.clone(),
                                    format!("unknown parameter `{}` for {}", p.key, rule.code),
                                    Some(help),
                                );
                            }
                            Some(spec) => match check_param(spec.kind, &p.value) {
                                Ok(()) => {
                                    params.insert(p.key.clone(), p.value.to_json());
                                }
                                Err((span, msg)) => {
                                    ok = false;
                                    push(
                                        errors,
                                        span,
                                        format!("parameter `{}` of {}: {msg}", p.key, rule.code),
                                        Some(spec.doc.to_owned()),
                                    );
                                }
                            },
                        }
                    }
                }
                None => {
                    ok = false;
                    push(
                        errors,
                        m.value.span.clone(),
                        "`params` must be a mapping".into(),
                        None,
                    );
                }
            },
            "control" => control = m.value.as_str().map(str::to_owned),
            other => {
                ok = false;
                push(
                    errors,
                    m.key_span.clone(),
                    format!("unknown entry key `{other}`"),
                    Some("Entry keys: rule, severity, tiers, params, control.".into()),
                );
            }
        }
    }
    let Some(severity) = severity else {
        if item.get("severity").is_some() {
            return None;
        }
        push(
            errors,
            item.span.clone(),
            format!("the entry for {} has no `severity`", rule.code),
            None,
        );
        return None;
    };
    ok.then_some(Entry {
        rule,
        tiers,
        severity,
        params,
        control,
    })
}

fn check_param(kind: ParamKind, v: &Node) -> Result<(), (std::ops::Range<usize>, String)> {
    let bad = |msg: &str| Err((v.span.clone(), msg.to_owned()));
    match kind {
        ParamKind::Count => match &v.value {
            Value::Number(n) if n.parse::<u64>().is_ok() => Ok(()),
            _ => bad(&format!(
                "expected a whole number, found {}",
                v.value.type_name()
            )),
        },
        ParamKind::Duration => match v.as_str().map(IsoDuration::parse) {
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => bad(&e.0),
            None => bad(&format!(
                "expected an ISO 8601 duration such as PT8H, found {}",
                v.value.type_name()
            )),
        },
        ParamKind::Severity => match v.as_str().and_then(Severity::parse) {
            Some(_) => Ok(()),
            None => bad("expected error, warning or note"),
        },
        ParamKind::DurationByTier => {
            let Some(ms) = v.as_object() else {
                return bad(
                    "expected a map of tier → duration, e.g. {tier0: PT4H, privileged: PT8H}",
                );
            };
            for m in ms {
                if Tier::parse(&m.key).is_none() {
                    return Err((m.key_span.clone(), format!("unknown tier `{}`", m.key)));
                }
                match m.value.as_str().map(IsoDuration::parse) {
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err((m.value.span.clone(), e.0)),
                    None => {
                        return Err((m.value.span.clone(), "expected an ISO 8601 duration".into()));
                    }
                }
            }
            Ok(())
        }
    }
}

/// The built-in role catalogue from `rules/roles.yaml`.
pub fn builtin_roles() -> Result<RoleCatalog, ConfigError> {
    load_roles("<builtin>/rules/roles.yaml".into(), ROLES_YAML.as_bytes())
}

pub fn load_roles(name: String, bytes: &[u8]) -> Result<RoleCatalog, ConfigError> {
    let src = Arc::new(SourceFile::parse(name, bytes, Syntax::Yaml));
    let root = src
        .root
        .as_ref()
        .map_err(|e| ConfigError::at(&src, e.offset..e.offset, e.message.clone(), None))?;
    let mut cat = RoleCatalog::default();
    for m in root.as_object().unwrap_or_default() {
        let tier = Tier::parse(&m.key).ok_or_else(|| {
            ConfigError::at(
                &src,
                m.key_span.clone(),
                format!("unknown tier `{}`", m.key),
                None,
            )
        })?;
        for item in m.value.as_array().unwrap_or_default() {
            let field = |k: &str| item.get(k).and_then(Node::as_str).map(str::to_owned);
            match (field("id"), field("name")) {
                (Some(id), Some(name)) => cat.insert(KnownRole {
                    id,
                    name,
                    tier,
                    platform: field("platform").unwrap_or_default(),
                }),
                _ => {
                    return Err(ConfigError::at(
                        &src,
                        item.span.clone(),
                        "a role needs `id` and `name`".into(),
                        None,
                    ));
                }
            }
        }
    }
    Ok(cat)
}

#[cfg(test)]
mod tests;
