//! ARM deployment templates (`$schema` …`deploymentTemplate.json#`, what `bicep build` writes):
//! parameter defaults, variables and the template functions that need no deployment
//! (`parameters`, `variables`, `concat`, `format`, `resourceId` and its scoped forms, `if`, …)
//! are evaluated; `reference()`, `subscription()`, `guid()` and every other function known only
//! at deployment give an unknown value. Nested deployments (`Microsoft.Resources/deployments`
//! with an inline `template`, as `bicep build` writes modules) are read with the parameters
//! they are given.

use super::{E, M, MAX_DEPTH, MAX_ITEMS, Resource, Scope, V, emit, resource_id};
use crate::dialect::Document;
use crate::dialect::read::{Field, child, index};
use crate::source::{Node, Value};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::Range;

/// The longest text or list an expression may build (`concat` of `concat`s): beyond it the
/// value is unknown, so a hostile template stays small.
const MAX_LEN: usize = 64 * 1024;
/// How many values one template may evaluate in all.
const BUDGET: usize = 1_000_000;

/// Reads `f` when it is a deployment template; false when it is not.
pub(crate) fn read(file: usize, f: &Field<'_>, doc: &mut Document) -> bool {
    if !is_template(f.node) {
        return false;
    }
    let budget = Cell::new(BUDGET);
    let cx = Cx::new(f.node, HashMap::new(), &budget);
    let mut out = Vec::new();
    collect(&cx, f.node, &f.ptr, &mut out, 0);
    emit(file, &out, super::ARM_TEMPLATE, doc);
    true
}

/// A deployment template: `$schema` names one of the deployment template schemas.
pub(crate) fn is_template(node: &Node<'_>) -> bool {
    node.member_ci("$schema")
        .and_then(|m| m.value.as_str())
        .is_some_and(|s| s.to_ascii_lowercase().contains("deploymenttemplate.json"))
}

enum Param<'a> {
    Given(E),
    Default(&'a Node<'a>),
    Missing,
}

/// What expressions of one template see: its parameters and variables.
struct Cx<'a, 'b> {
    params: HashMap<String, Param<'a>>,
    vars: HashMap<String, &'a Node<'a>>,
    /// Variables already evaluated (a variable used many times is evaluated once).
    memo: RefCell<HashMap<String, E>>,
    budget: &'b Cell<usize>,
    /// The `copy` loops being expanded, innermost last: name and index (`None`: the count is
    /// known only at deployment).
    copies: RefCell<Vec<(String, Option<usize>)>>,
}

impl<'a, 'b> Cx<'a, 'b> {
    fn new(template: &'a Node<'a>, mut given: HashMap<String, E>, budget: &'b Cell<usize>) -> Self {
        let mut params = HashMap::new();
        if let Some(ps) = template
            .member_ci("parameters")
            .and_then(|m| m.value.as_object())
        {
            for p in ps {
                let key = p.key.to_ascii_lowercase();
                let src = match given.remove(&key) {
                    Some(e) => Param::Given(e),
                    None => match p.value.member_ci("defaultValue") {
                        Some(d) => Param::Default(&d.value),
                        None => Param::Missing,
                    },
                };
                params.insert(key, src);
            }
        }
        let mut vars = HashMap::new();
        if let Some(vs) = template
            .member_ci("variables")
            .and_then(|m| m.value.as_object())
        {
            for v in vs {
                vars.insert(v.key.to_ascii_lowercase(), &v.value);
            }
        }
        Cx {
            params,
            vars,
            memo: RefCell::new(HashMap::new()),
            budget,
            copies: RefCell::new(Vec::new()),
        }
    }

    fn spend(&self) -> bool {
        super::spend(self.budget)
    }

