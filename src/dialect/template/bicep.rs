//! Bicep files, parsed with the tree-sitter Bicep grammar (`tree-sitter-bicep`). Parameter
//! defaults, variables, references between resources of the file (`policy.id`, `policy.name`,
//! `policy.properties.…`), string interpolation and the functions that need no deployment are
//! evaluated; anything else (a parameter without a default, `subscription()`, a loop
//! variable, a module's output) is known only at deployment.

use super::arm::builtin;
use super::{E, M, MAX_DEPTH, Resource, V, emit, resource_id};
use crate::dialect::Document;
use crate::source::SyntaxError;
use crate::source::bicep::parse;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use tree_sitter::Node as TsNode;

/// How many values one file may evaluate in all.
const BUDGET: usize = 1_000_000;
/// The longest text an interpolation may build.
const MAX_LEN: usize = 64 * 1024;

/// Reads a Bicep file's PIM resources.
pub fn read(file: usize, text: &str) -> Result<Document, SyntaxError> {
    let tree = parse(text)?;
    let budget = Cell::new(BUDGET);
    let cx = Cx::new(text, tree.root_node(), &budget);
    let mut out = Vec::new();
    for (symbol, decl) in &cx.resources {
        if decl.existing || !super::is_pim_type(&decl.ty) {
            continue;
        }
        let Some(body) = cx.body(decl) else { continue };
        let e = cx.eval(body, 0);
        let properties = e.get("properties").cloned();
        let name = e
            .get("name")
            .cloned()
            .unwrap_or_else(|| E::new(decl.span.clone(), V::Null));
        out.push(Resource {
            ptr: format!("/{symbol}"),
            span: decl.span.clone(),
            symbol: Some(symbol.clone()),
            ty: decl.ty.clone(),
            name,
            properties,
        });
    }
    let mut doc = Document::default();
    emit(file, &out, super::BICEP, &mut doc);
    Ok(doc)
}

struct Decl<'t> {
    ty: String,
    existing: bool,
    /// `resource x '…' existing`, up to the type: where a finding about the resource points.
    span: Range<usize>,
    /// The object, `if (…) {…}` or `[for …: {…}]`.
    value: TsNode<'t>,
}

struct Cx<'s, 't, 'b> {
    text: &'s str,
    params: HashMap<String, Option<TsNode<'t>>>,
    vars: HashMap<String, TsNode<'t>>,
    resources: Vec<(String, Decl<'t>)>,
    memo: RefCell<HashMap<String, E>>,
    /// Names being evaluated (a variable that refers to itself is unknown).
    active: RefCell<HashSet<String>>,
    budget: &'b Cell<usize>,
}

/// Named children other than comments.
fn named<'t>(n: TsNode<'t>) -> Vec<TsNode<'t>> {
    let mut cursor = n.walk();
    n.named_children(&mut cursor)
        .filter(|c| !c.kind().ends_with("comment"))
        .collect()
}

impl<'s, 't, 'b> Cx<'s, 't, 'b> {
    fn new(text: &'s str, root: TsNode<'t>, budget: &'b Cell<usize>) -> Self {
        let mut cx = Cx {
            text,
            params: HashMap::new(),
            vars: HashMap::new(),
            resources: Vec::new(),
            memo: RefCell::new(HashMap::new()),
            active: RefCell::new(HashSet::new()),
            budget,
        };
        for n in named(root) {
            let kids = named(n);
            match n.kind() {
                "parameter_declaration" => {
                    if let Some(id) = kids.first() {
                        cx.params
                            .insert(cx.src(*id).to_owned(), kids.get(2).copied());
                    }
                }
                "variable_declaration" => {
                    if let (Some(id), Some(v)) = (kids.first(), kids.get(1)) {
                        cx.vars.insert(cx.src(*id).to_owned(), *v);
                    }
                }
                "resource_declaration" => {
                    let (Some(id), Some(ty), Some(value)) =
                        (kids.first(), kids.get(1), kids.last())
                    else {
                        continue;
                    };
                    let mut cursor = n.walk();
                    let existing = n.children(&mut cursor).any(|c| c.kind() == "existing");
                    let ty_text = cx.string(*ty, 0).as_str().map(str::to_owned);
                    cx.resources.push((
                        cx.src(*id).to_owned(),
                        Decl {
                            ty: ty_text.unwrap_or_default(),
                            existing,
                            span: n.start_byte()..ty.end_byte(),
                            value: *value,
                        },
                    ));
                }
                _ => {}
            }
        }
        cx
    }

