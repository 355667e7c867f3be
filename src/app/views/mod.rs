//! The views of the central area. Each view is its own file behind one small trait, and
//! [`Tab`] lists them (after egui's demo library). Views never talk to each other: they read
//! [`LiveData`] and read and write the [`Shared`] UI state.

mod axes;
mod encoding;
mod fi;
mod graph;
mod heatmap;
mod learning;
mod phase;
mod raster;
mod rates;
mod stats;
mod traces;
mod training;

pub use encoding::EncodingView;
pub use fi::FiView;
pub use graph::GraphView;
pub use heatmap::HeatmapView;
pub use learning::LearningView;
pub use phase::PhaseView;
pub use raster::RasterView;
pub use rates::RatesView;
pub use stats::StatsView;
pub use traces::TracesView;
pub use training::TrainingView;

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
    pub model: std::sync::Arc<crate::model::Model>,
    /// A whole new model a view proposes (the graph editor), and what the change was; the app
    /// validates it, records it for undo and applies it.
    pub proposal: Option<(crate::model::Model, String)>,
    /// Why a view could not make an edit; the app shows it.
    pub refused: Option<String>,
    /// An item a view wants shown in the inspector.
    pub inspect: Option<crate::app::Selection>,
    /// A model file a view wants opened (the trained network); the app asks first if there
    /// are unsaved changes.
    pub open: Option<std::path::PathBuf>,
    /// Commands for the simulation (follow a synapse, set a state); the app forwards them.
    pub requests: Vec<crate::app::runner::Command>,
    /// The projection whose weights the heatmap shows.
    pub weights_of: Option<usize>,
    /// The heatmap shows the whole network instead of one projection.
    pub network_weights: bool,
    /// Where the raster was drawn last frame, and its visible bounds (x: ms, y: rows).
    pub raster_rect: Option<egui::Rect>,
    /// The variable the traces view shows: a neuron picked elsewhere is recorded with it.
    pub trace_variable: String,
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
            open: None,
            weights_of: None,
            network_weights: false,
            raster_rect: None,
            trace_variable: "v".into(),
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

/// A view in the central area. A new view is a file implementing this trait and one line in
/// [`VIEWS`]; the app has no special case for any view.
pub trait View: AsAny {
    fn title(&self) -> &'static str;
    /// Takes what its background work sent (a training run's epochs). The app calls it every
    /// frame for every view, shown or not: what the work changes may be shown elsewhere (a
    /// lesson's check), and must not wait until the view is brought to the front.
    fn poll(&mut self) {}
    fn ui(&mut self, ui: &mut egui::Ui, data: &LiveData, shared: &mut Shared);
    /// The numbers the view shows, for saving as CSV or `.npy`; `None` if it has none now.
    fn table(&self, data: &LiveData, shared: &Shared) -> Option<Table>;
    /// A file name for saving it.
    fn file_stem(&self) -> &'static str;
    /// Saves its data to `path` (CSV or `.npy` by the extension) and says what was saved, or
    /// `Ok(None)` if it asked the runner to save (through `shared.requests`), which reports
    /// when done. By default: the [`View::table`].
    fn save_data(
        &mut self,
        data: &LiveData,
        shared: &mut Shared,
        path: &std::path::Path,
    ) -> Result<Option<String>, ExportError> {
        match self.table(data, shared) {
            Some(table) if table.data.nrows() > 0 => {
                table.save(path).map(|()| Some(format!("{} rows", table.data.nrows())))
            }
            _ => {
                Err(ExportError::Empty(format!("{} has no data yet; run the simulation first", self.title())))
            }
        }
    }
    /// The menu item that saves its data.
    fn save_label(&self) -> &'static str {
        "Save data (CSV or .npy)…"
    }
    /// The file types the save dialog offers for its data, as (description, extensions).
    fn data_filters(&self) -> Vec<(&'static str, &'static [&'static str])> {
        vec![("CSV table", &["csv"]), ("NumPy array", &["npy"])]
    }
    /// What it needs from the runner beyond spikes and traces while it is open.
    fn needs(&self, _shared: &Shared) -> Needs {
        Needs::default()
    }
    /// Whether to bring it to the front when `model` is opened (the weight views for models
    /// that learn).
    fn front_for(&self, _model: &crate::model::Model) -> bool {
        false
    }
}

/// What a view needs the runner to send while it is open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// The weights of the projection `shared.weights_of`.
    pub weights: bool,
    /// The whole network's weight matrix.
    pub network_weights: bool,
}

