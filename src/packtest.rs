//! `pim-lint test`: run a pack's own cases and compare with their expected findings.
//!
//! A pack directory holds pack files (`*.yaml` with `name` and `rules`) and `cases/`: for one
//! pack `cases/<input>`, for several `cases/<pack name>/<input>`. Each input (`.json`, `.yaml`)
//! has its expectation beside it, `<input stem>.expected.yaml`: a list of
//! `{code, line, severity}` (and optionally `message`, a substring). `--bless` writes the
//! expectations from what the run finds.

use crate::engine;
use crate::finding::Outcome;
use crate::input::{Input, display_name};
use crate::model::RoleCatalog;
use crate::pack::{ConfigError, RuleSet, load_specs};
use crate::source::{SourceFile, Syntax};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One expected or actual finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub code: String,
    pub line: usize,
    pub severity: String,
    pub message: Option<String>,
}

impl Expect {
    fn show(&self) -> String {
        match &self.message {
            Some(m) => format!("{} {} at line {}: {m}", self.code, self.severity, self.line),
            None => format!("{} {} at line {}", self.code, self.severity, self.line),
        }
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub text: String,
    pub passed: usize,
    pub failed: usize,
}

/// Pack files of a directory: top-level YAML files with `name` and `rules` keys.
fn pack_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let yaml = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if !yaml || !path.is_file() {
            continue;
        }
        let bytes = crate::input::read_file(&path)
            .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))?;
        let src = SourceFile::parse(path.display().to_string(), &bytes, Syntax::Yaml);
        if src
            .root
            .as_ref()
            .is_ok_and(|r| r.get("rules").is_some() && r.get("name").is_some())
        {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// The case inputs of a `cases` folder (an unreadable folder is an error, not "no cases").
fn case_inputs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let p = entry?.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let input = !name.contains(".expected.")
            && matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "yml")
            );
        if input && !p.is_dir() {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

fn expectation_path(input: &Path) -> PathBuf {
    let stem = input.file_stem().and_then(|s| s.to_str()).unwrap_or("case");
    input.with_file_name(format!("{stem}.expected.yaml"))
}

fn read_expectations(path: &Path) -> Result<Vec<Expect>, String> {
    let display = path.display().to_string();
    let bytes =
        crate::datafile::read(path, &display, "expectations").map_err(|e| e.message.clone())?;
    let src = SourceFile::parse(display.clone(), &bytes, Syntax::Yaml);
    let at = |span: &std::ops::Range<usize>, msg: &str| {
        let pos = src.position(span);
        format!("{display}:{}:{}: {msg}", pos.line, pos.column)
    };
    let root = match &src.root {
        Ok(r) => r,
        Err(e) => return Err(at(&(e.offset..e.offset), &e.message)),
    };
    if root.is_null() {
        return Ok(Vec::new());
    }
    let items = root
        .as_array()
        .ok_or_else(|| format!("{display}: expected a list of {{code, line, severity}}"))?;
    items
        .iter()
        .map(|it| {
            serde_json::from_value::<Expect>(it.to_json())
                .map_err(|_| at(&it.span, "each expectation needs code, line and severity"))
        })
        .collect()
}

fn actual(out: &Outcome) -> Vec<Expect> {
    let mut v: Vec<Expect> = out
        .findings
        .iter()
        .map(|f| Expect {
            code: f.code.to_string(),
            line: f.position.line as usize,
            severity: f.severity.to_string(),
            message: Some(f.message.to_string()),
        })
        .collect();
    v.sort();
    v
}

fn write_expectations(path: &Path, found: &[Expect]) -> std::io::Result<()> {
    let mut s = String::from(
        "# Expected findings (code, line, severity); written by `pim-lint test --bless`, then reviewed.\n",
    );
    if found.is_empty() {
        s.push_str("[]\n");
    }
    for e in found {
        let _ = writeln!(
            s,
            "- {{code: {}, line: {}, severity: {}}}",
            e.code, e.line, e.severity
        );
    }
    std::fs::write(path, s)
}

/// Compares; an expectation with a message matches an actual finding whose message contains it.
fn diff(expected: &[Expect], found: &[Expect]) -> (Vec<Expect>, Vec<Expect>) {
    let mut unmatched: Vec<Expect> = found.to_vec();
    let mut missing = Vec::new();
    for e in expected {
        let pos = unmatched.iter().position(|a| {
            a.code == e.code
                && a.line == e.line
                && a.severity == e.severity
                && e.message
                    .as_ref()
                    .is_none_or(|m| a.message.as_ref().is_some_and(|am| am.contains(m.as_str())))
        });
        match pos {
            Some(i) => {
                unmatched.remove(i);
            }
            None => missing.push(e.clone()),
        }
    }
    (missing, unmatched)
}

/// Runs every case of every pack in `dirs`.
pub fn run(dirs: &[PathBuf], catalog: &RoleCatalog, bless: bool) -> Result<Report, ConfigError> {
    let mut report = Report::default();
    for dir in dirs {
        let packs = pack_files(dir).map_err(|e| io_error(dir, &e.to_string()))?;
        if packs.is_empty() {
            return Err(io_error(
                dir,
                "no pack file (a .yaml file with `name` and `rules`) in this directory",
            ));
        }
        for pack_path in &packs {
            let loaded = load_specs(&[pack_path.to_string_lossy().into_owned()])?;
            let name = loaded.last().map(|p| p.name.clone()).unwrap_or_default();
            let set = RuleSet::from_packs(&loaded);
            let per_pack = dir.join("cases").join(&name);
            let cases_dir = if per_pack.is_dir() || packs.len() > 1 {
                per_pack
            } else {
                dir.join("cases")
            };
            // A pack whose cases cannot be found or read fails: "0 failed" must mean tested.
            let inputs = match case_inputs(&cases_dir) {
                Ok(inputs) if !inputs.is_empty() => inputs,
                Ok(_) => {
                    report.failed += 1;
                    let _ = writeln!(
                        report.text,
                        "FAIL [{name}]: no cases in {} (add input files with their .expected.yaml)",
                        display_name(&cases_dir)
                    );
                    continue;
                }
                Err(e) => {
                    report.failed += 1;
                    let _ = writeln!(
                        report.text,
                        "FAIL [{name}]: cannot read {}: {e}",
                        display_name(&cases_dir)
                    );
                    continue;
                }
            };
            for input in inputs {
                run_case(&input, &name, &set, catalog, bless, &mut report);
            }
        }
    }
    let _ = writeln!(
        report.text,
        "\n{} passed, {} failed",
        report.passed, report.failed
    );
    Ok(report)
}

fn io_error(dir: &Path, msg: &str) -> ConfigError {
    let src = SourceFile::parse(dir.display().to_string(), b"", Syntax::Yaml);
    ConfigError::at(&src, 0..0, format!("{}: {msg}", dir.display()), None)
}

fn run_case(
    input: &Path,
    pack: &str,
    set: &RuleSet,
    catalog: &RoleCatalog,
    bless: bool,
    report: &mut Report,
) {
    let out = engine::lint(&[Input::path(input, true)], set, catalog);
    let found = actual(&out);
    let exp_path = expectation_path(input);
    let name = display_name(input);
    if let Some(e) = out.errors.iter().find(|e| e.fatal) {
        report.failed += 1;
        let _ = writeln!(report.text, "FAIL {name} [{pack}]: {}", e.message);
        return;
    }
    if bless {
        match write_expectations(&exp_path, &found) {
            Ok(()) => {
                report.passed += 1;
                let _ = writeln!(
                    report.text,
                    "blessed {name} [{pack}]: {} finding(s)",
                    found.len()
                );
            }
            Err(e) => {
                report.failed += 1;
                let _ = writeln!(
                    report.text,
                    "FAIL {name} [{pack}]: cannot write {}: {e}",
                    exp_path.display()
                );
            }
        }
        return;
    }
    let expected = match read_expectations(&exp_path) {
        Ok(e) => e,
        Err(msg) => {
            report.failed += 1;
            let _ = writeln!(
                report.text,
                "FAIL {name} [{pack}]: {msg}\n     (write it by hand or run `pim-lint test --bless` and review it)"
            );
            return;
        }
    };
    let (missing, unexpected) = diff(&expected, &found);
    if missing.is_empty() && unexpected.is_empty() {
        report.passed += 1;
        let _ = writeln!(
            report.text,
            "ok   {name} [{pack}]: {} finding(s) as expected",
            found.len()
        );
        return;
    }
    report.failed += 1;
    let _ = writeln!(
        report.text,
        "FAIL {name} [{pack}]: findings differ from {}",
        display_name(&exp_path)
    );
    for m in &missing {
        let _ = writeln!(report.text, "  - expected {}", m.show());
    }
    for u in &unexpected {
        let _ = writeln!(report.text, "  + found    {}", u.show());
    }
}
