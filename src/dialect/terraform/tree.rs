//! One shape for a resource's arguments, whatever Terraform file they came from: a `.tf`
//! block (each argument evaluated as far as it can be without Terraform) or a resource's
//! values in `terraform show -json` (a plan's `after` with `after_unknown`, or a state's
//! `values`). The mapping to the model reads only this shape, so both inputs give the same
//! policies for the same settings.

use super::eval::{Module, Val, principal_kind};
use crate::model::directory::PrincipalKind;
use hcl_edit::Span;
use hcl_edit::expr::Expression;
use std::ops::Range;

/// The arguments and nested blocks of a resource or block.
#[derive(Debug, Default)]
pub(crate) struct Body {
    /// Where this body is (a pointer-like path; findings carry it).
    pub path: String,
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Block>,
    /// What this body sets that is known only at deployment and cannot be read as an argument
    /// (a `dynamic` block, a plan's unknown block): named once, by its text and place.
    pub opaque: Vec<(String, Range<usize>)>,
}

/// One argument, evaluated.
#[derive(Debug)]
pub(crate) struct Attr {
    pub key: String,
    pub val: Val,
    /// The value's place in the file.
    pub span: Range<usize>,
    /// The expression as written, one line (what PIM017 names when the value is unknown).
    pub text: String,
    /// Each item's place, for a list.
    pub items: Vec<Range<usize>>,
    /// What kind of principal the expression refers to (`azuread_group.x.object_id`).
    pub kind: Option<PrincipalKind>,
}

/// A nested block (`activation_rules { … }`).
#[derive(Debug)]
pub(crate) struct Block {
    pub ident: String,
    /// The block's header: where findings about the block as a whole go.
    pub span: Range<usize>,
    pub body: Body,
}

impl Body {
    pub(crate) fn attr(&self, key: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.key == key)
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.attr(key).is_some()
    }

    pub(crate) fn block(&self, ident: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.ident == ident)
    }

    pub(crate) fn attr_path(&self, key: &str) -> String {
        format!("{}/{key}", self.path)
    }
}

fn span_of(s: &impl Span) -> Range<usize> {
    s.span().unwrap_or(0..0)
}

/// How deep nested blocks are lowered (the providers' schemas nest four deep).
const MAX_NESTING: usize = 16;

/// A `.tf` block's body, every argument evaluated against the module.
pub(crate) fn from_hcl(body: &hcl_edit::structure::Body, path: String, module: &Module) -> Body {
    from_hcl_at(body, path, module, 0)
}

fn from_hcl_at(
    body: &hcl_edit::structure::Body,
    path: String,
    module: &Module,
    depth: usize,
) -> Body {
    let attrs = body
        .attributes()
        .map(|a| Attr {
            key: a.key.as_str().to_owned(),
            val: module.eval(&a.value),
            span: span_of(&a.value),
            text: module.text_of(&a.value),
            items: match &a.value {
                Expression::Array(items) => items.iter().map(span_of).collect(),
                _ => Vec::new(),
            },
            kind: principal_kind(&a.value),
        })
        .collect();
    let mut blocks = Vec::new();
    let mut opaque = Vec::new();
    if depth < MAX_NESTING {
        let mut seen: Vec<(&str, usize)> = Vec::new();
        for b in body.blocks() {
            let ident = b.ident.as_str();
            if ident == "dynamic" {
                // Its blocks exist only once `for_each` is expanded by Terraform.
                let label = b.labels.first().map_or("", |l| l.as_str());
                let end = b
                    .labels
                    .last()
                    .map_or_else(|| span_of(&b.ident).end, |l| span_of(l).end);
                opaque.push((format!("dynamic \"{label}\""), span_of(&b.ident).start..end));
                continue;
            }
            let n = match seen.iter_mut().find(|(i, _)| *i == ident) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    seen.push((ident, 0));
                    0
                }
            };
            let bpath = if n == 0 {
                format!("{path}/{ident}")
            } else {
                format!("{path}/{ident}/{n}")
            };
            blocks.push(Block {
                ident: ident.to_owned(),
                span: span_of(&b.ident),
                body: from_hcl_at(&b.body, bpath, module, depth + 1),
            });
        }
    }
    Body {
        path,
        attrs,
        blocks,
        opaque,
    }
}
