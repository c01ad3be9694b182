//! Opening the files the loaders are pointed at, safely.

use super::ConfigError;
use std::path::Path;

/// The largest data file a loader reads.
pub const MAX_SIZE: u64 = 4 * 1024 * 1024;

/// Reads a file a loader was pointed at (`--config`, `--pack`, `extends`, `account_mapping`):
/// only a regular file, at most [`MAX_SIZE`] bytes. A directory, FIFO or device is an error that
/// names the path — never a hang on a pipe or an endless read of `/dev/zero`.
pub fn read(path: &Path, display: &str, what: &str) -> Result<Vec<u8>, ConfigError> {
    use std::io::Read;
    let fail = |why: String| {
        ConfigError::plain(
            display,
            format!("cannot read {what} {display}: {why}"),
            None,
        )
    };
    let check = |meta: std::fs::Metadata| {
        if meta.is_dir() {
            Err(fail("it is a directory".into()))
        } else if !meta.is_file() {
            Err(fail(
                "it is not a regular file (a device, FIFO or socket)".into(),
            ))
        } else if meta.len() > MAX_SIZE {
            Err(fail(format!("it is larger than {} MiB", MAX_SIZE >> 20)))
        } else {
            Ok(())
        }
    };
    // Checked before opening (opening a FIFO blocks) and again on the open file.
    check(std::fs::metadata(path).map_err(|e| fail(e.to_string()))?)?;
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    check(file.metadata().map_err(|e| fail(e.to_string()))?)?;
    let mut bytes = Vec::new();
    file.take(MAX_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > MAX_SIZE {
        return Err(fail(format!("it is larger than {} MiB", MAX_SIZE >> 20)));
    }
    Ok(bytes)
}
