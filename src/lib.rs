//! SpikeLab: a workbench for spiking neural networks.
//!
//! The engine is the crate `spikelab-core` (model, neurons, sim, analysis, data, learn,
//! lessons, export), re-exported here under the same names; this crate adds [`app`], the
//! workbench window (egui/eframe), which reads the engine from its own thread, and the
//! command line (`main.rs`).

pub use spikelab_core::{analysis, data, export, learn, lessons, model, neurons, sim};

pub mod app;
