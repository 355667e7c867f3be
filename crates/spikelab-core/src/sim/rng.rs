//! One random stream per purpose, derived from the model's seed and the item's name, so that
//! changing one thing (a weight distribution, one input's rate) does not reshuffle the rest.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

/// What a random stream is used for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Stream {
    Connect,
    Weights,
    Delays,
    Initial,
    Input,
    Source,
}

/// The generator for `purpose` of the item called `name`.
pub(crate) fn rng_for(seed: u64, purpose: Stream, name: &str) -> Pcg64Mcg {
    // FNV-1a over the purpose and name, mixed with the seed by SplitMix64's finaliser.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in [purpose as u8].iter().chain(name.as_bytes()) {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut z = seed ^ h.rotate_left(17);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    Pcg64Mcg::seed_from_u64(z ^ (z >> 31))
}
