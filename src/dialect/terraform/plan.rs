//! `terraform show -json` output: a saved plan (`terraform plan -out tfplan; terraform show
//! -json tfplan`) or a state (`terraform show -json`). Shapes from Terraform's "JSON Output
//! Format" documentation:
//!
//! - a plan's `resource_changes[]` holds every managed resource with its `address`, `type`,
//!   `module_address` and `change` (`actions`, `after`, `after_unknown`); nested blocks are
//!   arrays of objects; a value known only after apply is `null` or left out of `after` and
//!   `true` at the same place in `after_unknown`;
//! - `configuration.root_module` (`resources[].expressions`, `module_calls.*.module`) says
//!   which arguments the configuration sets, with the `references` an unknown one comes from;
//! - a state (or a plan without `resource_changes`) has `values.root_module` /
//!   `planned_values.root_module` with `resources[].values` and `child_modules[]`.
//!
//! A plan knows more than the `.tf`: `for_each`/`count` are expanded, modules are read,
//! variables have their values, data sources were read, and an update keeps the tenant's
//! current value of every argument the configuration leaves out. Each resource becomes the same
//! policy as the `.tf` block would (the mapping reads one [`Body`] shape); an argument known only
//! after apply that the configuration sets is PIM017, one the configuration leaves out is
//! absent (the provider keeps the tenant's value), as in a `.tf`.

use super::eval::{Val, principal_kind};
use super::tree::{Attr, Block, Body};
use super::{Document, Resource, TERRAFORM_PLAN, is_pim_resource};
use crate::dialect::read::{Field, child, index};
use crate::model::{Problem, ProblemKind, Ptr};
use crate::source::{Node, Value};
use std::collections::HashMap;
use std::ops::Range;

/// How deep modules and nested blocks are followed.
const MAX_DEPTH: usize = 32;

/// Whether the document root is `terraform show -json` output.
pub fn is_show_json(root: &Node) -> bool {
    root.get("format_version").and_then(Node::as_str).is_some()
        && (root.get("resource_changes").is_some()
            || root.get("planned_values").is_some()
            || root
                .get("values")
                .and_then(|v| v.get("root_module"))
                .is_some()
            || root.get("terraform_version").is_some())
}

/// Reads `f` when it is the root of `terraform show -json` output.
pub(super) fn read(file: usize, f: &Field<'_>, doc: &mut Document) -> bool {
    if !f.ptr.is_empty() || !is_show_json(f.node) {
        return false;
    }
    let root = f.node;
    if let Some(v) = root.member("format_version") {
        let major = v.value.as_str().unwrap_or_default().split('.').next();
        // 0.x is what Terraform 0.12–0.15 wrote, the same shape; 1.x since.
        if !matches!(major, Some("0" | "1")) {
            doc.known_format = true;
            doc.link_problems.push(Problem::of(
                ProblemKind::UnsupportedVersion,
                Ptr::new("/format_version", v.value.span.clone()),
                format!(
                    "`format_version` {} of `terraform show -json` is not one pim-lint reads \
                     (1.x): nothing in this file was linted",
                    v.value.as_str().unwrap_or_default()
                ),
            ));
            return true;
        }
    }
    // A plan that stopped early or deferred changes lists only some resources: what is there is
    // linted, and the file cannot pass.
    for (key, whole) in [("errored", false), ("complete", true)] {
        if let Some(m) = root.member(key)
            && m.value.as_bool() == Some(!whole)
        {
            let why = if whole {
                "`complete` is false: Terraform deferred some changes"
            } else {
                "`errored` is true: Terraform stopped with an error"
            };
            doc.link_problems.push(Problem::of(
                ProblemKind::IncompletePlan,
                Ptr::new(child("", key), m.value.span.clone()),
                format!(
                    "The plan is not whole ({why}): resources it does not list were not linted"
                ),
            ));
        }
    }
    let config = Configuration::new(root);
    let mut found = Vec::new();
    match root.get("resource_changes").and_then(Node::as_array) {
        Some(changes) => {
            for (i, rc) in changes.iter().enumerate() {
                if let Some(r) = from_change(rc, &index("/resource_changes", i), &config) {
                    found.push(r);
                }
            }
        }
        None => {
            let (key, module) = match root.get("planned_values") {
                Some(pv) => ("/planned_values/root_module", pv.get("root_module")),
                None => (
                    "/values/root_module",
                    root.get("values").and_then(|v| v.get("root_module")),
                ),
            };
            if let Some(m) = module {
                from_modules(m, key, &mut found);
            }
        }
    }
    for r in found {
        let res = Resource {
            file,
            dialect: TERRAFORM_PLAN,
            rtype: &r.rtype,
            address: r.address.clone(),
            body: &r.body,
            head: r.head.clone(),
        };
        if let Some(p) = res.read() {
            doc.policies.push(p);
        }
    }
    super::flag_repeated_addresses(
        &mut doc.policies,
        "listed twice in this output: Terraform never writes that, so the file was edited",
    );
    // Output without PIM resources is read, and is nothing to lint (PIM002 when named).
    true
}

