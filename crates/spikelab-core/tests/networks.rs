//! The Brette et al. (2007) benchmark networks: rates and irregularity in their known ranges,
//! and bit-for-bit determinism under a seed.
//!
//! Reference ranges: Brette et al. (2007), J. Comput. Neurosci. 23:349, benchmarks 1 (COBA)
//! and 2 (CUBA), after Vogels & Abbott (2005): CUBA settles at a few Hz, COBA near 20 Hz,
//! both firing irregularly (CV of ISI around or above 0.5, as for Poisson-like trains).

use crate::common;
use common::{preset, run};
use spikelab_core::analysis::population_stats;
use spikelab_core::sim::Network;

fn stats(net: &Network) -> Vec<spikelab_core::analysis::PopulationStats> {
    let pops: Vec<(String, usize)> = net.populations().map(|(n, s)| (n.to_string(), s)).collect();
    population_stats(net.spikes().retained(), &pops, net.dt_ms(), net.time_ms())
}

#[test]
fn cuba_fires_at_a_few_hz_irregularly() {
    let net = run(&preset("cuba.toml"), 2000.0);
    for s in stats(&net) {
        assert!((2.0..10.0).contains(&s.rate_hz), "CUBA {}: {} Hz", s.name, s.rate_hz);
        let cv = s.cv_isi.unwrap_or(0.0);
        assert!(cv > 0.5, "CUBA {}: CV of ISI {cv} is too regular", s.name);
    }
    // Every synaptic event is one spike passing one synapse: events = Σ spikes × out-degree.
    let expected: u64 = net
        .spikes()
        .retained()
        .iter()
        .map(|s| {
            net.projections()
                .iter()
                .filter(|p| p.pre == s.pop as usize)
                .map(|p| p.out_degree(s.neuron as usize) as u64)
                .sum::<u64>()
        })
        .sum();
    // Spikes of the last step are delivered too.
    assert_eq!(net.synaptic_events(), expected);
}

#[test]
fn coba_fires_near_20_hz_irregularly() {
    let net = run(&preset("coba.toml"), 2000.0);
    for s in stats(&net) {
        assert!((10.0..35.0).contains(&s.rate_hz), "COBA {}: {} Hz", s.name, s.rate_hz);
        let cv = s.cv_isi.unwrap_or(0.0);
        assert!(cv > 0.5, "COBA {}: CV of ISI {cv} is too regular", s.name);
    }
}

#[test]
fn coba_sustains_its_activity_for_every_seed() {
    // The network is bistable: silence is stable too. Brette et al.'s script starts it from
    // normal draws of the conductances, g_inh ~ N(200 nS, 120 nS), about 5% of them negative
    // (depolarising until they decay); Brian2 2.9 running that script sustains about 20 Hz for
    // every seed tried. Clipping those draws at zero silenced 6 of seeds 1-30 within 50 ms.
    let mut silent = Vec::new();
    for seed in 1..=30 {
        let mut m = preset("coba.toml");
        m.simulation.seed = seed;
        let net = run(&m, 400.0);
        let sizes: Vec<usize> = net.populations().map(|(_, s)| s).collect();
        // Rate over the last 200 ms, well after the start-up transient.
        let rates = spikelab_core::analysis::population_rates(
            net.spikes().retained(),
            &sizes,
            net.dt_ms(),
            200.0,
            200.0,
            400.0,
        );
        let (exc, inh) = (rates[0][0], rates[1][0]);
        if !(exc > 10.0 && inh > 10.0) {
            silent.push((seed, exc, inh));
        }
    }
    assert!(silent.is_empty(), "seeds whose activity died (seed, exc Hz, inh Hz): {silent:?}");
}

#[test]
fn connectivity_is_two_percent() {
    // 4000 x 4000 pairs minus autapses, each with p = 0.02: mean 319,920, sd about 560.
    let net = Network::build(&preset("cuba.toml")).expect("builds");
    let n = net.synapse_count() as f64;
    let expected = 0.02 * (4000.0 * 4000.0 - 4000.0);
    assert!((n - expected).abs() < 5.0 * 560.0, "{n} synapses, expected about {expected}");
}

#[test]
fn same_seed_gives_identical_spikes_and_another_seed_does_not() {
    for name in ["cuba.toml", "coba.toml"] {
        let model = preset(name);
        let a = run(&model, 300.0);
        let b = run(&model, 300.0);
        assert!(!a.spikes().retained().is_empty());
        assert_eq!(a.spikes().retained(), b.spikes().retained(), "{name}: same seed, different spikes");
        let mut other = model.clone();
        other.simulation.seed += 1;
        let c = run(&other, 300.0);
        assert_ne!(a.spikes().retained(), c.spikes().retained(), "{name}: the seed changes nothing");
    }
}

#[test]
fn reset_repeats_the_run_exactly() {
    let mut net = Network::build(&preset("cuba.toml")).expect("builds");
    net.run_for(200.0).expect("runs");
    let first = net.spikes().retained().to_vec();
    net.reset().expect("resets");
    assert_eq!(net.time_ms(), 0.0);
    net.run_for(200.0).expect("runs");
    assert_eq!(net.spikes().retained(), &first[..]);
}

#[test]
fn two_threads_give_the_same_spikes_as_one() {
    for name in ["brunel_ai.toml", "cuba.toml", "short_term_plasticity.toml"] {
        let model = preset(name);
        let mut one = Network::build(&model).expect("builds");
        let mut two = Network::build(&model).expect("builds");
        two.set_threads(2);
        one.run_for(100.0).expect("runs");
        two.run_for(100.0).expect("runs");
        assert!(!one.spikes().retained().is_empty(), "{name}");
        assert_eq!(one.spikes().retained(), two.spikes().retained(), "{name}: threads changed the spikes");
        assert_eq!(one.synaptic_events(), two.synaptic_events());
        assert_eq!(one.input_events(), two.input_events());
    }
}
