//! SpikeLab's engine: everything that is not the window. Nothing here depends on egui,
//! eframe, winit, wgpu or rfd (CI checks it with `cargo tree`); a Python binding, a server or
//! another program depends on this crate alone.
//!
//! - [`model`]: what the user describes (serialisable spec, validation, presets, files);
//! - [`neurons`]: the neuron models, one file each (parameters, state, kernel, closed forms),
//!   read by `model`, `sim` and the views instead of naming models;
//! - [`sim`]: what runs (flat arrays, event-driven spike delivery, recorders);
//! - [`analysis`]: rates, ISI and CV over recorded spikes, shared by every front end;
//! - [`data`]: datasets, the encoders that turn them into spikes, event streams and files;
//! - [`learn`]: training spiking networks on data (surrogate gradients, competitive STDP,
//!   ANN→SNN conversion), from TOML configurations;
//! - [`lessons`]: the lessons' files and their checks against a run;
//! - [`export`]: CSV, `.npy` and PNG files for other tools.

pub mod analysis;
pub mod data;
pub mod export;
pub mod learn;
pub mod lessons;
pub mod model;
pub mod neurons;
pub mod sim;

/// The source tree's top folder (where `assets/` and `validation/` are), for reading files
/// that may have changed since the build (lessons edited in place).
pub fn source_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("..")
}
