//! SpikeLab's half of the cross-simulator validation (`validation/REPORT.md`).
//!
//! `validation/run.sh` ran the reference networks in Brian2 2.9 and NEST 3.10 over several
//! seeds and recorded, per network and statistic, each simulator's values in
//! `validation/reference.json`. These tests run the same models in SpikeLab as a library,
//! compute the same statistics with the same definitions (`spikelab_core::analysis::validation`,
//! the twin of `validation/stats.py`) and check them against the references' spread:
//!
//! - CUBA and COBA: every seed of the report; the mean over seeds must lie within the range
//!   of all Brian2 and NEST seeds, widened by half its width on each side ([`WIDEN`]). Five
//!   seeds per simulator is few: a range of n = 10 draws covers on average only
//!   (n - 1)/(n + 1) = 82 % of their distribution, and SpikeLab's five-seed mean has its own
//!   error. The report's verdicts are not widened (and say where SpikeLab is outside).
//! - Brunel AI: one seed, as it costs 12.5 million synapses; the same widening. One seed
//!   varies as much as one reference seed does (here the widening covers it).
//! - Every range also gets an absolute margin of 1e-3 (and a relative one of 1e-3), for
//!   statistics that are the same in every seed (no silent neuron anywhere).
//! - Single neurons (LIF under DC, the six Izhikevich patterns): deterministic. The first
//!   spike and the mean ISI must lie within one dt of both references'; the spike counts
//!   within the differences that the report explains (see each test).
//! - STDP pair protocol: Δw within 1e-4 of w_max of both references.

use crate::common;
use common::{model, preset, run};
use serde_json::Value;
use spikelab_core::analysis::validation::window_stats;
use spikelab_core::model::Model;
use spikelab_core::sim::Network;

/// Read at run time, not compiled in: `validation/run.sh` runs `export_stdp_pairs` before the
/// first reference.json exists.
const REFERENCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../validation/reference.json");
const LIF_DC: &str = include_str!("../../../validation/models/lif_dc.toml");
const STDP_PAIRS: &str = include_str!("../../../validation/models/stdp_pairs.toml");

fn reference() -> Value {
    let text =
        std::fs::read_to_string(REFERENCE).expect("validation/reference.json exists (validation/run.sh)");
    serde_json::from_str(&text).expect("validation/reference.json is valid JSON")
}

fn network<'a>(reference: &'a Value, key: &str) -> &'a Value {
    let net = &reference["networks"][key];
    assert!(net.is_object(), "reference.json has no network {key}");
    net
}

/// Every recorded value of a simulator for one statistic (seeds without a value left out).
fn values(row: &Value, sim: &str) -> Vec<f64> {
    row[sim]["values"].as_array().map(|v| v.iter().filter_map(Value::as_f64).collect()).unwrap_or_default()
}

/// The range of all Brian2 and NEST seeds for one statistic, widened by `widen` times its
/// width on each side and by the absolute and relative margins of 1e-3.
fn reference_range(row: &Value, widen: f64) -> Option<(f64, f64)> {
    let refs: Vec<f64> = ["brian2", "nest"].iter().flat_map(|s| values(row, s)).collect();
    if refs.is_empty() {
        return None;
    }
    let lo = refs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = refs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let margin = widen * (hi - lo) + 1e-3 + 1e-3 * lo.abs().max(hi.abs());
    Some((lo - margin, hi + margin))
}

/// Widening of the references' range on each side, in units of its width (see the top).
const WIDEN: f64 = 0.5;

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Statistics of one SpikeLab run, named as in reference.json.
fn network_stats(net: &Network, transient_ms: f64, duration_ms: f64) -> Vec<(String, Option<f64>)> {
    let spikes = net.spikes().retained();
    let mut out = Vec::new();
    for (p, (name, size)) in net.populations().enumerate() {
        let w = window_stats(spikes, p as u32, size, net.dt_ms(), transient_ms, duration_ms);
        out.push((format!("{name} rate_hz"), Some(w.rate_hz)));
        out.push((format!("{name} silent"), Some(w.silent)));
        out.push((format!("{name} cv_isi"), w.cv_isi));
        out.push((format!("{name} fano_1ms"), w.fano_1ms));
        out.push((format!("{name} fano_5ms"), w.fano_5ms));
    }
    let events = net.synaptic_events() as f64 / spikes.len().max(1) as f64;
    out.push(("events_per_spike".to_string(), Some(events)));
    out
}

