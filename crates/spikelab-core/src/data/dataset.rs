//! Labelled images: the shipped 8×8 digits, or the user's own (CSV or `.npy`), and a seeded
//! split into training and test samples.

use super::{DataError, read_npy};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// Images of one size with a label each. Pixels are kept as read (the digits: 0–16) with the
/// largest value they may take, so that encoders see intensities in [0, 1].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dataset {
    pub name: String,
    pub width: usize,
    pub height: usize,
    /// The value of a full pixel (16 for the digits; the largest pixel for users' data).
    pub max_value: f32,
    pixels: Vec<f32>,
    labels: Vec<u32>,
}

/// Which samples train and which test.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

/// The digits as shipped (`assets/data/digits.csv.gz`, CC BY 4.0: see its README).
const DIGITS_GZ: &[u8] = include_bytes!("../../../../assets/data/digits.csv.gz");

impl Dataset {
    /// The dataset a model file names: `"digits"` (the shipped 8×8 digits), the path of a
    /// CSV file of square images ([`Dataset::from_csv`]) or of a `.npy` array of images with
    /// `labels` the path of its labels' `.npy` ([`Dataset::from_npy`]). A relative path is
    /// taken from the folder the program runs in. Kept while the files stay the same: a file
    /// the user changes is read again.
    pub fn load(dataset: &str, labels: Option<&str>) -> Result<Arc<Dataset>, DataError> {
        let is = |ext: &str| Path::new(dataset).extension().is_some_and(|e| e.eq_ignore_ascii_case(ext));
        let path = Path::new(dataset);
        match (dataset, labels) {
            ("digits", _) => super::cached("digits", &[], Dataset::digits),
            _ if is("csv") => super::cached(dataset, &[path], || Dataset::from_csv(path, None)),
            (_, Some(labels)) if is("npy") => {
                let labels = Path::new(labels);
                super::cached(&format!("{dataset}\n{}", labels.display()), &[path, labels], || {
                    Dataset::from_npy(path, labels, None)
                })
            }
            (_, None) if is("npy") => Err(DataError::File {
                file: path.into(),
                why: "is a .npy of images: name its labels too (labels = \"labels.npy\")".into(),
            }),
            _ => Err(DataError::File {
                file: path.into(),
                why: "is not a dataset: give \"digits\", a CSV file of images, or a .npy of images".into(),
            }),
        }
    }

