//! YAML data files — packs, the config, the role catalogue, account mappings — read into plain
//! serde structs, with every error located in the YAML.
//!
//! Four steps: [`read`] the file (a regular file, at most [`MAX_SIZE`]); [`DataFile::parse`] it
//! into the span-keeping tree (a file that is not YAML, or not the expected kind of file, is
//! reported without showing any of its content); [`DataFile::load`] validates it against its
//! published JSON Schema — each error located through its instance path — and deserialises it
//! with serde. The semantic checks (rule codes, parameters, dates) are the callers'; they report
//! through [`DataFile::error`] with a JSON pointer.
//!
//! An item that fails the schema (a list item, or a map value) is dropped before deserialising,
//! so one bad entry does not hide the semantic errors of the others; lists are read with
//! [`indexed`] so each item keeps its index, and so its pointer.

mod diag;
mod explain;
mod read;
mod words;

pub use diag::ConfigError;
pub use read::{MAX_SIZE, read};

use crate::source::{Node, SourceFile, Syntax, Value};
use serde::de::DeserializeOwned;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// One kind of data file: its name in messages, its published schema and how it is recognised.
pub struct Kind {
    pub what: &'static str,
    schema_text: &'static str,
    /// A non-empty mapping is taken for this kind of file only when it has one of these keys;
    /// anything else is reported without its content (it may be a secret file named by mistake).
    keys: &'static [&'static str],
    /// A document with nothing but comments is valid and reads as `null`.
    empty_ok: bool,
    compiled: OnceLock<Result<Compiled, String>>,
}

struct Compiled {
    json: serde_json::Value,
    validator: jsonschema::Validator,
}

impl Kind {
    pub const fn new(
        what: &'static str,
        schema_text: &'static str,
        keys: &'static [&'static str],
        empty_ok: bool,
    ) -> Kind {
        Kind {
            what,
            schema_text,
            keys,
            empty_ok,
            compiled: OnceLock::new(),
        }
    }

    fn compiled(&self) -> Result<&Compiled, &str> {
        self.compiled
            .get_or_init(|| {
                let json: serde_json::Value =
                    serde_json::from_str(self.schema_text).map_err(|e| e.to_string())?;
                let validator = jsonschema::validator_for(&json).map_err(|e| e.to_string())?;
                Ok(Compiled { json, validator })
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// Whether a JSON value satisfies the schema (tests, and callers that only need a yes/no).
    pub fn is_valid(&self, value: &serde_json::Value) -> bool {
        self.compiled().is_ok_and(|c| c.validator.is_valid(value))
    }
}

/// Deserialises a list whose items may have been dropped for schema errors (`null`), keeping
/// each remaining item's index: `#[serde(default, deserialize_with = "indexed")]`.
pub fn indexed<'de, D, T>(d: D) -> Result<Vec<(usize, T)>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    let items: Vec<Option<T>> = serde::Deserialize::deserialize(d)?;
    Ok(items
        .into_iter()
        .enumerate()
        .filter_map(|(i, t)| t.map(|t| (i, t)))
        .collect())
}

/// `extends: baseline` or `extends: [baseline, ./team.yaml]`.
#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<Option<String>>),
}

impl OneOrMany {
    /// Each string with its pointer (`base` itself, or `base/i` in a list).
    pub fn items(self, base: &str) -> Vec<(String, String)> {
        match self {
            OneOrMany::One(s) => vec![(base.to_owned(), s)],
            OneOrMany::Many(list) => list
                .into_iter()
                .enumerate()
                .filter_map(|(i, s)| s.map(|s| (format!("{base}/{i}"), s)))
                .collect(),
        }
    }
}

/// A parsed data file and the errors found in it so far.
pub struct DataFile {
    pub src: Arc<SourceFile>,
    kind: &'static Kind,
    errors: Vec<ConfigError>,
}

impl DataFile {
    /// Decodes and parses YAML. A file that is not YAML, or not a mapping of this kind, is an
    /// error that shows none of its content.
    pub fn parse(name: String, bytes: &[u8], kind: &'static Kind) -> Result<DataFile, ConfigError> {
        let src = Arc::new(SourceFile::parse(name, bytes, Syntax::Yaml));
        let what = kind.what;
        let hidden =
            "pim-lint does not show the content of a file it cannot read as a YAML mapping.";
        let mut file = DataFile {
            src: src.clone(),
            kind,
            errors: Vec::new(),
        };
        let root = match &src.root {
            Ok(root) => root,
            Err(_) if kind.empty_ok && is_blank(&src.text) => return Ok(file),
            Err(e) => {
                let pos = src.position(&(e.offset..e.offset));
                return Err(ConfigError::plain(
                    &src.name,
                    format!(
                        "the {what} {} is not valid YAML (line {}, column {}): {}",
                        src.name, pos.line, pos.column, e.message
                    ),
                    Some(hidden.into()),
                )
                .positioned(pos.line as usize, pos.column as usize));
            }
        };
        let recognised = match &root.value {
            Value::Object(members) => {
                members.is_empty() || members.iter().any(|m| kind.keys.contains(&m.key.as_ref()))
            }
            Value::Null => kind.empty_ok,
            _ => false,
        };
        if !recognised {
            let keys: Vec<String> = kind.keys.iter().map(|k| format!("`{k}`")).collect();
            return Err(ConfigError::plain(
                &src.name,
                format!(
                    "{} is not a {what}: expected a YAML mapping with {}",
                    src.name,
                    keys.join(" or ")
                ),
                Some(hidden.into()),
            ));
        }
        file.duplicate_keys(root);
        Ok(file)
    }

