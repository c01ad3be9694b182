//! Deployment templates: ARM templates (`bicep build` output, JSON) and Bicep files. Both are
//! evaluated as far as the file itself allows — literals, parameter defaults, variables,
//! references between resources of the same file, the resource-id functions — into values
//! ([`E`]) that may be [`V::Unknown`]: a value known only at deployment is never guessed. Each
//! PIM resource is then read by the reader of its REST shape (a policy, an assignment, a
//! schedule request); the settings an unknown value feeds are left out and named on the
//! policy (`unknown`, PIM017).

pub(crate) mod arm;
pub(crate) mod bicep;

use super::read::{Field, child, index};
use super::{DialectInfo, Document, Reader};
use crate::model::{Dialect, Loc, Policy, PolicyKind, Ptr, RoleRef};
use crate::source::{Member, Node, Value};
use std::borrow::Cow;
use std::ops::Range;

pub const ARM_TEMPLATE: Dialect = Dialect("arm-template");
pub const BICEP: Dialect = Dialect("bicep");

pub use bicep::read as read_bicep;

/// How deep an evaluation may go (nested values, references to references) before the value
/// is taken as unknown: a self-referencing or hostile file ends, never overflows the stack.
pub(crate) const MAX_DEPTH: usize = 48;

/// How many items a loop (Bicep `[for …]`, ARM `copy`) is expanded to: a longer list is read
/// once, as if known only at deployment, and named (PIM017).
pub(crate) const MAX_ITEMS: usize = 1000;

/// An evaluated value with the span of the text that supplied it (a literal where it is
/// written, a parameter's default, or the expression that computed it).
#[derive(Debug, Clone)]
pub(crate) struct E {
    pub span: Range<usize>,
    pub v: V,
}

#[derive(Debug, Clone)]
pub(crate) enum V {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<E>),
    Obj(Vec<M>),
    /// Known only at deployment: the expression as written.
    Unknown(String),
}

#[derive(Debug, Clone)]
pub(crate) struct M {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: E,
}

impl E {
    pub fn new(span: Range<usize>, v: V) -> E {
        E { span, v }
    }

    pub fn unknown(span: Range<usize>, text: &str) -> E {
        E {
            span,
            v: V::Unknown(short(text)),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.v {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The member `key` (ASCII case ignored, as ARM does).
    pub fn get(&self, key: &str) -> Option<&E> {
        match &self.v {
            V::Obj(m) => m
                .iter()
                .rev()
                .find(|m| m.key.eq_ignore_ascii_case(key))
                .map(|m| &m.value),
            _ => None,
        }
    }

    /// A scalar as text (string interpolation, `concat`, `format`).
    pub fn text(&self) -> Option<String> {
        match &self.v {
            V::Str(s) => Some(s.clone()),
            V::Num(n) => Some(n.clone()),
            V::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// An expression as a note names it: one line, at most 80 characters.
pub(crate) fn short(text: &str) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 80 {
        let cut: String = one.chars().take(79).collect();
        format!("{cut}…")
    } else {
        one
    }
}

/// A value known only at deployment, found at `path` while the value became a tree.
struct Gap {
    path: String,
    span: Range<usize>,
    text: String,
}

/// The tree the REST readers read: unknown values become `null` and are listed in `gaps`.
fn to_node(e: &E, path: &str, gaps: &mut Vec<Gap>) -> Node<'static> {
    let value = match &e.v {
        V::Null => Value::Null,
        V::Bool(b) => Value::Bool(*b),
        V::Num(n) => Value::Number(Cow::Owned(n.clone())),
        V::Str(s) => Value::String(Cow::Owned(s.clone())),
        V::Arr(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, it)| to_node(it, &index(path, i), gaps))
                .collect(),
        ),
        V::Obj(members) => Value::Object(
            members
                .iter()
                .map(|m| Member {
                    key: Cow::Owned(m.key.clone()),
                    key_span: m.key_span.clone(),
                    value: to_node(&m.value, &child(path, &m.key), gaps),
                })
                .collect(),
        ),
        V::Unknown(text) => {
            gaps.push(Gap {
                path: path.to_owned(),
                span: e.span.clone(),
                text: text.clone(),
            });
            Value::Null
        }
    };
    Node {
        span: e.span.clone(),
        value,
    }
}

/// One resource of a template, evaluated.
pub(crate) struct Resource {
    /// The pointer of the resource (`/resources/0`; a Bicep resource's symbolic name, `/policy`).
    pub ptr: String,
    /// Where a finding about the whole resource points (its declaration).
    pub span: Range<usize>,
    /// The symbolic name (Bicep, ARM `languageVersion` 2.0), for messages.
    pub symbol: Option<String>,
    pub ty: String,
    pub name: E,
    pub properties: Option<E>,
    /// The resource's own `scope` (Bicep `scope:`, an ARM extension resource's `scope`).
    pub scope: Scope,
    /// Values the resource as a whole depends on (a loop over a list known only at
    /// deployment): named on its policy (PIM017) like the values of its settings.
    pub unknown: Vec<(String, Range<usize>)>,
}

/// Where a resource is deployed, as far as the file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    /// No `scope` of its own: the deployment's (the policy's `properties.scope`, if stated).
    Unstated,
    /// A whole ARM scope id (`/`, `/subscriptions/…`, `/providers/Microsoft.Management/…`).
    Known(String),
    /// Stated, but known only at deployment (`resourceGroup()`, a resource symbol, a relative
    /// id): no scope is claimed.
    Unknown,
}

impl Scope {
    /// The scope a `scope` value names: an id from the root (`/…`), or the `id` of a scope
    /// object (`subscription('…')`); anything else is relative to the deployment or unknown.
    pub fn of(e: &E) -> Scope {
        let id = match &e.v {
            V::Str(s) => Some(s.as_str()),
            V::Obj(_) => e.get("id").and_then(E::as_str),
            _ => None,
        };
        match id {
            Some(s) if s.starts_with('/') && !s.contains("//") => Scope::Known(s.to_owned()),
            _ => Scope::Unknown,
        }
    }
}

/// The PIM resource types a template may deploy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Policy,
    PolicyAssignment,
    Request,
}

