//! Analysis of recorded spikes: rates, inter-spike intervals, coefficient of variation,
//! histograms, spectra, the STDP window and F–I curves. Pure functions over recorded data (F–I
//! curves run their own small network), shared by the command line and the GUI.

mod energy;
mod fi;
mod histogram;
mod report;
mod spectrum;
mod stdp;
pub mod validation;

pub use energy::{EnergyFigure, FIGURES, Operation, OperationCounts, dense_macs_per_step, operation_counts};
pub use fi::{FiError, FiPoint, fi_curve, rate_analytic, steady_state_rate};
pub use histogram::{Histogram, WEIGHT_BINS, rates_per_neuron, weight_histogram};
pub use report::{PopulationReport, REPORT_BINS, ReportBuilder, SpectralPeak, population_reports};
pub use spectrum::{Spectrum, autocorrelation, power_spectrum};
pub use stdp::stdp_dw;

use crate::sim::Spike;
use serde::Serialize;

/// Summary of one population's activity over a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PopulationStats {
    pub name: String,
    pub size: usize,
    pub spikes: u64,
    /// Mean firing rate per neuron, Hz.
    pub rate_hz: f64,
    /// Mean over neurons (with at least 3 spikes) of the CV of their inter-spike intervals.
    pub cv_isi: Option<f64>,
}

/// Spike times (ms) of each neuron of population `pop`, from spikes in time order.
pub fn spike_trains(spikes: &[Spike], pop: u32, size: usize, dt_ms: f64) -> Vec<Vec<f64>> {
    let mut trains = vec![Vec::new(); size];
    for s in spikes.iter().filter(|s| s.pop == pop) {
        if let Some(train) = trains.get_mut(s.neuron as usize) {
            train.push(s.step as f64 * dt_ms);
        }
    }
    trains
}

/// Intervals between successive spike times.
pub fn isis(train: &[f64]) -> Vec<f64> {
    train.windows(2).map(|w| w[1] - w[0]).collect()
}

/// Coefficient of variation (standard deviation / mean) of at least two values.
pub fn cv(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if mean <= 0.0 {
        return None;
    }
    let var = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    Some(var.sqrt() / mean)
}

/// Mean CV of ISI over the neurons that have at least two intervals.
pub fn mean_cv_isi(trains: &[Vec<f64>]) -> Option<f64> {
    let cvs: Vec<f64> = trains.iter().filter_map(|t| cv(&isis(t))).collect();
    if cvs.is_empty() { None } else { Some(cvs.iter().sum::<f64>() / cvs.len() as f64) }
}

/// Population rate (Hz per neuron) of population `pop` in bins of `bin_ms` from `t0_ms` to
/// `t1_ms` (a spike at time t falls in bin floor((t - t0)/bin)).
pub fn population_rate(
    spikes: &[Spike],
    pop: u32,
    size: usize,
    dt_ms: f64,
    bin_ms: f64,
    t0_ms: f64,
    t1_ms: f64,
) -> Vec<f64> {
    let mut sizes = vec![1; pop as usize + 1];
    sizes[pop as usize] = size;
    population_rates(spikes, &sizes, dt_ms, bin_ms, t0_ms, t1_ms).swap_remove(pop as usize)
}

/// Binned rates of all populations in one pass over the spikes; `sizes[p]` is the size of
/// population p. Each row is what [`population_rate`] gives for that population.
pub fn population_rates(
    spikes: &[Spike],
    sizes: &[usize],
    dt_ms: f64,
    bin_ms: f64,
    t0_ms: f64,
    t1_ms: f64,
) -> Vec<Vec<f64>> {
    let bins = ((t1_ms - t0_ms) / bin_ms).floor().max(0.0) as usize;
    let mut counts = vec![vec![0.0; bins]; sizes.len()];
    for s in spikes {
        let t = s.step as f64 * dt_ms;
        if t >= t0_ms
            && let Some(row) = counts.get_mut(s.pop as usize)
        {
            let b = ((t - t0_ms) / bin_ms) as usize;
            if b < bins {
                row[b] += 1.0;
            }
        }
    }
    for (row, &size) in counts.iter_mut().zip(sizes) {
        let scale = 1000.0 / (bin_ms * size.max(1) as f64);
        row.iter_mut().for_each(|c| *c *= scale);
    }
    counts
}

/// Synchrony of a population: the coefficient of variation of its binned rate. Near 0 for
/// asynchronous firing of a large population, of order 1 or more for synchronous volleys.
pub fn synchrony(rate: &[f64]) -> Option<f64> {
    cv(rate)
}

/// A warning when a population fires at half the step rate (1/(2 dt)) or faster: then dt,
/// not the model, sets its rate (Izhikevich under 1e6 pA "fires" at 1/dt), and nothing it
/// does means what it seems to. `None` below that.
pub fn step_rate_warning(population: &str, rate_hz: f64, dt_ms: f64) -> Option<String> {
    let step_rate_hz = 1000.0 / dt_ms;
    (rate_hz >= 0.5 * step_rate_hz).then(|| {
        format!(
            "population \"{population}\" fired at {rate_hz:.0} Hz, about once every {:.1} time steps \
             (1/dt = {step_rate_hz:.0} Hz): its rate is set by dt, not by the model. Its input is far \
             too strong, or dt too large for it",
            step_rate_hz / rate_hz
        )
    })
}

/// Rate, spike count and CV of ISI of each population over `duration_ms`: the `stats` of
/// [`population_reports`].
pub fn population_stats(
    spikes: &[Spike],
    populations: &[(String, usize)],
    dt_ms: f64,
    duration_ms: f64,
) -> Vec<PopulationStats> {
    // One rate bin for the whole run: the spectrum is not needed here.
    let bin = duration_ms.max(dt_ms);
    population_reports(spikes, populations, dt_ms, duration_ms, bin).into_iter().map(|r| r.stats).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cv_of_regular_train_is_zero_and_of_alternating_is_known() {
        assert_eq!(cv(&[5.0, 5.0, 5.0]), Some(0.0));
        // Intervals 1 and 3: mean 2, population sd 1 → CV 0.5.
        assert!((cv(&[1.0, 3.0, 1.0, 3.0]).unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(cv(&[4.0]), None);
    }

    #[test]
    fn stats_count_rates_per_neuron() {
        let spikes: Vec<Spike> = (1..=10).map(|k| Spike { step: k * 100, pop: 0, neuron: 0 }).collect();
        let stats = population_stats(&spikes, &[("a".into(), 2)], 0.1, 1000.0);
        assert_eq!(stats[0].spikes, 10);
        assert!((stats[0].rate_hz - 5.0).abs() < 1e-12);
        assert_eq!(stats[0].cv_isi, Some(0.0));
    }
}