    /// A JSON value of the template, its expressions evaluated.
    fn eval(&self, node: &'a Node<'a>, depth: usize) -> E {
        let span = node.span.clone();
        if depth > MAX_DEPTH || !self.spend() {
            return E::unknown(span, "a value nested too deeply to evaluate");
        }
        let v = match &node.value {
            Value::Null => V::Null,
            Value::Bool(b) => V::Bool(*b),
            Value::Number(n) => V::Num(n.to_string()),
            Value::String(s) => {
                if let Some(rest) = s.strip_prefix("[[") {
                    V::Str(format!("[{rest}"))
                } else if s.starts_with('[') && s.ends_with(']') && s.len() >= 2 {
                    return self.expression(&s[1..s.len() - 1], s, span, depth);
                } else {
                    V::Str(s.to_string())
                }
            }
            Value::Array(items) => V::Arr(items.iter().map(|i| self.eval(i, depth + 1)).collect()),
            Value::Object(members) => {
                let mut out = Vec::new();
                for m in members {
                    // A property loop (`"copy": [{"name", "count", "input"}]`): each names a
                    // list of the object.
                    if m.key.eq_ignore_ascii_case("copy")
                        && let Value::Array(loops) = &m.value.value
                        && loops.iter().all(|l| {
                            l.member_ci("input").is_some()
                                && l.member_ci("name").and_then(|n| n.value.as_str()).is_some()
                        })
                    {
                        out.extend(loops.iter().map(|l| self.property_copy(l, depth)));
                        continue;
                    }
                    out.push(M {
                        key: m.key.to_string(),
                        key_span: m.key_span.clone(),
                        value: self.eval(&m.value, depth + 1),
                    });
                }
                V::Obj(out)
            }
        };
        E::new(span, v)
    }

    /// One property loop: its `input` once per index, under its `name`.
    fn property_copy(&self, l: &'a Node<'a>, depth: usize) -> M {
        let name = l.member_ci("name");
        let key = name
            .and_then(|n| n.value.as_str())
            .unwrap_or_default()
            .to_owned();
        let key_span = name.map_or_else(|| l.span.clone(), |n| n.value.span.clone());
        let value = match (l.member_ci("input"), self.count(l, depth)) {
            (Some(input), Ok(n)) => {
                let items = (0..n)
                    .map(|i| self.with_copy(&key, Some(i), || self.eval(&input.value, depth + 1)))
                    .collect();
                E::new(input.value.span.clone(), V::Arr(items))
            }
            (_, Err((text, span))) => E::new(span, V::Unknown(text)),
            (None, _) => E::unknown(l.span.clone(), "copy"),
        };
        M {
            key,
            key_span,
            value,
        }
    }

    /// A loop's `count`, or what names it when the template does not know it (or it is more
    /// than [`MAX_ITEMS`]).
    fn count(&self, l: &'a Node<'a>, depth: usize) -> Result<usize, (String, Range<usize>)> {
        let Some(c) = l.member_ci("count") else {
            return Err(("copy".into(), l.span.clone()));
        };
        let e = self.eval(&c.value, depth + 1);
        let written = || match &c.value.value {
            Value::String(s) => super::short(s),
            _ => super::short(&e.text().unwrap_or_default()),
        };
        match e.text().and_then(|t| t.parse::<usize>().ok()) {
            Some(n) if n <= MAX_ITEMS => Ok(n),
            Some(n) => Err((
                format!(
                    "{} ({n} items: loops over more than {MAX_ITEMS} are not expanded)",
                    written()
                ),
                c.value.span.clone(),
            )),
            None => Err((written(), c.value.span.clone())),
        }
    }

    /// Runs `f` with the loop `name` at index `i`.
    fn with_copy<T>(&self, name: &str, i: Option<usize>, f: impl FnOnce() -> T) -> T {
        self.copies.borrow_mut().push((name.to_owned(), i));
        let out = f();
        self.copies.borrow_mut().pop();
        out
    }

