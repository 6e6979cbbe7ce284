//! gzip for the index's binary files: Huffman-coded literals, no LZ77.
//!
//! The search shards and position lists are runs of varints: almost no repeated strings, and
//! bytes whose frequencies are far from even. libdeflate's fastest level spends its time
//! looking for matches that are not there (about 100 MB/s on them here, 11% of a build's
//! time) and compresses them less well than Huffman codes alone (measured on the 100k
//! archive's index: positions 90.8 MB → 77.0 MB with libdeflate level 1, 76.9 MB with
//! literals only). The crates that offer deflate's Huffman-only strategy were slower still
//! (zlib-rs 1.2-1.4 s and miniz_oxide 1.8 s where libdeflate took 0.75-0.93 s on those
//! 90.8 MB), and fdeflate's fixed tables, made for PNG, grew them to 100.4 MB. So this module
//! writes deflate's dynamic Huffman blocks itself (RFC 1951 §3.2.7): one pass counts the
//! bytes of a block, a second writes their codes.
//!
//! Any inflater reads the result (a test decodes it with libdeflate and with the app's own
//! reader, [`gazette_archive::archive::inflate`]). Each block is written in whichever of deflate's three
//! block types is the shortest for it: dynamic Huffman, fixed Huffman or stored.

/// Bytes per block: a stored block holds at most 65,535.
const BLOCK: usize = 65_535;
/// The end-of-block symbol of the literal/length alphabet (the last one used here: no
/// lengths, since there are no matches).
const END_OF_BLOCK: usize = 256;
const LITERALS: usize = 257;
/// The order in which a dynamic block gives the lengths of the code-length code.
const CODE_LENGTH_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Replaces the contents of `out` with `input` as a gzip file (one member, no name, time 0).
pub fn compress(input: &[u8], out: &mut Vec<u8>) {
    out.clear();
    // ID1 ID2, deflate, no flags, no time, no extra flags, unknown OS.
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    // Room for the worst case (every block stored) and the bit writer's 8-byte stores.
    let blocks = input.len().div_ceil(BLOCK).max(1);
    out.resize(out.len() + input.len() + 8 * blocks + 16, 0);
    let mut bits = Bits {
        out,
        at: 10,
        buffer: 0,
        count: 0,
    };
    if input.is_empty() {
        stored_block(&mut bits, &[], true);
    }
    for (index, block) in input.chunks(BLOCK).enumerate() {
        write_block(&mut bits, block, index + 1 == blocks);
    }
    bits.flush();
    let end = bits.at;
    out.truncate(end);
    out.extend_from_slice(&libdeflater::crc32(input).to_le_bytes());
    out.extend_from_slice(&(input.len() as u32).to_le_bytes());
}

/// Deflate's bit stream, least significant bit first, into `out` (sized beforehand) from
/// `at`: bits gather in a 64-bit buffer, which goes out eight bytes at a time, unaligned,
/// its whole bytes counted as written.
struct Bits<'a> {
    out: &'a mut Vec<u8>,
    at: usize,
    buffer: u64,
    /// Bits in `buffer` (fewer than 8 after a store).
    count: u32,
}

impl Bits<'_> {
    /// Adds the `count` low bits of `value` (`count` at most 32, and the buffer's bits with
    /// them at most 64: [`Bits::store`] in between).
    #[inline(always)]
    fn add(&mut self, value: u32, count: u32) {
        self.buffer |= u64::from(value) << self.count;
        self.count += count;
    }

    /// Writes the buffer's whole bytes.
    #[inline(always)]
    fn store(&mut self) {
        self.out[self.at..self.at + 8].copy_from_slice(&self.buffer.to_le_bytes());
        let bytes = self.count / 8;
        self.at += bytes as usize;
        // Two shifts: a shift by 64 would overflow.
        self.buffer = (self.buffer >> (bytes * 4)) >> (bytes * 4);
        self.count -= bytes * 8;
    }

    /// Writes the `count` low bits of `value` (at most 32).
    fn put(&mut self, value: u32, count: u32) {
        self.add(value, count);
        self.store();
    }

    /// Writes the bits left, padding the last byte with zeros.
    fn flush(&mut self) {
        self.store();
        if self.count > 0 {
            self.out[self.at] = self.buffer as u8;
            self.at += 1;
        }
        self.buffer = 0;
        self.count = 0;
    }
}

