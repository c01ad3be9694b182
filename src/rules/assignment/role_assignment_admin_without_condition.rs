use crate::model::Policy;
use crate::rules::{Ctx, Hit, Severity};

declare_rule! {
    code: "PIM315",
    name: "role-assignment-admin-without-condition",
    category: Assignment,
    needs: Role,
    summary: "(ARM assignments/requests) Owner, User Access Administrator or RBAC Administrator without an ABAC condition that keeps it from assigning those three roles",
    params: [
        ("unknown_severity", Severity, "Severity when the condition has a shape pim-lint does not analyse (default: note)."),
    ],
}

const OWNER: &str = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const USER_ACCESS_ADMINISTRATOR: &str = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
const RBAC_ADMINISTRATOR: &str = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";

/// The roles that can themselves assign any role: a holder who may hand out one of them may
/// hand out everything.
const ESCALATING: [(&str, &str); 3] = [
    (OWNER, "Owner"),
    (USER_ACCESS_ADMINISTRATOR, "User Access Administrator"),
    (RBAC_ADMINISTRATOR, "Role Based Access Control Administrator"),
];

const WRITE: &str = "microsoft.authorization/roleassignments/write";
const ROLE_ATTRIBUTE: &str = "microsoft.authorization/roleassignments:roledefinitionid";

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    let role = p
        .role
        .as_ref()
        // The id, or the catalogue's id for a role known by name (Terraform's
        // `data "azurerm_role_definition"` with `name = "Owner"`).
        .and_then(|r| r.id.as_deref().or(r.template_id.as_deref()))
        .map(|id| id.rsplit('/').next().unwrap_or(id).to_ascii_lowercase());
    if !ESCALATING
        .iter()
        .any(|(id, _)| role.as_deref() == Some(*id))
    {
        return Vec::new();
    }
    let Some(list) = &p.assignments else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for a in &list.value {
        let who = a.principal_label("A principal");
        let condition = a.condition.as_ref().filter(|c| !c.value.trim().is_empty());
        let Some(condition) = condition else {
            hits.push(
                Hit::new(
                    &a.pointer,
                    format!(
                        "{who} may assign any Azure role (Owner included): the assignment has no condition limiting which roles it can grant"
                    ),
                    "Add an ABAC condition with conditionVersion 2.0 that keeps the holder from assigning Owner, User Access \
                     Administrator and Role Based Access Control Administrator, e.g. \
                     @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {…} \
                     (the portal's \"Allow all except specific roles\" template) or a list of the roles it may assign.",
                )
                .label("no condition")
                .principal(a.principal_id.as_deref()),
            );
            continue;
        };
        match analyse(&condition.value) {
            Verdict::Excludes => {}
            Verdict::Allows(names) => hits.push(
                Hit::new(
                    &condition.pointer,
                    format!(
                        "{who}'s condition still lets it assign {}, which can itself assign any role: the condition does \
                         not stop escalation",
                        names.join(", ")
                    ),
                    "Constrain @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] for the \
                     roleAssignments/write action to roles other than Owner (8e3af657-…), User Access Administrator \
                     (18d7d88d-…) and Role Based Access Control Administrator (f58310d9-…), or exclude all three with \
                     ForAnyOfAllValues:GuidNotEquals.",
                )
                .label("allows assigning a role that assigns roles")
                .principal(a.principal_id.as_deref()),
            ),
            Verdict::Unknown(why) => hits.push(
                Hit::new(
                    &condition.pointer,
                    format!(
                        "pim-lint could not tell which roles {who}'s condition lets it assign ({why}); review it by hand"
                    ),
                    "Check that the condition keeps the holder from assigning Owner, User Access Administrator and Role \
                     Based Access Control Administrator; the portal's condition templates produce shapes pim-lint reads.",
                )
                .label("not analysed")
                .principal(a.principal_id.as_deref())
                .severity(cx.severity("unknown_severity").unwrap_or(Severity::Note)),
            ),
        }
    }
    hits
}

/// What a role-assignment condition lets its holder do with the three escalating roles.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// For each escalating role, no request to assign it satisfies the condition.
    Excludes,
    /// Assigning these roles can satisfy the condition.
    Allows(Vec<&'static str>),
    /// A shape pim-lint does not read: neither a pass nor a finding of escalation.
    Unknown(String),
}

