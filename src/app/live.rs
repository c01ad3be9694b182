//! `pim-lint fetch`, and the `--live` input source of `check`, `approvers` and `requests`: the
//! tenant's documents in memory, named `live:<name>` (the name `fetch` writes them under).

use super::{EXIT_CLEAN, EXIT_FAILURE};
use crate::cli::LiveArgs;
use crate::input::Input;
use crate::live::{self, RequestsFetch};
use crate::report::escape::{terminal, terminal_lines};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

/// The live options as clap defaults them (for commands run without `--live`).
pub(crate) fn default_args() -> LiveArgs {
    LiveArgs {
        scopes: Vec::new(),
        no_arm: false,
        all_groups: false,
        token_env: None,
        arm_token_env: None,
        graph_url: live::GRAPH_URL.into(),
        arm_url: live::ARM_URL.into(),
        login_url: None,
        concurrency: 8,
        timeout: 60,
        max_retries: 6,
        retry_base_ms: 500,
    }
}

fn options(args: &LiveArgs, requests: Option<RequestsFetch>, quiet: bool) -> live::Options {
    live::Options {
        graph_url: args.graph_url.clone(),
        arm_url: args.arm_url.clone(),
        auth: live::AuthOptions {
            token_env: args.token_env.clone(),
            arm_token_env: args.arm_token_env.clone(),
            login_url: args.login_url.clone(),
        },
        arm: !args.no_arm,
        scopes: args.scopes.clone(),
        all_groups: args.all_groups,
        requests,
        limits: live::Limits {
            concurrency: usize::from(args.concurrency),
            timeout: Duration::from_secs(args.timeout),
            max_retries: args.max_retries,
            retry_base: Duration::from_millis(args.retry_base_ms),
            ..live::Limits::default()
        },
        progress: !quiet && std::io::stderr().is_terminal(),
    }
}

fn report_error(e: &live::LiveError, stderr: &mut dyn Write) {
    // The service's words are input like any other: escaped.
    let _ = writeln!(stderr, "error: {}", terminal_lines(&e.to_string()));
}

/// Fetches the tenant and hands its documents to a run, or prints why it could not (the caller
/// exits with the code returned).
pub(crate) fn inputs(
    args: &LiveArgs,
    requests: Option<RequestsFetch>,
    quiet: bool,
    stderr: &mut dyn Write,
) -> Result<Vec<Input>, u8> {
    let fetched = live::fetch(&options(args, requests, quiet)).map_err(|e| {
        report_error(&e, stderr);
        EXIT_FAILURE
    })?;
    if !quiet {
        let _ = writeln!(
            stderr,
            "fetched {} documents from the tenant: {}",
            fetched.documents.len(),
            fetched.stats
        );
    }
    Ok(fetched
        .documents
        .into_iter()
        .map(|d| {
            let mut i = Input::memory(format!("live:{}", d.name), d.bytes);
            // An empty list (a tenant without PIM for Groups) is nothing to lint, not an
            // unrecognised document.
            i.explicit = false;
            i
        })
        .collect())
}

/// `pim-lint fetch --out DIR`.
pub(super) fn fetch(out: &Path, args: &LiveArgs, quiet: bool, stderr: &mut dyn Write) -> u8 {
    if out.exists() && !out.is_dir() {
        let _ = writeln!(
            stderr,
            "error: {}: not a directory",
            terminal(&out.display().to_string())
        );
        return EXIT_FAILURE;
    }
    let fetched = match live::fetch(&options(args, None, quiet)) {
        Ok(f) => f,
        Err(e) => {
            report_error(&e, stderr);
            return EXIT_FAILURE;
        }
    };
    match live::write(out, &fetched.documents) {
        Ok(w) => {
            if !quiet {
                let _ = writeln!(
                    stderr,
                    "fetched {} documents: {}\nwrote {}: {} changed, {} unchanged, {} removed",
                    fetched.documents.len(),
                    fetched.stats,
                    terminal(&out.display().to_string()),
                    w.changed,
                    w.unchanged,
                    w.removed
                );
            }
            EXIT_CLEAN
        }
        Err(e) => {
            let _ = writeln!(stderr, "error: {}", terminal(&e));
            EXIT_FAILURE
        }
    }
}
