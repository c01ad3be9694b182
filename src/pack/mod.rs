//! Rule packs: which rules run, at which severity, for which tiers, with which parameters.
//! Packs are YAML data (`rules/*.yaml`, embedded), read through the span-keeping tree so every
//! error points into the pack file.

pub mod config;
mod diag;
pub mod suppress;

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

/// Collects errors of one YAML file.
pub(crate) struct Errs<'a> {
    pub src: &'a SourceFile,
    pub list: Vec<ConfigError>,
}

impl<'a> Errs<'a> {
    pub fn new(src: &'a SourceFile) -> Errs<'a> {
        Errs {
            src,
            list: Vec::new(),
        }
    }

    pub fn push(
        &mut self,
        span: std::ops::Range<usize>,
        msg: impl Into<String>,
        help: Option<&str>,
    ) {
        self.list.push(ConfigError::at(
            self.src,
            span,
            msg.into(),
            help.map(str::to_owned),
        ));
    }

    pub fn finish<T>(self, value: T) -> Result<T, ConfigError> {
        match self.list.into_iter().reduce(ConfigError::and) {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }
}

/// Parses a YAML file into its tree, or the syntax error as a [`ConfigError`].
pub(crate) fn parse_yaml(
    name: String,
    bytes: &[u8],
    what: &str,
) -> Result<Arc<SourceFile>, ConfigError> {
    let src = Arc::new(SourceFile::parse(name, bytes, Syntax::Yaml));
    if let Err(e) = &src.root {
        let offset = e.offset;
        return Err(ConfigError::at(
            &src,
            offset..offset,
            format!("the {what} is not valid YAML: {}", e.message),
            None,
        ));
    }
    Ok(src)
}

/// Reads a pack from YAML bytes. Errors carry spans into the file.
pub fn load_pack(name: String, bytes: &[u8]) -> Result<Pack, ConfigError> {
    let src = parse_yaml(name, bytes, "pack")?;
    let Ok(root) = &src.root else {
        return Err(ConfigError::at(&src, 0..0, "unreadable pack".into(), None));
    };
    let mut errs = Errs::new(&src);
    let Some(members) = root.as_object() else {
        errs.push(
            root.span.clone(),
            "a pack must be a mapping with `name` and `rules`",
            None,
        );
        return errs.finish(Pack {
            name: String::new(),
            description: None,
            entries: Vec::new(),
        });
    };
    let mut pack = Pack {
        name: String::new(),
        description: None,
        entries: Vec::new(),
    };
    let mut saw_name = false;
    let mut saw_rules = false;
    for m in members {
        match m.key.as_str() {
            "name" => match m.value.as_str() {
                Some(s) => {
                    saw_name = true;
                    pack.name = s.to_owned();
                }
                None => errs.push(m.value.span.clone(), "`name` must be a string", None),
            },
            "description" => pack.description = m.value.as_str().map(str::to_owned),
            "rules" => match m.value.as_array() {
                Some(items) => {
                    saw_rules = true;
                    for item in items {
                        if let Some(e) = entry(item, &mut errs) {
                            if pack.entries.iter().any(|x| x.rule.code == e.rule.code) {
                                errs.push(
                                    item.span.clone(),
                                    format!("{} appears twice in this pack", e.rule.code),
                                    Some("Give each rule one entry; use a per-tier severity map for different tiers."),
                                );
                            }
                            pack.entries.push(e);
                        }
                    }
                }
                None => errs.push(
                    m.value.span.clone(),
                    "`rules` must be a list of entries",
                    None,
                ),
            },
            other => errs.push(
                m.key_span.clone(),
                format!("unknown pack key `{other}`"),
                Some("Known keys: name, description, rules."),
            ),
        }
    }
    if !saw_name || !saw_rules {
        errs.push(
            root.span.start..root.span.start,
            "a pack needs `name` and `rules`",
            None,
        );
    }
    errs.finish(pack)
}

/// A rule named by code or name, or an error at the node.
pub(crate) fn parse_rule(node: &Node, errs: &mut Errs) -> Option<&'static RuleDef> {
    let found = node.as_str().and_then(rules::lookup);
    if found.is_none() {
        let shown = node
            .as_str()
            .map_or_else(|| node.value.type_name().to_owned(), |s| format!("`{s}`"));
        errs.push(
            node.span.clone(),
            format!("unknown rule {shown}"),
            Some("`pim-lint rules` lists every rule code and name."),
        );
    }
    found
}

pub(crate) fn parse_tiers(node: &Node, errs: &mut Errs) -> Option<Vec<Tier>> {
    let Some(list) = node.as_array() else {
        errs.push(
            node.span.clone(),
            "`tiers` must be a list such as [tier0, privileged]",
            None,
        );
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for t in list {
        match t.as_str().and_then(Tier::parse) {
            Some(t) => out.push(t),
            None => {
                ok = false;
                errs.push(
                    t.span.clone(),
                    "unknown tier",
                    Some("Tiers are tier0, privileged and standard."),
                );
            }
        }
    }
    ok.then_some(out)
}

pub(crate) fn parse_severity(node: &Node, errs: &mut Errs) -> Option<SeveritySpec> {
    match &node.value {
        Value::String(s) => match Severity::parse(s) {
            Some(s) => Some(SeveritySpec::All(s)),
            None => {
                errs.push(
                    node.span.clone(),
                    format!("unknown severity `{s}`"),
                    Some("Severities are error, warning and note."),
                );
                None
            }
        },
        Value::Object(per) => {
            let mut map = BTreeMap::new();
            let mut ok = true;
            for pm in per {
                let Some(t) = Tier::parse(&pm.key) else {
                    ok = false;
                    errs.push(
                        pm.key_span.clone(),
                        format!("unknown tier `{}`", pm.key),
                        Some("Tiers are tier0, privileged and standard."),
                    );
                    continue;
                };
                match pm.value.as_str().and_then(Severity::parse) {
                    Some(s) => {
                        map.insert(t, s);
                    }
                    None => {
                        ok = false;
                        errs.push(
                            pm.value.span.clone(),
                            "severity must be error, warning or note",
                            None,
                        );
                    }
                }
            }
            ok.then_some(SeveritySpec::PerTier(map))
        }
        _ => {
            errs.push(
                node.span.clone(),
                "`severity` must be error|warning|note or a map tier → severity",
                None,
            );
            None
        }
    }
}

pub(crate) fn parse_params(
    rule: &RuleDef,
    node: &Node,
    errs: &mut Errs,
) -> Option<serde_json::Map<String, serde_json::Value>> {
    let Some(ps) = node.as_object() else {
        errs.push(node.span.clone(), "`params` must be a mapping", None);
        return None;
    };
    let mut params = serde_json::Map::new();
    let mut ok = true;
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
                errs.push(
                    p.key_span.clone(),
                    format!("unknown parameter `{}` for {}", p.key, rule.code),
                    Some(&help),
                );
            }
            Some(spec) => match check_param(spec.kind, &p.value) {
                Ok(()) => {
                    params.insert(p.key.clone(), p.value.to_json());
                }
                Err((span, msg)) => {
                    ok = false;
                    errs.push(
                        span,
                        format!("parameter `{}` of {}: {msg}", p.key, rule.code),
                        Some(spec.doc),
                    );
                }
            },
        }
    }
    ok.then_some(params)
}