    /// `copyIndex()`, `copyIndex(offset)`, `copyIndex('loop')`, `copyIndex('loop', offset)`.
    fn copy_index(&self, args: &[E], span: Range<usize>) -> E {
        let (name, offset) = match args {
            [] => (None, Some(0)),
            [a] => match &a.v {
                V::Str(s) => (Some(s.as_str()), Some(0)),
                _ => (None, a.text().and_then(|t| t.parse::<usize>().ok())),
            },
            [n, o] => (n.as_str(), o.text().and_then(|t| t.parse::<usize>().ok())),
            _ => (None, None),
        };
        let copies = self.copies.borrow();
        let found = match name {
            Some(n) => copies
                .iter()
                .rev()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, i)| *i),
            None => copies.last().map(|(_, i)| *i),
        };
        match (found.flatten(), offset) {
            (Some(i), Some(o)) => E::new(span, V::Num((i + o).to_string())),
            _ => E::unknown(span, "copyIndex()"),
        }
    }

    fn expression(&self, inner: &str, whole: &str, span: Range<usize>, depth: usize) -> E {
        let mut p = Expr {
            s: inner.as_bytes(),
            pos: 0,
            cx: self,
            span: span.clone(),
            depth,
        };
        match p.expr() {
            Some(e)
                if {
                    p.ws();
                    p.pos == p.s.len()
                } =>
            {
                match &e.v {
                    // A parameter a nested deployment was given, unknown there: named as the
                    // outer template wrote it, where it wrote it.
                    V::Unknown(t) if t.starts_with('[') => e,
                    // What an expression cannot know is named by the whole expression.
                    V::Unknown(_) => E::unknown(span, whole),
                    _ => e,
                }
            }
            _ => E::unknown(span, whole),
        }
    }

    fn parameter(&self, name: &str, span: &Range<usize>, depth: usize) -> E {
        let key = format!("parameters:{}", name.to_ascii_lowercase());
        if let Some(e) = self.memo.borrow().get(&key) {
            return e.clone();
        }
        let e = match self.params.get(&name.to_ascii_lowercase()) {
            Some(Param::Given(e)) => e.clone(),
            Some(Param::Default(d)) => self.eval(d, depth + 1),
            _ => E::unknown(span.clone(), &format!("parameters('{name}')")),
        };
        self.memo.borrow_mut().insert(key, e.clone());
        e
    }

    fn variable(&self, name: &str, span: &Range<usize>, depth: usize) -> E {
        let key = format!("variables:{}", name.to_ascii_lowercase());
        if let Some(e) = self.memo.borrow().get(&key) {
            return e.clone();
        }
        let e = match self.vars.get(&name.to_ascii_lowercase()) {
            Some(node) => self.eval(node, depth + 1),
            None => E::unknown(span.clone(), &format!("variables('{name}')")),
        };
        self.memo.borrow_mut().insert(key, e.clone());
        e
    }
}

/// A template expression (the text between `[` and `]`), parsed and evaluated at once.
struct Expr<'s, 'c, 'a, 'b> {
    s: &'s [u8],
    pos: usize,
    cx: &'c Cx<'a, 'b>,
    /// The string holding the expression: the span of what it computes.
    span: Range<usize>,
    depth: usize,
}

