//! F–I curve tool: the steady-state firing rate of a population's neuron model, with its
//! current parameters, against a swept DC current. The sweep runs on its own thread (one
//! network, a neuron per current) with a progress bar, and starts again by itself when a
//! parameter or the range changes. For models with a closed-form rate (LIF, QIF) the analytic
//! curve and the rheobase are drawn over it.

use super::axes;
use super::{LiveData, Mark, Shared, View, empty_hint, population_color};
use crate::analysis::{FiError, FiPoint, fi_curve, rate_analytic};
use crate::export::Table;
use crate::model::{Dimension, Population};
use crate::neurons::Values;
use egui_plot::{Line, PlotPoints, Points, VLine};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

#[derive(Default)]
pub struct FiView {
    pop: Option<usize>,
    /// Range of the sweep, pA, and number of currents; per population, kept while switching.
    settings: std::collections::BTreeMap<String, Sweep>,
    job: Option<Job>,
    /// The last finished sweep and what it was computed for.
    result: Option<(Key, Result<Vec<FiPoint>, FiError>)>,
}

#[derive(Clone, Debug, PartialEq)]
struct Sweep {
    from_pa: f64,
    to_pa: f64,
    points: usize,
    duration_ms: f64,
}

/// What a sweep depends on: the population as it is now, and the sweep settings.
#[derive(Clone, Debug, PartialEq)]
struct Key {
    population: Population,
    dt: crate::model::Quantity,
    sweep: Sweep,
}

struct Job {
    key: Key,
    cancel: Arc<AtomicBool>,
    /// Fraction done, as f64 bits.
    progress: Arc<AtomicU64>,
    done: Receiver<Result<Vec<FiPoint>, FiError>>,
}

impl Drop for Job {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Release);
    }
}

/// A sweep that shows the interesting part of each model's curve (the model says how far).
fn default_sweep(p: &Population) -> Sweep {
    let to_pa = p.model.fi_range_pa(&Values::of(p));
    Sweep { from_pa: 0.0, to_pa, points: 41, duration_ms: 1000.0 }
}

impl Sweep {
    fn currents(&self) -> Vec<f64> {
        let n = self.points.max(2);
        (0..n).map(|k| self.from_pa + (self.to_pa - self.from_pa) * k as f64 / (n - 1) as f64).collect()
    }
}

impl FiView {
    /// The last finished curve, if it was computed for the population as it is now.
    pub fn curve(&self) -> Option<&[FiPoint]> {
        match &self.result {
            Some((_, Ok(points))) if self.job.is_none() => Some(points),
            _ => None,
        }
    }

    fn start(&mut self, key: Key, ctx: &egui::Context) {
        let cancel = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(AtomicU64::new(0f64.to_bits()));
        let (tx, done) = channel();
        let model = crate::model::Model {
            simulation: crate::model::Simulation { dt: key.dt, ..Default::default() },
            populations: vec![key.population.clone()],
            ..Default::default()
        };
        let currents = key.sweep.currents();
        let duration = key.sweep.duration_ms;
        let (flag, fraction, ctx) = (cancel.clone(), progress.clone(), ctx.clone());
        let spawned = std::thread::Builder::new().name("F–I sweep".into()).spawn(move || {
            let mut report = |f: f64| {
                fraction.store(f.to_bits(), Ordering::Release);
                ctx.request_repaint();
                !flag.load(Ordering::Acquire)
            };
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                fi_curve(&model, 0, &currents, duration, &mut report)
            }))
            .unwrap_or_else(|_| Err(FiError::Sim("internal error in the simulator".into())));
            let _ = tx.send(outcome);
            ctx.request_repaint();
        });
        match spawned {
            Ok(_) => self.job = Some(Job { key, cancel, progress, done }),
            Err(e) => self.result = Some((key, Err(FiError::Sim(format!("cannot start a thread: {e}"))))),
        }
    }
}

