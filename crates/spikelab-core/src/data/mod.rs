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

use std::any::Any;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

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

/// What a file looked like when it was read: its length and modification time.
type Stamp = Vec<Option<(u64, SystemTime)>>;

fn stamp(files: &[&Path]) -> Stamp {
    files
        .iter()
        .map(|f| std::fs::metadata(f).ok().and_then(|m| Some((m.len(), m.modified().ok()?))))
        .collect()
}

/// Data read from `files` by `read`, kept under `key` while the files stay as they were (same
/// length and modification time): a file the user changes is read again when next asked
/// for, and one that could not be read is tried again. The last few are kept.
pub(crate) fn cached<T: Any + Send + Sync>(
    key: &str,
    files: &[&Path],
    read: impl FnOnce() -> Result<T, DataError>,
) -> Result<Arc<T>, DataError> {
    type Entry = (String, Stamp, Arc<dyn Any + Send + Sync>);
    const KEPT: usize = 8;
    static CACHE: OnceLock<Mutex<Vec<Entry>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let now = stamp(files);
    let lock = || cache.lock().unwrap_or_else(|e| e.into_inner());
    {
        let mut entries = lock();
        if let Some(k) = entries.iter().position(|(k, s, _)| k == key && *s == now) {
            let entry = entries.remove(k);
            let found = entry.2.clone().downcast::<T>().ok();
            entries.push(entry);
            if let Some(found) = found {
                return Ok(found);
            }
        }
    }
    let value = Arc::new(read()?);
    let mut entries = lock();
    entries.retain(|(k, _, _)| k != key);
    if entries.len() >= KEPT {
        entries.remove(0);
    }
    entries.push((key.to_string(), now, value.clone()));
    Ok(value)
}

/// The shape and values of a `.npy` array of any number type, as f64.
pub(crate) fn read_npy(path: &Path) -> Result<(Vec<usize>, Vec<f64>), DataError> {
    use ndarray::ArrayD;
    use ndarray_npy::ReadNpyExt;
    let read = |why: String| DataError::File { file: path.into(), why };
    let bytes = std::fs::read(path).map_err(|e| read(format!("cannot be read: {e}")))?;
    fn as_f64<T: ndarray_npy::ReadableElement + Copy + Into<f64>>(
        bytes: &[u8],
    ) -> Option<(Vec<usize>, Vec<f64>)> {
        let a = ArrayD::<T>::read_npy(bytes).ok()?;
        Some((a.shape().to_vec(), a.iter().map(|&v| v.into()).collect()))
    }
    let wide = |bytes: &[u8]| -> Option<(Vec<usize>, Vec<f64>)> {
        let a = ArrayD::<i64>::read_npy(bytes).ok()?;
        Some((a.shape().to_vec(), a.iter().map(|&v| v as f64).collect()))
    };
    as_f64::<f64>(&bytes)
        .or_else(|| as_f64::<f32>(&bytes))
        .or_else(|| as_f64::<u8>(&bytes))
        .or_else(|| as_f64::<u16>(&bytes))
        .or_else(|| as_f64::<i32>(&bytes))
        .or_else(|| wide(&bytes))
        .or_else(|| as_f64::<i8>(&bytes))
        .or_else(|| as_f64::<i16>(&bytes))
        .ok_or_else(|| {
            read(
                "is not a .npy array of numbers (float64, float32, (u)int8, (u)int16, int32 or int64)".into(),
            )
        })
}
