//! Population rates: spikes per neuron per second in bins of adjustable width, one line per
//! population, computed by the shared analysis module.

use super::{LiveData, Shared, View, empty_hint, population_color, time_controls};
use crate::analysis::population_rates;
use egui_plot::{Legend, Line, Plot, PlotPoints};

pub struct RatesView {
    pub bin_ms: f64,
}

impl Default for RatesView {
    fn default() -> Self {
        RatesView { bin_ms: 5.0 }
    }
}

impl View for RatesView {
    fn title(&self) -> &'static str {
        "Rates"
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &LiveData, shared: &mut Shared) {
        ui.horizontal(|ui| {
            time_controls(ui, shared);
            ui.separator();
            ui.label("Bin");
            ui.add(egui::DragValue::new(&mut self.bin_ms).range(0.1..=500.0).speed(0.5).suffix(" ms"))
                .on_hover_text("Width of the time bins in which spikes are counted");
        });
        let (x0, x1) = shared.live_window(data.time_ms);
        let follow = shared.follow;
        let mut plot = Plot::new("rates")
            .x_axis_label("time (ms)")
            .y_axis_label("rate (Hz per neuron)")
            .link_axis("time", [true, false])
            .link_cursor("time", [true, false])
            .include_y(0.0)
            .legend(Legend::default());
        if follow {
            plot = plot.default_x_bounds(x0, x1);
        }
        let bin = self.bin_ms;
        let response = plot.show(ui, |plot_ui| {
            let bounds = plot_ui.plot_bounds();
            let (lo, hi) = if follow {
                plot_ui.set_plot_bounds_x(x0..=x1);
                (x0, x1)
            } else {
                (bounds.min()[0], bounds.max()[0])
            };
            // Bins are aligned to multiples of the bin width so they do not jitter while scrolling.
            let start = ((lo / bin).floor() * bin).max(0.0);
            let end = hi.min(data.time_ms);
            let spikes = data.spikes_between(start, end);
            let mut any = false;
            let sizes: Vec<usize> = data.info.populations.iter().map(|(_, s)| *s).collect();
            let rates = population_rates(spikes, &sizes, data.info.dt_ms, bin, start, end);
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
        if r.dragged() || (r.hovered() && ui.input(|i| i.smooth_scroll_delta != egui::Vec2::ZERO)) {
            shared.follow = false;
        }
        if !response.inner {
            empty_hint(ui, r.rect, "No activity yet — press ▶ Play (Space)");
        }
    }
}
