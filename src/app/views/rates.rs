//! Population rates: spikes per neuron per second in bins of adjustable width, one line per
//! population, computed by the shared analysis module.

use super::{
    LiveData, Mark, Shared, View, key, plot_hint, population_color, stop_following_on_interaction,
    time_controls, visible_x,
};
// The binning is the analysis module's `population_rates`, done incrementally for live data;
// the test below checks that the two agree.
use super::axes;
use crate::export::Table;
use egui_plot::{Line, PlotPoints};

pub struct RatesView {
    pub bin_ms: f64,
    cache: BinCache,
}

impl Default for RatesView {
    fn default() -> Self {
        RatesView { bin_ms: 5.0, cache: BinCache::default() }
    }
}

/// Spike counts per population in bins aligned to multiples of the bin width, kept between
/// frames so that each spike is counted once.
#[derive(Default)]
struct BinCache {
    key: (u64, u64),
    /// Absolute index of the first bin held, and counts[pop][bin - first].
    first: i64,
    counts: Vec<Vec<u32>>,
    next_spike: u64,
}

impl BinCache {
    /// Rates (Hz per neuron) of every population in the bins covering [start, end).
    fn rates(&mut self, data: &LiveData, bin: f64, start: f64, end: f64) -> (f64, Vec<Vec<f64>>) {
        let pops = data.info.populations.len();
        let key = (bin.to_bits(), data.generation);
        let first_needed = (start / bin).floor() as i64;
        if self.key != key || data.spike_count < self.next_spike || first_needed < self.first {
            self.key = key;
            self.first = first_needed;
            self.counts = vec![Vec::new(); pops];
            let dt = data.info.dt_ms;
            let from = data.spikes.partition_point(|s| (s.step as f64 * dt) < self.first as f64 * bin);
            self.next_spike = data.first_spike_index() + from as u64;
        }
        let dt = data.info.dt_ms;
        for s in data.spikes_after(self.next_spike) {
            let b = ((s.step as f64 * dt) / bin).floor() as i64 - self.first;
            if b < 0 {
                continue;
            }
            if let Some(row) = self.counts.get_mut(s.pop as usize) {
                if row.len() <= b as usize {
                    row.resize(b as usize + 1, 0);
                }
                row[b as usize] += 1;
            }
        }
        self.next_spike = data.spike_count;
        // Forget bins that scrolled out of view.
        let drop = (first_needed - self.first).max(0) as usize;
        if drop > 4096 {
            for row in &mut self.counts {
                row.drain(..drop.min(row.len()));
            }
            self.first += drop as i64;
        }
        // Only whole bins that have ended are shown.
        let last = ((end / bin).floor() as i64).min(((data.time_ms / bin).floor()) as i64);
        let out = data
            .info
            .populations
            .iter()
            .zip(&self.counts)
            .map(|((_, size), row)| {
                let scale = 1000.0 / (bin * (*size).max(1) as f64);
                (first_needed..last)
                    .map(|b| row.get((b - self.first) as usize).copied().unwrap_or(0) as f64 * scale)
                    .collect()
            })
            .collect();
        (first_needed as f64 * bin, out)
    }
}

