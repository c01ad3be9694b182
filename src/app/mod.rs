//! Runs a parsed command line: loads packs and roles, lints, renders, decides the exit code.

mod approvers;
mod init;
mod listing;
mod man;
mod test;

pub use listing::explain_text;

use crate::cli::{CheckArgs, Cli, ColorChoice, Command, FailOn, Format};
use crate::config::{self, Config, Date};
use crate::engine;
use crate::finding::RunError;
use crate::input;
use crate::model::RoleCatalog;
use crate::pack::{self, ConfigError, Pack, RuleSet};
use crate::report::{self, human::Style};
use crate::rules::Severity;
use crate::suppress;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_FAILURE: u8 = 2;

pub fn run(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let result = match cli.command {
        Command::Check(args) => check(&args, stdout, stderr),
        Command::Rules(args) => listing::list_rules(&args, stdout, stderr),
        Command::Explain {
            rule,
            packs,
            config,
        } => listing::explain(&rule, &packs, config, stdout, stderr),
        Command::Init { dir, force } => init::init(&dir, force, stdout, stderr),
        Command::Test { dirs, bless } => test::test_packs(&dirs, bless, stdout, stderr),
        Command::Approvers {
            paths,
            format,
            config,
            no_config,
        } => approvers::approvers(&paths, format, config, no_config, stdout, stderr),
        Command::Completions { shell } => man::completions(shell, stdout),
        Command::Man => man::man(stdout, stderr),
    };
    let _ = stdout.flush();
    result
}

/// Past this column a config or pack error is printed without a snippet.
const MAX_SNIPPET_COLUMN: usize = 4096;

pub(crate) fn print_config_error(e: &ConfigError, stderr: &mut dyn Write) {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_links(false);
    for err in e.all() {
        let plain = || {
            let mut s = format!(
                "{}:{}:{}: {}\n",
                err.file, err.line, err.column, err.message
            );
            if let Some(h) = &err.help {
                s.push_str(&format!("  help: {h}\n"));
            }
            s
        };
        // A snippet of a very long line helps nobody (and miette cannot draw columns past
        // 65,535): such errors are shown as one line with the position.
        let s = if err.column > MAX_SNIPPET_COLUMN {
            plain()
        } else {
            let mut s = String::new();
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                handler.render_report(&mut s, err)
            })) {
                Ok(Ok(())) => s,
                _ => plain(),
            }
        };
        let _ = writeln!(stderr, "{s}");
    }
}

/// Loads packs by name (built-in) or path; `baseline` when none is given.
pub fn load_packs(specs: &[String]) -> Result<Vec<Pack>, ConfigError> {
    if specs.is_empty() {
        return pack::load_specs(&["baseline".to_owned()]);
    }
    pack::load_specs(specs)
}

pub(crate) fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

fn threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Note => Some(Severity::Note),
        FailOn::Never => None,
    }
}

/// The config for a run: `--config`, else `.pim-lint.yaml` found upward from the first path.
pub(crate) fn find_config(args: &CheckArgs) -> Result<Option<Config>, ConfigError> {
    if args.no_config {
        return Ok(None);
    }
    config_from(
        args.config.clone(),
        args.paths.first().map_or(Path::new("."), PathBuf::as_path),
    )
}

/// `--config`, else `.pim-lint.yaml` found upward from `start`.
pub(crate) fn config_from(
    given: Option<PathBuf>,
    start: &Path,
) -> Result<Option<Config>, ConfigError> {
    let path = match given {
        Some(p) => Some(p),
        None => config::discover(start),
    };
    let Some(path) = path else { return Ok(None) };
    let display = std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            std::fs::canonicalize(&path)
                .ok()
                .and_then(|abs| abs.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        })
        .unwrap_or_else(|| path.clone());
    config::load(&path, input::display_name(&display)).map(Some)
}

