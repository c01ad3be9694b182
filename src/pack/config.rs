//! `.pim-lint.yaml`: discovery, loading (errors with spans), and applying it — packs, rule
//! overrides, extra tier members and suppressions with reasons and expiry dates.

use super::{
    ConfigError, Entry, Errs, RuleSet, SeveritySpec, parse_params, parse_rule, parse_severity,
    parse_yaml,
};
use crate::model::{RoleCatalog, Tier};
use crate::rules::{RuleDef, Severity};
use crate::source::{Node, SourceFile};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const CONFIG_NAMES: &[&str] = &[".pim-lint.yaml", ".pim-lint.yml"];
const CONFIG_KEYS: &[&str] = &["extends", "rules", "roles", "ignore", "account_mapping"];

/// A calendar date (`until`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.trim().splitn(3, '-');
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        let leap = date.year % 4 == 0 && (date.year % 100 != 0 || date.year % 400 == 0);
        let days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        ((1..=12).contains(&date.month)
            && date.day >= 1
            && date.day <= days[(date.month - 1) as usize])
            .then_some(date)
    }

    /// Today in UTC.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let (year, month, day) = crate::model::civil_from_days(secs.div_euclid(86_400));
        Date {
            year: year as i32,
            month,
            day,
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A rule override from the config's `rules:` map.
#[derive(Debug, Clone)]
pub struct RuleOverride {
    pub rule: &'static RuleDef,
    pub severity: Option<SeveritySpec>,
    pub params: serde_json::Map<String, serde_json::Value>,
    pub disabled: Option<bool>,
}

/// One `ignore:` entry.
#[derive(Debug, Clone)]
pub struct Ignore {
    pub rule: &'static RuleDef,
    pub policy: Option<String>,
    pub role: Option<String>,
    pub scope: Option<String>,
    pub file: Option<(String, globset::GlobMatcher)>,
    pub reason: String,
    pub until: Option<Date>,
    /// Where the entry is, for reporting it (unused, expired).
    pub span: std::ops::Range<usize>,
    pub until_span: Option<std::ops::Range<usize>>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub source: Arc<SourceFile>,
    /// The directory of the config file (relative `extends` paths and file globs start here).
    pub dir: PathBuf,
    pub extends: Vec<String>,
    pub rules: Vec<RuleOverride>,
    pub roles: Vec<(Tier, String)>,
    pub ignores: Vec<Ignore>,
    /// A file listing each person's accounts (PIM111), relative to the config file.
    pub account_mapping: Option<String>,
}

/// Finds `.pim-lint.yaml` from `start` upward, stopping at the repository root (a directory
/// with `.git`) or the filesystem root.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = if start.is_file() {
        start.parent()?.to_path_buf()
    } else {
        start.to_path_buf()
    };
    let mut dir = std::fs::canonicalize(if start.as_os_str().is_empty() {
        Path::new(".")
    } else {
        &start
    })
    .ok()?;
    loop {
        for name in CONFIG_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if dir.join(".git").exists() || !dir.pop() {
            return None;
        }
    }
}

pub fn load(path: &Path, display: String) -> Result<Config, ConfigError> {
    let bytes = std::fs::read(path).map_err(|e| {
        let src = SourceFile::parse(display.clone(), b"", crate::source::Syntax::Yaml);
        ConfigError::at(
            &src,
            0..0,
            format!("cannot read config {display}: {e}"),
            None,
        )
    })?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse(display, &bytes, dir)
}