impl Needs {
    fn or(self, other: Needs) -> Needs {
        Needs {
            weights: self.weights || other.weights,
            network_weights: self.network_weights || other.network_weights,
        }
    }
}

/// For reaching a view's own type (tests read the F–I view's curve).
pub trait AsAny {
    fn as_any(&self) -> &dyn std::any::Any;
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any;
}

impl<T: 'static> AsAny for T {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// Where a view opens in the default layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Top,
    BottomLeft,
    BottomRight,
}

/// One kind of view: its key (`--view raster`, lessons' `views`), where it opens, and how to
/// make one.
pub struct ViewClass {
    pub key: &'static str,
    pub place: Place,
    pub new: fn() -> Box<dyn View>,
}

fn make<T: View + Default + 'static>() -> Box<dyn View> {
    Box::new(T::default())
}

/// Every view, in the order the View menu lists them; the first of each place is in front.
pub const VIEWS: &[ViewClass] = &[
    ViewClass { key: "raster", place: Place::Top, new: make::<RasterView> },
    ViewClass { key: "network", place: Place::Top, new: make::<GraphView> },
    ViewClass { key: "traces", place: Place::BottomLeft, new: make::<TracesView> },
    ViewClass { key: "learning", place: Place::BottomLeft, new: make::<LearningView> },
    ViewClass { key: "phase", place: Place::BottomLeft, new: make::<PhaseView> },
    ViewClass { key: "fi", place: Place::BottomLeft, new: make::<FiView> },
    ViewClass { key: "rates", place: Place::BottomRight, new: make::<RatesView> },
    ViewClass { key: "statistics", place: Place::BottomRight, new: make::<StatsView> },
    ViewClass { key: "weights", place: Place::BottomRight, new: make::<HeatmapView> },
    ViewClass { key: "encoding", place: Place::Top, new: make::<EncodingView> },
    ViewClass { key: "training", place: Place::Top, new: make::<TrainingView> },
];

/// A view of the central area, by its place in [`VIEWS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tab(usize);

impl Tab {
    /// Its short name, for the command line (`--view weights`) and lessons.
    pub fn key(self) -> &'static str {
        VIEWS[self.0].key
    }

    pub fn from_key(key: &str) -> Option<Tab> {
        Tab::all().find(|t| t.key().eq_ignore_ascii_case(key))
    }

    /// Every view, in [`VIEWS`]' order.
    pub fn all() -> impl Iterator<Item = Tab> {
        (0..VIEWS.len()).map(Tab)
    }

    /// The keys of every view, for help texts and messages.
    pub fn keys() -> Vec<&'static str> {
        VIEWS.iter().map(|v| v.key).collect()
    }

    /// The views that open at `place` in the default layout.
    pub fn at(place: Place) -> Vec<Tab> {
        Tab::all().filter(|t| VIEWS[t.0].place == place).collect()
    }
}

/// One instance of every view, in [`VIEWS`]' order.
pub struct Views {
    views: Vec<Box<dyn View>>,
}

impl Default for Views {
    fn default() -> Views {
        Views { views: VIEWS.iter().map(|class| (class.new)()).collect() }
    }
}

impl Views {
    pub fn get(&mut self, tab: Tab) -> &mut dyn View {
        self.views[tab.0].as_mut()
    }

    pub fn view(&self, tab: Tab) -> &dyn View {
        self.views[tab.0].as_ref()
    }

    /// The view of type `T` (for tests and tools that read a view's results).
    pub fn of<T: 'static>(&self) -> Option<&T> {
        self.views.iter().find_map(|v| v.as_ref().as_any().downcast_ref::<T>())
    }

    /// The view of type `T`, to change.
    pub fn of_mut<T: 'static>(&mut self) -> Option<&mut T> {
        self.views.iter_mut().find_map(|v| v.as_mut().as_any_mut().downcast_mut::<T>())
    }

    /// Lets every view take what its background work sent.
    pub fn poll(&mut self) {
        self.views.iter_mut().for_each(|v| v.poll());
    }

    /// What the open views need from the runner together.
    pub fn needs(&self, open: impl Iterator<Item = Tab>, shared: &Shared) -> Needs {
        open.fold(Needs::default(), |all, tab| all.or(self.view(tab).needs(shared)))
    }
}

