//! The language-modelling task's data: Shakespeare's Sonnets, Hamlet, Macbeth and King Lear
//! (525 KB of ASCII, shipped in `data/`, provenance in `data/DATA_SOURCES.md`) as byte tokens.
//! The split is fixed, not drawn: the text's first 90 % is public (miners train on it), the last
//! 10 % held out (validators sample query positions inside it, so no context reaches back into
//! public text).

use rand_chacha::ChaCha8Rng;

use crate::rng::below;

/// The share of tokens, at the end of the text, held out for validators, in percent.
pub const HELD_OUT_PERCENT: usize = 10;
/// The largest vocabulary: token ids are u8 and ASCII fits.
pub const VOCAB_MAX: usize = 128;

const TEXT: &str = include_str!("../../data/shakespeare.txt");

/// The whole text as token ids, and where the held-out region starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Corpus {
    /// The distinct bytes of the text, ascending: token id `t` is byte `vocabulary[t]`.
    vocabulary: Vec<u8>,
    tokens: Vec<u8>,
    held_out_start: usize,
}

impl Corpus {
    pub fn load() -> Self {
        let mut present = [false; 256];
        for &byte in TEXT.as_bytes() {
            present[usize::from(byte)] = true;
        }
        let vocabulary: Vec<u8> = (0..=u8::MAX).filter(|&byte| present[usize::from(byte)]).collect();
        assert!(vocabulary.len() <= VOCAB_MAX, "vocabulary of {} bytes exceeds {VOCAB_MAX}", vocabulary.len());
        let mut id = [0u8; 256];
        for (token, &byte) in vocabulary.iter().enumerate() {
            id[usize::from(byte)] = token as u8;
        }
        let tokens: Vec<u8> = TEXT.as_bytes().iter().map(|&byte| id[usize::from(byte)]).collect();
        let held_out_start = tokens.len() - tokens.len() * HELD_OUT_PERCENT / 100;
        Self { vocabulary, tokens, held_out_start }
    }

    pub fn vocab_size(&self) -> usize {
        self.vocabulary.len()
    }

    /// The byte each token id stands for.
    pub fn vocabulary(&self) -> &[u8] {
        &self.vocabulary
    }

    /// The tokens miners may train on.
    pub fn public(&self) -> &[u8] {
        &self.tokens[..self.held_out_start]
    }

    /// The tokens only validators hold.
    pub fn held_out(&self) -> &[u8] {
        &self.tokens[self.held_out_start..]
    }

    /// Token ids back to text.
    pub fn decode(&self, tokens: &[u8]) -> String {
        tokens.iter().map(|&token| char::from(self.vocabulary[usize::from(token)])).collect()
    }
}

/// For each position `p` of `tokens`, the `context` tokens before it (row-major, one row per
/// position) and the token at `p`, the one to predict. Positions must lie in `context..len`.
pub fn contexts(tokens: &[u8], positions: &[usize], context: usize) -> (Vec<u8>, Vec<u8>) {
    let mut rows = Vec::with_capacity(positions.len() * context);
    let mut next = Vec::with_capacity(positions.len());
    for &position in positions {
        assert!(
            (context..tokens.len()).contains(&position),
            "position {position} has no {context} tokens before it in 0..{}",
            tokens.len()
        );
        rows.extend_from_slice(&tokens[position - context..position]);
        next.push(tokens[position]);
    }
    (rows, next)
}

/// `count` positions uniform in `context..tokens` (with repetition), for training batches and
/// validators' queries alike.
pub fn sample_positions(tokens: usize, context: usize, count: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    assert!(tokens > context, "{tokens} tokens hold no window of {context}");
    (0..count).map(|_| context + below(rng, (tokens - context) as u64) as usize).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    #[test]
    fn the_corpus_and_its_split() {
        let corpus = Corpus::load();
        assert_eq!(TEXT.len(), 525_029);
        assert!(TEXT.is_ascii() && !TEXT.contains('\r'));
        assert_eq!(corpus.vocab_size(), 69);
        assert!(corpus.vocabulary().windows(2).all(|pair| pair[0] < pair[1]), "sorted and distinct");
        assert_eq!(corpus.held_out().len(), 52_502, "10 % of 525 029, floored");
        assert_eq!(corpus.public().len() + corpus.held_out().len(), TEXT.len());
        assert!(corpus.public().iter().chain(corpus.held_out()).all(|&t| usize::from(t) < corpus.vocab_size()));
        assert!(corpus.decode(&corpus.public()[..11]).starts_with("THE SONNETS"));
        assert_eq!(corpus.decode(corpus.held_out()), TEXT[corpus.public().len()..]);
        assert_eq!(Corpus::load(), corpus);
    }

    #[test]
    fn contexts_are_the_tokens_before_each_position() {
        let tokens: Vec<u8> = (0..20).collect();
        let (rows, next) = contexts(&tokens, &[3, 19, 3], 3);
        assert_eq!(rows, [0, 1, 2, 16, 17, 18, 0, 1, 2]);
        assert_eq!(next, [3, 19, 3]);
        let positions = sample_positions(tokens.len(), 3, 1_000, &mut stream(1, "test"));
        assert!(positions.iter().all(|&p| (3..20).contains(&p)));
        assert!(positions.contains(&3) && positions.contains(&19));
        assert_eq!(positions, sample_positions(tokens.len(), 3, 1_000, &mut stream(1, "test")));
    }

    #[test]
    #[should_panic(expected = "has no 3 tokens before it")]
    fn a_position_without_a_full_context_is_refused() {
        contexts(&[0, 1, 2, 3], &[2], 3);
    }
}
