//! Spike-train statistics of one population (or one neuron) over a recent window: the ISI
//! histogram with its CV, the distribution of firing rates across neurons, and the population
//! rate's power spectrum or autocorrelation (oscillations show as a peak). All numbers come
//! from [`crate::analysis`], the same functions as `spikelab run --json`.

use super::axes;
use super::{LiveData, Shared, View, empty_hint, population_color};
use crate::analysis::{
    Histogram, autocorrelation, cv, isis, population_rate, power_spectrum, rates_per_neuron, spike_trains,
};
use crate::export::Table;
use crate::model::Dimension;
use egui_plot::{Bar, BarChart, Line, PlotPoints, VLine};
use std::time::{Duration, Instant};

pub struct StatsView {
    /// Population shown.
    pop: usize,
    /// Only the selected neuron instead of the whole population (ISI only).
    neuron_only: bool,
    /// Length of the analysed window, ending now, ms.
    window_ms: f64,
    /// Bin of the population rate for the spectrum, ms.
    bin_ms: f64,
    spectrum: bool,
    stats: Option<Stats>,
    computed: Option<(Instant, Key)>,
    seen_selection: Option<(usize, usize)>,
}

impl Default for StatsView {
    fn default() -> Self {
        StatsView {
            pop: 0,
            neuron_only: false,
            window_ms: 2000.0,
            bin_ms: 0.5,
            spectrum: true,
            stats: None,
            computed: None,
            seen_selection: None,
        }
    }
}

/// What the statistics were computed from: (generation, time, pop, neuron, window, bin).
type Key = (u64, u64, usize, Option<usize>, u64, u64);

/// Bins of the ISI and rate histograms.
const BINS: usize = 40;
/// While running, statistics are recomputed at most this often (a second of Brunel's network
/// is half a million spikes).
const REFRESH: Duration = Duration::from_millis(500);

/// The numbers shown, computed from one window of spikes.
#[derive(Clone, Debug)]
pub struct Stats {
    pub t0_ms: f64,
    pub t1_ms: f64,
    pub spikes: usize,
    pub isi: Histogram,
    /// CV of the pooled ISIs of the neuron, or the mean CV over the population's neurons.
    pub cv: Option<f64>,
    pub rates: Histogram,
    pub mean_rate_hz: f64,
    pub spectrum: crate::analysis::Spectrum,
    /// The spectrum averaged over [`SMOOTH_HZ`] bands, where peaks are looked for.
    pub smoothed: crate::analysis::Spectrum,
    pub autocorrelation: Vec<f64>,
    /// The smoothed spectrum's largest peak above [`MIN_PEAK_HZ`]: frequency, power, and its
    /// contrast (ratio to the median power above [`MIN_PEAK_HZ`]).
    pub peak: Option<(f64, f64, f64)>,
    /// [`crate::analysis::synchrony`] of the population rate (the lessons' checks use it).
    pub synchrony: Option<f64>,
}

/// Width of the band the spectrum is averaged over before its peak is looked for, Hz.
pub const SMOOTH_HZ: f64 = 5.0;
/// Peaks are looked for above this frequency: an oscillation, not the slow drift near 0 Hz.
pub const MIN_PEAK_HZ: f64 = 5.0;

/// Statistics of population `pop` (or one of its neurons) over [t1 − window, t1].
pub fn compute(
    data: &LiveData,
    pop: usize,
    neuron: Option<usize>,
    window_ms: f64,
    bin_ms: f64,
) -> Option<Stats> {
    let (_, size) = data.info.populations.get(pop)?;
    let dt = data.info.dt_ms;
    let t1 = data.time_ms;
    let t0 = (t1 - window_ms).max(0.0);
    let spikes = data.spikes_between(t0, t1);
    let mut trains = spike_trains(spikes, pop as u32, *size, dt);
    let duration = t1 - t0;
    let rates = rates_per_neuron(&trains, duration);
    let mean_rate_hz = rates.iter().sum::<f64>() / rates.len().max(1) as f64;
    if let Some(n) = neuron {
        trains = vec![trains.get(n).cloned().unwrap_or_default()];
    }
    let intervals: Vec<f64> = trains.iter().flat_map(|t| isis(t)).collect();
    let cv = match neuron {
        Some(_) => cv(&intervals),
        None => crate::analysis::mean_cv_isi(&trains),
    };
    let rate = population_rate(spikes, pop as u32, *size, dt, bin_ms, t0, t1);
    let spectrum = power_spectrum(&rate, bin_ms);
    let smoothed = spectrum.smoothed(SMOOTH_HZ);
    let peak = smoothed.peak(MIN_PEAK_HZ).and_then(|(f, p)| Some((f, p, smoothed.contrast(p, MIN_PEAK_HZ)?)));
    let lags = (100.0 / bin_ms).round() as usize;
    Some(Stats {
        t0_ms: t0,
        t1_ms: t1,
        spikes: trains.iter().map(Vec::len).sum(),
        isi: Histogram::auto(&intervals, BINS),
        cv,
        rates: Histogram::auto(&rates, BINS),
        mean_rate_hz,
        spectrum,
        smoothed,
        autocorrelation: autocorrelation(&rate, lags).unwrap_or_default(),
        peak,
        synchrony: crate::analysis::synchrony(&rate),
    })
}