/// Colour of population `k` (Okabe & Ito's palette, readable by colour-blind viewers); also
/// the colour of the `k`th of several series that belong to no population (recorded neurons).
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
/// The text wraps to the rect's width (less a margin), so a narrow plot shows all of it, and
/// sits on the panel colour, so that no grid line runs through it.
pub fn empty_hint(ui: &egui::Ui, rect: egui::Rect, text: &str) {
    let wrap = (rect.width() - 24.0).max(60.0);
    let galley = ui.painter().layout(
        text.to_string(),
        egui::FontId::proportional(16.0),
        ui.visuals().weak_text_color(),
        wrap,
    );
    let at = rect.center() - galley.size() / 2.0;
    let behind = egui::Rect::from_min_size(at, galley.size()).expand(6.0);
    ui.painter().rect_filled(behind, 4.0, ui.visuals().panel_fill);
    ui.painter().galley(at, galley, ui.visuals().weak_text_color());
}

/// [`empty_hint`] inside a plot's frame, clear of its axes and their labels.
pub fn plot_hint<R>(ui: &egui::Ui, plot: &egui_plot::PlotResponse<R>, text: &str) {
    empty_hint(ui, *plot.transform.frame(), text);
}

/// How a series is drawn, for its entry in a [`key`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Line,
    Dashed,
    Dot,
    Ring,
    Arrow,
}

/// A plot's key, on a row of its own above the plot (a legend inside the plot covers data):
/// each series' name beside a sample of how it is drawn, in its colour. Wraps in a narrow panel.
pub fn key(ui: &mut egui::Ui, entries: &[(String, Color32, Mark)]) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        for (name, color, mark) in entries {
            // An entry is not split over two rows: it goes whole to the next one.
            let font = egui::TextStyle::Body.resolve(ui.style());
            let width = ui.painter().layout_no_wrap(name.clone(), font, Color32::WHITE).size().x;
            let left = ui.available_size_before_wrap().x;
            if width + 34.0 > left && left < ui.max_rect().width() {
                ui.end_row();
            }
            let (rect, _) = ui.allocate_exact_size(egui::vec2(18.0, 12.0), egui::Sense::hover());
            let painter = ui.painter();
            let stroke = egui::Stroke::new(2.0, *color);
            let (l, r, c) = (rect.left_center(), rect.right_center(), rect.center());
            match mark {
                Mark::Line => {
                    painter.line_segment([l, r], stroke);
                }
                Mark::Dashed => {
                    for k in 0..3 {
                        let x = rect.left() + 7.0 * k as f32;
                        painter.line_segment([egui::pos2(x, c.y), egui::pos2(x + 4.0, c.y)], stroke);
                    }
                }
                Mark::Dot => {
                    painter.circle_filled(c, 4.0, *color);
                }
                Mark::Ring => {
                    painter.circle_stroke(c, 4.0, egui::Stroke::new(1.5, *color));
                }
                Mark::Arrow => {
                    painter.arrow(l, r - l, stroke);
                }
            }
            ui.add(egui::Label::new(name.as_str()).extend());
            ui.add_space(8.0);
        }
    });
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
    ui.horizontal_wrapped(|ui| {
        ui.toggle_value(&mut shared.follow, "⏵ Follow")
            .on_hover_text("Scroll with the simulation (drag or zoom a plot to stop)");
        ui.label("Window");
        crate::app::number::Number::of(crate::model::Dimension::Time)
            .range(1.0..=20_000.0)
            .speed(10.0)
            .show(ui, &mut shared.window_ms)
            .0
            .on_hover_text("How much time the plots show");
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_view_has_its_own_key_and_title_and_is_found_by_its_key() {
        let views = Views::default();
        let mut keys = Tab::keys();
        let mut titles: Vec<&str> = Tab::all().map(|t| views.view(t).title()).collect();
        keys.sort_unstable();
        keys.dedup();
        titles.sort_unstable();
        titles.dedup();
        assert_eq!((keys.len(), titles.len()), (VIEWS.len(), VIEWS.len()));
        for tab in Tab::all() {
            assert_eq!(Tab::from_key(tab.key()), Some(tab));
        }
        assert!(views.of::<FiView>().is_some() && views.of::<GraphView>().is_some());
        // Every place of the default layout has a view.
        for place in [Place::Top, Place::BottomLeft, Place::BottomRight] {
            assert!(!Tab::at(place).is_empty(), "{place:?}");
        }
    }
}
