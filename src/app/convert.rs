//! `pim-lint convert`: the role settings of any readable source as desired-state YAML.

use super::{EXIT_CLEAN, EXIT_FAILURE, print_run_errors};
use crate::dialect::desired;
use crate::engine;
use crate::input;
use crate::pack::RuleSet;
use crate::report::escape::terminal;
use std::io::Write;
use std::path::{Path, PathBuf};

pub(super) fn convert(
    paths: &[PathBuf],
    live: Option<&crate::cli::LiveArgs>,
    output_file: Option<&Path>,
    quiet: bool,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let catalog = match crate::roles::builtin_roles() {
        Ok(c) => c,
        Err(e) => {
            super::print_config_error(&e, stderr);
            return EXIT_FAILURE;
        }
    };
    let missing: Vec<_> = paths
        .iter()
        .filter(|p| live.is_none() && p.as_os_str() != "-" && !p.exists())
        .map(|p| {
            crate::finding::RunError::fatal(
                Some(p.display().to_string()),
                "no such file or directory",
            )
        })
        .collect();
    if !missing.is_empty() {
        print_run_errors(&missing, stderr);
        return EXIT_FAILURE;
    }
    let mut errors = Vec::new();
    let inputs = match live {
        Some(l) => match super::live::inputs(l, None, quiet, stderr) {
            Ok(i) => i,
            Err(code) => return code,
        },
        None => input::discover(paths, &mut errors),
    };
    // No rule runs: only the normalised (and resolved) policies are wanted.
    let ruleset = RuleSet::default();
    let opts = engine::Options {
        keep_policies: true,
        keep_sources: false,
        threads: 0,
        keep_context: false,
    };
    let outcome = engine::lint_with(&inputs, &ruleset, &catalog, opts);
    errors.extend(outcome.errors.iter().cloned());
    print_run_errors(&errors, stderr);
    if errors.iter().any(|e| e.fatal) {
        return EXIT_FAILURE;
    }
    if outcome.policies.is_empty() {
        let _ = writeln!(
            stderr,
            "error: no role settings found in the inputs (`pim-lint check` says why a file is not read)"
        );
        return EXIT_FAILURE;
    }
    let written = desired::write(&outcome.policies);
    if !quiet {
        for n in &written.notes {
            let _ = writeln!(stderr, "note: {}", terminal(n));
        }
        let _ = writeln!(
            stderr,
            "converted {} of {} policies",
            written.written.len(),
            outcome.policies.len()
        );
    }
    let result = match output_file {
        Some(path) => super::output::write_file(path, &written.text),
        None => super::output::write_stdout(stdout, &written.text),
    };
    match result {
        Ok(()) => EXIT_CLEAN,
        Err(e) => {
            let _ = writeln!(stderr, "error: {}", terminal(&e));
            EXIT_FAILURE
        }
    }
}
