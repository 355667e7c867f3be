//! The leaky integrate-and-fire neuron against its closed-form solution.
//!
//! Under a constant current I from V = E_L, V(t) = E_L + R I (1 - e^(-t/τ)), with R = τ/C.
//! It reaches threshold θ at T = τ ln(R I / (R I - (θ - E_L))) if R I > θ - E_L (rheobase
//! I_rh = (θ - E_L)/R), and with reset to E_L fires periodically with ISI = t_ref + T.
//! (Dayan & Abbott, Theoretical Neuroscience, 2001, ch. 5.4.)

use crate::common;
use common::{model, run, spike_times};

const TAU_MS: f64 = 20.0;
const C_PF: f64 = 200.0;
const E_L: f64 = -70.0;
const THETA: f64 = -50.0;
const T_REF: f64 = 2.0;
const DT: f64 = 0.1;
/// R = τ/C = 0.1 GΩ, so the rheobase is 20 mV / 0.1 GΩ = 200 pA.
const RHEOBASE_PA: f64 = (THETA - E_L) * C_PF / TAU_MS;

fn neuron_under(amplitude_pa: f64, duration_ms: f64) -> spikelab_core::sim::Network {
    neuron_with("current", amplitude_pa, duration_ms)
}

/// The neuron with the given synapse kind (which must not change its response to a DC), its
/// V recorded.
fn neuron_with(synapse: &str, amplitude_pa: f64, duration_ms: f64) -> spikelab_core::sim::Network {
    let m = model(&format!(
        r#"
name = "lif"
[simulation]
dt = "{DT} ms"
[[populations]]
name = "n"
size = 1
model = "lif"
synapse = "{synapse}"
params = {{ tau_m = "{TAU_MS} ms", c_m = "{C_PF} pF", v_rest = "{E_L} mV", v_reset = "{E_L} mV", v_thresh = "{THETA} mV", t_ref = "{T_REF} ms" }}
[[inputs]]
name = "dc"
kind = "dc"
target = "n"
amplitude = "{amplitude_pa} pA"
[[recorders]]
population = "n"
neurons = [0]
variables = ["v"]
"#
    ));
    run(&m, duration_ms)
}

fn time_to_threshold(amplitude_pa: f64) -> f64 {
    let ri = amplitude_pa * TAU_MS / C_PF;
    TAU_MS * (ri / (ri - (THETA - E_L))).ln()
}

#[test]
fn first_spike_and_rate_match_the_analytic_solution_within_one_step() {
    // From just above rheobase (slow approach to threshold) to strong drive.
    for amplitude in [200.5, 201.0, 205.0, 220.0, 250.0, 300.0, 500.0, 1000.0, 3000.0] {
        let net = neuron_under(amplitude, 2000.0);
        let spikes = spike_times(&net, 0, 0);
        let t1 = time_to_threshold(amplitude);
        assert!(!spikes.is_empty(), "{amplitude} pA: no spike, expected the first at {t1:.3} ms");
        let first = spikes[0];
        assert!(
            first >= t1 - 1e-6 && first <= t1 + DT + 1e-6,
            "{amplitude} pA: first spike at {first} ms, analytic {t1:.4} ms"
        );
        if spikes.len() >= 3 {
            let isi = t1 + T_REF;
            let mean_isi = (spikes[spikes.len() - 1] - spikes[0]) / (spikes.len() - 1) as f64;
            assert!(
                mean_isi >= isi - 1e-6 && mean_isi <= isi + DT + 1e-6,
                "{amplitude} pA: mean ISI {mean_isi:.4} ms, analytic {isi:.4} ms"
            );
            let rate = 1000.0 / mean_isi;
            let analytic_rate = 1000.0 / isi;
            let one_step = 1000.0 / isi - 1000.0 / (isi + DT);
            assert!(
                (rate - analytic_rate).abs() <= one_step + 1e-9,
                "{amplitude} pA: rate {rate} Hz vs {analytic_rate} Hz"
            );
        }
    }
}

#[test]
fn no_spike_below_rheobase() {
    for fraction in [0.5, 0.9, 0.99, 0.999] {
        let net = neuron_under(RHEOBASE_PA * fraction, 2000.0);
        assert!(
            net.spikes().retained().is_empty(),
            "{} pA is below rheobase but the neuron fired",
            RHEOBASE_PA * fraction
        );
        // It settles at E_L + R I, below threshold.
        let v = *net.traces()[0].values.last().unwrap_or(&f32::NAN) as f64;
        let expected = E_L + RHEOBASE_PA * fraction * TAU_MS / C_PF;
        assert!((v - expected).abs() < 1e-3, "settled at {v} mV, expected {expected} mV");
    }
}