impl Expr<'_, '_, '_, '_> {
    fn ws(&mut self) {
        while self.s.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn unknown(&self) -> E {
        E::unknown(self.span.clone(), "expression")
    }

    fn expr(&mut self) -> Option<E> {
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        let mut e = match *self.s.get(self.pos)? {
            b'\'' => {
                self.pos += 1;
                let mut out = Vec::new();
                loop {
                    match *self.s.get(self.pos)? {
                        b'\'' if self.s.get(self.pos + 1) == Some(&b'\'') => {
                            out.push(b'\'');
                            self.pos += 2;
                        }
                        b'\'' => {
                            self.pos += 1;
                            break;
                        }
                        c => {
                            out.push(c);
                            self.pos += 1;
                        }
                    }
                }
                E::new(
                    self.span.clone(),
                    V::Str(String::from_utf8_lossy(&out).into_owned()),
                )
            }
            c if c.is_ascii_digit() || c == b'-' => {
                let start = self.pos;
                self.pos += 1;
                while self
                    .s
                    .get(self.pos)
                    .is_some_and(|c| c.is_ascii_digit() || *c == b'.')
                {
                    self.pos += 1;
                }
                let n = std::str::from_utf8(&self.s[start..self.pos]).ok()?;
                E::new(self.span.clone(), V::Num(n.to_owned()))
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = self.pos;
                while self
                    .s
                    .get(self.pos)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
                {
                    self.pos += 1;
                }
                let name = std::str::from_utf8(&self.s[start..self.pos])
                    .ok()?
                    .to_owned();
                if !self.eat(b'(') {
                    return None;
                }
                let mut args = Vec::new();
                if !self.eat(b')') {
                    loop {
                        self.depth += 1;
                        let a = self.expr();
                        self.depth -= 1;
                        args.push(a?);
                        if self.eat(b')') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                self.call(&name, args)
            }
            _ => return None,
        };
        // Property access and indexing.
        loop {
            if self.eat(b'.') {
                self.ws();
                let start = self.pos;
                while self
                    .s
                    .get(self.pos)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$')
                {
                    self.pos += 1;
                }
                let key = std::str::from_utf8(&self.s[start..self.pos]).ok()?;
                if key.is_empty() {
                    return None;
                }
                e = member(&e, key).unwrap_or_else(|| self.unknown());
            } else if self.eat(b'[') {
                self.depth += 1;
                let i = self.expr();
                self.depth -= 1;
                let i = i?;
                if !self.eat(b']') {
                    return None;
                }
                e = subscript(&e, &i).unwrap_or_else(|| self.unknown());
            } else {
                break;
            }
        }
        Some(e)
    }

    fn call(&self, name: &str, args: Vec<E>) -> E {
        let span = self.span.clone();
        match name.to_ascii_lowercase().as_str() {
            "parameters" => match args.first().and_then(E::as_str) {
                Some(n) => self.cx.parameter(n, &span, self.depth),
                None => self.unknown(),
            },
            "variables" => match args.first().and_then(E::as_str) {
                Some(n) => self.cx.variable(n, &span, self.depth),
                None => self.unknown(),
            },
            "true" => E::new(span, V::Bool(true)),
            "false" => E::new(span, V::Bool(false)),
            "null" => E::new(span, V::Null),
            "createarray" => E::new(span, V::Arr(args)),
            "copyindex" => self.cx.copy_index(&args, span),
            lower => builtin(lower, args, span),
        }
    }
}

/// The functions ARM templates and Bicep share that need no deployment (`name` in lower
/// case); any other is known only at deployment (`reference`, `subscription`, `guid`, …).
pub(crate) fn builtin(name: &str, args: Vec<E>, span: Range<usize>) -> E {
    let strings = |args: &[E]| -> Option<Vec<String>> { args.iter().map(E::text).collect() };
    let unknown = || V::Unknown(String::new());
    let v = match name {
        "concat" => concat(&args),
        "format" => match strings(&args) {
            Some(a) if !a.is_empty() => format_text(&a[0], &a[1..]).map_or_else(unknown, V::Str),
            _ => unknown(),
        },
        "tolower" | "toupper" | "string" => match args.first().and_then(E::text) {
            Some(t) if name == "tolower" => V::Str(t.to_lowercase()),
            Some(t) if name == "toupper" => V::Str(t.to_uppercase()),
            Some(t) => V::Str(t),
            None => unknown(),
        },
        "if" => match args.first().map(|a| &a.v) {
            Some(V::Bool(true)) if args.len() == 3 => return args[1].clone(),
            Some(V::Bool(false)) if args.len() == 3 => return args[2].clone(),
            _ => unknown(),
        },
        "equals" => match (
            args.first().and_then(E::text),
            args.get(1).and_then(E::text),
        ) {
            (Some(a), Some(b)) if args.len() == 2 => V::Bool(a == b),
            _ => unknown(),
        },
        "not" => match args.first().map(|a| &a.v) {
            Some(V::Bool(b)) => V::Bool(!b),
            _ => unknown(),
        },
        "resourceid"
        | "subscriptionresourceid"
        | "tenantresourceid"
        | "managementgroupresourceid" => match strings(&args) {
            Some(a) => match a.iter().position(|s| s.contains('/')) {
                Some(i) => V::Str(resource_id(&a[i], &a[i + 1..])),
                None => unknown(),
            },
            None => unknown(),
        },
        "extensionresourceid" => match strings(&args) {
            Some(a) if a.len() >= 2 => V::Str(format!(
                "{}{}",
                a[0].trim_end_matches('/'),
                resource_id(&a[1], &a[2..])
            )),
            _ => unknown(),
        },
        "length" => match args.first().map(|a| &a.v) {
            Some(V::Arr(items)) if args.len() == 1 => V::Num(items.len().to_string()),
            Some(V::Obj(members)) if args.len() == 1 => V::Num(members.len().to_string()),
            Some(V::Str(s)) if args.len() == 1 => V::Num(s.chars().count().to_string()),
            _ => unknown(),
        },
        "range" => {
            let num = |e: Option<&E>| e.and_then(E::text).and_then(|t| t.parse::<i64>().ok());
            match (num(args.first()), num(args.get(1))) {
                // Longer than a loop is expanded, yet short enough to count (a loop over it
                // is then named, not expanded).
                (Some(start), Some(count))
                    if args.len() == 2 && (0..=10 * MAX_ITEMS as i64).contains(&count) =>
                {
                    V::Arr(
                        (0..count)
                            .map(|k| E::new(span.clone(), V::Num((start + k).to_string())))
                            .collect(),
                    )
                }
                _ => unknown(),
            }
        }
        _ => unknown(),
    };
    E::new(span, v)
}

fn concat(args: &[E]) -> V {
    if args.iter().all(|a| matches!(a.v, V::Arr(_))) && !args.is_empty() {
        let mut out = Vec::new();
        for a in args {
            if let V::Arr(items) = &a.v {
                out.extend(items.iter().cloned());
            }
            if out.len() > MAX_LEN {
                return V::Unknown(String::new());
            }
        }
        return V::Arr(out);
    }
    let mut s = String::new();
    for a in args {
        match a.text() {
            Some(t) => s.push_str(&t),
            None => return V::Unknown(String::new()),
        }
        if s.len() > MAX_LEN {
            return V::Unknown(String::new());
        }
    }
    V::Str(s)
}

/// `format('{0}/{1}', a, b)`: placeholders by index (format specifiers are not applied).
fn format_text(fmt: &str, args: &[String]) -> Option<String> {
    let mut out = String::new();
    let mut rest = fmt;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(a) = after.strip_prefix('{') {
            out.push('{');
            rest = a;
            continue;
        }
        let end = after.find('}')?;
        let spec = &after[..end];
        let n: usize = spec.split(':').next()?.trim().parse().ok()?;
        out.push_str(args.get(n)?);
        if out.len() > MAX_LEN {
            return None;
        }
        rest = &after[end + 1..];
    }
    out.push_str(&rest.replace("}}", "}"));
    Some(out)
}

fn member(e: &E, key: &str) -> Option<E> {
    match &e.v {
        V::Obj(_) => e.get(key).cloned(),
        _ => None,
    }
}

fn subscript(e: &E, i: &E) -> Option<E> {
    match (&e.v, &i.v) {
        (V::Arr(items), V::Num(n)) => items.get(n.parse::<usize>().ok()?).cloned(),
        (V::Obj(_), V::Str(k)) => e.get(k).cloned(),
        _ => None,
    }
}

/// The template's resources (and those of its nested inline deployments), evaluated.
fn collect<'a>(
    cx: &Cx<'a, '_>,
    template: &'a Node<'a>,
    ptr: &str,
    out: &mut Vec<Resource>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    let Some(resources) = template.member_ci("resources") else {
        return;
    };
    let base = child(ptr, &resources.key);
    // An array of resources, or (`languageVersion` 2.0) an object keyed by symbolic name.
    let list: Vec<(String, Option<String>, &'a Node<'a>)> = match &resources.value.value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, n)| (index(&base, i), None, n))
            .collect(),
        Value::Object(members) => members
            .iter()
            .map(|m| (child(&base, &m.key), Some(m.key.to_string()), &m.value))
            .collect(),
        _ => return,
    };
    for (rptr, symbol, node) in list {
        if node.as_object().is_none() {
            continue;
        }
        let ty = node
            .member_ci("type")
            .and_then(|m| m.value.as_str())
            .unwrap_or_default()
            .to_owned();
        // Not deployed: an `existing` reference, or a condition that is false.
        if node.member_ci("existing").and_then(|m| m.value.as_bool()) == Some(true) {
            continue;
        }
        if let Some(c) = node.member_ci("condition")
            && matches!(cx.eval(&c.value, 0).v, V::Bool(false))
        {
            continue;
        }
        if ty.eq_ignore_ascii_case("Microsoft.Resources/deployments") {
            // A module in a loop: its template once per index, the index its parameters see.
            let copy = node
                .member_ci("copy")
                .filter(|c| c.value.as_object().is_some());
            match copy.map(|c| (c, cx.count(&c.value, 0))) {
                Some((c, Ok(n))) => {
                    let name = c
                        .value
                        .member_ci("name")
                        .and_then(|n| n.value.as_str())
                        .unwrap_or_default();
                    for i in 0..n {
                        cx.with_copy(name, Some(i), || {
                            nested(cx, node, &format!("{rptr}/{i}"), out, depth);
                        });
                    }
                }
                _ => nested(cx, node, &rptr, out, depth),
            }
            continue;
        }
        if !super::is_pim_type(&ty) {
            continue;
        }
        let span = match node.member_ci("type") {
            Some(t) => t.key_span.start..t.value.span.end,
            None => node.span.start..node.span.start + 1,
        };
        let one = |ptr: String, symbol: Option<String>, unknown| Resource {
            ptr,
            span: span.clone(),
            symbol,
            ty: ty.clone(),
            name: node.member_ci("name").map_or_else(
                || E::new(node.span.clone(), V::Null),
                |m| cx.eval(&m.value, 0),
            ),
            properties: node.member_ci("properties").map(|m| {
                let mut e = cx.eval(&m.value, 0);
                // A container's span is its key up to the bracket, as the JSON reader reports it.
                e.span = m.key_span.start..m.value.span.start + 1;
                e
            }),
            scope: node
                .member_ci("scope")
                .map_or(Scope::Unstated, |m| Scope::of(&cx.eval(&m.value, 0))),
            unknown,
        };
        // A resource loop: the resource once per index (its condition read per index), or
        // once with the index unknown when the count is.
        let Some(copy) = node
            .member_ci("copy")
            .filter(|c| c.value.as_object().is_some())
        else {
            out.push(one(rptr, symbol, Vec::new()));
            continue;
        };
        let loop_name = copy
            .value
            .member_ci("name")
            .and_then(|n| n.value.as_str())
            .unwrap_or_default()
            .to_owned();
        match cx.count(&copy.value, 0) {
            Ok(n) => {
                for i in 0..n {
                    let deployed = cx.with_copy(&loop_name, Some(i), || {
                        !node
                            .member_ci("condition")
                            .is_some_and(|c| matches!(cx.eval(&c.value, 0).v, V::Bool(false)))
                    });
                    if !deployed {
                        continue;
                    }
                    let label = format!("{}[{i}]", symbol.as_deref().unwrap_or(&loop_name));
                    let r = cx.with_copy(&loop_name, Some(i), || {
                        one(format!("{rptr}/{i}"), Some(label), Vec::new())
                    });
                    out.push(r);
                }
            }
            Err(note) => {
                let symbol = symbol.or_else(|| Some(loop_name.clone()));
                let r = cx.with_copy(&loop_name, None, || one(rptr, symbol, vec![note]));
                out.push(r);
            }
        }
    }
}

