//! How the window is laid out: which side panels are open, the dock of views, presentation
//! mode (everything larger, for a projector), putting it all back as it was, and the Help menu.

use super::views::{Place, Tab};
use egui::{Key, KeyboardShortcut, Modifiers};
use egui_dock::{DockState, NodeIndex};
use serde::{Deserialize, Serialize};

/// Everything drawn this much larger in presentation mode (readable from the back of a room).
pub const PRESENTATION_ZOOM: f32 = 1.5;

/// The side panels' ids (egui keeps their widths under these).
pub const MODEL_PANEL: &str = "side";
pub const LESSONS_PANEL: &str = "lessons";

/// The side panels' first widths, points.
pub const MODEL_WIDTH: f32 = 300.0;
pub const LESSONS_WIDTH: f32 = 380.0;
/// The most of the window's width the lessons panel may take: the view a lesson is about keeps
/// the rest (60% or more of a projector's 1280 px, with the model panel folded away).
pub const LESSONS_MAX_SHARE: f32 = 0.35;
/// The share of each split the view a lesson step is about gets in presentation mode.
pub const LESSON_VIEW_SHARE: f32 = 0.7;

const TOGGLE_MODEL: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::B);
const TOGGLE_LESSONS: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::L);
const TOGGLE_PRESENTATION: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::F5);

/// The keys the window answers to, for Help → Keyboard shortcuts.
pub const SHORTCUTS: [(&str, &str); 13] = [
    ("Space", "run or pause"),
    ("Right arrow", "one time step"),
    ("Ctrl+R", "reset the run"),
    ("Ctrl+O", "open a model file"),
    ("Ctrl+S", "save the model"),
    ("Ctrl+Z", "undo an edit"),
    ("Ctrl+Shift+Z, Ctrl+Y", "redo"),
    ("Ctrl+B", "show or hide the model panel"),
    ("Ctrl+L", "show or hide the lessons panel"),
    ("F5", "presentation mode (everything larger)"),
    ("Ctrl+= / Ctrl+-", "zoom in or out; Ctrl+0 back to normal size"),
    ("Drag a plot, scroll on it", "pan and zoom it (stops following the run)"),
    ("Double-click a plot", "fit it to its data again"),
];

/// The views as the window first opens: the raster on top, traces and rates below.
pub fn default_dock() -> DockState<Tab> {
    let mut dock = DockState::new(Tab::at(Place::Top));
    let surface = dock.main_surface_mut();
    let [_, below] = surface.split_below(NodeIndex::root(), 0.55, Tab::at(Place::BottomLeft));
    surface.split_right(below, 0.5, Tab::at(Place::BottomRight));
    dock
}

/// Gives the group holding `tab` at least `share` of every split above it (the rest keep
/// their order and proportions among themselves).
pub fn enlarge(dock: &mut DockState<Tab>, tab: Tab, share: f32) {
    let Some((mut node, _)) = dock.find_main_surface_tab(&tab) else { return };
    let tree = dock.main_surface_mut();
    while let Some(parent) = node.parent() {
        if let egui_dock::Node::Vertical(split) | egui_dock::Node::Horizontal(split) = &mut tree[parent] {
            split.fraction =
                if node.is_left() { split.fraction.max(share) } else { split.fraction.min(1.0 - share) };
        }
        node = parent;
    }
}

/// The dock's main area as the settings file keeps it, views named by their keys: a view that
/// no longer exists, or one named twice, is left out when it is read back, so an old or edited
/// file gives a usable layout. Floating windows are not kept (their views come back docked).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pane {
    /// A group of tabs and the one in front.
    Tabs { views: Vec<String>, active: usize },
    /// Two panes, `first` above `second` (`below`) or left of it, `first` taking `fraction`.
    Split { below: bool, fraction: f32, first: Box<Pane>, second: Box<Pane> },
}

