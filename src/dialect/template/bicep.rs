//! Bicep files, parsed with the tree-sitter Bicep grammar (`tree-sitter-bicep`). Parameter
//! defaults, variables, references between resources of the file (`policy.id`, `policy.name`,
//! `policy.properties.…`), string interpolation and the functions that need no deployment are
//! evaluated; anything else (a parameter without a default, `subscription()`, a loop
//! variable, a module's output) is known only at deployment.

use super::arm::builtin;
use super::{E, M, MAX_DEPTH, MAX_ITEMS, Resource, Scope, V, emit, resource_id};
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

/// Values given to a file's parameters from outside it (a module call's `params`, a
/// `.bicepparam`), by parameter name. Their spans are in the file that gave them: a value is
/// placed where the receiving file uses it.
pub type Bound = HashMap<String, E>;

/// How a file is read: with its parameters' defaults (alone), or as one call of it.
#[derive(Default, Clone, Copy)]
pub struct With<'a> {
    /// Values for the parameters (the rest keep their defaults).
    pub given: Option<&'a Bound>,
    /// The call, for the names of its policies (`main.bicep: module pim`).
    pub label: Option<&'a str>,
    /// The scope the call deploys the file at, when known: the scope of its resources that
    /// state none of their own.
    pub scope: Option<&'a str>,
}

/// Reads a Bicep file's PIM resources.
pub fn read(file: usize, text: &str) -> Result<Document, SyntaxError> {
    read_with(file, text, With::default())
}

/// Reads a Bicep file's PIM resources, its parameters bound as `with` says.
pub fn read_with(file: usize, text: &str, with: With<'_>) -> Result<Document, SyntaxError> {
    let tree = parse(text)?;
    let budget = Cell::new(BUDGET);
    let cx = Cx::new(text, tree.root_node(), &budget, with.given);
    let mut out = Vec::new();
    for (symbol, decl) in &cx.resources {
        if decl.existing || !super::is_pim_type(&decl.ty) {
            continue;
        }
        for (i, e, unknown) in cx.instances(decl) {
            let scope = match (e.get("scope").map(Scope::of), with.scope) {
                (Some(s), _) => s,
                (None, Some(at)) => Scope::Known(at.to_owned()),
                (None, None) => Scope::Unstated,
            };
            let properties = e.get("properties").cloned();
            let name = e
                .get("name")
                .cloned()
                .unwrap_or_else(|| E::new(decl.span.clone(), V::Null));
            let (ptr, mut symbol) = match i {
                Some(i) => (format!("/{symbol}/{i}"), format!("{symbol}[{i}]")),
                None => (format!("/{symbol}"), symbol.clone()),
            };
            if let Some(l) = with.label {
                symbol = format!("{symbol} (via {l})");
            }
            out.push(Resource {
                ptr,
                span: decl.span.clone(),
                symbol: Some(symbol),
                ty: decl.ty.clone(),
                name,
                properties,
                scope,
                unknown,
            });
        }
    }
    let mut doc = Document::default();
    emit(file, &out, super::BICEP, &mut doc);
    Ok(doc)
}

/// What a file refers to: the modules it calls and (a `.bicepparam`) the file it gives values.
#[derive(Debug, Default)]
pub struct Refs {
    pub modules: Vec<ModuleRef>,
    /// `using '…'`: the path as written and where.
    pub using: Option<(String, Range<usize>)>,
}

/// `module <symbol> '<path>' = …`.
#[derive(Debug)]
pub struct ModuleRef {
    pub symbol: String,
    /// The path as written (`./pim.bicep`, `br:…`, `ts:…`); `None` when it is no plain text.
    pub path: Option<String>,
    /// The path's string.
    pub span: Range<usize>,
}

