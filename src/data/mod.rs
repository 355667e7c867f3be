//! Data as spikes: datasets of images, the encoders that turn an image into spike trains, and
//! event streams (a neuromorphic camera's output, N-MNIST's file format). Pure functions and
//! plain data, no GUI and no simulator: `sim` and the views use them.
//!
//! - [`dataset`]: the shipped 8×8 digits, users' CSV and `.npy` images, seeded splits;
//! - [`encode`]: rate (Poisson), latency (time to first spike) and delta (event camera)
//!   coding, each with its formula and units;
//! - [`events`]: events (t, x, y, polarity), N-MNIST's binary files and CSV event lists.

pub mod dataset;
pub mod encode;
pub mod events;

pub use dataset::{Dataset, Split};
pub use encode::{Latency, Rate, Saccades, Spike};
pub use events::Event;

use std::path::PathBuf;

/// What went wrong reading data, and where: the file, and the row or byte.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{file}: {why}")]
    File { file: PathBuf, why: String },
    #[error("{file}: row {row}: {why}")]
    Row { file: PathBuf, row: usize, why: String },
    #[error("{file}: byte {byte}: {why}")]
    Byte { file: PathBuf, byte: usize, why: String },
}
