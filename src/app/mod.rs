//! Runs a parsed command line: loads packs and roles, lints, renders, decides the exit code.

mod approvers;
mod base;
mod convert;
mod init;
mod listing;
mod live;
mod man;
mod output;
mod requests;
mod test;

pub use listing::explain_text;

use crate::cli::{CheckArgs, Cli, Command, FailOn, Format};
use crate::config::{self, Config, Date};
use crate::engine;
use crate::finding::{Finding, Outcome, RunError};
use crate::input;
use crate::model::RoleCatalog;
use crate::pack::{self, ConfigError, Pack, RuleSet};
use crate::report;
use crate::rules::Severity;
use crate::suppress;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_FAILURE: u8 = 2;

/// Standard output that remembers a failed write (`> /dev/full`, a closed descriptor), so every
/// command fails (exit 2) when its output did not arrive, whatever it printed with `let _ =`.
/// A closed pipe (`| head`) is not a failure: the reader chose to stop.
struct Watched<'a> {
    inner: &'a mut dyn Write,
    failed: Option<std::io::Error>,
}

impl Write for Watched<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf).inspect_err(|e| self.note(e))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().inspect_err(|e| self.note(e))
    }
}

impl Watched<'_> {
    fn note(&mut self, e: &std::io::Error) {
        if e.kind() != std::io::ErrorKind::BrokenPipe && self.failed.is_none() {
            self.failed = Some(std::io::Error::new(e.kind(), e.to_string()));
        }
    }
}

pub fn run(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let mut watched = Watched {
        inner: stdout,
        failed: None,
    };
    let code = run_command(cli, &mut watched, stderr);
    let _ = watched.flush();
    match watched.failed {
        Some(e) if code != EXIT_FAILURE => {
            let _ = writeln!(stderr, "error: cannot write to standard output: {e}");
            EXIT_FAILURE
        }
        _ => code,
    }
}

fn run_command(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let result = match cli.command {
        Command::Check(args) => check(&args, stdout, stderr),
        Command::Requests(args) => requests::requests(&args, stdout, stderr),
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
            live,
            live_args,
            format,
            config,
            no_config,
        } => approvers::approvers(
            &paths,
            live.then_some(&live_args),
            format,
            config,
            no_config,
            stdout,
            stderr,
        ),
        Command::Convert {
            paths,
            live,
            live_args,
            to: _,
            output_file,
            quiet,
        } => convert::convert(
            &paths,
            live.then_some(&live_args),
            output_file.as_deref(),
            quiet,
            stdout,
            stderr,
        ),
        Command::Fetch { out, quiet, live } => live::fetch(&out, &live, quiet, stderr),
        Command::Completions { shell } => man::completions(shell, stdout),
        Command::Man => man::man(stdout, stderr),
    };
    let _ = stdout.flush();
    result
}

/// Past this column a config or pack error is printed without a snippet.
const MAX_SNIPPET_COLUMN: usize = 4096;

