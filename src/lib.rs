//! SpikeLab: a workbench for spiking neural networks.
//!
//! - [`model`]: what the user describes (serialisable spec, validation, presets, files);
//! - [`neurons`]: the neuron models, one file each (parameters, state, kernel, closed forms),
//!   read by `model`, `sim` and the views instead of naming models;
//! - [`sim`]: what runs (flat arrays, event-driven spike delivery, recorders), no GUI code;
//! - [`analysis`]: rates, ISI and CV over recorded spikes, shared by every front end;
//! - [`data`]: datasets, the encoders that turn them into spikes, event streams and files;
//! - [`learn`]: training spiking networks on data (surrogate gradients), from TOML configurations;
//! - [`export`]: CSV, `.npy` and PNG files for other tools;
//! - [`app`]: the workbench window (egui/eframe), reading the engine from its own thread.

pub mod analysis;
pub mod app;
pub mod data;
pub mod export;
pub mod learn;
pub mod lessons;
pub mod model;
pub mod neurons;
pub mod sim;
