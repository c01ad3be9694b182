//! The context stage: a pass over the inputs that reads the directory context (users, groups,
//! role definitions, role schedules) before any policy is checked. A document is context when
//! its first item is (Graph list responses hold one kind of entity), so a policy export is read
//! only as far as its first item here; a context file is read whole, once.

use super::check;
use super::file::locate;
use super::par_map;
use crate::dialect;
use crate::finding::Finding;
use crate::input::Input;
use crate::model::directory::Directory;
use crate::model::{Problem, ProblemKind, Ptr};
use crate::pack::RuleSet;
use crate::rules::validity::schema_violation;
use crate::source::{SourceFile, Syntax, decode, json, yaml};
use std::sync::Arc;

/// A file read whole by this pass.
pub(crate) struct ContextFile {
    pub src: SourceFile,
    /// It also holds policies or assignments: the lint pass reads it for those.
    pub mixed: bool,
}

/// What the pass found.
#[derive(Default)]
pub(crate) struct Context {
    pub directory: Directory,
    /// Per input: `Some` for a context file.
    pub files: Vec<Option<ContextFile>>,
    /// Type errors in directory records (PIM003), located.
    pub findings: Vec<Finding>,
}

/// Reads the directory context of the run. Files that cannot be read or parsed are left to the
/// lint pass, which reports them.
pub(crate) fn gather(
    inputs: &[Input],
    threads: usize,
    ruleset: &RuleSet,
    bicep: &super::modules::Plan,
) -> Context {
    let results = par_map(inputs, threads, |i, input| read_context(i, input, bicep));
    let mut ctx = Context::default();
    for (index, r) in results.into_iter().enumerate() {
        match r {
            Ok(Some((file, directory, problems))) => {
                let mut findings: Vec<Finding> = problems
                    .into_iter()
                    .filter_map(|pr| {
                        let (label, help) = match schema_violation::problem_words(pr.kind) {
                            (label, _) if pr.kind == ProblemKind::WrongType => {
                                (label, schema_violation::DIRECTORY_HELP)
                            }
                            words => words,
                        };
                        let mut f = check::file_finding(
                            schema_violation::RULE.code,
                            ruleset,
                            index,
                            pr.pointer.span.clone(),
                            pr.message,
                            help,
                            label,
                        )?;
                        if !pr.pointer.path.is_empty() {
                            f.pointer = Some(crate::finding::intern(&pr.pointer.path));
                        }
                        Some(f)
                    })
                    .collect();
                locate(&file.src, &mut findings);
                ctx.findings.extend(findings);
                ctx.directory.merge(directory);
                ctx.files.push(Some(file));
            }
            _ => ctx.files.push(None),
        }
    }
    ctx
}

type Read = (ContextFile, Directory, Vec<Problem>);

/// How much of a file the context pass reads to find its first item (more when the item is
/// longer).
const HEAD: usize = 16 * 1024;

/// Whether a JSON document's first item (or its root, when it has no list) is directory context.
/// `None` when the text does not hold a whole first item.
fn first_is_context(index: usize, text: &str) -> Option<bool> {
    let (ptr, item) = json::first_item(text).ok()?;
    let doc = if ptr.is_empty() {
        dialect::normalise(index, &item)
    } else {
        dialect::normalise_item(index, &item, &ptr)
    };
    Some(!doc.directory.is_empty() || doc.directory.has_requests())
}

/// The decoded head of a UTF-8 file (cut at a character boundary); `None` for other encodings.
fn utf8_head(bytes: &[u8]) -> Option<&str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(s),
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok(),
        Err(_) => None,
    }
}

fn read_context(index: usize, input: &Input, bicep: &super::modules::Plan) -> Option<Read> {
    // Terraform holds no directory records.
    if dialect::terraform::is_terraform(&input.name()) {
        return None;
    }
    let syntax = Syntax::from_path(input.syntax_path());
    if syntax == Syntax::Json {
        // Only as far as the first item, to tell what the file is.
        let head = input.read_prefix(HEAD).ok()?;
        let text = utf8_head(&head);
        // A whole first item without any key a directory record needs is not context: most
        // policy exports are passed over without being parsed.
        if let Some(t) = text
            && json::first_item_end(t).is_some()
            && !dialect::may_hold_directory_records(t)
        {
            return None;
        }
        let known = text.and_then(|t| first_is_context(index, t));
        match known {
            Some(false) => return None,
            Some(true) => {}
            // The first item is longer than the head, or the file is UTF-16: decode it all.
            None => {
                let bytes = input.read().ok()?;
                let (text, _) = decode(&bytes).ok()?;
                if !first_is_context(index, &text)? {
                    return None;
                }
            }
        }
    }
    let bytes = input.read().ok()?;
    let (text, encoding) = decode(&bytes).ok()?;
    drop(bytes);
    let text: Arc<str> = Arc::from(text);
    let mut directory = Directory::default();
    let mut problems = Vec::new();
    let mut mixed = false;
    let mut duplicates = Vec::new();
    let parsed = match syntax {
        Syntax::Json => json::parse_streaming(
            &text,
            &mut |ptr, item| {
                let doc = dialect::normalise_item(index, &item, &ptr);
                mixed |= !doc.policies.is_empty() || !doc.links.is_empty();
                directory.merge(doc.directory);
                problems.extend(doc.problems);
            },
            &mut duplicates,
        )
        .map(|root| {
            let doc = dialect::normalise(index, &root);
            mixed |= !doc.policies.is_empty() || !doc.links.is_empty();
            directory.merge(doc.directory);
            problems.extend(doc.problems);
        }),
        Syntax::Bicep => {
            super::modules::read(index, &input.name(), &text, bicep.get(index)).map(|docs| {
                for doc in docs {
                    mixed |= !doc.policies.is_empty() || !doc.links.is_empty();
                    directory.merge(doc.directory);
                    problems.extend(doc.problems);
                }
            })
        }
        Syntax::Yaml => yaml::parse_reporting(&text, &mut duplicates).map(|root| {
            let doc = dialect::normalise(index, &root);
            mixed |= !doc.policies.is_empty() || !doc.links.is_empty();
            directory.merge(doc.directory);
            problems.extend(doc.problems);
        }),
    };
    // A file that does not parse, or holds no context after all, is the lint pass's to report.
    if parsed.is_err() || (directory.is_empty() && !directory.has_requests()) {
        return None;
    }
    // Keys repeated in a file of context only (the lint pass reports those of other files).
    if !mixed {
        problems.extend(duplicates.into_iter().map(|(key, span)| {
            Problem::of(
                ProblemKind::RepeatedKey,
                Ptr::new(String::new(), span),
                schema_violation::duplicate_key_message(&key),
            )
        }));
    }
    let src = SourceFile::from_text(input.name(), text, encoding, syntax, None);
    Some((ContextFile { src, mixed }, directory, problems))
}
