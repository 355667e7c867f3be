//! A per-population summary of a run, as `spikelab run --json` prints it.

use super::{Histogram, PopulationStats, power_spectrum, synchrony};
use crate::sim::Spike;
use serde::Serialize;

/// Bins of the rate and ISI histograms of a [`PopulationReport`].
pub const REPORT_BINS: usize = 20;

/// A peak of a power spectrum.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpectralPeak {
    pub freq_hz: f64,
    /// Power spectral density at the peak, Hz²/Hz (see [`super::power_spectrum`]).
    pub power: f64,
}

/// Everything the summary of a run says about one population.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PopulationReport {
    /// Name, size, spike count, mean rate and mean CV of ISI (`cv_isi`).
    #[serde(flatten)]
    pub stats: PopulationStats,
    /// Firing rate of each neuron over the run (Hz), [`Histogram::auto`] with [`REPORT_BINS`] bins.
    pub rate_histogram: Histogram,
    /// Inter-spike intervals of all neurons pooled (ms), [`Histogram::auto`] with [`REPORT_BINS`] bins.
    pub isi_histogram: Histogram,
    /// Bin of the population rate that the spectrum and synchrony are computed from, ms.
    pub rate_bin_ms: f64,
    /// Highest peak of the population rate's [`super::power_spectrum`], leaving out its two
    /// lowest bins (0 Hz and the next, where the window spreads the mean and slow drifts);
    /// `None` without fluctuations.
    pub spectrum_peak: Option<SpectralPeak>,
    /// [`super::synchrony`] of the population rate.
    pub synchrony: Option<f64>,
}

/// A [`PopulationReport`] for each population (name, size) over [0, `duration_ms`], with the
/// population rate binned at `rate_bin_ms`.
pub fn population_reports(
    spikes: &[Spike],
    populations: &[(String, usize)],
    dt_ms: f64,
    duration_ms: f64,
    rate_bin_ms: f64,
) -> Vec<PopulationReport> {
    let mut builder = ReportBuilder::new(populations, dt_ms, rate_bin_ms);
    builder.add(spikes);
    builder.finish(duration_ms)
}

/// Builds [`PopulationReport`]s from spikes handed over in time order, batch by batch, in
/// memory that does not grow with the number of spikes: per neuron a count and a running mean
/// and variance of its intervals (Welford), per population the binned rate and the count of
/// each interval length in steps. A long run's report needs no spike kept.
#[derive(Clone, Debug)]
pub struct ReportBuilder {
    populations: Vec<(String, usize)>,
    dt_ms: f64,
    rate_bin_ms: f64,
    neurons: Vec<Vec<NeuronTally>>,
    /// Spikes per rate bin, per population.
    binned: Vec<Vec<u64>>,
    /// Count of each inter-spike interval length (steps), per population.
    intervals: Vec<std::collections::BTreeMap<u64, u64>>,
}

#[derive(Clone, Copy, Debug, Default)]
struct NeuronTally {
    spikes: u64,
    last_step: u64,
    /// Running mean (ms) and sum of squared deviations (ms²) of the intervals.
    mean: f64,
    m2: f64,
}

impl ReportBuilder {
    pub fn new(populations: &[(String, usize)], dt_ms: f64, rate_bin_ms: f64) -> ReportBuilder {
        ReportBuilder {
            populations: populations.to_vec(),
            dt_ms,
            rate_bin_ms,
            neurons: populations.iter().map(|(_, size)| vec![NeuronTally::default(); *size]).collect(),
            binned: vec![Vec::new(); populations.len()],
            intervals: vec![Default::default(); populations.len()],
        }
    }

    /// Bytes this builder needs for `neurons` neurons (its only size-dependent part besides
    /// the rate bins and distinct interval lengths, both bounded by the number of steps).
    pub const BYTES_PER_NEURON: u64 = std::mem::size_of::<NeuronTally>() as u64;

    /// Takes the next spikes (in time order, after those already given).
    pub fn add(&mut self, spikes: &[Spike]) {
        for s in spikes {
            let p = s.pop as usize;
            let Some(n) = self.neurons.get_mut(p).and_then(|pop| pop.get_mut(s.neuron as usize)) else {
                continue;
            };
            if n.spikes > 0 {
                let steps = s.step - n.last_step;
                *self.intervals[p].entry(steps).or_insert(0) += 1;
                let isi = steps as f64 * self.dt_ms;
                let k = n.spikes as f64; // intervals so far, including this one
                let delta = isi - n.mean;
                n.mean += delta / k;
                n.m2 += delta * (isi - n.mean);
            }
            n.spikes += 1;
            n.last_step = s.step;
            let bin = ((s.step as f64 * self.dt_ms) / self.rate_bin_ms) as usize;
            let row = &mut self.binned[p];
            if row.len() <= bin {
                row.resize(bin + 1, 0);
            }
            row[bin] += 1;
        }
    }

