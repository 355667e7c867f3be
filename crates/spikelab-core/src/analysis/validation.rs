//! Statistics of the cross-simulator validation (`validation/`): the same definitions as
//! `validation/stats.py`, which computes them for Brian2's and NEST's spikes, so that
//! `tests/validation.rs` can hold SpikeLab to the numbers recorded in `validation/reference.json`.
//!
//! Everything is counted in whole steps (a spike's `step` is the end of the step it fired in),
//! so that bin edges never depend on float rounding of step × dt.

use super::{mean_cv_isi, spike_trains};
use crate::sim::Spike;
use serde::Serialize;

/// One population's activity in the window after a transient.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WindowStats {
    /// Spikes per neuron per second in the window, Hz.
    pub rate_hz: f64,
    /// Fraction of neurons that did not fire in the window.
    pub silent: f64,
    /// Mean over neurons with at least 3 spikes in the window of the CV of their ISIs.
    pub cv_isi: Option<f64>,
    /// [`fano_factor`] of the population's spike count in 1 ms bins.
    pub fano_1ms: Option<f64>,
    /// [`fano_factor`] of the population's spike count in 5 ms bins.
    pub fano_5ms: Option<f64>,
}

/// Spike count of population `pop` in `bins` consecutive bins of `bin_steps` steps, the first
/// holding the spikes with step in (`after_step`, `after_step` + `bin_steps`].
pub fn binned_counts(spikes: &[Spike], pop: u32, after_step: u64, bin_steps: u64, bins: usize) -> Vec<u64> {
    let mut counts = vec![0u64; bins];
    if bin_steps == 0 {
        return counts;
    }
    for s in spikes.iter().filter(|s| s.pop == pop && s.step > after_step) {
        let b = ((s.step - after_step - 1) / bin_steps) as usize;
        if let Some(c) = counts.get_mut(b) {
            *c += 1;
        }
    }
    counts
}

/// Fano factor of counts: their (population) variance over their mean; `None` if the mean is 0.
pub fn fano_factor(counts: &[u64]) -> Option<f64> {
    if counts.is_empty() {
        return None;
    }
    let n = counts.len() as f64;
    let mean = counts.iter().sum::<u64>() as f64 / n;
    if mean <= 0.0 {
        return None;
    }
    let var = counts.iter().map(|&c| (c as f64 - mean).powi(2)).sum::<f64>() / n;
    Some(var / mean)
}

/// Rate, silent fraction, CV of ISI and population Fano factors (1 and 5 ms bins) of
/// population `pop` over the spikes with time in (`transient_ms`, `duration_ms`].
pub fn window_stats(
    spikes: &[Spike],
    pop: u32,
    size: usize,
    dt_ms: f64,
    transient_ms: f64,
    duration_ms: f64,
) -> WindowStats {
    let (s0, s1) = ((transient_ms / dt_ms).round() as u64, (duration_ms / dt_ms).round() as u64);
    let window: Vec<Spike> =
        spikes.iter().filter(|s| s.pop == pop && s.step > s0 && s.step <= s1).copied().collect();
    let trains = spike_trains(&window, pop, size, dt_ms);
    let window_s = s1.saturating_sub(s0) as f64 * dt_ms * 1e-3;
    let fano = |bin_ms: f64| {
        let bin_steps = (bin_ms / dt_ms).round() as u64;
        let bins = s1.saturating_sub(s0).checked_div(bin_steps).unwrap_or(0) as usize;
        fano_factor(&binned_counts(&window, pop, s0, bin_steps, bins))
    };
    WindowStats {
        rate_hz: if window_s > 0.0 { window.len() as f64 / size.max(1) as f64 / window_s } else { 0.0 },
        silent: trains.iter().filter(|t| t.is_empty()).count() as f64 / size.max(1) as f64,
        cv_isi: mean_cv_isi(&trains),
        fano_1ms: fano(1.0),
        fano_5ms: fano(5.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spike(step: u64, neuron: u32) -> Spike {
        Spike { step, pop: 0, neuron }
    }

    #[test]
    fn bins_are_half_open_on_the_left() {
        // Bins of 10 steps after step 100: (100, 110], (110, 120].
        let spikes =
            [spike(100, 0), spike(101, 0), spike(110, 1), spike(111, 0), spike(120, 0), spike(121, 0)];
        assert_eq!(binned_counts(&spikes, 0, 100, 10, 2), [2, 2]);
    }

    #[test]
    fn fano_factor_of_constant_and_known_counts() {
        assert_eq!(fano_factor(&[3, 3, 3]), Some(0.0));
        // Mean 2, population variance 2: Fano factor 1, as for Poisson counts.
        assert!((fano_factor(&[0, 4, 2, 2, 0, 4]).expect("mean > 0") - 4.0 / 3.0).abs() < 1e-12);
        assert_eq!(fano_factor(&[0, 0]), None);
        assert_eq!(fano_factor(&[]), None);
    }

    #[test]
    fn window_stats_leave_out_the_transient() {
        // Neuron 0 fires every 10 ms from 5 ms to 995 ms, neuron 1 only at 50 ms; dt = 0.1 ms.
        let mut spikes: Vec<Spike> = (0..100).map(|k| spike(50 + 100 * k, 0)).collect();
        spikes.push(spike(500, 1));
        spikes.sort_by_key(|s| s.step);
        let w = window_stats(&spikes, 0, 2, 0.1, 200.0, 1000.0);
        // 80 spikes of neuron 0 in (200, 1000] ms: 80 / 2 neurons / 0.8 s.
        assert!((w.rate_hz - 50.0).abs() < 1e-9, "{w:?}");
        assert_eq!(w.silent, 0.5);
        assert!(w.cv_isi.expect("regular") < 1e-9);
        // Five-ms bins: one spike in every second bin, mean 1/2, variance 1/4.
        assert!((w.fano_5ms.expect("spikes") - 0.5).abs() < 1e-12);
    }
}
