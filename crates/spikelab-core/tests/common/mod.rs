//! Helpers shared by the integration tests.
#![allow(dead_code)]

use spikelab_core::model::Model;
use spikelab_core::sim::Network;

/// Parses a model written inline in a test; panics with the loader's message if it is invalid.
pub fn model(text: &str) -> Model {
    Model::from_toml(text, "test.toml").unwrap_or_else(|e| panic!("test model is invalid:\n{e}"))
}

/// Builds and runs a model for `ms`, returning the network.
pub fn run(model: &Model, ms: f64) -> Network {
    let mut net = Network::build(model).unwrap_or_else(|e| panic!("cannot build: {e}"));
    net.run_for(ms).unwrap_or_else(|e| panic!("run failed: {e}"));
    net
}

/// Spike times (ms) of one neuron.
pub fn spike_times(net: &Network, pop: u32, neuron: u32) -> Vec<f64> {
    net.spikes()
        .retained()
        .iter()
        .filter(|s| s.pop == pop && s.neuron == neuron)
        .map(|s| s.step as f64 * net.dt_ms())
        .collect()
}

/// A preset by file name.
pub fn preset(name: &str) -> Model {
    let text = spikelab_core::model::presets::preset(name).unwrap_or_else(|| panic!("no preset {name}"));
    Model::from_toml(text, name).unwrap_or_else(|e| panic!("preset {name} is invalid:\n{e}"))
}
