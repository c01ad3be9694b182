//! Microsoft365DSC `AADRoleSetting` resources in a PowerShell DSC configuration (`.ps1`).
//!
//! [`parse`] reads the `AADRoleSetting <name> { Key = value … }` blocks of a file into the
//! span-keeping tree every reader walks — `{"AADRoleSetting": [{"Key": value, …}, …]}`, each
//! key and value at its place in the `.ps1` — and skips everything else. Values it can know are
//! literals: quoted strings, `$true`/`$false`/`$null`, numbers and `@(…)` arrays of them.
//! Anything else (`$ConfigurationData.NonNodeData.…`, `$Credscredential`, a string with
//! `$(…)` in it) is known only when the configuration is compiled: it becomes an object
//! `{"$unknown": "<expression>"}` at the expression, and the reader leaves the rule it feeds out
//! of the policy and names it (PIM017).
//!
//! [`AadRoleSetting`] reads a block as the resource's `Set-TargetResource` applies it: a rule is
//! written only when every property it takes is given (`ActivationReqJustification`,
//! `ActivationReqTicket` and `ActivationReqMFA` together, …), properties map straight to the
//! rule's fields (`PermanentEligibleAssignmentisExpirationRequired` is `isExpirationRequired`
//! of `Expiration_Admin_Eligibility`, whatever its description says), approvers are user
//! principal names or group display names, and the authentication context rule is enabled
//! whenever `AuthenticationContextRequired` and `AuthenticationContextId` are given.

use super::authored;
use super::read::Field;
use super::{DialectInfo, Document, Reader};
use crate::model::{
    ApproverKind, Dialect, Loc, Policy, PolicyKind, Problem, Ptr, RoleRef, RuleId, Setting, Strings,
};
use crate::source::{Member, Node, SyntaxError, Value};
use std::borrow::Cow;
use std::ops::Range;

pub const M365DSC: Dialect = Dialect("m365dsc");

/// The resource this module reads.
pub const RESOURCE: &str = "AADRoleSetting";

/// The key an expression known only at compile time is kept under.
pub const UNKNOWN_KEY: &str = "$unknown";

/// How deep `@(…)` arrays may nest.
const MAX_DEPTH: usize = 32;