/// Runs `preset` for the first `seeds` seeds of the report and checks the mean of every
/// statistic against the references' range widened by [`WIDEN`].
fn check_network(key: &str, preset_file: &str, seeds: Option<usize>) {
    let reference = reference();
    let net_ref = network(&reference, key);
    let duration = net_ref["duration_ms"].as_f64().expect("duration_ms");
    let transient = net_ref["transient_ms"].as_f64().expect("transient_ms");
    let all_seeds: Vec<u64> =
        net_ref["seeds"].as_array().expect("seeds").iter().filter_map(Value::as_u64).collect();
    let seeds = &all_seeds[..seeds.unwrap_or(all_seeds.len()).min(all_seeds.len())];
    let mut per_stat: Vec<(String, Vec<f64>)> = Vec::new();
    for &seed in seeds {
        let mut m = preset(preset_file);
        m.simulation.seed = seed;
        let net = run(&m, duration);
        for (k, (name, value)) in network_stats(&net, transient, duration).into_iter().enumerate() {
            if per_stat.len() <= k {
                per_stat.push((name, Vec::new()));
            }
            if let Some(v) = value {
                per_stat[k].1.push(v);
            }
        }
    }
    let mut failures = Vec::new();
    for (name, vals) in &per_stat {
        let row = &net_ref["stats"][name];
        assert!(row.is_object(), "{key}: reference.json has no statistic {name}");
        let Some((lo, hi)) = reference_range(row, WIDEN) else { continue };
        if vals.is_empty() {
            failures.push(format!("{name}: no value in SpikeLab (the references have one)"));
            continue;
        }
        let m = mean(vals);
        if !(lo..=hi).contains(&m) {
            failures.push(format!(
                "{name}: SpikeLab {m:.4} (seeds {seeds:?}) outside the references' [{lo:.4}, {hi:.4}]"
            ));
        }
    }
    assert!(failures.is_empty(), "{key}:\n{}", failures.join("\n"));
}

#[test]
fn cuba_statistics_lie_within_the_references_spread() {
    check_network("cuba", "cuba.toml", None);
}

#[test]
fn coba_statistics_lie_within_the_references_spread() {
    check_network("coba", "coba.toml", None);
}

#[test]
fn brunel_ai_statistics_of_one_seed_lie_within_the_references_spread() {
    check_network("brunel_ai", "brunel_ai.toml", Some(1));
}

/// Spike times (ms) of every neuron of every population, in reference.json's labels.
fn single_neuron_trains(m: &Model, duration_ms: f64) -> Vec<(String, Vec<f64>)> {
    let net = run(m, duration_ms);
    let mut out = Vec::new();
    for (p, (name, size)) in net.populations().enumerate() {
        for n in 0..size {
            let label = if size == 1 { name.to_string() } else { format!("{name}[{n}]") };
            let times = net
                .spikes()
                .retained()
                .iter()
                .filter(|s| s.pop == p as u32 && s.neuron == n as u32)
                .map(|s| s.step as f64 * net.dt_ms())
                .collect();
            out.push((label, times));
        }
    }
    out
}

/// First spike and mean ISI within one dt of both references'; spike counts within
/// `count_slack` (NEST, Brian2) of theirs.
fn check_single_neurons(key: &str, m: &Model, count_slack: [u64; 2]) {
    let reference = reference();
    let net_ref = network(&reference, key);
    let duration = net_ref["duration_ms"].as_f64().expect("duration_ms");
    let dt = m.simulation.dt.canonical();
    let mut failures = Vec::new();
    for (label, times) in single_neuron_trains(m, duration) {
        let row = |stat: &str| {
            let row = &net_ref["stats"][format!("{label} {stat}")];
            assert!(row.is_object(), "{key}: reference.json has no row {label} {stat}");
            row
        };
        let isis: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
        let mean_isi = (!isis.is_empty()).then(|| mean(&isis));
        for (sim, slack) in ["nest", "brian2"].into_iter().zip(count_slack) {
            for (stat, value) in [("first_spike_ms", times.first().copied()), ("mean_isi_ms", mean_isi)] {
                match (value, row(stat)[sim]["mean"].as_f64()) {
                    (None, None) => {}
                    (Some(t), Some(r)) if (t - r).abs() <= dt * (1.0 + 1e-9) => {}
                    (t, r) => failures.push(format!("{label} {stat}: SpikeLab {t:?}, {sim} {r:?}")),
                }
            }
            let r = row("count")[sim]["mean"].as_f64().expect("a count") as u64;
            if (times.len() as u64).abs_diff(r) > slack {
                failures.push(format!("{label}: {} spikes, {sim} {r}", times.len()));
            }
        }
    }
    assert!(failures.is_empty(), "{key}:\n{}", failures.join("\n"));
}