fn entry(item: &Node, errs: &mut Errs) -> Option<Entry> {
    let Some(members) = item.as_object() else {
        errs.push(
            item.span.clone(),
            "a pack entry must be a mapping with `rule` and `severity`",
            None,
        );
        return None;
    };
    let Some(rule_node) = item.get("rule") else {
        errs.push(
            item.span.clone(),
            "the entry has no `rule`",
            Some("Name the rule by code (PIM101) or name (approval-required)."),
        );
        return None;
    };
    let rule = parse_rule(rule_node, errs)?;
    let mut e = Entry {
        rule,
        tiers: None,
        severity: SeveritySpec::All(Severity::Warning),
        params: serde_json::Map::new(),
        control: None,
    };
    let mut ok = true;
    let mut severity = false;
    for m in members {
        match m.key.as_str() {
            "rule" => {}
            "tiers" => match parse_tiers(&m.value, errs) {
                Some(t) => e.tiers = Some(t),
                None => ok = false,
            },
            "severity" => match parse_severity(&m.value, errs) {
                Some(s) => {
                    severity = true;
                    e.severity = s;
                }
                None => return None,
            },
            "params" => match parse_params(rule, &m.value, errs) {
                Some(p) => e.params = p,
                None => ok = false,
            },
            "control" => e.control = m.value.as_str().map(str::to_owned),
            other => {
                ok = false;
                errs.push(
                    m.key_span.clone(),
                    format!("unknown entry key `{other}`"),
                    Some("Entry keys: rule, severity, tiers, params, control."),
                );
            }
        }
    }
    if !severity {
        errs.push(
            item.span.clone(),
            format!("the entry for {} has no `severity`", rule.code),
            None,
        );
        return None;
    }
    ok.then_some(e)
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