/// The modules a Bicep file calls (and a `.bicepparam`'s `using`).
pub fn refs(text: &str) -> Result<Refs, SyntaxError> {
    let tree = parse(text)?;
    let budget = Cell::new(BUDGET);
    let cx = Cx::new(text, tree.root_node(), &budget, None);
    let mut out = Refs::default();
    for n in named(tree.root_node()) {
        let kids = named(n);
        match n.kind() {
            "module_declaration" => {
                let (Some(id), Some(path)) = (kids.first(), kids.get(1)) else {
                    continue;
                };
                out.modules.push(ModuleRef {
                    symbol: cx.src(*id).to_owned(),
                    path: cx.string(*path, 0).as_str().map(str::to_owned),
                    span: path.byte_range(),
                });
            }
            "using_statement" => {
                if let Some(path) = kids.first() {
                    let p = cx.string(*path, 0).as_str().map(str::to_owned);
                    out.using = Some((p.unwrap_or_default(), path.byte_range()));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// One call of a module: its loop index, the values it gives, the scope it deploys at.
pub struct ModuleCall {
    pub index: Option<usize>,
    pub given: Bound,
    pub scope: Option<String>,
}

/// The `params` a file (read `with`) gives the module `symbol`: one set per call (a module in
/// a loop is called once per item, with its index), each value the caller cannot know named
/// with the caller's file; no call when its condition is false. A loop over a list known only
/// at deployment (or longer than [`MAX_ITEMS`]) is one call whose loop variable is unknown.
/// Each call comes with the scope it deploys the module at, when known.
pub fn module_params(
    text: &str,
    with: With<'_>,
    symbol: &str,
    from: &str,
) -> Result<Vec<ModuleCall>, SyntaxError> {
    let tree = parse(text)?;
    let budget = Cell::new(BUDGET);
    let cx = Cx::new(text, tree.root_node(), &budget, with.given);
    let mut out = Vec::new();
    let Some(decl) = cx.modules.iter().find(|(s, _)| s == symbol).map(|(_, d)| d) else {
        return Ok(out);
    };
    for (i, e, _) in cx.instances(decl) {
        let mut bound = Bound::new();
        match e.get("params") {
            Some(E {
                v: V::Obj(members), ..
            }) => {
                for m in members {
                    bound.insert(m.key.clone(), mark(&m.value, from));
                }
            }
            Some(other) => {
                // The whole `params` object is known only at deployment: every parameter is.
                let text = match &other.v {
                    V::Unknown(t) => t.clone(),
                    _ => String::new(),
                };
                bound.insert(
                    String::new(),
                    E::new(
                        other.span.clone(),
                        V::Unknown(format!("{text} (from {from})")),
                    ),
                );
            }
            None => {}
        }
        // The module's `scope:` (known, or known only at deployment), else its caller's.
        let scope = match e.get("scope").map(Scope::of) {
            Some(Scope::Known(s)) => Some(s),
            Some(_) => None,
            None => with.scope.map(str::to_owned),
        };
        out.push(ModuleCall {
            index: i,
            given: bound,
            scope,
        });
    }
    Ok(out)
}

/// The values a `.bicepparam` file sets (`param x = …`) and the file it names (`using`).
pub fn bicepparam(original: &str, from: &str) -> Result<(Refs, Bound), SyntaxError> {
    let text = crate::source::bicep::params_as_vars(original);
    let tree = parse(&text)?;
    let budget = Cell::new(BUDGET);
    let cx = Cx::new(&text, tree.root_node(), &budget, None);
    let mut bound = Bound::new();
    for n in named(tree.root_node()) {
        if n.kind() == "variable_declaration"
            && text.get(n.start_byte()..n.start_byte() + 5)
                == Some(crate::source::bicep::PARAM_AS_VAR)
            && let Some(id) = named(n).first()
        {
            let name = cx.src(*id);
            let e = cx.identifier(*id, 0);
            bound.insert(name.to_owned(), mark(&e, from));
        }
    }
    // A parameters file that `extends` another takes the values it does not set from there:
    // those are not read, so they are known only at deployment.
    if let Some(base) = original
        .lines()
        .map(str::trim_start)
        .find(|l| crate::source::bicep::keyword(l, "extends"))
    {
        bound.insert(
            String::new(),
            E::new(
                0..0,
                V::Unknown(format!("{} (from {from})", super::short(base))),
            ),
        );
    }
    let refs = refs(&text)?;
    Ok((refs, bound))
}

/// A value given from another file: what is unknown there is named with where it was given.
fn mark(e: &E, from: &str) -> E {
    let v = match &e.v {
        V::Unknown(t) => V::Unknown(format!("{t} (from {from})")),
        V::Arr(items) => V::Arr(items.iter().map(|i| mark(i, from)).collect()),
        V::Obj(members) => V::Obj(
            members
                .iter()
                .map(|m| M {
                    key: m.key.clone(),
                    key_span: m.key_span.clone(),
                    value: mark(&m.value, from),
                })
                .collect(),
        ),
        other => other.clone(),
    };
    E::new(e.span.clone(), v)
}

/// A value from another file, placed at `span` (where this file uses it).
fn place(e: &E, span: &Range<usize>) -> E {
    let v = match &e.v {
        V::Arr(items) => V::Arr(items.iter().map(|i| place(i, span)).collect()),
        V::Obj(members) => V::Obj(
            members
                .iter()
                .map(|m| M {
                    key: m.key.clone(),
                    key_span: span.clone(),
                    value: place(&m.value, span),
                })
                .collect(),
        ),
        other => other.clone(),
    };
    E::new(span.clone(), v)
}

struct Decl<'t> {
    symbol: String,
    ty: String,
    existing: bool,
    /// `resource x '…' existing`, up to the type: where a finding about the resource points.
    span: Range<usize>,
    /// The object, `if (…) {…}` or `[for …: {…}]`.
    value: TsNode<'t>,
}

/// One deployed object of a declaration: its loop index, its value, and the values it depends
/// on as a whole.
type Instance = (Option<usize>, E, Vec<(String, Range<usize>)>);

/// `[for (item, index) in source: body]`.
struct Loop<'n> {
    item: Option<String>,
    index: Option<String>,
    source: TsNode<'n>,
    body: TsNode<'n>,
}

struct Cx<'s, 't, 'b, 'g> {
    text: &'s str,
    params: HashMap<String, Option<TsNode<'t>>>,
    vars: HashMap<String, TsNode<'t>>,
    resources: Vec<(String, Decl<'t>)>,
    modules: Vec<(String, Decl<'t>)>,
    given: Option<&'g Bound>,
    /// Loop variables in scope, innermost last.
    locals: RefCell<Vec<(String, E)>>,
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

impl<'s, 't, 'b, 'g> Cx<'s, 't, 'b, 'g> {
    fn new(
        text: &'s str,
        root: TsNode<'t>,
        budget: &'b Cell<usize>,
        given: Option<&'g Bound>,
    ) -> Self {
        let mut cx = Cx {
            text,
            params: HashMap::new(),
            vars: HashMap::new(),
            resources: Vec::new(),
            modules: Vec::new(),
            given,
            locals: RefCell::new(Vec::new()),
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
                "resource_declaration" | "module_declaration" => {
                    let (Some(id), Some(ty), Some(value)) =
                        (kids.first(), kids.get(1), kids.last())
                    else {
                        continue;
                    };
                    let mut cursor = n.walk();
                    let existing = n.children(&mut cursor).any(|c| c.kind() == "existing");
                    let ty_text = cx.string(*ty, 0).as_str().map(str::to_owned);
                    let decl = Decl {
                        symbol: cx.src(*id).to_owned(),
                        ty: ty_text.unwrap_or_default(),
                        existing,
                        span: n.start_byte()..ty.end_byte(),
                        value: *value,
                    };
                    if n.kind() == "module_declaration" {
                        cx.modules.push((decl.symbol.clone(), decl));
                    } else {
                        cx.resources.push((decl.symbol.clone(), decl));
                    }
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

    /// What a resource (or module) declaration deploys, evaluated: its object once, or once per
    /// item of a loop over a list the file knows (with the item's index), each with the values
    /// the whole declaration depends on (a list known only at deployment: the object is read
    /// once, its loop variable unknown). A condition that is false deploys nothing.
    fn instances(&self, decl: &Decl<'t>) -> Vec<Instance> {
        let v = decl.value;
        if v.kind() != "for_statement" {
            return self
                .object(v, 0)
                .map(|e| vec![(None, e, Vec::new())])
                .unwrap_or_default();
        }
        let Some(l) = self.loop_of(v) else {
            return Vec::new();
        };
        match self.items(&l, 0) {
            Ok(items) => items
                .into_iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    self.with_locals(&l, item, i, || self.object(l.body, 0))
                        .map(|e| (Some(i), e, Vec::new()))
                })
                .collect(),
            Err(note) => self
                .object(l.body, 0)
                .map(|e| vec![(None, e, vec![note])])
                .unwrap_or_default(),
        }
    }

    /// `{…}`, or `if (cond) {…}` unless `cond` is false.
    fn object(&self, n: TsNode<'_>, depth: usize) -> Option<E> {
        match n.kind() {
            "object" => Some(self.eval(n, depth + 1)),
            "if_statement" => {
                let kids = named(n);
                let cond = kids.first()?;
                if matches!(self.eval(*cond, depth + 1).v, V::Bool(false)) {
                    return None;
                }
                let body = *kids.last()?;
                (body.kind() == "object").then(|| self.eval(body, depth + 1))
            }
            _ => None,
        }
    }

    /// The parts of `[for … in … : …]`.
    fn loop_of<'n>(&self, n: TsNode<'n>) -> Option<Loop<'n>> {
        let body = n.child_by_field_name("body")?;
        let init = n.child_by_field_name("initializer");
        let (mut item, mut index, mut source) = (None, None, None);
        for k in named(n) {
            if k.id() == body.id() {
                continue;
            }
            if init.is_some_and(|i| i.id() == k.id()) {
                item = Some(self.src(k).to_owned());
            } else if k.kind() == "for_loop_parameters" {
                let ks = named(k);
                item = ks.first().map(|x| self.src(*x).to_owned());
                index = ks.get(1).map(|x| self.src(*x).to_owned());
            } else if source.is_none() {
                source = Some(k);
            }
        }
        Some(Loop {
            item,
            index,
            source: source?,
            body,
        })
    }

    /// The items a loop runs over, or what names the list when the file does not know it (or
    /// it is longer than [`MAX_ITEMS`]).
    fn items(&self, l: &Loop<'_>, depth: usize) -> Result<Vec<E>, (String, Range<usize>)> {
        let src = l.source;
        match self.eval(src, depth + 1).v {
            V::Arr(items) if items.len() <= MAX_ITEMS => Ok(items),
            V::Arr(items) => Err((
                format!(
                    "{} ({} items: loops over more than {MAX_ITEMS} are not expanded)",
                    super::short(self.src(src)),
                    items.len()
                ),
                src.byte_range(),
            )),
            _ => Err((super::short(self.src(src)), src.byte_range())),
        }
    }

    /// Runs `f` with a loop's variables bound to `item` and `i`.
    fn with_locals<T>(&self, l: &Loop<'_>, item: E, i: usize, f: impl FnOnce() -> T) -> T {
        let mut pushed = 0;
        if let Some(name) = &l.item {
            self.locals.borrow_mut().push((name.clone(), item));
            pushed += 1;
        }
        if let Some(name) = &l.index {
            let at = l.source.byte_range();
            self.locals
                .borrow_mut()
                .push((name.clone(), E::new(at, V::Num(i.to_string()))));
            pushed += 1;
        }
        let out = f();
        let mut locals = self.locals.borrow_mut();
        let keep = locals.len().saturating_sub(pushed);
        locals.truncate(keep);
        out
    }

    /// `[for … in … : …]` as a value: the list of its bodies (an item whose condition is false
    /// left out); unknown when the list or a condition is.
    fn for_values(&self, n: TsNode<'_>, depth: usize) -> E {
        let Some(l) = self.loop_of(n) else {
            return self.unknown(n);
        };
        let items = match self.items(&l, depth) {
            Ok(items) => items,
            Err((text, _)) => return E::new(n.byte_range(), V::Unknown(text)),
        };
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let e = self.with_locals(&l, item, i, || match l.body.kind() {
                "if_statement" => {
                    let kids = named(l.body);
                    let cond = kids.first().map(|c| self.eval(*c, depth + 1).v);
                    match (cond, kids.last()) {
                        (Some(V::Bool(false)), _) => Ok(None),
                        (Some(V::Bool(true)), Some(b)) => Ok(Some(self.eval(*b, depth + 1))),
                        _ => Err(()),
                    }
                }
                _ => Ok(Some(self.eval(l.body, depth + 1))),
            });
            match e {
                Ok(Some(e)) => out.push(e),
                Ok(None) => {}
                Err(()) => return self.unknown(n),
            }
        }
        E::new(n.byte_range(), V::Arr(out))
    }

    fn resource(&self, name: &str) -> Option<&Decl<'t>> {
        self.resources
            .iter()
            .find(|(s, _)| s == name)
            .map(|(_, d)| d)
    }

    fn spend(&self) -> bool {
        super::spend(self.budget)
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
            "for_statement" => self.for_values(n, depth),
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
        if let Some((_, e)) = self.locals.borrow().iter().rev().find(|(k, _)| k == name) {
            return e.clone();
        }
        // A value the call gives (placed where this file uses it); a `params` object the
        // caller does not know gives every parameter unknown.
        if self.params.contains_key(name)
            && let Some(g) = self.given.and_then(|g| g.get(name).or_else(|| g.get("")))
        {
            return place(g, &n.byte_range());
        }
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
        // A declaration of the file sees no loop variable.
        let locals = self.locals.take();
        let e = self.eval(source, depth + 1);
        *self.locals.borrow_mut() = locals;
        self.active.borrow_mut().remove(name);
        self.memo.borrow_mut().insert(name.to_owned(), e.clone());
        e
    }

    /// `policy.id`, `policy.name`, `policy.type`, `policy.properties`.
    fn resource_member(&self, decl: &Decl<'t>, prop: &str, n: TsNode<'_>, depth: usize) -> E {
        let span = n.byte_range();
        let body = || {
            let mut b = decl.value;
            // The declared object, whatever condition wraps it (a loop's resources are many:
            // which one is meant is not read).
            for _ in 0..4 {
                match b.kind() {
                    "object" => {
                        let locals = self.locals.take();
                        let e = self.eval(b, depth + 1);
                        *self.locals.borrow_mut() = locals;
                        return Some(e);
                    }
                    "if_statement" => b = *named(b).last()?,
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
            | "extensionresourceid"
            | "length"
            | "range") => builtin(lower, args, n.byte_range()),
            lower @ ("tenant" | "subscription" | "managementgroup" | "resourcegroup") => {
                scope_function(lower, &args, n.byte_range())
            }
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

/// `tenant()`, `subscription('…')`, `managementGroup('…')` and `resourceGroup('…', '…')`:
/// a scope object with its `id` when the arguments name it whole; the deployment's own
/// (`subscription()`, `resourceGroup()`, `resourceGroup('rg')`) is known only at deployment.
fn scope_function(name: &str, args: &[E], span: Range<usize>) -> E {
    let texts: Option<Vec<String>> = args.iter().map(E::text).collect();
    let field = |k: &str, v: String| M {
        key: k.to_owned(),
        key_span: span.clone(),
        value: E::new(span.clone(), V::Str(v)),
    };
    let members = match (name, texts.as_deref()) {
        ("tenant", Some([])) => vec![field("id", "/".into())],
        ("subscription", Some([s])) => vec![
            field("id", format!("/subscriptions/{s}")),
            field("subscriptionId", s.clone()),
        ],
        ("managementgroup", Some([m])) => vec![
            field(
                "id",
                format!("/providers/Microsoft.Management/managementGroups/{m}"),
            ),
            field("name", m.clone()),
        ],
        ("resourcegroup", Some([s, rg])) => vec![
            field("id", format!("/subscriptions/{s}/resourceGroups/{rg}")),
            field("name", rg.clone()),
        ],
        _ => return E::new(span, V::Unknown(String::new())),
    };
    E::new(span, V::Obj(members))
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
