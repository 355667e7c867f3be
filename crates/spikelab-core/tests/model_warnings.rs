//! Model warnings: delays and spike times beyond the run, and time steps too coarse for a
//! neuron model, with the limits checked against the engine itself.
//!
//! The limits (each model's `max_dt` in `src/neurons/`, and `DT_FRACTION_OF_TAU`) come from F–I curves measured here: the steady firing
//! rate under constant current at a range of dt against the rate at a dt small enough to have
//! converged. `cargo test -p spikelab-core --release --test engine model_warnings:: -- --ignored --nocapture` prints the
//! tables; the tests below check the limits against them.

use spikelab_core::model::{DT_FRACTION_OF_TAU, Model, NeuronModel, presets::PRESETS};
use spikelab_core::sim::Network;

/// The largest dt a model states for itself.
fn max_dt(key: &str) -> f64 {
    NeuronModel::from_key(key).and_then(|m| m.max_dt()).expect("the model states a limit").0
}

/// A population of one neuron per current, each driven by its own DC input.
fn fi_model(model: &str, params: &str, currents_pa: &[f64], dt: f64, duration_ms: f64) -> String {
    let mut text = format!(
        "name = \"fi\"\n[simulation]\ndt = \"{dt} ms\"\nduration = \"{duration_ms} ms\"\n\n[[populations]]\nname = \"p\"\nsize = {}\nmodel = \"{model}\"\nparams = {{ {params} }}\n",
        currents_pa.len()
    );
    for (k, i) in currents_pa.iter().enumerate() {
        text += &format!(
            "\n[[inputs]]\nname = \"i{k}\"\nkind = \"dc\"\ntarget = \"p\"\nneurons = [{k}]\namplitude = \"{i} pA\"\n"
        );
    }
    text
}

/// Steady-state rates (Hz) over 4 s after a transient (so one spike more or less is 0.25 Hz).
fn rates(model: &str, params: &str, currents_pa: &[f64], dt: f64) -> Vec<f64> {
    let (transient, measured) = (200.0, 4000.0);
    let text = fi_model(model, params, currents_pa, dt, transient + measured);
    let m = Model::from_toml(&text, "fi.toml").unwrap_or_else(|e| panic!("{e}"));
    let mut net = Network::build(&m).expect("builds");
    net.run_for(transient + measured).expect("runs");
    let first = (transient / dt).round() as u64;
    let mut counts = vec![0usize; currents_pa.len()];
    for s in net.spikes().retained().iter().filter(|s| s.step >= first) {
        counts[s.neuron as usize] += 1;
    }
    counts.iter().map(|&c| c as f64 / (measured / 1000.0)).collect()
}

/// Largest relative error of `rates` against `reference`, over currents where the reference fires.
fn worst_error(rates: &[f64], reference: &[f64]) -> f64 {
    rates.iter().zip(reference).filter(|(_, r)| **r > 0.0).map(|(x, r)| (x - r).abs() / r).fold(0.0, f64::max)
}

// Hodgkin–Huxley, default parameters (c_m = 100 pF: 100 pA is 1 µA/cm²): from just above
// rheobase (about 6.3 µA/cm² for repetitive firing) to 30 µA/cm².
const HH_CURRENTS: &[f64] = &[650.0, 700.0, 1000.0, 1500.0, 2000.0, 3000.0];
// Izhikevich (2003) regular spiking (the defaults), I = 5 to 40 in the paper's units.
const IZH_CURRENTS: &[f64] = &[5.0, 10.0, 20.0, 40.0];
// AdEx tonic spiking, Naud et al. (2008) Table 1.
const ADEX_TONIC: &str = "c_m = \"200 pF\", g_l = \"10 nS\", e_l = \"-70 mV\", v_t = \"-50 mV\", delta_t = \"2 mV\", tau_w = \"30 ms\", a = \"2 nS\", b = \"0 pA\", v_reset = \"-58 mV\", v_peak = \"0 mV\"";
const ADEX_CURRENTS: &[f64] = &[300.0, 400.0, 500.0, 700.0];
// LIF defaults (tau_m = 20 ms, 200 pF, rheobase 200 pA): 10 to 100 Hz.
const LIF_CURRENTS: &[f64] = &[250.0, 300.0, 400.0, 600.0];