impl StatsView {
    /// The statistics shown now.
    pub fn stats(&self) -> Option<&Stats> {
        self.stats.as_ref()
    }
}

impl View for StatsView {
    fn file_stem(&self) -> &'static str {
        "statistics"
    }

    /// The two histograms, the spectrum and the autocorrelation, as columns.
    fn table(&self, _: &LiveData, _: &Shared) -> Option<Table> {
        let s = self.stats.as_ref()?;
        let counts = |h: &Histogram| h.counts.iter().map(|&c| c as f64).collect();
        let bin = self.computed.map_or(self.bin_ms, |(_, k)| f64::from_bits(k.5));
        Some(Table::from_columns(vec![
            ("isi_bin_center_ms".into(), s.isi.centers()),
            ("isi_count".into(), counts(&s.isi)),
            ("rate_bin_center_hz".into(), s.rates.centers()),
            ("neurons".into(), counts(&s.rates)),
            ("frequency_hz".into(), s.spectrum.freq_hz.clone()),
            ("power".into(), s.spectrum.power.clone()),
            ("lag_ms".into(), (0..s.autocorrelation.len()).map(|k| k as f64 * bin).collect()),
            ("autocorrelation".into(), s.autocorrelation.clone()),
        ]))
    }

    fn title(&self) -> &'static str {
        "Statistics"
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &LiveData, shared: &mut Shared) {
        let pops = &data.info.populations;
        if pops.is_empty() {
            empty_hint(ui, ui.max_rect(), "No populations");
            return;
        }
        if shared.selected != self.seen_selection {
            // A click in the raster also chooses the population here.
            self.seen_selection = shared.selected;
            if let Some((p, _)) = shared.selected {
                self.pop = p;
            }
        }
        self.pop = self.pop.min(pops.len() - 1);
        ui.horizontal_wrapped(|ui| {
            egui::ComboBox::from_id_salt("stats population")
                .selected_text(&pops[self.pop].0)
                .show_ui(ui, |ui| {
                    for (k, (name, _)) in pops.iter().enumerate() {
                        ui.selectable_value(&mut self.pop, k, name);
                    }
                })
                .response
                .on_hover_text("Which population to analyse");
            let selected = shared.selected.filter(|&(p, _)| p == self.pop).map(|(_, n)| n);
            ui.add_enabled(
                selected.is_some(),
                egui::Checkbox::new(
                    &mut self.neuron_only,
                    selected.map_or("only the selected neuron".into(), |n| format!("only neuron {n}")),
                ),
            )
            .on_hover_text("ISI of one neuron (click it in the raster) instead of the whole population")
            .on_disabled_hover_text("Click a neuron of this population in the raster first");
            ui.separator();
            ui.label("last");
            crate::app::number::Number::of(Dimension::Time)
                .range(10.0..=20_000.0)
                .speed(10.0)
                .show(ui, &mut self.window_ms)
                .0
                .on_hover_text("The window analysed, ending now (the window keeps the last 20 s)");
            ui.label("rate bin");
            crate::app::number::Number::of(Dimension::Time)
                .range(0.1..=50.0)
                .speed(0.1)
                .show(ui, &mut self.bin_ms)
                .0
                .on_hover_text("Bin of the population rate for the spectrum: Nyquist frequency is 1/(2·bin)");
        });
        let neuron = if self.neuron_only {
            shared.selected.filter(|&(p, _)| p == self.pop).map(|(_, n)| n)
        } else {
            None
        };
        let bin = self.bin_ms.max(data.info.dt_ms);
        let key: Key = (
            data.generation,
            data.time_ms.to_bits(),
            self.pop,
            neuron,
            self.window_ms.to_bits(),
            bin.to_bits(),
        );
        let stale = self.computed.is_none_or(|(at, k)| {
            let same_settings = (k.0, k.2, k.3, k.4, k.5) == (key.0, key.2, key.3, key.4, key.5);
            k != key && (!same_settings || !data.playing || at.elapsed() > REFRESH)
        });
        if stale {
            self.stats = compute(data, self.pop, neuron, self.window_ms, bin);
            self.computed = Some((Instant::now(), key));
        }
        let Some(s) = &self.stats else { return };
        let color = population_color(self.pop);
        let (name, size) = &pops[self.pop];
        let who = neuron
            .map_or(format!("{name} ({size} neuron{})", if *size == 1 { "" } else { "s" }), |n| {
                format!("{} neuron {n}", pops[self.pop].0)
            });
        ui.horizontal_wrapped(|ui| {
            ui.label(format!(
                "{who}, {:.0}–{:.0} ms: {} spikes, mean rate {:.2} Hz, CV of ISI {},",
                s.t0_ms,
                s.t1_ms,
                s.spikes,
                s.mean_rate_hz,
                s.cv.map_or("– (too few spikes)".into(), |c| format!("{c:.2}"))
            ));
            ui.label(format!("synchrony {}", s.synchrony.map_or("–".into(), |c| format!("{c:.2}"))))
                .on_hover_text(format!(
                    "CV of the population rate in {bin} ms bins: 0 for a perfectly flat rate, \
                     about 1/√(spikes per bin) for independent neurons, 1 or more for volleys"
                ));
        });
        let half = ((ui.available_height() - 8.0) / 2.0).max(80.0);
        ui.columns(2, |cols| {
            cols[0].set_max_height(half);
            bars(&mut cols[0], "isi", &s.isi, ("inter-spike interval (ms)", 100.0), "intervals", color);
            cols[1].set_max_height(half);
            bars(&mut cols[1], "rates", &s.rates, ("firing rate (Hz)", 20.0), "neurons", color);
        });
        ui.horizontal_wrapped(|ui| {
            ui.selectable_value(&mut self.spectrum, true, "power spectrum")
                .on_hover_text("Power spectral density of the population rate: oscillations give peaks");
            ui.selectable_value(&mut self.spectrum, false, "autocorrelation")
                .on_hover_text("Autocorrelation of the population rate: oscillations give ripples");
            if let Some((f, _, contrast)) = s.peak {
                ui.label(format!(
                    "largest peak above {MIN_PEAK_HZ} Hz: {f:.0} Hz, {contrast:.0}× the median power"
                ))
                .on_hover_text(format!(
                    "Peaks are looked for in the spectrum averaged over {SMOOTH_HZ} Hz bands (the dark \
                         line). Averaged white noise seldom peaks above 3× its median; a higher peak is a \
                         rhythm of the network, sharp for an oscillation, broad for a damped one"
                ));
            }
        });
        if self.spectrum {
            let points: Vec<[f64; 2]> =
                s.spectrum.freq_hz.iter().zip(&s.spectrum.power).skip(1).map(|(&f, &p)| [f, p]).collect();
            let smoothed: Vec<[f64; 2]> =
                s.smoothed.freq_hz.iter().zip(&s.smoothed.power).skip(1).map(|(&f, &p)| [f, p]).collect();
            let nyquist = 500.0 / bin;
            let mut plot = axes::plot("spectrum", axes::x("frequency (Hz)"), axes::y("power (Hz²/Hz)"))
                .include_x(0.0)
                .include_y(0.0);
            if points.is_empty() {
                plot = axes::before_data(plot, (0.0, nyquist), (0.0, 1.0));
            }
            plot.show(ui, |plot_ui| {
                plot_ui.line(
                    Line::new("population rate", PlotPoints::new(points)).color(color.gamma_multiply(0.35)),
                );
                plot_ui.line(
                    Line::new(format!("averaged over {SMOOTH_HZ} Hz"), PlotPoints::new(smoothed))
                        .color(color)
                        .width(2.0),
                );
                if let Some((f, _, _)) = s.peak {
                    plot_ui.vline(VLine::new(format!("peak {f:.1} Hz"), f).color(egui::Color32::GRAY));
                }
            });
        } else {
            let points: Vec<[f64; 2]> =
                s.autocorrelation.iter().enumerate().map(|(k, &r)| [k as f64 * bin, r]).collect();
            let mut plot = axes::plot("autocorrelation", axes::x("lag (ms)"), axes::y("autocorrelation"));
            if points.is_empty() {
                plot = axes::before_data(plot, (0.0, 100.0), (-1.0, 1.0));
            }
            plot.show(ui, |plot_ui| {
                plot_ui.line(Line::new("population rate", PlotPoints::new(points)).color(color))
            });
        }
    }
}

/// A histogram of a quantity that is never negative; `(x, empty_to)` name its axis and where
/// that axis ends while there is nothing to count.
fn bars(
    ui: &mut egui::Ui,
    id: &str,
    h: &Histogram,
    (x, empty_to): (&str, f64),
    y: &str,
    color: egui::Color32,
) {
    let bars: Vec<Bar> = h
        .centers()
        .iter()
        .zip(&h.counts)
        .map(|(&c, &n)| Bar::new(c, n as f64).width(h.bin * 0.95).fill(color))
        .collect();
    let mut plot = axes::plot(id, axes::x(x), axes::y(y)).allow_scroll(false).include_x(0.0).include_y(0.0);
    if h.counts.iter().all(|&n| n == 0) {
        plot = axes::before_data(plot, (0.0, empty_to), (0.0, 1.0));
    }
    plot.show(ui, |plot_ui| plot_ui.bar_chart(BarChart::new(y, bars).color(color)));
}