impl Pane {
    /// The main area of `dock`; `None` if it holds no view.
    pub fn of(dock: &DockState<Tab>) -> Option<Pane> {
        fn walk(tree: &egui_dock::Tree<Tab>, i: NodeIndex) -> Option<Pane> {
            let split = |s: &egui_dock::SplitNode, below| match (walk(tree, i.left()), walk(tree, i.right()))
            {
                (Some(a), Some(b)) => {
                    Some(Pane::Split { below, fraction: s.fraction, first: Box::new(a), second: Box::new(b) })
                }
                (a, b) => a.or(b),
            };
            match tree.len().gt(&i.0).then(|| &tree[i])? {
                egui_dock::Node::Empty => None,
                egui_dock::Node::Leaf(leaf) => Some(Pane::Tabs {
                    views: leaf.tabs.iter().map(|t| t.key().to_string()).collect(),
                    active: leaf.active.0,
                })
                .filter(|_| !leaf.tabs.is_empty()),
                egui_dock::Node::Vertical(s) => split(s, true),
                egui_dock::Node::Horizontal(s) => split(s, false),
            }
        }
        walk(dock.main_surface(), NodeIndex::root())
    }

    /// The dock this describes, with unknown and repeated views left out; `None` if none is left.
    pub fn dock(&self) -> Option<DockState<Tab>> {
        let pane = self.clean(&mut Vec::new())?;
        let mut dock = DockState::new(pane.first_views());
        pane.place(dock.main_surface_mut(), NodeIndex::root());
        Some(dock)
    }

    /// This pane without unknown views, views already in `seen`, and empty groups.
    fn clean(&self, seen: &mut Vec<Tab>) -> Option<Pane> {
        match self {
            Pane::Tabs { views, active } => {
                let front = views.get(*active).and_then(|k| Tab::from_key(k));
                let mut kept = Vec::new();
                for tab in views.iter().filter_map(|k| Tab::from_key(k)) {
                    if !seen.contains(&tab) {
                        seen.push(tab);
                        kept.push(tab);
                    }
                }
                let active = kept.iter().position(|t| Some(*t) == front).unwrap_or(0);
                let views = kept.iter().map(|t| t.key().to_string()).collect();
                (!kept.is_empty()).then_some(Pane::Tabs { views, active })
            }
            Pane::Split { below, fraction, first, second } => match (first.clean(seen), second.clean(seen)) {
                (Some(a), Some(b)) => Some(Pane::Split {
                    below: *below,
                    fraction: if fraction.is_finite() { fraction.clamp(0.1, 0.9) } else { 0.5 },
                    first: Box::new(a),
                    second: Box::new(b),
                }),
                (a, b) => a.or(b),
            },
        }
    }

    /// The views of the first group (top left), which a split leaves where it was.
    fn first_views(&self) -> Vec<Tab> {
        match self {
            Pane::Tabs { views, .. } => views.iter().filter_map(|k| Tab::from_key(k)).collect(),
            Pane::Split { first, .. } => first.first_views(),
        }
    }

