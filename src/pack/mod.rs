//! Rule packs: which rules run, at which severity, for which tiers, with which parameters.
//! Packs are YAML data (`rules/*.yaml`, embedded), read through the span-keeping tree so every
//! error points into the pack file.

pub mod cases;
pub mod config;
pub mod suppress;

pub use crate::datafile::ConfigError;

use crate::model::role::KnownRole;
use crate::model::{Dialect, IsoDuration, Policy, PolicyKind, RoleCatalog, Tier};
use crate::rules::{self, Needs, ParamKind, RuleDef, Severity};
use crate::source::{Node, SourceFile, Syntax, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The packs shipped in the binary.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    ("baseline", include_str!("../../rules/baseline.yaml")),
    ("strict", include_str!("../../rules/strict.yaml")),
    ("cisa-scuba", include_str!("../../rules/cisa-scuba.yaml")),
    ("cis-m365", include_str!("../../rules/cis-m365.yaml")),
];

pub const ROLES_YAML: &str = include_str!("../../rules/roles.yaml");

/// Rules a run always has, whatever the packs say (a config may still disable them): without
/// them an unreadable or unexpanded file would pass silently under a framework pack.
const ALWAYS_ON: &[&str] = &["PIM001", "PIM002", "PIM005"];

/// How severe a rule is, for all tiers or per tier.
#[derive(Debug, Clone, PartialEq)]
pub enum SeveritySpec {
    All(Severity),
    PerTier(BTreeMap<Tier, Severity>),
}

impl SeveritySpec {
    fn for_tier(&self, tier: Option<Tier>) -> Option<Severity> {
        match (self, tier) {
            (SeveritySpec::All(s), _) => Some(*s),
            (SeveritySpec::PerTier(m), Some(t)) => m.get(&t).copied(),
            (SeveritySpec::PerTier(m), None) => m.values().max().copied(),
        }
    }

    /// The strongest severity it gives.
    pub fn max(&self) -> Option<Severity> {
        self.for_tier(None)
    }
}

/// Which policies an entry applies to. Every given list must match; `None` matches all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selector {
    pub tiers: Option<Vec<Tier>>,
    /// Role template ids / role definition GUIDs (lower case) or role names (lower case).
    pub roles: Option<Vec<String>>,
    pub kinds: Option<Vec<PolicyKind>>,
    pub dialects: Option<Vec<Dialect>>,
}

impl Selector {
    /// Whether the policy is selected (tiers are checked by the severity lookup).
    fn matches(&self, p: &Policy) -> bool {
        if let Some(roles) = &self.roles {
            let Some(role) = &p.role else { return false };
            let id = role.id.as_deref().map(RoleCatalog::normalise_id);
            let name = role.name.as_deref().map(str::to_ascii_lowercase);
            if !roles
                .iter()
                .any(|r| Some(r) == id.as_ref() || Some(r) == name.as_ref())
            {
                return false;
            }
        }
        self.kinds.as_ref().is_none_or(|k| k.contains(&p.kind))
            && self
                .dialects
                .as_ref()
                .is_none_or(|d| d.contains(&p.dialect))
    }

    fn severity(
        &self,
        spec: &SeveritySpec,
        tier: Option<Tier>,
        needs_role: bool,
    ) -> Option<Severity> {
        match tier {
            Some(t) if self.tiers.as_ref().is_some_and(|ts| !ts.contains(&t)) => None,
            Some(t) => spec.for_tier(Some(t)),
            None if needs_role || self.roles.is_some() || self.tiers.is_some() => None,
            None => spec.for_tier(None),
        }
    }

    fn is_empty(&self) -> bool {
        *self == Selector::default()
    }
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub rule: &'static RuleDef,
    pub select: Selector,
    pub severity: SeveritySpec,
    pub params: serde_json::Map<String, serde_json::Value>,
    /// The framework control the entry implements (e.g. `MS.AAD.7.6v1`).
    pub control: Option<String>,
}

impl Entry {
    pub fn new(rule: &'static RuleDef, severity: SeveritySpec) -> Entry {
        Entry {
            rule,
            select: Selector::default(),
            severity,
            params: serde_json::Map::new(),
            control: None,
        }
    }

    /// The severity for a file-level finding or a policy of this tier (no role selector).
    pub fn severity_for(&self, tier: Option<Tier>) -> Option<Severity> {
        self.select.severity(
            &self.severity,
            tier,
            matches!(self.rule.needs, Needs::Role | Needs::Directory),
        )
    }