    /// The UCI 8×8 handwritten digits: 1,797 images, pixels 0–16, labels 0–9.
    pub fn digits() -> Result<Dataset, DataError> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(DIGITS_GZ).read_to_string(&mut text).map_err(|e| DataError::File {
            file: "digits.csv.gz".into(),
            why: format!("cannot be unpacked: {e}"),
        })?;
        let mut d = Dataset::parse_csv(&text, Path::new("digits.csv.gz"), Some(8))?;
        d.name = "8×8 digits (UCI)".into();
        d.max_value = 16.0;
        Ok(d)
    }

    /// Images from a CSV file: one image a row, its pixels row-major, then its label (a whole
    /// number) as the last column; a first row that is not numbers is a header. `width`
    /// gives the image's width; without it the image must be square.
    pub fn from_csv(path: &Path, width: Option<usize>) -> Result<Dataset, DataError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| DataError::File { file: path.into(), why: format!("cannot be read: {e}") })?;
        Dataset::parse_csv(&text, path, width)
    }

    fn parse_csv(text: &str, path: &Path, width: Option<usize>) -> Result<Dataset, DataError> {
        let row_error = |row: usize, why: String| DataError::Row { file: path.into(), row, why };
        let mut pixels = Vec::new();
        let mut labels = Vec::new();
        let mut columns = None;
        for (k, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            let values: Result<Vec<f64>, _> = cells.iter().map(|c| c.parse::<f64>()).collect();
            let values = match values {
                Ok(v) => v,
                Err(_) if k == 0 => continue, // a header
                Err(_) => {
                    let (col, cell) =
                        cells.iter().enumerate().find(|(_, c)| c.parse::<f64>().is_err()).unwrap_or((0, &""));
                    return Err(row_error(k + 1, format!("column {}: \"{cell}\" is not a number", col + 1)));
                }
            };
            if values.len() < 2 {
                return Err(row_error(k + 1, "needs pixels and a label".into()));
            }
            match columns {
                None => columns = Some(values.len()),
                Some(n) if n != values.len() => {
                    return Err(row_error(
                        k + 1,
                        format!("{} columns where the first row has {n}", values.len()),
                    ));
                }
                Some(_) => {}
            }
            let (image, label) = values.split_at(values.len() - 1);
            if let Some((col, v)) = image.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v >= 0.0)) {
                return Err(row_error(
                    k + 1,
                    format!("column {}: a pixel must be a number ≥ 0, got {v}", col + 1),
                ));
            }
            let label = label[0];
            if !(label >= 0.0 && label.fract() == 0.0 && label < u32::MAX as f64) {
                return Err(row_error(
                    k + 1,
                    format!("the last column is the label, a whole number ≥ 0, got {label}"),
                ));
            }
            pixels.extend(image.iter().map(|&v| v as f32));
            labels.push(label as u32);
        }
        let Some(columns) = columns else {
            return Err(DataError::File { file: path.into(), why: "holds no images".into() });
        };
        Dataset::new(path, pixels, labels, columns - 1, width)
    }

    /// Images from `.npy` files: `images` of shape (samples, height, width) or (samples,
    /// pixels), any number type, and `labels` of shape (samples), whole numbers.
    pub fn from_npy(images: &Path, labels: &Path, width: Option<usize>) -> Result<Dataset, DataError> {
        let (shape, pixels) = read_npy(images)?;
        let (label_shape, label_values) = read_npy(labels)?;
        let file_error = |file: &Path, why: String| DataError::File { file: file.into(), why };
        let samples =
            *shape.first().ok_or_else(|| file_error(images, "holds a single number, not images".into()))?;
        if label_shape.len() != 1 || label_shape[0] != samples {
            return Err(file_error(
                labels,
                format!("must hold one label per image ({samples}), has shape {label_shape:?}"),
            ));
        }
        let width = match shape.len() {
            3 => Some(width.unwrap_or(shape[2])),
            2 => width,
            _ => {
                return Err(file_error(
                    images,
                    format!("shape {shape:?}: expected (samples, height, width) or (samples, pixels)"),
                ));
            }
        };
        if let Some(k) = pixels.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
            return Err(file_error(
                images,
                format!("pixel {k} is {}: pixels must be numbers ≥ 0", pixels[k]),
            ));
        }
        if let Some(k) = label_values.iter().position(|v| !(*v >= 0.0 && v.fract() == 0.0)) {
            return Err(file_error(
                labels,
                format!("label {k} is {}: labels must be whole numbers ≥ 0", label_values[k]),
            ));
        }
        let per_image = pixels.len().checked_div(samples).unwrap_or(0);
        let labels = label_values.iter().map(|&v| v as u32).collect();
        Dataset::new(images, pixels.iter().map(|&v| v as f32).collect(), labels, per_image, width)
    }

    fn new(
        path: &Path,
        pixels: Vec<f32>,
        labels: Vec<u32>,
        per_image: usize,
        width: Option<usize>,
    ) -> Result<Dataset, DataError> {
        let file_error = |why: String| DataError::File { file: path.into(), why };
        let width = match width {
            Some(w) if w > 0 && per_image.is_multiple_of(w) => w,
            Some(w) => {
                return Err(file_error(format!("{per_image} pixels an image do not make rows of width {w}")));
            }
            None => {
                let side = (per_image as f64).sqrt().round() as usize;
                if side * side != per_image || side == 0 {
                    return Err(file_error(format!(
                        "{per_image} pixels an image is not a square image: give its width"
                    )));
                }
                side
            }
        };
        let max_value = pixels.iter().copied().fold(0.0f32, f32::max);
        Ok(Dataset {
            name: path.file_name().map_or("data".into(), |n| n.to_string_lossy().into_owned()),
            width,
            height: per_image / width,
            max_value: if max_value > 0.0 { max_value } else { 1.0 },
            pixels,
            labels,
        })
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn pixels_per_image(&self) -> usize {
        self.width * self.height
    }

    /// Image `k`'s pixels as read, row-major.
    pub fn image(&self, k: usize) -> &[f32] {
        let n = self.pixels_per_image();
        &self.pixels[k * n..(k + 1) * n]
    }

    pub fn label(&self, k: usize) -> u32 {
        self.labels[k]
    }

    /// Image `k` as intensities in [0, 1]: pixel / [`Dataset::max_value`].
    pub fn intensities(&self, k: usize) -> Vec<f32> {
        self.image(k).iter().map(|&v| (v / self.max_value).clamp(0.0, 1.0)).collect()
    }

    /// A shuffled split, the same for the same seed: `test_fraction` of the samples (rounded)
    /// test, the rest train, each list in the shuffled order.
    pub fn split(&self, seed: u64, test_fraction: f64) -> Split {
        let test = (self.len() as f64 * test_fraction.clamp(0.0, 1.0)).round() as usize;
        self.split_count(seed, test)
    }

    /// As [`Dataset::split`], with `test` samples (at most all) testing.
    pub fn split_count(&self, seed: u64, test: usize) -> Split {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.shuffle(&mut rand_pcg::Pcg64::seed_from_u64(seed));
        let train = order.split_off(test.min(self.len()));
        Split { train, test: order }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digits_are_1797_images_of_ten_classes_with_pixels_0_to_16() {
        let d = Dataset::digits().expect("the shipped digits");
        assert_eq!(d.len(), 1797);
        assert_eq!((d.width, d.height), (8, 8));
        let mut classes: Vec<u32> = (0..d.len()).map(|k| d.label(k)).collect();
        classes.sort();
        classes.dedup();
        assert_eq!(classes, (0..10).collect::<Vec<_>>());
        let all: Vec<f32> = (0..d.len()).flat_map(|k| d.image(k).to_vec()).collect();
        assert_eq!(all.iter().copied().fold(f32::MAX, f32::min), 0.0);
        assert_eq!(all.iter().copied().fold(0.0, f32::max), 16.0);
        assert!(all.iter().all(|v| v.fract() == 0.0));
        // The first row of the file is a 0.
        assert_eq!(d.label(0), 0);
        assert_eq!(&d.image(0)[..8], &[0.0, 0.0, 5.0, 13.0, 9.0, 1.0, 0.0, 0.0]);
        assert!(d.intensities(0).iter().all(|x| (0.0..=1.0).contains(x)));
    }

    #[test]
    fn a_split_is_the_same_for_a_seed_and_covers_every_sample_once() {
        let d = Dataset::digits().expect("digits");
        let a = d.split(7, 0.2);
        assert_eq!(a, d.split(7, 0.2));
        assert_ne!(a, d.split(8, 0.2));
        assert_eq!(a.test.len(), 359); // 1797 × 0.2 = 359.4
        let mut all = [a.train.clone(), a.test.clone()].concat();
        all.sort();
        assert_eq!(all, (0..d.len()).collect::<Vec<_>>());
    }

    #[test]
    fn users_csv_and_npy_images_load_and_bad_ones_name_the_row() {
        let dir = std::env::temp_dir().join(format!("spikelab-data-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let csv = dir.join("tiny.csv");
        std::fs::write(&csv, "p0,p1,p2,p3,p4,p5,label\n0,1,2,3,4,5,1\n5,4,3,2,1,0,0\n").expect("write");
        let d = Dataset::from_csv(&csv, Some(3)).expect("a 2×3 dataset");
        assert_eq!((d.len(), d.width, d.height, d.max_value), (2, 3, 2, 5.0));
        assert_eq!(d.image(1), &[5.0, 4.0, 3.0, 2.0, 1.0, 0.0]);
        let err = |text: &str, width| {
            std::fs::write(&csv, text).expect("write");
            Dataset::from_csv(&csv, width).expect_err("refused").to_string()
        };
        assert!(err("0,1,2,3,1\n0,1,x,3,1\n", None).contains("row 2: column 3: \"x\" is not a number"));
        assert!(err("0,1,2,3,1\n0,1,2,1\n", None).contains("row 2: 4 columns where the first row has 5"));
        assert!(err("0,1,2,1\n", None).contains("not a square image"));
        assert!(err("0,-1,2,3,1\n", None).contains("row 1: column 2: a pixel must be a number ≥ 0"));
        assert!(err("0,1,2,3,1.5\n", None).contains("row 1: the last column is the label"));
        // .npy: (samples, height, width) u8 images and int64 labels.
        use ndarray_npy::WriteNpyExt;
        let images = ndarray::Array3::<u8>::from_shape_fn((3, 2, 4), |(s, r, c)| (s + r + c) as u8);
        let labels = ndarray::Array1::<i64>::from(vec![2, 0, 1]);
        let (ip, lp) = (dir.join("images.npy"), dir.join("labels.npy"));
        images.write_npy(std::fs::File::create(&ip).expect("file")).expect("npy");
        labels.write_npy(std::fs::File::create(&lp).expect("file")).expect("npy");
        let d = Dataset::from_npy(&ip, &lp, None).expect("npy dataset");
        assert_eq!((d.len(), d.width, d.height), (3, 4, 2));
        assert_eq!(d.label(0), 2);
        assert_eq!(d.image(2)[7], 2.0 + 1.0 + 3.0);
        ndarray::Array1::<i64>::from(vec![1, 2])
            .write_npy(std::fs::File::create(&lp).expect("f"))
            .expect("npy");
        let e = Dataset::from_npy(&ip, &lp, None).expect_err("two labels for three images").to_string();
        assert!(e.contains("labels.npy") && e.contains("one label per image (3)"), "{e}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
