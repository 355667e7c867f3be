//! Writing recorded data for other tools: CSV for spreadsheets and diffs, `.npy` for NumPy
//! (`numpy.load`). No GUI code: the window and the command line both use it.

use crate::sim::Spike;
use ndarray::{Array2, ArrayView2};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A numeric table: named columns over rows. NaN means "no value" (an empty CSV cell).
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    /// rows × columns.
    pub data: Array2<f64>,
}

/// Why an export failed, with the file it was for.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {error}")]
    Io { path: PathBuf, error: std::io::Error },
    #[error("cannot encode {path}: {message}")]
    Encode { path: PathBuf, message: String },
    #[error("{path}: unknown format; use a .csv or .npy file name")]
    Format { path: PathBuf },
    #[error("nothing to export: {0}")]
    Empty(String),
}

/// The file formats for data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Npy,
}

impl Format {
    /// From a file name's extension.
    pub fn of(path: &Path) -> Result<Format, ExportError> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("csv") => Ok(Format::Csv),
            Some("npy") => Ok(Format::Npy),
            _ => Err(ExportError::Format { path: path.to_path_buf() }),
        }
    }
}

impl Table {
    /// A table from columns of possibly different lengths; short ones are padded with NaN.
    pub fn from_columns(columns: Vec<(String, Vec<f64>)>) -> Table {
        let rows = columns.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
        let mut data = Array2::from_elem((rows, columns.len()), f64::NAN);
        for (j, (_, c)) in columns.iter().enumerate() {
            for (i, &x) in c.iter().enumerate() {
                data[[i, j]] = x;
            }
        }
        Table { columns: columns.into_iter().map(|(name, _)| name).collect(), data }
    }

    /// CSV with a header line; NaN is written as an empty cell, numbers in full precision.
    pub fn write_csv(&self, out: &mut impl Write) -> std::io::Result<()> {
        let header: Vec<String> = self.columns.iter().map(|c| csv_field(c)).collect();
        writeln!(out, "{}", header.join(","))?;
        for row in self.data.rows() {
            let cells: Vec<String> =
                row.iter().map(|&x| if x.is_nan() { String::new() } else { x.to_string() }).collect();
            writeln!(out, "{}", cells.join(","))?;
        }
        Ok(())
    }

    /// Saves as CSV or `.npy` by the file's extension (`.npy` holds the numbers, in column
    /// order, as a float64 rows × columns array).
    pub fn save(&self, path: &Path) -> Result<(), ExportError> {
        match Format::of(path)? {
            Format::Csv => write_with(path, |out| self.write_csv(out)),
            Format::Npy => save_npy(path, self.data.view()),
        }
    }
}

/// Quotes a CSV field if it needs it.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

fn write_with(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), ExportError> {
    let io = |source| ExportError::Io { path: path.to_path_buf(), error: source };
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
    write(&mut out).map_err(io)?;
    out.flush().map_err(io)
}

fn save_npy<T: ndarray_npy::WritableElement>(
    path: &Path,
    data: ArrayView2<'_, T>,
) -> Result<(), ExportError> {
    ndarray_npy::write_npy(path, &data).map_err(|e| match e {
        ndarray_npy::WriteNpyError::Io(source) => ExportError::Io { path: path.to_path_buf(), error: source },
        other => ExportError::Encode { path: path.to_path_buf(), message: other.to_string() },
    })
}

/// Saves spikes by the file's extension: CSV as [`SpikeCsv`] writes it (the same file as
/// `spikelab run --spikes`), `.npy` as the numeric table of [`spikes_table`]. Returns what
/// was saved, for a status line.
pub fn save_spikes(
    path: &Path,
    spikes: &[Spike],
    populations: &[String],
    dt_ms: f64,
) -> Result<String, ExportError> {
    if spikes.is_empty() {
        return Err(ExportError::Empty("no spikes yet; run the simulation first".into()));
    }
    match Format::of(path)? {
        Format::Csv => {
            let mut csv = SpikeCsv::create(path, populations, dt_ms)?;
            csv.write(spikes)?;
            csv.finish()?;
        }
        Format::Npy => save_npy(path, spikes_table(spikes, dt_ms).data.view())?,
    }
    Ok(format!("{} spikes", spikes.len()))
}

/// Spikes as a numeric table: time (ms), population index, neuron index.
pub fn spikes_table(spikes: &[Spike], dt_ms: f64) -> Table {
    let mut data = Array2::zeros((spikes.len(), 3));
    for (mut row, s) in data.rows_mut().into_iter().zip(spikes) {
        row[0] = s.step as f64 * dt_ms;
        row[1] = s.pop as f64;
        row[2] = s.neuron as f64;
    }
    Table { columns: vec!["time_ms".into(), "population".into(), "neuron".into()], data }
}

