//! Random inputs for the differential and robustness tests: strings made of pieces picked by
//! a small deterministic generator, settable from the environment to run more, longer or
//! other inputs than `cargo test` does (`VAR=iterations,max_len[,seed]`).

/// Pieces, picked at random, joined into inputs.
pub struct RandomPieces {
    state: u64,
    /// How many inputs to make, and the most pieces in one.
    pub iterations: u64,
    pub max_len: usize,
}

impl RandomPieces {
    /// The settings in the environment variable `var`, else `iterations` inputs of at most
    /// `max_len` pieces; `seed` starts the generator (xor the variable's seed).
    pub fn from_env(var: &str, seed: u64, iterations: u64, max_len: usize) -> Self {
        let settings: Vec<u64> = std::env::var(var)
            .map(|v| v.split(',').map(|n| n.parse().expect("a number")).collect())
            .unwrap_or_default();
        let setting = |i: usize, default: u64| settings.get(i).copied().unwrap_or(default);
        RandomPieces {
            state: seed ^ setting(2, 0),
            iterations: setting(0, iterations),
            max_len: setting(1, max_len as u64) as usize,
        }
    }

    /// A number below `n` (xorshift).
    pub fn below(&mut self, n: usize) -> usize {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        (self.state % n as u64) as usize
    }

    /// One input: one to `max_len` pieces, each from `pick`.
    pub fn input(&mut self, pick: impl FnMut(&mut Self) -> &'static str) -> String {
        let len = 1 + self.below(self.max_len);
        self.pieces(len, pick)
    }

    /// One input of fewer than `max_len` pieces (maybe none), each from `pick`: a `String`
    /// of `&str` or `char` pieces.
    pub fn input_or_empty<P, T: FromIterator<P>>(&mut self, pick: impl FnMut(&mut Self) -> P) -> T {
        let len = self.below(self.max_len);
        self.pieces(len, pick)
    }

    fn pieces<P, T: FromIterator<P>>(
        &mut self,
        len: usize,
        mut pick: impl FnMut(&mut Self) -> P,
    ) -> T {
        (0..len).map(|_| pick(self)).collect()
    }
}
