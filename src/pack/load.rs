//! A pack file → [`Pack`]: the shape is checked by `schemas/pack.schema.json` and serde; what a
//! schema cannot know is checked here — rule codes and names, each rule's parameters, dialect
//! names, user rules' schemas, and entries that repeat.

use super::select::parse_kind;
use super::{Entry, Pack, RuleSet, Selector, SeveritySpec, UserRule, is_user_code};
use crate::datafile::{self, ConfigError, DataFile, Kind, indexed};
use crate::model::{RoleCatalog, Tier};
use crate::rules::{self, Params, RuleDef};
use serde::Deserialize;
use std::sync::Arc;

pub static PACK: Kind = Kind::new(
    "pack",
    include_str!("../../schemas/pack.schema.json"),
    &["rules"],
    false,
);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    #[serde(default)]
    name: String,
    description: Option<String>,
    extends: Option<datafile::OneOrMany>,
    #[serde(default, deserialize_with = "indexed")]
    rules: Vec<(usize, EntryFile)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    rule: String,
    severity: SeveritySpec,
    tiers: Option<Vec<Tier>>,
    roles: Option<Vec<String>>,
    kinds: Option<Vec<String>>,
    dialects: Option<Vec<String>>,
    /// Checked against the rule's declared parameters ([`Params::parse`]), not the schema.
    params: Option<serde_json::Value>,
    control: Option<String>,
    name: Option<String>,
    message: Option<String>,
    help: Option<String>,
    schema: Option<serde_json::Value>,
}

/// Schema errors under an entry's `params` are reported by [`Params::parse`], which knows the
/// rule: `/rules/3/params/...` (packs) and `/rules/PIM204/params/...` (config overrides).
pub(crate) fn in_params(pointer: &str) -> bool {
    let t: Vec<&str> = pointer.split('/').collect();
    t.len() >= 4 && t[1] == "rules" && t[3] == "params"
}

/// Reads a pack from YAML bytes. Errors carry spans into the file.
pub fn load_pack(name: String, bytes: &[u8]) -> Result<Pack, ConfigError> {
    let mut file = DataFile::parse(name, bytes, &PACK)?;
    // A rule that is no rule is reported with the closest code or name, not the schema pattern.
    let by_hand =
        |p: &str| in_params(p) || p.split('/').nth(3) == Some("rule") && p.split('/').count() == 4;
    let raw: Option<PackFile> = file.load(&by_hand);
    let mut pack = Pack {
        name: String::new(),
        description: None,
        extends: Vec::new(),
        entries: Vec::new(),
        user_rules: Vec::new(),
        source: Some(file.src.clone()),
        extends_spans: Vec::new(),
    };
    if let Some(raw) = raw {
        pack.name = raw.name;
        pack.description = raw.description;
        for (pointer, spec) in raw.extends.map(|e| e.items("/extends")).unwrap_or_default() {
            pack.extends_spans.push(file.span(&pointer));
            pack.extends.push(spec);
        }
        for (i, e) in raw.rules {
            let at = format!("/rules/{i}");
            if is_user_code(&e.rule) {
                if let Some(u) = user_rule(&mut file, &at, e, &pack.name) {
                    add_user_rule(&mut file, &at, u, &mut pack);
                }
            } else if let Some(entry) = builtin_entry(&mut file, &at, e) {
                let twin = pack.entries.iter().any(|x| {
                    x.rule.code == entry.rule.code
                        && (x.select == entry.select || entry.select.is_empty())
                });
                if twin {
                    file.error(
                        &at,
                        format!("{} appears twice in this pack for the same policies", entry.rule.code),
                        Some("Use a per-tier severity map, or give each entry a different `roles`/`tiers` selector.".into()),
                    );
                }
                pack.entries.push(entry);
            }
        }
    }
    file.finish(pack)
}

fn add_user_rule(file: &mut DataFile, at: &str, u: UserRule, pack: &mut Pack) {
    if pack
        .user_rules
        .iter()
        .any(|x| x.code.eq_ignore_ascii_case(&u.code))
    {
        file.error(
            &format!("{at}/rule"),
            format!("{} is defined twice in this pack", u.code),
            None,
        );
    } else if let Some(x) = pack.user_rules.iter().find(|x| x.name == u.name) {
        let msg = format!("{} and {} have the same name `{}`", x.code, u.code, u.name);
        file.error(
            &format!("{at}/rule"),
            msg,
            Some("Give each user rule its own `name`.".into()),
        );
    }
    pack.user_rules.push(u);
}

