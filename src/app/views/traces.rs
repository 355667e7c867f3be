//! Membrane potential and other state variables of chosen neurons, live, with the threshold
//! and the spikes marked. Long traces are reduced to the minimum and maximum of each screen
//! pixel column before drawing, so the cost follows the plot's width, not the trace length.

use super::axes;
use super::{
    LiveData, Mark, Shared, View, key, plot_hint, population_color, stop_following_on_interaction,
    time_controls, visible_x,
};
use crate::app::live::LiveTrace;
use crate::export::Table;
use egui::Color32;
use egui_plot::{HLine, Line, MarkerShape, PlotPoints, Points};

pub struct TracesView {
    /// The state variable shown ("v", "u", "g_exc", …).
    pub variable: String,
    /// Show only the selected neuron, or every recorded one.
    pub only_selected: bool,
    /// One plot per neuron instead of all overlaid.
    pub stacked: bool,
    markers: SpikeTimes,
}

/// Spike times of the neurons with traces, kept up to date from each frame's new spikes
/// (scanning every spike of the window each frame would cost more than the whole frame).
#[derive(Default)]
struct SpikeTimes {
    generation: u64,
    next_spike: u64,
    times: std::collections::HashMap<(u32, u32), Vec<f64>>,
}

impl SpikeTimes {
    fn update(
        &mut self,
        data: &LiveData,
        shown: &[&LiveTrace],
    ) -> &std::collections::HashMap<(u32, u32), Vec<f64>> {
        let dt = data.info.dt_ms;
        if self.generation != data.generation || data.spike_count < self.next_spike {
            self.times.clear();
            self.generation = data.generation;
            self.next_spike = data.spike_count;
        }
        // New spikes of neurons already followed.
        for s in data.spikes_after(self.next_spike) {
            if let Some(list) = self.times.get_mut(&(s.pop, s.neuron)) {
                list.push(s.step as f64 * dt);
            }
        }
        self.next_spike = data.spike_count;
        // A newly shown neuron: its history, once.
        for t in shown {
            let key = (t.pop as u32, t.neuron as u32);
            self.times.entry(key).or_insert_with(|| {
                data.spikes.iter().filter(|s| (s.pop, s.neuron) == key).map(|s| s.step as f64 * dt).collect()
            });
        }
        // Forget what the window no longer keeps.
        let horizon = data.time_ms - crate::app::live::KEEP_MS;
        for list in self.times.values_mut() {
            let old = list.partition_point(|&x| x < horizon);
            if old > 1024 {
                list.drain(..old);
            }
        }
        &self.times
    }
}

impl Default for TracesView {
    fn default() -> Self {
        TracesView {
            variable: "v".into(),
            only_selected: false,
            stacked: false,
            markers: SpikeTimes::default(),
        }
    }
}

impl View for TracesView {
    fn file_stem(&self) -> &'static str {
        "traces"
    }

    /// Every recorded trace the window keeps, one column each, on a common time axis.
    fn table(&self, data: &LiveData, _: &Shared) -> Option<Table> {
        traces_table(data)
    }

    fn title(&self) -> &'static str {
        "Traces"
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &LiveData, shared: &mut Shared) {
        let variables = self.variables(data, shared);
        ui.horizontal_wrapped(|ui| {
            time_controls(ui, shared);
            ui.separator();
            // No label beside it: the selected text names the variable, and the plot's axis
            // says it too; a narrow tab then keeps the whole row.
            egui::ComboBox::from_id_salt("variable")
                .width(70.0)
                .selected_text(self.variable.as_str())
                .show_ui(ui, |ui| {
                    for (name, unit) in &variables {
                        if ui.selectable_label(self.variable == *name, axes::labelled(name, unit)).clicked() {
                            self.variable = name.clone();
                            if let Some((pop, neuron)) = shared.selected {
                                shared.watch = Some((pop, neuron, name.clone()));
                            }
                        }
                    }
                })
                .response
                .on_hover_text("Which state variable to plot");
            ui.checkbox(&mut self.only_selected, "selected only")
                .on_hover_text("Show only the neuron selected in the raster");
            ui.checkbox(&mut self.stacked, "stacked")
                .on_hover_text("One plot per neuron instead of overlaid");
        });
        shared.trace_variable.clone_from(&self.variable);
        let shown: Vec<&LiveTrace> = data
            .traces
            .iter()
            .filter(|t| t.variable == self.variable)
            .filter(|t| !self.only_selected || shared.selected == Some((t.pop, t.neuron)))
            .collect();
        if self.stacked && shown.len() > 1 {
            let height = (ui.available_height() / shown.len() as f32 - ui.spacing().item_spacing.y).max(40.0);
            egui::ScrollArea::vertical().show(ui, |ui| {
                for trace in &shown {
                    let id = ("traces", trace.pop, trace.neuron);
                    self.plot(ui, data, shared, std::slice::from_ref(trace), egui::Id::new(id), Some(height));
                }
            });
        } else {
            self.plot(ui, data, shared, &shown, egui::Id::new("traces"), None);
        }
    }
}