/// A nested deployment with an inline template: read with the parameters it is given
/// (evaluated here), or in this template's context when its expressions are evaluated here
/// (`expressionEvaluationOptions.scope` other than `inner`).
fn nested<'a>(
    cx: &Cx<'a, '_>,
    node: &'a Node<'a>,
    ptr: &str,
    out: &mut Vec<Resource>,
    depth: usize,
) {
    let Some(props) = node.member_ci("properties") else {
        return;
    };
    let Some(template) = props.value.member_ci("template") else {
        return;
    };
    if !is_template(&template.value) && template.value.member_ci("resources").is_none() {
        return;
    }
    let tptr = child(&child(ptr, &props.key), &template.key);
    let inner = props
        .value
        .member_ci("expressionEvaluationOptions")
        .and_then(|o| o.value.member_ci("scope"))
        .and_then(|s| s.value.as_str())
        .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
    if !inner {
        collect(cx, &template.value, &tptr, out, depth + 1);
        return;
    }
    let mut given = HashMap::new();
    if let Some(ps) = props
        .value
        .member_ci("parameters")
        .and_then(|m| m.value.as_object())
    {
        for p in ps {
            if let Some(v) = p.value.member_ci("value") {
                given.insert(p.key.to_ascii_lowercase(), cx.eval(&v.value, 0));
            } else {
                // A Key Vault reference or another shape: known at deployment.
                given.insert(
                    p.key.to_ascii_lowercase(),
                    E::unknown(p.value.span.clone(), &format!("parameters('{}')", p.key)),
                );
            }
        }
    }
    let inner_cx = Cx::new(&template.value, given, cx.budget);
    collect(&inner_cx, &template.value, &tptr, out, depth + 1);
}