    /// The severity for this policy, or `None` when the entry does not apply to it.
    pub fn severity_for_policy(&self, p: &Policy) -> Option<Severity> {
        if !self.select.matches(p) {
            return None;
        }
        self.select.severity(
            &self.severity,
            p.tier(),
            matches!(self.rule.needs, Needs::Role | Needs::Directory),
        )
    }
}

/// A rule written in a pack: a JSON Schema asserted against the normalised policy
/// (`schemas/policy.schema.json`). Codes live in the user namespace (`X-…`).
#[derive(Clone)]
pub struct UserRule {
    pub code: String,
    pub name: String,
    pub select: Selector,
    pub severity: SeveritySpec,
    pub message: String,
    pub help: String,
    pub control: Option<String>,
    pub schema: Arc<jsonschema::Validator>,
}

impl std::fmt::Debug for UserRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "UserRule({})", self.code)
    }
}

impl UserRule {
    pub fn severity_for_policy(&self, p: &Policy) -> Option<Severity> {
        if !self.select.matches(p) {
            return None;
        }
        self.select.severity(&self.severity, p.tier(), false)
    }
}

#[derive(Debug, Clone)]
pub struct Pack {
    pub name: String,
    pub description: Option<String>,
    /// Packs this one builds on (names or paths relative to this pack), applied first.
    pub extends: Vec<String>,
    pub entries: Vec<Entry>,
    pub user_rules: Vec<UserRule>,
}

/// The resolved set of rules for a run: the packs merged, a later pack replacing all entries of
/// an earlier one for each rule it names.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub entries: Vec<Entry>,
    pub user_rules: Vec<UserRule>,
    /// Accounts of one person (config `account_mapping`): user id or UPN, lower case → person.
    pub accounts: std::collections::HashMap<String, String>,
}

impl RuleSet {
    pub fn from_packs(packs: &[Pack]) -> RuleSet {
        let mut set = RuleSet::default();
        for pack in packs {
            let codes: Vec<&str> = pack.entries.iter().map(|e| e.rule.code).collect();
            set.entries.retain(|x| !codes.contains(&x.rule.code));
            set.entries.extend(pack.entries.iter().cloned());
            let user: Vec<&str> = pack.user_rules.iter().map(|u| u.code.as_str()).collect();
            set.user_rules.retain(|x| !user.contains(&x.code.as_str()));
            set.user_rules.extend(pack.user_rules.iter().cloned());
        }
        for code in ALWAYS_ON {
            if set.entry(code).is_none()
                && let Some(rule) = rules::lookup(code)
            {
                set.entries
                    .push(Entry::new(rule, SeveritySpec::All(Severity::Error)));
            }
        }
        set.entries.sort_by_key(|e| e.rule.code);
        set
    }

    /// The first entry for a rule.
    pub fn entry(&self, code: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.rule.code == code)
    }

    pub fn entries_for<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries.iter().filter(move |e| e.rule.code == code)
    }
}

pub fn builtin_pack(name: &str) -> Option<Result<Pack, ConfigError>> {
    BUILTIN_PACKS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, text)| load_pack(format!("<builtin>/rules/{n}.yaml"), text.as_bytes()))
}

/// Loads packs by built-in name or path, each preceded by the packs it `extends` (built-in names,
/// or paths relative to the extending pack).
pub fn load_specs(specs: &[String]) -> Result<Vec<Pack>, ConfigError> {
    let mut out = Vec::new();
    for spec in specs {
        load_spec(spec, None, 0, &mut out)?;
    }
    Ok(out)
}

