//! Dialect detection and normalisation: a parsed tree → [`Document`] of model policies.
//!
//! One normaliser serves every policy dialect: Graph, ARM and the PowerShell SDK differ in key
//! case, the rule discriminator (`@odata.type`/`ruleType`), where rule data sits
//! (`AdditionalProperties`) and approver shapes — all handled by [`read`]. Each shape of document
//! is a [`Reader`] in its own module, listed once in [`READERS`]; the walker below only finds
//! the objects to offer them.

mod assignment;
mod authored;
pub mod desired;
mod directory;
pub mod easypim;
pub mod m365dsc;
mod own;
mod policy;
mod read;
mod rule;
mod scuba;
pub(crate) mod template;
pub mod terraform;

pub use assignment::{ARM_ASSIGNMENT, GRAPH_ASSIGNMENT};
pub use desired::DESIRED_STATE;
pub use own::own_file;
pub use policy::{ARM, GRAPH, POWERSHELL};
pub use scuba::SCUBAGEAR;
pub use template::{ARM_TEMPLATE, BICEP, read_bicep};

use crate::model::{Dialect, Policy, PolicyKind, Problem};
use crate::source::Node;
use read::{Field, child};

/// A dialect's name (as pack selectors and the policy view write it) and what it is.
#[derive(Debug, Clone, Copy)]
pub struct DialectInfo {
    pub dialect: Dialect,
    pub describe: &'static str,
}

/// One shape of document: recognises an object and reads it into the [`Document`].
pub(crate) trait Reader: Sync {
    /// The dialects this reader's policies carry.
    fn dialects(&self) -> &'static [DialectInfo] {
        &[]
    }

    /// Reads `f` when it is this reader's shape; false when it is not.
    fn read(&self, file: usize, f: &Field<'_>, doc: &mut Document) -> bool;
}

/// Every reader, in the order they are offered an object: the first that recognises it reads
/// it. A new dialect is a module with a [`Reader`] and one line here.
static READERS: &[&dyn Reader] = &[
    // pim-lint's own desired state says what it is (`pim-lint: desired-state/v1`): first.
    &desired::DesiredState,
    &template::Templates,
    &easypim::EasyPim,
    &m365dsc::AadRoleSetting,
    &scuba::ScubaGear,
    &assignment::GraphAssignment,
    &assignment::ArmAssignment,
    &policy::Policies,
    &rule::SingleRule,
    &directory::DirectoryRecords,
    &terraform::TerraformFiles,
];

/// Whether `text` may hold a directory record: false only when none of the keys every record
/// needs occurs in it (keys compared without regard to ASCII case; a text with `\u` escapes,
/// which could spell a key, may always hold one).
pub fn may_hold_directory_records(text: &str) -> bool {
    if memchr::memmem::find(text.as_bytes(), b"\\u").is_some() {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    directory::MARKER_KEYS.iter().any(|k| {
        let quoted = format!("\"{k}\"");
        memchr::memmem::find(lower.as_bytes(), quoted.as_bytes()).is_some()
    })
}

/// Every dialect a policy can carry.
pub fn dialects() -> impl Iterator<Item = &'static DialectInfo> {
    READERS.iter().flat_map(|r| r.dialects().iter())
}

/// Whether `name` is a dialect (pack selectors).
pub fn is_known(name: &str) -> bool {
    dialects().any(|d| d.dialect.name() == name)
}

/// What a dialect is, in words.
pub fn describe(d: Dialect) -> &'static str {
    dialects()
        .find(|i| i.dialect == d)
        .map_or("role management policy", |i| i.describe)
}

/// The dialect names pack selectors (`dialects:`) and reports use, e.g. `graph`, `arm`.
pub fn names() -> impl Iterator<Item = &'static str> {
    dialects().map(|d| d.dialect.name())
}

/// A policy assignment that only links a policy to its role (no expanded policy). Used to join
/// a bare policy list with an assignment list exported beside it.
#[derive(Debug, Clone)]
pub struct Link {
    /// The policy's id (one allocation; role, name and scope repeat and are shared).
    pub policy_id: Box<str>,
    pub role_id: std::sync::Arc<str>,
    pub role_name: Option<std::sync::Arc<str>>,
    pub scope: Option<std::sync::Arc<str>>,
    pub kind: PolicyKind,
    /// The file and the `roleDefinitionId` the link was read from (where a finding about a
    /// policy assigned to two roles points).
    pub file: usize,
    /// The pointer (shared: it repeats from file to file) and the byte range of that place.
    pub at_path: std::sync::Arc<str>,
    pub at_span: std::ops::Range<u32>,
    /// Its line and column, filled in while the file's text is at hand (the text of an
    /// assignment list is not kept until the run's end).
    pub position: Option<crate::source::Position>,
    /// The assignment carries its policy (`$expand=policy`, ARM `effectiveRules`), which is
    /// read and checked with it; a bare link only names the policy.
    pub expanded: bool,
}

