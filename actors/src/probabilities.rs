//! A miner's answer as it travels: per row, class probabilities quantised to u16 (⌊p · 65535⌋),
//! row-major in one buffer. One allocation per answer whatever its rows (a `Vec` per row made
//! allocation most of a remembered answer's cost), and rectangular, as a synapse's tensor is: a
//! malformed answer is malformed in its shape (no rows, no classes, the wrong count of either)
//! or its values, never ragged.

/// `rows × width` u16 probabilities, row-major.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Probabilities {
    rows: usize,
    width: usize,
    values: Vec<u16>,
}

impl Probabilities {
    /// `values` as rows of `width` (none when `width` is 0).
    pub fn new(width: usize, values: Vec<u16>) -> Self {
        let rows = values.len().checked_div(width).unwrap_or(0);
        assert_eq!(rows * width, values.len(), "whole rows of {width} values");
        Self { rows, width, values }
    }

    /// `rows` rows, each `row`.
    pub fn repeated(row: &[u16], rows: usize) -> Self {
        Self { rows, width: row.len(), values: row.repeat(rows) }
    }

    /// From rows of equal length (tests and small policies; the models write one buffer).
    pub fn from_rows(rows: &[Vec<u16>]) -> Self {
        let width = rows.first().map_or(0, Vec::len);
        assert!(rows.iter().all(|row| row.len() == width), "rows of one width");
        Self { rows: rows.len(), width, values: rows.concat() }
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Values per row: the classes, in a well-formed answer.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Row `index`.
    pub fn row(&self, index: usize) -> &[u16] {
        &self.values[index * self.width..(index + 1) * self.width]
    }

    /// Each row, in order (rows of no classes are empty slices).
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &[u16]> + '_ {
        (0..self.rows).map(|index| self.row(index))
    }

    /// Each row, to change in place (a lookup miner overwrites the rows it memorised).
    pub fn rows_mut(&mut self) -> impl Iterator<Item = &mut [u16]> + '_ {
        self.values.chunks_exact_mut(self.width.max(1)).take(self.rows)
    }

    /// Every value, row after row.
    pub fn values(&self) -> &[u16] {
        &self.values
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_slices_of_one_buffer_in_order() {
        let answer = Probabilities::new(3, vec![1, 2, 3, 4, 5, 6]);
        assert_eq!((answer.len(), answer.width()), (2, 3));
        assert_eq!(answer.rows().collect::<Vec<_>>(), [&[1, 2, 3][..], &[4, 5, 6][..]]);
        assert_eq!(answer.row(1), [4, 5, 6]);
        assert_eq!(answer, Probabilities::from_rows(&[vec![1, 2, 3], vec![4, 5, 6]]));
        assert_eq!(Probabilities::repeated(&[7, 8], 2).values(), [7, 8, 7, 8]);
    }

    #[test]
    fn rows_of_no_classes_are_empty_rows() {
        assert!(Probabilities::new(0, Vec::new()).is_empty());
        assert!(Probabilities::from_rows(&[]).is_empty());
        let blank = Probabilities::from_rows(&[vec![], vec![]]);
        assert_eq!((blank.len(), blank.width()), (2, 0));
        assert!(blank.rows().all(<[u16]>::is_empty));
    }

    #[test]
    #[should_panic(expected = "whole rows")]
    fn a_partial_row_is_refused() {
        Probabilities::new(3, vec![1, 2]);
    }
}
