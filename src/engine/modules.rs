//! Bicep module calls and `.bicepparam` files, worked out before any file is linted: which
//! files a `.bicep` calls (`module m './pim.bicep' = { params: … }`) and which file a
//! `.bicepparam` gives values (`using './main.bicep'`). A file that something in the run calls
//! is read once per call, its parameters bound to the call's values, and never alone with its
//! defaults (which a deployment would not use); a file nothing calls is read alone. Findings
//! stay in the file that holds the value judged: the module's, whose policies are named by
//! the call (`ownerPolicy (main.bicep: module pim)`).
//!
//! Only local files are followed: a relative path to a regular `.bicep` file of bounded size
//! inside the working directory or the calling file's folder. A registry module (`br:`), a
//! template spec (`ts:`), an absolute path or a path built at deployment is not read (a
//! PIM017 note at the call); a file that is missing, or a call that leads back to its own
//! file, is a Bicep error (PIM001), as `bicep build` says. The graph is walked without
//! recursion, with bounds on files and calls. Documents in memory (a `--base` revision) call
//! each other by name among the run's documents, without touching the disk.

use crate::dialect::template::bicep::{self as reader, Bound, With};
use crate::input::{Input, InputKey};
use crate::source::decode;
use std::collections::HashMap;
use std::io::Read;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The most Bicep files a run follows through module calls and `using`.
const MAX_FILES: usize = 512;
/// The largest Bicep file read through a module call.
const MAX_BYTES: u64 = 4 << 20;
/// The most calls one file is read for (a module called in loops of modules multiplies).
pub(crate) const MAX_CALLS: usize = 64;

/// How each Bicep file of the run is read.
#[derive(Default)]
pub(crate) struct Plan {
    files: HashMap<usize, FilePlan>,
}

#[derive(Default)]
pub(crate) struct FilePlan {
    /// Something in the run calls the file: it is read once per call (none when no call is
    /// deployed), never alone.
    pub called: bool,
    /// One reading per call of the file.
    pub calls: Vec<Call>,
    /// Findings at this file's `module` and `using` statements.
    pub notes: Vec<Note>,
    /// The file calls modules the run reads, or (a `.bicepparam`) gives values to a file it
    /// reads: what it is about is linted there.
    pub feeds: bool,
}

/// One call of a file: the values its parameters get, and how its policies are named.
pub(crate) struct Call {
    pub label: String,
    pub given: Bound,
    /// The scope the call deploys the module at (its `scope:`, or its caller's), when known.
    pub scope: Option<String>,
}

