//! Engine mechanics against closed forms and invariants: synaptic responses, delays,
//! connection rules, inputs, recorders, live parameter changes and divergence.

use crate::common;
use common::{model, run, spike_times};
use spikelab_core::sim::{Applied, Network, SimError};

/// A "pre" neuron kicked by a 1 ms pulse fires exactly once; its spike reaches a silent "post"
/// neuron through one synapse. Returns (network, spike time of pre).
fn one_synapse(synapse: &str, weight: &str, delay: &str, post_params: &str) -> (Network, f64) {
    let m = model(&format!(
        r#"
name = "one synapse"
[simulation]
dt = "0.1 ms"
[[populations]]
name = "pre"
size = 1
model = "lif"
[[populations]]
name = "post"
size = 1
model = "lif"
synapse = "{synapse}"
params = {{ {post_params} }}
[[projections]]
pre = "pre"
post = "post"
receptor = "excitatory"
weight = "{weight}"
delay = "{delay}"
connect = {{ rule = "one_to_one" }}
[[inputs]]
name = "kick"
kind = "pulse"
target = "pre"
amplitude = "10000 pA"
start = "0 ms"
stop = "1 ms"
[[recorders]]
population = "post"
neurons = [0]
variables = [{}]
"#,
        match synapse {
            "current" => r#""v", "i_exc""#,
            "conductance" => r#""v", "g_exc""#,
            _ => r#""v""#,
        }
    ));
    let net = run(&m, 60.0);
    let pre = spike_times(&net, 0, 0);
    assert_eq!(pre.len(), 1, "the pre neuron should fire once: {pre:?}");
    (net, pre[0])
}

#[test]
fn current_synapse_gives_the_exact_postsynaptic_potential_after_the_delay() {
    // Closed form for an exponential current w·e^(-t/τs) onto a passive membrane (Rotter & Diesmann
    // 1999); the tolerance is f32 rounding at -70 mV, ten times below forward Euler's error here:
    // V(t) - E_L = w/C · τs·τm/(τm - τs) · (e^(-t/τm) - e^(-t/τs)).
    let (tau_m, tau_s, c, w, delay) = (20.0, 5.0, 200.0, 100.0, 1.5);
    let (net, t_spike) = one_synapse(
        "current",
        &format!("{w} pA"),
        &format!("{delay} ms"),
        r#"v_thresh = "100 mV", v_reset = "-70 mV", v_rest = "-70 mV""#,
    );
    let arrival = t_spike + delay;
    let (v, i) = (&net.traces()[0], &net.traces()[1]);
    let mut peak: f64 = 0.0;
    for j in 0..v.values.len() {
        let t = v.time_ms(j, 0.1);
        let s = t - arrival;
        let (psp, psc) = if s > 1e-9 {
            (
                w / c * tau_s * tau_m / (tau_m - tau_s) * ((-s / tau_m).exp() - (-s / tau_s).exp()),
                w * (-s / tau_s).exp(),
            )
        } else {
            (0.0, 0.0)
        };
        let dv = v.values[j] as f64 + 70.0;
        peak = peak.max(dv);
        assert!((dv - psp).abs() < 5e-4, "t = {t} ms: PSP {dv} mV, exact {psp} mV");
        assert!(
            (i.values[j] as f64 - psc).abs() < 1e-3 * w,
            "t = {t} ms: PSC {} pA, exact {psc} pA",
            i.values[j]
        );
    }
    // Peak at t* = τsτm/(τm-τs) ln(τm/τs) = 9.24 ms after arrival; a visible PSP of ~0.47 mV.
    assert!(peak > 0.4, "PSP too small: {peak}");
}

#[test]
fn conductance_synapse_pulls_towards_its_reversal_potential() {
    // With τs so long that g stays constant, V relaxes exponentially to
    // V∞ = (gL·E_L + g·E_e)/(gL + g) with time constant C/(gL + g): exact under exponential Euler.
    let (g, gl, c, e_l, e_e) = (10.0, 10.0, 200.0, -70.0, 0.0);
    let (net, t_spike) = one_synapse(
        "conductance",
        &format!("{g} nS"),
        "0 ms",
        r#"v_thresh = "100 mV", tau_syn_exc = "1e9 ms", e_exc = "0 mV", v_rest = "-70 mV", c_m = "200 pF", tau_m = "20 ms""#,
    );
    let v = &net.traces()[0];
    let v_inf = (gl * e_l + g * e_e) / (gl + g);
    let tau = c / (gl + g);
    for j in 0..v.values.len() {
        let t = v.time_ms(j, 0.1);
        let s = t - t_spike;
        let exact = if s > 1e-9 { v_inf + (e_l - v_inf) * (-s / tau).exp() } else { e_l };
        assert!((v.values[j] as f64 - exact).abs() < 1e-3, "t = {t}: {} vs {exact}", v.values[j]);
    }
}

