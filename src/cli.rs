//! Command-line definitions (clap). No logic here.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "pim-lint",
    version,
    about = "Lint Microsoft Entra PIM role settings (role management policies)",
    override_usage = "pim-lint <COMMAND>\n       pim-lint [PATHS]... [CHECK OPTIONS]   (short for `pim-lint check`)",
    after_help = after_help()
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint policy exports (the default command: `pim-lint PATH…` means `pim-lint check PATH…`).
    Check(CheckArgs),
    /// Check pending PIM requests (and, with --since, past activations) against their roles'
    /// policies. Read-only: it never approves or denies.
    Requests(RequestsArgs),
    /// List every rule with its code, name, category and baseline severity.
    Rules(RulesArgs),
    /// Write a starter .pim-lint.yaml, a pre-commit entry and a GitHub Actions workflow.
    Init {
        /// The repository to set up.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Overwrite files that exist.
        #[arg(long)]
        force: bool,
    },
    /// Write the role settings of any readable source (exports, EasyPIM configs, a live fetch) as
    /// pim-lint's desired-state YAML, which `check` reads back with the same settings.
    Convert {
        /// Files or directories to read.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// Read the tenant instead of files (as `check --live`).
        #[arg(long, conflicts_with = "paths")]
        live: bool,
        #[command(flatten)]
        live_args: LiveArgs,
        /// The format to write.
        #[arg(long, value_enum, default_value_t = ConvertTo::Yaml)]
        to: ConvertTo,
        /// Write to this file instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output_file: Option<PathBuf>,
        /// Print no notes about what was not written.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Read the tenant (Graph and ARM, read-only) and write its policies and directory context as
    /// JSON files `check` reads: stable, sorted and pretty, fit for committing.
    Fetch {
        /// The folder to write (created; files replaced atomically, unchanged ones left alone).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        live: LiveArgs,
    },
    /// The approver report: who can approve activation of which role, groups expanded.
    Approvers {
        /// Policy exports and directory context (users, groups, role schedules).
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// Read the tenant instead of files (nothing is written).
        #[arg(long, conflicts_with = "paths")]
        live: bool,
        #[command(flatten)]
        live_args: LiveArgs,
        #[arg(long, value_enum, default_value_t = ApproverFormat::Csv)]
        format: ApproverFormat,
        /// Config file (tiers of custom roles); default: discovered `.pim-lint.yaml`.
        #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
        config: Option<PathBuf>,
        #[arg(long)]
        no_config: bool,
    },
    /// Run rule packs' own cases (PACK_DIR/cases) and compare with their expected findings.
    Test {
        /// Pack directories (default: rules, the built-in packs).
        #[arg(default_value = "rules")]
        dirs: Vec<PathBuf>,
        /// Write each case's expectation file from what the run finds (review the diff!).
        #[arg(long)]
        bless: bool,
    },
    /// Print a rule's documentation: what it checks, why, failing and passing examples, how to fix.
    #[command(visible_alias = "rule")]
    Explain {
        /// Rule code (PIM007) or name (mfa-authcontext-conflict), or a pack's own rule (X-…).
        rule: String,
        /// Packs to look for a user-defined rule in (default: the config's, else baseline).
        #[arg(long = "pack", value_name = "NAME|FILE")]
        packs: Vec<String>,
        /// Config file (default: .pim-lint.yaml found upward from the current directory).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the manual page, pim-lint(1), as roff (`pim-lint man | man -l -`).
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Reports pointing at the value, with help, and a summary.
    Human,
    /// One line per finding: `path:line:col: CODE severity role: message`.
    Concise,
    /// The stable, versioned JSON report.
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A summary table for a pull-request comment or the job summary.
    Markdown,
}

/// What `pim-lint convert` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConvertTo {
    /// pim-lint's desired-state YAML (`schemas/desired-state.schema.json`).
    Yaml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApproverFormat {
    Csv,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to lint (directories are walked for .json/.yaml/.yml, Terraform .tf, Bicep
    /// .bicep/.bicepparam and Microsoft365DSC .ps1 files, honouring .gitignore).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print how many findings each rule raised, most frequent first, instead of the findings
    /// (text; JSON with --format json).
    #[arg(long)]
    pub statistics: bool,
    /// Write the --format output to FILE (replaced atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Also write a SARIF report to FILE in the same run (for code scanning).
    #[arg(long, value_name = "FILE")]
    pub sarif_file: Option<PathBuf>,
    /// Also write the Markdown summary to FILE in the same run (e.g. "$GITHUB_STEP_SUMMARY").
    #[arg(long, value_name = "FILE")]
    pub markdown_file: Option<PathBuf>,
    /// Rule pack by name (baseline) or path to a pack file; repeatable, later packs override earlier ones.
    #[arg(long = "pack", value_name = "NAME|FILE")]
    pub packs: Vec<String>,
    /// Exit 1 when there is a finding at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Colour in human output; `auto`: on a terminal, honouring NO_COLOR, FORCE_COLOR,
    /// CLICOLOR_FORCE and TERM=dumb.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Human and concise output: print only the findings at or above the --fail-on level (those
    /// that fail the run) and no summary line; with --statistics, count only those.
    #[arg(long, short)]
    pub quiet: bool,
    /// List files skipped because they hold no known dialect.
    #[arg(long, short)]
    pub verbose: bool,
    /// Succeed when no policy and no directory record was read (by default such a run fails with
    /// exit 2: a CI job pointed at the wrong folder must not pass). Implied by --skip-unknown.
    #[arg(long)]
    pub allow_empty: bool,
    /// Config file to use instead of discovering `.pim-lint.yaml` upward from the linted path.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any `.pim-lint.yaml`.
    #[arg(long)]
    pub no_config: bool,
    /// Skip named files that hold no known dialect instead of reporting PIM002 (for pre-commit,
    /// which passes every changed .json/.yaml file).
    #[arg(long)]
    pub skip_unknown: bool,
    /// Also report each setting weakened since the git revision REV (PIM601): the same files
    /// are read as they were at REV (`git show REV:path`) and policies are paired by scope and
    /// role. A missing git or an unknown REV exits 2.
    #[arg(long, value_name = "REV", conflicts_with = "live")]
    pub base: Option<String>,
    /// Fetch the tenant (Graph and ARM, read-only) and lint it in memory; nothing is written.
    /// A fetch that fails or is incomplete exits 2.
    #[arg(long, conflicts_with = "paths")]
    pub live: bool,
    #[command(flatten)]
    pub live_args: LiveArgs,
}

/// How to reach the tenant. Tokens come from the environment, never from the command line:
/// PIM_LINT_TOKEN / PIM_LINT_ARM_TOKEN (ready bearer tokens), else azure_identity (client
/// secret, certificate, workload identity federation, managed identity, Azure CLI login).
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Live access")]
pub struct LiveArgs {
    /// Azure scope to read Azure resource policies at (a subscription, resource group or
    /// management group id); repeatable. Default: every subscription and management group the caller can list.
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// Read only Entra roles and PIM for Groups, no Azure resource policies.
    #[arg(long, conflicts_with = "scopes")]
    pub no_arm: bool,
    /// Read PIM for Groups settings of every group, not only role-assignable groups, approver
    /// groups and groups that hold roles.
    #[arg(long)]
    pub all_groups: bool,
    /// Environment variable holding a ready Graph bearer token (default: PIM_LINT_TOKEN).
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
    /// Environment variable holding a ready ARM bearer token (default: PIM_LINT_ARM_TOKEN).
    #[arg(long, value_name = "VAR")]
    pub arm_token_env: Option<String>,
    /// Microsoft Graph base URL (another cloud, or a test server).
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://graph.microsoft.com"
    )]
    pub graph_url: String,
    /// Azure Resource Manager base URL.
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://management.azure.com"
    )]
    pub arm_url: String,
    /// Entra authority host for azure_identity credentials (https only).
    #[arg(long, value_name = "URL")]
    pub login_url: Option<String>,
    /// Requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Seconds before one request times out.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Retries of a throttled or failed request before the fetch fails.
    #[arg(long, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub max_retries: u32,
    /// First backoff between retries, in milliseconds (doubles each time; Retry-After wins).
    #[arg(long, value_name = "MS", default_value_t = 500, hide = true)]
    pub retry_base_ms: u64,
}

