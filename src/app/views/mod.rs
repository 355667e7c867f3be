//! The views of the central area. Each view is its own file behind one small trait, and
//! [`Tab`] lists them (after egui's demo library). Views never talk to each other: they read
//! [`LiveData`] and read and write the [`Shared`] UI state.

mod fi;
mod graph;
mod heatmap;
mod learning;
mod phase;
mod raster;
mod rates;
mod stats;
mod traces;

pub use fi::FiView;
pub use graph::GraphView;
pub use heatmap::HeatmapView;
pub use learning::LearningView;
pub use phase::PhaseView;
pub use raster::RasterView;
pub use rates::RatesView;
pub use stats::StatsView;
pub use traces::TracesView;

use super::live::LiveData;
use crate::export::{ExportError, Table};
use egui::Color32;

/// UI state shared by the views: what is selected and which time window is shown.
#[derive(Debug)]
pub struct Shared {
    /// The selected neuron (population, index).
    pub selected: Option<(usize, usize)>,
    /// Width of the visible time window, ms.
    pub window_ms: f64,
    /// Whether the views scroll with the simulation.
    pub follow: bool,
    /// A neuron the user picked, and the variable to record (empty: the traces view's choice);
    /// the app forwards it to the runner.
    pub watch: Option<(usize, usize, String)>,
    /// The model as the app has it now (edits included), for views that edit it.
    pub model: crate::model::Model,
    /// A whole new model a view proposes (the graph editor), and what the change was; the app
    /// validates it, records it for undo and applies it.
    pub proposal: Option<(crate::model::Model, String)>,
    /// Why a view could not make an edit; the app shows it.
    pub refused: Option<String>,
    /// An item a view wants shown in the inspector.
    pub inspect: Option<crate::app::Selection>,
    /// Commands for the simulation (follow a synapse, set a state); the app forwards them.
    pub requests: Vec<crate::app::runner::Command>,
    /// The projection whose weights the heatmap shows.
    pub weights_of: Option<usize>,
    /// The heatmap shows the whole network instead of one projection.
    pub network_weights: bool,
    /// Where the raster was drawn last frame, and its visible bounds (x: ms, y: rows).
    pub raster_rect: Option<egui::Rect>,
    /// Where each view's main plot was drawn last frame, by plot name: what a click at a data
    /// point must hit (tests use it to click as a person would).
    pub plots: std::collections::BTreeMap<&'static str, egui_plot::PlotTransform>,
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            selected: None,
            window_ms: 1000.0,
            follow: true,
            watch: None,
            requests: Vec::new(),
            model: Default::default(),
            proposal: None,
            refused: None,
            inspect: None,
            weights_of: None,
            network_weights: false,
            raster_rect: None,
            plots: Default::default(),
        }
    }
}

impl Shared {
    /// The x range to show when following the simulation.
    pub fn live_window(&self, now_ms: f64) -> (f64, f64) {
        let end = now_ms.max(self.window_ms);
        (end - self.window_ms, end)
    }
}

/// A view in the central area.
pub trait View {
    fn title(&self) -> &'static str;
    fn ui(&mut self, ui: &mut egui::Ui, data: &LiveData, shared: &mut Shared);
    /// The numbers the view shows, for saving as CSV or `.npy`; `None` if it has none now.
    fn table(&self, data: &LiveData, shared: &Shared) -> Option<Table>;
    /// A file name for saving it.
    fn file_stem(&self) -> &'static str;
    /// Saves its data to `path` (CSV or `.npy` by the extension) and says what was saved:
    /// by default the [`View::table`].
    fn save_data(
        &self,
        data: &LiveData,
        shared: &Shared,
        path: &std::path::Path,
    ) -> Result<String, ExportError> {
        match self.table(data, shared) {
            Some(table) if table.data.nrows() > 0 => {
                table.save(path).map(|()| format!("{} rows", table.data.nrows()))
            }
            _ => {
                Err(ExportError::Empty(format!("{} has no data yet; run the simulation first", self.title())))
            }
        }
    }
}

/// The kinds of view, in the order the View menu lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tab {
    Raster,
    Traces,
    Rates,
    Weights,
    Learning,
    Phase,
    Statistics,
    Fi,
    Network,
}

impl Tab {
    /// Short names, for the command line (`--view weights`).
    pub fn key(self) -> &'static str {
        match self {
            Tab::Raster => "raster",
            Tab::Traces => "traces",
            Tab::Rates => "rates",
            Tab::Statistics => "statistics",
            Tab::Weights => "weights",
            Tab::Learning => "learning",
            Tab::Phase => "phase",
            Tab::Fi => "fi",
            Tab::Network => "network",
        }
    }

    pub fn from_key(key: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.key().eq_ignore_ascii_case(key))
    }

    pub const ALL: [Tab; 9] = [
        Tab::Network,
        Tab::Raster,
        Tab::Traces,
        Tab::Rates,
        Tab::Statistics,
        Tab::Weights,
        Tab::Learning,
        Tab::Phase,
        Tab::Fi,
    ];
}

