//! Plasticity and weights: the STDP window, Song et al.'s bimodal weights, the Tsodyks–Markram
//! recursion, the weight matrix, plus Brunel's two regimes and the time-varying inputs.

use crate::common;
use common::{model, preset, run, spike_times};
use spikelab_core::analysis::{mean_cv_isi, population_rate, spike_trains, stdp_dw, synchrony};
use spikelab_core::model::Stdp;
use spikelab_core::sim::Network;

/// A pre and a post neuron forced to fire once each, at `t_pre` and `t_post` (ms), by spike
/// inputs; the plastic synapse between them, with STDP `stdp` (an inline TOML table), starts at
/// `w0` mV. Returns the STDP rule as the model holds it and the final weight.
fn pair(t_pre: f64, t_post: f64, w0: f64, stdp: &str) -> (Stdp, f64) {
    let m = model(&format!(
        r#"
name = "pair"
[[populations]]
name = "pre"
size = 1
model = "lif"
synapse = "delta"
[[populations]]
name = "post"
size = 1
model = "lif"
synapse = "delta"
[[projections]]
name = "plastic"
pre = "pre"
post = "post"
receptor = "excitatory"
weight = "{w0} mV"
connect = {{ rule = "one_to_one" }}
stdp = {stdp}
[[inputs]]
name = "force_pre"
kind = "spikes"
target = "pre"
times = ["{t_pre} ms"]
weight = "100 mV"
[[inputs]]
name = "force_post"
kind = "spikes"
target = "post"
times = ["{t_post} ms"]
weight = "100 mV"
"#
    ));
    let net = run(&m, t_pre.max(t_post) + 10.0);
    assert_eq!(spike_times(&net, 0, 0).len(), 1);
    assert_eq!(spike_times(&net, 1, 0).len(), 1);
    let w = net.weights(0).expect("projection 0");
    (m.projections[0].stdp.clone().expect("plastic"), w[[0, 0]] as f64)
}

#[test]
fn stdp_window_of_the_engine_is_the_one_the_gui_draws() {
    // One formula: `analysis::stdp_dw` (checked against the exponentials of Song, Miller &
    // Abbott 2000 in its unit tests) must be what the engine does to an isolated pair, for both
    // rules, both signs of Δt (0: same step, counted as pre before post), weights near and at the
    // bounds (clipping), and w_min ≠ 0. Δt are whole steps, where the engine's per-step trace
    // decay is exact; the weights are f32 in the engine.
    let rules = [
        r#"{ rule = "additive", a_plus = 0.01, a_minus = 0.012, tau_plus = "20 ms", tau_minus = "15 ms", w_max = "1 mV" }"#,
        r#"{ rule = "multiplicative", a_plus = 0.01, a_minus = 0.012, tau_plus = "20 ms", tau_minus = "15 ms", w_max = "1 mV" }"#,
        r#"{ rule = "additive", a_plus = 0.3, a_minus = 0.4, tau_plus = "10 ms", tau_minus = "30 ms", w_min = "0.2 mV", w_max = "0.9 mV" }"#,
        r#"{ rule = "multiplicative", a_plus = 0.3, a_minus = 0.4, tau_plus = "10 ms", tau_minus = "30 ms", w_min = "0.2 mV", w_max = "0.9 mV" }"#,
    ];
    for stdp in rules {
        for w0 in [0.25, 0.5, 0.85] {
            for dt in [0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 40.0, -0.1, -1.0, -5.0, -20.0, -40.0] {
                let (rule, w) =
                    if dt >= 0.0 { pair(50.0, 50.0 + dt, w0, stdp) } else { pair(50.0 - dt, 50.0, w0, stdp) };
                let (measured, drawn) = (w - w0, stdp_dw(&rule, dt, w0));
                assert!(
                    (measured - drawn).abs() < 1e-4 * drawn.abs() + 1e-6,
                    "{stdp}, w0 = {w0}, Δt = {dt}: engine {measured}, stdp_dw {drawn}"
                );
            }
        }
    }
}