/// Reads the `AADRoleSetting` blocks of a DSC configuration into a tree.
pub fn parse(text: &str) -> Result<Node<'_>, SyntaxError> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        pos: 0,
    };
    let mut blocks = Vec::new();
    let mut key_span = 0..0;
    while p.pos < p.s.len() {
        p.skip_trivia()?;
        let Some(&b) = p.s.get(p.pos) else { break };
        match b {
            b'\'' | b'"' => {
                p.string()?;
            }
            _ if is_word(b) => {
                let start = p.pos;
                let word = p.word();
                let before = start.checked_sub(1).and_then(|i| p.s.get(i)).copied();
                let at_word_start = before.is_none_or(|c| !is_word(c) && c != b'$' && c != b'-');
                if at_word_start && word.eq_ignore_ascii_case(RESOURCE) {
                    if key_span.is_empty() {
                        key_span = start..p.pos;
                    }
                    if let Some(block) = p.block(start)? {
                        blocks.push(block);
                    }
                }
            }
            _ => p.pos += 1,
        }
    }
    let end = text.len();
    Ok(Node {
        span: 0..end,
        value: Value::Object(vec![Member {
            key: Cow::Borrowed(RESOURCE),
            key_span: key_span.clone(),
            value: Node {
                span: key_span.start..end,
                value: Value::Array(blocks),
            },
        }]),
    })
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn err(&self, at: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            offset: at,
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn word(&mut self) -> &'a str {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| is_word(b) || b == b'-' || b == b'.')
        {
            self.pos += 1;
        }
        self.text.get(start..self.pos).unwrap_or_default()
    }

    /// Whitespace (line breaks too), `#` comments and `<# … #>` blocks.
    fn skip_trivia(&mut self) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                Some(b'`') if matches!(self.s.get(self.pos + 1), Some(b'\n' | b'\r')) => {
                    self.pos += 2;
                }
                Some(b'<') if self.s.get(self.pos + 1) == Some(&b'#') => {
                    let start = self.pos;
                    match memchr::memmem::find(&self.s[self.pos + 2..], b"#>") {
                        Some(n) => self.pos += 2 + n + 2,
                        None => return Err(self.err(start, "a `<#` comment is never closed")),
                    }
                }
                Some(b'#') => {
                    self.pos = memchr::memchr(b'\n', &self.s[self.pos..])
                        .map_or(self.s.len(), |n| self.pos + n);
                }
                _ => return Ok(()),
            }
        }
    }

    /// Spaces and comments on the current line only.
    fn skip_inline(&mut self) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'`') if matches!(self.s.get(self.pos + 1), Some(b'\n' | b'\r')) => {
                    self.pos += 2;
                }
                Some(b'<') if self.s.get(self.pos + 1) == Some(&b'#') => {
                    let start = self.pos;
                    match memchr::memmem::find(&self.s[self.pos + 2..], b"#>") {
                        Some(n) => self.pos += 2 + n + 2,
                        None => return Err(self.err(start, "a `<#` comment is never closed")),
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// A quoted string: its contents (when they hold nothing to expand) and its span.
    fn string(&mut self) -> Result<(Option<Cow<'a, str>>, Range<usize>), SyntaxError> {
        let start = self.pos;
        let quote = self.s[start];
        self.pos += 1;
        let mut plain = true;
        let mut owned: Option<String> = None;
        let mut from = self.pos;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.err(start, "a quoted string is never closed"));
            };
            if b == quote {
                if self.s.get(self.pos + 1) == Some(&quote) {
                    // A doubled quote stands for one.
                    let o = owned.get_or_insert_with(String::new);
                    o.push_str(self.text.get(from..=self.pos).unwrap_or_default());
                    self.pos += 2;
                    from = self.pos;
                    continue;
                }
                break;
            }
            if quote == b'"' && (b == b'$' || b == b'`') {
                plain = false;
            }
            self.pos += 1;
        }
        let tail = self.text.get(from..self.pos).unwrap_or_default();
        self.pos += 1;
        let value = match owned {
            Some(mut o) => {
                o.push_str(tail);
                Cow::Owned(o)
            }
            None => Cow::Borrowed(tail),
        };
        Ok((plain.then_some(value), start..self.pos))
    }

    /// `AADRoleSetting [name] { … }` from the resource keyword at `start`; `None` when no block
    /// follows (the word used otherwise).
    fn block(&mut self, start: usize) -> Result<Option<Node<'a>>, SyntaxError> {
        self.skip_trivia()?;
        match self.peek() {
            Some(b'\'' | b'"') => {
                self.string()?;
            }
            Some(b) if is_word(b) || b == b'$' => {
                if b == b'$' {
                    self.pos += 1;
                }
                self.word();
            }
            _ => {}
        }
        self.skip_trivia()?;
        if self.peek() != Some(b'{') {
            return Ok(None);
        }
        let open = self.pos;
        self.pos += 1;
        let mut members = Vec::new();
        loop {
            self.skip_trivia()?;
            match self.peek() {
                None => return Err(self.err(open, "the `AADRoleSetting` block is never closed")),
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                Some(b';') => self.pos += 1,
                Some(b) if is_word(b) => {
                    let ks = self.pos;
                    let key = self.word();
                    let key_span = ks..self.pos;
                    self.skip_inline()?;
                    if self.peek() != Some(b'=') {
                        return Err(self.err(self.pos, format!("expected `=` after `{key}`")));
                    }
                    self.pos += 1;
                    self.skip_trivia()?;
                    let value = self.value(0)?;
                    members.push(Member {
                        key: Cow::Borrowed(key),
                        key_span,
                        value,
                    });
                }
                Some(_) => {
                    return Err(self.err(self.pos, "expected a property name (`Name = value`)"));
                }
            }
        }
        Ok(Some(Node {
            span: start..self.pos,
            value: Value::Object(members),
        }))
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.err(self.pos, "arrays are nested too deeply"));
        }
        let start = self.pos;
        match self.peek() {
            Some(b'\'' | b'"') => {
                let (text, span) = self.string()?;
                if self.at_value_end() {
                    return Ok(match text {
                        Some(t) => Node {
                            span,
                            value: Value::String(t),
                        },
                        None => self.unknown(span),
                    });
                }
                self.pos = start;
                self.expression(start)
            }
            Some(b'@') if self.s.get(self.pos + 1) == Some(&b'(') => {
                self.pos += 2;
                let mut items = Vec::new();
                loop {
                    self.skip_trivia()?;
                    match self.peek() {
                        None => return Err(self.err(start, "an `@(` array is never closed")),
                        Some(b')') => {
                            self.pos += 1;
                            break;
                        }
                        Some(b',' | b';') => self.pos += 1,
                        Some(_) => items.push(self.value(depth + 1)?),
                    }
                }
                Ok(Node {
                    span: start..self.pos,
                    value: Value::Array(items),
                })
            }
            Some(b'$') => {
                self.pos += 1;
                let word = self.word();
                let literal = if word.eq_ignore_ascii_case("true") {
                    Some(Value::Bool(true))
                } else if word.eq_ignore_ascii_case("false") {
                    Some(Value::Bool(false))
                } else if word.eq_ignore_ascii_case("null") {
                    Some(Value::Null)
                } else {
                    None
                };
                match literal {
                    Some(v) if self.at_value_end() => Ok(Node {
                        span: start..self.pos,
                        value: v,
                    }),
                    _ => self.expression(start),
                }
            }
            Some(b) if b.is_ascii_digit() || b == b'-' => {
                self.pos += 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit() || c == b'.') {
                    self.pos += 1;
                }
                let text = self.text.get(start..self.pos).unwrap_or_default();
                if self.at_value_end() && text.parse::<f64>().is_ok() {
                    return Ok(Node {
                        span: start..self.pos,
                        value: Value::Number(Cow::Borrowed(text)),
                    });
                }
                self.expression(start)
            }
            Some(_) => self.expression(start),
            None => Err(self.err(start, "expected a value after `=`")),
        }
    }

    /// The value ends here: a line break, `;`, `,`, `)`, `}` or a comment follows.
    fn at_value_end(&mut self) -> bool {
        let save = self.pos;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        let end = matches!(
            self.peek(),
            None | Some(b'\r' | b'\n' | b';' | b',' | b')' | b'}' | b'#')
        );
        self.pos = save;
        end
    }

    /// An expression whose value is known only when the configuration runs: up to the end of
    /// the line (or `;`, or the closing bracket of the array or block it is in), brackets and
    /// quotes balanced.
    fn expression(&mut self, start: usize) -> Result<Node<'a>, SyntaxError> {
        self.pos = start;
        let mut depth: usize = 0;
        let mut end = start;
        while let Some(b) = self.peek() {
            match b {
                b'\'' | b'"' => {
                    self.string()?;
                    end = self.pos;
                    continue;
                }
                b'(' | b'{' | b'[' => depth += 1,
                b')' | b'}' | b']' if depth == 0 => break,
                b')' | b'}' | b']' => depth -= 1,
                b'\n' | b'\r' | b';' | b',' | b'#' if depth == 0 => break,
                _ => {}
            }
            self.pos += 1;
            if !matches!(b, b' ' | b'\t') {
                end = self.pos;
            }
        }
        if depth > 0 {
            return Err(self.err(start, "a bracket in this value is never closed"));
        }
        if end == start {
            // Nothing a value can start with (a closing bracket where a value belongs).
            return Err(self.err(start, "expected a value"));
        }
        Ok(self.unknown(start..end))
    }

    fn unknown(&self, span: Range<usize>) -> Node<'a> {
        let text = self.text.get(span.clone()).unwrap_or_default();
        Node {
            span: span.clone(),
            value: Value::Object(vec![Member {
                key: Cow::Borrowed(UNKNOWN_KEY),
                key_span: span.clone(),
                value: Node {
                    span,
                    value: Value::String(Cow::Borrowed(text)),
                },
            }]),
        }
    }
}

