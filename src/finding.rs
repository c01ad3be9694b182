//! What a run produces: located findings, the run's own errors, and the outcome renderers read.
//! Plain data shared by the engine, suppression and the renderers (none of which import each
//! other through it).

use crate::model::directory::Directory;
use crate::model::{Policy, RoleRef};
use crate::rules::Severity;
use crate::source::{Position, SourceFile};
use std::ops::Range;
use std::sync::Arc;

/// A problem with the run itself (exit 2), not with a user's policy.
#[derive(Debug, Clone)]
pub struct RunError {
    pub path: Option<String>,
    pub message: String,
    /// A warning (e.g. a symlink loop, whose files are linted through the other path) does not
    /// fail the run; everything else does.
    pub fatal: bool,
}

impl RunError {
    pub fn fatal(path: Option<String>, message: impl Into<String>) -> RunError {
        RunError {
            path,
            message: message.into(),
            fatal: true,
        }
    }
}

/// A located finding, ready for any renderer. It is born with its span (the normaliser recorded
/// it beside the pointer); the locate stage only turns the span into line and column.
///
/// A run may hold millions: text that repeats (messages, labels, pointers, scopes, roles,
/// subjects, controls) is shared through [`intern`], a policy's id is shared by its findings,
/// and the identity is kept as its fingerprint only.
#[derive(Debug, Clone)]
pub struct Finding {
    pub code: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: Arc<str>,
    pub help: Arc<str>,
    pub label: Option<Arc<str>>,
    /// Index into [`Outcome::files`].
    pub file: usize,
    /// The byte range in the file's decoded text (inputs are at most 1 GiB); [`Finding::range`].
    pub span: Range<u32>,
    pub position: Position,
    pub pointer: Option<Arc<str>>,
    pub policy_id: Option<Arc<str>>,
    pub scope: Option<Arc<str>>,
    /// Shared by the findings of one policy.
    pub role: Option<Arc<RoleRef>>,
    /// "Global Administrator (tier0)" with its scope, for renderers that show one line.
    pub subject: Option<Arc<str>>,
    /// The framework control of the pack entry that produced it.
    pub control: Option<Arc<str>>,
    /// What stays the same when the export is reformatted or re-fetched — rule, the policy's
    /// role and scope (ARM policy names change on every update), and the place inside the rule —
    /// as a 128-bit fingerprint (SARIF `partialFingerprints`). [`Fingerprint::NONE`] until
    /// located.
    pub fingerprint: Fingerprint,
    /// The pointer of the thing the finding is about, when several rules may report it (PIM310
    /// and PIM311 on one assignment): renderers for people show such findings as one.
    pub about: Option<Arc<str>>,
    /// The id of the principal the finding is about (an assignment's principal, an approver),
    /// for `ignore` entries with a `principal` selector.
    pub principal: Option<Arc<str>>,
}

impl Finding {
    /// The byte range in the file's decoded text.
    pub fn range(&self) -> Range<usize> {
        self.span.start as usize..self.span.end as usize
    }
}

/// A byte range as a finding keeps it.
pub fn span32(r: Range<usize>) -> Range<u32> {
    let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    n(r.start)..n(r.end)
}

/// A finding an `ignore` entry of the config suppressed.
#[derive(Debug, Clone)]
pub struct Suppressed {
    pub finding: Finding,
    /// The ignore entry's reason (required in the config).
    pub reason: String,
    /// The entry's `until` date (YYYY-MM-DD), when it has one.
    pub until: Option<String>,
}

/// A stable 128-bit digest of a finding's identity: two FNV-1a 64 passes with different offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub u64, pub u64);

impl Fingerprint {
    /// Not computed yet (the locate stage gives file-level findings one).
    pub const NONE: Fingerprint = Fingerprint(0, 0);

    pub fn is_none(self) -> bool {
        self == Fingerprint::NONE
    }

    pub fn of(identity: &str) -> Fingerprint {
        let fnv = |seed: u64| {
            identity.bytes().fold(seed, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
            })
        };
        Fingerprint(fnv(0xcbf2_9ce4_8422_2325), fnv(0x8422_2325_cbf2_9ce4))
    }

    /// The fingerprint of this identity followed by `more` (FNV continues from its state).
    pub fn extend(self, more: &str) -> Fingerprint {
        let step = |h: u64| {
            more.bytes().fold(h, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
            })
        };
        Fingerprint(step(self.0), step(self.1))
    }

    pub fn hex(self) -> String {
        format!("{:016x}{:016x}", self.0, self.1)
    }
}

pub use crate::model::intern::{intern, intern_role};