/// Evaluates the condition for a `roleAssignments/write` request of each escalating role. An
/// expression on another attribute (principal id or type, …) is something the holder chooses, so
/// it may be true or false; any expression pim-lint cannot read makes the verdict unknown.
fn analyse(condition: &str) -> Verdict {
    let expr = match Parser::new(condition).parse() {
        Ok(e) => e,
        Err(why) => return Verdict::Unknown(why),
    };
    let mut allowed = Vec::new();
    for (id, name) in ESCALATING {
        match eval(&expr, id) {
            Ok(p) if p.can_be_true => allowed.push(name),
            Ok(_) => {}
            Err(why) => return Verdict::Unknown(why),
        }
    }
    if allowed.is_empty() {
        Verdict::Excludes
    } else {
        Verdict::Allows(allowed)
    }
}

#[derive(Debug)]
enum Expr {
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    /// `ActionMatches{'…'}`, lower-cased.
    Action(String),
    /// `@Source[attribute] Operator value(s)`, source and attribute lower-cased.
    Compare {
        source: String,
        attribute: String,
        operator: String,
        values: Vec<String>,
    },
    /// Something else that reads as one operand (`SubOperationMatches{…}`).
    Opaque(String),
}

/// Which values an expression can take for one request.
#[derive(Clone, Copy)]
struct Possible {
    can_be_true: bool,
    can_be_false: bool,
}

const EITHER: Possible = Possible {
    can_be_true: true,
    can_be_false: true,
};

fn exactly(b: bool) -> Possible {
    Possible {
        can_be_true: b,
        can_be_false: !b,
    }
}

fn eval(e: &Expr, role: &str) -> Result<Possible, String> {
    Ok(match e {
        Expr::Not(x) => {
            let p = eval(x, role)?;
            Possible {
                can_be_true: p.can_be_false,
                can_be_false: p.can_be_true,
            }
        }
        // A side that decides the result alone makes the other side irrelevant, even one
        // pim-lint cannot read (the `roleAssignments/delete` half of a condition, say).
        Expr::And(a, b) => match (eval(a, role), eval(b, role)) {
            (Ok(x), _) | (_, Ok(x)) if !x.can_be_true => exactly(false),
            (a, b) => {
                let (a, b) = (a?, b?);
                Possible {
                    can_be_true: a.can_be_true && b.can_be_true,
                    can_be_false: a.can_be_false || b.can_be_false,
                }
            }
        },
        Expr::Or(a, b) => match (eval(a, role), eval(b, role)) {
            (Ok(x), _) | (_, Ok(x)) if !x.can_be_false => exactly(true),
            (a, b) => {
                let (a, b) = (a?, b?);
                Possible {
                    can_be_true: a.can_be_true || b.can_be_true,
                    can_be_false: a.can_be_false && b.can_be_false,
                }
            }
        },
        Expr::Action(action) => exactly(match action.strip_suffix('*') {
            Some(prefix) => WRITE.starts_with(prefix),
            None => action == WRITE,
        }),
        Expr::Compare {
            source,
            attribute,
            operator,
            values,
        } if attribute == ROLE_ATTRIBUTE => {
            if source != "request" {
                return Err(format!(
                    "the role definition id is read from @{source}, not from the request"
                ));
            }
            exactly(role_matches(operator, values, role)?)
        }
        Expr::Compare { .. } => EITHER,
        Expr::Opaque(what) => return Err(format!("`{what}` is not analysed")),
    })
}

/// The request's role definition id is one value; `ForAnyOf`/`ForAllOf` on the left are the same
/// for it, and the right-hand quantifier says whether any or every listed value must compare.
fn role_matches(operator: &str, values: &[String], role: &str) -> Result<bool, String> {
    let lower = operator.to_ascii_lowercase();
    let (right, comparison) = match lower.split_once(':') {
        Some((q, c)) => match q {
            "foranyofanyvalues" | "forallofanyvalues" => (Quantifier::Any, c),
            "foranyofallvalues" | "forallofallvalues" => (Quantifier::All, c),
            _ => return Err(format!("operator {operator} is not analysed")),
        },
        None => (Quantifier::Single, lower.as_str()),
    };
    let equal = match comparison {
        "guidequals" => true,
        "guidnotequals" => false,
        _ => return Err(format!("operator {operator} is not analysed")),
    };
    if right == Quantifier::Single && values.len() != 1 {
        return Err(format!("{operator} takes one value"));
    }
    let compares = |v: &String| (guid(v) == role) == equal;
    Ok(match right {
        Quantifier::Any | Quantifier::Single => values.iter().any(compares),
        Quantifier::All => values.iter().all(compares),
    })
}