pub fn parse(name: String, bytes: &[u8], dir: PathBuf) -> Result<Config, ConfigError> {
    let src = parse_yaml(name, bytes, "config")?;
    let mut cfg = Config {
        source: src.clone(),
        dir,
        extends: Vec::new(),
        rules: Vec::new(),
        roles: Vec::new(),
        ignores: Vec::new(),
        account_mapping: None,
    };
    let Ok(root) = &src.root else { return Ok(cfg) };
    let mut errs = Errs::new(&src);
    if root.is_null() {
        return Ok(cfg); // an empty file
    }
    let Some(members) = root.as_object() else {
        errs.push(
            root.span.clone(),
            "the config must be a mapping (extends, rules, roles, ignore)",
            None,
        );
        return errs.finish(cfg);
    };
    for m in members {
        if m.value.is_null() && CONFIG_KEYS.contains(&m.key.as_ref()) {
            continue; // `rules:` with only comments under it
        }
        match m.key.as_ref() {
            "extends" => {
                let items: Vec<&Node> = match m.value.as_array() {
                    Some(a) => a.iter().collect(),
                    None => vec![&m.value],
                };
                for it in items {
                    match it.as_str() {
                        Some(s) => cfg.extends.push(s.to_owned()),
                        None => errs.push(
                            it.span.clone(),
                            "`extends` takes pack names or paths",
                            Some("For example: extends: [baseline]"),
                        ),
                    }
                }
            }
            "rules" => match m.value.as_object() {
                Some(rs) => {
                    for r in rs {
                        let key = Node {
                            span: r.key_span.clone(),
                            value: crate::source::Value::String(r.key.clone()),
                        };
                        let Some(rule) = parse_rule(&key, &mut errs) else {
                            continue;
                        };
                        if let Some(o) = rule_override(rule, &r.value, &mut errs) {
                            cfg.rules.push(o);
                        }
                    }
                }
                None => errs.push(
                    m.value.span.clone(),
                    "`rules` must map a rule code or name to {severity, params, disabled}",
                    None,
                ),
            },
            "roles" => match m.value.as_object() {
                Some(ts) => {
                    for t in ts {
                        let Some(tier) = Tier::parse(&t.key) else {
                            errs.push(
                                t.key_span.clone(),
                                format!("unknown tier `{}`", t.key),
                                Some("Tiers are tier0, privileged and standard."),
                            );
                            continue;
                        };
                        for id in t.value.as_array().unwrap_or_default() {
                            match id.as_str() {
                                Some(s) => cfg.roles.push((tier, s.to_owned())),
                                None => errs.push(
                                    id.span.clone(),
                                    "a role id, role name or group id",
                                    None,
                                ),
                            }
                        }
                        if t.value.as_array().is_none() {
                            errs.push(
                                t.value.span.clone(),
                                "list the role ids, role names or group ids of this tier",
                                None,
                            );
                        }
                    }
                }
                None => errs.push(
                    m.value.span.clone(),
                    "`roles` maps a tier to a list of role ids, names or group ids",
                    None,
                ),
            },
            "ignore" => match m.value.as_array() {
                Some(items) => {
                    for it in items {
                        if let Some(i) = ignore(it, &mut errs) {
                            cfg.ignores.push(i);
                        }
                    }
                }
                None => errs.push(
                    m.value.span.clone(),
                    "`ignore` must be a list of entries",
                    None,
                ),
            },
            "account_mapping" => match m.value.as_str() {
                Some(path) => cfg.account_mapping = Some(path.to_owned()),
                None => errs.push(
                    m.value.span.clone(),
                    "`account_mapping` is the path of a file listing each person's accounts",
                    None,
                ),
            },
            other => errs.push(
                m.key_span.clone(),
                format!("unknown config key `{other}`"),
                Some("Known keys: extends, rules, roles, ignore, account_mapping."),
            ),
        }
    }
    errs.finish(cfg)
}