/// A `'static` copy of `s`, made once per distinct text for the whole process: for the codes and
/// names of rules a pack defines (a handful per run), so every finding names its rule with a
/// plain reference.
pub fn static_str(s: &str) -> &'static str {
    static TABLE: std::sync::Mutex<Option<std::collections::HashSet<&'static str>>> =
        std::sync::Mutex::new(None);
    let mut guard = TABLE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let table = guard.get_or_insert_with(Default::default);
    if let Some(&t) = table.get(s) {
        return t;
    }
    let t: &'static str = Box::leak(s.to_owned().into_boxed_str());
    table.insert(t);
    t
}

/// The position of a finding not yet located.
pub const UNLOCATED: Position = Position {
    line: 1,
    column: 1,
    end_line: 1,
    end_column: 1,
};

/// Everything a run produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The input files (names; text only where a renderer needs it), then the config file when
    /// suppressions reported something.
    pub files: Vec<SourceFile>,
    /// The policies, only when the run was asked to keep them.
    pub policies: Vec<Policy>,
    pub policy_count: usize,
    pub findings: Vec<Finding>,
    /// Files found while walking that hold no known dialect (shown with `--verbose`).
    pub skipped: Vec<(String, &'static str)>,
    pub errors: Vec<RunError>,
    /// Files read as inputs (`files` may also hold the config file, for its diagnostics).
    pub linted_files: usize,
    /// Findings an `ignore` entry suppressed: out of `findings` (they neither fail the run nor
    /// show), kept for SARIF, which lists them with a suppression, and for the counts.
    pub suppressed: Vec<Suppressed>,
    /// The directory context the run read (empty without context files).
    pub directory: Directory,
    /// The policies directory rules and the approver report look at (only their approval,
    /// activation and authentication-context rules are kept).
    pub context: Vec<Policy>,
}

impl Outcome {
    pub fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == s).count()
    }

    /// Sorts by file, line, column, code (the order every renderer shows), then by what else
    /// tells two findings apart, so the order never depends on which worker finished first. An
    /// in-place sort: a million findings need no second buffer.
    pub fn sort_findings(&mut self) {
        let files = &self.files;
        let key = |f: &Finding| {
            (
                files.get(f.file).map(|s| s.name.as_str()),
                f.position.line,
                f.position.column,
                f.code,
                f.position.end_line,
                f.position.end_column,
                f.severity,
                f.message.clone(),
                f.pointer.clone(),
                f.subject.clone(),
            )
        };
        self.findings.sort_unstable_by(|a, b| {
            let fa = files.get(a.file).map(|s| s.name.as_str());
            let fb = files.get(b.file).map(|s| s.name.as_str());
            (fa, a.position.line, a.position.column, &a.code)
                .cmp(&(fb, b.position.line, b.position.column, &b.code))
                .then_with(|| key(a).cmp(&key(b)))
        });
    }
}

/// The identity of a policy's finding, independent of formatting, array order and ARM policy
/// names: `code | kind | role | scope | rule id + path inside the rule`. Built from explicit,
/// stable strings (SARIF fingerprints depend on it).
pub fn identity(code: &str, p: &Policy, pointer: &str) -> String {
    let who = match &p.role {
        Some(r) => format!(
            "{}|{}|{}",
            p.kind.fingerprint_name(),
            r.id.as_deref()
                .or(r.name.as_deref())
                .unwrap_or_default()
                .to_ascii_lowercase(),
            p.scope.as_deref().unwrap_or_default().to_ascii_lowercase()
        ),
        None => format!("policy|{}", p.id.as_deref().unwrap_or_default()),
    };
    let inner = p
        .rules
        .iter()
        .find(|r| r.pointer.encloses(pointer))
        .map(|r| format!("{}{}", r.id.value, &pointer[r.pointer.path.len()..]))
        .unwrap_or_else(|| {
            if pointer == p.rules_pointer.path {
                "rules".into()
            } else {
                pointer
                    .strip_prefix(p.pointer.path.as_str())
                    .unwrap_or(pointer)
                    .to_owned()
            }
        });
    format!("{code}|{who}|{inner}")
}

#[cfg(test)]
mod tests {
    use super::Fingerprint;

    #[test]
    fn a_fingerprint_extends_like_the_longer_identity() {
        assert_eq!(
            Fingerprint::of("PIM101|x").extend("|occurrence 2"),
            Fingerprint::of("PIM101|x|occurrence 2")
        );
        // The published digest of an identity (SARIF partialFingerprints) does not change.
        assert_eq!(
            Fingerprint::of("").hex(),
            "cbf29ce484222325842223 25cbf29ce4".replace(' ', "")
        );
    }
}
