//! A seeded, structure-aware mutation test of the loader over every preset (and two models with
//! explicit synapse lists, which no preset has): 5,000 mutants, each given to the loader as the
//! bytes of a file, must give a model or an error value, never a panic.
//!
//! - An error must name the file and give a line for every problem, on one line each (no
//!   echoed newline may split a message), and show at most 20 problems.
//! - An accepted model must save and load back equal, give its warnings, and build and run
//!   1 ms. Models whose estimated memory is above 256 MB are refused by the estimate (what it
//!   is for), which keeps every accepted mutant small enough to run here.
//! - A mutant with a synapse list must give the same result whether the list is read compactly
//!   or by the reference reader.
//!
//! Mutations: deleted, duplicated and moved lines; duplicated tables; extreme and non-finite
//! numbers; swapped and unknown units; values of the wrong type; references to missing
//! populations; huge sizes; typos in names of choices; newlines, tabs and control characters in
//! strings; stray TOML punctuation; and at the byte level random byte flips, invalid UTF-8 and
//! truncation (also inside a character).
//!
//! `tests/corpus/` holds inputs that once made the loader panic or gave a new kind of error;
//! they are replayed first. Set `SPIKELAB_FUZZ_SAVE=1` to add the inputs of this run that give a
//! kind of outcome the corpus does not have yet, and `SPIKELAB_FUZZ_SLOW=folder` to write the
//! inputs that took more than 0.3 s there.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use spikelab_core::model::{Model, ModelError, PROBLEMS_SHOWN, presets::PRESETS};
use spikelab_core::sim::Network;
use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const CASES: usize = 5000;
const SEED: u64 = 2007;
/// Memory limit for the mutants: larger networks are refused by the estimate.
const LIMIT_BYTES: u64 = 256 << 20;
/// Neuron updates an accepted mutant may take: a network of a million neurons runs one step,
/// not 1 ms (the slowest cases are printed, so a model that is slow to run is seen, not hidden).
const STEP_BUDGET: f64 = 2e6;

/// Two small models with explicit synapse lists, one with a list in an inline table and one
/// under a `[projections.connect]` header, with delays and weights per synapse.
const EXPLICIT: &[(&str, &str)] = &[
    (
        "explicit_inline.toml",
        r#"name = "explicit inline"

[simulation]
dt = "0.1 ms"
duration = "50 ms"

[[populations]]
name = "a"
size = 4
model = "lif"

[[populations]]
name = "b"
size = 3
model = "izhikevich"

[[projections]]
pre = "a"
post = "b"
receptor = "excitatory"
weight = "20 pA"
delay = "1 ms"
connect = { rule = "explicit", synapses = [
  { pre = 0, post = 0, weight = "30 pA" },
  { pre = 1, post = 2, delay = "2.5 ms" },
  { pre = 3, post = 1, weight = "5 pA", delay = "0.5 ms" },
] }

[[inputs]]
name = "drive"
kind = "dc"
target = "a"
amplitude = "400 pA"
"#,
    ),
    (
        "explicit_table.toml",
        r#"name = "explicit table"

[[populations]]
name = "exc"
size = 5
model = "lif"
synapse = "conductance"

[[projections]]
name = "loop"
pre = "exc"
post = "exc"
receptor = "inhibitory"
weight = "1 nS"

[projections.connect]
rule = "explicit"
synapses = [
  { pre = 0, post = 1, weight = "2 nS", delay = "1 ms" },   # the first
  { pre = 1, post = 2, weight = "2 nS", delay = "1 ms" },
  { pre = 2, post = 3, weight = "2 nS", delay = "1 ms" },
  { pre = 3, post = 4, weight = "2 nS", delay = "1 ms" },
]

[[inputs]]
name = "kick"
kind = "spikes"
target = "exc"
times = ["1 ms", "3 ms"]
weight = "5 nS"
"#,
    ),
];

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
    "1e400",
    "0x10",
    "1_000",
    "1e12",
    "007",
];
const UNIT_SWAPS: &[(&str, &str)] = &[
    (" ms", " mV"),
    (" mV", " ms"),
    (" pA", " nS"),
    (" nS", " pA"),
    (" pF", " Hz"),
    (" Hz", " kHz"),
    (" ms", ""),
    (" mV", " parsec"),
    (" mV", " mv"),
    (" ms\"", " ms"),
];
const VALUES: &[&str] = &[
    "true",
    "\"text\"",
    "[1, 2]",
    "{ uniform = [\"1 ms\"] }",
    "{ normal = [\"-1 mV\", \"-5 mV\"] }",
    "{ gauss = [\"1 mV\", \"2 mV\"] }",
    "\"nan ms\"",
    "\"\"",
    "1979-05-27",
    "{}",
    "[]",
    "\"10\"",
    "20 ms",
    "\"1e12 Hz\"",
    "\"1e15 Hz\"",
    "\"500 ms\"",
];
const STRINGS: &[&str] = &[
    "\"a\\nb\"",
    "\"tab\\there\"",
    "\"\\u0001\"",
    "\"\"\"two\nlines\"\"\"",
    "'single'",
    "\"e\u{301}\"",
    "\"\\\"\"",
    "\"bad \\q escape\"",
    "\"raw \u{1} byte\"",
    "\"unclosed",
];
const GARBAGE: &[&str] =
    &["[[", "]]", "=", "\"", "{", "}", "\u{0}", "é", "[populations]", "size =", "[simulation]", "#"];

