//! `pim-lint test`: a pack's own cases.

use super::{EXIT_CLEAN, EXIT_FAILURE, EXIT_FINDINGS, print_config_error};
use crate::pack::ConfigError;
use std::io::Write;
use std::path::PathBuf;

pub(super) fn test_packs(
    dirs: &[PathBuf],
    bless: bool,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let run = || -> Result<crate::packtest::Report, ConfigError> {
        crate::packtest::run(dirs, &crate::roles::builtin_roles()?, bless)
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