#[test]
fn lif_under_dc_fires_as_nest_and_brian2() {
    // NEST's iaf_psc_exp is the same exact integration with the same refractory convention:
    // identical counts. Brian2 integrates again one step earlier after each spike (REPORT.md,
    // conventions), so its intervals are one step shorter and it fits in up to 2 more spikes
    // in a second at the highest rate (150 Hz).
    check_single_neurons("lif_dc", &model(LIF_DC), [0, 2]);
}

#[test]
fn izhikevich_patterns_fire_as_nest_and_brian2() {
    // Forward Euler on the quadratic v moves single spikes by a step between float32 and
    // float64 and between expression orders; the reset carries the shift on, so the fast
    // spiking neuron ends the second with one spike more or less (REPORT.md, note 1).
    check_single_neurons("izhikevich", &preset("izhikevich_patterns.toml"), [1, 1]);
}

/// Final weights (pre, post, weight) of the STDP pair protocol's plastic projection, and the
/// network.
fn stdp_pairs() -> (Vec<(usize, usize, f64)>, Network) {
    let m = model(STDP_PAIRS);
    let net = run(&m, m.duration_ms());
    let w = net.weights(0).expect("the plastic projection");
    let mut out = Vec::new();
    for ((i, j), &x) in w.indexed_iter() {
        if !x.is_nan() {
            out.push((i, j, x as f64));
        }
    }
    (out, net)
}

#[test]
fn stdp_pair_protocol_changes_weights_as_nest_and_brian2() {
    let reference = reference();
    let net_ref = network(&reference, "stdp_pairs");
    let (weights, _) = stdp_pairs();
    let m = model(STDP_PAIRS);
    let stdp = m.projections[0].stdp.as_ref().expect("STDP");
    let w_max = stdp.w_max.canonical();
    let w0 = 0.5 * w_max;
    let first_time = |name: &str| {
        let input = m.inputs.iter().find(|i| i.name == name).expect("protocol input");
        match &input.stimulus {
            spikelab_core::model::Stimulus::Spikes { times, .. } => times[0].canonical(),
            other => panic!("{name} is a {:?} input, not spike times", other.kind()),
        }
    };
    let mut failures = Vec::new();
    for &(i, j, w) in &weights {
        assert_eq!(i, j, "one-to-one");
        let dt = (first_time(&format!("post_spikes_{i}")) - first_time("pre_spikes")).round();
        let name = format!("dt {dt:+} ms dw");
        let row = &net_ref["stats"][&name];
        assert!(row.is_object(), "reference.json has no row {name}");
        let dw = (w - w0) / w_max;
        for sim in ["brian2", "nest"] {
            let r = row[sim]["mean"].as_f64().expect("a value");
            if (dw - r).abs() > 1e-4 {
                failures.push(format!("{name}: SpikeLab {dw:.6}, {sim} {r:.6}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Writes the STDP protocol's final weights and spikes for `validation/spikelab_stdp.py`
/// (the command line prints no weights). Run by validation/run.sh with
/// SPIKELAB_STDP_EXPORT=FILE; does nothing without it.
#[test]
#[ignore = "run by validation/run.sh"]
fn export_stdp_pairs() {
    let Ok(path) = std::env::var("SPIKELAB_STDP_EXPORT") else { return };
    let (weights, net) = stdp_pairs();
    let pops = net.populations().count();
    let spikes = net.spikes().retained();
    let per_pop = |f: &dyn Fn(&spikelab_core::sim::Spike) -> u64| -> Vec<Vec<u64>> {
        (0..pops as u32).map(|p| spikes.iter().filter(|s| s.pop == p).map(f).collect()).collect()
    };
    let doc = serde_json::json!({
        "pre": weights.iter().map(|w| w.0).collect::<Vec<_>>(),
        "post": weights.iter().map(|w| w.1).collect::<Vec<_>>(),
        "weight": weights.iter().map(|w| w.2).collect::<Vec<_>>(),
        "steps": per_pop(&|s| s.step),
        "neurons": per_pop(&|s| s.neuron as u64),
    });
    std::fs::write(&path, doc.to_string()).expect("writes the export file");
}