    /// Makes node `at` (which holds this pane's first views) into this pane.
    fn place(&self, tree: &mut egui_dock::Tree<Tab>, at: NodeIndex) {
        match self {
            Pane::Tabs { active, .. } => {
                if let egui_dock::Node::Leaf(leaf) = &mut tree[at] {
                    leaf.active = egui_dock::TabIndex(*active);
                }
            }
            Pane::Split { below, fraction, first, second } => {
                let tabs = second.first_views();
                let [a, b] = if *below {
                    tree.split_below(at, *fraction, tabs)
                } else {
                    tree.split_right(at, *fraction, tabs)
                };
                first.place(tree, a);
                second.place(tree, b);
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpPage {
    Shortcuts,
    HowTo,
    About,
}

#[derive(Debug)]
pub struct Layout {
    /// The model panel on the left (tree and inspector).
    pub model_panel: bool,
    pub presentation: bool,
    pub help: Option<HelpPage>,
    /// Set by the View menu: the owner puts the dock back as it first was.
    pub reset_requested: bool,
    /// The model panel was folded away to give a lesson's view room in presentation mode; it
    /// comes back when presentation mode ends.
    folded_for_lesson: bool,
    /// What [`Layout::make_room`] last arranged for: presentation mode, the lesson shown and
    /// the window's width (whole points).
    arranged_for: Option<(bool, Option<String>, i32)>,
    /// The view the lesson step shown last frame is about.
    lesson_focus: Option<Tab>,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            model_panel: true,
            presentation: false,
            help: None,
            reset_requested: false,
            folded_for_lesson: false,
            arranged_for: None,
            lesson_focus: None,
        }
    }
}

impl Layout {
    /// The layout keys (not while a field is being typed in; the caller checks). `lessons` is
    /// whether the lessons panel is open (the lessons keep it).
    pub fn shortcuts(&mut self, ctx: &egui::Context, lessons: &mut bool) {
        if ctx.input_mut(|i| i.consume_shortcut(&TOGGLE_MODEL)) {
            self.model_panel = !self.model_panel;
        }
        if ctx.input_mut(|i| i.consume_shortcut(&TOGGLE_LESSONS)) {
            *lessons = !*lessons;
        }
        if ctx.input_mut(|i| i.consume_shortcut(&TOGGLE_PRESENTATION)) {
            self.set_presentation(ctx, !self.presentation);
        }
    }

    pub fn set_presentation(&mut self, ctx: &egui::Context, on: bool) {
        self.presentation = on;
        ctx.set_zoom_factor(if on { PRESENTATION_ZOOM } else { 1.0 });
        if !on && std::mem::take(&mut self.folded_for_lesson) {
            self.model_panel = true;
        }
    }

    /// In presentation mode with a lesson shown (`lesson`, in a window `width` points wide), folds
    /// the model panel away when the lesson's view would otherwise get less than 60% of the
    /// width. Done as presentation mode starts, a lesson opens in it or the window changes
    /// width (its first frames may report a size it does not have yet), not every frame, so
    /// that Ctrl+B still brings the panel back. `Some(folded)` when it arranged the window
    /// for a lesson in presentation mode this frame (the owner then gives the lesson's view
    /// room in the dock, see [`enlarge`]).
    pub fn make_room(&mut self, width: f32, lesson: Option<&str>) -> Option<bool> {
        let now = (self.presentation, lesson.map(str::to_string), width.round() as i32);
        if self.arranged_for.as_ref() == Some(&now) {
            return None;
        }
        self.arranged_for = Some(now);
        if !self.presentation || lesson.is_none() {
            return None;
        }
        let crowded = MODEL_WIDTH + (LESSONS_MAX_SHARE * width).min(LESSONS_WIDTH) > (1.0 - 0.6) * width;
        let fold = self.model_panel && crowded;
        if fold {
            self.model_panel = false;
            self.folded_for_lesson = true;
        }
        Some(fold)
    }

    /// The view a lesson step is about (`focus`, `None` without a lesson) if it differs from the
    /// last frame's or the window was just arranged for the lesson (`arranged`): the owner
    /// brings it to the front, and in presentation mode gives it most of the room.
    pub fn refocus(&mut self, focus: Option<Tab>, arranged: bool) -> Option<Tab> {
        let changed = std::mem::replace(&mut self.lesson_focus, focus) != focus;
        if changed || arranged { focus } else { None }
    }

    /// Both side panels open at their first widths, normal size, the dock as it first was
    /// (the owner rebuilds it on `reset_requested`).
    pub fn reset(&mut self, ctx: &egui::Context, lessons: &mut bool) {
        self.model_panel = true;
        *lessons = true;
        self.set_presentation(ctx, false);
        ctx.data_mut(|d| {
            for id in [MODEL_PANEL, LESSONS_PANEL] {
                d.remove::<egui::containers::panel::PanelState>(egui::Id::new(id));
            }
        });
        self.reset_requested = true;
    }

    /// The View menu's layout entries.
    pub fn view_menu(&mut self, ui: &mut egui::Ui, lessons: &mut bool) {
        let ctx = ui.ctx().clone();
        let shortcut = |s: &KeyboardShortcut| ctx.format_shortcut(s);
        ui.add(egui::Checkbox::new(&mut self.model_panel, "Model panel")).on_hover_text(format!(
            "The model's parts and the inspector, on the left ({})",
            shortcut(&TOGGLE_MODEL)
        ));
        ui.add(egui::Checkbox::new(lessons, "Lessons panel"))
            .on_hover_text(format!("The lessons, on the right ({})", shortcut(&TOGGLE_LESSONS)));
        let mut presentation = self.presentation;
        if ui
            .checkbox(&mut presentation, "Presentation mode")
            .on_hover_text(format!(
                "Everything {PRESENTATION_ZOOM}× larger, for a projector ({}); Ctrl+= and Ctrl+- zoom further",
                shortcut(&TOGGLE_PRESENTATION)
            ))
            .changed()
        {
            self.set_presentation(&ctx, presentation);
        }
        if ui
            .button("Reset layout")
            .on_hover_text("Panels, views and text size as when the window first opened")
            .clicked()
        {
            self.reset(&ctx, lessons);
            ui.close();
        }
    }

    pub fn help_menu(&mut self, ui: &mut egui::Ui) {
        for (page, title, hover) in [
            (HelpPage::HowTo, "Getting started", "How to run, inspect, edit and save a network"),
            (HelpPage::Shortcuts, "Keyboard shortcuts", "Every key the window answers to"),
            (HelpPage::About, "About SpikeLab", "Version and licence"),
        ] {
            if ui.button(title).on_hover_text(hover).clicked() {
                self.help = Some(page);
                ui.close();
            }
        }
    }

    /// The open Help page, in a window of its own.
    pub fn help_window(&mut self, ctx: &egui::Context) {
        let Some(page) = self.help else { return };
        let title = match page {
            HelpPage::Shortcuts => "Keyboard shortcuts",
            HelpPage::HowTo => "Getting started",
            HelpPage::About => "About SpikeLab",
        };
        let mut open = true;
        egui::Window::new(title).open(&mut open).collapsible(false).resizable(false).show(
            ctx,
            |ui| match page {
                HelpPage::Shortcuts => {
                    egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                        for (keys, what) in SHORTCUTS {
                            ui.strong(keys);
                            ui.label(what);
                            ui.end_row();
                        }
                    });
                }
                HelpPage::HowTo => {
                    ui.set_max_width(460.0);
                    for line in HOW_TO {
                        ui.label(line);
                        ui.add_space(4.0);
                    }
                }
                HelpPage::About => {
                    ui.heading(format!("SpikeLab {}", env!("CARGO_PKG_VERSION")));
                    ui.label("A workbench for spiking neural networks: build one, run it, watch it.");
                    ui.label("Licence: MIT or Apache-2.0, at your choice (LICENSE-MIT, LICENSE-APACHE).");
                    ui.add_space(6.0);
                    ui.strong("Citing the models and methods");
                    ui.label("Cite the paper of each model and method you use, not only this program:");
                    for line in MODEL_PAPERS {
                        ui.label(format!("• {line}"));
                    }
                }
            },
        );
        if !open {
            self.help = None;
        }
    }
}

