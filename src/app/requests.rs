//! `pim-lint requests`: pending PIM requests (and, with `--since`, past activations) checked
//! against the policies of their roles. Read-only: it never approves or denies anything. The
//! options, outputs and exit codes are `check`'s; only the rules differ (the `requests`
//! category).

use super::{Gathered, lint_and_report, path_inputs, setup, statistics_format};
use crate::cli::RequestsArgs;
use std::io::Write;

pub(super) fn requests(args: &RequestsArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let check = &args.check;
    let mut setup = match setup(check, stderr) {
        Ok(s) => s,
        Err(code) => return code,
    };
    setup
        .ruleset
        .retain_categories(|c| c == crate::rules::Category::Requests);
    setup.ruleset.requests.since = args.since;
    if let Err(code) = statistics_format(check, stderr) {
        return code;
    }
    let gathered = match inputs(args, stderr) {
        Ok(g) => g,
        Err(code) => return code,
    };
    lint_and_report(check, &setup, gathered, stdout, stderr)
}

/// Where the documents of a run come from: the paths on the command line, or with `--live` the
/// tenant. A live fetch hands in Graph list responses (requests, policies with their
/// assignments, users and groups) as [`crate::input::Input::memory`] documents, named after
/// where they came from; nothing after this function knows the difference.
fn inputs(args: &RequestsArgs, stderr: &mut dyn Write) -> Result<Gathered, u8> {
    if !args.check.live {
        return path_inputs(&args.check, stderr);
    }
    // Pending requests always; with --since, those created since then too.
    let since = args
        .since
        .map(|window| crate::model::directory::format_instant(crate::engine::now() - window));
    let fetch = crate::live::RequestsFetch { since };
    let inputs = super::live::inputs(&args.check.live_args, Some(fetch), args.check.quiet, stderr)?;
    Ok(Gathered {
        inputs,
        errors: Vec::new(),
        walk_skipped: Vec::new(),
    })
}
