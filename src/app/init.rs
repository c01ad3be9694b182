//! `pim-lint init`: a starter config, pre-commit entry and CI workflow.

use super::{EXIT_CLEAN, EXIT_FAILURE};
use std::io::Write;
use std::path::Path;

const INIT_FILES: &[(&str, &str)] = &[
    (
        ".pim-lint.yaml",
        include_str!("../../examples/pim-lint.yaml"),
    ),
    (
        ".github/workflows/pim-lint.yml",
        include_str!("../../examples/github-workflow.yml"),
    ),
    (
        ".pre-commit-config.yaml",
        include_str!("../../examples/pre-commit-config.yaml"),
    ),
    // A starter desired-state file, with the `yaml-language-server` schema line editors complete
    // from.
    (
        "pim-settings.pim.yaml",
        include_str!("starter/pim-settings.pim.yaml"),
    ),
];

/// Writes the starter files; existing files are left alone (and named) unless `--force`. Each
/// file is written to a temporary name and renamed, so a crash leaves no half file.
pub(super) fn init(dir: &Path, force: bool, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let mut status = EXIT_CLEAN;
    for (name, text) in INIT_FILES {
        let path = dir.join(name);
        // Named as the user would: relative to the current directory when that is the target.
        let shown = if dir == Path::new(".") {
            Path::new(name)
        } else {
            path.as_path()
        };
        if path.exists() && !force {
            let _ = writeln!(
                stdout,
                "kept {} (exists; --force to overwrite)",
                shown.display()
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
                let _ = writeln!(stdout, "wrote {}", shown.display());
            }
            Err(e) => {
                let _ = writeln!(stderr, "error: cannot write {}: {e}", shown.display());
                status = EXIT_FAILURE;
            }
        }
    }
    status
}