#[derive(PartialEq)]
enum Quantifier {
    Any,
    All,
    Single,
}

/// A role definition id as written in a condition: a GUID, or a resource id ending in one.
fn guid(v: &str) -> String {
    v.rsplit('/').next().unwrap_or(v).to_ascii_lowercase()
}

/// A recursive-descent reader for the condition grammar's boolean structure. Nesting is bounded
/// so hostile input cannot exhaust the stack.
struct Parser<'a> {
    s: &'a str,
    pos: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 64;

impl<'a> Parser<'a> {
    fn new(s: &'a str) -> Self {
        Parser { s, pos: 0, depth: 0 }
    }

    fn parse(mut self) -> Result<Expr, String> {
        let e = self.or()?;
        self.skip_ws();
        if self.pos < self.s.len() {
            return Err(format!("unexpected text at character {}", self.pos + 1));
        }
        Ok(e)
    }

    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.s.len() - trimmed.len();
    }

    /// Consumes `word` (case-insensitive) when it stands alone.
    fn keyword(&mut self, word: &str) -> bool {
        self.skip_ws();
        let rest = self.rest();
        let matches = rest
            .get(..word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
            && !rest[word.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if matches {
            self.pos += word.len();
        }
        matches
    }

    fn symbol(&mut self, sym: &str) -> bool {
        self.skip_ws();
        if self.rest().starts_with(sym) {
            self.pos += sym.len();
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.keyword("OR") || self.symbol("||") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while self.keyword("AND") || self.symbol("&&") {
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("nested too deeply".to_owned());
        }
        let e = if self.symbol("!") || self.keyword("NOT") {
            Expr::Not(Box::new(self.unary()?))
        } else if self.symbol("(") {
            let e = self.or()?;
            if !self.symbol(")") {
                return Err("unbalanced parentheses".to_owned());
            }
            e
        } else {
            self.operand()?
        };
        self.depth -= 1;
        Ok(e)
    }

    fn operand(&mut self) -> Result<Expr, String> {
        self.skip_ws();
        if self.symbol("@") {
            return self.compare();
        }
        let name_len = self
            .rest()
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(self.rest().len());
        let name = &self.rest()[..name_len];
        if name.is_empty() {
            return Err(format!("unexpected text at character {}", self.pos + 1));
        }
        self.pos += name_len;
        let body = self.braced()?;
        if name.eq_ignore_ascii_case("ActionMatches") {
            let [action] = body.as_slice() else {
                return Err("ActionMatches takes one action".to_owned());
            };
            Ok(Expr::Action(action.to_ascii_lowercase()))
        } else {
            Ok(Expr::Opaque(name.to_owned()))
        }
    }

    /// `Source[attribute] Operator {values}` or `… 'value'`, after the `@`.
    fn compare(&mut self) -> Result<Expr, String> {
        let rest = self.rest();
        let open = rest.find('[').ok_or("an attribute without [ ]")?;
        let close = rest.find(']').ok_or("an attribute without [ ]")?;
        if close < open {
            return Err("an attribute without [ ]".to_owned());
        }
        let source = rest[..open].trim().to_ascii_lowercase();
        let attribute = rest[open + 1..close].trim().to_ascii_lowercase();
        self.pos += close + 1;
        self.skip_ws();
        let op_len = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == ':'))
            .unwrap_or(self.rest().len());
        let operator = self.rest()[..op_len].to_owned();
        if operator.is_empty() {
            return Err(format!("@{source}[…] without an operator"));
        }
        self.pos += op_len;
        let values = self.braced().or_else(|_| self.scalar().map(|v| vec![v]))?;
        Ok(Expr::Compare {
            source,
            attribute,
            operator,
            values,
        })
    }

    /// `{a, 'b', …}` as its items, quotes removed.
    fn braced(&mut self) -> Result<Vec<String>, String> {
        self.skip_ws();
        if !self.rest().starts_with('{') {
            return Err("expected { … }".to_owned());
        }
        let close = self.rest().find('}').ok_or("unbalanced braces")?;
        let body = &self.rest()[1..close];
        self.pos += close + 1;
        Ok(body
            .split(',')
            .map(|v| v.trim().trim_matches(|c| c == '\'' || c == '"').to_owned())
            .filter(|v| !v.is_empty())
            .collect())
    }

    /// One value: quoted, or a bare word up to white space or a parenthesis.
    fn scalar(&mut self) -> Result<String, String> {
        self.skip_ws();
        let rest = self.rest();
        if let Some(quote) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') {
            let end = rest[1..].find(quote).ok_or("an unterminated string")?;
            self.pos += end + 2;
            return Ok(rest[1..=end].to_owned());
        }
        let len = rest
            .find(|c: char| c.is_whitespace() || c == ')' || c == '(')
            .unwrap_or(rest.len());
        if len == 0 {
            return Err("a comparison without a value".to_owned());
        }
        self.pos += len;
        Ok(rest[..len].to_owned())
    }
}

