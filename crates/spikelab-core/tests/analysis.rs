//! Analysis against known answers: spectra of a sine and of independent Poisson neurons,
//! Brunel's two regimes told apart by their spectra, and F–I curves (LIF against its analytic
//! rate, Hodgkin–Huxley's class-2 onset).

use crate::common;
use common::{model, preset, run};
use spikelab_core::analysis::{
    FiError, Histogram, autocorrelation, cv, fi_curve, isis, population_rate, power_spectrum, rate_analytic,
    rates_per_neuron, spike_trains,
};
use std::f64::consts::PI;

#[test]
fn a_sine_peaks_at_its_frequency_and_correlates_at_its_period() {
    // 2 s of 5 + 2 sin(2π·37 Hz·t) sampled every 0.5 ms: resolution 0.5 Hz, so the peak is
    // in the bin of 37 Hz, and the autocorrelation (biased estimator) is cos(2πfτ)·(N−k)/N.
    let (f, bin_ms, n) = (37.0, 0.5, 4000);
    let x: Vec<f64> = (0..n).map(|k| 5.0 + 2.0 * (2.0 * PI * f * k as f64 * bin_ms * 1e-3).sin()).collect();
    let s = power_spectrum(&x, bin_ms);
    let (peak_hz, power) = s.peak(0.0).expect("a peak");
    assert!((peak_hz - f).abs() <= 0.5 * s.resolution_hz(), "peak at {peak_hz} Hz");
    // Parseval: the whole spectrum holds the variance A²/2 = 2.
    let total: f64 = s.power.iter().sum::<f64>() * s.resolution_hz();
    assert!((total - 2.0).abs() < 0.01, "total power {total}");
    assert!(power > 0.5 * total / s.resolution_hz(), "the peak bin holds most of it");
    let ac = autocorrelation(&x, 200).expect("not constant");
    for k in [0, 10, 54, 81, 200] {
        let expected = (2.0 * PI * f * k as f64 * bin_ms * 1e-3).cos() * (n - k) as f64 / n as f64;
        assert!((ac[k] - expected).abs() < 0.005, "lag {k}: {} vs {expected}", ac[k]);
    }
}

#[test]
fn independent_poisson_neurons_have_the_shot_noise_spectrum_and_exponential_intervals() {
    // N independent Poisson neurons at ν: the population rate binned at Δ has variance
    // ν/(NΔ) per bin and no correlation between bins, so its one-sided density is flat at
    // 2ν/N (shot noise; e.g. Gabbiani & Koch 1998, in Methods in Neuronal Modeling, ch. 9);
    // their intervals are exponential (CV 1).
    let m = model(
        r#"
name = "poisson"
[simulation]
seed = 3
[[populations]]
name = "p"
size = 1000
model = "poisson_source"
params = { rate = "20 Hz" }
"#,
    );
    let (n, nu, ms) = (1000, 20.0, 2000.0);
    let net = run(&m, ms);
    let dt = net.dt_ms();
    let spikes = net.spikes().retained();
    let rate = population_rate(spikes, 0, n, dt, 1.0, 0.0, ms);
    let s = power_spectrum(&rate, 1.0);
    let level = s.power[2..].iter().sum::<f64>() / (s.power.len() - 2) as f64;
    let expected = 2.0 * nu / n as f64;
    // ~1000 periodogram bins (neighbours correlated by the window): a few % of scatter.
    assert!((level - expected).abs() < 0.1 * expected, "level {level} Hz, shot noise {expected} Hz");
    let ac = autocorrelation(&rate, 50).expect("fluctuates");
    // White: |r_k| within 5/√2000 ≈ 0.11 of 0 at every lag.
    assert!(ac[1..].iter().all(|r| r.abs() < 0.11), "{:?}", &ac[..10]);

    let trains = spike_trains(spikes, 0, n, dt);
    let rates = rates_per_neuron(&trains, ms);
    let mean = rates.iter().sum::<f64>() / n as f64;
    // 40,000 spikes expected: standard error 0.1 Hz.
    assert!((mean - nu).abs() < 0.5, "mean rate {mean} Hz");
    let h = Histogram::auto(&rates, 20);
    assert_eq!(h.total(), n as u64);
    let pooled: Vec<f64> = trains.iter().flat_map(|t| isis(t)).collect();
    let cv_pooled = cv(&pooled).expect("intervals");
    assert!((cv_pooled - 1.0).abs() < 0.03, "CV {cv_pooled}");
    // Exponential: a fraction e^(−ν·50 ms) = e^(−1) of the intervals exceeds 50 ms.
    let isi = Histogram::new(pooled.iter().copied(), 0.0, 50.0, 10);
    let beyond = 1.0 - isi.total() as f64 / pooled.len() as f64;
    println!(
        "level {level:.4} Hz (shot {expected}), max |r| {:.3}, rate {mean:.2} Hz, CV {cv_pooled:.3}, P(>50 ms) {beyond:.4}",
        ac[1..].iter().fold(0.0f64, |a, r| a.max(r.abs()))
    );
    assert!((beyond - (-1.0f64).exp()).abs() < 0.01, "P(ISI > 50 ms) = {beyond}");
}

