//! Byte offset → 1-based line and column.

#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
    /// Whether each line is pure ASCII (then a column is a byte count: O(1), even on a 50 MB
    /// single-line file).
    ascii: Vec<bool>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let bytes = text.as_bytes();
        let ascii = starts
            .iter()
            .enumerate()
            .map(|(i, &s)| {
                let e = starts.get(i + 1).copied().unwrap_or(bytes.len());
                bytes.get(s..e).is_none_or(|l| l.is_ascii())
            })
            .collect();
        LineIndex { starts, ascii }
    }

    /// 1-based line and 1-based column in Unicode code points. A `\r` before `\n` belongs to the
    /// line end, so CRLF and LF files give the same numbers.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts[line - 1];
        if self.ascii.get(line - 1).copied().unwrap_or(false) {
            return (line, offset - start + 1);
        }
        let mut end = offset;
        while end > start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = text.get(start..end).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }

    /// Byte length of a 1-based line (without its line break).
    pub fn line_len(&self, text: &str, line: usize) -> usize {
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let end = self
            .starts
            .get(line)
            .map_or(text.len(), |e| e.saturating_sub(1));
        end.saturating_sub(start)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}