fn check(args: &CheckArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let setup = || -> Result<(Option<Config>, RuleSet, RoleCatalog), ConfigError> {
        let mut config = find_config(args)?;
        let packs = config::load_packs(&args.packs, config.as_ref())?;
        let mut ruleset = RuleSet::from_packs(&packs);
        let mut catalog = crate::roles::builtin_roles()?;
        if let Some(c) = &mut config {
            c.apply_rules(&mut ruleset)?;
            c.apply_roles(&mut catalog);
            ruleset.accounts = c.accounts()?;
        }
        Ok((config, ruleset, catalog))
    };
    let (config, ruleset, catalog) = match setup() {
        Ok(s) => s,
        Err(e) => {
            print_config_error(&e, stderr);
            return EXIT_FAILURE;
        }
    };
    let mut errors = Vec::new();
    let mut walk_skipped = Vec::new();
    let mut inputs = input::discover_with(
        &args.paths,
        &mut errors,
        args.verbose.then_some(&mut walk_skipped),
    );
    if args.skip_unknown {
        inputs.iter_mut().for_each(|i| i.explicit = false);
    }
    let opts = engine::Options {
        keep_policies: false,
        keep_sources: args.format == Format::Human,
        threads: 0,
        keep_context: false,
    };
    let mut outcome = engine::lint_with(&inputs, &ruleset, &catalog, opts);
    if let Some(c) = &config {
        let complete = walks_folders_only(&args.paths);
        outcome.suppressed = suppress::apply(&mut outcome, c, &ruleset, Date::today(), complete);
    }
    errors.append(&mut outcome.errors);
    let fail = threshold(args.fail_on);

    if args.verbose {
        if let Some(c) = &config {
            let _ = writeln!(stderr, "config: {}", c.source.name);
        }
        for s in &walk_skipped {
            let _ = writeln!(stderr, "skipped {}: {}", s.path, s.why);
        }
        for s in &outcome.skipped {
            let _ = writeln!(
                stderr,
                "skipped {s}: no role management policy or assignment recognised"
            );
        }
    }
    let mut written = Ok(());
    let text = match args.format {
        Format::Json => {
            // Streamed: a large estate's report is never held as one string.
            written = report::json::render_to(&outcome, stdout);
            String::new()
        }
        Format::Sarif => report::sarif::render(&outcome, &ruleset),
        Format::Github => report::github::render(&outcome),
        Format::Markdown => report::markdown::render(&outcome),
        Format::Human => {
            let style = Style {
                color: use_color(args.color),
                width: terminal_width(),
            };
            if args.quiet {
                let mut s = String::new();
                for f in outcome
                    .findings
                    .iter()
                    .filter(|f| fail.is_some_and(|t| f.severity >= t))
                {
                    s.push_str(&report::human::render_finding(&outcome, f, style));
                    s.push('\n');
                }
                s
            } else {
                report::human::render(&outcome, style)
            }
        }
    };
    let written = written
        .and_then(|()| stdout.write_all(text.as_bytes()))
        .and_then(|()| stdout.flush());
    if let Err(e) = written {
        errors.push(RunError::fatal(
            None,
            format!("cannot write the report: {e}"),
        ));
    }
    print_run_errors(&errors, stderr);
    if errors.iter().any(|e| e.fatal) {
        return EXIT_FAILURE;
    }
    match fail {
        Some(t) if outcome.findings.iter().any(|f| f.severity >= t) => EXIT_FINDINGS,
        _ => EXIT_CLEAN,
    }
}

/// Whether the run walked folders only: then it saw the files an ignore was written for. A run
/// given single files (pre-commit passes only the changed ones) saw a part of the repository, so
/// an ignore it did not use may still be needed.
fn walks_folders_only(paths: &[PathBuf]) -> bool {
    paths.iter().all(|p| p.is_dir())
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
        .clamp(60, 200)
}

pub(crate) fn print_run_errors(errors: &[RunError], stderr: &mut dyn Write) {
    for e in errors {
        let path = e
            .path
            .as_deref()
            .map(|p| format!("{p}: "))
            .unwrap_or_default();
        let _ = writeln!(
            stderr,
            "{}: {path}{}",
            if e.fatal { "error" } else { "warning" },
            e.message
        );
    }
}