fn table(name: &str, model: &str, params: &str, currents: &[f64], reference_dt: f64, dts: &[f64]) {
    let reference = rates(model, params, currents, reference_dt);
    println!("{name}: currents {currents:?} pA; rates at dt = {reference_dt} ms: {reference:?}");
    for &dt in dts {
        let r = rates(model, params, currents, dt);
        println!("  dt = {dt:>6} ms: {r:?}  worst error {:.1} %", 100.0 * worst_error(&r, &reference));
    }
}

/// Peak of the PSP (mV above rest) of one LIF neuron after one input spike of `weight` onto
/// synapses of `kind`, with tau_syn_exc = 5 ms.
fn psp_peak(kind: &str, weight: &str, dt: f64) -> f64 {
    let text = format!(
        "name = \"psp\"\n[simulation]\ndt = \"{dt} ms\"\nduration = \"60 ms\"\n\n[[populations]]\nname = \"p\"\nsize = 1\nmodel = \"lif\"\nsynapse = \"{kind}\"\nparams = {{ tau_syn_exc = \"5 ms\" }}\n\n[[inputs]]\nname = \"s\"\nkind = \"spikes\"\ntarget = \"p\"\ntimes = [\"10 ms\"]\nweight = \"{weight}\"\n\n[[recorders]]\npopulation = \"p\"\nneurons = [0]\nvariables = [\"v\"]\n"
    );
    let m = Model::from_toml(&text, "psp.toml").unwrap_or_else(|e| panic!("{e}"));
    let mut net = Network::build(&m).expect("builds");
    net.run_for(60.0).expect("runs");
    let v = &net.traces()[0].values;
    v.iter().fold(f32::MIN, |a, &b| a.max(b)) as f64 - v[0] as f64
}

#[test]
#[ignore = "prints the F–I tables the dt limits come from"]
fn dt_limits_measured() {
    for (kind, weight) in [("current", "200 pA"), ("conductance", "2 nS")] {
        let reference = psp_peak(kind, weight, 0.001);
        print!("LIF PSP peak, {kind} synapses, tau_syn = 5 ms: {reference:.4} mV at dt = 0.001 ms;");
        for dt in [0.1, 0.25, 0.5, 1.0, 2.0] {
            let p = psp_peak(kind, weight, dt);
            print!(" {dt} ms: {:+.1} %", 100.0 * (p - reference) / reference);
        }
        println!();
    }
    table(
        "Hodgkin–Huxley",
        "hodgkin_huxley",
        "",
        HH_CURRENTS,
        0.001,
        &[0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 3.0],
    );
    table(
        "Izhikevich RS",
        "izhikevich",
        "",
        IZH_CURRENTS,
        0.005,
        &[0.01, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0],
    );
    table("AdEx tonic", "adex", ADEX_TONIC, ADEX_CURRENTS, 0.001, &[0.01, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0]);
    table("LIF", "lif", "", LIF_CURRENTS, 0.01, &[0.1, 0.5, 1.0, 2.0, 4.0]);
}

#[test]
fn hodgkin_huxley_is_accurate_up_to_its_dt_limit_and_not_far_beyond() {
    let reference = rates("hodgkin_huxley", "", HH_CURRENTS, 0.005);
    let at_limit = rates("hodgkin_huxley", "", HH_CURRENTS, max_dt("hodgkin_huxley"));
    assert!(worst_error(&at_limit, &reference) < 0.02, "{at_limit:?} vs {reference:?}");
    // At 0.5 ms the neuron just above rheobase is silent; at 1 ms the rates are off by half.
    let coarse = rates("hodgkin_huxley", "", HH_CURRENTS, 0.5);
    assert_eq!(coarse[0], 0.0, "{coarse:?}");
    let one = rates("hodgkin_huxley", "", &HH_CURRENTS[2..4], 1.0);
    assert!(worst_error(&one, &reference[2..4]) > 0.3, "{one:?} vs {reference:?}");
}

