//! Hundreds of random mutations of the presets (deleted and duplicated lines, wrong types,
//! swapped units, huge numbers, NaN, truncation, garbage) must each give a model or an error
//! value, never a panic; a mutated model that loads must also build and run a few steps
//! without panicking.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use spikelab::model::{Model, presets::PRESETS};
use spikelab::sim::Network;
use std::panic::{AssertUnwindSafe, catch_unwind};

const CASES_PER_PRESET: usize = 150;

const NUMBERS: &[&str] = &[
    "1e300",
    "-1e300",
    "nan",
    "inf",
    "-inf",
    "-5",
    "0",
    "99999999999",
    "3.5",
    "-0.0",
    "1e-300",
    "18446744073709551616",
];
const UNIT_SWAPS: &[(&str, &str)] = &[
    (" ms", " mV"),
    (" mV", " ms"),
    (" pA", " nS"),
    (" nS", " pA"),
    (" pF", " Hz"),
    (" ms", ""),
    (" mV", " parsec"),
];
const VALUES: &[&str] = &[
    "true",
    "\"text\"",
    "[1, 2]",
    "{ uniform = [\"1 ms\"] }",
    "{ normal = [\"-1 mV\", \"-5 mV\"] }",
    "\"nan ms\"",
    "\"\"",
];

fn mutate(text: &str, rng: &mut Pcg64Mcg) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len().max(1);
    match rng.random_range(0..8) {
        0 => {
            lines.remove(rng.random_range(0..n));
        }
        1 => {
            let i = rng.random_range(0..n);
            let copy = lines[i].clone();
            lines.insert(i, copy);
        }
        2 => {
            // Replace the first number on a random line.
            let i = rng.random_range(0..n);
            let line = &lines[i];
            if let Some(start) = line.find(|c: char| c.is_ascii_digit()) {
                let end = line[start..]
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .map_or(line.len(), |e| start + e);
                let new = NUMBERS[rng.random_range(0..NUMBERS.len())];
                lines[i] = format!("{}{}{}", &line[..start], new, &line[end..]);
            }
        }
        3 => {
            let (from, to) = UNIT_SWAPS[rng.random_range(0..UNIT_SWAPS.len())];
            let candidates: Vec<usize> = (0..n).filter(|&i| lines[i].contains(from)).collect();
            if !candidates.is_empty() {
                let i = candidates[rng.random_range(0..candidates.len())];
                lines[i] = lines[i].replacen(from, to, 1);
            }
        }
        4 => {
            // Replace a whole value by one of another type.
            let i = rng.random_range(0..n);
            if let Some((key, _)) = lines[i].split_once(" = ") {
                lines[i] = format!("{key} = {}", VALUES[rng.random_range(0..VALUES.len())]);
            }
        }
        5 => {
            let cut = rng.random_range(0..text.len().max(1));
            let cut = (0..=cut).rev().find(|&c| text.is_char_boundary(c)).unwrap_or(0);
            return text[..cut].to_string();
        }
        6 => {
            let i = rng.random_range(0..n);
            let garbage = ["[[", "]]", "=", "\"", "{", "}", "\u{0}", "é", "[populations]", "size ="];
            lines.insert(i, garbage[rng.random_range(0..garbage.len())].to_string());
        }
        _ => {
            // Move a key to another table.
            let i = rng.random_range(0..n);
            let j = rng.random_range(0..n);
            let moved = lines.remove(i);
            lines.insert(j.min(lines.len()), moved);
        }
    }
    lines.join("\n")
}

#[test]
fn mutated_presets_never_panic() {
    let mut rng = Pcg64Mcg::seed_from_u64(2007);
    let (mut rejected, mut accepted) = (0, 0);
    for (name, text) in PRESETS {
        for case in 0..CASES_PER_PRESET {
            let mut mutated = text.to_string();
            for _ in 0..rng.random_range(1..=3) {
                mutated = mutate(&mutated, &mut rng);
            }
            let loaded = catch_unwind(|| Model::from_toml(&mutated, name));
            let model = match loaded {
                Err(_) => panic!("loader panicked on mutation {case} of {name}:\n{mutated}"),
                Ok(Err(e)) => {
                    let msg = e.to_string();
                    assert!(msg.starts_with(name), "error does not name the file: {msg}");
                    assert!(!msg.trim().is_empty());
                    rejected += 1;
                    continue;
                }
                Ok(Ok(model)) => model,
            };
            accepted += 1;
            let ran = catch_unwind(AssertUnwindSafe(|| {
                let mut net = Network::build(&model)?;
                net.run_for(2.0)
            }));
            assert!(ran.is_ok(), "engine panicked on mutation {case} of {name}:\n{mutated}");
        }
    }
    // Both paths must actually be exercised for the test to mean anything.
    assert!(rejected > 100 && accepted > 50, "rejected {rejected}, accepted {accepted}");
}