    fn src(&self, n: TsNode<'_>) -> &'s str {
        self.text.get(n.byte_range()).unwrap_or_default()
    }

    fn unknown(&self, n: TsNode<'_>) -> E {
        E::unknown(n.byte_range(), self.src(n))
    }

    /// The object a resource deploys: `{…}`, `if (cond) {…}` unless `cond` is false, or a
    /// loop's body (evaluated once, its loop variable unknown).
    fn body(&self, decl: &Decl<'t>) -> Option<TsNode<'t>> {
        let mut n = decl.value;
        for _ in 0..4 {
            match n.kind() {
                "object" => return Some(n),
                "if_statement" => {
                    let kids = named(n);
                    let cond = kids.first()?;
                    if matches!(self.eval(*cond, 0).v, V::Bool(false)) {
                        return None;
                    }
                    n = *kids.last()?;
                }
                "for_statement" => n = n.child_by_field_name("body")?,
                _ => return None,
            }
        }
        None
    }

    fn resource(&self, name: &str) -> Option<&Decl<'t>> {
        self.resources
            .iter()
            .find(|(s, _)| s == name)
            .map(|(_, d)| d)
    }

    fn spend(&self) -> bool {
        let left = self.budget.get();
        if left == 0 {
            return false;
        }
        self.budget.set(left - 1);
        true
    }

    fn eval(&self, n: TsNode<'_>, depth: usize) -> E {
        if depth > MAX_DEPTH || !self.spend() {
            return self.unknown(n);
        }
        let span = n.byte_range();
        let kids = || named(n);
        match n.kind() {
            "string" => self.string(n, depth),
            "number" => E::new(span, V::Num(self.src(n).to_owned())),
            "boolean" => E::new(span, V::Bool(self.src(n) == "true")),
            "null" => E::new(span, V::Null),
            "object" => {
                let mut members = Vec::new();
                for p in kids().into_iter().filter(|p| p.kind() == "object_property") {
                    let pk = named(p);
                    let (Some(k), Some(v)) = (pk.first(), pk.get(1)) else {
                        continue;
                    };
                    let key = match k.kind() {
                        "string" => match self.string(*k, depth + 1).v {
                            V::Str(s) => s,
                            _ => return self.unknown(n),
                        },
                        _ => self.src(*k).to_owned(),
                    };
                    members.push(M {
                        key,
                        key_span: k.byte_range(),
                        value: self.eval(*v, depth + 1),
                    });
                }
                E::new(span, V::Obj(members))
            }
            "array" => E::new(
                span,
                V::Arr(
                    kids()
                        .into_iter()
                        .filter(|c| c.kind() != "decorators")
                        .map(|c| self.eval(c, depth + 1))
                        .collect(),
                ),
            ),
            "parenthesized_expression" => match kids().as_slice() {
                [one] => self.eval(*one, depth + 1),
                _ => self.unknown(n),
            },
            "identifier" => self.identifier(n, depth),
            "member_expression" => {
                let (Some(obj), Some(prop)) = (
                    n.child_by_field_name("object"),
                    n.child_by_field_name("property"),
                ) else {
                    return self.unknown(n);
                };
                let prop_name = self.src(prop);
                if obj.kind() == "identifier"
                    && let Some(decl) = self.resource(self.src(obj))
                {
                    return self.resource_member(decl, prop_name, n, depth);
                }
                match self.eval(obj, depth + 1) {
                    e @ E { v: V::Obj(_), .. } => {
                        e.get(prop_name).cloned().unwrap_or_else(|| self.unknown(n))
                    }
                    _ => self.unknown(n),
                }
            }
            "subscript_expression" => {
                let (Some(obj), Some(i)) = (
                    n.child_by_field_name("object"),
                    n.child_by_field_name("index"),
                ) else {
                    return self.unknown(n);
                };
                let o = self.eval(obj, depth + 1);
                let i = self.eval(i, depth + 1);
                let found = match (&o.v, &i.v) {
                    (V::Arr(items), V::Num(k)) => {
                        k.parse::<usize>().ok().and_then(|k| items.get(k))
                    }
                    (V::Obj(_), V::Str(k)) => o.get(k),
                    _ => None,
                };
                found.cloned().unwrap_or_else(|| self.unknown(n))
            }
            "call_expression" => self.call(n, depth),
            "ternary_expression" => {
                let cond = n
                    .child_by_field_name("condition")
                    .map(|c| self.eval(c, depth + 1));
                let pick = match cond.map(|c| c.v) {
                    Some(V::Bool(true)) => n.child_by_field_name("consequence"),
                    Some(V::Bool(false)) => n.child_by_field_name("alternative"),
                    _ => None,
                };
                match pick {
                    Some(p) => self.eval(p, depth + 1),
                    None => self.unknown(n),
                }
            }
            "unary_expression" => {
                let arg = n
                    .child_by_field_name("argument")
                    .map(|a| self.eval(a, depth + 1));
                let op = n.child_by_field_name("operator").map(|o| self.src(o));
                match (op, arg.map(|a| a.v)) {
                    (Some("!"), Some(V::Bool(b))) => E::new(span, V::Bool(!b)),
                    (Some("-"), Some(V::Num(x))) if !x.starts_with('-') => {
                        E::new(span, V::Num(format!("-{x}")))
                    }
                    _ => self.unknown(n),
                }
            }
            "binary_expression" => self.binary(n, depth),
            _ => self.unknown(n),
        }
    }

    fn binary(&self, n: TsNode<'_>, depth: usize) -> E {
        let (Some(l), Some(r), Some(op)) = (
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
            n.child_by_field_name("operator"),
        ) else {
            return self.unknown(n);
        };
        let left = self.eval(l, depth + 1);
        let op = self.src(op);
        if op == "??" {
            return match left.v {
                V::Null => self.eval(r, depth + 1),
                V::Unknown(_) => self.unknown(n),
                _ => left,
            };
        }
        let right = self.eval(r, depth + 1);
        let v = match (op, &left.v, &right.v) {
            ("&&", V::Bool(a), V::Bool(b)) => V::Bool(*a && *b),
            ("||", V::Bool(a), V::Bool(b)) => V::Bool(*a || *b),
            ("==" | "!=" | "=~" | "!~", _, _) => match (left.text(), right.text()) {
                (Some(a), Some(b)) => {
                    let same = if op.ends_with('~') {
                        a.eq_ignore_ascii_case(&b)
                    } else {
                        a == b
                    };
                    V::Bool(same == op.starts_with('='))
                }
                _ => return self.unknown(n),
            },
            _ => return self.unknown(n),
        };
        E::new(n.byte_range(), v)
    }

    fn identifier(&self, n: TsNode<'_>, depth: usize) -> E {
        let name = self.src(n);
        if let Some(e) = self.memo.borrow().get(name) {
            return e.clone();
        }
        let source = match (self.params.get(name), self.vars.get(name)) {
            (Some(Some(default)), _) => *default,
            (_, Some(v)) => *v,
            // A parameter without a default, a loop variable, a resource used whole, a
            // function's parameter: known at deployment.
            _ => return self.unknown(n),
        };
        if !self.active.borrow_mut().insert(name.to_owned()) {
            return self.unknown(n);
        }
        let e = self.eval(source, depth + 1);
        self.active.borrow_mut().remove(name);
        self.memo.borrow_mut().insert(name.to_owned(), e.clone());
        e
    }

    /// `policy.id`, `policy.name`, `policy.type`, `policy.properties`.
    fn resource_member(&self, decl: &Decl<'t>, prop: &str, n: TsNode<'_>, depth: usize) -> E {
        let span = n.byte_range();
        let body = || {
            let mut b = decl.value;
            // The declared object, whatever condition or loop wraps it.
            for _ in 0..4 {
                match b.kind() {
                    "object" => return Some(self.eval(b, depth + 1)),
                    "if_statement" => b = *named(b).last()?,
                    "for_statement" => b = b.child_by_field_name("body")?,
                    _ => return None,
                }
            }
            None
        };
        match prop {
            "type" => E::new(
                span,
                V::Str(decl.ty.split('@').next().unwrap_or_default().to_owned()),
            ),
            "id" | "name" | "properties" => {
                let Some(b) = body() else {
                    return self.unknown(n);
                };
                let name = b.get("name").cloned();
                match prop {
                    "name" => name.unwrap_or_else(|| self.unknown(n)),
                    "properties" => b
                        .get("properties")
                        .cloned()
                        .unwrap_or_else(|| self.unknown(n)),
                    _ => match name.and_then(|n| n.text()) {
                        Some(name) => E::new(span, V::Str(resource_id(&decl.ty, &[name]))),
                        None => self.unknown(n),
                    },
                }
            }
            _ => self.unknown(n),
        }
    }

    fn call(&self, n: TsNode<'_>, depth: usize) -> E {
        let Some(f) = n.child_by_field_name("function") else {
            return self.unknown(n);
        };
        // `az.resourceId(…)` and `sys.concat(…)` are the same functions.
        let name = match f.kind() {
            "identifier" => self.src(f),
            "member_expression" => match (
                f.child_by_field_name("object").map(|o| self.src(o)),
                f.child_by_field_name("property"),
            ) {
                (Some("az" | "sys"), Some(p)) => self.src(p),
                _ => return self.unknown(n),
            },
            _ => return self.unknown(n),
        };
        let args: Vec<E> = n
            .child_by_field_name("arguments")
            .map(|a| {
                named(a)
                    .into_iter()
                    .map(|x| self.eval(x, depth + 1))
                    .collect()
            })
            .unwrap_or_default();
        let e = match name.to_ascii_lowercase().as_str() {
            lower @ ("concat"
            | "format"
            | "tolower"
            | "toupper"
            | "string"
            | "resourceid"
            | "subscriptionresourceid"
            | "tenantresourceid"
            | "managementgroupresourceid"
            | "extensionresourceid") => builtin(lower, args, n.byte_range()),
            _ => return self.unknown(n),
        };
        match e.v {
            V::Unknown(_) => self.unknown(n),
            _ => e,
        }
    }

    /// A string literal, its escapes decoded and its interpolations evaluated.
    fn string(&self, n: TsNode<'_>, depth: usize) -> E {
        let mut out = String::new();
        let mut cursor = n.walk();
        for c in n.children(&mut cursor) {
            match c.kind() {
                "string_content" => out.push_str(self.src(c)),
                "interpolation" => {
                    let Some(inner) = named(c).into_iter().next() else {
                        return self.unknown(n);
                    };
                    match self.eval(inner, depth + 1).text() {
                        Some(t) => out.push_str(&t),
                        None => return self.unknown(n),
                    }
                }
                "'" | "'''" => {}
                _ if c.kind().starts_with('\\') || c.kind() == "escape_sequence" => {
                    out.push_str(&unescape(self.src(c)));
                }
                _ if c.is_named() => return self.unknown(n),
                // Anonymous escape tokens (`\'`, `\\`, `\$`, …).
                _ => {
                    let t = self.src(c);
                    if t.starts_with('\\') {
                        out.push_str(&unescape(t));
                    } else if t != "'" && t != "'''" {
                        out.push_str(t);
                    }
                }
            }
            if out.len() > MAX_LEN {
                return self.unknown(n);
            }
        }
        E::new(n.byte_range(), V::Str(out))
    }
}

/// Bicep's escapes: `\'`, `\\`, `\n`, `\r`, `\t`, `\$`, `\u{…}`.
fn unescape(t: &str) -> String {
    let body = t.strip_prefix('\\').unwrap_or(t);
    match body {
        "n" => "\n".into(),
        "r" => "\r".into(),
        "t" => "\t".into(),
        _ => {
            if let Some(hex) = body.strip_prefix("u{").and_then(|h| h.strip_suffix('}')) {
                u32::from_str_radix(hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .map_or_else(String::new, String::from)
            } else {
                body.to_owned()
            }
        }
    }
}