#[test]
fn izhikevich_and_adex_are_accurate_up_to_their_dt_limits() {
    let reference = rates("izhikevich", "", IZH_CURRENTS, 0.005);
    let at_limit = rates("izhikevich", "", IZH_CURRENTS, max_dt("izhikevich"));
    assert!(worst_error(&at_limit, &reference) < 0.05, "{at_limit:?} vs {reference:?}");
    let beyond = rates("izhikevich", "", IZH_CURRENTS, 4.0 * max_dt("izhikevich"));
    assert!(worst_error(&beyond, &reference) > 0.1, "{beyond:?} vs {reference:?}");
    // AdEx: within 5 % up to about 100 Hz (the 700 pA neuron, at 165 Hz, is 5.2 % slow).
    let reference = rates("adex", ADEX_TONIC, ADEX_CURRENTS, 0.002);
    let at_limit = rates("adex", ADEX_TONIC, ADEX_CURRENTS, max_dt("adex"));
    assert!(worst_error(&at_limit[..3], &reference[..3]) < 0.05, "{at_limit:?} vs {reference:?}");
    let beyond = rates("adex", ADEX_TONIC, ADEX_CURRENTS, 5.0 * max_dt("adex"));
    assert!(worst_error(&beyond, &reference) > 0.15, "{beyond:?} vs {reference:?}");
}

#[test]
fn lif_rates_and_psps_at_a_tenth_of_their_time_constants() {
    let tau_m = 20.0;
    let reference = rates("lif", "", LIF_CURRENTS, 0.01);
    let at_limit = rates("lif", "", LIF_CURRENTS, DT_FRACTION_OF_TAU * tau_m);
    // Within 6 % up to 42 Hz; at 100 Hz it is 16 % slow (the limit is a floor).
    assert!(worst_error(&at_limit[..2], &reference[..2]) < 0.06, "{at_limit:?} vs {reference:?}");
    assert!(worst_error(&at_limit, &reference) < 0.2, "{at_limit:?} vs {reference:?}");
    // Conductance synapses: the PSP is about 5 % too large at dt = tau_syn / 10.
    let tau_syn = 5.0;
    let fine = psp_peak("conductance", "2 nS", 0.001);
    let coarse = psp_peak("conductance", "2 nS", DT_FRACTION_OF_TAU * tau_syn);
    assert!(((coarse - fine) / fine).abs() < 0.06, "{coarse} vs {fine}");
    // Current synapses decay exactly: no limit is needed for them.
    let fine = psp_peak("current", "200 pA", 0.001);
    let coarse = psp_peak("current", "200 pA", 2.0);
    assert!(((coarse - fine) / fine).abs() < 0.01, "{coarse} vs {fine}");
}

fn warnings(text: &str) -> Vec<String> {
    let (_, warnings) = Model::from_toml_with_warnings(text, "net.toml").unwrap_or_else(|e| panic!("{e}"));
    warnings.iter().map(|w| w.located("net.toml")).collect()
}

const TWO: &str = r#"name = "two"

[simulation]
dt = "0.1 ms"
duration = "100 ms"

[[populations]]
name = "a"
size = 2
model = "lif"

[[populations]]
name = "b"
size = 2
model = "lif"

[[projections]]
pre = "a"
post = "b"
receptor = "excitatory"
weight = "10 pA"
delay = "1 ms"
connect = { rule = "all_to_all" }
"#;

#[test]
fn presets_give_no_warnings() {
    for (name, text) in PRESETS {
        let (_, warnings) = Model::from_toml_with_warnings(text, name).unwrap_or_else(|e| panic!("{e}"));
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
    }
    assert!(warnings(TWO).is_empty());
}

#[test]
fn a_delay_longer_than_the_run_is_a_warning_with_its_line() {
    let text = TWO.replace("delay = \"1 ms\"", "delay = \"500 ms\"");
    let line = text.lines().position(|l| l.contains("500 ms")).expect("there") + 1;
    assert_eq!(
        warnings(&text),
        [format!(
            "net.toml:{line}: projections[0].delay: a delay of 500 ms is not shorter than the whole run (100 ms): no spike sent from \"a\" to \"b\" arrives before the run ends. Shorten the delay, or make simulation.duration longer"
        )]
    );
    // A model built in code gives the same warning, without a line.
    let model = Model::from_toml(&text, "net.toml").expect("valid");
    assert_eq!(model.warnings()[0].key, "projections[0].delay");
    assert_eq!(model.warnings()[0].line, None);
}

