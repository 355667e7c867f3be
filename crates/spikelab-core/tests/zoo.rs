//! The model zoo against published values: Hodgkin–Huxley thresholds, peak and convergence,
//! and the AdEx firing patterns of Naud et al. (2008).

use crate::common;
use common::{model, preset, run, spike_times};

/// One Hodgkin–Huxley neuron (10,000 µm² patch: 1 µA/cm² = 100 pA) under a current step
/// starting at 5 ms. Returns spike times and the highest V.
fn hh(dt: f64, amplitude_pa: f64, ms: f64) -> (Vec<f64>, f64) {
    let m = model(&format!(
        r#"
name = "hh"
[simulation]
dt = "{dt} ms"
[[populations]]
name = "axon"
size = 1
model = "hodgkin_huxley"
[[inputs]]
name = "step"
kind = "dc"
target = "axon"
amplitude = "{amplitude_pa} pA"
start = "5 ms"
[[recorders]]
population = "axon"
neurons = [0]
variables = ["v"]
"#
    ));
    let net = run(&m, ms);
    let peak = net.traces()[0].values.iter().fold(f64::MIN, |a, &v| a.max(v as f64));
    (spike_times(&net, 0, 0), peak)
}

/// Smallest amplitude (pA, to 1 pA) at which `fires` holds, by bisection.
fn threshold(lo: f64, hi: f64, fires: impl Fn(f64) -> bool) -> f64 {
    let (mut lo, mut hi) = (lo, hi);
    assert!(!fires(lo) && fires(hi), "bisection bracket is wrong");
    while hi - lo > 1.0 {
        let mid = 0.5 * (lo + hi);
        if fires(mid) { hi = mid } else { lo = mid }
    }
    hi
}

// Classic values for the 1952 parameters at 6.3 °C (e.g. Koch, Biophysics of Computation,
// 1999, ch. 6; Rinzel & Ermentrout 1998): a current step evokes a single spike above about
// 2.2 µA/cm², sustained firing starts near 6.2 µA/cm² at about 50 Hz (class 2: no slow firing),
// and the action potential peaks near +40 mV (about 105 mV above rest).

#[test]
fn hodgkin_huxley_single_spike_threshold() {
    let i = threshold(100.0, 500.0, |a| !hh(0.01, a, 60.0).0.is_empty());
    assert!((200.0..250.0).contains(&i), "single-spike threshold {i} pA = {} uA/cm2", i / 100.0);
}

#[test]
fn hodgkin_huxley_repetitive_firing_threshold_and_onset_rate() {
    let fires_on = |a: f64| hh(0.01, a, 300.0).0.len() >= 10;
    let i = threshold(500.0, 1000.0, fires_on);
    assert!((600.0..650.0).contains(&i), "repetitive firing from {i} pA = {} uA/cm2", i / 100.0);
    let (t, _) = hh(0.01, i, 300.0);
    let rate = 1000.0 / (t[t.len() - 1] - t[t.len() - 2]);
    assert!((40.0..75.0).contains(&rate), "onset rate {rate} Hz: class 2 neurons start fast");
}

#[test]
fn hodgkin_huxley_spike_peaks_near_plus_40_mv() {
    let (t, peak) = hh(0.01, 1000.0, 100.0);
    assert!(t.len() >= 5);
    assert!((35.0..45.0).contains(&peak), "peak {peak} mV");
}

#[test]
fn hodgkin_huxley_converges_as_dt_halves_and_stays_stable_at_coarse_dt() {
    // Reference: dt = 0.001 ms. At the preset's dt = 0.01 ms, halving dt moves each of the
    // first spikes by less than 0.02 ms; even at dt = 0.1 ms exponential Euler is stable and
    // within 0.5 ms after 80 ms of firing.
    let (reference, _) = hh(0.001, 1000.0, 100.0);
    let (fine, _) = hh(0.005, 1000.0, 100.0);
    let (default, _) = hh(0.01, 1000.0, 100.0);
    let (coarse, _) = hh(0.1, 1000.0, 100.0);
    for set in [&fine, &default, &coarse] {
        assert_eq!(set.len(), reference.len(), "spike count changed with dt");
    }
    let worst = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
    assert!(worst(&default, &fine) < 0.02, "halving dt moved spikes by {} ms", worst(&default, &fine));
    assert!(worst(&default, &reference) < 0.03);
    assert!(worst(&coarse, &reference) < 0.5, "dt = 0.1 ms off by {} ms", worst(&coarse, &reference));
}

fn adex_isis(name: &str) -> Vec<f64> {
    let m = preset("adex_patterns.toml");
    let pop = m.population(name).map(|(i, _)| i as u32).expect("population");
    let net = run(&m, 600.0);
    let t = spike_times(&net, pop, 0);
    t.windows(2).map(|w| w[1] - w[0]).collect()
}

#[test]
fn adex_tonic_spiking_is_regular() {
    let isi = adex_isis("tonic");
    assert!(isi.len() > 20);
    let cv = spikelab_core::analysis::cv(&isi).unwrap_or(1.0);
    assert!(cv < 0.03, "tonic CV {cv}");
    assert!(isi[isi.len() - 1] < 1.1 * isi[0], "tonic neuron adapts: {isi:?}");
}

#[test]
fn adex_adaptation_lengthens_intervals() {
    let isi = adex_isis("adapting");
    assert!(isi.len() >= 5);
    assert!(isi[isi.len() - 1] > 3.0 * isi[0], "no adaptation: {isi:?}");
    assert!(isi.windows(2).take(5).all(|w| w[1] > w[0]), "intervals should grow: {isi:?}");
}

#[test]
fn adex_initial_burst_then_tonic() {
    let isi = adex_isis("initial_burst");
    assert!(isi[0] < 10.0 && isi[1] < 10.0, "no initial burst: {isi:?}");
    let later = &isi[2..];
    assert!(later.iter().all(|&x| x > 40.0), "bursting continues: {isi:?}");
    assert!(spikelab_core::analysis::cv(&later[1..]).unwrap_or(1.0) < 0.05);
}

#[test]
fn adex_regular_bursting_repeats_bursts() {
    let isi = adex_isis("bursting");
    let long = isi.iter().filter(|&&x| x > 50.0).count();
    let short = isi.iter().filter(|&&x| x < 10.0).count();
    assert!(long >= 3 && short >= long, "bursts: {isi:?}");
}