/// Spectral peak (Hz, and its power over the shot-noise level 2ν/N of independent neurons at
/// the same rate) and autocorrelation one period later, of the excitatory rate in 0.5 ms bins
/// from 100 to 300 ms.
fn oscillation(name: &str) -> (f64, f64, f64) {
    let (warmup, end, bin) = (100.0, 300.0, 0.5);
    let net = run(&preset(name), end);
    let rate = population_rate(net.spikes().retained(), 0, 10_000, net.dt_ms(), bin, warmup, end);
    let mean = rate.iter().sum::<f64>() / rate.len() as f64;
    let s = power_spectrum(&rate, bin);
    let (f, p) = s.peak(1.5 * s.resolution_hz()).expect("a peak");
    let ac = autocorrelation(&rate, 400).expect("fluctuates");
    // The period rarely is a whole number of bins: the best of the two lags around it.
    let lag = 1000.0 / f / bin;
    let at_period = ac[lag.floor() as usize].max(ac[lag.ceil() as usize]);
    (f, p / (2.0 * mean / 10_000.0), at_period)
}

#[test]
fn brunel_synchronous_regular_oscillates_far_more_strongly_than_asynchronous_irregular() {
    // Brunel (2000), Fig. 8: SR (g = 3) fires in volleys, AI (g = 5) nearly asynchronously.
    // Measured (seeds of the presets): SR peak 667 Hz (volleys every 1.5 ms: the delay after
    // which a volley's jumps reach V), 3.0e5 times the shot-noise level, autocorrelation 0.70 one period later;
    // AI peak 105 Hz, 1.6e3 times the shot-noise level (a weak fast oscillation of the finite
    // network), autocorrelation 0.16 one period later.
    let (sr_hz, sr_peak, sr_ac) = oscillation("brunel_sr.toml");
    let (ai_hz, ai_peak, ai_ac) = oscillation("brunel_ai.toml");
    println!(
        "SR: {sr_hz} Hz, peak/shot {sr_peak:.0}, ac {sr_ac:.2}; AI: {ai_hz} Hz, peak/shot {ai_peak:.0}, ac {ai_ac:.2}"
    );
    assert!((640.0..700.0).contains(&sr_hz), "SR oscillates at {sr_hz} Hz");
    assert!(sr_peak > 30.0 * ai_peak, "SR peak {sr_peak} vs AI {ai_peak} (x shot noise)");
    assert!(sr_ac > 0.5 && ai_ac < 0.35, "autocorrelation one period on: SR {sr_ac}, AI {ai_ac}");
}

