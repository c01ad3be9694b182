//! `.pim-lint.yaml`: discovery, loading (schema-checked, serde, errors with spans) and applying
//! it — packs, rule overrides, extra tier members and suppressions with reasons and expiry dates.
//!
//! The config is read before the packs it `extends`, so a rule it names that is not built in
//! (a pack's own `X-…` rule) stays a [`RuleRef`] with its span until [`Config::resolve`] checks
//! it against the loaded packs.

mod accounts;
mod apply;
mod date;
mod discover;

pub use accounts::{ACCOUNT_MAPPING, load_account_mapping};
pub use apply::{load_packs, pack_specs};
pub use date::Date;
pub use discover::{CONFIG_NAMES, discover};

use crate::datafile::{self, ConfigError, DataFile, Kind};
use crate::model::Tier;
use crate::pack::{SeveritySpec, in_params};
use crate::rules::{self, Params};
use crate::source::SourceFile;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub static CONFIG: Kind = Kind::new(
    "config",
    include_str!("../../schemas/config.schema.json"),
    &[
        "extends",
        "rules",
        "roles",
        "ignore",
        "account_mapping",
        "emergency_access",
        "files",
        "requests",
    ],
    true,
);

/// A rule named in the config, by code or name.
#[derive(Debug, Clone)]
pub struct RuleRef {
    /// The rule's code once resolved (`PIM101`, `X-…`); until then as written.
    pub code: String,
    /// As written: a code or a name.
    pub written: String,
    pub span: Range<usize>,
    /// Built-in rules are resolved when the config is read; a pack's own rules by
    /// [`Config::resolve`].
    pub resolved: bool,
}

/// A rule override from the config's `rules:` map.
#[derive(Debug, Clone)]
pub struct RuleOverride {
    pub rule: RuleRef,
    pub severity: Option<SeveritySpec>,
    /// Checked against the rule's parameters (built-in rules only; user rules take none).
    pub params: Params,
    /// Where `params` is, for a rule not built in (an error once it resolves to a user rule).
    pub params_span: Option<Range<usize>>,
    pub disabled: Option<bool>,
}