fn kind_of(ty: &str) -> Option<Kind> {
    let ty = ty.split('@').next().unwrap_or(ty).to_ascii_lowercase();
    match ty.as_str() {
        "microsoft.authorization/rolemanagementpolicies" => Some(Kind::Policy),
        "microsoft.authorization/rolemanagementpolicyassignments" => Some(Kind::PolicyAssignment),
        "microsoft.authorization/roleeligibilityschedulerequests"
        | "microsoft.authorization/roleassignmentschedulerequests" => Some(Kind::Request),
        _ => None,
    }
}

/// Whether a resource type is one pim-lint reads.
pub(crate) fn is_pim_type(ty: &str) -> bool {
    kind_of(ty).is_some()
}

/// The id a resource of the file has, as far as the file says: `/providers/<type>/<name>`
/// (the deployment's scope, which the file does not know, left out). `resourceId()` and a
/// Bicep `policy.id` both give this, so a reference between two resources of the file joins.
pub(crate) fn resource_id(ty: &str, names: &[String]) -> String {
    let ty = ty.split('@').next().unwrap_or(ty);
    let mut parts = ty.split('/');
    let namespace = parts.next().unwrap_or_default();
    let mut id = format!("/providers/{namespace}");
    let types: Vec<&str> = parts.collect();
    for (i, t) in types.iter().enumerate() {
        id.push('/');
        id.push_str(t);
        if let Some(n) = names.get(i) {
            id.push('/');
            id.push_str(n);
        }
    }
    id
}

/// Reads the PIM resources of an evaluated template into `doc`.
pub(crate) fn emit(file: usize, resources: &[Resource], dialect: Dialect, doc: &mut Document) {
    // Unknown roles of assignments, by the policy they name (the role is not judged).
    let mut role_gaps: Vec<(String, Gap)> = Vec::new();
    for r in resources {
        let Some(kind) = kind_of(&r.ty) else { continue };
        let mut members = vec![M {
            key: "type".into(),
            key_span: r.span.clone(),
            value: E::new(r.span.clone(), V::Str(r.ty.clone())),
        }];
        members.push(M {
            key: "name".into(),
            key_span: r.name.span.clone(),
            value: r.name.clone(),
        });
        if let Some(name) = r.name.as_str().filter(|_| kind == Kind::Policy) {
            // The policy's id as the file knows it (what assignments of the file name).
            members.push(M {
                key: "id".into(),
                key_span: r.name.span.clone(),
                value: E::new(
                    r.name.span.clone(),
                    V::Str(resource_id(&r.ty, &[name.to_owned()])),
                ),
            });
        }
        if let Some(p) = &r.properties {
            members.push(M {
                key: "properties".into(),
                key_span: p.span.clone(),
                value: p.clone(),
            });
        }
        let e = E::new(r.span.clone(), V::Obj(members));
        let mut gaps = Vec::new();
        let node = to_node(&e, &r.ptr, &mut gaps);
        // The name of a resource is no setting: an unknown one is only not an id.
        gaps.retain(|g| g.path != child(&r.ptr, "name"));
        let field = Field::root(&node, r.ptr.clone());
        match kind {
            Kind::Policy => policy(file, r, dialect, field, gaps, doc),
            Kind::PolicyAssignment => {
                let role = child(&child(&r.ptr, "properties"), "roleDefinitionId");
                let policy_ref = child(&child(&r.ptr, "properties"), "policyId");
                if !gaps.iter().any(|g| g.path == role || g.path == policy_ref) {
                    super::assignment::ArmAssignment.read(file, &field, doc);
                } else if let Some(id) = r
                    .properties
                    .as_ref()
                    .and_then(|p| p.get("policyId"))
                    .and_then(E::as_str)
                {
                    // The role is known only at deployment: said on the policy it names.
                    role_gaps.extend(
                        gaps.into_iter()
                            .filter(|g| g.path == role)
                            .map(|g| (id.to_ascii_lowercase(), g)),
                    );
                }
            }
            Kind::Request => request(file, r, dialect, &node, gaps, doc),
        }
    }
    for (id, g) in role_gaps {
        for p in doc.policies.iter_mut().filter(|p| {
            p.id.as_deref()
                .is_some_and(|pid| pid.eq_ignore_ascii_case(&id))
        }) {
            p.unknown.push(Loc::new(
                g.text.clone(),
                Ptr::new(g.path.clone(), g.span.clone()),
            ));
        }
    }
}