#[test]
fn membrane_potential_follows_the_exact_exponential() {
    // Exact integration is right to float precision at every step; forward Euler at dt = 0.1 ms
    // would be off by about dt/(2τ) · 15 mV ≈ 0.04 mV here.
    let amplitude = 150.0;
    let net = neuron_under(amplitude, 100.0);
    let trace = &net.traces()[0];
    let ri = amplitude * TAU_MS / C_PF;
    let mut worst: f64 = 0.0;
    for (j, &v) in trace.values.iter().enumerate() {
        let t = trace.time_ms(j, DT);
        let exact = E_L + ri * (1.0 - (-t / TAU_MS).exp());
        worst = worst.max((v as f64 - exact).abs());
    }
    assert!(worst < 1e-3, "largest deviation from the exact solution: {worst} mV");
}

fn neuron_with_synapse(synapse: &str, amplitude_pa: f64, duration_ms: f64) -> Vec<f64> {
    spike_times(&neuron_with(synapse, amplitude_pa, duration_ms), 0, 0)
}

#[test]
fn spike_times_and_refractoriness_follow_nest() {
    // NEST 3.10 at dt = 0.1 ms, C_m 200 pF, τm 20 ms (g_L 10 nS), E_L = V_reset = -70 mV,
    // V_th -50 mV, t_ref 2 ms, V_m(0) = E_L; spike_recorder times:
    // - I_e = 1e6 pA (saturating) in iaf_psc_exp, iaf_psc_delta and iaf_cond_exp alike:
    //   0.1, 2.2, 4.3, 6.4, 8.5 ms. A spike is stamped at the end of the step in which V crossed,
    //   (t+1)·dt, and the neuron is held for t_ref/dt = 20 whole steps after that step, so the
    //   shortest interval is t_ref + dt = 2.1 ms. (Brian2 stamps t·dt and gives 2.0 ms.)
    // - I_e = 300 pA in iaf_psc_exp and iaf_psc_delta: 22.0, 46.0, 70.0, 94.0 ms.
    let saturated = [0.1, 2.2, 4.3, 6.4, 8.5];
    for synapse in ["current", "delta", "conductance"] {
        let got = neuron_with_synapse(synapse, 1e6, 10.0);
        assert_eq!(got.len(), saturated.len(), "{synapse}: {got:?}");
        for (g, e) in got.iter().zip(saturated) {
            assert!((g - e).abs() < 1e-9, "{synapse}: spikes at {got:?}, NEST {saturated:?}");
        }
    }
    let nest_300 = [22.0, 46.0, 70.0, 94.0];
    for synapse in ["current", "delta"] {
        let got = neuron_with_synapse(synapse, 300.0, 100.0);
        assert_eq!(got.len(), nest_300.len(), "{synapse}: {got:?}");
        for (g, e) in got.iter().zip(nest_300) {
            assert!((g - e).abs() < 1e-9, "{synapse}: spikes at {got:?}, NEST {nest_300:?}");
        }
    }
}

/// A perfect integrator (τm = 1000 s) climbing 0.3 mV a step to a threshold 1 mV above
/// reset. Reset to v_reset throws away what overshoots, so it fires every 4th step; reset by
/// subtraction keeps it, so its count is the charge received over the threshold, 0.3 a step
/// (how converted networks make rates proportional to their input).
#[test]
fn reset_by_subtraction_keeps_the_overshoot_and_reset_to_v_reset_loses_it() {
    const STEPS: f64 = 1000.0;
    for (reset, expected) in [("to_v_reset", STEPS / 4.0), ("subtract", 0.3 * STEPS)] {
        let m = model(&format!(
            r#"
name = "integrator"
[simulation]
dt = "0.1 ms"
[[populations]]
name = "n"
size = 1
model = "lif"
reset = "{reset}"
params = {{ tau_m = "1000 s", c_m = "200 pF", v_rest = "0 mV", v_reset = "0 mV", v_thresh = "1 mV", t_ref = "0 ms" }}
[[inputs]]
name = "dc"
kind = "dc"
target = "n"
amplitude = "600 pA"
"#
        ));
        let fired = spike_times(&run(&m, STEPS * 0.1), 0, 0).len() as f64;
        assert!((fired - expected).abs() <= 1.0, "{reset}: {fired} spikes, expected {expected}");
    }
}