/// Writes `block` in the shortest of the three block types.
fn write_block(bits: &mut Bits<'_>, block: &[u8], last: bool) {
    let mut frequencies = [0u32; LITERALS];
    count_bytes(block, &mut frequencies);
    frequencies[END_OF_BLOCK] = 1;
    let mut lengths = [0u8; LITERALS];
    code_lengths(&frequencies, 15, &mut lengths);
    let header = DynamicHeader::of(&lengths);
    let cost = |lengths: &[u8]| -> u64 {
        frequencies
            .iter()
            .zip(lengths)
            .map(|(&f, &l)| u64::from(f) * u64::from(l))
            .sum()
    };
    let dynamic = header.bits + cost(&lengths);
    static FIXED: std::sync::LazyLock<([u8; LITERALS], [u16; LITERALS])> =
        std::sync::LazyLock::new(fixed_code);
    let (fixed_lengths, fixed_codes) = *FIXED;
    let fixed = 3 + cost(&fixed_lengths);
    // The block's 3 header bits, up to 7 bits of padding, LEN and NLEN, then the bytes.
    let stored = 3 + 7 + 32 + 8 * block.len() as u64;
    if stored < dynamic.min(fixed) {
        stored_block(bits, block, last);
        return;
    }
    bits.put(u32::from(last), 1);
    let (lengths, codes) = if dynamic <= fixed {
        bits.put(2, 2);
        header.write(bits);
        let mut codes = [0u16; LITERALS];
        canonical_codes(&lengths, &mut codes);
        (lengths, codes)
    } else {
        bits.put(1, 2);
        (fixed_lengths, fixed_codes)
    };
    // A byte's code and its length, looked up once per byte; two codes (at most 30 bits)
    // between stores.
    let table: [(u32, u32); 256] =
        std::array::from_fn(|byte| (u32::from(codes[byte]), u32::from(lengths[byte])));
    let mut pairs = block.chunks_exact(2);
    for pair in &mut pairs {
        let (code, length) = table[usize::from(pair[0])];
        bits.add(code, length);
        let (code, length) = table[usize::from(pair[1])];
        bits.add(code, length);
        bits.store();
    }
    for &byte in pairs.remainder() {
        let (code, length) = table[usize::from(byte)];
        bits.put(code, length);
    }
    bits.put(
        u32::from(codes[END_OF_BLOCK]),
        u32::from(lengths[END_OF_BLOCK]),
    );
}

/// Counts each byte value of `block` (four tables, so that a run of equal bytes does not
/// wait on the same counter).
fn count_bytes(block: &[u8], frequencies: &mut [u32; LITERALS]) {
    let mut tables = [[0u32; 256]; 4];
    let mut quads = block.chunks_exact(4);
    for quad in &mut quads {
        tables[0][usize::from(quad[0])] += 1;
        tables[1][usize::from(quad[1])] += 1;
        tables[2][usize::from(quad[2])] += 1;
        tables[3][usize::from(quad[3])] += 1;
    }
    for &byte in quads.remainder() {
        tables[0][usize::from(byte)] += 1;
    }
    for (value, frequency) in frequencies.iter_mut().take(256).enumerate() {
        *frequency = tables.iter().map(|table| table[value]).sum();
    }
}

/// A stored block: the bytes as they are, from the next byte boundary.
fn stored_block(bits: &mut Bits<'_>, block: &[u8], last: bool) {
    bits.put(u32::from(last), 1);
    bits.put(0, 2);
    bits.flush();
    let len = u16::try_from(block.len()).expect("a stored block holds at most 65,535 bytes");
    let at = bits.at;
    bits.out[at..at + 2].copy_from_slice(&len.to_le_bytes());
    bits.out[at + 2..at + 4].copy_from_slice(&(!len).to_le_bytes());
    bits.out[at + 4..at + 4 + block.len()].copy_from_slice(block);
    bits.at = at + 4 + block.len();
}

/// Deflate's fixed literal/length code (lengths and codes) for the symbols used here: made
/// from all 288 of its lengths, since the unused symbols take codes too.
fn fixed_code() -> ([u8; LITERALS], [u16; LITERALS]) {
    let all: [u8; 288] = std::array::from_fn(|symbol| match symbol {
        0..=143 | 280.. => 8,
        144..=255 => 9,
        _ => 7,
    });
    let mut codes = [0u16; 288];
    canonical_codes(&all, &mut codes);
    (
        std::array::from_fn(|symbol| all[symbol]),
        std::array::from_fn(|symbol| codes[symbol]),
    )
}

