//! The six firing patterns of Izhikevich (2003), "Simple model of spiking neurons",
//! IEEE Trans. Neural Networks 14:1569, Fig. 2, each under constant input I = 10 for 1 s,
//! from the preset `izhikevich_patterns.toml`. Each is recognised by its spike-train structure.

use crate::common;
use common::{preset, run, spike_times};

fn isis(name: &str) -> Vec<f64> {
    let model = preset("izhikevich_patterns.toml");
    let pop = model.population(name).map(|(i, _)| i as u32).unwrap_or_else(|| panic!("no population {name}"));
    let net = run(&model, 1000.0);
    let t = spike_times(&net, pop, 0);
    t.windows(2).map(|w| w[1] - w[0]).collect()
}

fn cv(x: &[f64]) -> f64 {
    spikelab_core::analysis::cv(x).unwrap_or(f64::NAN)
}

#[test]
fn regular_spiking_adapts_to_a_long_steady_interval() {
    let isi = isis("RS");
    assert!(isi.len() > 10, "RS fired too little: {isi:?}");
    let steady = &isi[isi.len() - 10..];
    assert!(isi[0] < 0.6 * steady[9], "RS: first ISI {} not much shorter than steady {}", isi[0], steady[9]);
    assert!(cv(steady) < 0.02, "RS: steady firing is not regular: {steady:?}");
    assert!(isi.iter().all(|&x| x > 15.0), "RS fires single spikes, no bursts: {isi:?}");
}

#[test]
fn intrinsically_bursting_fires_a_burst_then_single_spikes() {
    let isi = isis("IB");
    assert!(isi.len() > 10, "IB fired too little: {isi:?}");
    assert!(isi[0] < 8.0 && isi[1] < 8.0, "IB: no initial burst: {:?}", &isi[..4]);
    let later = &isi[2..];
    assert!(later.iter().all(|&x| x > 20.0), "IB: bursts after the first: {later:?}");
    assert!(cv(&later[1..]) < 0.05, "IB: later spikes not regular: {later:?}");
}

#[test]
fn chattering_fires_repeated_bursts() {
    let isi = isis("CH");
    let short: Vec<f64> = isi.iter().copied().filter(|&x| x < 10.0).collect();
    let long: Vec<f64> = isi.iter().copied().filter(|&x| x >= 10.0).collect();
    assert!(long.len() >= 10, "CH: fewer than 10 bursts in 1 s: {isi:?}");
    assert!(short.len() >= 2 * long.len(), "CH: bursts have fewer than 3 spikes: {isi:?}");
    let (max_short, min_long) =
        (short.iter().cloned().fold(0.0, f64::max), long.iter().cloned().fold(f64::INFINITY, f64::min));
    assert!(
        4.0 * max_short < min_long,
        "CH: intra-burst ({max_short}) and inter-burst ({min_long}) ISIs overlap"
    );
}

#[test]
fn fast_spiking_is_fast_and_does_not_adapt() {
    let isi = isis("FS");
    let rate = isi.len() as f64; // spikes per second, give or take one
    assert!(rate > 100.0, "FS: only {rate} Hz");
    let after_transient = &isi[5..];
    assert!(cv(after_transient) < 0.05, "FS: not regular: {after_transient:?}");
    let (early, late) = (after_transient[0], after_transient[after_transient.len() - 1]);
    assert!((late - early).abs() < 0.05 * early, "FS adapts: {early} -> {late} ms");
}

#[test]
fn low_threshold_spiking_starts_fast_and_adapts() {
    let isi = isis("LTS");
    assert!(isi[0] < 5.0, "LTS: first ISI {} is not a high rate", isi[0]);
    let last = isi[isi.len() - 1];
    assert!(last > 2.5 * isi[0], "LTS does not adapt: {} -> {last}", isi[0]);
    assert!(isi.len() > 50, "LTS keeps firing: {}", isi.len());
}

#[test]
fn resonator_fires_fast_and_regularly_under_dc() {
    let isi = isis("RZ");
    assert!(isi.len() > 100, "RZ: only {} spikes", isi.len() + 1);
    assert!(cv(&isi[10..]) < 0.05, "RZ: not regular");
}