/// Where each built-in model comes from, as About lists it.
const MODEL_PAPERS: [&str; 13] = [
    "LIF: Lapicque (1907); Gerstner et al., Neuronal Dynamics (2014), ch. 1",
    "Izhikevich: Izhikevich (2003), IEEE Trans. Neural Netw. 14:1569",
    "AdEx: Brette & Gerstner (2005), J. Neurophysiol. 94:3637",
    "Hodgkin–Huxley: Hodgkin & Huxley (1952), J. Physiol. 117:500",
    "QIF: Ermentrout & Kopell (1986), SIAM J. Appl. Math. 46:233",
    "Balanced network: Brunel (2000), J. Comput. Neurosci. 8:183",
    "CUBA and COBA: Vogels & Abbott (2005), J. Neurosci. 25:10786; Brette et al. (2007), J. Comput. Neurosci. 23:349",
    "STDP: Song, Miller & Abbott (2000), Nat. Neurosci. 3:919",
    "Short-term plasticity: Tsodyks & Markram (1997), PNAS 94:719",
    "Event-camera (delta) encoding and N-MNIST: Orchard et al. (2015), Front. Neurosci. 9:437",
    "Surrogate-gradient training: Neftci, Mostafa & Zenke (2019), IEEE Signal Process. Mag. 36(6):51",
    "Learning without labels (STDP and competition): Diehl & Cook (2015), Front. Comput. Neurosci. 9:99",
    "ANN→SNN conversion: Rueckauer et al. (2017), Front. Neurosci. 11:682",
];