/// The expression a value stands for when it is known only at compile time.
fn unknown_of(f: &Field<'_>) -> Option<Loc<String>> {
    let members = f.node.as_object()?;
    let [m] = members else { return None };
    if m.key != UNKNOWN_KEY {
        return None;
    }
    let text = m.value.as_str()?;
    Some(Loc::new(
        text.to_owned(),
        Ptr::new(f.ptr.clone(), m.value.span.clone()),
    ))
}

/// Properties only an `AADRoleSetting` has (with `DisplayName`, they recognise one).
const MARKERS: &[&str] = &[
    "ActivationMaxDuration",
    "ActivationReqMFA",
    "ActivationReqJustification",
    "ApprovaltoActivate",
    "ActivateApprover",
    "PermanentEligibleAssignmentisExpirationRequired",
    "ExpireEligibleAssignment",
    "PermanentActiveAssignmentisExpirationRequired",
    "ExpireActiveAssignment",
];

pub struct AadRoleSetting;

impl Reader for AadRoleSetting {
    fn dialects(&self) -> &'static [DialectInfo] {
        &[DialectInfo {
            dialect: M365DSC,
            describe: "Microsoft365DSC AADRoleSetting resource",
        }]
    }

    fn read(&self, file: usize, f: &Field<'_>, doc: &mut Document) -> bool {
        if f.field("DisplayName").is_none() || !MARKERS.iter().any(|m| f.field(m).is_some()) {
            return false;
        }
        doc.policies.push(read_setting(file, f));
        true
    }
}