fn rule_override(rule: &'static RuleDef, node: &Node, errs: &mut Errs) -> Option<RuleOverride> {
    let Some(members) = node.as_object() else {
        errs.push(
            node.span.clone(),
            "a rule override is a mapping: {severity, params, disabled}",
            None,
        );
        return None;
    };
    let mut o = RuleOverride {
        rule,
        severity: None,
        params: serde_json::Map::new(),
        disabled: None,
    };
    for m in members {
        match m.key.as_ref() {
            "severity" => o.severity = Some(parse_severity(&m.value, errs)?),
            "params" => o.params = parse_params(rule, &m.value, errs)?,
            "disabled" => match m.value.as_bool() {
                Some(b) => o.disabled = Some(b),
                None => {
                    errs.push(
                        m.value.span.clone(),
                        "`disabled` must be true or false",
                        None,
                    );
                    return None;
                }
            },
            other => {
                errs.push(
                    m.key_span.clone(),
                    format!("unknown key `{other}`"),
                    Some("A rule override takes severity, params and disabled."),
                );
                return None;
            }
        }
    }
    Some(o)
}

fn ignore(node: &Node, errs: &mut Errs) -> Option<Ignore> {
    let Some(members) = node.as_object() else {
        errs.push(
            node.span.clone(),
            "an ignore entry is a mapping with rule, a selector and reason",
            None,
        );
        return None;
    };
    let Some(rule_node) = node.get("rule") else {
        errs.push(
            node.span.clone(),
            "the ignore entry has no `rule`",
            Some("Name the rule by code or name."),
        );
        return None;
    };
    let rule = parse_rule(rule_node, errs)?;
    let mut i = Ignore {
        rule,
        policy: None,
        role: None,
        scope: None,
        file: None,
        reason: String::new(),
        until: None,
        span: node.span.start..rule_node.span.end,
        until_span: None,
    };
    let mut ok = true;
    for m in members {
        let text = m.value.as_str().map(str::to_owned);
        let need_text = |errs: &mut Errs| {
            errs.push(
                m.value.span.clone(),
                format!("`{}` must be a string", m.key),
                None,
            );
        };
        match m.key.as_ref() {
            "rule" => {}
            "policy" | "role" | "scope" | "reason" => match text {
                Some(t) => match m.key.as_ref() {
                    "policy" => i.policy = Some(t),
                    "role" => i.role = Some(t),
                    "scope" => i.scope = Some(t),
                    _ => i.reason = t,
                },
                None => {
                    ok = false;
                    need_text(errs);
                }
            },
            "file" => match text
                .as_deref()
                .map(|g| globset::GlobBuilder::new(g).literal_separator(true).build())
            {
                Some(Ok(glob)) => i.file = Some((glob.glob().to_string(), glob.compile_matcher())),
                Some(Err(e)) => {
                    ok = false;
                    errs.push(
                        m.value.span.clone(),
                        format!("invalid file glob: {e}"),
                        None,
                    );
                }
                None => {
                    ok = false;
                    need_text(errs);
                }
            },
            "until" => match text.as_deref().and_then(Date::parse) {
                Some(d) => {
                    i.until = Some(d);
                    i.until_span = Some(m.value.span.clone());
                }
                None => {
                    ok = false;
                    errs.push(
                        m.value.span.clone(),
                        "`until` must be a date like 2027-03-31",
                        None,
                    );
                }
            },
            other => {
                ok = false;
                errs.push(
                    m.key_span.clone(),
                    format!("unknown ignore key `{other}`"),
                    Some("Ignore keys: rule, policy, role, scope, file, reason, until."),
                );
            }
        }
    }
    if i.reason.trim().is_empty() {
        ok = false;
        errs.push(node.span.start..rule_node.span.end, "every ignore needs a `reason`", Some("Say why the finding is accepted, e.g. reason: \"break-glass role, reviewed quarterly\"."));
    }
    if i.policy.is_none() && i.role.is_none() && i.scope.is_none() && i.file.is_none() {
        ok = false;
        errs.push(
            node.span.start..rule_node.span.end,
            "an ignore needs a selector: policy, role, scope or file",
            Some("An ignore for every policy is `rules: {CODE: {disabled: true}}` instead."),
        );
    }
    ok.then_some(i)
}