impl View for RatesView {
    fn file_stem(&self) -> &'static str {
        "population_rates"
    }

    /// Rates of every population (Hz per neuron) in the view's bins, over what the window keeps.
    fn table(&self, data: &LiveData, _: &Shared) -> Option<Table> {
        let sizes: Vec<usize> = data.info.populations.iter().map(|p| p.1).collect();
        let dt = data.info.dt_ms;
        let t0 =
            data.spikes.first().map_or(0.0, |s| (s.step as f64 * dt / self.bin_ms).floor() * self.bin_ms);
        let rates =
            crate::analysis::population_rates(&data.spikes, &sizes, dt, self.bin_ms, t0, data.time_ms);
        let bins = rates.first().map_or(0, Vec::len);
        let mut columns =
            vec![("bin_start_ms".to_string(), (0..bins).map(|b| t0 + b as f64 * self.bin_ms).collect())];
        for ((name, _), r) in data.info.populations.iter().zip(rates) {
            columns.push((format!("{name} rate (Hz)"), r));
        }
        Some(Table::from_columns(columns))
    }

    fn title(&self) -> &'static str {
        "Rates"
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &LiveData, shared: &mut Shared) {
        ui.horizontal_wrapped(|ui| {
            time_controls(ui, shared);
            ui.separator();
            ui.label("Bin");
            crate::app::number::Number::of(crate::model::Dimension::Time)
                .range(0.1..=500.0)
                .speed(0.5)
                .show(ui, &mut self.bin_ms)
                .0
                .on_hover_text("Width of the time bins in which spikes are counted");
        });
        let (x0, x1) = shared.live_window(data.time_ms);
        let follow = shared.follow;
        let mut plot = axes::plot("rates", axes::time(data.time_ms), axes::y("rate (Hz per neuron)"))
            .link_axis("time", [true, false])
            .link_cursor("time", [true, false])
            .include_y(0.0);
        if follow {
            plot = plot.default_x_bounds(x0, x1);
        }
        if data.spike_count == 0 {
            plot = axes::before_data(plot, (x0, x1), (0.0, 10.0));
        }
        let entries: Vec<_> = data
            .info
            .populations
            .iter()
            .enumerate()
            .map(|(k, (name, _))| (name.clone(), population_color(k), Mark::Line))
            .collect();
        key(ui, &entries);
        let bin = self.bin_ms;
        let response = plot.show(ui, |plot_ui| {
            let (lo, hi) = visible_x(plot_ui, follow, (x0, x1));
            // Bins are aligned to multiples of the bin width so they do not jitter while scrolling.
            let (start, rates) = self.cache.rates(data, bin, lo.max(0.0), hi);
            let mut any = false;
            for (k, ((name, _), rate)) in data.info.populations.iter().zip(rates).enumerate() {
                if rate.is_empty() {
                    continue;
                }
                any = true;
                let points: Vec<[f64; 2]> =
                    rate.iter().enumerate().map(|(b, r)| [start + (b as f64 + 0.5) * bin, *r]).collect();
                plot_ui.line(Line::new(name.clone(), PlotPoints::from(points)).color(population_color(k)));
            }
            any
        });
        let r = &response.response;
        stop_following_on_interaction(ui, r, shared);
        if !response.inner {
            plot_hint(ui, &response, "No activity yet — press ▶ Play (Space)");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::population_rates;
    use crate::app::runner::{Batch, NetInfo};
    use crate::sim::Spike;

    #[test]
    fn incremental_bins_equal_the_analysis_module() {
        let mut data = LiveData::default();
        data.reset(NetInfo {
            dt_ms: 0.1,
            populations: vec![("a".into(), 10), ("b".into(), 5)],
            ..Default::default()
        });
        let mut cache = BinCache::default();
        let mut all = Vec::new();
        let mut step = 0u64;
        // Spikes arrive in batches, as from the runner; the view asks for rates after each.
        for batch in 0..40u64 {
            let spikes: Vec<Spike> = (0..25)
                .map(|k| {
                    step += 1 + (k * 7 + batch) % 13;
                    Spike { step, pop: ((k + batch) % 2) as u32, neuron: (k % 5) as u32 }
                })
                .collect();
            all.extend_from_slice(&spikes);
            data.take(Batch { time_ms: step as f64 * 0.1, spikes, playing: true, ..Default::default() });
            let (bin, end) = (2.5, data.time_ms);
            let start = (end - 20.0).max(0.0);
            let (first, live) = cache.rates(&data, bin, start, end);
            let last = (end / bin).floor() * bin;
            let reference = population_rates(&all, &[10, 5], 0.1, bin, first, last);
            for (a, b) in live.iter().zip(&reference) {
                assert_eq!(a.len(), b.len());
                for (x, y) in a.iter().zip(b) {
                    assert!((x - y).abs() < 1e-9, "batch {batch}: {x} vs {y}");
                }
            }
        }
    }
}