/// A PIM resource found in the output, lowered.
struct Found {
    rtype: String,
    address: String,
    head: Ptr,
    body: Body,
}

/// A managed PIM resource of `resource_changes` that exists after the change.
fn from_change(rc: &Node, path: &str, config: &Configuration) -> Option<Found> {
    let rtype = rc.get("type")?.as_str()?;
    if !is_pim_resource(rtype) || rc.get("mode").and_then(Node::as_str) == Some("data") {
        return None;
    }
    lower_change(rc, rtype, path, config)
}

/// A resource change's `after`, lowered (any resource type).
fn lower_change(rc: &Node, rtype: &str, path: &str, config: &Configuration) -> Option<Found> {
    let change = rc.get("change")?;
    let after = change.get("after").filter(|a| a.as_object().is_some())?;
    let address = rc.get("address").and_then(Node::as_str)?;
    let head_span = rc
        .get("address")
        .map_or(rc.span.clone(), |a| a.span.clone());
    let exprs = match (
        rc.get("module_address").and_then(Node::as_str),
        rc.get("name").and_then(Node::as_str),
    ) {
        (module, Some(name)) => config.expressions(module.unwrap_or_default(), rtype, name),
        (_, None) => Expr::Unknown,
    };
    let apath = child(&child(path, "change"), "after");
    let lower = Lower {
        address,
        fallback: head_span.clone(),
    };
    let body = lower.body(after, change.get("after_unknown"), exprs, apath, "", 0);
    Some(Found {
        rtype: rtype.to_owned(),
        address: address.to_owned(),
        head: Ptr::new(child(path, "address"), head_span),
        body,
    })
}

/// The PIM resources of a module of `planned_values`/`values` and its child modules.
fn from_modules(root: &Node, root_path: &str, found: &mut Vec<Found>) {
    let mut stack = vec![(root, root_path.to_owned(), 0usize)];
    while let Some((m, path, depth)) = stack.pop() {
        if let Some(rs) = m.get("resources").and_then(Node::as_array) {
            for (i, r) in rs.iter().enumerate() {
                let rpath = index(&child(&path, "resources"), i);
                let (Some(rtype), Some(address), Some(values)) = (
                    r.get("type").and_then(Node::as_str),
                    r.get("address").and_then(Node::as_str),
                    r.get("values").filter(|v| v.as_object().is_some()),
                ) else {
                    continue;
                };
                if !is_pim_resource(rtype) || r.get("mode").and_then(Node::as_str) == Some("data") {
                    continue;
                }
                let head_span = r.get("address").map_or(r.span.clone(), |a| a.span.clone());
                let lower = Lower {
                    address,
                    fallback: head_span.clone(),
                };
                found.push(Found {
                    rtype: rtype.to_owned(),
                    address: address.to_owned(),
                    head: Ptr::new(child(&rpath, "address"), head_span),
                    body: lower.body(values, None, Expr::Unknown, child(&rpath, "values"), "", 0),
                });
            }
        }
        if depth < MAX_DEPTH
            && let Some(children) = m.get("child_modules").and_then(Node::as_array)
        {
            for (i, c) in children.iter().enumerate().rev() {
                stack.push((c, index(&child(&path, "child_modules"), i), depth + 1));
            }
        }
    }
    // Children were visited after their parents; report in the file's order.
    found.sort_by_key(|f| f.head.span.start);
}