fn builtin_entry(file: &mut DataFile, at: &str, e: EntryFile) -> Option<Entry> {
    let Some(rule) = rules::lookup(&e.rule) else {
        let help = RuleSet::default().unknown_rule_help(&e.rule);
        file.error(
            &format!("{at}/rule"),
            format!("unknown rule `{}`", e.rule),
            Some(help),
        );
        return None;
    };
    let select = selector(file, at, &e);
    let params = match &e.params {
        Some(v) => params(file, &format!("{at}/params"), rule, v),
        None => Some(Params::new()),
    };
    Some(Entry {
        rule,
        select: select?,
        severity: e.severity,
        params: params?,
        control: e.control,
    })
}

/// A rule's parameters from `params` at `pointer`; each error at its own line.
pub(crate) fn params(
    file: &mut DataFile,
    pointer: &str,
    rule: &RuleDef,
    value: &serde_json::Value,
) -> Option<Params> {
    match Params::parse(rule, value) {
        Ok(p) => Some(p),
        Err(errors) => {
            for e in errors {
                let at = format!("{pointer}{}", e.pointer);
                if e.at_key {
                    file.error_at_key(&at, e.message, Some(e.help));
                } else {
                    file.error(&at, e.message, Some(e.help));
                }
            }
            None
        }
    }
}

fn selector(file: &mut DataFile, at: &str, e: &EntryFile) -> Option<Selector> {
    let mut ok = true;
    let kinds = e.kinds.as_ref().map(|ks| {
        let mut out = Vec::new();
        for (j, k) in ks.iter().enumerate() {
            match parse_kind(k) {
                Some(kind) => out.push(kind),
                None => {
                    ok = false;
                    file.error(
                        &format!("{at}/kinds/{j}"),
                        format!("unknown kind `{k}`"),
                        Some("Kinds: directory-role, group, azure-resource.".into()),
                    );
                }
            }
        }
        out
    });
    if let Some(ds) = &e.dialects {
        for (j, d) in ds.iter().enumerate() {
            if !crate::dialect::is_known(d) {
                ok = false;
                let names: Vec<&str> = crate::dialect::names().collect();
                let guess = crate::suggest::did_you_mean(d, names.iter().copied())
                    .map(|g| format!("Did you mean `{g}`? "))
                    .unwrap_or_default();
                file.error(
                    &format!("{at}/dialects/{j}"),
                    format!("unknown dialect `{d}`"),
                    Some(format!("{guess}Dialects: {}.", names.join(", "))),
                );
            }
        }
    }
    ok.then(|| Selector {
        tiers: e.tiers.clone(),
        roles: e
            .roles
            .as_ref()
            .map(|r| r.iter().map(|s| RoleCatalog::normalise_id(s)).collect()),
        kinds,
        dialects: e.dialects.clone(),
    })
}

fn user_rule(file: &mut DataFile, at: &str, e: EntryFile, pack: &str) -> Option<UserRule> {
    let select = selector(file, at, &e)?;
    // The schema has reported a missing `message` or `schema`, and `params` on a user rule.
    let (Some(message), Some(schema)) = (e.message, e.schema) else {
        return None;
    };
    let validator = match jsonschema::validator_for(&schema) {
        Ok(v) => Arc::new(v),
        Err(err) => {
            file.error(
                &format!("{at}/schema"),
                format!("invalid JSON Schema: {err}"),
                Some("The schema is asserted against the normalised policy (schemas/policy.schema.json); see the README's user-rule example.".into()),
            );
            return None;
        }
    };
    let code = e.rule;
    let name = e.name.unwrap_or_else(|| code.to_ascii_lowercase());
    if rules::lookup(&name).is_some() {
        let at_name = if file.node(&format!("{at}/name")).is_some() {
            format!("{at}/name")
        } else {
            format!("{at}/rule")
        };
        file.error(
            &at_name,
            format!("user rule {code} is named `{name}`, which names a built-in rule"),
            Some("Give it a name of its own, so config and ignores can name it.".into()),
        );
        return None;
    }
    let help = e.help.unwrap_or_else(|| message.clone());
    let mut doc = format!("## What it does\n\n{message}.\n\n## How to fix\n\n{help}\n");
    if !pack.is_empty() {
        doc.push_str(&format!("\nDefined in pack `{pack}`.\n"));
    }
    Some(UserRule {
        code,
        name,
        select,
        severity: e.severity,
        message,
        help,
        doc,
        control: e.control,
        schema: validator,
    })
}