fn load_spec(
    spec: &str,
    base: Option<&Path>,
    depth: usize,
    out: &mut Vec<Pack>,
) -> Result<(), ConfigError> {
    let fail = |msg: String| {
        let src = SourceFile::parse(spec.to_owned(), b"", Syntax::Yaml);
        let known: Vec<&str> = BUILTIN_PACKS.iter().map(|(n, _)| *n).collect();
        ConfigError::at(
            &src,
            0..0,
            msg,
            Some(format!("Built-in packs: {}.", known.join(", "))),
        )
    };
    if depth > 8 {
        return Err(fail(format!(
            "`extends` of pack `{spec}` nests too deep (a cycle?)"
        )));
    }
    let (pack, dir) = match builtin_pack(spec) {
        Some(p) => (p?, None),
        None => {
            let path = base.map_or_else(|| PathBuf::from(spec), |b| b.join(spec));
            let bytes = std::fs::read(&path)
                .map_err(|e| fail(format!("cannot read pack `{}`: {e}", path.display())))?;
            (
                load_pack(path.to_string_lossy().into_owned(), &bytes)?,
                path.parent().map(Path::to_path_buf),
            )
        }
    };
    for parent in &pack.extends {
        load_spec(parent, dir.as_deref(), depth + 1, out)?;
    }
    out.push(pack);
    Ok(())
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
    let mut pack = Pack {
        name: String::new(),
        description: None,
        extends: Vec::new(),
        entries: Vec::new(),
        user_rules: Vec::new(),
    };
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
        return errs.finish(pack);
    };
    let (mut saw_name, mut saw_rules) = (false, false);
    for m in members {
        match m.key.as_ref() {
            "name" => match m.value.as_str() {
                Some(s) => {
                    saw_name = true;
                    pack.name = s.to_owned();
                }
                None => errs.push(m.value.span.clone(), "`name` must be a string", None),
            },
            "description" => pack.description = m.value.as_str().map(str::to_owned),
            "extends" => {
                let items: Vec<&Node> = m
                    .value
                    .as_array()
                    .map_or_else(|| vec![&m.value], |a| a.iter().collect());
                for it in items {
                    match it.as_str() {
                        Some(s) => pack.extends.push(s.to_owned()),
                        None => {
                            errs.push(it.span.clone(), "`extends` takes pack names or paths", None)
                        }
                    }
                }
            }
            "rules" => match m.value.as_array() {
                Some(items) => {
                    saw_rules = true;
                    for item in items {
                        match entry(item, &mut errs) {
                            Some(Parsed::Builtin(e)) => {
                                let twin = pack.entries.iter().any(|x| {
                                    x.rule.code == e.rule.code
                                        && (x.select == e.select || e.select.is_empty())
                                });
                                if twin {
                                    errs.push(
                                        item.span.clone(),
                                        format!("{} appears twice in this pack for the same policies", e.rule.code),
                                        Some("Use a per-tier severity map, or give each entry a different `roles`/`tiers` selector."),
                                    );
                                }
                                pack.entries.push(e);
                            }
                            Some(Parsed::User(u)) => {
                                if pack.user_rules.iter().any(|x| x.code == u.code) {
                                    errs.push(
                                        item.span.clone(),
                                        format!("{} is defined twice in this pack", u.code),
                                        None,
                                    );
                                }
                                pack.user_rules.push(u);
                            }
                            None => {}
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
                Some("Known keys: name, description, extends, rules."),
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
                    params.insert(p.key.to_string(), p.value.to_json());
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

enum Parsed {
    Builtin(Entry),
    User(UserRule),
}

/// User-defined rule codes: `X-` followed by letters, digits and dashes.
fn is_user_code(s: &str) -> bool {
    s.strip_prefix("X-")
        .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

fn parse_list<T>(
    node: &Node,
    errs: &mut Errs,
    what: &str,
    allowed: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<Vec<T>> {
    let Some(items) = node.as_array() else {
        errs.push(
            node.span.clone(),
            format!("`{what}` must be a list"),
            Some(allowed),
        );
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for it in items {
        match it.as_str().and_then(&parse) {
            Some(v) => out.push(v),
            None => {
                ok = false;
                errs.push(
                    it.span.clone(),
                    format!("not a valid item of `{what}`"),
                    Some(allowed),
                );
            }
        }
    }
    ok.then_some(out)
}

fn parse_kind(s: &str) -> Option<PolicyKind> {
    match s {
        "directory-role" => Some(PolicyKind::DirectoryRole),
        "group" => Some(PolicyKind::Group),
        "azure-resource" => Some(PolicyKind::AzureResource),
        _ => None,
    }
}

fn parse_dialect(s: &str) -> Option<Dialect> {
    [
        Dialect::Graph,
        Dialect::GraphAssignment,
        Dialect::Arm,
        Dialect::ArmAssignment,
        Dialect::PowerShell,
        Dialect::ScubaGear,
    ]
    .into_iter()
    .find(|d| crate::model::view::dialect_name(*d) == s)
}

fn entry(item: &Node, errs: &mut Errs) -> Option<Parsed> {
    let Some(members) = item.as_object() else {
        errs.push(
            item.span.clone(),
            "a pack entry must be a mapping with `rule` and `severity`",
            None,
        );
        return None;
    };
    let Some(rule_node) = item.get("rule") else {
        errs.push(item.span.clone(), "the entry has no `rule`", Some("Name a built-in rule by code (PIM101) or name, or define your own with an X- code."));
        return None;
    };
    let user_code = rule_node
        .as_str()
        .filter(|s| is_user_code(s))
        .map(str::to_owned);
    let builtin = match &user_code {
        Some(_) => None,
        None => Some(parse_rule(rule_node, errs)?),
    };
    let mut select = Selector::default();
    let mut severity = None;
    let mut params = serde_json::Map::new();
    let mut control = None;
    let (mut message, mut help, mut name, mut schema) = (None, None, None, None);
    let mut ok = true;
    let user_only = |key: &str, errs: &mut Errs, span: std::ops::Range<usize>| {
        errs.push(
            span,
            format!("`{key}` is only for user-defined rules (codes starting with X-)"),
            Some("Built-in rules take rule, severity, tiers, roles, params, control."),
        );
    };
    for m in members {
        let key = m.key.as_ref();
        match key {
            "rule" => {}
            "tiers" => match parse_tiers(&m.value, errs) {
                Some(t) => select.tiers = Some(t),
                None => ok = false,
            },
            "roles" => match parse_list(
                &m.value,
                errs,
                "roles",
                "Role template ids, role definition GUIDs or role names.",
                |s| Some(s.to_owned()),
            ) {
                Some(r) => {
                    select.roles = Some(r.iter().map(|s| RoleCatalog::normalise_id(s)).collect())
                }
                None => ok = false,
            },
            "kinds" => match parse_list(
                &m.value,
                errs,
                "kinds",
                "Kinds: directory-role, group, azure-resource.",
                parse_kind,
            ) {
                Some(k) => select.kinds = Some(k),
                None => ok = false,
            },
            "dialects" => match parse_list(
                &m.value,
                errs,
                "dialects",
                "Dialects: graph, graph-assignment, arm, arm-assignment, powershell, scubagear.",
                parse_dialect,
            ) {
                Some(d) => select.dialects = Some(d),
                None => ok = false,
            },
            "severity" => match parse_severity(&m.value, errs) {
                Some(s) => severity = Some(s),
                None => return None,
            },
            "params" => match builtin {
                Some(rule) => match parse_params(rule, &m.value, errs) {
                    Some(p) => params = p,
                    None => ok = false,
                },
                None => {
                    ok = false;
                    errs.push(
                        m.key_span.clone(),
                        "user-defined rules take no `params`; put the values in the schema",
                        None,
                    );
                }
            },
            "control" => control = m.value.as_str().map(str::to_owned),
            "message" | "help" | "name" | "schema" if builtin.is_some() => {
                ok = false;
                user_only(key, errs, m.key_span.clone());
            }
            "message" => message = m.value.as_str().map(str::to_owned),
            "help" => help = m.value.as_str().map(str::to_owned),
            "name" => name = m.value.as_str().map(str::to_owned),
            "schema" => match m.value.as_object() {
                Some(_) => match jsonschema::validator_for(&m.value.to_json()) {
                    Ok(v) => schema = Some(Arc::new(v)),
                    Err(e) => {
                        ok = false;
                        errs.push(m.value.span.clone(), format!("invalid JSON Schema: {e}"), Some("The schema is checked against schemas/policy.schema.json's shape; see the README's user-rule example."));
                    }
                },
                None => {
                    ok = false;
                    errs.push(
                        m.value.span.clone(),
                        "`schema` must be a JSON Schema object",
                        None,
                    );
                }
            },
            other => {
                ok = false;
                errs.push(m.key_span.clone(), format!("unknown entry key `{other}`"), Some("Entry keys: rule, severity, tiers, roles, kinds, dialects, params, control; user rules also name, message, help, schema."));
            }
        }
    }
    let Some(severity) = severity else {
        if item.get("severity").is_none() {
            errs.push(item.span.clone(), "the entry has no `severity`", None);
        }
        return None;
    };
    if let Some(rule) = builtin {
        if select.kinds.is_some() || select.dialects.is_some() {
            // Allowed: narrowing built-in rules by kind or dialect is harmless.
        }
        return ok.then_some(Parsed::Builtin(Entry {
            rule,
            select,
            severity,
            params,
            control,
        }));
    }
    let code = user_code.unwrap_or_default();
    if message.is_none() {
        ok = false;
        errs.push(rule_node.span.clone(), format!("user rule {code} needs a `message`"), Some("Say what is wrong, e.g. \"Exchange Administrator activation must require a ticket\"."));
    }
    if schema.is_none() && item.get("schema").is_none() {
        ok = false;
        errs.push(
            rule_node.span.clone(),
            format!("user rule {code} needs a `schema`"),
            Some("A JSON Schema the normalised policy must satisfy (schemas/policy.schema.json)."),
        );
    }
    let (Some(message), Some(schema), true) = (message, schema, ok) else {
        return None;
    };
    Some(Parsed::User(UserRule {
        name: name.unwrap_or_else(|| code.to_ascii_lowercase()),
        code,
        select,
        severity,
        help: help.unwrap_or_else(|| message.clone()),
        message,
        control,
        schema,
    }))
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
        ParamKind::Bool => match v.as_bool() {
            Some(_) => Ok(()),
            None => bad("expected true or false"),
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
