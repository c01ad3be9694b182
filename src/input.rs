//! The input stage: which documents a run reads and how their bytes are obtained. A key is a
//! local path today (a file named or found by walking, or standard input); a live fetch adds
//! documents held in memory under a remote key. Nothing after this stage knows which it was.

use crate::finding::RunError;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where a document comes from. Standard input and pipes are read whole when the run starts
/// and held in memory (a run reads every input twice: directory context first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputKey {
    /// A file on disk (named on the command line or found while walking).
    Local(PathBuf),
    /// A document already in memory (tests, `pim-lint test`, a live fetch): its name as shown
    /// in reports and its bytes.
    Memory { name: String, bytes: Vec<u8> },
}

/// A document to lint and how it was found.
#[derive(Debug, Clone)]
pub struct Input {
    pub key: InputKey,
    /// Named on the command line (an unrecognised file is then an error, not skipped).
    pub explicit: bool,
}

/// The largest input read (a bigger file is a run error, never a partial read).
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

impl Input {
    pub fn path(path: impl Into<PathBuf>, explicit: bool) -> Input {
        Input {
            key: InputKey::Local(path.into()),
            explicit,
        }
    }

    pub fn memory(name: impl Into<String>, bytes: Vec<u8>) -> Input {
        Input {
            key: InputKey::Memory {
                name: name.into(),
                bytes,
            },
            explicit: true,
        }
    }

    /// The name reports show: the path as given, with `/` separators.
    pub fn name(&self) -> String {
        match &self.key {
            InputKey::Local(p) => display_name(p),
            InputKey::Memory { name, .. } => name.clone(),
        }
    }

    /// The file name used to choose the syntax (`.yaml`/`.yml` are YAML).
    pub fn syntax_path(&self) -> &Path {
        match &self.key {
            InputKey::Local(p) => p,
            InputKey::Memory { name, .. } => Path::new(name),
        }
    }

    /// The document's bytes, read with a size bound; only regular files and pipes are read.
    pub fn read(&self) -> Result<std::borrow::Cow<'_, [u8]>, String> {
        match &self.key {
            InputKey::Memory { bytes, .. } => Ok(std::borrow::Cow::Borrowed(bytes)),
            InputKey::Local(p) => read_file(p).map(std::borrow::Cow::Owned),
        }
    }
}

fn is_pipe(p: &Path) -> bool {
    #[cfg(unix)]
    {
        std::fs::metadata(p).is_ok_and(|m| std::os::unix::fs::FileTypeExt::is_fifo(&m.file_type()))
    }
    #[cfg(not(unix))]
    {
        let _ = p;
        false
    }
}

/// Up to `n` bytes from the start of the document (the whole of it when it is shorter).
impl Input {
    pub fn read_prefix(&self, n: usize) -> Result<std::borrow::Cow<'_, [u8]>, String> {
        match &self.key {
            InputKey::Memory { bytes, .. } => {
                Ok(std::borrow::Cow::Borrowed(bytes.get(..n).unwrap_or(bytes)))
            }
            InputKey::Local(p) => {
                let file = std::fs::File::open(p).map_err(|e| format!("cannot read: {e}"))?;
                if !file.metadata().is_ok_and(|m| m.is_file()) {
                    return Err("cannot read: not a regular file".into());
                }
                let mut buf = Vec::with_capacity(n.min(1 << 20));
                file.take(n as u64)
                    .read_to_end(&mut buf)
                    .map_err(|e| format!("cannot read: {e}"))?;
                Ok(std::borrow::Cow::Owned(buf))
            }
        }
    }
}

/// Reads a regular file or a pipe (process substitution), at most [`MAX_INPUT_BYTES`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    let kind = meta.file_type();
    #[cfg(unix)]
    let pipe = std::os::unix::fs::FileTypeExt::is_fifo(&kind);
    #[cfg(not(unix))]
    let pipe = false;
    if !kind.is_file() && !pipe {
        return Err("cannot read: not a regular file".into());
    }
    read_bounded(file)
}

fn read_bounded(r: impl Read) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    r.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read: {e}"))?;
    if buf.len() as u64 > MAX_INPUT_BYTES {
        return Err(format!(
            "cannot read: larger than {} MiB",
            MAX_INPUT_BYTES >> 20
        ));
    }
    Ok(buf)
}

/// Display name of a path: as given, with `/` separators.
pub fn display_name(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// A symbolic link loop met while walking: the files are reached another way.
fn is_loop(e: &ignore::Error) -> bool {
    match e {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        ignore::Error::Partial(errs) => errs.iter().all(is_loop),
        _ => false,
    }
}

/// A file a walk passed over, and why (shown with `--verbose`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub why: &'static str,
}

/// Finds the `.json`, `.yaml`, `.yml` and `.tf` files under `paths`, honouring `.gitignore`. A named
/// file is taken whatever its extension; `-` is standard input. Results are sorted per path for
/// stable output.
pub fn discover(paths: &[PathBuf], errors: &mut Vec<RunError>) -> Vec<Input> {
    discover_with(paths, errors, None)
}