const DOC: &str = r##"## What it does
For ARM eligibility and assignment schedules or requests of Owner (`8e3af657-…`), User Access
Administrator (`18d7d88d-…`) or Role Based Access Control Administrator (`f58310d9-…`), reads the
ABAC `condition` and reports:

- an assignment with no condition: the holder may assign any role;
- a condition that still lets the holder assign Owner, User Access Administrator or Role Based
  Access Control Administrator (a different message, naming which): whoever holds one of those
  can assign every role, so the holder can escalate in two steps;
- a condition pim-lint cannot read (a note by default, `unknown_severity`): neither a pass nor a
  finding of escalation, so someone reviews it.

How a condition is read: pim-lint evaluates it for a `Microsoft.Authorization/roleAssignments/write`
request of each of the three roles. `ActionMatches{'…'}` is true for that action (a trailing `*`
is a prefix); `@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId]` with
`GuidEquals`/`GuidNotEquals` (plain, or with a `ForAnyOf…`/`ForAllOf…` quantifier) is evaluated
exactly; an expression on any other attribute (principal id, principal type) is something the
holder chooses, so it may be true or false. The condition passes only when none of the three can
make it true. `SubOperationMatches`, other operators on the role definition id, the role id read
from `@Resource` for writes, and text that does not parse make the verdict unknown.

## Why it matters
These roles can create role assignments at their scope. Microsoft Learn describes delegating that
with a condition (*constrained delegation*) as the more secure method, and notes that without one
the delegate can assign any role to anyone, themselves included, and can hand Owner or User
Access Administrator to another user, who can then assign roles. Its "Allow most roles, but don't
allow others to assign roles" example excludes exactly these three roles (and cautions that a
role added later with permission to create role assignments would need adding to the list).

## Example that fails
```json
{ "properties": { "roleDefinitionId": ".../roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "principalId": "…" } }
```
```json
{ "properties": { "roleDefinitionId": ".../roleDefinitions/f58310d9-a9f6-439a-9e8d-f62e7b41a168", "principalId": "…",
  "condition": "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'User'}))",
  "conditionVersion": "2.0" } }
```

## Example that passes
```json
{ "properties": { "roleDefinitionId": ".../18d7d88d-…", "principalId": "…",
  "condition": "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {8e3af657-a8ff-443c-a75c-2fe8c4bcb635, f58310d9-a9f6-439a-9e8d-f62e7b41a168, 18d7d88d-d35e-4fb5-a5c3-7773c20a72d9}))",
  "conditionVersion": "2.0" } }
```

## How to fix
Give the assignment a condition (conditionVersion 2.0) that, for the `roleAssignments/write`
action, limits `@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId]` to the roles
the holder needs to hand out, or excludes Owner, User Access Administrator and Role Based Access
Control Administrator with `ForAnyOfAllValues:GuidNotEquals`. Prefer Role Based Access Control
Administrator over User Access Administrator or Owner for delegation.

## Severity
Baseline: warning. Microsoft Learn recommends conditions as the more secure way to delegate role
assignment management; it is guidance, not a CISA SCuBA control, and Azure accepts the
assignment without one. A condition pim-lint cannot read is a note (`unknown_severity`).

## References
- Microsoft Learn, *Delegate Azure access management to others* (issues with unconstrained
  delegation; constrained delegation with conditions):
  https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-overview
- Microsoft Learn, *Examples to delegate Azure role assignment management with conditions*
  ("Allow most roles, but don't allow others to assign roles"):
  https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples
