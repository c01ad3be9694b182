//! What can be known of an HCL expression without running Terraform: literals, `var.x` with a
//! default, `local.x`, string templates of those, a conditional on a known condition, and the
//! roles data sources name. Everything else is [`Val::Unknown`].

use crate::model::directory::PrincipalKind;
use hcl_edit::Span;
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::Element;
use std::collections::HashMap;

/// How deep references are followed (`local.a` → `var.b` → …): cycles stop here.
const MAX_DEPTH: u8 = 16;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    List(Vec<Val>),
    /// A role, as a data source or `azuread_directory_role` names it.
    Role {
        id: Option<String>,
        name: Option<String>,
    },
    /// Known only after apply.
    Unknown,
}

impl Val {
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "a boolean",
            Val::Num(_) => "a number",
            Val::Str(_) => "a string",
            Val::List(_) => "a list",
            Val::Role { .. } => "a role",
            Val::Unknown => "a value known only after apply",
        }
    }
}

/// The module's `variable` defaults, `locals` and role data sources.
pub(crate) struct Module<'a> {
    text: &'a str,
    vars: HashMap<&'a str, &'a Expression>,
    locals: HashMap<&'a str, &'a Expression>,
    /// `(data|resource, type, name)` → the block.
    blocks: HashMap<(bool, &'a str, &'a str), &'a Block>,
}

