//! How long the loader takes on large files; prints figures, asserts nothing about time.
//!
//! `cargo test -p spikelab-core --release --test engine loader_speed:: -- --ignored --nocapture`
//!
//! Peak memory is measured from outside, on the command line, with the files these tests write
//! to the temporary folder: `/usr/bin/time -v target/release/spikelab run FILE --duration 1ms`.

use spikelab_core::model::Model;
use spikelab_core::sim::Network;
use std::time::Instant;

/// A network of 1000 LIF neurons with an explicit list of `n` synapses, weights in `unit`.
fn explicit_list(n: usize, unit: &str) -> String {
    let mut text = String::from(
        "name = \"big explicit\"\n\n[simulation]\ndt = \"0.1 ms\"\nduration = \"10 ms\"\n\n[[populations]]\nname = \"a\"\nsize = 1000\nmodel = \"lif\"\n\n[[projections]]\npre = \"a\"\npost = \"a\"\nreceptor = \"excitatory\"\nweight = \"1 pA\"\nconnect = { rule = \"explicit\", synapses = [\n",
    );
    for k in 0..n {
        let (pre, mut post) = (k / 1000 % 1000, k % 1000);
        if pre == post {
            post = (post + 1) % 1000;
        }
        text += &format!("  {{ pre = {pre}, post = {post}, weight = \"{} {unit}\" }},\n", 1 + k % 9);
    }
    text + "] }\n"
}

#[test]
#[ignore = "prints timings"]
fn a_million_synapse_explicit_list() {
    let text = explicit_list(1_000_000, "pA");
    let path = std::env::temp_dir().join("spikelab-explicit-1e6.toml");
    std::fs::write(&path, &text).expect("writes");
    let t = Instant::now();
    let model = Model::from_toml(&text, "big.toml").unwrap_or_else(|e| panic!("{e}"));
    let load = t.elapsed();
    let t = Instant::now();
    let reference = Model::from_toml_reference(&text, "big.toml", spikelab_core::model::MEMORY_LIMIT_BYTES)
        .expect("valid");
    let plain = t.elapsed();
    assert_eq!(model, reference);
    let t = Instant::now();
    let net = Network::build(&model).expect("builds");
    let build = t.elapsed();
    let t = Instant::now();
    let saved = model.to_toml();
    let save = t.elapsed();
    println!(
        "{} MB, {} synapses: loaded in {:.2} s (reference reader {:.2} s), built in {:.2} s, saved as {} MB in {:.2} s; file: {}",
        text.len() / 1_000_000,
        net.synapse_count(),
        load.as_secs_f64(),
        plain.as_secs_f64(),
        build.as_secs_f64(),
        saved.len() / 1_000_000,
        save.as_secs_f64(),
        path.display()
    );
}

#[test]
#[ignore = "prints timings"]
fn twenty_thousand_wrong_units() {
    let text = explicit_list(20_000, "mV");
    let path = std::env::temp_dir().join("spikelab-wrong-units-2e4.toml");
    std::fs::write(&path, &text).expect("writes");
    let t = Instant::now();
    let err = Model::from_toml(&text, "wrong.toml").expect_err("wrong units");
    let message = err.to_string();
    println!(
        "{} problems found and {} lines rendered in {:.3} s; file: {}",
        err.problems().len(),
        message.lines().count(),
        t.elapsed().as_secs_f64(),
        path.display()
    );
}

#[test]
#[ignore = "prints how a saved synapse list looks"]
fn saved_synapse_lists() {
    let text = explicit_list(3, "pA");
    print!("{}", Model::from_toml(&text, "x.toml").expect("valid").to_toml());
}