fn policy(
    file: usize,
    r: &Resource,
    dialect: Dialect,
    field: Field<'_>,
    gaps: Vec<Gap>,
    doc: &mut Document,
) {
    let mut p = super::policy::policy(file, field, super::ARM, None);
    p.dialect = dialect;
    p.kind = PolicyKind::AzureResource;
    // A deployment sets the rules it lists and leaves the others as they are.
    p.partial = true;
    p.id = r.name.as_str().map(|n| resource_id(&r.ty, &[n.to_owned()]));
    // The scope only when the file states it (the resource's `scope`, else
    // `properties.scope`): not from the id above, never a guess.
    p.scope = match &r.scope {
        Scope::Known(s) => Some(s.clone()),
        Scope::Unknown => None,
        Scope::Unstated => r
            .properties
            .as_ref()
            .and_then(|pr| pr.get("scope"))
            .and_then(|s| s.as_str().map(str::to_owned)),
    };
    if p.display_name.is_none() {
        p.display_name = r
            .symbol
            .clone()
            .or_else(|| r.name.as_str().map(str::to_owned));
    }
    let rules_path = child(&child(&r.ptr, "properties"), "rules");
    // Only the rules are settings (not `scope` or a description).
    let gaps = gaps.into_iter().filter(|g| {
        under_path(&g.path, &rules_path) || g.path == child(&r.ptr, "properties") || g.path == r.ptr
    });
    for g in gaps {
        let under = |base: &str| g.path == base || g.path.starts_with(&format!("{base}/"));
        if under(&rules_path) || under(&child(&r.ptr, "properties")) || g.path == r.ptr {
            // The rules the value feeds are left out; an unknown list leaves them all out.
            p.rules_expanded = true;
        }
        let dropped: Vec<String> = p
            .rules
            .iter()
            .filter(|rule| under(&rule.pointer.path))
            .map(|rule| rule.pointer.path.clone())
            .collect();
        if !dropped.is_empty() {
            p.rules.retain(|rule| !dropped.contains(&rule.pointer.path));
            p.problems.retain(|pr| {
                !dropped
                    .iter()
                    .any(|d| pr.pointer.path == *d || pr.pointer.path.starts_with(&format!("{d}/")))
            });
        }
        p.problems
            .retain(|pr| !under_path(&pr.pointer.path, &g.path));
        p.unknown.push(Loc::new(g.text, Ptr::new(g.path, g.span)));
    }
    for (text, span) in &r.unknown {
        p.unknown.push(Loc::new(
            text.clone(),
            Ptr::new(r.ptr.clone(), span.clone()),
        ));
    }
    if p.unknown.is_empty() && p.rules.is_empty() && !p.rules_expanded {
        // No `rules` at all: the deployment changes none.
        p.rules_expanded = true;
    }
    doc.policies.push(p);
}

/// What a request's scope is called when the file leaves it to the deployment.
const DEPLOYMENT_SCOPE: &str = "the deployment's scope";
/// What a request's scope is called when its `scope` is known only at deployment.
const SCOPE_AT_DEPLOYMENT: &str = "a scope known only at deployment";

