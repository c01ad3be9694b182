//! Why a live fetch stopped. Every failure ends the run (exit 2): a partial tenant is never
//! linted as if it were whole.

/// A live fetch that did not complete, in words for the person running it.
#[derive(Debug, Clone)]
pub struct LiveError {
    /// What could not be read or done, e.g. "Graph: directory-role policies".
    pub what: String,
    /// Why, with the HTTP status and the service's error code where there was one.
    pub why: String,
    /// What to do about it (a permission, a role, a login), when known.
    pub hint: Option<String>,
}

impl LiveError {
    pub(crate) fn auth(why: String) -> LiveError {
        LiveError {
            what: "credentials".into(),
            why,
            hint: None,
        }
    }

    pub(crate) fn new(what: impl Into<String>, why: impl Into<String>) -> LiveError {
        LiveError {
            what: what.into(),
            why: why.into(),
            hint: None,
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> LiveError {
        self.hint = Some(hint.into());
        self
    }

    /// The error with every occurrence of each secret replaced: belt and braces, since no
    /// message is built from a token in the first place.
    pub(crate) fn scrubbed(mut self, secrets: &[String]) -> LiveError {
        for s in secrets.iter().filter(|s| s.len() >= 8) {
            for text in [&mut self.what, &mut self.why] {
                if text.contains(s.as_str()) {
                    *text = text.replace(s.as_str(), "[redacted]");
                }
            }
            if let Some(h) = &mut self.hint
                && h.contains(s.as_str())
            {
                *h = h.replace(s.as_str(), "[redacted]");
            }
        }
        self
    }
}

impl std::fmt::Display for LiveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "live fetch incomplete: {}: {}", self.what, self.why)?;
        if let Some(h) = &self.hint {
            write!(f, "\n  help: {h}")?;
        }
        write!(
            f,
            "\n  nothing was linted: a partial tenant is never reported as if it were whole"
        )
    }
}

impl std::error::Error for LiveError {}