/// [`discover`], also listing every file the walks passed over and why in `skipped`.
pub fn discover_with(
    paths: &[PathBuf],
    errors: &mut Vec<RunError>,
    mut skipped: Option<&mut Vec<Skipped>>,
) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        // Standard input and pipes (a process substitution, `<(az rest …)`) can be read only
        // once, and a run reads its inputs twice (context first): they are read here, whole.
        if p.as_os_str() == "-" {
            match read_bounded(std::io::stdin().lock()) {
                Ok(bytes) => out.push(Input::memory("<stdin>.json", bytes)),
                Err(e) => errors.push(RunError::fatal(Some("<stdin>".into()), e)),
            }
            continue;
        }
        if is_pipe(p) {
            match read_file(p) {
                Ok(bytes) => out.push(Input::memory(display_name(p), bytes)),
                Err(e) => errors.push(RunError::fatal(Some(display_name(p)), e)),
            }
            continue;
        }
        // A rule pack's test case is `pim-lint test`'s input, even when named (pre-commit passes
        // every changed file): its findings are expected ones.
        if p.is_file() && is_pack_case(p) {
            if let Some(s) = skipped.as_deref_mut() {
                s.push(Skipped {
                    path: display_name(p),
                    why: PACK_CASE,
                });
            }
            continue;
        }
        // Any other named file is read whatever its extension; what is not a regular file is
        // reported when it is read.
        if p.exists() && !p.is_dir() {
            out.push(Input::path(p.clone(), true));
            continue;
        }
        if !p.exists() {
            errors.push(RunError::fatal(
                Some(p.display().to_string()),
                "no such file or directory",
            ));
            continue;
        }
        let mut found = Vec::new();
        let mut seen = std::collections::HashSet::new();
        // Hidden folders are walked (exports live in `.azure/`, `.github/`); `.git` is not.
        let walker = ignore::WalkBuilder::new(p)
            .follow_links(true)
            .require_git(false)
            .hidden(false)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    let path = e.path();
                    if !e.file_type().is_some_and(|t| t.is_file()) {
                        continue;
                    }
                    if skipped.is_some() {
                        seen.insert(path.to_path_buf());
                    }
                    match candidate(path) {
                        Ok(()) => found.push(path.to_path_buf()),
                        Err(why) => {
                            if let Some(s) = skipped.as_deref_mut() {
                                s.push(Skipped {
                                    path: display_name(path),
                                    why,
                                });
                            }
                        }
                    }
                }
                Err(e) => errors.push(RunError {
                    path: Some(p.display().to_string()),
                    message: format!("while walking: {e}"),
                    fatal: !is_loop(&e),
                }),
            }
        }
        found.sort();
        out.extend(found.into_iter().map(|f| Input::path(f, false)));
        if let Some(s) = skipped.as_deref_mut() {
            ignored_files(p, &seen, s);
        }
    }
    out
}

/// What the ignore rules hid from a walk of `root`: every file a walk without them finds that
/// the walk did not (and `.git` once).
fn ignored_files(
    root: &Path,
    seen: &std::collections::HashSet<PathBuf>,
    skipped: &mut Vec<Skipped>,
) {
    let mut hidden = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .follow_links(true)
        .standard_filters(false)
        .build();
    for e in walker.flatten() {
        if e.file_name() == ".git" && e.file_type().is_some_and(|t| t.is_dir()) {
            hidden.push(Skipped {
                path: display_name(e.path()),
                why: "the repository's own data (.git) is never walked",
            });
            continue;
        }
        if e.path().components().any(|c| c.as_os_str() == ".git") {
            continue;
        }
        if e.file_type().is_some_and(|t| t.is_file()) && !seen.contains(e.path()) {
            hidden.push(Skipped {
                path: display_name(e.path()),
                why: "ignored by .gitignore or .ignore",
            });
        }
    }
    hidden.sort_by(|a, b| a.path.cmp(&b.path));
    skipped.extend(hidden);
}

/// Whether a walked file is linted, or why not.
const PACK_CASE: &str =
    "a rule pack's test case (its expected findings are beside it; `pim-lint test` runs it)";

/// A pack test case: a document with its expectations beside it, `<stem>.expected.yaml` (see
/// `packtest`), e.g. `rules/cases/baseline/tier0-without-approval.json`.
fn is_pack_case(path: &Path) -> bool {
    let (Some(stem), Some(ext)) = (
        path.file_stem().and_then(|s| s.to_str()),
        path.extension().and_then(|e| e.to_str()),
    ) else {
        return false;
    };
    !stem.ends_with(".expected")
        && matches!(ext.to_ascii_lowercase().as_str(), "json" | "yaml" | "yml")
        && path
            .with_file_name(format!("{stem}.expected.yaml"))
            .is_file()
}

fn candidate(path: &Path) -> Result<(), &'static str> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.starts_with(".pim-lint") {
        return Err("the pim-lint config itself");
    }
    if is_pack_case(path) {
        return Err(PACK_CASE);
    }
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("json" | "yaml" | "yml" | "tf" | "bicep" | "bicepparam") => Ok(()),
        Some("ps1") if mentions_aad_role_setting(path) => Ok(()),
        Some("ps1") => Err("a PowerShell file without a Microsoft365DSC AADRoleSetting resource"),
        _ => Err("not a .json, .yaml, .yml, .tf, .bicep, .bicepparam or .ps1 file"),
    }
}

/// A `.ps1` file is linted when it mentions the Microsoft365DSC `AADRoleSetting` resource
/// (compared without regard to case); an unreadable one is taken, to be reported when read.
fn mentions_aad_role_setting(path: &Path) -> bool {
    match read_file(path) {
        Ok(bytes) => {
            let lower = bytes.to_ascii_lowercase();
            memchr::memmem::find(&lower, b"aadrolesetting").is_some()
        }
        Err(_) => true,
    }
}