#[derive(Debug, Default)]
pub struct Document {
    pub policies: Vec<Policy>,
    pub links: Vec<Link>,
    /// Directory context records (users, groups, schedules, role definitions).
    pub directory: crate::model::directory::Directory,
    /// Known fields of directory records with the wrong type (policies keep their own). The
    /// context pass reports them.
    pub problems: Vec<Problem>,
    /// Problems of policy assignments that carry no policy to keep them (a `policy` that is a
    /// string): the lint pass reports them.
    pub link_problems: Vec<Problem>,
    /// A ScubaGear export's `service_plans` without Microsoft Entra ID P2: the list's place
    /// (PIM016, once for the file).
    pub no_p2: Option<crate::model::Ptr>,
    /// The document is of a format pim-lint reads, with nothing in it to lint (an EasyPIM
    /// config that only assigns roles): recognised, not reported as unknown.
    pub known_format: bool,
}

impl Document {
    /// The document holds something pim-lint understands.
    pub fn recognised(&self) -> bool {
        !self.policies.is_empty()
            || !self.links.is_empty()
            || !self.directory.is_empty()
            || self.directory.has_requests()
            || self.known_format
    }
}

/// How deep the walker looks for policies inside wrappers (`value`, `responses.200.body`,
/// `privileged_roles`, …).
const MAX_WALK_DEPTH: usize = 5;

/// Normalises one item of a streamed list (`/value/3`, or `/3` for a root array): what the
/// walker would do when it reaches that item at that depth.
pub fn normalise_item(file: usize, item: &Node, pointer: &str) -> Document {
    let mut doc = Document::default();
    let depth = pointer.matches('/').count();
    walk(file, Field::root(item, pointer.to_owned()), depth, &mut doc);
    doc
}

pub fn normalise(file: usize, root: &Node) -> Document {
    let mut doc = Document::default();
    walk(file, Field::root(root, String::new()), 0, &mut doc);
    scuba::tenant(file, root, &mut doc);
    doc
}

fn walk(file: usize, f: Field<'_>, depth: usize, doc: &mut Document) {
    if depth > MAX_WALK_DEPTH {
        return;
    }
    if f.node.as_array().is_some() {
        for item in f.items() {
            walk(file, item, depth + 1, doc);
        }
        return;
    }
    if f.node.as_object().is_none() {
        return;
    }
    let before = doc.policies.len();
    let named = own_role(&f);
    if READERS.iter().any(|r| r.read(file, &f, doc)) {
        if let Some((role, scope)) = named {
            name_roles(doc, before, &role, scope.as_deref());
        }
        return;
    }
    // A wrapper: look inside (Graph `value`, ScubaGear `privileged_roles`, ARM examples'
    // `responses.200.body` and `parameters.parameters`, …).
    if let Some(members) = f.node.as_object() {
        for m in members {
            if matches!(
                m.value.value,
                crate::source::Value::Object(_) | crate::source::Value::Array(_)
            ) {
                walk(
                    file,
                    Field {
                        node: &m.value,
                        ptr: child(&f.ptr, &m.key),
                        span: read::report_span(&m.value, Some(&m.key_span)),
                    },
                    depth + 1,
                    doc,
                );
            }
        }
    }
    if let Some((role, scope)) = named {
        name_roles(doc, before, &role, scope.as_deref());
    }
}

/// The field a change file may carry to say which role it is for:
/// `"x-pim-lint": {"role": "Global Administrator", "scope": "/"}` (role by template id, role
/// definition id, display name, or `member`/`owner`; scope `/` by default).
pub const OWN_ROLE_FIELD: &str = "x-pim-lint";

fn own_role(f: &Field<'_>) -> Option<(String, Option<String>)> {
    let o = read::Obj::new(f.clone()).value(OWN_ROLE_FIELD)?;
    let o = read::Obj::new(o);
    let role = o.str("role").filter(|r| !r.trim().is_empty())?;
    Some((role, o.str("scope")))
}

/// Gives the policies read from an object carrying [`OWN_ROLE_FIELD`] (those from `from` on)
/// that do not say which role they are for the role it names.
fn name_roles(doc: &mut Document, from: usize, role: &str, scope: Option<&str>) {
    for p in doc.policies.iter_mut().skip(from) {
        if p.role.is_none() {
            p.name_role(role, scope);
        }
    }
}