/// A finding at a statement of the file.
pub(crate) struct Note {
    pub kind: NoteKind,
    pub span: Range<usize>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoteKind {
    /// The file is not valid Bicep (a missing module, a cycle): PIM001.
    Invalid,
    /// A module not read: what it deploys is known only at deployment (PIM017).
    NotRead,
}

impl Plan {
    pub fn get(&self, index: usize) -> Option<&FilePlan> {
        self.files.get(&index)
    }
}

struct File {
    /// The input's index in the run.
    index: usize,
    name: String,
    text: Arc<str>,
    dir: PathBuf,
    params: bool,
    /// A document in memory: its calls are looked up among the run's documents by name.
    memory: bool,
    /// Calls out of the file: (module symbol, or `None` for `using`; callee's node; where).
    edges: Vec<(Option<String>, usize, Range<usize>)>,
    /// The `params` of a `.bicepparam`.
    values: Bound,
}

fn is_bicep(p: &Path, ext: &str) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// Reads a file for the graph: a regular file of bounded size, decoded.
fn read_text(p: &Path) -> Result<String, String> {
    // Checked before opening: opening a pipe would wait for a writer.
    if !std::fs::metadata(p).is_ok_and(|m| m.is_file()) {
        return Err("is not a regular file".into());
    }
    let file = std::fs::File::open(p).map_err(|e| format!("cannot be read: {e}"))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot be read: {e}"))?;
    if !meta.is_file() {
        return Err("is not a regular file".into());
    }
    if meta.len() > MAX_BYTES {
        return Err(format!("is larger than {} MiB", MAX_BYTES >> 20));
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot be read: {e}"))?;
    decode(&bytes)
        .map(|(t, _)| t)
        .map_err(|_| "is not text".to_owned())
}

/// `a/./b/../c` → `a/c` (for the name a module's file is shown by).
fn tidy(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if out
                    .components()
                    .next_back()
                    .is_some_and(|l| matches!(l, Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// What a module path names: a local file to follow, or why it is not read.
enum Target {
    Local(PathBuf),
    NotRead(String),
    Invalid(String),
}

fn target(written: Option<&str>, caller_dir: &Path, roots: &[PathBuf], what: &str) -> Target {
    let Some(w) = written else {
        return Target::NotRead("its path is known only at deployment".into());
    };
    let lower = w.to_ascii_lowercase();
    if lower.starts_with("br:") || lower.starts_with("br/") {
        return Target::NotRead(format!("`{w}` is a registry module"));
    }
    if lower.starts_with("ts:") || lower.starts_with("ts/") {
        return Target::NotRead(format!("`{w}` is a template spec"));
    }
    let rel = Path::new(w);
    if rel.is_absolute() || w.starts_with('/') || w.starts_with('\\') || w.contains(':') {
        return Target::NotRead(format!("`{w}` is not a relative path"));
    }
    if !is_bicep(rel, "bicep") {
        return Target::NotRead(format!(
            "`{w}` is not a .bicep file (a template module is linted on its own)"
        ));
    }
    let joined = caller_dir.join(rel);
    let canonical = match joined.canonicalize() {
        Ok(c) => c,
        Err(e) => return Target::Invalid(format!("the {what} `{w}` cannot be read: {e}")),
    };
    if !roots.iter().any(|r| canonical.starts_with(r))
        && !caller_dir
            .canonicalize()
            .is_ok_and(|d| canonical.starts_with(d))
    {
        return Target::NotRead(format!(
            "`{w}` is outside the working directory and the calling file's folder"
        ));
    }
    // Shown as the caller wrote it, unless a symbolic link makes `..` lead elsewhere: then the
    // file checked above is the one read.
    let shown = tidy(&joined);
    if shown.canonicalize().is_ok_and(|c| c == canonical) {
        Target::Local(shown)
    } else {
        Target::Local(canonical)
    }
}

/// Works out the module graph of the run's Bicep files. Returns the plan and the module files
/// the run did not name (linted as found by a walk, after the others).
pub(crate) fn plan(inputs: &[Input]) -> (Plan, Vec<Input>) {
    let mut plan = Plan::default();
    let mut extra: Vec<Input> = Vec::new();
    let mut files: Vec<File> = Vec::new();
    let mut by_path: HashMap<PathBuf, usize> = HashMap::new();
    let cwd: Vec<PathBuf> = std::env::current_dir()
        .and_then(|d| d.canonicalize())
        .into_iter()
        .collect();
    // Documents in memory (a `--base` revision, tests) call each other by name only: a module
    // is another document of the run, never a file on disk.
    let mut by_name: HashMap<PathBuf, usize> = HashMap::new();
    for (index, input) in inputs.iter().enumerate() {
        let p = input.syntax_path();
        let params = is_bicep(p, "bicepparam");
        if !params && !is_bicep(p, "bicep") {
            continue;
        }
        let (text, memory) = match &input.key {
            InputKey::Local(p) => match read_text(p) {
                Ok(t) => {
                    if let Ok(c) = p.canonicalize() {
                        by_path.insert(c, files.len());
                    }
                    (t, false)
                }
                Err(_) => continue,
            },
            InputKey::Memory { bytes, .. } => match decode(bytes) {
                Ok((t, _)) => {
                    by_name.insert(tidy(p), files.len());
                    (t, true)
                }
                Err(_) => continue,
            },
        };
        files.push(File {
            index,
            name: input.name(),
            text: Arc::from(text),
            dir: p.parent().map(Path::to_path_buf).unwrap_or_default(),
            params,
            memory,
            edges: Vec::new(),
            values: Bound::new(),
        });
    }
    if files.is_empty() {
        return (plan, extra);
    }
    // Follow the calls, breadth first: each file is read once.
    let mut next = 0;
    while next < files.len() {
        let at = next;
        next += 1;
        let (text, params, name) = {
            let f = &files[at];
            (f.text.clone(), f.params, f.name.clone())
        };
        let refs = if params {
            match reader::bicepparam(&text, &name) {
                Ok((refs, values)) => {
                    files[at].values = values;
                    refs
                }
                Err(_) => continue,
            }
        } else {
            match reader::refs(&text) {
                Ok(r) => r,
                Err(_) => continue,
            }
        };
        let mut wanted: Vec<(Option<String>, Option<String>, Range<usize>)> = refs
            .modules
            .into_iter()
            .map(|m| (Some(m.symbol), m.path, m.span))
            .collect();
        if params && let Some((p, span)) = refs.using {
            wanted.push((None, Some(p), span));
        }
        for (symbol, written, span) in wanted {
            let dir = files[at].dir.clone();
            if files[at].memory {
                // Only another document of the run, by its name; nothing is read or reported.
                let found = written
                    .as_deref()
                    .filter(|w| !w.contains(':') && !Path::new(w).is_absolute())
                    .and_then(|w| by_name.get(&tidy(&dir.join(w))));
                if let Some(&callee) = found
                    && !files[callee].params
                {
                    files[at].edges.push((symbol, callee, span.clone()));
                }
                continue;
            }
            let note = |kind, message: String| Note {
                kind,
                span: span.clone(),
                message,
            };
            let what = if symbol.is_some() {
                "module file"
            } else {
                "`using` file"
            };
            let path = match target(written.as_deref(), &dir, &cwd, what) {
                Target::Local(p) => p,
                Target::NotRead(why) => {
                    let message = if symbol.is_some() {
                        format!(
                            "This module is not read ({why}): what it deploys is known only at deployment"
                        )
                    } else {
                        format!("The file this `using` names is not read ({why})")
                    };
                    push_note(&mut plan, files[at].index, note(NoteKind::NotRead, message));
                    continue;
                }
                Target::Invalid(why) => {
                    push_note(&mut plan, files[at].index, note(NoteKind::Invalid, why));
                    continue;
                }
            };
            let key = path.canonicalize().unwrap_or_else(|_| path.clone());
            let callee = match by_path.get(&key) {
                Some(&c) => c,
                None if files.len() >= MAX_FILES => {
                    let message = format!(
                        "The {what} `{}` is not read: the run follows at most {MAX_FILES} Bicep files",
                        written.as_deref().unwrap_or_default()
                    );
                    push_note(&mut plan, files[at].index, note(NoteKind::NotRead, message));
                    continue;
                }
                None => match read_text(&path) {
                    Ok(text) => {
                        let index = inputs.len() + extra.len();
                        let input = Input::path(path.clone(), false);
                        by_path.insert(key, files.len());
                        files.push(File {
                            index,
                            name: input.name(),
                            text: Arc::from(text),
                            dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
                            params: false,
                            memory: false,
                            edges: Vec::new(),
                            values: Bound::new(),
                        });
                        extra.push(input);
                        files.len() - 1
                    }
                    Err(why) => {
                        let message = format!(
                            "the {what} `{}` {why}",
                            written.as_deref().unwrap_or_default()
                        );
                        push_note(&mut plan, files[at].index, note(NoteKind::Invalid, message));
                        continue;
                    }
                },
            };
            if files[callee].params {
                let message = format!(
                    "the file `{}` is a parameters file, not a Bicep module",
                    written.as_deref().unwrap_or_default()
                );
                push_note(&mut plan, files[at].index, note(NoteKind::Invalid, message));
                continue;
            }
            files[at].edges.push((symbol, callee, span.clone()));
        }
    }
    let order = break_cycles(&mut files, &mut plan);
    bind(&files, &order, &mut plan);
    (plan, extra)
}

/// A chain of calls as a name: its first call and its last two, when it is longer.
fn short_chain(label: &str) -> String {
    let parts: Vec<&str> = label.split(" > ").collect();
    match parts.as_slice() {
        [first, .., a, b] if parts.len() > 3 => format!("{first} > … > {a} > {b}"),
        _ => label.to_owned(),
    }
}

fn push_note(plan: &mut Plan, index: usize, note: Note) {
    plan.files.entry(index).or_default().notes.push(note);
}

/// Drops each call that leads back to a file on its own path (a PIM001 at the call, as Bicep
/// refuses it) and returns the files in an order where every caller comes before what it
/// calls. Depth first, with an explicit stack.
fn break_cycles(files: &mut [File], plan: &mut Plan) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark = vec![Mark::New; files.len()];
    let mut post = Vec::with_capacity(files.len());
    let mut cut: Vec<(usize, usize)> = Vec::new();
    for start in 0..files.len() {
        if mark[start] != Mark::New {
            continue;
        }
        // (file, next edge to look at)
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        mark[start] = Mark::Open;
        while let Some(&mut (f, ref mut e)) = stack.last_mut() {
            let Some((_, callee, _)) = files[f].edges.get(*e) else {
                mark[f] = Mark::Done;
                post.push(f);
                stack.pop();
                continue;
            };
            let (callee, edge) = (*callee, *e);
            *e += 1;
            match mark[callee] {
                Mark::New => {
                    mark[callee] = Mark::Open;
                    stack.push((callee, 0));
                }
                Mark::Open => {
                    let from = stack.iter().position(|(g, _)| *g == callee).unwrap_or(0);
                    let mut names: Vec<&str> = stack[from..]
                        .iter()
                        .map(|(g, _)| files[*g].name.as_str())
                        .collect();
                    names.push(files[callee].name.as_str());
                    let message = format!(
                        "this module leads back to a file that calls it ({}): Bicep refuses a cycle of modules",
                        names.join(" → ")
                    );
                    let span = files[f].edges[edge].2.clone();
                    push_note(
                        plan,
                        files[f].index,
                        Note {
                            kind: NoteKind::Invalid,
                            span,
                            message,
                        },
                    );
                    cut.push((f, edge));
                }
                Mark::Done => {}
            }
        }
    }
    cut.sort_unstable();
    for (f, edge) in cut.into_iter().rev() {
        files[f].edges.remove(edge);
    }
    post.reverse();
    post
}

/// The calls of each file, callers first: a file nothing calls is read alone; each call of a
/// called file is read with the values the call gives (in each reading of its caller).
fn bind(files: &[File], order: &[usize], plan: &mut Plan) {
    let mut called = vec![false; files.len()];
    for f in files {
        for (_, callee, _) in &f.edges {
            called[*callee] = true;
        }
    }
    let mut calls: Vec<Vec<Call>> = files.iter().map(|_| Vec::new()).collect();
    let mut full = vec![false; files.len()];
    for &f in order {
        let file = &files[f];
        if !file.edges.is_empty() {
            plan.files.entry(file.index).or_default().feeds = true;
        }
        // The readings of this file that its calls are made in.
        let mine = std::mem::take(&mut calls[f]);
        type Reading<'a> = (Option<&'a Bound>, Option<&'a str>, Option<&'a str>);
        let readings: Vec<Reading<'_>> = if called[f] {
            mine.iter()
                .map(|c| (Some(&c.given), Some(c.label.as_str()), c.scope.as_deref()))
                .collect()
        } else if file.params {
            vec![(Some(&file.values), None, None)]
        } else {
            vec![(None, None, None)]
        };
        for (symbol, callee, span) in &file.edges {
            for (given, label, scope) in &readings {
                let prefix = label.map_or_else(String::new, |l| format!("{} > ", short_chain(l)));
                let made: Vec<Call> = match symbol {
                    None => vec![Call {
                        label: file.name.clone(),
                        given: given.cloned().unwrap_or_default(),
                        scope: None,
                    }],
                    Some(symbol) => {
                        let with = With {
                            given: *given,
                            label: *label,
                            scope: *scope,
                        };
                        match reader::module_params(&file.text, with, symbol, &file.name) {
                            Ok(v) => v
                                .into_iter()
                                .map(|m| Call {
                                    scope: m.scope,
                                    label: match m.index {
                                        Some(i) => {
                                            format!("{prefix}{}: module {symbol}[{i}]", file.name)
                                        }
                                        None => format!("{prefix}{}: module {symbol}", file.name),
                                    },
                                    given: m.given,
                                })
                                .collect(),
                            Err(_) => Vec::new(),
                        }
                    }
                };
                for c in made {
                    if calls[*callee].len() >= MAX_CALLS {
                        if !std::mem::replace(&mut full[*callee], true) {
                            push_note(
                                plan,
                                file.index,
                                Note {
                                    kind: NoteKind::NotRead,
                                    span: span.clone(),
                                    message: format!(
                                        "`{}` is read for its first {MAX_CALLS} calls only: the others are not judged",
                                        files[*callee].name
                                    ),
                                },
                            );
                        }
                        break;
                    }
                    calls[*callee].push(c);
                }
            }
        }
        if called[f] {
            let p = plan.files.entry(file.index).or_default();
            p.called = true;
            p.calls = mine;
        }
    }
}

/// Reads a Bicep file (or a `.bicepparam`) as the plan says: alone with its defaults, or once
/// per call with the call's values. A `.bicepparam` holds no resources: it is only checked.
pub(crate) fn read(
    index: usize,
    name: &str,
    text: &str,
    plan: Option<&FilePlan>,
) -> Result<Vec<crate::dialect::Document>, crate::source::SyntaxError> {
    if is_bicep(Path::new(name), "bicepparam") {
        return reader::bicepparam(text, name).map(|_| Vec::new());
    }
    match plan.filter(|p| p.called) {
        None => reader::read(index, text).map(|d| vec![d]),
        Some(p) if p.calls.is_empty() => crate::source::bicep::check(text).map(|()| Vec::new()),
        Some(p) => p
            .calls
            .iter()
            .map(|c| {
                let with = With {
                    given: Some(&c.given),
                    label: Some(&c.label),
                    scope: c.scope.as_deref(),
                };
                reader::read_with(index, text, with).map(join_within)
            })
            .collect(),
    }
}

/// One call's reading: an assignment of the module that names a policy of the same reading
/// gives that policy its role here, not through the run (where every call of the module has
/// the same policy id, and one call's role would be taken for another's).
fn join_within(mut doc: crate::dialect::Document) -> crate::dialect::Document {
    let ids: Vec<String> = doc
        .policies
        .iter()
        .filter_map(|p| p.id.as_deref().map(super::resolve::join_key))
        .collect();
    let (local, global): (Vec<_>, Vec<_>) = std::mem::take(&mut doc.links)
        .into_iter()
        .partition(|l| ids.contains(&super::resolve::join_key(&l.policy_id)));
    doc.links = global;
    if local.is_empty() {
        return doc;
    }
    let by_policy = super::resolve::links_by_policy(&local);
    doc.policies = std::mem::take(&mut doc.policies)
        .into_iter()
        .flat_map(|p| {
            if p.role.is_none() {
                super::resolve::join_all(p, &by_policy)
            } else {
                vec![p]
            }
        })
        .collect();
    doc
}