impl View for FiView {
    fn file_stem(&self) -> &'static str {
        "fi_curve"
    }

    /// Current, simulated rate, and the analytic rate where the model has one.
    fn table(&self, _: &LiveData, _: &Shared) -> Option<Table> {
        let (key, Ok(points)) = self.result.as_ref()? else { return None };
        let analytic =
            points.iter().map(|p| rate_analytic(&key.population, p.current_pa).unwrap_or(f64::NAN)).collect();
        Some(Table::from_columns(vec![
            ("current_pa".into(), points.iter().map(|p| p.current_pa).collect()),
            ("rate_hz".into(), points.iter().map(|p| p.rate_hz).collect()),
            ("analytic_rate_hz".into(), analytic),
        ]))
    }

    fn title(&self) -> &'static str {
        "F–I curve"
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &LiveData, shared: &mut Shared) {
        let model = &data.info.model;
        let neurons: Vec<usize> =
            (0..model.populations.len()).filter(|&k| model.populations[k].model.receives_input()).collect();
        let Some(&first) = neurons.first() else {
            empty_hint(
                ui,
                ui.max_rect(),
                "The F–I curve needs a population of neurons; this model has only sources",
            );
            return;
        };
        // Follow the raster's selection; keep the choice otherwise.
        let selected = shared.selected.map(|(p, _)| p).filter(|p| neurons.contains(p));
        let pop = selected.or(self.pop.filter(|p| neurons.contains(p))).unwrap_or(first);
        self.pop = Some(pop);
        let population = &model.populations[pop];
        let sweep = self.settings.entry(population.name.clone()).or_insert_with(|| default_sweep(population));
        ui.horizontal_wrapped(|ui| {
            egui::ComboBox::from_id_salt("fi population")
                .selected_text(format!("{} ({})", population.name, population.model.display_name()))
                .show_ui(ui, |ui| {
                    for &k in &neurons {
                        let p = &model.populations[k];
                        if ui
                            .selectable_label(k == pop, format!("{} ({})", p.name, p.model.display_name()))
                            .clicked()
                        {
                            self.pop = Some(k);
                            shared.selected = None;
                        }
                    }
                })
                .response
                .on_hover_text(
                    "Whose neuron model and parameters to sweep (edits in the inspector redo the curve)",
                );
            ui.label("current from");
            let current = crate::app::number::Number::of(Dimension::Current);
            current.show(ui, &mut sweep.from_pa);
            ui.label("to");
            current.show(ui, &mut sweep.to_pa);
            ui.label("in");
            crate::app::number::Number::count("currents").range(2.0..=400.0).show(ui, &mut sweep.points);
            ui.label("steps of");
            crate::app::number::Number::of(Dimension::Time)
                .range(50.0..=20_000.0)
                .speed(10.0)
                .show(ui, &mut sweep.duration_ms)
                .0
                .on_hover_text("Simulated time per current; the rate is measured over its second half");
        });
        if sweep.to_pa < sweep.from_pa {
            std::mem::swap(&mut sweep.from_pa, &mut sweep.to_pa);
        }
        let sweep = sweep.clone();
        let key = Key { population: population.clone(), dt: model.simulation.dt, sweep: sweep.clone() };
        // A finished job hands over its result.
        if let Some(job) = &self.job {
            match job.done.try_recv() {
                Ok(outcome) => {
                    self.result = Some((job.key.clone(), outcome));
                    self.job = None;
                }
                Err(TryRecvError::Disconnected) => self.job = None,
                Err(TryRecvError::Empty) => {}
            }
        }
        let current = self.job.as_ref().map(|j| &j.key).or(self.result.as_ref().map(|r| &r.0));
        if current != Some(&key) {
            self.job = None; // cancels a sweep of old settings
            self.start(key.clone(), ui.ctx());
        }
        if let Some(job) = &self.job {
            let f = f64::from_bits(job.progress.load(Ordering::Acquire));
            ui.horizontal(|ui| {
                ui.add(egui::ProgressBar::new(f as f32).desired_width(240.0).show_percentage())
                    .on_hover_text("Simulating one neuron per current in the background");
                if ui.button("Cancel").on_hover_text("Stop this sweep").clicked() {
                    job.cancel.store(true, Ordering::Release);
                }
            });
        }
        let points = match &self.result {
            Some((_, Err(FiError::Cancelled))) => {
                ui.label("Cancelled. Change a setting to sweep again.");
                None
            }
            Some((_, Err(e))) => {
                ui.colored_label(ui.visuals().error_fg_color, e.to_string());
                None
            }
            Some((_, Ok(points))) => Some(points.clone()),
            None => None,
        };
        let color = population_color(pop);
        let analytic: Option<Vec<[f64; 2]>> = population.model.rate_formula().is_some().then(|| {
            (0..=400)
                .filter_map(|k| {
                    let i = sweep.from_pa + (sweep.to_pa - sweep.from_pa) * k as f64 / 400.0;
                    rate_analytic(population, i).map(|r| [i, r])
                })
                .collect()
        });
        let rheobase = population.model.rheobase(&Values::of(population));
        if let (Some(r), Some(formula)) = (rheobase, population.model.rate_formula()) {
            ui.weak(format!(
                "{}: dots simulated, grey line analytic, orange line the rheobase, {r:.1} pA",
                population.model.display_name()
            ))
            .on_hover_text(format!("Analytic rate: {formula}"));
        }
        const RHEOBASE: egui::Color32 = egui::Color32::from_rgb(0xE6, 0x9F, 0x00);
        let mut entries = vec![("simulated".to_string(), color, Mark::Dot)];
        if analytic.is_some() {
            entries.push((
                format!("analytic ({})", population.model.display_name()),
                egui::Color32::GRAY,
                Mark::Line,
            ));
        }
        if rheobase.is_some() {
            entries.push(("rheobase".into(), RHEOBASE, Mark::Line));
        }
        super::key(ui, &entries);
        let mut plot =
            axes::plot("fi curve", axes::x("input current (pA)"), axes::y("steady-state rate (Hz)"))
                .include_y(0.0);
        if points.is_none() && analytic.is_none() {
            plot = axes::before_data(plot, (sweep.from_pa, sweep.to_pa), (0.0, 10.0));
        }
        plot.show(ui, |plot_ui| {
            if let Some(line) = analytic {
                plot_ui.line(
                    Line::new(
                        format!("analytic ({})", population.model.display_name()),
                        PlotPoints::new(line),
                    )
                    .color(egui::Color32::GRAY)
                    .width(2.0),
                );
            }
            if let Some(r) = rheobase {
                plot_ui.vline(VLine::new("rheobase", r).color(RHEOBASE));
            }
            if let Some(points) = points {
                let xy: Vec<[f64; 2]> = points.iter().map(|p| [p.current_pa, p.rate_hz]).collect();
                // Dots only, so that the analytic line stays visible under them.
                plot_ui.points(Points::new("simulated", xy).radius(3.5).color(color));
            }
        });
    }
}
