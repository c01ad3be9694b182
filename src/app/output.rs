//! Where a report goes and how it looks there: terminal width, colour, drawing characters, and
//! files written atomically.
//!
//! Conventions (those of ruff, zizmor, cargo and the NO_COLOR / FORCE_COLOR / CLICOLOR specs):
//! - wrapping: human output wraps at the terminal's width (`COLUMNS`, else the terminal's size)
//!   only when standard output is a terminal; piped or written to a file it is never wrapped;
//! - colour with `--color auto`: `NO_COLOR` (non-empty) turns it off; `FORCE_COLOR` or
//!   `CLICOLOR_FORCE` (non-empty, not `0`) turns it on even when piped; `TERM=dumb` turns it off;
//!   otherwise colour on a terminal only. An `--output-file` is coloured only with `--color always`;
//! - drawing characters: ASCII when the locale (`LC_ALL`, else `LC_CTYPE`, else `LANG`, the first
//!   one set) names no UTF-8 encoding, Unicode otherwise (also when none is set).
//!
//! `PIM_LINT_TERMINAL=1` (hidden, for tests) makes the run treat standard output as a terminal.

use crate::cli::ColorChoice;
use crate::report::human::Style;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

fn var(name: &str) -> Option<OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// Standard output is a terminal (or the tests say to pretend it is).
pub(crate) fn stdout_is_terminal() -> bool {
    var("PIM_LINT_TERMINAL").is_some_and(|v| v != "0") || std::io::stdout().is_terminal()
}

/// The terminal's width: `COLUMNS`, else the size of the terminal on standard output, else 80.
pub(crate) fn terminal_width() -> usize {
    let columns = var("COLUMNS")
        .and_then(|c| c.to_str().and_then(|c| c.trim().parse::<usize>().ok()))
        .filter(|&c| c > 0);
    columns
        .or_else(|| {
            terminal_size::terminal_size_of(std::io::stdout())
                .map(|(terminal_size::Width(w), _)| usize::from(w))
        })
        .unwrap_or(80)
        .max(40)
}

/// Whether to colour output going to a terminal (`to_terminal`), a pipe or (`to_file`) a file.
pub(crate) fn use_color(choice: ColorChoice, to_terminal: bool, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if to_file || var("NO_COLOR").is_some() {
                return false;
            }
            let forced = |name: &str| var(name).is_some_and(|v| v != "0");
            if forced("FORCE_COLOR") || forced("CLICOLOR_FORCE") {
                return true;
            }
            if var("TERM").is_some_and(|t| t == "dumb") {
                return false;
            }
            to_terminal
        }
    }
}

/// The locale's character encoding is UTF-8 (or no locale variable is set).
pub(crate) fn utf8_locale() -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|name| var(name))
        .is_none_or(|v| {
            let v = v.to_string_lossy().to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        })
}

/// How human output looks where it goes: standard output (a terminal or not) or a file.
pub(crate) fn human_style(choice: ColorChoice, to_file: bool) -> Style {
    let to_terminal = !to_file && stdout_is_terminal();
    Style {
        color: use_color(choice, to_terminal, to_file),
        width: to_terminal.then(terminal_width),
        unicode: utf8_locale(),
    }
}

/// Writes `text` to standard output. A closed pipe (`pim-lint … | head`) is no failure.
pub(crate) fn write_stdout(stdout: &mut dyn Write, text: &str) -> Result<(), String> {
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write to standard output: {e}")),
    }
}

/// Writes a report to stdout as it is produced (a closed pipe is not an error, as above).
pub(crate) fn stream_stdout(
    stdout: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    match write(stdout).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write to standard output: {e}")),
    }
}

/// Writes `text` to `path` atomically: a temporary file beside it, then a rename, so a reader
/// never sees half a report and a failed write leaves the old file. A device or a pipe
/// (`/dev/stdout`, `/dev/full`) is written in place; a symbolic link's target is replaced.
pub(crate) fn write_file(path: &Path, text: &str) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let existing = std::fs::metadata(path).ok();
    if let Some(m) = &existing {
        if m.is_dir() {
            return Err(format!(
                "cannot write {}: it is a directory",
                path.display()
            ));
        }
        if !m.is_file() {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(fail)?;
            return f
                .write_all(text.as_bytes())
                .and_then(|()| f.flush())
                .map_err(fail);
        }
    }
    let target = match &existing {
        Some(_) => std::fs::canonicalize(path).map_err(fail)?,
        None => path.to_path_buf(),
    };
    let Some(name) = target.file_name() else {
        return Err(format!("cannot write {}: not a file name", path.display()));
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp_name = OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        if let Some(m) = &existing {
            f.set_permissions(m.permissions())?;
        }
        drop(f);
        std::fs::rename(&tmp, &target)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}