- Microsoft Learn, *Delegate Azure role assignment management to others with conditions* (any
  role with `roleAssignments/write` can carry the condition; the common operators):
  https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-portal
- Microsoft Learn, *Azure role assignment condition format and syntax*:
  https://learn.microsoft.com/azure/role-based-access-control/conditions-format
"##;

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_EXCEPT: &str = "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {8e3af657-a8ff-443c-a75c-2fe8c4bcb635, f58310d9-a9f6-439a-9e8d-f62e7b41a168, 18d7d88d-d35e-4fb5-a5c3-7773c20a72d9})) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {8e3af657-a8ff-443c-a75c-2fe8c4bcb635, f58310d9-a9f6-439a-9e8d-f62e7b41a168, 18d7d88d-d35e-4fb5-a5c3-7773c20a72d9}))";

    fn write_clause(expr: &str) -> String {
        format!(
            "((!(ActionMatches{{'Microsoft.Authorization/roleAssignments/write'}})) OR ({expr}))"
        )
    }

    #[test]
    fn learn_examples() {
        assert_eq!(analyse(ALL_EXCEPT), Verdict::Excludes);
        // "Constrain roles and principal types": Backup Contributor / Backup Reader to users.
        let c = write_clause(
            "@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {5e467623-bb1f-42f4-a55d-6e525e11384b, a795c7a0-d4a2-40c1-ae25-d81f01202912} AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'User'}",
        );
        assert_eq!(analyse(&c), Verdict::Excludes);
    }

    #[test]
    fn conditions_that_let_the_holder_escalate() {
        // Owner in the allowed list.
        let c = write_clause(
            "@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {8E3AF657-A8FF-443C-A75C-2FE8C4BCB635, 5e467623-bb1f-42f4-a55d-6e525e11384b}",
        );
        assert_eq!(analyse(&c), Verdict::Allows(vec!["Owner"]));
        // Excludes Owner only.
        let c = write_clause(
            "@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {8e3af657-a8ff-443c-a75c-2fe8c4bcb635}",
        );
        assert_eq!(
            analyse(&c),
            Verdict::Allows(vec![
                "User Access Administrator",
                "Role Based Access Control Administrator"
            ])
        );
        // Constrains principals only.
        let c = write_clause(
            "@Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'Group'}",
        );
        assert_eq!(analyse(&c).to_string_kind(), "allows");
        // Constrains deletes only: writes are unconstrained.
        let c = "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {5e467623-bb1f-42f4-a55d-6e525e11384b}))";
        assert_eq!(analyse(c).to_string_kind(), "allows");
        // A second OR branch reopens everything.
        let c = format!(
            "{} OR (@Request[Microsoft.Authorization/roleAssignments:PrincipalType] StringEquals 'User')",
            write_clause(
                "@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {5e467623-bb1f-42f4-a55d-6e525e11384b}"
            )
        );
        assert_eq!(analyse(&c).to_string_kind(), "allows");
    }

    #[test]
    fn negation_and_single_values() {
        let c = write_clause(
            "NOT @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {8e3af657-a8ff-443c-a75c-2fe8c4bcb635, f58310d9-a9f6-439a-9e8d-f62e7b41a168, 18d7d88d-d35e-4fb5-a5c3-7773c20a72d9}",
        );
        assert_eq!(analyse(&c), Verdict::Excludes);
        let c = write_clause(
            "@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] GuidEquals 5e467623-bb1f-42f4-a55d-6e525e11384b",
        );
        assert_eq!(analyse(&c), Verdict::Excludes);
    }

    #[test]
    fn shapes_not_read_are_unknown() {
        for c in [
            write_clause(
                "@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] StringLike '*'",
            ),
            write_clause("SubOperationMatches{'x'}"),
            "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'}))".to_owned(),
            "@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {5e467623-bb1f-42f4-a55d-6e525e11384b}".to_owned(),
            "(((".repeat(200),
            "@".to_owned(),
            "ActionMatches{".to_owned(),
            "@Request[a] Op 'unterminated".to_owned(),
        ] {
            assert_eq!(analyse(&c).to_string_kind(), "unknown", "{c}");
        }
    }

    impl Verdict {
        fn to_string_kind(&self) -> &'static str {
            match self {
                Verdict::Excludes => "excludes",
                Verdict::Allows(_) => "allows",
                Verdict::Unknown(_) => "unknown",
            }
        }
    }
}