/// What the configuration says of an argument.
#[derive(Clone, Copy)]
enum Expr<'a> {
    /// No configuration to ask (a state, or a resource it does not list): an unknown value is
    /// taken as set by the configuration.
    Unknown,
    /// The configuration's expressions for this argument or block.
    Set(&'a Node<'a>),
    /// The configuration does not set it: an unknown value is the provider's to compute (it
    /// keeps the tenant's), not a setting left to deployment.
    Absent,
}

impl<'a> Expr<'a> {
    fn get(self, key: &str) -> Expr<'a> {
        match self {
            Expr::Set(n) => n.get(key).map_or(Expr::Absent, Expr::Set),
            other => other,
        }
    }

    fn item(self, i: usize) -> Expr<'a> {
        match self {
            // List blocks are arrays of objects; a single block may be written as the object.
            Expr::Set(n) => match n.as_array() {
                Some(a) => a.get(i).map_or(Expr::Absent, Expr::Set),
                None if i == 0 && n.as_object().is_some() => Expr::Set(n),
                None => Expr::Absent,
            },
            other => other,
        }
    }

    fn configured(self) -> bool {
        !matches!(self, Expr::Absent)
    }

    /// Whether the configuration writes it as blocks (an array of objects).
    fn is_block(self) -> bool {
        match self {
            Expr::Set(n) => n
                .as_array()
                .is_some_and(|a| !a.is_empty() && a.iter().all(|i| i.as_object().is_some())),
            _ => false,
        }
    }

    /// What the argument refers to (`var.approver`), as the configuration records it.
    fn reference(self) -> Option<&'a str> {
        match self {
            Expr::Set(n) => n
                .get("references")
                .and_then(Node::as_array)
                .and_then(|r| r.first())
                .and_then(Node::as_str),
            _ => None,
        }
    }
}

/// `configuration.root_module`'s resources, by module path (names, without instance keys),
/// type and name.
struct Configuration<'a> {
    /// A resource's `expressions` (`None`: it sets no argument, and Terraform writes none).
    resources: HashMap<(String, &'a str, &'a str), Option<&'a Node<'a>>>,
    present: bool,
}

impl<'a> Configuration<'a> {
    fn new(root: &'a Node<'a>) -> Configuration<'a> {
        let mut resources = HashMap::new();
        let module = root.get("configuration").and_then(|c| c.get("root_module"));
        let present = module.is_some();
        let mut stack: Vec<(&Node, String, usize)> = module
            .map(|m| vec![(m, String::new(), 0)])
            .unwrap_or_default();
        while let Some((m, path, depth)) = stack.pop() {
            for r in m
                .get("resources")
                .and_then(Node::as_array)
                .unwrap_or_default()
            {
                if let (Some(t), Some(n)) = (
                    r.get("type").and_then(Node::as_str),
                    r.get("name").and_then(Node::as_str),
                ) && r.get("mode").and_then(Node::as_str) != Some("data")
                {
                    resources.insert((path.clone(), t, n), r.get("expressions"));
                }
            }
            if depth >= MAX_DEPTH {
                continue;
            }
            for call in m
                .get("module_calls")
                .and_then(Node::as_object)
                .unwrap_or_default()
            {
                if let Some(inner) = call.value.get("module") {
                    let p = if path.is_empty() {
                        call.key.to_string()
                    } else {
                        format!("{path}.{}", call.key)
                    };
                    stack.push((inner, p, depth + 1));
                }
            }
        }
        Configuration { resources, present }
    }

    fn expressions(&self, module_address: &str, rtype: &str, name: &str) -> Expr<'a> {
        if !self.present {
            return Expr::Unknown;
        }
        let path = module_path(module_address);
        match self.resources.get(&(path, rtype, name)) {
            Some(Some(e)) => Expr::Set(e),
            // Listed without expressions: the configuration sets nothing.
            Some(None) => Expr::Absent,
            None => Expr::Unknown,
        }
    }
}