const HOW_TO: [&str; 6] = [
    "Run: ▶ Play (Space) runs the network; ⏭ Step (right arrow) advances one time step; Reset (Ctrl+R) starts again.",
    "Look: click a neuron in the raster to select it; its membrane potential appears under Traces and its \
     phase portrait under Phase plane. The View menu brings any view to the front.",
    "Change: choose a population, projection or input on the left and edit its values in the inspector; \
     the running network follows at once, and Ctrl+Z undoes.",
    "Build: the Network view is a graph editor: right-click for new populations and inputs, drag from a \
     node's output to another node's input to connect them.",
    "Keep: File > Save writes the model as a TOML file; File > Export saves what a view shows (CSV, NPY, PNG).",
    "Learn: the Lessons panel (Ctrl+L) walks through the classic models step by step and checks your answers.",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn tabs(pane: &Pane) -> Vec<Vec<String>> {
        match pane {
            Pane::Tabs { views, .. } => vec![views.clone()],
            Pane::Split { first, second, .. } => [tabs(first), tabs(second)].concat(),
        }
    }

    #[test]
    fn a_layout_comes_back_as_it_was_kept() {
        let mut dock = default_dock();
        // Move statistics on top of the raster's group, in front, and narrow the top.
        let stats = Tab::from_key("statistics").expect("a view");
        let main = dock.find_tab(&Tab::at(Place::Top)[0]).expect("the raster").node_path();
        let from = dock.find_tab(&stats).expect("statistics");
        dock.move_tab(from, (main, egui_dock::TabInsert::Append));
        let at = dock.find_tab(&stats).expect("moved");
        dock.set_active_tab(at).expect("a tab");
        if let egui_dock::Node::Vertical(s) = &mut dock.main_surface_mut()[NodeIndex::root()] {
            s.fraction = 0.7;
        }
        let kept = Pane::of(&dock).expect("views");
        let text = toml::to_string(&crate::app::settings::Settings {
            layout: Some(kept.clone()),
            ..Default::default()
        })
        .expect("TOML");
        let read: crate::app::settings::Settings = toml::from_str(&text).expect("read back");
        let again = read.layout.expect("a layout").dock().expect("a dock");
        assert_eq!(Pane::of(&again), Some(kept.clone()));
        let Pane::Split { below: true, fraction, first, .. } = &kept else { panic!("{kept:?}") };
        assert_eq!(*fraction, 0.7);
        let Pane::Tabs { views, active } = first.as_ref() else { panic!("{first:?}") };
        assert_eq!(views[*active], "statistics", "statistics in front");
        // Every view is still somewhere, once.
        let mut all: Vec<String> = tabs(&kept).concat();
        all.sort();
        let mut expected: Vec<String> = Tab::keys().into_iter().map(String::from).collect();
        expected.sort();
        assert_eq!(all, expected);
    }

    #[test]
    fn unknown_repeated_and_empty_views_are_left_out_of_a_kept_layout() {
        let group = |views: &[&str], active| Pane::Tabs {
            views: views.iter().map(|v| v.to_string()).collect(),
            active,
        };
        let pane = Pane::Split {
            below: false,
            fraction: f32::NAN,
            first: Box::new(group(&["raster", "no_such_view", "raster"], 2)),
            second: Box::new(Pane::Split {
                below: true,
                fraction: 2.0,
                first: Box::new(group(&["no_such_view"], 0)),
                second: Box::new(group(&["traces", "rates"], 1)),
            }),
        };
        let back = Pane::of(&pane.dock().expect("a dock")).expect("views");
        assert_eq!(
            back,
            Pane::Split {
                below: false,
                fraction: 0.5,
                first: Box::new(group(&["raster"], 0)),
                second: Box::new(group(&["traces", "rates"], 1)),
            }
        );
        assert_eq!(group(&["gone"], 0).dock().map(|d| Pane::of(&d)), None);
    }
}