/// Large presets with sizes and in-degrees divided by ten, so that their mutants build quickly.
fn shrink(text: &str) -> String {
    text.lines()
        .map(|line| {
            for key in ["size = ", "indegree = "] {
                if let Some(at) = line.find(key) {
                    let start = at + key.len();
                    let end =
                        line[start..].find(|c: char| !c.is_ascii_digit()).map_or(line.len(), |e| start + e);
                    if let Ok(n) = line[start..end].parse::<u64>()
                        && n >= 100
                        && (key == "indegree = " || n >= 1000)
                    {
                        return format!("{}{}{}", &line[..start], n / 10, &line[end..]);
                    }
                }
            }
            line.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn pick<'a, T>(rng: &mut Pcg64Mcg, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Lines that set `key = "…"`, by index.
fn lines_with(lines: &[String], key: &str) -> Vec<usize> {
    (0..lines.len()).filter(|&i| lines[i].trim_start().starts_with(key)).collect()
}

/// One mutation of the text (structure-aware) or of its bytes.
fn mutate(bytes: Vec<u8>, rng: &mut Pcg64Mcg) -> Vec<u8> {
    let Ok(text) = String::from_utf8(bytes.clone()) else { return byte_damage(bytes, rng) };
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len().max(1);
    if lines.is_empty() {
        lines.push(String::new());
    }
    match rng.random_range(0..16) {
        0 => {
            lines.remove(rng.random_range(0..n));
        }
        1 => {
            // A duplicated line: usually a key given twice.
            let i = rng.random_range(0..n);
            let copy = lines[i].clone();
            lines.insert(i, copy);
        }
        2 => {
            let i = rng.random_range(0..n);
            let line = &lines[i];
            if let Some(start) = line.find(|c: char| c.is_ascii_digit()) {
                let end = line[start..]
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .map_or(line.len(), |e| start + e);
                lines[i] = format!("{}{}{}", &line[..start], pick(rng, NUMBERS), &line[end..]);
            }
        }
        3 => {
            let (from, to) = *pick(rng, UNIT_SWAPS);
            let candidates: Vec<usize> = (0..n).filter(|&i| lines[i].contains(from)).collect();
            if !candidates.is_empty() {
                let i = *pick(rng, &candidates);
                lines[i] = lines[i].replacen(from, to, 1);
            }
        }
        4 => {
            let i = rng.random_range(0..n);
            if let Some((key, _)) = lines[i].split_once(" = ") {
                lines[i] = format!("{key} = {}", pick(rng, VALUES));
            }
        }
        5 => {
            // A reference to a population or projection that does not exist, or to another one.
            let refs: Vec<usize> = ["pre = ", "post = ", "target = ", "population = ", "projection = "]
                .iter()
                .flat_map(|k| lines_with(&lines, k))
                .collect();
            let names: Vec<String> =
                lines_with(&lines, "name = ").iter().map(|&i| lines[i].clone()).collect();
            if !refs.is_empty() {
                let i = *pick(rng, &refs);
                let key = lines[i].split_once(" = ").map_or("pre", |(k, _)| k).to_string();
                let value = if rng.random_bool(0.5) || names.is_empty() {
                    "\"nobody\"".to_string()
                } else {
                    pick(rng, &names).split_once(" = ").map_or("\"x\"", |(_, v)| v).to_string()
                };
                lines[i] = format!("{key} = {value}");
            }
        }
        6 => {
            // Huge sizes, in-degrees and source counts.
            let keys: Vec<usize> =
                ["size = ", "indegree = ", "sources = "].iter().flat_map(|k| lines_with(&lines, k)).collect();
            if !keys.is_empty() {
                let i = *pick(rng, &keys);
                let key = lines[i].split_once(" = ").map_or("size", |(k, _)| k).to_string();
                let huge = pick(
                    rng,
                    &["50000000", "50000001", "1000000", "4000000000", "100000", "9223372036854775807"],
                );
                lines[i] = format!("{key} = {huge}");
            }
        }
        7 => {
            // A whole table duplicated: from a header to the next one.
            let headers: Vec<usize> = (0..n).filter(|&i| lines[i].starts_with('[')).collect();
            if !headers.is_empty() {
                let h = *pick(rng, &headers);
                let end = (h + 1..n).find(|&i| lines[i].starts_with('[')).unwrap_or(n);
                let block: Vec<String> = lines[h..end].to_vec();
                let at = rng.random_range(0..=lines.len());
                lines.splice(at..at, block);
            }
        }
        8 => {
            // A typo in the name of a choice.
            let keys: Vec<usize> = ["model = ", "synapse = ", "receptor = ", "rule = ", "kind = "]
                .iter()
                .flat_map(|k| lines_with(&lines, k))
                .collect();
            if !keys.is_empty() {
                let i = *pick(rng, &keys);
                if let Some(q) = lines[i].find('"')
                    && lines[i].len() > q + 3
                {
                    let cut = rng.random_range(q + 1..lines[i].len() - 2);
                    if lines[i].is_char_boundary(cut) && lines[i].is_char_boundary(cut + 1) {
                        lines[i].remove(cut);
                    }
                }
            }
        }
        9 => {
            // Newlines, tabs, control characters and odd quoting in a string.
            let strings: Vec<usize> = (0..n).filter(|&i| lines[i].contains(" = \"")).collect();
            if !strings.is_empty() {
                let i = *pick(rng, &strings);
                let key = lines[i].split_once(" = ").map_or("name", |(k, _)| k).to_string();
                lines[i] = format!("{key} = {}", pick(rng, STRINGS));
            }
        }
        10 => {
            let cut = rng.random_range(0..text.len().max(1));
            let cut = (0..=cut).rev().find(|&c| text.is_char_boundary(c)).unwrap_or(0);
            return text.as_bytes()[..cut].to_vec();
        }
        11 => {
            let i = rng.random_range(0..n);
            lines.insert(i, pick(rng, GARBAGE).to_string());
        }
        12 => {
            let i = rng.random_range(0..n);
            let j = rng.random_range(0..n);
            let moved = lines.remove(i);
            lines.insert(j.min(lines.len()), moved);
        }
        13 => {
            // A line that is kept, but with its key misspelt.
            let i = rng.random_range(0..n);
            if let Some((key, value)) = lines[i].split_once(" = ") {
                let mut key = key.to_string();
                if key.len() > 2 {
                    let at = rng.random_range(1..key.len());
                    if key.is_char_boundary(at) {
                        key.insert(at, 'x');
                    }
                }
                lines[i] = format!("{key} = {value}");
            }
        }
        _ => return byte_damage(text.into_bytes(), rng),
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out.into_bytes()
}

/// Byte flips, invalid UTF-8 and cuts that may fall inside a character.
fn byte_damage(mut bytes: Vec<u8>, rng: &mut Pcg64Mcg) -> Vec<u8> {
    if bytes.is_empty() {
        return vec![0xFF];
    }
    match rng.random_range(0..3) {
        0 => {
            for _ in 0..rng.random_range(1..=4) {
                let i = rng.random_range(0..bytes.len());
                bytes[i] ^= 1 << rng.random_range(0..8);
            }
        }
        1 => {
            let bad: &[&[u8]] =
                &[&[0xFF], &[0xC3], &[0xED, 0xA0, 0x80], &[0xE9], &[0xFE, 0xFF], &[0xF0, 0x9F]];
            let at = rng.random_range(0..=bytes.len());
            let insert = *pick(rng, bad);
            bytes.splice(at..at, insert.iter().copied());
        }
        _ => {
            let cut = rng.random_range(0..bytes.len());
            bytes.truncate(cut);
        }
    }
    bytes
}

/// The kind of an outcome: "ok", or the gist of the first problem's message (its first clause,
/// with names, numbers and indices taken out).
fn kind(result: &Result<Model, ModelError>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(e) => match e.problems().first() {
            None => "io".into(),
            Some(p) => {
                let gist = template(&p.message);
                let cut = gist.find([';', ':', '(', '—', ',', '.']).unwrap_or(gist.len());
                gist[..cut].trim().to_string()
            }
        },
    }
}

fn template(message: &str) -> String {
    let mut out = String::new();
    let mut in_quotes = false;
    let mut last = ' ';
    for c in message.chars() {
        if c == '"' {
            in_quotes = !in_quotes;
            if in_quotes {
                out.push_str("\"…\"");
            }
        } else if in_quotes {
        } else if c.is_ascii_digit() || (c == '.' && last.is_ascii_digit()) {
            if !last.is_ascii_digit() && last != '.' {
                out.push('#');
            }
        } else {
            out.push(c);
        }
        last = c;
    }
    out
}

/// What one input tells us.
struct Outcome {
    kind: String,
    accepted: bool,
    took: Duration,
}

/// Loads the bytes as a file would be loaded, checks every promise, and builds and runs an
/// accepted model for 1 ms. Panics (failing the test) with the input when a promise is broken.
fn check(name: &str, bytes: &[u8]) -> Outcome {
    let started = Instant::now();
    let show = || String::from_utf8_lossy(bytes).into_owned();
    let load = || match std::str::from_utf8(bytes) {
        Ok(text) => Model::from_toml_with_limit(text, name, LIMIT_BYTES),
        Err(_) => Model::from_toml_bytes(bytes, name),
    };
    let result = catch_unwind(load).unwrap_or_else(|_| panic!("the loader panicked on {name}:\n{}", show()));
    let kind = kind(&result);
    let text_lines = bytes.split(|&b| b == b'\n').count();
    match &result {
        Err(e) => {
            let message = e.to_string();
            assert!(
                message.starts_with(name),
                "the error does not name the file {name}: {message}\n{}",
                show()
            );
            let rendered: Vec<&str> = message.lines().collect();
            assert!(
                rendered.len() <= PROBLEMS_SHOWN + 1,
                "more than {PROBLEMS_SHOWN} problems shown:\n{message}"
            );
            assert!(
                !message.chars().any(|c| c.is_control() && c != '\n'),
                "a control character in the message: {message:?}"
            );
            let problems = e.problems();
            assert!(!problems.is_empty(), "an error without problems: {message}");
            assert!(
                rendered.len()
                    == problems.len().min(PROBLEMS_SHOWN) + usize::from(problems.len() > PROBLEMS_SHOWN)
            );
            for p in problems {
                let line =
                    p.line.unwrap_or_else(|| panic!("a problem without a line in {name}: {p}\n{}", show()));
                assert!(
                    (1..=text_lines).contains(&line),
                    "line {line} of {text_lines} in {name}: {p}\n{}",
                    show()
                );
                assert!(!p.message.trim().is_empty());
            }
        }
        Ok(model) => {
            let saved = model.to_toml();
            let again = Model::from_toml_with_limit(&saved, "saved.toml", LIMIT_BYTES).unwrap_or_else(|e| {
                panic!("{name} loads, but not once saved:\n{e}\n{saved}\nfrom\n{}", show())
            });
            assert_eq!(&again, model, "{name}: saving and loading changed the model");
            let ran = catch_unwind(AssertUnwindSafe(|| {
                let _ = model.warnings();
                let mut net = Network::build(model)?;
                // 1 ms, or fewer steps (at least one) for networks too large to run 1 ms quickly.
                let neurons: usize = net.populations().map(|(_, n)| n).sum();
                let steps = (1.0 / net.dt_ms()).ceil().min(STEP_BUDGET / neurons.max(1) as f64).max(1.0);
                for _ in 0..steps as usize {
                    net.step()?;
                }
                Ok::<_, spikelab_core::sim::SimError>(())
            }));
            assert!(ran.is_ok(), "the engine panicked on {name}:\n{}", show());
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes)
        && text.contains("synapses")
    {
        let reference = catch_unwind(|| Model::from_toml_reference(text, name, LIMIT_BYTES))
            .unwrap_or_else(|_| panic!("the reference loader panicked on {name}:\n{text}"));
        match (&result, &reference) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "compact and reference reading differ on {name}:\n{text}"),
            (Err(a), Err(b)) => {
                assert_eq!(a.to_string(), b.to_string(), "different errors on {name}:\n{text}")
            }
            _ => {
                panic!("compact and reference reading disagree on {name}:\n{text}\n{result:?}\n{reference:?}")
            }
        }
    }
    Outcome { kind, accepted: result.is_ok(), took: started.elapsed() }
}

/// The input with as many lines taken out as keep its kind of outcome, so that the corpus holds
/// the few lines that matter.
fn minimise(name: &str, bytes: &[u8], kind_wanted: &str) -> Vec<u8> {
    let load = |bytes: &[u8]| match std::str::from_utf8(bytes) {
        Ok(text) => Model::from_toml_with_limit(text, name, LIMIT_BYTES),
        Err(_) => Model::from_toml_bytes(bytes, name),
    };
    let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let mut fewer = lines.clone();
        fewer.remove(i);
        let candidate = fewer.join(&b'\n');
        if catch_unwind(|| kind(&load(&candidate))).is_ok_and(|k| k == kind_wanted) {
            lines = fewer;
        } else {
            i += 1;
        }
    }
    lines.join(&b'\n')
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

#[test]
fn mutated_presets_never_panic() {
    let started = Instant::now();
    // The corpus first: inputs that once broke something.
    let mut known = BTreeSet::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    for path in &entries {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().map_or("corpus".into(), |n| n.to_string_lossy().into_owned());
        known.insert(check(&name, &bytes).kind);
    }
    let replayed = started.elapsed();

    let mut bases: Vec<(String, Vec<u8>)> =
        PRESETS.iter().map(|(name, text)| (name.to_string(), shrink(text).into_bytes())).collect();
    bases.extend(EXPLICIT.iter().map(|(name, text)| (name.to_string(), text.as_bytes().to_vec())));
    for (name, text) in &bases {
        let text = std::str::from_utf8(text).expect("bases are text");
        let model = Model::from_toml_with_limit(text, name, LIMIT_BYTES)
            .unwrap_or_else(|e| panic!("base {name}:\n{e}"));
        Network::build(&model).unwrap_or_else(|e| panic!("base {name} does not build: {e}"));
    }

    let save = std::env::var_os("SPIKELAB_FUZZ_SAVE").is_some();
    // A folder to write the inputs that took more than 0.3 s to, to look at them.
    let dump = std::env::var_os("SPIKELAB_FUZZ_SLOW");
    let mut rng = Pcg64Mcg::seed_from_u64(SEED);
    let (mut rejected, mut accepted, mut new_kinds) = (0, 0, 0);
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    for case in 0..CASES {
        let (base, text) = &bases[case % bases.len()];
        let mut bytes = text.clone();
        for _ in 0..rng.random_range(1..=3) {
            bytes = mutate(bytes, &mut rng);
        }
        let name = format!("{}-{case}.toml", base.trim_end_matches(".toml"));
        let outcome = match catch_unwind(|| check(&name, &bytes)) {
            Ok(outcome) => outcome,
            Err(failure) => {
                // Keep the input that broke a promise, to be replayed from now on.
                if save {
                    let _ = std::fs::create_dir_all(corpus_dir());
                    let _ = std::fs::write(corpus_dir().join(format!("failed-{name}")), &bytes);
                }
                std::panic::resume_unwind(failure)
            }
        };
        if outcome.accepted {
            accepted += 1;
        } else {
            rejected += 1;
        }
        slowest.push((outcome.took, name.clone()));
        if let Some(dir) = &dump
            && outcome.took > Duration::from_millis(300)
        {
            let _ = std::fs::write(Path::new(dir).join(&name), &bytes);
        }
        if known.insert(outcome.kind.clone()) {
            new_kinds += 1;
            if save {
                let _ = std::fs::create_dir_all(corpus_dir());
                let _ = std::fs::write(corpus_dir().join(&name), minimise(&name, &bytes, &outcome.kind));
            }
        }
    }
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    slowest.truncate(3);
    println!(
        "{} corpus inputs in {:.1} s; {CASES} mutants: {accepted} accepted, {rejected} refused, {new_kinds} new kinds of outcome, in {:.1} s; slowest: {slowest:?}",
        entries.len(),
        replayed.as_secs_f64(),
        (started.elapsed() - replayed).as_secs_f64()
    );
    // Both paths must be exercised for the test to mean anything.
    assert!(rejected > 1000 && accepted > 300, "rejected {rejected}, accepted {accepted}");
}