/// A schedule request: read as the ARM REST request it deploys. A value that a rule about
/// assignments reads (the schedule, the condition, the principal's type, the role) known only
/// at deployment leaves the request unjudged (PIM017 names the values); an unknown principal
/// is named by its expression.
fn request(
    file: usize,
    r: &Resource,
    dialect: Dialect,
    node: &Node<'static>,
    gaps: Vec<Gap>,
    doc: &mut Document,
) {
    let props = child(&r.ptr, "properties");
    let principal = child(&props, "principalId");
    let mut node = node.clone();
    // Only what the assignment rules read is a setting (not `justification`, `ticketInfo`, …).
    let read = [
        "roleDefinitionId",
        "scheduleInfo",
        "condition",
        "principalType",
    ]
    .map(|k| child(&props, k));
    let gaps = gaps.into_iter().filter(|g| {
        g.path == principal || g.path == props || read.iter().any(|k| under_path(&g.path, k))
    });
    let (named, rest): (Vec<Gap>, Vec<Gap>) = gaps.partition(|g| g.path == principal);
    for g in &named {
        if let Some(m) =
            node_member_mut(&mut node, "properties").and_then(|p| node_member_mut(p, "principalId"))
        {
            m.value = Value::String(Cow::Owned(format!("{} (set at deployment)", g.text)));
        }
    }
    if !rest.is_empty() {
        // Not judged: a policy-shaped record of the request names what was not known (PIM017),
        // with the role when the file names it.
        let role = r
            .properties
            .as_ref()
            .and_then(|p| p.get("roleDefinitionId"))
            .and_then(E::as_str)
            .map(|id| RoleRef {
                id: Some(id.to_owned()),
                ..RoleRef::default()
            });
        let at = Ptr::new(r.ptr.clone(), r.span.clone());
        doc.policies.push(Policy {
            file,
            pointer: at.clone(),
            dialect,
            kind: PolicyKind::AzureResource,
            id: None,
            display_name: r.symbol.clone(),
            scope: None,
            role,
            rules_pointer: at,
            rules_expanded: true,
            partial: true,
            last_modified: None,
            rules: Vec::new(),
            problems: Vec::new(),
            assignments: None,
            holders: None,
            unknown: rest
                .into_iter()
                .map(|g| Loc::new(g.text, Ptr::new(g.path, g.span)))
                .collect(),
        });
        return;
    }
    // The deployment's scope, which the file does not name: said in words, never a guess.
    let scope = match &r.scope {
        Scope::Known(s) => Some(Cow::Owned(s.clone())),
        Scope::Unknown => Some(Cow::Borrowed(SCOPE_AT_DEPLOYMENT)),
        Scope::Unstated => None,
    };
    if let Some(Value::Object(members)) =
        node_member_mut(&mut node, "properties").map(|p| &mut p.value)
    {
        if let Some(s) = scope {
            members.retain(|m| !m.key.eq_ignore_ascii_case("scope"));
            members.push(Member {
                key: Cow::Borrowed("scope"),
                key_span: r.span.clone(),
                value: Node {
                    span: r.span.clone(),
                    value: Value::String(s),
                },
            });
        } else if !members.iter().any(|m| m.key.eq_ignore_ascii_case("scope")) {
            members.push(Member {
                key: Cow::Borrowed("scope"),
                key_span: r.span.clone(),
                value: Node {
                    span: r.span.clone(),
                    value: Value::String(Cow::Borrowed(DEPLOYMENT_SCOPE)),
                },
            });
        }
    }
    let field = Field::root(&node, r.ptr.clone());
    super::directory::DirectoryRecords.read(file, &field, doc);
}

/// `path` is `base` or inside it.
fn under_path(path: &str, base: &str) -> bool {
    path == base || path.strip_prefix(base).is_some_and(|r| r.starts_with('/'))
}

fn node_member_mut<'n>(node: &'n mut Node<'static>, key: &str) -> Option<&'n mut Node<'static>> {
    match &mut node.value {
        Value::Object(members) => members
            .iter_mut()
            .rev()
            .find(|m| m.key.eq_ignore_ascii_case(key))
            .map(|m| &mut m.value),
        _ => None,
    }
}

/// ARM deployment templates, offered before the REST readers: a template's resources hold
/// expressions that only this reader evaluates.
pub struct Templates;

impl Reader for Templates {
    fn dialects(&self) -> &'static [DialectInfo] {
        &[
            DialectInfo {
                dialect: ARM_TEMPLATE,
                describe: "ARM deployment template",
            },
            DialectInfo {
                dialect: BICEP,
                describe: "Bicep file",
            },
        ]
    }

    fn read(&self, file: usize, f: &Field<'_>, doc: &mut Document) -> bool {
        arm::read(file, f, doc)
    }
}

/// Takes one step of an evaluation budget (shared by every evaluator of one file, so a
/// template that multiplies its own work stops): false once it is spent.
fn spend(budget: &std::cell::Cell<usize>) -> bool {
    let left = budget.get();
    if left == 0 {
        return false;
    }
    budget.set(left - 1);
    true
}
