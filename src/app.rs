//! Runs a parsed command line: loads packs and roles, lints, renders, decides the exit code.

use crate::cli::{CheckArgs, Cli, ColorChoice, Command, FailOn, Format, RulesArgs};
use crate::config::{self, Config, Date};
use crate::lint;
use crate::model::RoleCatalog;
use crate::pack::suppress;
use crate::pack::{self, ConfigError, Pack, RuleSet};
use crate::report::{self, human::Style};
use crate::rules::{self, Severity};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_FAILURE: u8 = 2;

pub fn run(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let result = match cli.command {
        Command::Check(args) => check(&args, stdout, stderr),
        Command::Rules(args) => list_rules(&args, stdout, stderr),
        Command::Explain { rule } => explain(&rule, stdout, stderr),
        Command::Init { dir, force } => init(&dir, force, stdout, stderr),
        Command::Test { dirs, bless } => test_packs(&dirs, bless, stdout, stderr),
        Command::Approvers {
            paths,
            format,
            config,
            no_config,
        } => approvers(&paths, format, config, no_config, stdout, stderr),
    };
    let _ = stdout.flush();
    result
}

fn print_config_error(e: &ConfigError, stderr: &mut dyn Write) {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_links(false);
    for err in e.all() {
        let mut s = String::new();
        if handler.render_report(&mut s, err).is_err() {
            s = format!(
                "{}:{}:{}: {}\n",
                err.file, err.line, err.column, err.message
            );
        }
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

fn use_color(choice: ColorChoice) -> bool {
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
fn find_config(args: &CheckArgs) -> Result<Option<Config>, ConfigError> {
    if args.no_config {
        return Ok(None);
    }
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => config::discover(args.paths.first().map_or(Path::new("."), PathBuf::as_path)),
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
    config::load(&path, lint::display_name(&display)).map(Some)
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
    let mut inputs = lint::discover(&args.paths, &mut errors);
    if args.skip_unknown {
        inputs.iter_mut().for_each(|i| i.explicit = false);
    }
    let opts = lint::Options {
        keep_policies: false,
        keep_sources: args.format == Format::Human,
        threads: 0,
        keep_context: false,
    };
    let mut outcome = lint::lint_with(&inputs, &ruleset, &catalog, opts);
    if let Some(c) = &config {
        outcome.suppressed = suppress::apply(&mut outcome, c, &ruleset, Date::today());
    }
    errors.append(&mut outcome.errors);
    let fail = threshold(args.fail_on);

    if args.verbose {
        if let Some(c) = &config {
            let _ = writeln!(stderr, "config: {}", c.source.name);
        }
        for s in &outcome.skipped {
            let _ = writeln!(
                stderr,
                "skipped {s}: no role management policy or assignment recognised"
            );
        }
    }
    let text = match args.format {
        Format::Json => report::json::render(&outcome),
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
    let _ = stdout.write_all(text.as_bytes());
    print_run_errors(&errors, stderr);
    if errors.iter().any(|e| e.fatal) {
        return EXIT_FAILURE;
    }
    match fail {
        Some(t) if outcome.findings.iter().any(|f| f.severity >= t) => EXIT_FINDINGS,
        _ => EXIT_CLEAN,
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
        .clamp(60, 200)
}

/// Role names for role ids in selectors, from the built-in catalogue.
fn role_label(id: &str) -> String {
    crate::roles::builtin_roles()
        .ok()
        .and_then(|c| c.lookup_id(id).map(|r| r.name.clone()))
        .unwrap_or_else(|| id.to_owned())
}

fn selector_text(sel: &pack::Selector, severity: &pack::SeveritySpec) -> String {
    let sev = match severity {
        pack::SeveritySpec::All(s) => s.to_string(),
        pack::SeveritySpec::PerTier(m) => m
            .iter()
            .map(|(t, s)| format!("{t}: {s}"))
            .collect::<Vec<_>>()
            .join(", "),
    };
    let mut scope = Vec::new();
    if let Some(ts) = &sel.tiers {
        scope.push(ts.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", "));
    }
    if let Some(rs) = &sel.roles {
        let names: Vec<String> = rs.iter().map(|r| role_label(r)).collect();
        scope.push(if names.len() > 3 {
            format!("{} roles", names.len())
        } else {
            names.join(", ")
        });
    }
    if let Some(ks) = &sel.kinds {
        scope.push(
            ks.iter()
                .map(|k| crate::model::view::kind_name(*k))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    if scope.is_empty() {
        sev
    } else {
        format!("{sev} ({})", scope.join("; "))
    }
}

/// "tier0: error, privileged: warning" or "error" for a rule's entries, "off" without one.
fn severity_text(ruleset: &RuleSet, code: &str) -> String {
    let parts: Vec<String> = ruleset
        .entries_for(code)
        .map(|e| {
            let text = selector_text(&e.select, &e.severity);
            match &e.control {
                Some(c) => format!("{text} [{c}]"),
                None => text,
            }
        })
        .collect();
    if parts.is_empty() {
        "off".into()
    } else {
        parts.join("; ")
    }
}

fn list_rules(args: &RulesArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let specs: Vec<String> = args.pack.iter().cloned().collect();
    let packs = match load_packs(&specs) {
        Ok(p) => p,
        Err(e) => {
            print_config_error(&e, stderr);
            return EXIT_FAILURE;
        }
    };
    let ruleset = RuleSet::from_packs(&packs);
    let name = packs
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(" + ");
    let rows: Vec<[String; 5]> = rules::REGISTRY
        .iter()
        .map(|r| {
            [
                r.code.to_owned(),
                r.name.to_owned(),
                r.category.as_str().to_owned(),
                severity_text(&ruleset, r.code),
                r.summary.to_owned(),
            ]
        })
        .chain(ruleset.user_rules.iter().map(|u| {
            let sev = selector_text(&u.select, &u.severity);
            let sev = match &u.control {
                Some(c) => format!("{sev} [{c}]"),
                None => sev,
            };
            [
                u.code.clone(),
                u.name.clone(),
                "user".into(),
                sev,
                u.message.clone(),
            ]
        }))
        .collect();
    let width = rows
        .iter()
        .map(|r| r[3].chars().count())
        .max()
        .unwrap_or(0)
        .max(20);
    let name_width = rows
        .iter()
        .map(|r| r[1].chars().count())
        .max()
        .unwrap_or(0)
        .max(20);
    let mut s = format!(
        "{:<7} {:<name_width$} {:<12} {:<width$} summary\n",
        "code",
        "name",
        "category",
        format!("severity ({name})")
    );
    for r in &rows {
        s.push_str(&format!(
            "{:<7} {:<name_width$} {:<12} {:<width$} {}\n",
            r[0], r[1], r[2], r[3], r[4]
        ));
    }
    let _ = stdout.write_all(s.as_bytes());
    EXIT_CLEAN
}

/// The documentation of a rule as `explain` prints it (and `docs/rules/CODE.md` holds it).
pub fn explain_text(r: &rules::RuleDef) -> String {
    let baseline = load_packs(&[])
        .map(|p| RuleSet::from_packs(&p))
        .unwrap_or_default();
    let mut s = format!(
        "# {} {}\n\n{}.\n\nCategory: {}. Baseline severity: {}.\n",
        r.code,
        r.name,
        r.summary,
        r.category.as_str(),
        severity_text(&baseline, r.code)
    );
    if !r.params.is_empty() {
        s.push_str("Parameters:\n");
        for p in r.params {
            s.push_str(&format!("- `{}`: {}\n", p.name, p.doc));
        }
    }
    s.push('\n');
    s.push_str(r.doc.trim_end());
    s.push('\n');
    s
}

fn explain(rule: &str, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let Some(r) = rules::lookup(rule) else {
        let _ = writeln!(
            stderr,
            "error: no rule `{rule}`; `pim-lint rules` lists them"
        );
        return EXIT_FAILURE;
    };
    let _ = stdout.write_all(explain_text(r).as_bytes());
    EXIT_CLEAN
}

const INIT_FILES: &[(&str, &str)] = &[
    (".pim-lint.yaml", include_str!("../examples/pim-lint.yaml")),
    (
        ".github/workflows/pim-lint.yml",
        include_str!("../examples/github-workflow.yml"),
    ),
    (
        ".pre-commit-config.yaml",
        include_str!("../examples/pre-commit-config.yaml"),
    ),
];

/// Writes the starter files; existing files are left alone (and their snippet printed) unless
/// `--force`. Each file is written to a temporary name and renamed, so a crash leaves no half file.
fn init(dir: &Path, force: bool, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let mut status = EXIT_CLEAN;
    for (name, text) in INIT_FILES {
        let path = dir.join(name);
        if path.exists() && !force {
            let _ = writeln!(
                stdout,
                "kept {} (exists; add this yourself or use --force):\n{text}",
                path.display()
            );
            continue;
        }
        let write = || -> std::io::Result<()> {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let tmp = path.with_extension("pim-lint-tmp");
            std::fs::write(&tmp, text)?;
            std::fs::rename(&tmp, &path)
        };
        match write() {
            Ok(()) => {
                let _ = writeln!(stdout, "wrote {}", path.display());
            }
            Err(e) => {
                let _ = writeln!(stderr, "error: cannot write {}: {e}", path.display());
                status = EXIT_FAILURE;
            }
        }
    }
    status
}

fn test_packs(dirs: &[PathBuf], bless: bool, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let run = || -> Result<pack::cases::Report, ConfigError> {
        pack::cases::run(dirs, &crate::roles::builtin_roles()?, bless)
    };
    match run() {
        Ok(report) => {
            let _ = stdout.write_all(report.text.as_bytes());
            if report.failed > 0 {
                EXIT_FINDINGS
            } else {
                EXIT_CLEAN
            }
        }
        Err(e) => {
            print_config_error(&e, stderr);
            EXIT_FAILURE
        }
    }
}

fn approvers(
    paths: &[PathBuf],
    format: crate::cli::ApproverFormat,
    config: Option<PathBuf>,
    no_config: bool,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let args = CheckArgs {
        paths: paths.to_vec(),
        format: Format::Json,
        packs: Vec::new(),
        fail_on: FailOn::Never,
        color: ColorChoice::Never,
        quiet: true,
        verbose: false,
        config,
        no_config,
        skip_unknown: true,
    };
    let setup = || -> Result<(RuleSet, RoleCatalog), ConfigError> {
        let config = find_config(&args)?;
        let mut catalog = crate::roles::builtin_roles()?;
        let mut ruleset = RuleSet::from_packs(&load_packs(&[])?);
        if let Some(c) = &config {
            c.apply_roles(&mut catalog);
            ruleset.accounts = c.accounts()?;
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
    let inputs = lint::discover(paths, &mut errors);
    let opts = lint::Options {
        keep_policies: false,
        keep_sources: false,
        threads: 0,
        keep_context: true,
    };
    let outcome = lint::lint_with(&inputs, &ruleset, &catalog, opts);
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

/// Problems of the run itself (I/O, walking), errors or warnings, on stderr.
fn print_run_errors(errors: &[lint::RunError], stderr: &mut dyn Write) {
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
