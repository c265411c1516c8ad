//! "Did you mean ...?" hints for misspelt names and ids.

/// The candidate closest to `word` by edit distance (insertions, deletions,
/// substitutions and swaps of neighbours), if one is close enough to be a
/// plausible typo: at most one edit for short words, a third of the length
/// for longer ones. Ties go to the first candidate.
///
/// ```
/// assert_eq!(ops_core::suggest::did_you_mean("dbb", ["db", "web"]), Some("db"));
/// assert_eq!(ops_core::suggest::did_you_mean("cache", ["db", "web"]), None);
/// ```
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    let limit = (len / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let clen = candidate.chars().count();
        if clen.abs_diff(len) > limit || candidate == word {
            continue;
        }
        let d = distance(word, candidate);
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The optimal string alignment distance, counted in characters: edits of
/// one character, and swaps of two neighbours, each substring edited at most
/// once (so "ca" to "abc" is 3 edits, where unrestricted Damerau-Levenshtein
/// counts 2). Typos are mostly one slip of a key or one swap; the restricted
/// form matches what those look like.
fn distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_plausible_typos_only() {
        let fields = ["id", "depends_on", "domains", "requires"];
        assert_eq!(did_you_mean("dependson", fields), Some("depends_on"));
        assert_eq!(did_you_mean("domians", fields), Some("domains"));
        assert_eq!(did_you_mean("dbb", ["db", "cache"]), Some("db"));
        assert_eq!(did_you_mean("colour", fields), None);
        assert_eq!(did_you_mean("x", ["db"]), None);
    }

    #[test]
    fn distance_counts_swaps_as_one_edit() {
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        // Optimal string alignment, not unrestricted Damerau-Levenshtein (2 here).
        assert_eq!(distance("ca", "abc"), 3);
        // Characters, not bytes: one substitution of a two-byte letter.
        assert_eq!(distance("zoné", "zone"), 1);
    }

    /// The hand-written distance ops used before strsim, kept as the oracle
    /// that shows strsim's gives the same numbers and so the same suggestions.
    fn hand_written_osa(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let width = b.len() + 1;
        let mut prev2 = vec![0; width];
        let mut prev: Vec<usize> = (0..width).collect();
        let mut cur = vec![0; width];
        for i in 1..=a.len() {
            cur[0] = i;
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d = d.min(prev2[j - 2] + 1);
                }
                cur[j] = d;
            }
            std::mem::swap(&mut prev2, &mut prev);
            std::mem::swap(&mut prev, &mut cur);
        }
        prev[b.len()]
    }

    /// Words over a small alphabet (with a two-byte letter), so that
    /// repeated letters and swaps of neighbours are common.
    fn word() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        proptest::collection::vec(proptest::sample::select(vec!['a', 'b', 'c', '-', 'é']), 0..9)
            .prop_map(|cs| cs.into_iter().collect())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn strsim_agrees_with_the_hand_written_distance(a in word(), b in word()) {
            proptest::prop_assert_eq!(distance(&a, &b), hand_written_osa(&a, &b));
        }
    }
}