#[test]
fn delays_shift_the_response_by_whole_steps() {
    for delay_steps in [0u32, 1, 7, 25] {
        let delay = delay_steps as f64 * 0.1;
        let (net, t_spike) =
            one_synapse("current", "50 pA", &format!("{delay} ms"), r#"v_thresh = "100 mV""#);
        let i = &net.traces()[1];
        let first = i.values.iter().position(|&x| x > 0.0).expect("the PSC arrives");
        // The first sample after arrival is one step after it (samples are taken before a step).
        let arrival = i.time_ms(first, 0.1) - 0.1;
        assert!(
            (arrival - (t_spike + delay)).abs() < 1e-9,
            "delay {delay} ms: arrived at {arrival}, spike at {t_spike}"
        );
    }
}

#[test]
fn delta_synapses_move_v_exactly_one_delay_after_the_spike_as_in_nest() {
    // NEST 3.10, iaf_psc_delta at dt = 0.1 ms, delay 1.5 ms: a neuron that fires at 0.1 ms moves
    // its target's V from 0 to 1 mV at 1.6 ms exactly (V_m sampled every 0.1 ms: 0.0 at 1.5 ms,
    // 1.0 at 1.6 ms, 0.995 at 1.7 ms). Delays below one step act after one step, NEST's
    // shortest delay.
    for (delay, expected) in [(1.5, 1.5), (0.7, 0.7), (0.1, 0.1), (0.0, 0.1)] {
        let (net, t_spike) = one_synapse("delta", "1 mV", &format!("{delay} ms"), r#"v_thresh = "100 mV""#);
        let v = &net.traces()[0];
        let first = v.values.iter().position(|&x| x > -70.0 + 0.5).expect("the jump arrives");
        let jumped_at = v.time_ms(first, 0.1);
        assert!(
            (jumped_at - (t_spike + expected)).abs() < 1e-9,
            "delay {delay} ms: V jumped at {jumped_at} ms, spike at {t_spike} ms"
        );
        assert!((v.values[first] + 69.0).abs() < 1e-4, "a jump of 1 mV: {}", v.values[first]);
    }
}

fn rule_network(connect: &str, pre: u64, post: u64, same: bool, autapses: bool) -> Network {
    let post_name = if same { "a" } else { "b" };
    let m = model(&format!(
        r#"
name = "rules"
[simulation]
seed = 3
[[populations]]
name = "a"
size = {pre}
model = "lif"
[[populations]]
name = "b"
size = {post}
model = "lif"
[[projections]]
pre = "a"
post = "{post_name}"
receptor = "excitatory"
weight = {{ normal = ["5 pA", "10 pA"] }}
delay = {{ uniform = ["0.5 ms", "2 ms"] }}
autapses = {autapses}
connect = {connect}
"#
    ));
    Network::build(&m).expect("builds")
}

fn pairs(net: &Network) -> Vec<(u32, u32)> {
    let p = &net.projections()[0];
    let n_pre = net.populations().next().map_or(0, |(_, s)| s);
    (0..n_pre).flat_map(|i| p.synapses_of(i).map(move |(j, _)| (i as u32, j))).collect()
}

#[test]
fn connection_rules_make_the_connections_they_promise() {
    let net = rule_network(r#"{ rule = "all_to_all" }"#, 30, 30, true, false);
    assert_eq!(pairs(&net).len(), 30 * 29);
    assert!(pairs(&net).iter().all(|(i, j)| i != j), "autapse made with autapses = false");

    let net = rule_network(r#"{ rule = "all_to_all" }"#, 30, 30, true, true);
    assert_eq!(pairs(&net).len(), 30 * 30);

    let net = rule_network(r#"{ rule = "one_to_one" }"#, 40, 40, false, false);
    assert_eq!(pairs(&net), (0..40).map(|i| (i, i)).collect::<Vec<_>>());

    let net = rule_network(r#"{ rule = "fixed_indegree", indegree = 25 }"#, 100, 100, true, false);
    let ps = pairs(&net);
    for j in 0..100u32 {
        let mut sources: Vec<u32> = ps.iter().filter(|p| p.1 == j).map(|p| p.0).collect();
        assert_eq!(sources.len(), 25, "post {j} has {} inputs", sources.len());
        sources.sort();
        sources.dedup();
        assert_eq!(sources.len(), 25, "post {j} has repeated inputs");
        assert!(!sources.contains(&j), "autapse at {j}");
    }

    // Binomial count: 200 x 300 pairs, p = 0.1 → mean 6000, sd 73.
    let net = rule_network(r#"{ rule = "fixed_probability", p = 0.1 }"#, 200, 300, false, false);
    let n = pairs(&net).len() as f64;
    assert!((n - 6000.0).abs() < 5.0 * 73.5, "{n} synapses");
}

#[test]
fn weights_and_delays_follow_their_distributions() {
    let net = rule_network(r#"{ rule = "all_to_all" }"#, 100, 100, false, false);
    let p = &net.projections()[0];
    let weights: Vec<f32> = (0..100).flat_map(|i| p.synapses_of(i).map(|(_, w)| w)).collect();
    assert!(weights.iter().all(|&w| w >= 0.0), "normal weights are clipped at zero");
    // Clipped normal(5, 10): P(w = 0) = Φ(-0.5) = 0.3085; 10,000 draws → sd 0.0046.
    let zeros = weights.iter().filter(|&&w| w == 0.0).count() as f64 / weights.len() as f64;
    assert!((zeros - 0.3085).abs() < 0.025, "fraction clipped: {zeros}");
    // Delays uniform in [0.5, 2] ms → whole steps 5..=20.
    let delays: Vec<usize> = (0..p.synapse_count()).map(|k| p.delay_steps(k)).collect();
    assert!(delays.iter().all(|&d| (5..=20).contains(&d)));
    assert!(delays.contains(&5) && delays.contains(&20));
}

#[test]
fn explicit_synapses_keep_their_own_weight_and_delay() {
    let m = model(
        r#"
name = "explicit"
[[populations]]
name = "a"
size = 3
model = "lif"
[[projections]]
pre = "a"
post = "a"
receptor = "inhibitory"
weight = "1 pA"
connect = { rule = "explicit", synapses = [
  { pre = 2, post = 0, weight = "7 pA", delay = "3 ms" },
  { pre = 0, post = 1 },
] }
"#,
    );
    let net = Network::build(&m).expect("builds");
    let p = &net.projections()[0];
    assert_eq!(p.synapses_of(0).collect::<Vec<_>>(), [(1, 1.0)]);
    assert_eq!(p.synapses_of(2).collect::<Vec<_>>(), [(0, 7.0)]);
    assert_eq!(p.synapses_of(1).count(), 0);
    assert_eq!(p.delay_steps(1), 30, "row order: the synapse of neuron 2 is second");
    assert_eq!(p.delay_steps(0), 0);
}

#[test]
fn poisson_input_delivers_its_rate_to_the_chosen_neurons_only() {
    let m = model(
        r#"
name = "poisson"
[[populations]]
name = "a"
size = 10
model = "lif"
[[inputs]]
name = "noise"
kind = "poisson"
target = "a"
neurons = [2, 5]
rate = "50 Hz"
sources = 4
weight = "1 pA"
[[recorders]]
population = "a"
neurons = [0, 2]
variables = ["i_exc"]
"#,
    );
    let net = run(&m, 5000.0);
    // 2 neurons x 4 sources x 50 Hz x 5 s = 2000 events, Poisson sd 45.
    let events = net.input_events() as f64;
    assert!((events - 2000.0).abs() < 5.0 * 45.0, "{events} input spikes");
    assert!(net.traces()[0].values.iter().all(|&x| x == 0.0), "neuron 0 is not a target");
    assert!(net.traces()[1].values.iter().any(|&x| x > 0.0), "neuron 2 is a target");
}

#[test]
fn pulse_current_is_on_exactly_between_start_and_stop() {
    let net = run(&common::preset("lif_step.toml"), 700.0);
    let spikes = spike_times(&net, 0, 0);
    assert!(spikes.first().is_some_and(|&t| t > 100.0) && spikes.last().is_some_and(|&t| t <= 600.0 + 0.1));
    let v = &net.traces()[0];
    // Before the pulse the neuron rests exactly at E_L; it starts rising at 100 ms.
    let rest_until = v.values.iter().position(|&x| x != -70.0).map(|j| v.time_ms(j, 0.1));
    assert_eq!(rest_until.map(|t| (t * 10.0).round() / 10.0), Some(100.1));
}

#[test]
fn spike_log_hands_out_only_what_is_new() {
    let mut net = Network::build(&common::preset("cuba.toml")).expect("builds");
    let mut cursor = 0;
    let mut seen = Vec::new();
    for _ in 0..20 {
        net.run_for(5.0).expect("runs");
        let batch = net.spikes().since(cursor);
        assert_eq!(batch.missed, 0);
        seen.extend_from_slice(batch.spikes);
        cursor = batch.next;
    }
    assert_eq!(seen, net.spikes().retained());
    assert!(net.spikes().since(cursor).spikes.is_empty());

    // With a capacity, old spikes go and a slow reader is told how many it missed.
    net.spikes_mut().set_capacity(Some(1000));
    net.run_for(100.0).expect("runs");
    assert!(net.spikes().retained().len() <= 1000);
    let batch = net.spikes().since(cursor);
    assert!(batch.missed > 0);
    assert_eq!(batch.missed + batch.spikes.len() as u64, net.spikes().total() - cursor);
}

#[test]
fn parameter_changes_apply_while_running_and_structure_changes_rebuild() {
    let base = common::preset("cuba.toml");
    let mut net = Network::build(&base).expect("builds");
    net.run_for(200.0).expect("runs");
    let before = net.spikes().total();
    net.run_for(200.0).expect("runs");
    let rate_before = net.spikes().total() - before;

    // Raising the threshold of both populations by 2 mV silences much of the network.
    let mut higher = base.clone();
    for pop in &mut higher.populations {
        pop.params.insert("v_thresh".into(), spikelab_core::model::Quantity::mv(-48.0));
    }
    assert_eq!(net.apply(&higher).expect("applies"), Applied::InPlace);
    assert_eq!(net.time_ms(), 400.0, "a parameter change must not reset time");
    let mark = net.spikes().total();
    net.run_for(200.0).expect("runs");
    let rate_after = net.spikes().total() - mark;
    assert!(rate_after * 2 < rate_before, "threshold up, spikes {rate_before} -> {rate_after}");

    let mut bigger = higher.clone();
    bigger.populations[1].size = 900;
    assert_eq!(net.apply(&bigger).expect("applies"), Applied::Rebuilt);
    assert_eq!(net.time_ms(), 0.0);
    assert_eq!(net.populations().nth(1), Some(("inh", 900)));

    // An invalid change is refused and the running network stays as it was.
    let mut broken = bigger.clone();
    broken.populations[0].params.insert("tau_m".into(), spikelab_core::model::Quantity::ms(-1.0));
    net.run_for(10.0).expect("runs");
    assert!(net.apply(&broken).is_err());
    assert_eq!(net.model(), &bigger);
    assert_eq!(net.time_ms(), 10.0);
}

#[test]
fn a_diverging_simulation_stops_with_a_message_naming_the_population() {
    let m = model(
        r#"
name = "runaway"
[simulation]
dt = "1 ms"
# Forward Euler on u multiplies its error by (1 - a·dt) = -4 each step: unstable.
[[populations]]
name = "wild"
size = 2
model = "izhikevich"
params = { a = 5.0 }
"#,
    );
    let mut net = Network::build(&m).expect("builds");
    let err = net.run_for(200.0).expect_err("must diverge");
    assert!(matches!(err, SimError::Diverged { .. }));
    let msg = err.to_string();
    assert!(msg.contains("\"wild\"") && msg.contains("NaN"), "{msg}");
}

#[test]
fn tiny_connection_probabilities_make_few_synapses_not_a_crash() {
    // ln(1 - p) is 0 in floating point for p < 1.1e-16; the rule must still behave.
    for p in ["1e-17", "1e-300", "0.0"] {
        let net = rule_network(&format!("{{ rule = \"fixed_probability\", p = {p} }}"), 50, 50, true, false);
        assert_eq!(pairs(&net).len(), 0, "p = {p}");
    }
}

#[test]
fn pulse_switches_off_exactly_at_stop() {
    let m = model(
        r#"
name = "pulse"
[[populations]]
name = "a"
size = 1
model = "lif"
params = { v_thresh = "100 mV" }
[[inputs]]
name = "p"
kind = "pulse"
target = "a"
amplitude = "100 pA"
start = "10 ms"
stop = "20 ms"
[[recorders]]
population = "a"
neurons = [0]
variables = ["v"]
"#,
    );
    let net = run(&m, 30.0);
    let v = &net.traces()[0].values;
    // The current acts during steps 100..199: V rises from sample 101 to sample 200, then decays.
    let peak =
        v.iter().enumerate().fold((0, f32::MIN), |best, (j, &x)| if x > best.1 { (j, x) } else { best });
    assert_eq!(peak.0, 200, "V should peak when the pulse ends");
    assert_eq!(v[100], -70.0);
    assert!(v[101] > -70.0);
}