/// The first line of every spike CSV file: when a spike's time is, in the file itself.
pub const SPIKE_TIME_CONVENTION: &str = "# time_ms: end of the time step in which V reached threshold, (t+1)*dt, as NEST \
     stamps spikes (Brian2 stamps t*dt, one step earlier); after a spike the neuron is held for \
     t_ref/dt whole steps, so the shortest interval is t_ref + dt";

/// A spike CSV file written as a run goes, `time_ms,population,neuron` (population by name,
/// times rounded to 1e-9 ms to hide float noise), after a comment line with the convention.
/// Creating it checks the path before the run starts.
pub struct SpikeCsv {
    path: PathBuf,
    out: std::io::BufWriter<std::fs::File>,
    names: Vec<String>,
    dt_ms: f64,
}

impl SpikeCsv {
    pub fn create(path: &Path, populations: &[String], dt_ms: f64) -> Result<SpikeCsv, ExportError> {
        let io = |source| ExportError::Io { path: path.to_path_buf(), error: source };
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
        writeln!(out, "{SPIKE_TIME_CONVENTION}\ntime_ms,population,neuron").map_err(io)?;
        let names = populations.iter().map(|n| csv_field(n)).collect();
        Ok(SpikeCsv { path: path.to_path_buf(), out, names, dt_ms })
    }

    /// Appends spikes (in time order).
    pub fn write(&mut self, spikes: &[Spike]) -> Result<(), ExportError> {
        let io = |source| ExportError::Io { path: self.path.clone(), error: source };
        for s in spikes {
            let t = (s.step as f64 * self.dt_ms * 1e9).round() / 1e9;
            let name = self.names.get(s.pop as usize).map_or("?", String::as_str);
            writeln!(self.out, "{t},{name},{}", s.neuron).map_err(io)?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<(), ExportError> {
        self.out.flush().map_err(|source| ExportError::Io { path: self.path.clone(), error: source })
    }
}

/// Saves a projection's weights (pre × post, NaN where there is no synapse): `.npy` as the
/// dense float32 matrix; CSV as one line per synapse, `pre,post,weight`.
pub fn save_weights(weights: &Array2<f32>, path: &Path) -> Result<(), ExportError> {
    match Format::of(path)? {
        Format::Npy => save_npy(path, weights.view()),
        Format::Csv => {
            let synapses: Vec<[f64; 3]> = weights
                .indexed_iter()
                .filter(|(_, w)| !w.is_nan())
                .map(|((i, j), &w)| [i as f64, j as f64, w as f64])
                .collect();
            let data = Array2::from_shape_fn((synapses.len(), 3), |(r, c)| synapses[r][c]);
            let table = Table { columns: vec!["pre".into(), "post".into(), "weight".into()], data };
            write_with(path, |out| table.write_csv(out))
        }
    }
}

/// Saves an RGBA image as PNG.
pub fn save_png(path: &Path, [width, height]: [usize; 2], rgba: &[u8]) -> Result<(), ExportError> {
    let io = |source| ExportError::Io { path: path.to_path_buf(), error: source };
    let image = image::RgbaImage::from_raw(width as u32, height as u32, rgba.to_vec())
        .ok_or_else(|| ExportError::Empty("the image has no pixels".into()))?;
    image.save_with_format(path, image::ImageFormat::Png).map_err(|e| match e {
        image::ImageError::IoError(source) => io(source),
        other => ExportError::Encode { path: path.to_path_buf(), message: other.to_string() },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_pads_short_columns_with_empty_cells_and_quotes_names() {
        let t = Table::from_columns(vec![("a".into(), vec![1.0, 2.5]), ("b, c".into(), vec![3.0])]);
        let mut out = Vec::new();
        t.write_csv(&mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a,\"b, c\"\n1,3\n2.5,\n");
    }

    #[test]
    fn npy_round_trips_through_ndarray_npy() {
        let dir = std::env::temp_dir().join(format!("spikelab-export-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let w = ndarray::array![[1.0f32, f32::NAN], [0.0, 2.0]];
        let path = dir.join("w.npy");
        save_weights(&w, &path).unwrap();
        let back: Array2<f32> = ndarray_npy::read_npy(&path).unwrap();
        assert_eq!(back[[0, 0]], 1.0);
        assert!(back[[0, 1]].is_nan());
        assert_eq!(back[[1, 1]], 2.0);
        let csv = dir.join("w.csv");
        save_weights(&w, &csv).unwrap();
        assert_eq!(std::fs::read_to_string(&csv).unwrap(), "pre,post,weight\n0,0,1\n1,0,0\n1,1,2\n");
        assert!(matches!(save_weights(&w, &dir.join("w.txt")), Err(ExportError::Format { .. })));
    }
}
