//! Rule packs: which rules run, at which severity, for which tiers, with which parameters.
//! Packs are YAML data (`rules/*.yaml`, embedded, or files), read through
//! [`crate::datafile`]: schema-checked, deserialised with serde, every error pointing into the
//! pack file.

mod entry;
mod load;
mod ruleset;
mod select;

pub use crate::datafile::ConfigError;
pub use entry::{Entry, UserRule, is_user_code};
pub use load::{PACK, load_pack};
pub(crate) use load::{in_params, params};
pub use ruleset::{FileRole, RuleInfo, RuleSet};
pub use select::{Selector, SeveritySpec};

use crate::datafile;
use crate::source::SourceFile;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The packs shipped in the binary.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    ("baseline", include_str!("../../rules/baseline.yaml")),
    ("strict", include_str!("../../rules/strict.yaml")),
    ("cisa-scuba", include_str!("../../rules/cisa-scuba.yaml")),
    ("cis-m365", include_str!("../../rules/cis-m365.yaml")),
];

/// How deep `extends` may nest.
const MAX_EXTENDS_DEPTH: usize = 8;

#[derive(Debug, Clone)]
pub struct Pack {
    pub name: String,
    pub description: Option<String>,
    /// Packs this one builds on (names or paths relative to this pack), applied first.
    pub extends: Vec<String>,
    pub entries: Vec<Entry>,
    pub user_rules: Vec<UserRule>,
    /// The pack file (errors about its `extends` point into it).
    pub source: Option<Arc<SourceFile>>,
    /// Where each `extends` item is in the file.
    pub extends_spans: Vec<Range<usize>>,
}

/// Where a pack was named: the file, the span of the name there, and the directory relative
/// paths start from (a pack's or config's `extends`).
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub src: &'a SourceFile,
    pub span: &'a Range<usize>,
    pub dir: &'a Path,
}

pub fn builtin_pack(name: &str) -> Option<Result<Pack, ConfigError>> {
    BUILTIN_PACKS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, text)| load_pack(format!("<builtin>/rules/{n}.yaml"), text.as_bytes()))
}

/// Loads packs by built-in name or path, each preceded by the packs it `extends` (built-in names,
/// or paths relative to the extending pack).
pub fn load_specs(specs: &[String]) -> Result<Vec<Pack>, ConfigError> {
    let mut out = Vec::new();
    let mut walk = Extends::default();
    for spec in specs {
        load_spec(spec, None, &mut walk, &mut out)?;
    }
    Ok(out)
}

/// The state of one walk of the `extends` graph: the packs being loaded above the current one
/// (a cycle check) and every pack already loaded — each is loaded once, so a graph with fan-out
/// (A extends B and C, both extend D, …) costs one load per pack, not one per path.
#[derive(Debug, Default)]
pub struct Extends {
    chain: Vec<String>,
    done: std::collections::HashSet<String>,
}

/// Loads one pack named at `origin` (and what it extends, unless already loaded) onto `out`.
pub fn load_spec(
    spec: &str,
    origin: Option<Origin>,
    walk: &mut Extends,
    out: &mut Vec<Pack>,
) -> Result<(), ConfigError> {
    let known: Vec<&str> = BUILTIN_PACKS.iter().map(|(n, _)| *n).collect();
    let fail = |msg: String| {
        let help = Some(format!("Built-in packs: {}.", known.join(", ")));
        match origin {
            Some(o) => ConfigError::at(o.src, o.span.clone(), msg, help),
            None => ConfigError::plain(spec, msg, help),
        }
    };
    let path = origin.map_or_else(|| PathBuf::from(spec), |o| o.dir.join(spec));
    let display = path.display().to_string();
    let builtin = builtin_pack(spec);
    let key = match &builtin {
        Some(_) => spec.to_owned(),
        None => std::fs::canonicalize(&path)
            .map_or_else(|_| display.clone(), |p| p.display().to_string()),
    };
    if walk.done.contains(&key) {
        return Ok(());
    }
    let chain = &mut walk.chain;
    if chain.contains(&key) {
        let through = chain.join(" → ");
        return Err(fail(format!(
            "pack `{spec}` extends itself (through {through})"
        )));
    }
    if chain.len() >= MAX_EXTENDS_DEPTH {
        return Err(fail(format!(
            "`extends` of pack `{spec}` nests more than {MAX_EXTENDS_DEPTH} deep"
        )));
    }
    let (pack, dir) = match builtin {
        Some(p) => (p?, None),
        None => {
            let bytes =
                datafile::read(&path, &display, "pack").map_err(|e| fail(e.message.clone()))?;
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            (load_pack(display, &bytes)?, Some(dir))
        }
    };
    chain.push(key.clone());
    if let Some(src) = &pack.source {
        let dir = dir.as_deref().unwrap_or(Path::new("."));
        for (parent, span) in pack.extends.iter().zip(&pack.extends_spans) {
            let origin = Origin { src, span, dir };
            load_spec(parent, Some(origin), walk, out)?;
        }
    }
    walk.chain.pop();
    walk.done.insert(key);
    out.push(pack);
    Ok(())
}

#[cfg(test)]
mod tests;