#[test]
fn late_synapses_and_spikes_are_counted_not_listed() {
    let mut text = TWO.replace(
        "connect = { rule = \"all_to_all\" }",
        "connect = { rule = \"explicit\", synapses = [{ pre = 0, post = 0, delay = \"200 ms\" }, { pre = 1, post = 1, delay = \"300 ms\" }, { pre = 0, post = 1 }] }",
    );
    text += "\n[[inputs]]\nname = \"s\"\nkind = \"spikes\"\ntarget = \"a\"\ntimes = [\"10 ms\", \"150 ms\", \"170 ms\"]\nweight = \"5 pA\"\n";
    let w = warnings(&text);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(
        w[0].contains("projections[0].connect.synapses[0].delay")
            && w[0].ends_with("(and 1 more synapse of this projection)"),
        "{w:?}"
    );
    assert!(
        w[1].contains("inputs[0].times[1]")
            && w[1].contains("150 ms")
            && w[1].ends_with("(and 1 later ones)"),
        "{w:?}"
    );
}

#[test]
fn a_coarse_time_step_is_a_warning_naming_the_limit() {
    let hh = TWO
        .replace("model = \"lif\"", "model = \"hodgkin_huxley\"")
        .replace("dt = \"0.1 ms\"", "dt = \"1 ms\"");
    let w = warnings(&hh);
    assert_eq!(w.len(), 2, "{w:?}");
    assert_eq!(
        w[0],
        "net.toml:4: simulation.dt: a time step of 1 ms is too coarse for population \"a\" (Hodgkin–Huxley): its sodium channels open within a fraction of a millisecond; above 0.1 ms the firing rate drifts, and at 1 ms it is off by half or the neuron falls silent, so dt should be at most 0.1 ms. Results at this dt are not accurate"
    );
    assert!(warnings(&hh.replace("dt = \"1 ms\"", "dt = \"0.1 ms\"")).is_empty());
    // LIF: a tenth of tau_m, and with conductance synapses a tenth of tau_syn.
    let lif = TWO.replace("dt = \"0.1 ms\"", "dt = \"1 ms\"");
    assert!(warnings(&lif).is_empty(), "{:?}", warnings(&lif));
    let cond =
        lif.replace("model = \"lif\"", "model = \"lif\"\nsynapse = \"conductance\"").replace("10 pA", "1 nS");
    let w = warnings(&cond);
    assert!(w[0].contains("tau_syn_exc is 5 ms, so dt should be at most 0.5 ms"), "{w:?}");
    let coarse = lif.replace("dt = \"1 ms\"", "dt = \"3 ms\"");
    let w = warnings(&coarse);
    assert!(w[0].contains("tau_m is 20 ms, so dt should be at most 2 ms"), "{w:?}");
    let izh =
        TWO.replace("model = \"lif\"", "model = \"izhikevich\"").replace("dt = \"0.1 ms\"", "dt = \"1 ms\"");
    assert!(warnings(&izh)[0].contains("at most 0.5 ms"), "{:?}", warnings(&izh));
    let adex =
        TWO.replace("model = \"lif\"", "model = \"adex\"").replace("dt = \"0.1 ms\"", "dt = \"0.2 ms\"");
    assert!(warnings(&adex)[0].contains("at most 0.1 ms"), "{:?}", warnings(&adex));
}

#[test]
fn a_fast_poisson_source_warns_that_spikes_merge() {
    let text = TWO.replace(
        "name = \"a\"\nsize = 2\nmodel = \"lif\"",
        "name = \"a\"\nsize = 2\nmodel = \"poisson_source\"\nparams = { rate = \"2000 Hz\" }",
    );
    let w = warnings(&text);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("populations[0].params.rate") && w[0].contains("about 1813 Hz, not 2000"), "{w:?}");
}
