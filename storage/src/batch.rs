//! Multi-row statements in a fixed set of row counts, so their prepared statements stay in
//! the connection's cache. A group of N rows used to be one statement of exactly N rows,
//! prepared (parsed and planned) anew every group and never cached (`persistent(false)`,
//! as each N was a new SQL text): preparing was 16 % of a registration's instructions.
//! Now a group goes as slices of 64 rows, then the rest by its binary digits (32, 16, …, 1):
//! at most 7 shapes per statement, each prepared once per connection.

/// Rows in the largest statement (64 × 9 parameters stays far under SQLite's limit).
pub(crate) const MAX_ROWS: usize = 64;

/// `rows` as slices of 64, then of the powers of two that make up the rest.
pub(crate) fn chunks<T>(rows: &[T]) -> impl Iterator<Item = &[T]> {
    let mut rest = rows;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let n = if rest.len() >= MAX_ROWS {
            MAX_ROWS
        } else {
            1 << (usize::BITS - 1 - rest.len().leading_zeros())
        };
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Some(head)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(n: usize) -> Vec<usize> {
        let rows = vec![0u8; n];
        chunks(&rows).map(<[u8]>::len).collect()
    }

    #[test]
    fn every_row_once_in_fixed_sizes() {
        assert!(sizes(0).is_empty());
        assert_eq!(sizes(1), [1]);
        assert_eq!(sizes(46), [32, 8, 4, 2]);
        assert_eq!(sizes(64), [64]);
        assert_eq!(sizes(200), [64, 64, 64, 8]);
        for n in 0..600 {
            let s = sizes(n);
            assert_eq!(s.iter().sum::<usize>(), n);
            assert!(s.iter().all(|k| k.is_power_of_two() && *k <= MAX_ROWS));
        }
    }
}
