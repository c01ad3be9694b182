//! `pim-lint approvers`: who can approve activation of which role.

use super::{EXIT_CLEAN, EXIT_FAILURE, print_config_error, print_run_errors};
use super::{find_config, load_packs};
use crate::cli::{CheckArgs, ColorChoice, FailOn, Format};
use crate::engine;
use crate::input;
use crate::model::RoleCatalog;
use crate::pack::{ConfigError, RuleSet};
use crate::report;
use std::io::Write;
use std::path::PathBuf;

pub(super) fn approvers(
    paths: &[PathBuf],
    live: Option<&crate::cli::LiveArgs>,
    format: crate::cli::ApproverFormat,
    config: Option<PathBuf>,
    no_config: bool,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let args = CheckArgs {
        paths: paths.to_vec(),
        format: Format::Json,
        statistics: false,
        output_file: None,
        sarif_file: None,
        markdown_file: None,
        packs: Vec::new(),
        fail_on: FailOn::Never,
        color: ColorChoice::Never,
        quiet: true,
        verbose: false,
        allow_empty: true,
        config,
        no_config,
        skip_unknown: true,
        base: None,
        live: live.is_some(),
        live_args: live.cloned().unwrap_or_else(super::live::default_args),
    };
    let setup = || -> Result<(RuleSet, RoleCatalog), ConfigError> {
        let config = find_config(&args)?;
        let mut catalog = crate::roles::builtin_roles()?;
        let mut ruleset = RuleSet::from_packs(&load_packs(&[])?);
        ruleset.retain_categories(|c| c != crate::rules::Category::Requests);
        if let Some(c) = &config {
            c.apply_roles(&mut catalog);
            ruleset.accounts = c.accounts()?;
            ruleset.emergency = c.emergency();
            ruleset.files = c.files.clone();
        }
        Ok((ruleset, catalog))
    };
    let (ruleset, catalog) = match setup() {
        Ok(s) => s,
        Err(e) => {
            print_config_error(&e, stderr);
            return EXIT_FAILURE;
        }
    };
    let mut errors = Vec::new();
    let inputs = match live {
        Some(l) => match super::live::inputs(l, None, true, stderr) {
            Ok(i) => i,
            Err(code) => return code,
        },
        None => input::discover(paths, &mut errors),
    };
    let opts = engine::Options {
        keep_policies: false,
        keep_sources: false,
        threads: 0,
        keep_context: true,
    };
    let outcome = engine::lint_with(&inputs, &ruleset, &catalog, opts);
    errors.extend(outcome.errors.iter().cloned());
    let rows = report::approvers::rows(&outcome);
    let text = match format {
        crate::cli::ApproverFormat::Csv => report::approvers::csv(&rows),
        crate::cli::ApproverFormat::Json => report::approvers::json(&rows),
        crate::cli::ApproverFormat::Markdown => report::approvers::markdown(&rows),
    };
    let _ = stdout.write_all(text.as_bytes());
    if outcome.directory.is_empty() {
        let _ = writeln!(
            stderr,
            "note: no directory context among the inputs: approver groups are not expanded and accounts not checked ({})",
            crate::rules::context::context_missing::FILES
        );
    }
    print_run_errors(&errors, stderr);
    if errors.iter().any(|e| e.fatal) {
        EXIT_FAILURE
    } else {
        EXIT_CLEAN
    }
}