#[derive(Debug, clap::Args)]
pub struct RequestsArgs {
    /// Also check past activations created within this window before now: `7d`, `24h`, `P7D`,
    /// `PT12H` (without it, only pending requests are checked).
    #[arg(long, value_name = "DURATION", value_parser = parse_since)]
    pub since: Option<i64>,
    /// Files or directories to read: request exports (`roleAssignmentScheduleRequests`,
    /// PIM for Groups `assignmentScheduleRequests`), the policies of their roles and, for
    /// approver groups, directory context. Other options as for `check`.
    #[command(flatten)]
    pub check: CheckArgs,
}

/// `--since`: a window length in seconds.
fn parse_since(text: &str) -> Result<i64, String> {
    crate::model::directory::parse_window(text)
        .ok_or_else(|| format!("`{text}` is not a duration: write e.g. 7d, 24h, 90m, P7D or PT12H"))
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Show the severities of this pack instead of the baseline.
    #[arg(long = "pack", value_name = "NAME|FILE")]
    pub pack: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// An aligned table.
    Text,
    /// `{"version": 1, "rules": [{code, name, category, severity, summary}]}`.
    Json,
}

/// What each exit code means, for `--help` and the manual page.
pub const EXIT_CODES: &[(u8, &str)] = &[
    (0, "no finding at or above --fail-on (default: error)"),
    (
        1,
        "findings at or above --fail-on (a file that does not parse is a finding)",
    ),
    (
        2,
        "the run failed: bad arguments, a missing path, an unreadable file, an invalid pack or config, a live fetch that failed or is incomplete",
    ),
];