#[test]
fn song_miller_abbott_weights_become_bimodal() {
    // Song, Miller & Abbott (2000), Fig. 1: competition drives the weights towards 0 and g_max.
    // Measured by the share of weights in the outer fifths of [0, w_max] (0.4 for the uniform
    // start) and a U-shaped histogram: every middle bin below half of either end bin.
    let m = preset("stdp_song2000.toml");
    let mut net = Network::build(&m).expect("builds");
    let outer =
        |w: &[f32]| w.iter().filter(|&&x| !(0.02..=0.08).contains(&x)).count() as f64 / w.len() as f64;
    let start: Vec<f32> = net.weights(0).expect("weights").iter().copied().collect();
    assert!((outer(&start) - 0.4).abs() < 0.1, "starts uniform");
    net.run_for(m.duration_ms()).expect("runs");
    let end: Vec<f32> = net.weights(0).expect("weights").iter().copied().collect();
    let histogram: Vec<usize> =
        (0..10).map(|b| end.iter().filter(|&&x| ((x / 0.01) as usize).min(9) == b).count()).collect();
    assert!(outer(&end) > 0.65, "not bimodal: histogram {histogram:?}");
    let ends = histogram[0].min(histogram[9]);
    assert!(histogram[2..8].iter().all(|&c| 2 * c < ends), "not U-shaped: {histogram:?}");
    // The watched synapses' histories end at their final weights.
    let samples = (m.duration_ms() / 100.0) as usize;
    for trace in net.weight_traces() {
        assert_eq!(trace.values.len(), samples, "one sample per 100 ms");
        let w = net.weights(0).expect("weights")[[trace.pre as usize, trace.post as usize]];
        let last = *trace.values.last().unwrap_or(&f32::NAN);
        assert!((last - w).abs() <= 0.011 * 0.1, "history ends at {last}, weight is {w}");
    }
}

#[test]
fn learning_can_be_paused_and_the_weights_stay() {
    let m = preset("stdp_song2000.toml");
    let mut net = Network::build(&m).expect("builds");
    net.run_for(1000.0).expect("runs");
    net.set_learning(0, false);
    let frozen = net.weights(0).expect("weights");
    net.run_for(1000.0).expect("runs");
    assert_eq!(net.weights(0).expect("weights"), frozen);
    net.set_learning(0, true);
    net.run_for(1000.0).expect("runs");
    assert_ne!(net.weights(0).expect("weights"), frozen);
}

#[test]
fn tsodyks_markram_amplitudes_follow_the_recursion() {
    let m = preset("short_term_plasticity.toml");
    let net = run(&m, 1000.0);
    let dt = net.dt_ms();
    let pre = spike_times(&net, 0, 0);
    assert!(pre.len() > 15);
    let decay = (-dt / 3.0f64).exp();
    // (U, τ_rec, τ_facil) of the two projections as in the preset; weight 400 pA.
    // Traces: v and i_exc of "depressed", then of "facilitated".
    let cases = [(&net.traces()[1], 0.5, 800.0, 0.0), (&net.traces()[3], 0.1, 100.0, 1000.0)];
    for (trace, big_u, tau_rec, tau_f) in cases {
        assert_eq!(trace.variable, "i_exc");
        let (mut u, mut x) = (big_u, 1.0f64);
        let mut last: Option<f64> = None;
        for &t in &pre {
            if let Some(t0) = last {
                let gap = t - t0;
                let facil: f64 = if tau_f > 0.0 { (-gap / tau_f).exp() } else { 0.0 };
                let recover = (-gap / tau_rec).exp();
                let carried = u * facil;
                let x_new = x * (1.0 - u) * recover + 1.0 - recover;
                u = carried + big_u * (1.0 - carried);
                x = x_new;
            }
            last = Some(t);
            // The spike at time t is added to i_exc during the step starting at t; the sample
            // after that step holds (i_before + PSC)·decay.
            let j = (t / dt).round() as usize;
            let measured = trace.values[j + 1] as f64 / decay - trace.values[j] as f64;
            let expected = 400.0 * u * x;
            assert!(
                (measured - expected).abs() < 2e-3 * expected,
                "t = {t}: PSC {measured} pA, recursion {expected} pA"
            );
        }
    }
}

