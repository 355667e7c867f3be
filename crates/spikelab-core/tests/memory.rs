//! The memory estimate a model is checked against before anything is allocated, against what a
//! run really allocates: every preset scaled up, built and run as `spikelab run` runs it
//! (network, spike log, run report), measured by counting the allocator's bytes.

mod common;
use peak_alloc::PeakAlloc;
use spikelab_core::analysis::ReportBuilder;
use spikelab_core::model::{Model, estimate_memory_bytes};
use spikelab_core::sim::Network;
use std::sync::Mutex;

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

/// One measurement at a time: the counter is the whole process's.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Peak bytes allocated while `model` is built and run for `ms` as the command line runs it
/// (reading the spikes after each step and forgetting them) or, `window`, as the window's
/// runner keeps them (the newest 2^20).
fn peak_of_run(model: &Model, ms: f64, window: bool) -> usize {
    let before = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    {
        let mut net = Network::build(model).expect("builds");
        if window {
            net.spikes_mut().set_capacity(Some(1 << 20));
        }
        let pops: Vec<(String, usize)> = net.populations().map(|(n, s)| (n.to_string(), s)).collect();
        let mut report = ReportBuilder::new(&pops, net.dt_ms(), 1.0);
        let mut cursor = 0;
        let steps = (ms / net.dt_ms()).round() as u64;
        while net.steps() < steps {
            net.step().expect("steps");
            let batch = net.spikes().since(cursor);
            report.add(batch.spikes);
            cursor = batch.next;
            if !window {
                net.spikes_mut().forget_before(cursor);
            }
        }
        let _ = report.finish(net.time_ms());
    }
    ALLOCATOR.peak_usage() - before
}

/// A preset with every population `factor` times larger (connections by probability or
/// in-degree scale with it as a real larger network's would).
fn scaled(name: &str, factor: u64) -> Model {
    let mut m = common::preset(name);
    for p in &mut m.populations {
        p.size *= factor;
    }
    m
}

#[test]
fn the_memory_estimate_covers_what_a_run_allocates_and_is_not_far_above_it() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let cases = [
        // (preset, scale, ms): long enough for the Izhikevich neurons' bursts to fill the log.
        ("hodgkin_huxley.toml", 200_000, 0.5),
        ("adex_patterns.toml", 50_000, 20.0),
        ("izhikevich_patterns.toml", 50_000, 20.0),
        ("qif_neuron.toml", 200_000, 20.0),
        ("lif_neuron.toml", 200_000, 20.0),
        ("cuba.toml", 4, 20.0),
        ("brunel_ai.toml", 2, 20.0),
    ];
    // The spike log is counted at the window's capacity (2^20 spikes, in a buffer that may
    // double, while it moves from the one before): a run that has not filled it stays below
    // the estimate by up to that much.
    let log = 3.0 * 16.0 * (1u64 << 20) as f64;
    let mut wrong = Vec::new();
    for (name, factor, ms) in cases {
        let model = scaled(name, factor);
        let neurons: u64 = model.populations.iter().map(|p| p.size).sum();
        let estimate = estimate_memory_bytes(&model) as f64;
        let peak = peak_of_run(&model, ms, false).max(peak_of_run(&model, ms, true)) as f64;
        let line = format!(
            "{name} x{factor} ({neurons} neurons): estimate {:.1} MB, the run allocated {:.1} MB at most",
            estimate / 1e6,
            peak / 1e6,
        );
        eprintln!("{line}");
        if !(estimate >= peak && estimate <= 1.3 * peak + log) {
            wrong.push(line);
        }
    }
    assert!(wrong.is_empty(), "the estimate is below the run or far above it:\n{}", wrong.join("\n"));
}