/// A property's value: known, or known only at compile time (then recorded on the policy).
enum Prop<'a> {
    Known(Field<'a>),
    Unknown,
    Absent,
}

struct Block<'a, 'p> {
    f: &'p Field<'a>,
    p: &'p mut Policy,
}

impl<'a> Block<'a, '_> {
    fn prop(&mut self, key: &str) -> Prop<'a> {
        match self.f.field(key) {
            None => Prop::Absent,
            Some(v) => match unknown_of(&v) {
                Some(u) => {
                    if !self.p.unknown.iter().any(|x| x.pointer == u.pointer) {
                        self.p.unknown.push(u);
                    }
                    Prop::Unknown
                }
                None => Prop::Known(v),
            },
        }
    }

    /// Every property a rule takes, known; `None` when one is absent (the resource then leaves
    /// the rule alone) or known only at compile time (recorded).
    fn all(&mut self, keys: &[&str]) -> Option<Vec<Field<'a>>> {
        let mut out = Vec::with_capacity(keys.len());
        let mut complete = true;
        for k in keys {
            match self.prop(k) {
                Prop::Known(v) => out.push(v),
                Prop::Unknown | Prop::Absent => complete = false,
            }
        }
        complete.then_some(out)
    }

    fn flag(&mut self, f: &Field<'_>, key: &str) -> Option<Loc<bool>> {
        match &f.node.value {
            Value::Bool(b) => Some(Loc::new(*b, f.at())),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(Loc::new(true, f.at())),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(Loc::new(false, f.at())),
            other => {
                self.p.problems.push(Problem::new(
                    f.at(),
                    format!(
                        "`{key}` must be $true or $false, found {}",
                        other.type_name()
                    ),
                ));
                None
            }
        }
    }

    fn text(&mut self, f: &Field<'_>, key: &str) -> Option<Loc<String>> {
        match f.node.as_str() {
            Some(s) => Some(Loc::new(s.to_owned(), f.at())),
            None => {
                self.p.problems.push(Problem::new(
                    f.at(),
                    format!(
                        "`{key}` must be a string, found {}",
                        f.node.value.type_name()
                    ),
                ));
                None
            }
        }
    }

    /// A string array (`@()`, or one string).
    fn list(&mut self, f: &Field<'_>) -> Strings {
        let (value, items) = match (&f.node.value, f.node.as_array()) {
            (Value::String(s), _) => (vec![s.to_string()], vec![f.node.span.clone()]),
            (_, Some(list)) => list
                .iter()
                .filter_map(|i| i.as_str().map(|s| (s.to_owned(), i.span.clone())))
                .unzip(),
            _ => (Vec::new(), Vec::new()),
        };
        Strings {
            value,
            pointer: f.at(),
            items,
        }
    }
}

/// The notification properties (`<prefix>NotificationDefaultRecipient`, `…AdditionalRecipient`,
/// `…OnlyCritical`) and the rule each prefix sets.
const NOTIFICATIONS: &[(&str, RuleId)] = &[
    ("EligibleAlert", RuleId::NotificationAdminAdminEligibility),
    (
        "EligibleAssignee",
        RuleId::NotificationRequestorAdminEligibility,
    ),
    (
        "EligibleApprove",
        RuleId::NotificationApproverAdminEligibility,
    ),
    ("ActiveAlert", RuleId::NotificationAdminAdminAssignment),
    (
        "ActiveAssignee",
        RuleId::NotificationRequestorAdminAssignment,
    ),
    ("ActiveApprove", RuleId::NotificationApproverAdminAssignment),
    (
        "EligibleAssignmentAlert",
        RuleId::NotificationAdminEndUserAssignment,
    ),
    (
        "EligibleAssignmentAssignee",
        RuleId::NotificationRequestorEndUserAssignment,
    ),
];

