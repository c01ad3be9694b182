//! Bytes → [`SourceFile`]: decoding, a span-keeping tree, a line index and pointer → span resolution.

pub(crate) mod bicep;
mod decode;
pub(crate) mod json;
pub(crate) mod jsonc;
mod lines;
mod node;
pub(crate) mod yaml;

pub use decode::{Encoding, decode};
pub use lines::LineIndex;
pub use node::{Member, Node, Value, escape_pointer_token};

use std::ops::Range;
use std::sync::Arc;

/// A syntax error with the byte offset (in the decoded text) where it was detected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// Which syntax a file is read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Yaml,
    /// `.bicep` and `.bicepparam`: parsed with the tree-sitter Bicep grammar (no JSON tree).
    Bicep,
}

impl Syntax {
    /// Chooses the syntax from a file name: `.yaml`/`.yml` are YAML, `.bicep` Bicep, everything
    /// else JSON.
    pub fn from_path(path: &std::path::Path) -> Syntax {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(e) if e == "yaml" || e == "yml" => Syntax::Yaml,
            Some(e) if e == "bicep" || e == "bicepparam" => Syntax::Bicep,
            _ => Syntax::Json,
        }
    }
}

/// Parses decoded text into a tree that borrows from it.
pub fn parse_text(text: &str, syntax: Syntax) -> Result<Node<'_>, SyntaxError> {
    match syntax {
        Syntax::Json => json::parse(text),
        Syntax::Yaml => yaml::parse(text),
        // A Bicep file has no JSON tree: its root is null once it parses.
        Syntax::Bicep => bicep::check(text).map(|()| Node {
            span: 0..0,
            value: Value::Null,
        }),
    }
}

/// One input file: its decoded text, its tree (when it parsed) and a line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it, or relative to the walked directory.
    pub name: String,
    pub text: Arc<str>,
    pub encoding: Encoding,
    pub syntax: Syntax,
    lines: std::sync::OnceLock<LineIndex>,
    pub root: Result<Node<'static>, SyntaxError>,
}

/// Line and column (1-based; columns count Unicode code points) of a span's start and end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl SourceFile {
    /// Decodes and parses `bytes`. Never fails: problems are kept in `root` as a [`SyntaxError`].
    pub fn parse(name: String, bytes: &[u8], syntax: Syntax) -> SourceFile {
        let (text, encoding, root) = match decode(bytes) {
            Ok((text, encoding)) => {
                let root = parse_text(&text, syntax).map(Node::into_owned);
                (text, encoding, root)
            }
            Err(e) => (e.lossy_text, e.encoding, Err(e.error)),
        };
        SourceFile {
            name,
            text: Arc::from(text),
            encoding,
            syntax,
            lines: std::sync::OnceLock::new(),
            root,
        }
    }

    /// The span for an RFC 6901 pointer. A pointer that goes past the tree resolves to the deepest
    /// node that exists. Containers resolve to their key (`"rules": [`) so a report shows one line.
    pub fn span_of(&self, pointer: &str) -> Range<usize> {
        match &self.root {
            Ok(root) => root.locate(pointer),
            Err(e) => e.offset..e.offset,
        }
    }

    /// A file whose tree is not kept: decoded text, and the syntax error if it did not parse.
    /// (The lint pipeline parses a borrowed tree with [`parse_text`] and drops it.)
    pub fn from_text(
        name: String,
        text: Arc<str>,
        encoding: Encoding,
        syntax: Syntax,
        error: Option<SyntaxError>,
    ) -> SourceFile {
        let root = Err(error.unwrap_or_else(|| SyntaxError {
            offset: 0,
            message: "the tree was released after linting".into(),
        }));
        SourceFile {
            name,
            text,
            encoding,
            syntax,
            lines: std::sync::OnceLock::new(),
            root,
        }
    }

    /// The line index, built on first use (files without findings never need one).
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// Drops the tree once findings are located (a run keeps only what renderers need).
    pub fn forget_tree(&mut self) {
        if self.root.is_ok() {
            self.root = Err(SyntaxError {
                offset: 0,
                message: "the tree was released after linting".into(),
            });
        }
    }

    /// Drops the text and line index (machine formats need only the located findings).
    pub fn forget_text(&mut self) {
        self.text = Arc::from("");
        self.lines = std::sync::OnceLock::new();
    }

    pub fn position(&self, span: &Range<usize>) -> Position {
        let lines = self.lines();
        let (line, column) = lines.line_col(&self.text, span.start);
        let (end_line, end_column) = lines.line_col(&self.text, span.end.max(span.start));
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Position {
            line: n(line),
            column: n(column),
            end_line: n(end_line),
            end_column: n(end_column),
        }
    }
}

#[cfg(test)]
mod tests;
