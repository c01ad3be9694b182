//! Where a value is in the user's file: [`Ptr`] (pointer and span), [`Loc`] (a value and its
//! place) and [`Strings`] (a list with each item's place).

use serde::Serialize;

/// Where a value is in the user's file: its RFC 6901 pointer and the byte range a report
/// highlights (a scalar's value; a container's key up to its opening bracket). Normalisers fill
/// both from the span tree, so a finding is located the moment a rule names the value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ptr {
    pub path: String,
    pub span: std::ops::Range<usize>,
}

impl Ptr {
    pub fn new(path: impl Into<String>, span: std::ops::Range<usize>) -> Ptr {
        Ptr {
            path: path.into(),
            span,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.path
    }

    /// This place or one inside it.
    pub fn encloses(&self, other: &str) -> bool {
        other == self.path
            || (other.starts_with(&self.path)
                && other.as_bytes().get(self.path.len()) == Some(&b'/'))
    }
}

impl From<&Ptr> for Ptr {
    fn from(p: &Ptr) -> Ptr {
        p.clone()
    }
}

impl std::fmt::Display for Ptr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.path)
    }
}

impl Serialize for Ptr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.path)
    }
}

/// A list of strings, with where each item is (rules point at one item of `enabledRules`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Strings {
    pub value: Vec<String>,
    pub pointer: Ptr,
    #[serde(skip)]
    pub items: Vec<std::ops::Range<usize>>,
}

impl Strings {
    /// Where item `i` is (the list itself when the item is unknown).
    pub fn item(&self, i: usize) -> Ptr {
        Ptr::new(
            format!("{}/{i}", self.pointer.path),
            self.items
                .get(i)
                .cloned()
                .unwrap_or_else(|| self.pointer.span.clone()),
        )
    }
}

/// A value and where it was read from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Loc<T> {
    pub value: T,
    pub pointer: Ptr,
}

impl<T> Loc<T> {
    pub fn new(value: T, pointer: impl Into<Ptr>) -> Loc<T> {
        Loc {
            value,
            pointer: pointer.into(),
        }
    }
}
