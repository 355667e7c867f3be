//! Histograms of rates, intervals and weights, and firing rates per neuron.

use crate::model::Model;
use serde::Serialize;

/// Counts of values in `counts.len()` equal bins of width `bin` starting at `lo`:
/// bin i holds the values in [lo + i·bin, lo + (i+1)·bin).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Histogram {
    /// Left edge of the first bin, in the unit of the values.
    pub lo: f64,
    /// Width of every bin, in the unit of the values.
    pub bin: f64,
    pub counts: Vec<u64>,
}

impl Histogram {
    /// `bins` equal bins over [lo, hi); values outside (or NaN) are not counted.
    pub fn new(values: impl IntoIterator<Item = f64>, lo: f64, hi: f64, bins: usize) -> Histogram {
        let bin = if bins > 0 { (hi - lo) / bins as f64 } else { hi - lo };
        let mut counts = vec![0u64; bins];
        if bins > 0 && bin > 0.0 && bin.is_finite() {
            for v in values {
                // `v >= lo && v < hi` is false for NaN.
                if v >= lo && v < hi {
                    // Rounding can put a value just below `hi` at index `bins`.
                    let i = (((v - lo) / bin) as usize).min(bins - 1);
                    counts[i] += 1;
                }
            }
        }
        Histogram { lo, bin, counts }
    }

    /// Bins over [0, max of values] (or `[min, max]` if any value is negative); an empty input gives all-zero counts over [0,1).
    ///
    /// The largest value is counted (in the last bin): the range is closed on the right, by
    /// taking `hi` as the next float above the maximum. Non-finite values are ignored. If every
    /// value equals the left edge (e.g. all zero), the range is [lo, lo + 1).
    pub fn auto(values: &[f64], bins: usize) -> Histogram {
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let (min, max) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        if min > max {
            return Histogram::new(std::iter::empty(), 0.0, 1.0, bins);
        }
        let lo = min.min(0.0);
        let hi = if max > lo { max.next_up() } else { lo + 1.0 };
        Histogram::new(values.iter().copied(), lo, hi, bins)
    }

    /// Middle of each bin.
    pub fn centers(&self) -> Vec<f64> {
        (0..self.counts.len()).map(|i| self.lo + (i as f64 + 0.5) * self.bin).collect()
    }

    /// Number of values counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Firing rate of each neuron, Hz, over a window of `duration_ms`.
///
/// The spike count divided by the window; a window that is not positive gives 0 Hz.
pub fn rates_per_neuron(trains: &[Vec<f64>], duration_ms: f64) -> Vec<f64> {
    trains
        .iter()
        .map(|t| if duration_ms > 0.0 { t.len() as f64 * 1000.0 / duration_ms } else { 0.0 })
        .collect()
}

/// Bins of the weight histogram.
pub const WEIGHT_BINS: usize = 40;

/// Histogram of a projection's weights: over [w_min, w_max] when STDP bounds them (so that
/// the bins stay put while the weights move), else over the range of the weights.
pub fn weight_histogram(model: &Model, projection: usize, values: &[f32]) -> Histogram {
    let values = values.iter().map(|&w| w as f64);
    let bounds = model.projections.get(projection).and_then(|p| {
        let stdp = p.stdp.as_ref()?;
        let lo = stdp.w_min.as_ref().map_or(0.0, |q| q.canonical());
        Some((lo, stdp.w_max.canonical()))
    });
    match bounds {
        // The top bin is closed so that weights at w_max count.
        Some((lo, hi)) if hi > lo => {
            let bin = (hi - lo) / WEIGHT_BINS as f64;
            Histogram::new(values, lo, hi + bin * 1e-6, WEIGHT_BINS)
        }
        _ => Histogram::auto(&values.collect::<Vec<_>>(), WEIGHT_BINS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_fall_in_half_open_bins_and_outliers_are_dropped() {
        let h = Histogram::new([0.0, 0.5, 0.99, 1.0, 3.999, 4.0, -0.1, f64::NAN], 0.0, 4.0, 4);
        assert_eq!(h.counts, [3, 1, 0, 1]);
        assert_eq!(h.bin, 1.0);
        assert_eq!(h.total(), 5);
        assert_eq!(h.centers(), [0.5, 1.5, 2.5, 3.5]);
    }

    #[test]
    fn degenerate_ranges_count_nothing() {
        assert_eq!(Histogram::new([1.0], 2.0, 2.0, 3).counts, [0, 0, 0]);
        assert_eq!(Histogram::new([1.0], 0.0, 2.0, 0).counts, Vec::<u64>::new());
    }

    #[test]
    fn auto_includes_the_maximum_and_handles_negatives_and_empty_input() {
        let h = Histogram::auto(&[1.5, 2.5, 10.0], 10);
        assert_eq!(h.lo, 0.0);
        assert!((h.bin - 1.0).abs() < 1e-12);
        assert_eq!(h.counts, [0, 1, 1, 0, 0, 0, 0, 0, 0, 1]);
        let h = Histogram::auto(&[-2.0, 2.0], 4);
        assert_eq!((h.lo, h.counts.clone()), (-2.0, vec![1, 0, 0, 1]));
        let h = Histogram::auto(&[], 5);
        assert_eq!((h.lo, h.bin, h.total()), (0.0, 0.2, 0));
        // All values equal: all in the last bin of [0, value].
        let h = Histogram::auto(&[7.0; 5], 20);
        assert_eq!(h.counts[19], 5);
        let h = Histogram::auto(&[0.0, 0.0, f64::INFINITY], 2);
        assert_eq!((h.lo, h.bin, h.counts.clone()), (0.0, 0.5, vec![2, 0]));
    }

    #[test]
    fn rates_are_counts_over_the_window() {
        let trains = vec![vec![1.0, 2.0, 3.0], vec![], vec![5.0]];
        assert_eq!(rates_per_neuron(&trains, 500.0), [6.0, 0.0, 2.0]);
        assert_eq!(rates_per_neuron(&trains, 0.0), [0.0, 0.0, 0.0]);
    }
}
