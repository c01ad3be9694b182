//! Applying a config: which packs, the rule references resolved against them, the overrides, the
//! extra tier members and the account mapping.

use super::{Config, RuleRef, accounts};
use crate::datafile::{self, ConfigError};
use crate::model::RoleCatalog;
use crate::pack::{self, BUILTIN_PACKS, Entry, Origin, Pack, RuleSet, SeveritySpec};
use crate::rules::Severity;
use std::collections::HashMap;

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

/// Loads the packs of a run ([`pack_specs`]); a config `extends` that cannot be loaded is
/// reported at its line in the config.
pub fn load_packs(cli: &[String], config: Option<&Config>) -> Result<Vec<Pack>, ConfigError> {
    match config {
        Some(c) if cli.is_empty() && !c.extends.is_empty() => {
            let mut out = Vec::new();
            let mut walk = pack::Extends::default();
            for (spec, span) in c.extends.iter().zip(&c.extends_spans) {
                let origin = Origin {
                    src: &c.source,
                    span,
                    dir: &c.dir,
                };
                pack::load_spec(spec, Some(origin), &mut walk, &mut out)?;
            }
            Ok(out)
        }
        _ => pack::load_specs(&pack_specs(cli, config)),
    }
}

impl Config {
    /// The packs to load: `--pack` wins; else `extends`; else the baseline. Paths in `extends`
    /// are relative to the config file.
    pub fn pack_specs(&self) -> Vec<String> {
        self.extends
            .iter()
            .map(|e| {
                if BUILTIN_PACKS.iter().any(|(n, _)| n == e) {
                    e.clone()
                } else {
                    self.dir.join(e).to_string_lossy().into_owned()
                }
            })
            .collect()
    }

    /// Resolves the rule references that are not built-in rules against the packs' own rules:
    /// afterwards every `code` is a rule's code. An unknown one is an error at its line.
    pub fn resolve(&mut self, set: &RuleSet) -> Result<(), ConfigError> {
        let mut errors = Vec::new();
        let src = self.source.clone();
        let newly: Vec<bool> = self
            .rules
            .iter_mut()
            .map(|o| !o.rule.resolved && resolve_ref(&mut o.rule, set, &src, &mut errors))
            .collect();
        for i in &mut self.ignores {
            if !i.rule.resolved {
                resolve_ref(&mut i.rule, set, &src, &mut errors);
            }
        }
        // Built-in references were checked when the config was read; these are user rules.
        for (k, o) in self.rules.iter().enumerate().filter(|(k, _)| newly[*k]) {
            if let Some(span) = &o.params_span {
                let msg = format!(
                    "{} is a user-defined rule: it takes no `params`",
                    o.rule.code
                );
                let help = Some("Put the values in the rule's schema.".to_owned());
                errors.push(ConfigError::at(&src, span.clone(), msg, help));
            }
            let twin = (0..k).find(|j| newly[*j] && self.rules[*j].rule.code == o.rule.code);
            if let Some(j) = twin {
                let msg = format!(
                    "{} is configured twice (as `{}` and `{}`)",
                    o.rule.code, self.rules[j].rule.written, o.rule.written
                );
                let help = Some("Merge the two entries into one.".to_owned());
                errors.push(ConfigError::at(&src, o.rule.span.clone(), msg, help));
            }
        }
        errors.sort_by_key(|e| e.span.start);
        match errors.into_iter().reduce(ConfigError::and) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Resolves the config's rule references ([`Config::resolve`]) and applies its `rules:`
    /// overrides to a rule set built from packs — built-in and user-defined rules alike.
    pub fn apply_rules(&mut self, set: &mut RuleSet) -> Result<(), ConfigError> {
        self.resolve(set)?;
        for o in &self.rules {
            let code = o.rule.code.as_str();
            if let Some(i) = set.user_rules.iter().position(|u| u.code == code) {
                if o.disabled == Some(true) {
                    set.user_rules.remove(i);
                } else if let Some(s) = &o.severity {
                    let u = &mut set.user_rules[i];
                    u.severity = s.clone();
                    u.select.tiers = None;
                }
                continue;
            }
            let Some(rule) = crate::rules::lookup(code) else {
                continue;
            };
            if o.disabled == Some(true) {
                set.entries.retain(|e| e.rule.code != code);
                continue;
            }
            let mut found = false;
            for e in set.entries.iter_mut().filter(|e| e.rule.code == code) {
                found = true;
                if let Some(s) = &o.severity {
                    e.severity = s.clone();
                    e.select.tiers = None;
                }
                e.params.merge(&o.params);
            }
            if !found {
                let severity = o
                    .severity
                    .clone()
                    .unwrap_or(SeveritySpec::All(Severity::Warning));
                set.entries.push(Entry {
                    params: o.params.clone(),
                    ..Entry::new(rule, severity)
                });
            }
        }
        set.entries.sort_by_key(|e| e.rule.code);
        Ok(())
    }

    /// The emergency access accounts, lower case, for the rule set (`RuleSet::emergency`).
    pub fn emergency(&self) -> std::collections::HashSet<String> {
        self.emergency_access
            .iter()
            .map(|(a, _)| a.trim().to_ascii_lowercase())
            .collect()
    }

    pub fn apply_roles(&self, catalog: &mut RoleCatalog) {
        for (tier, id) in &self.roles {
            catalog.add_to_tier(id, *tier);
        }
    }

    /// Loads the account mapping the config names, if any; a file that cannot be read is
    /// reported at the config's `account_mapping` line.
    pub fn accounts(&self) -> Result<HashMap<String, String>, ConfigError> {
        let Some(rel) = &self.account_mapping else {
            return Ok(HashMap::new());
        };
        let bytes = datafile::read(&self.dir.join(rel), rel, "account mapping").map_err(|e| {
            let span = self.account_mapping_span.clone().unwrap_or(0..0);
            ConfigError::at(&self.source, span, e.message.clone(), None)
        })?;
        accounts::parse(rel.clone(), &bytes)
    }
}

/// Resolves one reference to a pack's own rule; an unknown one is an error at its span.
fn resolve_ref(
    r: &mut RuleRef,
    set: &RuleSet,
    src: &crate::source::SourceFile,
    errors: &mut Vec<ConfigError>,
) -> bool {
    match set.user_rule(&r.written) {
        Some(u) => {
            r.code = u.code.clone();
            r.resolved = true;
            true
        }
        None => {
            let msg = format!("unknown rule `{}`", r.written);
            let help = Some(set.unknown_rule_help(&r.written));
            errors.push(ConfigError::at(src, r.span.clone(), msg, help));
            false
        }
    }
}
