//! "Did you mean …?": the closest known word to a misspelled one.

/// The candidate closest to `word` (case-insensitive edit distance), if it is close enough to be
/// a likely typo: at most one edit for short words, about a third of the length for long ones.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(&word, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance with adjacent transpositions counted as one edit.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows: two back (transpositions), one back, current.
    let mut two: Vec<usize> = vec![0; b.len() + 1];
    let mut one: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (one[j] + 1).min(cur[j - 1] + 1).min(one[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(two[j - 2] + 1);
            }
        }
        two = std::mem::replace(&mut one, cur);
    }
    one[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_words_are_suggested_and_far_ones_not() {
        assert_eq!(did_you_mean("mni", ["min", "max"]), Some("min"));
        assert_eq!(did_you_mean("rulez", ["rules", "roles"]), Some("rules"));
        assert_eq!(did_you_mean("PIM1O1", ["PIM101", "PIM102"]), Some("PIM101"));
        assert_eq!(did_you_mean("frobnicate", ["min", "max"]), None);
        assert_eq!(distance("ab", "ba"), 1);
    }
}