/// `module.pim["a"].module.inner[0]` → `pim.inner`: the module names, without instance keys.
fn module_path(address: &str) -> String {
    let mut plain = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in address.chars() {
        if depth > 0 {
            match c {
                _ if escaped => escaped = false,
                '\\' if quoted => escaped = true,
                '"' => quoted = !quoted,
                '[' if !quoted => depth += 1,
                ']' if !quoted => depth -= 1,
                _ => {}
            }
            continue;
        }
        if c == '[' {
            depth = 1;
        } else {
            plain.push(c);
        }
    }
    let parts: Vec<&str> = plain.split('.').collect();
    parts
        .chunks(2)
        .filter_map(|c| match c {
            ["module", name] => Some(*name),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Lowers a resource's values to a [`Body`].
struct Lower<'a> {
    address: &'a str,
    /// Where an unknown argument that `after` leaves out is reported: the resource's address.
    fallback: Range<usize>,
}

impl Lower<'_> {
    fn unknown_text(&self, expr: Expr<'_>, rel: &str) -> String {
        match expr.reference() {
            Some(r) => r.to_owned(),
            None => format!("{}.{rel} (known after apply)", self.address),
        }
    }

    fn body(
        &self,
        values: &Node,
        unknown: Option<&Node>,
        expr: Expr<'_>,
        path: String,
        rel: &str,
        depth: usize,
    ) -> Body {
        let mut body = Body {
            path,
            ..Body::default()
        };
        let members = values.as_object().unwrap_or_default();
        for m in members {
            let key = m.key.as_ref();
            let rel_key = if rel.is_empty() {
                key.to_owned()
            } else {
                format!("{rel}.{key}")
            };
            let u = unknown.and_then(|u| u.get(key));
            let e = expr.get(key);
            match &m.value.value {
                Value::Array(items)
                    if !items.is_empty() && items.iter().all(|i| i.as_object().is_some()) =>
                {
                    if depth >= MAX_DEPTH {
                        continue;
                    }
                    for (i, item) in items.iter().enumerate() {
                        let ui = u.and_then(|u| u.as_array()).and_then(|a| a.get(i));
                        // A block the configuration does not write is read all the same (an
                        // update shows the tenant's values); only its unknowns are skipped.
                        let ei = e.item(i);
                        body.blocks.push(Block {
                            ident: key.to_owned(),
                            span: if i == 0 {
                                m.key_span.clone()
                            } else {
                                item.span.start..item.span.start + 1
                            },
                            body: self.body(
                                item,
                                ui,
                                ei,
                                index(&child(&body.path, key), i),
                                &rel_key,
                                depth + 1,
                            ),
                        });
                    }
                }
                Value::Object(_) => {}
                // The providers write "" for an optional string not set: no value.
                Value::String(v) if v.is_empty() => {}
                Value::Null => {
                    if u.and_then(Node::as_bool) == Some(true) && e.configured() {
                        body.attrs
                            .push(self.unknown(key, m.key_span.clone(), e, &rel_key));
                    }
                }
                v => {
                    let any_unknown = u.is_some_and(|u| {
                        u.as_bool() == Some(true)
                            || u.as_array()
                                .is_some_and(|a| a.iter().any(|x| x.as_bool() == Some(true)))
                    });
                    if any_unknown {
                        if e.configured() {
                            body.attrs
                                .push(self.unknown(key, m.value.span.clone(), e, &rel_key));
                        }
                        continue;
                    }
                    body.attrs.push(Attr {
                        key: key.to_owned(),
                        val: value(v),
                        span: m.value.span.clone(),
                        text: rel_key,
                        items: match v {
                            Value::Array(a) => a.iter().map(|n| n.span.clone()).collect(),
                            _ => Vec::new(),
                        },
                        kind: None,
                    });
                }
            }
        }
        // Unknown values `after` leaves out altogether.
        for m in unknown.and_then(Node::as_object).unwrap_or_default() {
            let key = m.key.as_ref();
            if values.get(key).is_some() || m.value.as_bool() != Some(true) {
                continue;
            }
            let rel_key = if rel.is_empty() {
                key.to_owned()
            } else {
                format!("{rel}.{key}")
            };
            let e = expr.get(key);
            if !e.configured() {
                continue;
            }
            if e.is_block() {
                body.opaque
                    .push((self.unknown_text(e, &rel_key), self.fallback.clone()));
            } else {
                body.attrs
                    .push(self.unknown(key, self.fallback.clone(), e, &rel_key));
            }
        }
        body
    }

    fn unknown(&self, key: &str, span: Range<usize>, e: Expr<'_>, rel: &str) -> Attr {
        let text = self.unknown_text(e, rel);
        let kind = e
            .reference()
            .and_then(|r| hcl_edit::parser::parse_expr(r).ok())
            .and_then(|x| principal_kind(&x));
        Attr {
            key: key.to_owned(),
            val: Val::Unknown,
            span,
            text,
            items: Vec::new(),
            kind,
        }
    }
}

/// A known JSON value as an argument's value.
fn value(v: &Value) -> Val {
    match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(n) => Val::Num(n.to_string()),
        Value::String(s) => Val::Str(s.to_string()),
        Value::Array(items) => Val::List(items.iter().map(|i| value(&i.value)).collect()),
        Value::Object(_) => Val::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::{Configuration, lower_change, module_path};
    use crate::dialect::terraform::eval::Val;
    use crate::dialect::terraform::tree::Body;

    /// A plan written by Terraform 1.11.4 with the AWS provider 5.100.0 (the only provider at
    /// hand where it was made): nested blocks, a value known only after apply inside one, a
    /// computed argument the configuration does not set, and the provider's "" for no value.
    #[test]
    fn terraform_own_plan_lowers_as_the_mapping_expects() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/terraform/plan/terraform_1.11.4_aws_nested_blocks.plan.json"
        ))
        .unwrap();
        let root = crate::source::json::parse(&text).unwrap();
        let config = Configuration::new(&root);
        let changes = root.get("resource_changes").unwrap().as_array().unwrap();
        let (i, rc) = changes
            .iter()
            .enumerate()
            .find(|(_, rc)| {
                rc.get("type").and_then(|t| t.as_str())
                    == Some("aws_s3_bucket_lifecycle_configuration")
            })
            .unwrap();
        let found = lower_change(
            rc,
            "aws_s3_bucket_lifecycle_configuration",
            &format!("/resource_changes/{i}"),
            &config,
        )
        .unwrap();
        let b = &found.body;
        // `bucket` is set from another resource's id: unknown, named by its reference.
        let bucket = b.attr("bucket").unwrap();
        assert_eq!(bucket.val, Val::Unknown);
        assert_eq!(bucket.text, "aws_s3_bucket.b.id");
        // `expected_bucket_owner` is computed and not set: absent, not unknown.
        assert!(b.attr("expected_bucket_owner").is_none());
        let rules: Vec<&Body> = b
            .blocks
            .iter()
            .filter(|x| x.ident == "rule")
            .map(|x| &x.body)
            .collect();
        assert_eq!(rules.len(), 2);
        let days = rules[0]
            .block("expiration")
            .unwrap()
            .body
            .attr("days")
            .unwrap();
        assert_eq!(days.val, Val::Num("30".into()), "var.days, known at plan");
        let prefix = rules[0]
            .block("filter")
            .unwrap()
            .body
            .attr("prefix")
            .unwrap();
        assert_eq!(
            prefix.val,
            Val::Unknown,
            "left out of `after`, true in `after_unknown`"
        );
        assert_eq!(prefix.text, "aws_s3_bucket.b.arn");
        assert!(
            rules[1].attr("prefix").is_none(),
            "the provider's \"\" is no value"
        );
        assert_eq!(
            rules[1].attr_path("id"),
            format!("/resource_changes/{i}/change/after/rule/1/id")
        );
    }

    #[test]
    fn module_paths_drop_instance_keys() {
        assert_eq!(module_path(""), "");
        assert_eq!(module_path("module.pim"), "pim");
        assert_eq!(
            module_path(r#"module.pim["a.b]"].module.inner[0]"#),
            "pim.inner"
        );
        assert_eq!(module_path(r#"module.x["q\"]"]"#), "x");
    }
}