    /// Validates against the kind's schema and deserialises. Schema errors at pointers for which
    /// `by_hand` is true are left to the caller (it reports them with more context). `None` when
    /// the file could not be deserialised; its errors are kept for [`DataFile::finish`].
    pub fn load<T: DeserializeOwned>(&mut self, by_hand: &dyn Fn(&str) -> bool) -> Option<T> {
        let mut json = match &self.src.root {
            Ok(root) => root.to_json(),
            Err(_) => serde_json::Value::Null,
        };
        let compiled = match self.kind.compiled() {
            Ok(c) => c,
            Err(e) => {
                let msg = format!(
                    "the built-in {} schema does not compile: {e}",
                    self.kind.what
                );
                self.errors
                    .push(ConfigError::plain(&self.src.name, msg, None));
                return None;
            }
        };
        let problems = explain::problems(
            compiled.validator.iter_errors(&json),
            &compiled.json,
            by_hand,
        );
        for p in &problems {
            let span = if p.at_key {
                self.key_span(&p.pointer)
            } else {
                self.span(&p.pointer)
            };
            self.push(span, p.message.clone(), p.help.clone());
        }
        for p in &problems {
            explain::prune(&mut json, p);
        }
        match serde_json::from_value(json) {
            Ok(v) => Some(v),
            Err(e) => {
                if self.errors.is_empty() {
                    let msg = format!(
                        "the {} does not have the expected shape: {e}",
                        self.kind.what
                    );
                    self.error("", msg, None);
                }
                None
            }
        }
    }

    /// An error at the value a pointer names.
    pub fn error(&mut self, pointer: &str, message: impl Into<String>, help: Option<String>) {
        let span = self.span(pointer);
        self.push(span, message.into(), help);
    }

    /// An error at the key of the member a pointer names (`unknown parameter `mni``).
    pub fn error_at_key(
        &mut self,
        pointer: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let span = self.key_span(pointer);
        self.push(span, message.into(), help);
    }

    pub fn push(&mut self, span: Range<usize>, message: String, help: Option<String>) {
        self.errors
            .push(ConfigError::at(&self.src, span, message, help));
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The value, or every error in file order (the first carries the others).
    pub fn finish<T>(mut self, value: T) -> Result<T, ConfigError> {
        self.errors.sort_by_key(|e| (e.span.start, e.span.end));
        match self.errors.into_iter().reduce(ConfigError::and) {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }

    /// The span of the value at `pointer` (containers: their first character), or of the
    /// deepest node on the way when it does not exist.
    pub fn span(&self, pointer: &str) -> Range<usize> {
        let Ok(root) = &self.src.root else {
            return 0..0;
        };
        match find(root, pointer) {
            Some((_, node)) => match node.value {
                Value::Object(_) | Value::Array(_) => node.span.start..node.span.start + 1,
                _ => node.span.clone(),
            },
            None => root.locate(pointer),
        }
    }

    /// The span of the key of the member at `pointer` (a list item: the item).
    pub fn key_span(&self, pointer: &str) -> Range<usize> {
        let Ok(root) = &self.src.root else {
            return 0..0;
        };
        match find(root, pointer) {
            Some((Some(key), _)) => key,
            _ => self.span(pointer),
        }
    }

    /// The node at `pointer`, for spans that cover more than one value.
    pub fn node(&self, pointer: &str) -> Option<&Node<'static>> {
        find(self.src.root.as_ref().ok()?, pointer).map(|(_, n)| n)
    }

    /// YAML keys must be unique; the tree keeps both, the JSON view only the last.
    fn duplicate_keys(&mut self, root: &Node) {
        let mut stack = vec![root];
        let mut found = Vec::new();
        while let Some(node) = stack.pop() {
            match &node.value {
                Value::Object(members) => {
                    for (i, m) in members.iter().enumerate() {
                        if let Some(first) = members[..i].iter().find(|x| x.key == m.key) {
                            found.push((
                                m.key.to_string(),
                                m.key_span.clone(),
                                first.key_span.clone(),
                            ));
                        }
                        stack.push(&m.value);
                    }
                }
                Value::Array(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
        for (key, span, first) in found {
            let line = self.src.position(&first).line;
            self.push(
                span,
                format!("duplicate key `{key}`"),
                Some(format!(
                    "It is already set on line {line}; YAML keys must be unique."
                )),
            );
        }
    }
}

fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---" || l == "..."
    })
}

/// The node at an RFC 6901 pointer and, when it is a member, its key's span.
fn find<'n>(
    root: &'n Node<'static>,
    pointer: &str,
) -> Option<(Option<Range<usize>>, &'n Node<'static>)> {
    let mut node = root;
    let mut key = None;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        match &node.value {
            Value::Object(members) => {
                let m = members.iter().rev().find(|m| m.key == token.as_str())?;
                key = Some(m.key_span.clone());
                node = &m.value;
            }
            Value::Array(items) => {
                key = None;
                node = items.get(token.parse::<usize>().ok()?)?;
            }
            _ => return None,
        }
    }
    Some((key, node))
}

/// `base` + `/key`, the key escaped.
pub fn join(base: &str, key: &str) -> String {
    format!("{base}/{}", crate::source::escape_pointer_token(key))
}

#[cfg(test)]
mod tests;
