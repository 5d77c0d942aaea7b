//! Inputs: the input of an iteration, built reproducibly from a seed spec and the PRNG seed.

use codegen::source::SourceFormat;

use super::bytes::mutate_text;
use super::mutate::mutate;
use super::seeds::{serialize, Seed};

/// One generated input.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Input {
    /// `fuzz.json` or `fuzz.yaml`: the spec name given to the target.
    pub(super) name: String,
    pub(super) format: SourceFormat,
    pub(super) text: String,
    pub(super) seed_index: usize,
    /// Names of the mutations applied, in order.
    mutations: Vec<&'static str>,
}

fn iteration_rng(seed: u64, iteration: u64) -> fastrand::Rng {
    fastrand::Rng::with_seed(splitmix64(seed ^ splitmix64(iteration.wrapping_add(1))))
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The input of `iteration` for the PRNG seed `seed`: a pure function of its arguments.
pub(super) fn generate_input(seeds: &[Seed], seed: u64, iteration: u64) -> Input {
    let mut rng = iteration_rng(seed, iteration);
    // Half the time the smallest of three: small specs run faster, big ones still come up.
    let mut seed_index = rng.usize(..seeds.len());
    if rng.bool() {
        for _ in 0..2 {
            let other = rng.usize(..seeds.len());
            if seeds[other].text.len() < seeds[seed_index].text.len() {
                seed_index = other;
            }
        }
    }
    let spec = &seeds[seed_index];
    let mut mutations = Vec::new();
    let (format, mut text, bytes) = match &spec.value {
        Some(value) if rng.u8(..10) != 0 => {
            let mut value = value.clone();
            for _ in 0..rng.usize(1..=8) {
                mutations.push(mutate(&mut value, &mut rng, seeds));
            }
            let format = if rng.bool() {
                SourceFormat::Json
            } else {
                SourceFormat::Yaml
            };
            let text = serialize(format, &value, rng.bool());
            (format, text, rng.u8(..8) == 0)
        }
        _ => (spec.format, spec.text.clone(), true),
    };
    if bytes {
        text = mutate_text(&text, &mut rng);
        mutations.push("bytes");
    }
    Input {
        name: format!("fuzz.{}", format.extension()),
        format,
        text,
        seed_index,
        mutations,
    }
}