#[test]
fn lif_fi_curve_is_the_analytic_rate_to_within_one_time_step_per_interval() {
    // Dayan & Abbott (2001), eq. 5.12 with v_reset ≠ v_rest. The engine's LIF is exact between
    // steps, but a spike is only seen at the end of the step that crosses threshold, so each
    // simulated interval is the analytic one rounded up to whole steps: longer by [0, dt).
    // Rheobase: C/τm·(v_thresh − v_rest) = 200 pF/20 ms·20 mV = 200 pA.
    let m = model(
        r#"
name = "lif"
[[populations]]
name = "cell"
size = 1
model = "lif"
params = { tau_m = "20 ms", c_m = "200 pF", v_rest = "-70 mV", v_reset = "-60 mV", v_thresh = "-50 mV", t_ref = "2 ms" }
"#,
    );
    let dt = m.dt_ms();
    let currents = [0.0, 100.0, 198.0, 202.0, 210.0, 250.0, 300.0, 400.0, 600.0, 1000.0, 2000.0, 5000.0];
    let curve = fi_curve(&m, 0, &currents, 1000.0, &mut |_| true).expect("runs");
    for point in &curve {
        let exact = rate_analytic(&m.populations[0], point.current_pa).expect("LIF");
        if exact == 0.0 {
            assert_eq!(point.rate_hz, 0.0, "below rheobase at {} pA", point.current_pa);
            continue;
        }
        let (isi_sim, isi_exact) = (1000.0 / point.rate_hz, 1000.0 / exact);
        println!("{} pA: {isi_sim:.4} ms, analytic {isi_exact:.4} ms", point.current_pa);
        // 1e-3 ms: f32 rounding of V near threshold.
        assert!(
            isi_sim >= isi_exact - 1e-3 && isi_sim < isi_exact + dt + 1e-3,
            "{} pA: interval {isi_sim} ms, analytic {isi_exact} ms",
            point.current_pa
        );
    }
    // Strong drive approaches the refractory limit 1/t_ref = 500 Hz.
    assert!(curve[curve.len() - 1].rate_hz > 380.0);
}

#[test]
fn hodgkin_huxley_fi_curve_jumps_from_zero_to_about_50_hz() {
    // Class-2 excitability (Hodgkin 1948; Rinzel & Ermentrout 1998): repetitive firing starts
    // near 6.2–6.3 µA/cm² at about 50 Hz, never slower. 1 µA/cm² = 100 pA on the preset's
    // 10,000 µm² patch (tests/zoo.rs).
    let m = preset("hodgkin_huxley.toml");
    let ua_cm2 = [0.0, 2.0, 4.0, 5.5, 6.0, 6.1, 6.2, 6.3, 6.4, 6.5, 7.0, 8.0, 10.0, 15.0, 20.0];
    let currents: Vec<f64> = ua_cm2.iter().map(|i| i * 100.0).collect();
    let curve = fi_curve(&m, 0, &currents, 300.0, &mut |_| true).expect("runs");
    let rates: Vec<f64> = curve.iter().map(|p| p.rate_hz).collect();
    println!("{:?}", ua_cm2.iter().zip(&rates).collect::<Vec<_>>());
    let onset = rates.iter().position(|&r| r > 0.0).expect("fires at some current");
    assert!((6.1..=6.4).contains(&ua_cm2[onset]), "onset at {} µA/cm²: {rates:?}", ua_cm2[onset]);
    assert!(rates[..onset].iter().all(|&r| r == 0.0));
    assert!((40.0..75.0).contains(&rates[onset]), "onset rate {} Hz", rates[onset]);
    assert!(rates[onset..].windows(2).all(|w| w[1] >= w[0]), "rate grows with current: {rates:?}");
}

#[test]
fn fi_curve_reports_progress_and_can_be_cancelled() {
    let m = preset("lif_step.toml");
    let mut seen = Vec::new();
    let curve = fi_curve(&m, 0, &[300.0, 500.0], 200.0, &mut |f| {
        seen.push(f);
        true
    })
    .expect("runs");
    assert_eq!(curve.len(), 2);
    assert_eq!(seen.len(), 100, "every 1% of 2000 steps");
    assert!(seen.windows(2).all(|w| w[1] > w[0]) && seen[seen.len() - 1] == 1.0);

    let mut calls = 0;
    let cancelled = fi_curve(&m, 0, &[300.0], 200.0, &mut |_| {
        calls += 1;
        calls < 5
    });
    assert_eq!(cancelled, Err(FiError::Cancelled));
    assert_eq!(calls, 5, "stops at the first refusal");

    assert_eq!(fi_curve(&m, 3, &[1.0], 10.0, &mut |_| true), Err(FiError::NoSuchPopulation(3)));
    let song = preset("stdp_song2000.toml");
    assert!(matches!(
        fi_curve(&song, 0, &[1.0], 10.0, &mut |_| true),
        Err(FiError::NotANeuron(_, "Poisson source"))
    ));
    assert!(matches!(fi_curve(&m, 0, &[f64::NAN], 10.0, &mut |_| true), Err(FiError::Build(_))));
    assert_eq!(fi_curve(&m, 0, &[], 10.0, &mut |_| true), Ok(Vec::new()));
}