/// A dynamic block's header: the code lengths of the literal code and of the (unused)
/// distance code, run-length coded, and the code that codes them.
struct DynamicHeader {
    /// `(symbol, value of its extra bits)` of the code-length alphabet, in order.
    items: Vec<(u8, u8)>,
    lengths: [u8; 19],
    codes: [u16; 19],
    /// How many code-length code lengths are written (in [`CODE_LENGTH_ORDER`]).
    written: usize,
    /// The header's size in bits, the 3 bits of the block type included.
    bits: u64,
}

impl DynamicHeader {
    fn of(literal_lengths: &[u8; LITERALS]) -> DynamicHeader {
        // No match is ever written, yet a decoder needs a distance code: two symbols of one
        // bit make a complete one that every inflater accepts.
        let sequence: Vec<u8> = literal_lengths.iter().copied().chain([1, 1]).collect();
        let items = run_lengths(&sequence);
        let mut frequencies = [0u32; 19];
        for &(symbol, _) in &items {
            frequencies[usize::from(symbol)] += 1;
        }
        let mut lengths = [0u8; 19];
        code_lengths(&frequencies, 7, &mut lengths);
        let mut codes = [0u16; 19];
        canonical_codes(&lengths, &mut codes);
        let written = 4.max(
            CODE_LENGTH_ORDER
                .iter()
                .rposition(|&symbol| lengths[symbol] != 0)
                .map_or(0, |at| at + 1),
        );
        let item_bits: u64 = items
            .iter()
            .map(|&(symbol, _)| {
                u64::from(lengths[usize::from(symbol)]) + u64::from(extra_bits(symbol))
            })
            .sum();
        DynamicHeader {
            bits: 3 + 5 + 5 + 4 + 3 * written as u64 + item_bits,
            items,
            lengths,
            codes,
            written,
        }
    }

    /// Writes the header after the block type.
    fn write(&self, bits: &mut Bits<'_>) {
        bits.put((LITERALS - 257) as u32, 5);
        bits.put(2 - 1, 5);
        bits.put((self.written - 4) as u32, 4);
        for &symbol in &CODE_LENGTH_ORDER[..self.written] {
            bits.put(u32::from(self.lengths[symbol]), 3);
        }
        for &(symbol, extra) in &self.items {
            let symbol = usize::from(symbol);
            bits.put(
                u32::from(self.codes[symbol]),
                u32::from(self.lengths[symbol]),
            );
            bits.put(u32::from(extra), extra_bits(symbol as u8));
        }
    }
}

/// The extra bits after a code-length symbol: 16 repeats the previous length 3-6 times, 17
/// gives 3-10 zeros, 18 gives 11-138.
fn extra_bits(symbol: u8) -> u32 {
    match symbol {
        16 => 2,
        17 => 3,
        18 => 7,
        _ => 0,
    }
}

/// `lengths` as code-length symbols with their extra bits' values.
fn run_lengths(lengths: &[u8]) -> Vec<(u8, u8)> {
    let mut items = Vec::new();
    let mut at = 0;
    while at < lengths.len() {
        let length = lengths[at];
        let run = lengths[at..].iter().take_while(|&&l| l == length).count();
        let mut left = run;
        if length == 0 {
            while left >= 11 {
                let take = left.min(138);
                items.push((18, (take - 11) as u8));
                left -= take;
            }
            if left >= 3 {
                items.push((17, (left - 3) as u8));
                left = 0;
            }
        } else {
            items.push((length, 0));
            left -= 1;
            while left >= 3 {
                let take = left.min(6);
                items.push((16, (take - 3) as u8));
                left -= take;
            }
        }
        items.extend(std::iter::repeat_n((length, 0), left));
        at += run;
    }
    items
}

/// The most symbols a code has here (the literal alphabet and the end of block).
const MAX_SYMBOLS: usize = LITERALS;

