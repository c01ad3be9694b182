//! `pim-lint completions SHELL` and `pim-lint man`: the command line described for shells and
//! for man(1), generated from the clap definitions so they never drift from them.

use super::{EXIT_CLEAN, EXIT_FAILURE};
use crate::cli::{self, Cli};
use clap::CommandFactory;
use std::io::Write;

/// Prints the completion script for `shell`.
pub(super) fn completions(shell: clap_complete::Shell, stdout: &mut dyn Write) -> u8 {
    // Generated into memory first: clap_complete panics when its writer fails.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "pim-lint", &mut script);
    let _ = stdout.write_all(&script);
    EXIT_CLEAN
}

/// Prints pim-lint(1): one page with every command and its options, the shortcut and the exit
/// codes.
pub(super) fn man(stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    match page() {
        Ok(roff) => {
            let _ = stdout.write_all(roff.as_bytes());
            EXIT_CLEAN
        }
        Err(e) => {
            let _ = writeln!(stderr, "error: cannot render the manual page: {e}");
            EXIT_FAILURE
        }
    }
}

/// What roff's `to_writer` puts before every piece it renders; kept once, at the top.
const PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";

type Render<'a> = &'a dyn Fn(&mut dyn Write) -> std::io::Result<()>;

/// A rendered piece of a page without roff's preamble.
fn piece(render: Render) -> std::io::Result<String> {
    let mut buf = Vec::new();
    render(&mut buf)?;
    let text = String::from_utf8_lossy(&buf);
    Ok(text.strip_prefix(PREAMBLE).unwrap_or(&text).to_owned())
}

/// A section of a command's own page without its `.SH` heading, to sit under another heading.
fn body(render: Render) -> std::io::Result<String> {
    let text = piece(render)?;
    Ok(
        match text.strip_prefix(".SH").and_then(|t| t.split_once('\n')) {
            Some((_, body)) => body.to_owned(),
            None => text,
        },
    )
}

/// The manual page. clap_mangen renders a page per command; this one page is assembled from
/// their sections, each command's under its own `.SS` heading in COMMANDS.
pub fn page() -> std::io::Result<String> {
    let mut cmd = Cli::command();
    cmd.build();
    let top = clap_mangen::Man::new(cmd.clone()).title("PIM-LINT");
    let mut out = String::from(PREAMBLE);
    out.push_str(&piece(&|w| top.render_title(w))?);
    out.push_str(&piece(&|w| top.render_name_section(w))?);
    out.push_str(&piece(&|w| top.render_synopsis_section(w))?);
    out.push_str(&piece(&|w| top.render_description_section(w))?);
    out.push_str(".PP\n");
    out.push_str(&escape(cli::SHORTCUT));
    out.push_str("\n.SH COMMANDS\n");
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let man = clap_mangen::Man::new(sub.clone());
        out.push_str(&format!(".SS {}\n", sub.get_name()));
        out.push_str(&body(&|w| man.render_synopsis_section(w))?);
        let aliases: Vec<&str> = sub.get_visible_aliases().collect();
        if !aliases.is_empty() {
            out.push_str(&format!(".br\nAlso: {}.\n", aliases.join(", ")));
        }
        out.push_str(".PP\n");
        out.push_str(&body(&|w| man.render_description_section(w))?);
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            out.push_str(&body(&|w| man.render_options_section(w))?);
        }
    }
    out.push_str(".SH \"EXIT STATUS\"\n");
    for (code, meaning) in cli::EXIT_CODES {
        out.push_str(&format!(".TP\n{code}\n{}\n", escape(meaning)));
    }
    out.push_str(
        ".SH \"SEE ALSO\"\n\\fBpim-lint explain\\fR \\fICODE\\fR for each rule's documentation; \
         README.md and docs/rules/ in the source repository.\n",
    );
    out.push_str(&piece(&|w| top.render_version_section(w))?);
    Ok(ascii(&out))
}

/// The page in ASCII: other characters (the help's `…`) as groff's `\[uXXXX]`, which man-db,
/// groff and mandoc read without a preprocessor.
fn ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out
}

/// Text as roff prints it literally (`-` as `\-`, apostrophes kept straight, no line taken for a
/// control line).
fn escape(text: &str) -> String {
    use clap_mangen::roff::{Roff, roman};
    let text = Roff::new().text([roman(text)]).render();
    text.strip_prefix(PREAMBLE)
        .unwrap_or(&text)
        .trim_end()
        .to_owned()
}