/// One `ignore:` entry.
#[derive(Debug, Clone)]
pub struct Ignore {
    pub rule: RuleRef,
    pub policy: Option<String>,
    pub role: Option<String>,
    pub scope: Option<String>,
    pub file: Option<(String, globset::GlobMatcher)>,
    /// An object id or UPN, as written.
    pub principal: Option<String>,
    pub reason: String,
    pub until: Option<Date>,
    /// Where the entry is, for reporting it (unused, expired).
    pub span: Range<usize>,
    pub until_span: Option<Range<usize>>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub source: Arc<SourceFile>,
    /// The directory of the config file (relative `extends` paths and file globs start here).
    pub dir: PathBuf,
    pub extends: Vec<String>,
    /// Where each `extends` item is (a pack that cannot be loaded is reported there).
    pub extends_spans: Vec<Range<usize>>,
    pub rules: Vec<RuleOverride>,
    pub roles: Vec<(Tier, String)>,
    pub ignores: Vec<Ignore>,
    /// A file listing each person's accounts (PIM111), relative to the config file.
    pub account_mapping: Option<String>,
    pub account_mapping_span: Option<Range<usize>>,
    /// Emergency access accounts (object ids or UPNs, as written), each with its span.
    pub emergency_access: Vec<(String, Range<usize>)>,
    /// The `requests:` section: usual hours and activations per day for tier0 roles (PIM706,
    /// PIM707); default when absent (those checks do not run).
    pub requests: crate::model::UsualActivity,
    /// Change files mapped to their role (`files:`), globs relative to `dir`.
    pub files: Vec<crate::pack::FileRole>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    extends: Option<datafile::OneOrMany>,
    rules: Option<BTreeMap<String, OverrideFile>>,
    roles: Option<BTreeMap<Tier, Vec<String>>>,
    ignore: Option<Vec<Option<IgnoreFile>>>,
    account_mapping: Option<String>,
    emergency_access: Option<Vec<String>>,
    files: Option<Vec<FileEntry>>,
    requests: Option<RequestsFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEntry {
    path: String,
    role: String,
    scope: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestsFile {
    usual_hours: Option<String>,
    timezone: Option<String>,
    max_activations_per_day: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideFile {
    severity: Option<SeveritySpec>,
    params: Option<serde_json::Value>,
    disabled: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreFile {
    rule: String,
    policy: Option<String>,
    role: Option<String>,
    scope: Option<String>,
    file: Option<String>,
    principal: Option<String>,
    reason: String,
    until: Option<String>,
}

pub fn load(path: &Path, display: String) -> Result<Config, ConfigError> {
    let bytes = datafile::read(path, &display, "config")?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse(display, &bytes, dir)
}

pub fn parse(name: String, bytes: &[u8], dir: PathBuf) -> Result<Config, ConfigError> {
    let mut file = DataFile::parse(name, bytes, &CONFIG)?;
    let raw = file.load::<Option<ConfigFile>>(&in_params).flatten();
    let mut cfg = Config {
        source: file.src.clone(),
        dir,
        extends: Vec::new(),
        extends_spans: Vec::new(),
        rules: Vec::new(),
        roles: Vec::new(),
        ignores: Vec::new(),
        account_mapping: None,
        account_mapping_span: None,
        emergency_access: Vec::new(),
        requests: crate::model::UsualActivity::default(),
        files: Vec::new(),
    };
    let Some(raw) = raw else {
        return file.finish(cfg);
    };
    for (pointer, spec) in raw.extends.map(|e| e.items("/extends")).unwrap_or_default() {
        cfg.extends_spans.push(file.span(&pointer));
        cfg.extends.push(spec);
    }
    for (key, o) in raw.rules.unwrap_or_default() {
        if let Some(o) = rule_override(&mut file, &key, o) {
            if let Some(twin) = cfg
                .rules
                .iter()
                .find(|x| x.rule.resolved && x.rule.code == o.rule.code)
            {
                let msg = format!(
                    "{} is configured twice (as `{}` and `{}`)",
                    o.rule.code, twin.rule.written, o.rule.written
                );
                file.push(
                    o.rule.span.clone(),
                    msg,
                    Some("Merge the two entries into one.".into()),
                );
            }
            cfg.rules.push(o);
        }
    }
    for (tier, ids) in raw.roles.unwrap_or_default() {
        for (j, id) in ids.into_iter().enumerate() {
            if let Some((other, _)) = cfg
                .roles
                .iter()
                .find(|(t, x)| *t != tier && x.eq_ignore_ascii_case(&id))
            {
                let msg = format!("`{id}` is put in two tiers ({other} and {tier})");
                file.error(
                    &format!("/roles/{tier}/{j}"),
                    msg,
                    Some("A role or group has one tier.".into()),
                );
            }
            cfg.roles.push((tier, id));
        }
    }
    for (i, ig) in raw.ignore.unwrap_or_default().into_iter().enumerate() {
        if let Some(ig) = ig.and_then(|ig| ignore(&mut file, &format!("/ignore/{i}"), ig)) {
            cfg.ignores.push(ig);
        }
    }
    if let Some(path) = raw.account_mapping {
        cfg.account_mapping_span = Some(file.span("/account_mapping"));
        cfg.account_mapping = Some(path);
    }
    for (i, account) in raw
        .emergency_access
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let at = format!("/emergency_access/{i}");
        let key = account.trim().to_ascii_lowercase();
        if cfg
            .emergency_access
            .iter()
            .any(|(a, _)| a.trim().eq_ignore_ascii_case(&key))
        {
            file.error(
                &at,
                format!("`{account}` is listed twice"),
                Some("List each emergency access account once.".into()),
            );
        }
        cfg.emergency_access.push((account, file.span(&at)));
    }
    if let Some(r) = raw.requests {
        cfg.requests = requests(&mut file, r);
    }
    let base = std::fs::canonicalize(&cfg.dir).unwrap_or_else(|_| cfg.dir.clone());
    for (i, f) in raw.files.unwrap_or_default().into_iter().enumerate() {
        let at = format!("/files/{i}/path");
        match globset::GlobBuilder::new(f.path.trim_start_matches("./"))
            .literal_separator(true)
            .build()
        {
            Ok(glob) => cfg.files.push(crate::pack::FileRole {
                glob: f.path,
                matcher: glob.compile_matcher(),
                dir: base.clone(),
                role: f.role.trim().to_owned(),
                scope: f.scope.map(|s| s.trim().to_owned()),
            }),
            Err(e) => file.error(&at, format!("invalid file glob: {e}"), None),
        }
    }
    file.finish(cfg)
}

/// The `requests:` section, each value checked where it is written.
fn requests(file: &mut DataFile, r: RequestsFile) -> crate::model::UsualActivity {
    use crate::model::directory::{parse_clock, parse_offset};
    let mut usual = crate::model::UsualActivity {
        max_per_day: r.max_activations_per_day,
        ..Default::default()
    };
    if let Some(text) = r.usual_hours {
        let hours = text
            .split_once('-')
            .and_then(|(a, b)| Some((parse_clock(a)?, parse_clock(b)?)))
            .filter(|(a, b)| a != b);
        match hours {
            Some(h) => usual.hours = Some(h),
            None => file.error(
                "/requests/usual_hours",
                format!("`{text}` is not a range of hours"),
                Some("Write the usual hours as \"HH:MM-HH:MM\" with different ends, e.g. \"07:00-19:00\" (\"22:00-06:00\" spans midnight).".into()),
            ),
        }
    }
    if let Some(text) = r.timezone {
        match parse_offset(&text) {
            Some(o) => usual.offset_minutes = o,
            None => file.error(
                "/requests/timezone",
                format!("`{text}` is not an offset from UTC"),
                Some("Write the offset from UTC, e.g. \"UTC\", \"+01:00\" or \"-05:00\" (zone names are not read: daylight saving time would move the hours).".into()),
            ),
        }
    }
    usual
}

/// A rule reference: built-in rules resolve now; an unknown `PIM…` code is an error now (no
/// user rule has one); anything else waits for the packs.
fn rule_ref(file: &mut DataFile, written: &str, span: Range<usize>) -> Option<RuleRef> {
    let builtin = rules::lookup(written);
    // User rules have `X-` codes and lower-case names, so no user rule is `PIM…`.
    let looks_builtin = written.starts_with("PIM");
    if builtin.is_none() && looks_builtin {
        let help = crate::pack::RuleSet::default().unknown_rule_help(written);
        file.push(span, format!("unknown rule `{written}`"), Some(help));
        return None;
    }
    Some(RuleRef {
        code: builtin.map_or_else(|| written.to_owned(), |r| r.code.to_owned()),
        written: written.to_owned(),
        span,
        resolved: builtin.is_some(),
    })
}

fn rule_override(file: &mut DataFile, key: &str, o: OverrideFile) -> Option<RuleOverride> {
    let at = datafile::join("/rules", key);
    let rule = rule_ref(file, key, file.key_span(&at))?;
    let mut params = Params::new();
    let mut params_span = None;
    if let Some(v) = &o.params {
        match rules::lookup(key) {
            Some(def) => params = crate::pack::params(file, &format!("{at}/params"), def, v)?,
            None => params_span = Some(file.key_span(&format!("{at}/params"))),
        }
    }
    Some(RuleOverride {
        rule,
        severity: o.severity,
        params,
        params_span,
        disabled: o.disabled,
    })
}

fn ignore(file: &mut DataFile, at: &str, ig: IgnoreFile) -> Option<Ignore> {
    let rule_span = file.span(&format!("{at}/rule"));
    let start = file.node(at).map_or(rule_span.start, |n| n.span.start);
    let rule = rule_ref(file, &ig.rule, rule_span.clone());
    let mut ok = rule.is_some();
    let glob = ig
        .file
        .as_deref()
        .map(|g| globset::GlobBuilder::new(g).literal_separator(true).build());
    let file_glob = match glob {
        Some(Ok(glob)) => Some((glob.glob().to_string(), glob.compile_matcher())),
        Some(Err(e)) => {
            ok = false;
            file.error(
                &format!("{at}/file"),
                format!("invalid file glob: {e}"),
                None,
            );
            None
        }
        None => None,
    };
    let until = match ig.until.as_deref() {
        Some(text) => match Date::parse(text) {
            Some(d) => Some(d),
            None => {
                ok = false;
                file.error(
                    &format!("{at}/until"),
                    format!("`{text}` is not a date"),
                    Some("`until` takes a date that exists, like 2027-03-31.".into()),
                );
                None
            }
        },
        None => None,
    };
    if ig.reason.trim().is_empty() {
        ok = false;
        file.error(&format!("{at}/reason"), "every ignore needs a `reason`", Some("Say why the finding is accepted, e.g. reason: \"break-glass role, reviewed quarterly\".".into()));
    }
    let until_span = until.map(|_| file.span(&format!("{at}/until")));
    Some(Ignore {
        rule: rule.filter(|_| ok)?,
        policy: ig.policy,
        role: ig.role,
        scope: ig.scope,
        file: file_glob,
        principal: ig.principal,
        reason: ig.reason,
        until,
        span: start..rule_span.end,
        until_span,
    })
}

#[cfg(test)]
mod tests;