#[test]
fn weight_matrix_is_the_engines_weights_cell_for_cell() {
    let m = model(
        r#"
name = "diag"
[[populations]]
name = "a"
size = 50
model = "lif"
[[populations]]
name = "b"
size = 50
model = "lif"
[[projections]]
pre = "a"
post = "b"
receptor = "excitatory"
weight = { uniform = ["1 pA", "2 pA"] }
connect = { rule = "one_to_one" }
[[projections]]
pre = "a"
post = "b"
name = "sparse"
receptor = "inhibitory"
weight = "3 pA"
connect = { rule = "fixed_probability", p = 0.2 }
"#,
    );
    let net = Network::build(&m).expect("builds");
    let diag = net.weights(0).expect("weights");
    assert_eq!(diag.dim(), (50, 50));
    for ((i, j), &w) in diag.indexed_iter() {
        if i == j {
            assert!((1.0..2.0).contains(&w), "diagonal {i}: {w}");
        } else {
            assert!(w.is_nan(), "off-diagonal ({i}, {j}) = {w}");
        }
    }
    let sparse = net.weights(1).expect("weights");
    let p = &net.projections()[1];
    let mut cells = 0;
    for i in 0..50 {
        for (j, w) in p.synapses_of(i) {
            assert_eq!(sparse[[i, j as usize]], w);
            cells += 1;
        }
    }
    assert_eq!(cells, sparse.iter().filter(|w| !w.is_nan()).count());
}

fn regime(name: &str, warmup: f64, window: f64) -> (f64, f64, f64) {
    let m = preset(name);
    let net = run(&m, warmup + window);
    let dt = net.dt_ms();
    let spikes: Vec<_> =
        net.spikes().retained().iter().filter(|s| s.step as f64 * dt > warmup).copied().collect();
    let rate = population_rate(&spikes, 0, 10_000, dt, dt, warmup, warmup + window);
    let cv = mean_cv_isi(&spike_trains(&spikes, 0, 10_000, dt)).unwrap_or(f64::NAN);
    let mean = rate.iter().sum::<f64>() / rate.len() as f64;
    (mean, cv, synchrony(&rate).unwrap_or(f64::NAN))
}

#[test]
fn brunel_asynchronous_irregular_and_synchronous_regular_are_told_apart() {
    // Brunel (2000), Fig. 8: g = 5, η = 2 is asynchronous irregular (AI), g = 3, η = 2 is
    // synchronous regular (SR, rates near the refractory limit). Synchrony: CV of the
    // population rate at the resolution of one time step.
    let (ai_rate, ai_cv, ai_sync) = regime("brunel_ai.toml", 200.0, 300.0);
    let (sr_rate, sr_cv, sr_sync) = regime("brunel_sr.toml", 100.0, 100.0);
    println!(
        "AI: {ai_rate:.1} Hz, CV ISI {ai_cv:.2}, synchrony {ai_sync:.2}; SR: {sr_rate:.1} Hz, CV ISI {sr_cv:.3}, synchrony {sr_sync:.2}"
    );
    assert!(ai_cv >= 0.35, "AI should be irregular: CV {ai_cv}");
    assert!(ai_sync < 1.0, "AI should be asynchronous: rate CV {ai_sync}");
    assert!((10.0..80.0).contains(&ai_rate), "AI rate {ai_rate} Hz");
    assert!(sr_cv < 0.1, "SR should be regular: CV {sr_cv}");
    assert!(sr_sync > 3.0 * ai_sync, "SR should be synchronous: {sr_sync} vs AI {ai_sync}");
    assert!(sr_rate > 150.0, "SR rate {sr_rate} Hz");
}

#[test]
fn time_varying_poisson_follows_its_schedule() {
    let m = model(
        r#"
name = "schedule"
[[populations]]
name = "a"
size = 100
model = "lif"
[[inputs]]
name = "ramp"
kind = "poisson"
target = "a"
schedule = [{ at = "0 ms", rate = "10 Hz" }, { at = "1000 ms", rate = "0 Hz" }, { at = "2000 ms", rate = "50 Hz" }]
weight = "1 pA"
"#,
    );
    let mut net = Network::build(&m).expect("builds");
    let mut counts = Vec::new();
    for _ in 0..3 {
        let before = net.input_events();
        net.run_for(1000.0).expect("runs");
        counts.push((net.input_events() - before) as f64);
    }
    // 100 neurons x 1 s: 1000 ± 32, 0, 5000 ± 71.
    assert!((counts[0] - 1000.0).abs() < 5.0 * 32.0, "{counts:?}");
    assert_eq!(counts[1], 0.0);
    assert!((counts[2] - 5000.0).abs() < 5.0 * 71.0, "{counts:?}");
}