/// How `pim-lint PATH…` is read, for `--help` and the manual page.
pub const SHORTCUT: &str =
    "`pim-lint PATH…` is `pim-lint check PATH…`, and `pim-lint` alone is `pim-lint check .`.
A bare word that is no existing path but close to a command is taken as a mistyped command.";

/// The text under the top-level `--help`: the shortcut and the exit codes, headed like clap's own
/// sections.
fn after_help() -> String {
    let header = clap::builder::Styles::styled().get_header().to_owned();
    let (on, off) = (header.render(), header.render_reset());
    let mut s = format!("{on}Shortcut:{off}\n");
    for line in SHORTCUT.lines() {
        s.push_str(&format!("  {line}\n"));
    }
    s.push_str(&format!("\n{on}Exit codes:{off}\n"));
    for (code, meaning) in EXIT_CODES {
        s.push_str(&format!("  {code}  {meaning}\n"));
    }
    s
}

/// The words that name a command: subcommands, their aliases and `help`.
fn command_words() -> Vec<String> {
    let cmd = <Cli as clap::CommandFactory>::command();
    let mut words: Vec<String> = cmd
        .get_subcommands()
        .flat_map(|s| std::iter::once(s.get_name()).chain(s.get_all_aliases()))
        .map(str::to_owned)
        .collect();
    words.push("help".into());
    words
}

/// A word on the command line that can only be a path: `-`, one with a path separator, one ending
/// in an extension pim-lint reads, or one that exists.
fn is_surely_path(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    word == "-"
        || word.contains('/')
        || word.contains(std::path::MAIN_SEPARATOR)
        || [".json", ".yaml", ".yml"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        || std::path::Path::new(word).symlink_metadata().is_ok()
}

/// `pim-lint PATH…` is `pim-lint check PATH…`: insert `check` when the first argument is not a
/// command or a global flag. A bare word that is no path but close to a command is a mistyped
/// command (`pim-lint chekc`), reported with the command it resembles rather than linted as a
/// missing file.
pub fn with_default_command(
    mut args: Vec<std::ffi::OsString>,
) -> Result<Vec<std::ffi::OsString>, clap::Error> {
    const GLOBAL_FLAGS: &[&str] = &["-h", "--help", "-V", "--version"];
    let words = command_words();
    let first = args.get(1).map(|a| a.to_str());
    match first {
        None => args.push("check".into()),
        Some(Some(w)) if words.iter().any(|c| c == w) || GLOBAL_FLAGS.contains(&w) => {}
        Some(Some(w)) if !w.starts_with('-') && !is_surely_path(w) => {
            if let Some(guess) = crate::suggest::did_you_mean(w, words.iter().map(String::as_str)) {
                let mut cmd = <Cli as clap::CommandFactory>::command();
                return Err(cmd.error(
                    clap::error::ErrorKind::InvalidSubcommand,
                    format!(
                        "unrecognized subcommand `{w}`; did you mean `{guess}`?\n\n  \
                         (no file or directory is named `{w}` either)"
                    ),
                ));
            }
            args.insert(1, "check".into());
        }
        Some(_) => args.insert(1, "check".into()),
    }
    Ok(args)
}