fn read_setting(file: usize, f: &Field<'_>) -> Policy {
    let literal = |k: &str| {
        f.field(k)
            .filter(|v| unknown_of(v).is_none())
            .and_then(|v| v.node.as_str().map(str::to_owned))
    };
    let role = RoleRef {
        id: literal("Id").filter(|s| !s.is_empty()),
        name: literal("DisplayName"),
        ..RoleRef::default()
    };
    let mut p = authored::policy(
        file,
        f.at(),
        M365DSC,
        PolicyKind::DirectoryRole,
        role,
        Some("/".to_owned()),
    );
    let mut b = Block { f, p: &mut p };
    // The role itself known only at compile time: the policy cannot be tied to a role.
    for k in ["DisplayName", "Id"] {
        let _ = b.prop(k);
    }
    let mut rules = Vec::new();

    if let Some(v) = b.all(&["ActivationMaxDuration"])
        && let Some(max) = v.first().and_then(|m| b.text(m, "ActivationMaxDuration"))
    {
        let at = max.pointer.clone();
        rules.push(authored::expiration(
            RuleId::ExpirationEndUserAssignment,
            &at,
            None,
            Some(max),
        ));
    }
    for (id, keys) in [
        (
            RuleId::EnablementEndUserAssignment,
            &[
                ("ActivationReqJustification", "Justification"),
                ("ActivationReqTicket", "Ticketing"),
                ("ActivationReqMFA", "MultiFactorAuthentication"),
            ][..],
        ),
        (
            RuleId::EnablementAdminAssignment,
            &[
                ("AssignmentReqJustification", "Justification"),
                ("AssignmentReqMFA", "MultiFactorAuthentication"),
            ][..],
        ),
        (
            RuleId::EnablementAdminEligibility,
            &[
                ("ElegibilityAssignmentReqJustification", "Justification"),
                ("ElegibilityAssignmentReqMFA", "MultiFactorAuthentication"),
            ][..],
        ),
    ] {
        let names: Vec<&str> = keys.iter().map(|k| k.0).collect();
        let Some(fields) = b.all(&names) else {
            continue;
        };
        let mut on = Strings {
            value: Vec::new(),
            pointer: fields[0].at(),
            items: Vec::new(),
        };
        let mut ok = true;
        for (field, (key, rule_name)) in fields.iter().zip(keys) {
            match b.flag(field, key) {
                Some(flag) if flag.value => {
                    on.value.push((*rule_name).to_owned());
                    on.items.push(field.span.clone());
                }
                Some(_) => {}
                None => ok = false,
            }
        }
        if ok {
            let at = fields[0].at();
            rules.push(authored::enablement(id, &at, on));
        }
    }
    if let Some(v) = b.all(&["ApprovaltoActivate", "ActivateApprover"])
        && let Some(required) = b.flag(&v[0], "ApprovaltoActivate")
    {
        let names = b.list(&v[1]);
        let approvers = names
            .value
            .iter()
            .enumerate()
            .map(|(i, name)| {
                // A user principal name, else a group's display name.
                let kind = if name.contains('@') {
                    ApproverKind::User
                } else {
                    ApproverKind::Group
                };
                authored::approver(names.item(i), kind, name.clone(), Some(name.clone()))
            })
            .collect();
        let at = v[0].at();
        rules.push(authored::approval(
            &at,
            required,
            Loc::new(approvers, v[1].at()),
        ));
    }
    for (id, required_key, max_key) in [
        (
            RuleId::ExpirationAdminEligibility,
            "PermanentEligibleAssignmentisExpirationRequired",
            "ExpireEligibleAssignment",
        ),
        (
            RuleId::ExpirationAdminAssignment,
            "PermanentActiveAssignmentisExpirationRequired",
            "ExpireActiveAssignment",
        ),
    ] {
        let Some(v) = b.all(&[required_key, max_key]) else {
            continue;
        };
        let required = b.flag(&v[0], required_key);
        let max = b.text(&v[1], max_key);
        if required.is_some() && max.is_some() {
            let at = v[0].at();
            rules.push(authored::expiration(id, &at, required, max));
        }
    }
    for (prefix, id) in NOTIFICATIONS {
        let keys = [
            format!("{prefix}NotificationOnlyCritical"),
            format!("{prefix}NotificationDefaultRecipient"),
            format!("{prefix}NotificationAdditionalRecipient"),
        ];
        let names: Vec<&str> = keys.iter().map(String::as_str).collect();
        let Some(v) = b.all(&names) else { continue };
        let (Some(critical), Some(default)) = (b.flag(&v[0], &keys[0]), b.flag(&v[1], &keys[1]))
        else {
            continue;
        };
        let level = Loc::new(
            if critical.value { "Critical" } else { "All" }.to_owned(),
            critical.pointer,
        );
        let recipients = b.list(&v[2]);
        let at = v[1].at();
        rules.push(authored::notification(
            *id,
            &at,
            Some(level),
            Some(default),
            Some(recipients),
        ));
    }
    if let Some(v) = b.all(&["AuthenticationContextRequired", "AuthenticationContextId"])
        && let Some(claim) = b.text(&v[1], "AuthenticationContextId")
    {
        // The resource enables the rule whenever both are given.
        let at = v[0].at();
        rules.push(authored::rule(
            RuleId::AuthenticationContextEndUserAssignment,
            &at,
            Setting::AuthenticationContext {
                is_enabled: Some(Loc::new(true, &at)),
                claim_value: Some(Loc::new(Some(claim.value), claim.pointer)),
            },
        ));
    }
    p.rules = rules;
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Node<'_> {
        parse(text).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn reads_literals_and_keeps_spans() {
        let text = "Configuration C {\n Node localhost {\n  AADRoleSetting 'GA'\n  {\n   Displayname = 'Global Administrator'; ActivationMaxDuration = \"PT8H\"\n   ActivateApprover = @('a@b.example', \"Admins\")\n   ApprovaltoActivate = $True # comment\n   Credential = $Credscredential\n  }\n }\n}\n";
        let root = tree(text);
        let block = &root
            .get(RESOURCE)
            .and_then(Node::as_array)
            .unwrap_or_default()[0];
        let d = block
            .get("ActivationMaxDuration")
            .map(|n| n.span.clone())
            .unwrap_or_default();
        assert_eq!(&text[d], "\"PT8H\"");
        assert_eq!(
            block.get("ApprovaltoActivate").and_then(Node::as_bool),
            Some(true)
        );
        let approvers = block
            .get("ActivateApprover")
            .and_then(Node::as_array)
            .unwrap_or_default();
        assert_eq!(approvers.len(), 2);
        let cred = block
            .get("Credential")
            .and_then(|n| n.get(UNKNOWN_KEY))
            .and_then(Node::as_str);
        assert_eq!(cred, Some("$Credscredential"));
    }

    #[test]
    fn compile_time_values_are_unknown() {
        let text = "AADRoleSetting x {\n ActivationMaxDuration = $ConfigurationData.NonNodeData.Max\n Displayname = \"Role $name\"\n}";
        let root = tree(text);
        let block = &root
            .get(RESOURCE)
            .and_then(Node::as_array)
            .unwrap_or_default()[0];
        for (k, expr) in [
            (
                "ActivationMaxDuration",
                "$ConfigurationData.NonNodeData.Max",
            ),
            ("Displayname", "\"Role $name\""),
        ] {
            let u = block
                .get(k)
                .and_then(|n| n.get(UNKNOWN_KEY))
                .and_then(Node::as_str);
            assert_eq!(u, Some(expr), "{k}");
        }
    }

    #[test]
    fn unreadable_blocks_say_where() {
        for (text, says) in [
            ("AADRoleSetting x { Displayname = 'open\n}", "never closed"),
            ("AADRoleSetting x { Displayname 'x' }", "expected `=`"),
            ("AADRoleSetting x { Displayname = 'x'\n", "never closed"),
            ("AADRoleSetting x { A = @(1, 2 }", "expected a value"),
            ("AADRoleSetting x { A = }", "expected a value"),
        ] {
            let e = parse(text).err().map(|e| e.message).unwrap_or_default();
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn any_bracket_or_quote_anywhere_ends_without_a_hang() {
        let text = "AADRoleSetting 'x'\n{\n A = @('a', $b.c, 1)\n B = $true; C = \"PT1H\"\n}\n";
        for i in 0..text.len() {
            for piece in ["}", ")", "@(", "'", "\"", "$", "#", "<#", "=", ";", ","] {
                let mut t = text.to_owned();
                if t.is_char_boundary(i) {
                    t.insert_str(i, piece);
                    let _ = parse(&t);
                }
            }
        }
    }

    #[test]
    fn other_text_is_skipped() {
        let root = tree("# AADRoleSetting in a comment\n$x = 'AADRoleSetting'\nWrite-Host hi");
        assert_eq!(
            root.get(RESOURCE).and_then(Node::as_array).map(<[_]>::len),
            Some(0)
        );
    }
}
