//! Errors in packs and config files: miette diagnostics with spans into the YAML (exit 2).

use crate::source::SourceFile;
use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// Boxed so `Result<_, ConfigError>` stays small.
#[derive(Debug, Clone)]
pub struct ConfigError(Box<Inner>);

#[derive(Debug, Clone)]
pub struct Inner {
    pub file: String,
    pub message: String,
    pub help: Option<String>,
    pub span: Range<usize>,
    pub line: usize,
    pub column: usize,
    /// The text shown around the span; `None` for a file that is not the kind expected (its
    /// bytes are never printed: it may be `/proc/self/environ` or a key file).
    source: Option<NamedSource<Arc<str>>>,
    /// Further errors in the same file.
    pub others: Vec<ConfigError>,
}

impl ConfigError {
    pub fn at(
        src: &SourceFile,
        span: Range<usize>,
        message: String,
        help: Option<String>,
    ) -> ConfigError {
        let pos = src.position(&span);
        ConfigError(Box::new(Inner {
            file: src.name.clone(),
            message,
            help,
            span,
            line: pos.line as usize,
            column: pos.column as usize,
            source: Some(NamedSource::new(src.name.clone(), src.text.clone())),
            others: Vec::new(),
        }))
    }

    /// An error about a file as a whole, shown without any of its content (line and column 0
    /// when the error has no place: the file cannot be read, or is not the expected kind).
    pub fn plain(file: &str, message: String, help: Option<String>) -> ConfigError {
        ConfigError(Box::new(Inner {
            file: file.to_owned(),
            message,
            help,
            span: 0..0,
            line: 0,
            column: 0,
            source: None,
            others: Vec::new(),
        }))
    }

    /// Sets the line and column a [`ConfigError::plain`] error names in its message.
    pub(crate) fn positioned(mut self, line: usize, column: usize) -> ConfigError {
        self.0.line = line;
        self.0.column = column;
        self
    }

    /// Chains another error of the same file so all are shown at once.
    pub fn and(mut self, other: ConfigError) -> ConfigError {
        self.0.others.push(other);
        self
    }

    /// This error and the ones chained to it.
    pub fn all(&self) -> Vec<&ConfigError> {
        std::iter::once(self).chain(self.others.iter()).collect()
    }
}

impl std::ops::Deref for ConfigError {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("pim-lint::config"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let len = self.span.end.saturating_sub(self.span.start);
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some("here".into()), (self.span.start, len)),
        )))
    }
}