#[test]
fn sine_current_drives_the_membrane_at_its_frequency() {
    // A passive membrane under I = A sin(2π f t): V oscillates at f with amplitude
    // R·A / sqrt(1 + (2π f τ)²) once transients have died (first-order low-pass).
    let m = model(
        r#"
name = "sine"
[[populations]]
name = "a"
size = 1
model = "lif"
params = { v_thresh = "100 mV", tau_m = "20 ms", c_m = "200 pF", v_rest = "-70 mV" }
[[inputs]]
name = "wave"
kind = "sine"
target = "a"
amplitude = "100 pA"
frequency = "10 Hz"
[[recorders]]
population = "a"
neurons = [0]
variables = ["v"]
"#,
    );
    let net = run(&m, 1000.0);
    let v = &net.traces()[0].values[5000..];
    let (lo, hi) = v.iter().fold((f32::MAX, f32::MIN), |(a, b), &x| (a.min(x), b.max(x)));
    let amplitude = (hi - lo) as f64 / 2.0;
    let omega_tau = 2.0 * std::f64::consts::PI * 10.0 * 0.020;
    let expected = 0.1 * 100.0 / (1.0 + omega_tau * omega_tau).sqrt();
    assert!(
        (amplitude - expected).abs() < 0.01 * expected,
        "amplitude {amplitude} mV, expected {expected} mV"
    );
    let mean = v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64;
    assert!((mean + 70.0).abs() < 0.05, "oscillates around rest: {mean}");
}

#[test]
fn noise_current_has_its_mean_and_spread() {
    // Ornstein–Uhlenbeck current with τ = 2 ms onto a passive membrane with τm = 20 ms:
    // V fluctuates around E_L + R·mean with variance R²σ²·τ/(τ + τm) (filtered OU).
    let m = model(
        r#"
name = "noise"
[simulation]
seed = 5
[[populations]]
name = "a"
size = 200
model = "lif"
params = { v_thresh = "100 mV", tau_m = "20 ms", c_m = "200 pF", v_rest = "-70 mV" }
[[inputs]]
name = "ou"
kind = "noise"
target = "a"
mean = "50 pA"
sigma = "100 pA"
tau = "2 ms"
[[recorders]]
population = "a"
neurons = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99]
variables = ["v"]
interval = "10 ms"
"#,
    );
    let net = run(&m, 5000.0);
    let samples: Vec<f64> =
        net.traces().iter().flat_map(|t| t.values[20..].iter().map(|&x| x as f64)).collect();
    let n = samples.len() as f64;
    let mean = samples.iter().sum::<f64>() / n;
    let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let (r, sigma, tau, tau_m) = (0.1, 100.0, 2.0, 20.0);
    let expected_var = (r * sigma) * (r * sigma) * tau / (tau + tau_m);
    assert!((mean - (-70.0 + r * 50.0)).abs() < 0.1, "mean {mean} mV");
    assert!((var - expected_var).abs() < 0.1 * expected_var, "variance {var} mV², expected {expected_var}");
}

#[test]
fn weight_blocks_are_exact_at_full_size_and_honest_means_when_downsampled() {
    let net = Network::build(&preset("stdp_song2000.toml")).expect("builds");
    let exact = net.weights(0).expect("weights");
    let full = net.weight_blocks(0, 5000, 5000).expect("blocks");
    assert_eq!((full.pre_per_row, full.post_per_col), (1, 1));
    assert_eq!(full.mean, exact);
    // 1000 pre neurons into at most 64 rows: blocks of 16, each the mean of its 16 weights.
    let small = net.weight_blocks(0, 64, 64).expect("blocks");
    assert_eq!((small.pre_per_row, small.mean.nrows()), (16, 63));
    for (r, &m) in small.mean.column(0).iter().enumerate() {
        let block: Vec<f32> = (r * 16..((r + 1) * 16).min(1000)).map(|i| exact[[i, 0]]).collect();
        let mean = block.iter().map(|&w| w as f64).sum::<f64>() / block.len() as f64;
        assert!((m as f64 - mean).abs() < 1e-6, "row {r}: {m} vs {mean}");
    }
}
