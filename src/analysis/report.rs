//! A per-population summary of a run, as `spikelab run --json` prints it.

use super::{
    Histogram, PopulationStats, isis, population_rates, population_stats, power_spectrum, rates_per_neuron,
    spike_trains, synchrony,
};
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
    let stats = population_stats(spikes, populations, dt_ms, duration_ms);
    let sizes: Vec<usize> = populations.iter().map(|(_, size)| *size).collect();
    let rates = population_rates(spikes, &sizes, dt_ms, rate_bin_ms, 0.0, duration_ms);
    stats
        .into_iter()
        .zip(rates)
        .enumerate()
        .map(|(p, (stats, rate))| {
            let trains = spike_trains(spikes, p as u32, stats.size, dt_ms);
            let pooled: Vec<f64> = trains.iter().flat_map(|t| isis(t)).collect();
            let spectrum = power_spectrum(&rate, rate_bin_ms);
            let spectrum_peak = spectrum
                .peak(1.5 * spectrum.resolution_hz())
                .map(|(freq_hz, power)| SpectralPeak { freq_hz, power });
            PopulationReport {
                rate_histogram: Histogram::auto(&rates_per_neuron(&trains, duration_ms), REPORT_BINS),
                isi_histogram: Histogram::auto(&pooled, REPORT_BINS),
                rate_bin_ms,
                spectrum_peak,
                synchrony: synchrony(&rate),
                stats,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