impl TracesView {
    /// One plot of `shown`, `height` points high (default: all the space left).
    fn plot(
        &mut self,
        ui: &mut egui::Ui,
        data: &LiveData,
        shared: &mut Shared,
        shown: &[&LiveTrace],
        id: egui::Id,
        height: Option<f32>,
    ) {
        // Nothing recorded yet: the unit the model gives the variable.
        let unit = shown.first().map(|t| t.unit.clone()).unwrap_or_else(|| {
            let vars = data.info.model.populations.iter().flat_map(|p| p.model.state_vars(p.synapse));
            vars.into_iter().find(|v| v.name == self.variable).map_or(String::new(), |v| v.unit.to_string())
        });
        let (x0, x1) = shared.live_window(data.time_ms);
        let follow = shared.follow;
        let y = axes::y(&axes::labelled(&self.variable, &unit));
        let mut plot = axes::plot(id, axes::time(data.time_ms), y)
            .link_axis("time", [true, false])
            .link_cursor("time", [true, false]);
        if follow {
            plot = plot.default_x_bounds(x0, x1);
        }
        let thresholds: Vec<f64> = if self.variable == "v" {
            let pops: std::collections::BTreeSet<usize> = shown.iter().map(|t| t.pop).collect();
            pops.into_iter().filter_map(|p| threshold(data, p)).collect()
        } else {
            Vec::new()
        };
        if shown.iter().all(|t| t.values.is_empty()) {
            // Potentials from below reset to above threshold; other variables from 0.
            let y = match (self.variable.as_str(), shown.first().copied().or(data.traces.first())) {
                ("v", Some(t)) => potential_range(data, t.pop),
                _ => (0.0, 1.0),
            };
            plot = axes::before_data(plot, (x0, x1), y);
        }
        let mut entries: Vec<(String, Color32, Mark)> = shown
            .iter()
            .enumerate()
            .map(|(k, t)| (trace_name(data, t), population_color(k), Mark::Line))
            .collect();
        if !thresholds.is_empty() {
            entries.push(("threshold".into(), Color32::GRAY, Mark::Dashed));
        }
        if !entries.is_empty() {
            key(ui, &entries);
        }
        if let Some(h) = height {
            plot = plot.height(h);
        }
        let width_px = ui.available_width().max(1.0) as usize;
        let spike_times = self.markers.update(data, shown);
        let response = plot.show(ui, |plot_ui| {
            let (lo, hi) = visible_x(plot_ui, follow, (x0, x1));
            let (t0, t1) = (lo, hi);
            // Spike markers of the shown neurons, from their spike times within the window.
            let mut marks: Vec<Vec<[f64; 2]>> = shown
                .iter()
                .map(|t| {
                    if self.variable != "v" {
                        return Vec::new();
                    }
                    let top = threshold(data, t.pop).unwrap_or(0.0);
                    let times =
                        spike_times.get(&(t.pop as u32, t.neuron as u32)).map_or(&[][..], Vec::as_slice);
                    let (a, b) = (times.partition_point(|&x| x < t0), times.partition_point(|&x| x <= t1));
                    times[a..b].iter().map(|&x| [x, top]).collect()
                })
                .collect();
            let mut lines = 0;
            for (k, trace) in shown.iter().enumerate() {
                let selected = shared.selected == Some((trace.pop, trace.neuron));
                let points = decimate(trace, t0, t1, width_px);
                if points.is_empty() {
                    continue;
                }
                lines += 1;
                // One colour per trace, as in the key; the selected neuron's line is heavier.
                let color = population_color(k);
                plot_ui.line(
                    Line::new(trace_name(data, trace), PlotPoints::from(points))
                        .color(color)
                        .width(if selected { 2.4 } else { 1.2 }),
                );
                let list = std::mem::take(&mut marks[k]);
                if !list.is_empty() {
                    plot_ui.points(
                        Points::new("", PlotPoints::from(list))
                            .shape(MarkerShape::Down)
                            .radius(4.0)
                            .color(color),
                    );
                }
            }
            for &th in &thresholds {
                plot_ui.hline(
                    HLine::new("threshold", th)
                        .color(Color32::GRAY)
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
            lines
        });
        if height.is_none() {
            shared.plots.insert("traces", response.transform);
        }
        let r = &response.response;
        stop_following_on_interaction(ui, r, shared);
        if response.inner == 0 {
            let hint = if data.traces.is_empty() {
                "No traces recorded — click a neuron in the raster to watch it"
            } else {
                "Nothing recorded in this window yet — press ▶ Play (Space)"
            };
            plot_hint(ui, &response, hint);
        }
    }

    /// State variables of the recorded and selected neurons' populations, with units.
    fn variables(&self, data: &LiveData, shared: &Shared) -> Vec<(String, String)> {
        let mut pops: Vec<usize> = data.traces.iter().map(|t| t.pop).collect();
        pops.extend(shared.selected.map(|(p, _)| p));
        pops.sort_unstable();
        pops.dedup();
        let mut out: Vec<(String, String)> = Vec::new();
        for p in pops {
            if let Some(spec) = data.info.model.populations.get(p) {
                for v in spec.model.state_vars(spec.synapse) {
                    if !out.iter().any(|(n, _)| n == v.name) {
                        out.push((v.name.to_string(), v.unit.to_string()));
                    }
                }
            }
        }
        out
    }
}

/// A trace's name: its population and neuron ("exc 3").
fn trace_name(data: &LiveData, trace: &LiveTrace) -> String {
    let name = data.info.populations.get(trace.pop).map_or("?", |(n, _)| n.as_str());
    format!("{name} {}", trace.neuron)
}

/// The potentials a population's neurons live between: from rest or reset, whichever is lower,
/// to the spike threshold, with 10 mV either side.
fn potential_range(data: &LiveData, pop: usize) -> (f64, f64) {
    let Some(spec) = data.info.model.populations.get(pop) else { return (-80.0, -40.0) };
    let values = crate::neurons::Values::of(spec);
    let top = spec.model.spike_at(&values).unwrap_or(-40.0);
    let low = spec.param("v_reset").into_iter().fold(spec.model.rest(&values).min(top - 20.0), f64::min);
    (low - 10.0, top + 10.0)
}

/// The potential at which a spike is counted, for populations that have one.
fn threshold(data: &LiveData, pop: usize) -> Option<f64> {
    let spec = data.info.model.populations.get(pop)?;
    spec.model.spike_at(&crate::neurons::Values::of(spec))
}

/// Samples of `trace` within [t0, t1], reduced to at most two points per pixel column
/// (the column's minimum and maximum, in time order) when there are more.
pub fn decimate(trace: &LiveTrace, t0: f64, t1: f64, columns: usize) -> Vec<[f64; 2]> {
    if trace.values.is_empty() || t1 <= t0 {
        return Vec::new();
    }
    let index = |t: f64| {
        ((t - trace.t0_ms) / trace.interval_ms).floor().clamp(0.0, trace.values.len() as f64) as usize
    };
    let (a, b) = (index(t0), (index(t1) + 2).min(trace.values.len()));
    if a >= b {
        return Vec::new();
    }
    let n = b - a;
    if n <= 2 * columns.max(1) {
        return (a..b).map(|j| [trace.time_ms(j), trace.values[j] as f64]).collect();
    }
    let per_column = n.div_ceil(columns.max(1));
    let mut out = Vec::with_capacity(2 * columns + 2);
    for start in (a..b).step_by(per_column) {
        let end = (start + per_column).min(b);
        let (mut lo, mut hi) = (start, start);
        for j in start..end {
            if trace.values[j] < trace.values[lo] {
                lo = j;
            }
            if trace.values[j] > trace.values[hi] {
                hi = j;
            }
        }
        let (first, second) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        out.push([trace.time_ms(first), trace.values[first] as f64]);
        if second != first {
            out.push([trace.time_ms(second), trace.values[second] as f64]);
        }
    }
    out
}

/// The recorded traces as columns on the time grid of the finest sampling interval: one row
/// per sample time, NaN where a trace has no sample (it started later, or samples less often).
pub fn traces_table(data: &LiveData) -> Option<Table> {
    let interval = data.traces.iter().map(|t| t.interval_ms).fold(f64::INFINITY, f64::min);
    let t0 = data.traces.iter().map(|t| t.t0_ms).fold(f64::INFINITY, f64::min);
    if !(interval.is_finite() && interval > 0.0) {
        return None;
    }
    let rows = data
        .traces
        .iter()
        .map(|t| ((t.time_ms(t.values.len()) - t0) / interval).round() as usize)
        .max()
        .unwrap_or(0);
    let mut columns = vec![("time_ms".to_string(), (0..rows).map(|j| t0 + j as f64 * interval).collect())];
    for t in &data.traces {
        let name = data.info.populations.get(t.pop).map_or("?", |p| p.0.as_str());
        let mut column = vec![f64::NAN; rows];
        for (j, &x) in t.values.iter().enumerate() {
            let row = ((t.time_ms(j) - t0) / interval).round() as usize;
            if let Some(cell) = column.get_mut(row) {
                *cell = x as f64;
            }
        }
        columns.push((format!("{name} {} {} ({})", t.neuron, t.variable, t.unit), column));
    }
    Some(Table::from_columns(columns))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::runner::{Batch, NetInfo};
    use crate::sim::Spike;

    #[test]
    fn followed_spike_times_equal_a_full_scan() {
        let mut data = LiveData::default();
        data.reset(NetInfo {
            dt_ms: 0.1,
            populations: vec![("a".into(), 4), ("b".into(), 3)],
            ..Default::default()
        });
        let trace = |pop, neuron| LiveTrace {
            pop,
            neuron,
            variable: "v".into(),
            unit: "mV".into(),
            t0_ms: 0.0,
            interval_ms: 0.1,
            values: Vec::new(),
        };
        let (t1, t2) = (trace(0, 2), trace(1, 1));
        let mut cache = SpikeTimes::default();
        let mut step = 0;
        for batch in 0..30u64 {
            let spikes: Vec<Spike> = (0..9u64)
                .map(|k| {
                    step += 1 + (k + batch) % 4;
                    Spike { step, pop: (k % 2) as u32, neuron: ((k + batch) % 3) as u32 }
                })
                .collect();
            data.take(Batch { time_ms: step as f64 * 0.1, spikes, playing: true, ..Default::default() });
            // The second neuron starts being shown halfway through.
            let shown: Vec<&LiveTrace> = if batch < 15 { vec![&t1] } else { vec![&t1, &t2] };
            let times = cache.update(&data, &shown).clone();
            for t in shown {
                let full: Vec<f64> = data
                    .spikes
                    .iter()
                    .filter(|s| s.pop as usize == t.pop && s.neuron as usize == t.neuron)
                    .map(|s| s.step as f64 * 0.1)
                    .collect();
                assert_eq!(times[&(t.pop as u32, t.neuron as u32)], full, "batch {batch}");
            }
        }
    }

    #[test]
    fn traces_table_puts_each_sample_at_its_time() {
        let mut data = LiveData::default();
        data.reset(NetInfo { dt_ms: 0.1, populations: vec![("a".into(), 4)], ..Default::default() });
        let trace = |neuron, t0_ms, interval_ms, values: Vec<f32>| LiveTrace {
            pop: 0,
            neuron,
            variable: "v".into(),
            unit: "mV".into(),
            t0_ms,
            interval_ms,
            values,
        };
        // One from 0 ms every 0.1 ms; one watched from 0.2 ms; one sampled every 0.2 ms.
        data.traces = vec![
            trace(0, 0.0, 0.1, vec![1.0, 2.0, 3.0, 4.0]),
            trace(1, 0.2, 0.1, vec![5.0, 6.0]),
            trace(2, 0.0, 0.2, vec![7.0, 8.0]),
        ];
        let t = traces_table(&data).unwrap();
        assert_eq!(t.columns, ["time_ms", "a 0 v (mV)", "a 1 v (mV)", "a 2 v (mV)"]);
        let nan = f64::NAN;
        let expected = [
            [0.0, 1.0, nan, 7.0],
            [0.1, 2.0, nan, nan],
            [0.2, 3.0, 5.0, 8.0],
            [0.30000000000000004, 4.0, 6.0, nan],
        ];
        assert_eq!(t.data.nrows(), 4);
        for (row, want) in t.data.rows().into_iter().zip(expected) {
            for (&got, want) in row.iter().zip(want) {
                assert!(got == want || (got.is_nan() && want.is_nan()), "{row} vs {want:?}");
            }
        }
    }
}
