//! The resolved set of rules of a run, and looking a rule up by code or name — built-in or
//! written in a pack.

use super::{Entry, Pack, SeveritySpec, UserRule};
use crate::rules::{self, RuleDef, Severity};
use std::collections::HashMap;

/// Rules a run always has, whatever the packs say (a config may still disable them): without
/// them an unreadable or unexpanded file would pass silently under a framework pack.
const ALWAYS_ON: &[&str] = &["PIM001", "PIM002", "PIM005"];

/// The resolved set of rules for a run: the packs merged, a later pack replacing all entries of
/// an earlier one for each rule it names.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub entries: Vec<Entry>,
    pub user_rules: Vec<UserRule>,
    /// Accounts of one person (config `account_mapping`): user id or UPN, lower case → person.
    pub accounts: HashMap<String, String>,
    /// Emergency access accounts (config `emergency_access`): user ids or UPNs, lower case.
    pub emergency: std::collections::HashSet<String>,
    /// What the request rules judge against (config `requests:`, `--since`, a fixed "now" for
    /// tests).
    pub requests: crate::model::RequestSettings,
    /// Rules the command left out by category ([`RuleSet::retain_categories`]): an ignore for
    /// one of them is neither used nor unused in this run (PIM013, PIM014 say nothing of it).
    pub left_out: Vec<&'static str>,
    /// Change files mapped to their role (config `files:`).
    pub files: Vec<FileRole>,
}

/// A change file pattern with the role (and scope) its policies govern (config `files:`): a
/// PATCH body or partial policy that does not say which role it is for.
#[derive(Debug, Clone)]
pub struct FileRole {
    /// The glob as written, relative to `dir`.
    pub glob: String,
    pub matcher: globset::GlobMatcher,
    /// The config's folder (canonical when it exists).
    pub dir: std::path::PathBuf,
    /// A template id, role definition GUID, display name, or `member`/`owner`.
    pub role: String,
    /// `/`, a group id or an ARM scope; `None` is the directory.
    pub scope: Option<String>,
}

impl FileRole {
    /// Whether a file, as the run names it (a path as given, relative to the working
    /// directory), is one of this pattern's: the glob is matched against the path relative to
    /// the config's folder, and against the name itself.
    pub fn matches(&self, name: &str) -> bool {
        let relative = std::fs::canonicalize(name).ok().and_then(|abs| {
            abs.strip_prefix(&self.dir)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        });
        relative.is_some_and(|r| self.matcher.is_match(r)) || self.matcher.is_match(name)
    }
}

/// A rule as `explain`, `rules` and SARIF show it: built-in or user-defined alike.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo<'a> {
    pub code: &'a str,
    pub name: &'a str,
    /// One line: what the rule checks (a user rule's `message`).
    pub summary: &'a str,
    /// Markdown documentation.
    pub doc: &'a str,
    /// The built-in rule; `None` for a user-defined one.
    pub builtin: Option<&'static RuleDef>,
    /// The user-defined rule; `None` for a built-in one.
    pub user: Option<&'a UserRule>,
}

impl<'a> RuleInfo<'a> {
    fn builtin(r: &'static RuleDef) -> RuleInfo<'a> {
        RuleInfo {
            code: r.code,
            name: r.name,
            summary: r.summary,
            doc: r.doc,
            builtin: Some(r),
            user: None,
        }
    }

    fn user(u: &'a UserRule) -> RuleInfo<'a> {
        RuleInfo {
            code: &u.code,
            name: &u.name,
            summary: &u.message,
            doc: &u.doc,
            builtin: None,
            user: Some(u),
        }
    }
}

impl RuleSet {
    /// The config's role for a change file, by the name the run gives it (the first matching
    /// `files:` entry).
    pub fn file_role(&self, name: &str) -> Option<&FileRole> {
        self.files.iter().find(|f| f.matches(name))
    }

    /// Keeps only the rules of the categories `keep` accepts: `requests` runs the request rules
    /// and `check` everything else (the rules that are raised while reading files, such as
    /// PIM001, stay in both).
    pub fn retain_categories(&mut self, keep: impl Fn(rules::Category) -> bool) {
        let kept = |r: &RuleDef| {
            keep(r.category)
                || (r.needs == rules::Needs::File && r.category != rules::Category::Requests)
                || r.needs == rules::Needs::Config
        };
        self.entries.retain(|e| kept(e.rule));
        self.left_out = rules::registry()
            .iter()
            .filter(|r| !kept(r))
            .map(|r| r.code)
            .collect();
    }

    pub fn from_packs(packs: &[Pack]) -> RuleSet {
        let mut set = RuleSet::default();
        for pack in packs {
            let codes: Vec<&str> = pack.entries.iter().map(|e| e.rule.code).collect();
            set.entries.retain(|x| !codes.contains(&x.rule.code));
            set.entries.extend(pack.entries.iter().cloned());
            set.user_rules.retain(|x| {
                !pack
                    .user_rules
                    .iter()
                    .any(|u| u.code.eq_ignore_ascii_case(&x.code))
            });
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

    /// The user-defined rule with this code (case-insensitive) or name.
    pub fn user_rule(&self, code_or_name: &str) -> Option<&UserRule> {
        self.user_rules
            .iter()
            .rev()
            .find(|u| u.code.eq_ignore_ascii_case(code_or_name) || u.name == code_or_name)
    }

    /// A rule by code (case-insensitive) or name: built-in first, then the packs' own rules.
    pub fn lookup(&self, code_or_name: &str) -> Option<RuleInfo<'_>> {
        rules::lookup(code_or_name)
            .map(RuleInfo::builtin)
            .or_else(|| self.user_rule(code_or_name).map(RuleInfo::user))
    }

    /// Every rule the run knows: the built-in registry in code order, then the packs' rules.
    pub fn rules(&self) -> impl Iterator<Item = RuleInfo<'_>> {
        rules::registry()
            .iter()
            .map(|r| RuleInfo::builtin(r))
            .chain(self.user_rules.iter().map(RuleInfo::user))
    }

    /// Help for a rule reference that names no rule: the closest code or name, if any.
    pub(crate) fn unknown_rule_help(&self, text: &str) -> String {
        let words = self.rules().flat_map(|r| [r.code, r.name]);
        match crate::suggest::did_you_mean(text, words) {
            Some(g) => {
                format!("Did you mean `{g}`? `pim-lint rules` lists every rule code and name.")
            }
            None => "`pim-lint rules` lists every rule code and name.".into(),
        }
    }
}
