//! The engine's integration tests, in one binary: a change links it once, not fifteen times.
//! `cargo test -p spikelab-core --release` runs them with the unit tests; a module alone:
//! `cargo test -p spikelab-core --release --test engine qif::`.
//! The memory test is its own binary (`--test memory`): it counts the process's allocations.

mod common;

mod analysis;
mod data;
mod engine;
mod izhikevich;
mod learning;
mod lif_analytic;
mod loader_speed;
mod malformed_input;
mod model_files;
mod model_warnings;
mod networks;
mod plasticity;
mod qif;
mod validation;
mod zoo;