pub(crate) fn print_config_error(e: &ConfigError, stderr: &mut dyn Write) {
    let theme = if output::utf8_locale() {
        miette::GraphicalTheme::unicode_nocolor()
    } else {
        miette::GraphicalTheme::none()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_links(false);
    let t = |s: &str| report::escape::terminal(s).into_owned();
    for err in e.all() {
        let plain = || {
            let mut s = format!(
                "{}:{}:{}: {}\n",
                t(&err.file),
                err.line,
                err.column,
                t(&err.message)
            );
            if let Some(h) = &err.help {
                s.push_str(&format!("  help: {}\n", report::escape::terminal_lines(h)));
            }
            s
        };
        // A snippet of a very long line helps nobody (and miette cannot draw columns past
        // 65,535): such errors are shown as one line with the position.
        let s = if err.column > MAX_SNIPPET_COLUMN {
            plain()
        } else {
            let mut s = String::new();
            // The file's text, message and help escaped, its snippet sanitised.
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let safe = report::snippet::SafeDiagnostic::new(err);
                handler.render_report(&mut s, &safe)
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

/// What a linting command runs with: the config, the rules and the role catalogue.
pub(crate) struct Setup {
    pub config: Option<Config>,
    pub ruleset: RuleSet,
    pub catalog: RoleCatalog,
}

/// Loads the config, the packs (config overrides applied) and the role catalogue; errors are
/// printed, and the exit code returned.
pub(crate) fn setup(args: &CheckArgs, stderr: &mut dyn Write) -> Result<Setup, u8> {
    let load = || -> Result<Setup, ConfigError> {
        let mut config = find_config(args)?;
        let packs = config::load_packs(&args.packs, config.as_ref())?;
        let mut ruleset = RuleSet::from_packs(&packs);
        let mut catalog = crate::roles::builtin_roles()?;
        if let Some(c) = &mut config {
            c.apply_rules(&mut ruleset)?;
            c.apply_roles(&mut catalog);
            ruleset.accounts = c.accounts()?;
            ruleset.emergency = c.emergency();
            ruleset.files = c.files.clone();
            ruleset.requests.usual = c.requests;
        }
        Ok(Setup {
            config,
            ruleset,
            catalog,
        })
    };
    load().map_err(|e| {
        print_config_error(&e, stderr);
        EXIT_FAILURE
    })
}

/// The documents of a run, with the errors met finding them and (for --verbose) the files a
/// walk skipped.
pub(crate) struct Gathered {
    pub inputs: Vec<input::Input>,
    pub errors: Vec<RunError>,
    pub walk_skipped: Vec<input::Skipped>,
}

/// The inputs a run reads from its paths. A path that does not exist is a mistake in the
/// arguments: the exit code, no report.
pub(crate) fn path_inputs(args: &CheckArgs, stderr: &mut dyn Write) -> Result<Gathered, u8> {
    let missing: Vec<RunError> = args
        .paths
        .iter()
        .filter(|p| !args.live && p.as_os_str() != "-" && !p.exists())
        .map(|p| RunError::fatal(Some(p.display().to_string()), "no such file or directory"))
        .collect();
    if !missing.is_empty() {
        print_run_errors(&missing, stderr);
        return Err(EXIT_FAILURE);
    }
    let mut errors = Vec::new();
    let mut walk_skipped = Vec::new();
    let mut inputs = if args.live {
        live::inputs(&args.live_args, None, args.quiet, stderr)?
    } else {
        input::discover_with(
            &args.paths,
            &mut errors,
            args.verbose.then_some(&mut walk_skipped),
        )
    };
    if args.skip_unknown {
        inputs.iter_mut().for_each(|i| i.explicit = false);
    }
    Ok(Gathered {
        inputs,
        errors,
        walk_skipped,
    })
}

fn check(args: &CheckArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let mut setup = match setup(args, stderr) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // Requests are not policy settings: `pim-lint requests` checks them.
    setup
        .ruleset
        .retain_categories(|c| c != crate::rules::Category::Requests);
    if let Err(code) = statistics_format(args, stderr) {
        return code;
    }
    let gathered = match path_inputs(args, stderr) {
        Ok(g) => g,
        Err(code) => return code,
    };
    lint_and_report(args, &setup, gathered, stdout, stderr)
}

/// `--statistics` prints text or JSON.
pub(crate) fn statistics_format(args: &CheckArgs, stderr: &mut dyn Write) -> Result<(), u8> {
    if args.statistics && !matches!(args.format, Format::Human | Format::Concise | Format::Json) {
        let _ = writeln!(
            stderr,
            "error: --statistics prints text or JSON: use it with --format human, concise or json"
        );
        return Err(EXIT_FAILURE);
    }
    Ok(())
}

/// Lints the inputs with the run's rules, applies the config's suppressions, writes every
/// output the options ask for and decides the exit code: shared by `check` and `requests`.
pub(crate) fn lint_and_report(
    args: &CheckArgs,
    setup: &Setup,
    gathered: Gathered,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let Gathered {
        inputs,
        mut errors,
        walk_skipped,
    } = gathered;
    let Setup {
        config,
        ruleset,
        catalog,
    } = setup;
    let (config, ruleset, catalog) = (config.as_ref(), ruleset, catalog);
    let opts = engine::Options {
        keep_policies: false,
        keep_sources: args.format == Format::Human && !args.statistics,
        threads: 0,
        keep_context: false,
    };
    // --base: the same files at REV, read first; their policies are what PIM601 compares with.
    let base = match &args.base {
        Some(rev) => match base::inputs(rev, &inputs) {
            Ok(base_inputs) => {
                let base_opts = engine::Options {
                    keep_policies: true,
                    keep_sources: false,
                    threads: 0,
                    keep_context: false,
                };
                Some(engine::lint_with(&base_inputs, ruleset, catalog, base_opts).policies)
            }
            Err(e) => {
                print_run_errors(&[RunError::fatal(None, e)], stderr);
                return EXIT_FAILURE;
            }
        },
        None => None,
    };
    let mut outcome = engine::lint_against(&inputs, ruleset, catalog, opts, base.as_deref());
    drop(base);
    if let Some(c) = config {
        let complete = args.live || walks_folders_only(&args.paths);
        suppress::apply(&mut outcome, c, ruleset, Date::today(), complete);
    }
    errors.append(&mut outcome.errors);
    let fail = threshold(args.fail_on);

    if args.verbose {
        // File names come from the command line or the walk: escaped like any input.
        let t = report::escape::terminal;
        if let Some(c) = config {
            let _ = writeln!(stderr, "config: {}", t(&c.source.name));
        }
        for s in &walk_skipped {
            let _ = writeln!(stderr, "skipped {}: {}", t(&s.path), s.why);
        }
        for (name, why) in &outcome.skipped {
            let _ = writeln!(stderr, "skipped {}: {why}", t(name));
        }
    }
    // --quiet: only what fails the run.
    let shown: Vec<&Finding> = outcome
        .findings
        .iter()
        .filter(|f| !args.quiet || fail.is_some_and(|t| f.severity >= t))
        .collect();
    let text = if args.statistics {
        let stats = report::statistics::stats(shown.iter().copied());
        match args.format {
            Format::Json => report::statistics::json(&stats),
            _ => report::statistics::text(&stats),
        }
    } else {
        match args.format {
            // Streamed to stdout below: a large estate's report is never held as one string.
            Format::Json if args.output_file.is_none() => String::new(),
            Format::Json => report::json::render(&outcome),
            Format::Sarif => report::sarif::render(&outcome, ruleset),
            Format::Github => report::github::render(&outcome),
            Format::Markdown => report::markdown::render(&outcome),
            Format::Concise => {
                report::concise::render(&outcome, &report::groups(shown), args.quiet)
            }
            Format::Human => {
                let style = output::human_style(args.color, args.output_file.is_some());
                report::human::render_findings(&outcome, shown, style, !args.quiet)
            }
        }
    };
    // Every output of the run: a failed write is reported and fails the run (exit 2), after
    // the others are written.
    let mut write_errors = Vec::new();
    let main = match &args.output_file {
        Some(path) => output::write_file(path, &text),
        None if args.format == Format::Json && !args.statistics => {
            output::stream_stdout(stdout, |w| report::json::render_to(&outcome, w))
        }
        None => output::write_stdout(stdout, &text),
    };
    write_errors.extend(main.err());
    if let Some(path) = &args.sarif_file {
        let sarif = report::sarif::render(&outcome, ruleset);
        write_errors.extend(output::write_file(path, &sarif).err());
    }
    if let Some(path) = &args.markdown_file {
        let markdown = report::markdown::render(&outcome);
        write_errors.extend(output::write_file(path, &markdown).err());
    }
    errors.extend(write_errors.into_iter().map(|e| RunError::fatal(None, e)));
    // Nothing recognised: a CI job pointed at the wrong folder must not pass silently (a run
    // that fails on its findings already says so). `--skip-unknown` (pre-commit passes only the
    // changed files) implies `--allow-empty`.
    let fails = fail.is_some_and(|t| outcome.findings.iter().any(|f| f.severity >= t));
    if !fails && read_nothing(&outcome, ruleset) && !args.allow_empty && !args.skip_unknown {
        errors.push(RunError::fatal(None, empty_run_message(&outcome)));
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

/// The run read no policy and no directory record (and, for a run of the request rules, no
/// request): nothing was checked.
pub(crate) fn read_nothing(out: &Outcome, ruleset: &RuleSet) -> bool {
    let judges_requests = ruleset
        .entries
        .iter()
        .any(|e| e.rule.category == crate::rules::Category::Requests);
    out.policy_count == 0
        && out.directory.is_empty()
        && !(judges_requests && out.directory.has_requests())
}

fn empty_run_message(out: &Outcome) -> String {
    let n = out.linted_files;
    format!(
        "no PIM policy or directory export was found in {n} {} read: nothing was checked \
         (--verbose lists what was skipped and why; pass --allow-empty if an empty run is expected)",
        if n == 1 { "file" } else { "files" }
    )
}

/// Whether the run walked folders only: then it saw the files an ignore was written for. A run
/// given single files (pre-commit passes only the changed ones) saw a part of the repository, so
/// an ignore it did not use may still be needed.
fn walks_folders_only(paths: &[PathBuf]) -> bool {
    paths.iter().all(|p| p.is_dir())
}

/// One line per error; the path and the message (which may quote a file name) escaped.
pub(crate) fn print_run_errors(errors: &[RunError], stderr: &mut dyn Write) {
    let t = report::escape::terminal;
    for e in errors {
        let path = e
            .path
            .as_deref()
            .map(|p| format!("{}: ", t(p)))
            .unwrap_or_default();
        let _ = writeln!(
            stderr,
            "{}: {path}{}",
            if e.fatal { "error" } else { "warning" },
            t(&e.message)
        );
    }
}