impl<'a> Module<'a> {
    pub(crate) fn new(body: &'a Body, text: &'a str) -> Module<'a> {
        let mut m = Module {
            text,
            vars: HashMap::new(),
            locals: HashMap::new(),
            blocks: HashMap::new(),
        };
        for b in body.blocks() {
            match (b.ident.as_str(), b.labels.first(), b.labels.get(1)) {
                ("variable", Some(name), _) => {
                    if let Some(d) = b.body.get_attribute("default") {
                        m.vars.insert(name.as_str(), &d.value);
                    }
                }
                ("locals", _, _) => {
                    for a in b.body.attributes() {
                        m.locals.insert(a.key.as_str(), &a.value);
                    }
                }
                ("data", Some(t), Some(n)) => {
                    m.blocks.insert((true, t.as_str(), n.as_str()), b);
                }
                ("resource", Some(t), Some(n)) => {
                    m.blocks.insert((false, t.as_str(), n.as_str()), b);
                }
                _ => {}
            }
        }
        m
    }

    /// The expression as written (one line, bounded), for PIM017's message.
    pub(crate) fn text_of(&self, e: &Expression) -> String {
        let span = e.span().unwrap_or(0..0);
        let raw = self.text.get(span).unwrap_or_default();
        let one: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if one.chars().count() > 80 {
            let cut: String = one.chars().take(77).collect();
            format!("{cut}...")
        } else {
            one
        }
    }

    pub(crate) fn eval(&self, e: &Expression) -> Val {
        self.eval_at(e, 0)
    }

    fn eval_at(&self, e: &Expression, depth: u8) -> Val {
        if depth > MAX_DEPTH {
            return Val::Unknown;
        }
        match e {
            Expression::Null(_) => Val::Null,
            Expression::Bool(b) => Val::Bool(*b.value()),
            Expression::Number(n) => Val::Num(n.value().to_string()),
            Expression::String(s) => Val::Str(s.value().clone()),
            Expression::Array(a) => {
                let items: Vec<Val> = a.iter().map(|i| self.eval_at(i, depth + 1)).collect();
                if items.iter().any(|i| matches!(i, Val::Unknown)) {
                    Val::Unknown
                } else {
                    Val::List(items)
                }
            }
            Expression::StringTemplate(t) => self.template(t.iter(), depth),
            Expression::HeredocTemplate(h) => self.template(h.template.iter(), depth),
            Expression::Parenthesis(p) => self.eval_at(p.inner(), depth + 1),
            Expression::Conditional(c) => match self.eval_at(&c.cond_expr, depth + 1) {
                Val::Bool(true) => self.eval_at(&c.true_expr, depth + 1),
                Val::Bool(false) => self.eval_at(&c.false_expr, depth + 1),
                _ => Val::Unknown,
            },
            Expression::Traversal(t) => self.traversal(&t.expr, &t.operators, depth),
            _ => Val::Unknown,
        }
    }

    /// A string template: known when every part is; a role id built as
    /// `"${scope}${data.azurerm_role_definition.x.id}"` (the providers' own example) is the role.
    fn template<'e>(&self, parts: impl Iterator<Item = &'e Element>, depth: u8) -> Val {
        let mut out = String::new();
        let mut unknown = false;
        let mut role = None;
        for part in parts {
            match part {
                Element::Literal(l) => out.push_str(l.value()),
                Element::Interpolation(i) => match self.eval_at(&i.expr, depth + 1) {
                    Val::Str(s) | Val::Num(s) => out.push_str(&s),
                    Val::Bool(b) => out.push_str(if b { "true" } else { "false" }),
                    r @ Val::Role { .. } => role = Some(r),
                    _ => unknown = true,
                },
                Element::Directive(_) => unknown = true,
            }
        }
        match role {
            Some(r) => r,
            None if unknown => Val::Unknown,
            None => Val::Str(out),
        }
    }

    fn traversal(
        &self,
        root: &Expression,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        depth: u8,
    ) -> Val {
        let Expression::Variable(v) = root else {
            return Val::Unknown;
        };
        let names: Vec<&str> = ops
            .iter()
            .map_while(|o| match o.value() {
                TraversalOperator::GetAttr(a) => Some(a.as_str()),
                _ => None,
            })
            .collect();
        let whole = names.len() == ops.len();
        match (v.as_str(), names.as_slice()) {
            ("var", [name]) if whole => self
                .vars
                .get(name)
                .map_or(Val::Unknown, |e| self.eval_at(e, depth + 1)),
            ("local", [name]) if whole => self
                .locals
                .get(name)
                .map_or(Val::Unknown, |e| self.eval_at(e, depth + 1)),
            ("data", [rtype, name, attr]) if whole => self.role_of(true, rtype, name, attr, depth),
            (rtype, [name, attr]) if whole => self.role_of(false, rtype, name, attr, depth),
            _ => Val::Unknown,
        }
    }

    /// A role a data source or `azuread_directory_role` resource names with literals.
    fn role_of(&self, data: bool, rtype: &str, name: &str, attr: &str, depth: u8) -> Val {
        let Some(b) = self.blocks.get(&(data, rtype, name)) else {
            return Val::Unknown;
        };
        let lit = |key: &str| match b
            .body
            .get_attribute(key)
            .map(|a| self.eval_at(&a.value, depth + 1))
        {
            Some(Val::Str(s)) if !s.is_empty() => Some(s),
            _ => None,
        };
        match (data, rtype) {
            (true, "azurerm_role_definition") => {
                let id = lit("role_definition_id");
                let name = lit("name");
                match attr {
                    "name" => name.map_or(Val::Unknown, Val::Str),
                    "id" | "role_definition_id" if id.is_some() || name.is_some() => {
                        Val::Role { id, name }
                    }
                    _ => Val::Unknown,
                }
            }
            (_, "azuread_directory_role") => {
                let id = lit("template_id");
                let name = lit("display_name");
                match attr {
                    "display_name" => name.map_or(Val::Unknown, Val::Str),
                    "template_id" if id.is_some() || name.is_some() => Val::Role { id, name },
                    _ => Val::Unknown,
                }
            }
            _ => Val::Unknown,
        }
    }
}

/// What kind of principal a reference names (`azuread_service_principal.app.object_id`).
pub(crate) fn principal_kind(e: &Expression) -> Option<PrincipalKind> {
    let Expression::Traversal(t) = e else {
        return None;
    };
    let Expression::Variable(v) = &t.expr else {
        return None;
    };
    let rtype = match (v.as_str(), t.operators.first().map(|o| o.value())) {
        ("data", Some(TraversalOperator::GetAttr(a))) => a.as_str(),
        (other, _) => other,
    };
    match rtype {
        "azuread_service_principal" | "azurerm_user_assigned_identity" => {
            Some(PrincipalKind::ServicePrincipal)
        }
        "azuread_user" => Some(PrincipalKind::User),
        "azuread_group" => Some(PrincipalKind::Group),
        _ => None,
    }
}