/// Huffman code lengths for `frequencies` (at most [`MAX_SYMBOLS`]), none longer than
/// `limit` bits. The used symbols are sorted by frequency once (ties by symbol, so that the
/// code is the same on every machine) and the optimal code built by the two-queue method;
/// while it is too deep, the frequencies are halved (keeping every used symbol, and their
/// order) and the code is built again. A code has at least two symbols (a lone one gets a
/// partner), so that it is complete, as decoders require.
fn code_lengths(frequencies: &[u32], limit: u8, lengths: &mut [u8]) {
    // Each used symbol as one number (frequency, then symbol), so that one sort of integers
    // orders them: a third of the instructions of sorting pairs, which was most of a small
    // file's cost.
    let key = |frequency: u32, symbol: usize| u64::from(frequency) << 16 | symbol as u64;
    let mut keys = [0u64; MAX_SYMBOLS];
    let mut n = 0;
    for (symbol, &frequency) in frequencies.iter().enumerate() {
        if frequency > 0 {
            keys[n] = key(frequency, symbol);
            n += 1;
        }
    }
    let mut partner = 0;
    while n < 2 {
        if frequencies[partner] == 0 {
            keys[n] = key(1, partner);
            n += 1;
        }
        partner += 1;
    }
    keys[..n].sort_unstable();
    let mut leaves = [(0u32, 0u16); MAX_SYMBOLS];
    let leaves = &mut leaves[..n];
    for (leaf, &key) in leaves.iter_mut().zip(&keys) {
        *leaf = ((key >> 16) as u32, key as u16);
    }
    let mut depth = [0u16; 2 * MAX_SYMBOLS];
    while !tree_depths(leaves, &mut depth, u16::from(limit)) {
        for leaf in leaves.iter_mut() {
            leaf.0 = (leaf.0 / 2).max(1);
        }
    }
    lengths.fill(0);
    for (leaf, &(_, symbol)) in leaves.iter().enumerate() {
        lengths[usize::from(symbol)] = depth[leaf] as u8;
    }
}

/// The depth of each of `leaves` (at least two, sorted by frequency) in their optimal
/// Huffman tree, into `depth` (by leaf), by the two-queue construction: nodes `0..n` are the
/// leaves, `n..2n-1` the internal nodes in the order they are made, which is by weight, so
/// that the second queue is just that range. Whether every depth is at most `limit`.
fn tree_depths(leaves: &[(u32, u16)], depth: &mut [u16; 2 * MAX_SYMBOLS], limit: u16) -> bool {
    let n = leaves.len();
    let mut weight = [0u64; 2 * MAX_SYMBOLS];
    let mut parent = [0u16; 2 * MAX_SYMBOLS];
    for (leaf, &(frequency, _)) in leaves.iter().enumerate() {
        weight[leaf] = u64::from(frequency);
    }
    let (mut next_leaf, mut next_internal) = (0, n);
    for internal in n..2 * n - 1 {
        let mut children = [0; 2];
        for child in &mut children {
            let take_leaf = next_leaf < n
                && (next_internal == internal || weight[next_leaf] <= weight[next_internal]);
            if take_leaf {
                *child = next_leaf;
                next_leaf += 1;
            } else {
                *child = next_internal;
                next_internal += 1;
            }
        }
        weight[internal] = weight[children[0]] + weight[children[1]];
        parent[children[0]] = internal as u16;
        parent[children[1]] = internal as u16;
    }
    depth[2 * n - 2] = 0;
    for node in (0..2 * n - 2).rev() {
        depth[node] = depth[usize::from(parent[node])] + 1;
    }
    depth[..n].iter().all(|&d| d <= limit)
}