#[cfg(test)]
mod tests {
    use super::{Cx, V};
    use crate::source::{Syntax, parse_text};
    use std::cell::Cell;
    use std::collections::HashMap;

    /// Evaluates `expr` (a JSON string) in a template with parameter `p` (default `'PT2H'`),
    /// parameter `q` (no default) and variable `v` (`[parameters('p')]`).
    fn eval(expr: &str) -> V {
        let text = format!(
            r#"{{"$schema": "deploymentTemplate.json#",
                "parameters": {{"p": {{"defaultValue": "PT2H"}}, "q": {{"type": "string"}}}},
                "variables": {{"v": "[parameters('p')]"}},
                "x": {expr}}}"#
        );
        let root = parse_text(&text, Syntax::Json).expect("parses");
        let budget = Cell::new(10_000);
        let cx = Cx::new(&root, HashMap::new(), &budget);
        let x = root.get("x").expect("x");
        cx.eval(x, 0).v
    }

    fn text(expr: &str) -> Option<String> {
        match eval(expr) {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    #[test]
    fn expressions_the_template_knows() {
        assert_eq!(text(r#""[variables('v')]""#).as_deref(), Some("PT2H"));
        assert_eq!(
            text(r#""[concat('a', parameters('p'), 'b')]""#).as_deref(),
            Some("aPT2Hb")
        );
        assert_eq!(
            text(r#""[format('{0}_{1}', 'x', variables('v'))]""#).as_deref(),
            Some("x_PT2H")
        );
        assert_eq!(
            text(r#""[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'r1')]""#)
                .as_deref(),
            Some("/providers/Microsoft.Authorization/roleDefinitions/r1")
        );
        assert_eq!(
            text(r#""[resourceId('sub', 'rg', 'Microsoft.Authorization/roleManagementPolicies', 'p1')]""#)
                .as_deref(),
            Some("/providers/Microsoft.Authorization/roleManagementPolicies/p1")
        );
        assert_eq!(
            text(r#""[[not an expression]""#).as_deref(),
            Some("[not an expression]")
        );
        assert_eq!(
            text(r#""[if(equals(parameters('p'), 'PT2H'), 'yes', 'no')]""#).as_deref(),
            Some("yes")
        );
        assert_eq!(
            text(r#""[createObject('k', 'v')]""#),
            None,
            "a function pim-lint does not evaluate is unknown"
        );
    }

    #[test]
    fn expressions_known_only_at_deployment() {
        for e in [
            r#""[parameters('q')]""#,
            r#""[concat(parameters('q'), 'b')]""#,
            r#""[subscription().id]""#,
            r#""[guid(resourceGroup().id)]""#,
            r#""[parameters('missing')]""#,
            r#""[concat('unclosed']""#,
        ] {
            assert!(matches!(eval(e), V::Unknown(_)), "{e}");
        }
        match eval(r#""[concat(parameters('q'), 'b')]""#) {
            V::Unknown(t) => assert_eq!(t, "[concat(parameters('q'), 'b')]"),
            other => panic!("{other:?}"),
        }
    }
}