impl Config {
    /// The packs to load: `--pack` wins; else `extends`; else the baseline. Paths in `extends`
    /// are relative to the config file.
    pub fn pack_specs(&self) -> Vec<String> {
        self.extends
            .iter()
            .map(|e| {
                if super::BUILTIN_PACKS.iter().any(|(n, _)| n == e) {
                    e.clone()
                } else {
                    self.dir.join(e).to_string_lossy().into_owned()
                }
            })
            .collect()
    }

    /// Applies the `rules:` overrides to a rule set built from packs.
    pub fn apply_rules(&self, set: &mut RuleSet) {
        for o in &self.rules {
            if o.disabled == Some(true) {
                set.entries.retain(|e| e.rule.code != o.rule.code);
                continue;
            }
            let mut found = false;
            for e in set
                .entries
                .iter_mut()
                .filter(|e| e.rule.code == o.rule.code)
            {
                found = true;
                if let Some(s) = &o.severity {
                    e.severity = s.clone();
                    e.select.tiers = None;
                }
                e.params.extend(o.params.clone());
            }
            if !found {
                set.entries.push(Entry {
                    params: o.params.clone(),
                    ..Entry::new(
                        o.rule,
                        o.severity
                            .clone()
                            .unwrap_or(SeveritySpec::All(Severity::Warning)),
                    )
                });
            }
        }
        set.entries.sort_by_key(|e| e.rule.code);
    }

    pub fn apply_roles(&self, catalog: &mut RoleCatalog) {
        for (tier, id) in &self.roles {
            catalog.add_to_tier(id, *tier);
        }
    }
}

/// Packs for a run from `--pack` specs or, without them, the config's `extends` (default baseline).
pub fn pack_specs(cli: &[String], config: Option<&Config>) -> Vec<String> {
    if !cli.is_empty() {
        return cli.to_vec();
    }
    match config {
        Some(c) if !c.extends.is_empty() => c.pack_specs(),
        _ => vec!["baseline".into()],
    }
}

/// Reads an account-mapping file: `people: [{name, accounts: [user id or UPN, …]}]`. Returns
/// account (lower case) → person.
pub fn load_account_mapping(
    path: &Path,
    display: String,
) -> Result<std::collections::HashMap<String, String>, ConfigError> {
    let bytes = std::fs::read(path).map_err(|e| {
        let src = SourceFile::parse(display.clone(), b"", crate::source::Syntax::Yaml);
        ConfigError::at(
            &src,
            0..0,
            format!("cannot read account mapping {display}: {e}"),
            None,
        )
    })?;
    let src = parse_yaml(display, &bytes, "account mapping")?;
    let mut map = std::collections::HashMap::new();
    let Ok(root) = &src.root else { return Ok(map) };
    let mut errs = Errs::new(&src);
    let people = root.get("people").and_then(Node::as_array);
    if people.is_none() {
        errs.push(
            root.span.clone(),
            "expected `people:` — a list of {name, accounts: [user ids or UPNs]}",
            None,
        );
    }
    for person in people.unwrap_or_default() {
        let name = person.get("name").and_then(Node::as_str);
        let accounts = person.get("accounts").and_then(Node::as_array);
        match (name, accounts) {
            (Some(n), Some(list)) => {
                for a in list {
                    match a.as_str() {
                        Some(acc) => {
                            map.insert(acc.trim().to_ascii_lowercase(), n.to_owned());
                        }
                        None => errs.push(a.span.clone(), "an account is a user id or UPN", None),
                    }
                }
            }
            _ => errs.push(
                person.span.clone(),
                "each person needs `name` and `accounts`",
                None,
            ),
        }
    }
    errs.finish(map)
}

impl Config {
    /// Loads the account mapping the config names, if any.
    pub fn accounts(&self) -> Result<std::collections::HashMap<String, String>, ConfigError> {
        match &self.account_mapping {
            Some(rel) => load_account_mapping(&self.dir.join(rel), rel.clone()),
            None => Ok(Default::default()),
        }
    }
}