/// Deflate's canonical codes for `lengths` (RFC 1951 §3.2.2), bit-reversed, since Huffman
/// codes go out most significant bit first in a stream written least significant first.
fn canonical_codes(lengths: &[u8], codes: &mut [u16]) {
    let mut counts = [0u16; 16];
    for &length in lengths.iter().filter(|&&l| l > 0) {
        counts[usize::from(length)] += 1;
    }
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for bits in 1..16 {
        code = (code + counts[bits - 1]) << 1;
        next[bits] = code;
    }
    for (symbol, &length) in lengths.iter().enumerate() {
        if length > 0 {
            let length = usize::from(length);
            codes[symbol] = next[length].reverse_bits() >> (16 - length);
            next[length] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn decoded_by_libdeflate(gz: &[u8], size: usize) -> Vec<u8> {
        let mut out = vec![0; size];
        let written = libdeflater::Decompressor::new()
            .gzip_decompress(gz, &mut out)
            .expect("libdeflate reads it");
        out.truncate(written);
        out
    }

    fn round_trips(input: &[u8]) {
        let mut gz = Vec::new();
        compress(input, &mut gz);
        assert_eq!(decoded_by_libdeflate(&gz, input.len()), input);
        assert_eq!(
            gazette_archive::archive::inflate("test", &gz).unwrap(),
            input
        );
    }

    #[test]
    fn every_kind_of_input_round_trips_through_two_inflaters() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        round_trips(b"");
        round_trips(b"a");
        round_trips(&[0; 100_000]);
        round_trips(&[7; 3]);
        round_trips(b"ab");
        for _ in 0..300 {
            let len = match rng.gen_range(0..4) {
                0 => rng.gen_range(0..40),
                1 => rng.gen_range(0..2_000),
                2 => rng.gen_range(60_000..140_000),
                _ => rng.gen_range(0..20_000),
            };
            // From one distinct byte to all 256, evenly or very unevenly spread.
            let alphabet = rng.gen_range(1..=256u32);
            let skew = rng.gen_range(0.0..6.0f64);
            let input: Vec<u8> = (0..len)
                .map(|_| {
                    let u: f64 = rng.gen();
                    ((u.powf(skew + 1.0) * f64::from(alphabet)) as u32).min(alphabet - 1) as u8
                })
                .collect();
            round_trips(&input);
        }
    }

    #[test]
    fn a_skewed_block_keeps_its_codes_within_fifteen_bits() {
        // Fibonacci frequencies (with the end of block's 1) make the optimal code as deep as
        // there are symbols.
        let mut input = Vec::new();
        let (mut a, mut b) = (1usize, 2usize);
        for symbol in 0..21u8 {
            input.extend(std::iter::repeat_n(symbol, a));
            (a, b) = (b, a + b);
        }
        assert!(input.len() <= BLOCK, "one block");
        let mut frequencies = [0u32; LITERALS];
        count_bytes(&input, &mut frequencies);
        frequencies[END_OF_BLOCK] = 1;
        let mut unlimited = [0u8; LITERALS];
        code_lengths(&frequencies, u8::MAX, &mut unlimited);
        assert!(
            unlimited.iter().any(|&l| l > 15),
            "the test needs a deep code: {:?}",
            &unlimited[..24]
        );
        round_trips(&input);
    }

    /// Kraft's sum of `lengths`, in units of 2^-15: a complete code sums to 2^15.
    fn kraft(lengths: &[u8]) -> u32 {
        lengths
            .iter()
            .filter(|&&l| l > 0)
            .map(|&l| 1u32 << (15 - l))
            .sum()
    }

    #[test]
    fn limited_codes_are_complete_and_within_their_limit() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        for _ in 0..2_000 {
            let (symbols, limit) = [(LITERALS, 15), (19, 7)][rng.gen_range(0..2)];
            let used = rng.gen_range(0..=symbols);
            let frequencies: Vec<u32> = (0..symbols)
                .map(|s| {
                    if s < used {
                        1 << rng.gen_range(0..20)
                    } else {
                        0
                    }
                })
                .collect();
            let mut lengths = vec![0u8; symbols];
            code_lengths(&frequencies, limit, &mut lengths);
            assert!(lengths.iter().all(|&l| l <= limit));
            assert_eq!(kraft(&lengths), 1 << 15, "{frequencies:?}");
            assert!(frequencies
                .iter()
                .zip(&lengths)
                .all(|(&f, &l)| f == 0 || l > 0));
        }
    }

    #[test]
    fn varints_compress_as_well_as_with_libdeflate_fastest_level() {
        // Position-like data: small gaps as varints, most of them one byte.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut input = Vec::new();
        while input.len() < 200_000 {
            let gap: u32 = (rng.gen::<f64>().powi(3) * 5_000.0) as u32;
            gazette_archive::search::push_varint(
                &mut input,
                u64::from(gap) << 1 | rng.gen_range(0..2),
            );
        }
        let mut ours = Vec::new();
        compress(&input, &mut ours);
        let mut theirs = Vec::new();
        crate::store::Gzip::new().compress(&input, &mut theirs);
        assert!(
            ours.len() * 100 <= theirs.len() * 101,
            "{} against {}",
            ours.len(),
            theirs.len()
        );
        assert!(ours.len() < input.len() * 95 / 100, "it compresses");
        assert_eq!(decoded_by_libdeflate(&ours, input.len()), input);
    }

    #[test]
    fn the_shortest_block_type_is_chosen() {
        // Random bytes do not compress: stored, five bytes over the input per block.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let input: Vec<u8> = (0..1_000).map(|_| rng.gen()).collect();
        let mut gz = Vec::new();
        compress(&input, &mut gz);
        assert_eq!(gz.len(), 10 + 5 + input.len() + 8);
        // A few bytes: the fixed code beats a dynamic block's header.
        compress(b"abc", &mut gz);
        assert!(gz.len() < 10 + 8 + 8, "{}", gz.len());
        round_trips(b"abc");
    }
}
