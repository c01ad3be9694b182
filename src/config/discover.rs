//! Finding `.pim-lint.yaml`: upward from the linted path, stopping at the repository root.

use std::path::{Path, PathBuf};

pub const CONFIG_NAMES: &[&str] = &[".pim-lint.yaml", ".pim-lint.yml"];

/// Finds `.pim-lint.yaml` from `start` upward, stopping at the repository root (a directory
/// with `.git`) or the filesystem root.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = if start.is_file() {
        start.parent()?.to_path_buf()
    } else {
        start.to_path_buf()
    };
    let mut dir = std::fs::canonicalize(if start.as_os_str().is_empty() {
        Path::new(".")
    } else {
        &start
    })
    .ok()?;
    loop {
        for name in CONFIG_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if dir.join(".git").exists() || !dir.pop() {
            return None;
        }
    }
}
