//! The quadratic integrate-and-fire neuron against its closed forms: the F–I tool's rates
//! against the period from reset to peak, the √(I − I_rh) onset, and the phase line's fixed
//! points.

use spikelab_core::analysis::{fi_curve, rate_analytic};
use spikelab_core::model::Model;
use spikelab_core::neurons::PhaseField;

fn qif(params: &str) -> Model {
    let text = format!(
        "name = \"q\"\n[[populations]]\nname = \"cell\"\nsize = 1\nmodel = \"qif\"\nparams = {{ {params} }}\n"
    );
    Model::from_toml(&text, "q.toml").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_fi_tool_fires_at_the_closed_form_period_within_one_step() {
    // Izhikevich's (2007) constants: rheobase k (V_t − V_r)²/4 = 0.7 · 100 = 70 pA.
    for params in ["", "t_ref = \"2 ms\", v_reset = \"-45 mV\", k = 1.2"] {
        let m = qif(params);
        let dt = m.dt_ms();
        let currents = [0.0, 50.0, 69.0, 72.0, 75.0, 80.0, 100.0, 150.0, 300.0, 1000.0, 3000.0];
        let curve = fi_curve(&m, 0, &currents, 2000.0, &mut |_| true).expect("runs");
        let mut firing = 0;
        for point in &curve {
            let exact = rate_analytic(&m.populations[0], point.current_pa).expect("QIF has a closed form");
            if exact == 0.0 {
                assert_eq!(point.rate_hz, 0.0, "{params}: below rheobase at {} pA", point.current_pa);
                continue;
            }
            firing += 1;
            let (period, closed) = (1000.0 / point.rate_hz, 1000.0 / exact);
            // Spikes are detected at the end of the step in which V passes V_peak.
            assert!(
                period >= closed - 1e-3 && period < closed + dt + 1e-3,
                "{params}: {} pA: period {period} ms, closed form {closed} ms",
                point.current_pa
            );
        }
        // Rheobase 70 pA for the first, k·(10 mV)² = 120 pA for the second.
        assert!(firing >= 4, "{params}: {firing} currents fire");
    }
}

#[test]
fn above_rheobase_the_rate_grows_as_the_square_root_of_the_excess_current() {
    let m = qif("");
    let pop = &m.populations[0];
    let rheobase = 70.0;
    assert_eq!(rate_analytic(pop, rheobase - 1e-6), Some(0.0));
    // The passage from reset to peak takes (atan(x_peak·√(a/b)) − atan(x_reset·√(a/b)))/√(ab)
    // with b = ε/C → 0; the preset's reset is the midpoint of V_rest and V_thresh (x_reset =
    // 0), so it tends to (π/2)/√(ab): f → (2/π)·√(a·ε/C), with a = k/C = 0.007.
    for excess in [1e-6, 1e-4, 1e-2] {
        let f = rate_analytic(pop, rheobase + excess).expect("closed form");
        let limit = 2000.0 / std::f64::consts::PI * (0.007 * excess / 100.0f64).sqrt();
        assert!((f / limit - 1.0).abs() < 0.01, "ε = {excess} pA: {f} Hz vs {limit} Hz");
    }
}

#[test]
fn the_phase_line_has_rest_and_threshold_below_rheobase_and_no_fixed_point_above() {
    let m = qif("");
    let field = PhaseField::new(&m.populations[0]).expect("QIF has a phase line");
    assert_eq!(field.phase.recovery, None, "one variable: a phase line, not a plane");
    // k (V − V_r)(V − V_t) + I = 0 at V = −50 ∓ √(100 − I/k).
    for current in [0.0f64, 50.0, 69.9] {
        let half = (100.0 - current / 0.7).sqrt();
        let found = field.fixed_points(-100.0, 35.0, current);
        assert_eq!(found.len(), 2, "{current} pA: {found:?}");
        let ((rest, rest_stable), (threshold, threshold_stable)) = (found[0], found[1]);
        assert!((rest - (-50.0 - half)).abs() < 1e-6 && rest_stable, "{current} pA: {found:?}");
        assert!((threshold - (-50.0 + half)).abs() < 1e-6 && !threshold_stable, "{current} pA: {found:?}");
        // The same right-hand side the engine integrates: dv/dt there is zero.
        assert!(field.derivatives(rest, 0.0, current).0.abs() < 1e-9);
    }
    assert!(field.fixed_points(-100.0, 35.0, 70.1).is_empty(), "above rheobase the neuron always climbs");
}

#[test]
fn the_preset_rests_below_rheobase_and_fires_at_31_hz_after_the_step() {
    let m = Model::from_toml(
        spikelab_core::model::presets::preset("qif_neuron").expect("a preset"),
        "qif_neuron.toml",
    )
    .expect("valid");
    let mut net = spikelab_core::sim::Network::build(&m).expect("builds");
    net.run_for(1500.0).expect("runs");
    let times: Vec<f64> = net.spikes().retained().iter().map(|s| s.step as f64 * net.dt_ms()).collect();
    assert!(times.iter().all(|&t| t > 500.0), "silent at 50 pA: {times:?}");
    // 100 pA: (atan(85·√(a/b)) − atan(0))/√(ab), a = 0.007, b = 0.3: 32.6 ms, 30.7 Hz.
    let period = rate_analytic(&m.populations[0], 100.0).map(|f| 1000.0 / f).expect("closed form");
    assert!((period - 32.6).abs() < 0.1, "{period}");
    let last: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).skip(2).collect();
    assert!(last.len() > 20);
    assert!(last.iter().all(|&isi| isi >= period - 1e-3 && isi < period + m.dt_ms() + 1e-3), "{last:?}");
}