    /// The reports over [0, `duration_ms`].
    pub fn finish(&self, duration_ms: f64) -> Vec<PopulationReport> {
        let bins = (duration_ms / self.rate_bin_ms).floor().max(0.0) as usize;
        (0..self.populations.len())
            .map(|p| {
                let (name, size) = &self.populations[p];
                let neurons = &self.neurons[p];
                let spikes: u64 = neurons.iter().map(|n| n.spikes).sum();
                // CV of each neuron with at least two intervals: population sd over mean.
                let cvs: Vec<f64> = neurons
                    .iter()
                    .filter(|n| n.spikes >= 3 && n.mean > 0.0)
                    .map(|n| (n.m2 / (n.spikes - 1) as f64).sqrt() / n.mean)
                    .collect();
                let seconds = duration_ms * 1e-3;
                let rates: Vec<f64> = neurons
                    .iter()
                    .map(|n| if duration_ms > 0.0 { n.spikes as f64 / seconds } else { 0.0 })
                    .collect();
                let scale = 1000.0 / (self.rate_bin_ms * (*size).max(1) as f64);
                let mut rate: Vec<f64> = self.binned[p].iter().map(|&c| c as f64 * scale).collect();
                rate.resize(bins, 0.0);
                let spectrum = power_spectrum(&rate, self.rate_bin_ms);
                let spectrum_peak = spectrum
                    .peak(1.5 * spectrum.resolution_hz())
                    .map(|(freq_hz, power)| SpectralPeak { freq_hz, power });
                PopulationReport {
                    stats: PopulationStats {
                        name: name.clone(),
                        size: *size,
                        spikes,
                        rate_hz: if duration_ms > 0.0 { spikes as f64 / *size as f64 / seconds } else { 0.0 },
                        cv_isi: (!cvs.is_empty()).then(|| cvs.iter().sum::<f64>() / cvs.len() as f64),
                    },
                    rate_histogram: Histogram::auto(&rates, REPORT_BINS),
                    isi_histogram: interval_histogram(&self.intervals[p], self.dt_ms),
                    rate_bin_ms: self.rate_bin_ms,
                    spectrum_peak,
                    synchrony: synchrony(&rate),
                }
            })
            .collect()
    }
}

/// [`Histogram::auto`] of the intervals (ms) counted by length in steps.
fn interval_histogram(counts: &std::collections::BTreeMap<u64, u64>, dt_ms: f64) -> Histogram {
    let (Some((&first, _)), Some((&last, _))) = (counts.first_key_value(), counts.last_key_value()) else {
        return Histogram::auto(&[], REPORT_BINS);
    };
    // Two values are enough to fix Histogram::auto's range; then count each length once.
    let mut h = Histogram::auto(&[first as f64 * dt_ms, last as f64 * dt_ms], REPORT_BINS);
    h.counts.iter_mut().for_each(|c| *c = 0);
    let bins = h.counts.len();
    for (&steps, &n) in counts {
        let v = steps as f64 * dt_ms;
        let i = (((v - h.lo) / h.bin) as usize).min(bins - 1);
        h.counts[i] += n;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_give_the_report_of_the_whole_and_the_cv_of_the_trains() {
        // Irregular trains of 50 neurons: the streamed statistics must equal those computed
        // from the whole spike trains (two-pass CV, pooled intervals).
        let mut spikes = Vec::new();
        let mut x: u64 = 12345;
        for step in 1..20_000u64 {
            for neuron in 0..50u32 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                if (x >> 33).is_multiple_of(400) {
                    spikes.push(Spike { step, pop: 0, neuron });
                }
            }
        }
        let pops = [("a".to_string(), 50)];
        let whole = population_reports(&spikes, &pops, 0.1, 2000.0, 0.5);
        let mut builder = ReportBuilder::new(&pops, 0.1, 0.5);
        for chunk in spikes.chunks(97) {
            builder.add(chunk);
        }
        assert_eq!(builder.finish(2000.0), whole);
        let trains = crate::analysis::spike_trains(&spikes, 0, 50, 0.1);
        let two_pass = crate::analysis::mean_cv_isi(&trains).expect("irregular");
        let streamed = whole[0].stats.cv_isi.expect("irregular");
        assert!((two_pass - streamed).abs() < 1e-9, "{two_pass} vs {streamed}");
        let pooled: Vec<f64> = trains.iter().flat_map(|t| crate::analysis::isis(t)).collect();
        assert_eq!(whole[0].isi_histogram, Histogram::auto(&pooled, REPORT_BINS));
    }

    #[test]
    fn a_regular_neuron_has_one_isi_bin_and_a_known_synchrony() {
        // One neuron firing every 10 ms from 5 ms for 100 ms, rate bins of 1 ms: ten bins of
        // 1000 Hz among 100, so the rate's CV is sqrt(p(1-p))/p with p = 0.1, i.e. 3.
        let spikes: Vec<Spike> = (0..10).map(|k| Spike { step: 50 + 100 * k, pop: 0, neuron: 0 }).collect();
        let r = &population_reports(&spikes, &[("a".into(), 1)], 0.1, 100.0, 1.0)[0];
        assert_eq!(r.stats.spikes, 10);
        assert_eq!(r.rate_histogram.total(), 1);
        assert_eq!(r.isi_histogram.total(), 9);
        assert_eq!(r.isi_histogram.counts.iter().filter(|&&c| c > 0).count(), 1);
        assert!((r.synchrony.expect("fluctuates") - 3.0).abs() < 1e-9);
        let peak = r.spectrum_peak.as_ref().expect("a peak");
        assert!((peak.freq_hz - 100.0).abs() < 1e-9, "fundamental at 100 Hz: {peak:?}");
    }
}