/// One instance of every view.
#[derive(Default)]
pub struct Views {
    pub raster: RasterView,
    pub traces: TracesView,
    pub rates: RatesView,
    pub heatmap: HeatmapView,
    pub learning: LearningView,
    pub phase: PhaseView,
    pub stats: StatsView,
    pub fi: FiView,
    pub graph: GraphView,
}

impl Views {
    pub fn get(&mut self, tab: Tab) -> &mut dyn View {
        match tab {
            Tab::Raster => &mut self.raster,
            Tab::Traces => &mut self.traces,
            Tab::Rates => &mut self.rates,
            Tab::Weights => &mut self.heatmap,
            Tab::Learning => &mut self.learning,
            Tab::Phase => &mut self.phase,
            Tab::Statistics => &mut self.stats,
            Tab::Fi => &mut self.fi,
            Tab::Network => &mut self.graph,
        }
    }
}

/// Colour of population `k` (Okabe & Ito's palette, readable by colour-blind viewers).
pub fn population_color(k: usize) -> Color32 {
    const PALETTE: [Color32; 7] = [
        Color32::from_rgb(0x00, 0x72, 0xB2),
        Color32::from_rgb(0xD5, 0x5E, 0x00),
        Color32::from_rgb(0x00, 0x9E, 0x73),
        Color32::from_rgb(0xE6, 0x9F, 0x00),
        Color32::from_rgb(0xCC, 0x79, 0xA7),
        Color32::from_rgb(0x56, 0xB4, 0xE9),
        Color32::from_rgb(0xF0, 0xE4, 0x42),
    ];
    PALETTE[k % PALETTE.len()]
}

/// The projection the weight views show: the one chosen, else the first plastic one, else
/// the first; `None` (with a hint drawn) if the model has no projections.
pub fn chosen_projection(ui: &egui::Ui, data: &LiveData, shared: &mut Shared) -> Option<usize> {
    let projections = &data.info.model.projections;
    if projections.is_empty() {
        empty_hint(ui, ui.max_rect(), "This model has no projections");
        return None;
    }
    let k = *shared
        .weights_of
        .get_or_insert_with(|| projections.iter().position(|p| p.stdp.is_some()).unwrap_or(0));
    Some(k.min(projections.len() - 1))
}

/// One selectable line per projection (plastic ones marked); returns the one clicked.
pub fn projection_items(ui: &mut egui::Ui, data: &LiveData, current: Option<usize>) -> Option<usize> {
    let mut clicked = None;
    for (k, p) in data.info.model.projections.iter().enumerate() {
        let plastic = if p.stdp.is_some() { " (STDP)" } else { "" };
        if ui.selectable_label(current == Some(k), format!("{}{plastic}", p.label())).clicked() {
            clicked = Some(k);
        }
    }
    clicked
}

/// Shown in place of an empty plot.
pub fn empty_hint(ui: &egui::Ui, rect: egui::Rect, text: &str) {
    ui.painter().text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        text,
        egui::FontId::proportional(16.0),
        ui.visuals().weak_text_color(),
    );
}

/// While following, shows the live window `(x0, x1)`; returns the visible time range.
pub fn visible_x(plot_ui: &mut egui_plot::PlotUi<'_>, follow: bool, (x0, x1): (f64, f64)) -> (f64, f64) {
    if follow {
        // Takes effect when the plot is drawn, after the caller's closure: report it now.
        plot_ui.set_plot_bounds_x(x0..=x1);
        (x0, x1)
    } else {
        let bounds = plot_ui.plot_bounds();
        (bounds.min()[0], bounds.max()[0])
    }
}

/// Panning or zooming a plot by hand stops following the simulation.
pub fn stop_following_on_interaction(ui: &egui::Ui, response: &egui::Response, shared: &mut Shared) {
    let scrolled = response.hovered() && ui.input(|i| i.smooth_scroll_delta != egui::Vec2::ZERO);
    if response.dragged() || scrolled {
        shared.follow = false;
    }
}

/// A "Follow" toggle and the window width, above each time plot.
pub fn time_controls(ui: &mut egui::Ui, shared: &mut Shared) {
    ui.horizontal(|ui| {
        ui.toggle_value(&mut shared.follow, "⏵ Follow")
            .on_hover_text("Scroll with the simulation (drag or zoom a plot to stop)");
        ui.label("Window");
        ui.add(egui::DragValue::new(&mut shared.window_ms).range(1.0..=20_000.0).speed(10.0).suffix(" ms"))
            .on_hover_text("How much time the plots show");
    });
}
