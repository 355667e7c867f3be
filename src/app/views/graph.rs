//! The network as a graph: populations and inputs are nodes, projections and input targets are
//! wires with an arrowhead at the receiving end, excitatory red and inhibitory blue; a
//! population's projection onto itself is a loop over its node. Drag nodes to arrange them
//! (their places are saved in the model file); drag from a node's exc or inh pin and drop
//! anywhere on a population to connect; right-click for adding and deleting; scroll to zoom,
//! drag the background to pan, double-click it to fit. Every edit is proposed to the app as a
//! whole new model, which it validates, records for undo and applies to the running network.
//!
//! Drawn with egui's painter in screen coordinates rather than by a node-editor crate: the
//! view decides the first fit, where pins sit (on the edge, never over their labels) and how
//! wires and loops are shaped, and every widget's rectangle is the one on screen.

use super::{LiveData, Shared, View, population_color};
use crate::app::inspector::Selection;
use crate::export::Table;
use crate::model::edit::{
    Part as Node, delete, delete_projection, new_input, new_population, new_projection, rename,
};
use crate::model::{InputKind, Model, NeuronModel, Receptor, Rule};
use crate::sim::{MAX_SINGLE_NEURONS, split_into_neurons};
use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Vec2, pos2, vec2};
use std::collections::HashMap;

/// Wire colours: excitation red, inhibition blue (the usual convention).
const EXC: Color32 = Color32::from_rgb(0xE0, 0x50, 0x50);
const INH: Color32 = Color32::from_rgb(0x50, 0x90, 0xE0);

/// Text sizes at zoom 1 (points), large enough to read on a projector.
const TITLE_PT: f32 = 16.0;
const TEXT_PT: f32 = 14.0;
/// Padding inside a node, and how far a pin's label stays from the edge its marker sits on.
const PAD: f32 = 8.0;
const PIN_INSET: f32 = 13.0;
const PIN_R: f32 = 5.0;
/// Zoom limits: beyond 2× text is blurry, below ¼ it cannot be read.
const ZOOM_MIN: f32 = 0.25;
const ZOOM_MAX: f32 = 2.0;
/// The first view and Fit never enlarge beyond this: a two-node graph stays node-sized.
const FIT_MAX: f32 = 1.25;

/// An output pin: a population's excitatory or inhibitory pin, or an input's.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Pin {
    Exc,
    Inh,
    Drive,
}

impl Pin {
    fn color(self) -> Color32 {
        if self == Pin::Inh { INH } else { EXC }
    }
}

/// What a line of text in a node does when clicked.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Does {
    Nothing,
    Edit(Selection),
    /// The drag start of a wire.
    Out(Pin),
    /// Where wires arrive (a wire may be dropped anywhere on the node).
    In,
}

/// One line of text in a node, placed in graph units relative to the node's corner.
struct Item {
    text: String,
    pt: f32,
    color: Color32,
    /// Left or right aligned at `at`.
    align: Align2,
    at: Pos2,
    size: Vec2,
    does: Does,
}

/// A node as laid out at zoom 1: its items, size and pins.
struct Shape {
    node: Node,
    /// Top-left corner in graph units.
    at: Pos2,
    size: Vec2,
    title_h: f32,
    color: Color32,
    items: Vec<Item>,
    /// Output pins, and the input pin (y from the top, graph units).
    outs: Vec<(Pin, f32)>,
    input: Option<f32>,
    /// Recent rate (Hz per neuron) for the activity light.
    rate: Option<f64>,
}

impl Shape {
    fn rect(&self) -> Rect {
        Rect::from_min_size(self.at, self.size)
    }
}

/// A wire: from a node's output pin to a population's input pin.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Wire {
    from: usize,
    pin: Pin,
    to: usize,
    /// What it is in the model: a projection or an input.
    is: Selection,
}

/// Graph units to screen points: `screen = origin + offset + zoom · graph`.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Camera {
    offset: Vec2,
    zoom: f32,
}

impl Camera {
    fn to_screen(self, origin: Pos2, p: Pos2) -> Pos2 {
        origin + self.offset + p.to_vec2() * self.zoom
    }

    fn to_graph(self, origin: Pos2, p: Pos2) -> Pos2 {
        ((p - origin - self.offset) / self.zoom).to_pos2()
    }

    /// The camera that shows all of `bounds` (graph units) centred in `screen`.
    fn fitting(screen: Rect, bounds: Rect) -> Camera {
        let zoom = (screen.size() / bounds.size().max(vec2(1.0, 1.0))).min_elem().clamp(ZOOM_MIN, FIT_MAX);
        Camera { offset: screen.size() / 2.0 - bounds.center().to_vec2() * zoom, zoom }
    }
}

/// What a right-click opened a menu on.
#[derive(Clone, Copy, PartialEq, Debug)]
enum MenuOn {
    Background(Pos2),
    Wire(Wire),
}

pub struct GraphView {
    /// Node places (graph units, top-left corners) by layout key.
    places: HashMap<String, Pos2>,
    /// The model the places were taken from (structure and layout).
    built_from: Option<std::sync::Arc<Model>>,
    /// Where each node was when the places were taken: a node elsewhere was moved by hand.
    placed: HashMap<String, Pos2>,
    camera: Option<Camera>,
    /// The camera follows the graph's bounds until the user pans, zooms or moves a node.
    fitting: bool,
    /// The wire being drawn from a pin: its node and pin.
    wiring: Option<(usize, Pin)>,
    /// Nodes selected by clicking (for the Delete key), by layout key.
    selected: Vec<String>,
    menu: Option<MenuOn>,
}

impl Default for GraphView {
    fn default() -> Self {
        GraphView {
            places: HashMap::new(),
            built_from: None,
            placed: HashMap::new(),
            camera: None,
            fitting: true,
            wiring: None,
            selected: Vec::new(),
            menu: None,
        }
    }
}

/// What the graph shows of a model: names, wiring and places (not parameters).
fn same_graph(a: &Model, b: &Model) -> bool {
    let names = |m: &Model| -> Vec<String> { m.populations.iter().map(|p| p.name.clone()).collect() };
    let wires = |m: &Model| -> Vec<(String, String, Receptor)> {
        m.projections.iter().map(|p| (p.pre.clone(), p.post.clone(), p.receptor)).collect()
    };
    let inputs = |m: &Model| -> Vec<(String, String)> {
        m.inputs.iter().map(|i| (i.name.clone(), i.target.clone())).collect()
    };
    names(a) == names(b) && wires(a) == wires(b) && inputs(a) == inputs(b) && a.layout == b.layout
}

/// The nodes of a model, populations first.
fn nodes(model: &Model) -> Vec<Node> {
    let populations = model.populations.iter().map(|p| Node::Population(p.name.clone()));
    populations.chain(model.inputs.iter().map(|i| Node::Input(i.name.clone()))).collect()
}

/// The wires of a model, by node index (as [`nodes`] orders them).
fn wires(model: &Model) -> Vec<Wire> {
    let population = |name: &str| model.populations.iter().position(|p| p.name == name);
    let projections = model.projections.iter().enumerate().filter_map(|(k, p)| {
        let pin = if p.receptor == Receptor::Inhibitory { Pin::Inh } else { Pin::Exc };
        Some(Wire { from: population(&p.pre)?, pin, to: population(&p.post)?, is: Selection::Projection(k) })
    });
    let n = model.populations.len();
    let inputs = model.inputs.iter().enumerate().filter_map(|(k, i)| {
        Some(Wire { from: n + k, pin: Pin::Drive, to: population(&i.target)?, is: Selection::Input(k) })
    });
    projections.chain(inputs).collect()
}

/// The control points of a wire's cubic Bézier from `a` (an output pin, on a right edge) to
/// `b` (an input pin, on a left edge). Wires leave and arrive horizontally. A wire that must
/// go back (to a node on the left, or to its own node) arches over the height `over`
/// (screen y) instead of crossing the nodes.
fn wire_curve(a: Pos2, b: Pos2, over: Option<f32>, zoom: f32) -> [Pos2; 4] {
    match over {
        Some(over) => {
            // At its middle a cubic is at (a + 3 c1 + 3 c2 + b) / 8: put the control points
            // where that middle is `over`.
            let y = (over - (a.y + b.y) / 8.0) / 0.75;
            [a, pos2(a.x + 70.0 * zoom, y), pos2(b.x - 70.0 * zoom, y), b]
        }
        None => {
            let d = ((b.x - a.x).abs() / 2.0).max(50.0 * zoom);
            [a, a + vec2(d, 0.0), b - vec2(d, 0.0), b]
        }
    }
}

/// Points along a cubic Bézier.
fn sample(c: [Pos2; 4], n: usize) -> Vec<Pos2> {
    (0..=n)
        .map(|k| {
            let t = k as f32 / n as f32;
            let s = 1.0 - t;
            let v = c[0].to_vec2() * (s * s * s)
                + c[1].to_vec2() * (3.0 * s * s * t)
                + c[2].to_vec2() * (3.0 * s * t * t)
                + c[3].to_vec2() * (t * t * t);
            v.to_pos2()
        })
        .collect()
}

/// Distance from `p` to a polyline.
fn distance_to(points: &[Pos2], p: Pos2) -> f32 {
    points
        .windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            let ab = b - a;
            let t = ((p - a).dot(ab) / ab.length_sq().max(1e-6)).clamp(0.0, 1.0);
            (a + ab * t).distance(p)
        })
        .fold(f32::INFINITY, f32::min)
}

impl GraphView {
    /// Takes node places from the model's layout. Nodes without one are placed in a row of
    /// populations, each with its inputs below and to its left, so that wires forward run
    /// left to right and wires back arch over the row.
    fn rebuild(&mut self, model: &Model) {
        let fresh = !nodes(model).iter().any(|n| self.places.contains_key(&n.layout_key()));
        self.places.clear();
        let column = |target: &str| model.populations.iter().position(|p| p.name == target).unwrap_or(0);
        let mut below = vec![0; model.populations.len().max(1)];
        for node in nodes(model) {
            let key = node.layout_key();
            let at =
                model.layout.get(&key).map(|&[x, y]| pos2(x as f32, y as f32)).unwrap_or_else(
                    || match &node {
                        Node::Population(name) => pos2(480.0 * column(name) as f32, 0.0),
                        Node::Input(name) => {
                            let target =
                                model.inputs.iter().find(|i| &i.name == name).map_or("", |i| &i.target);
                            let k = column(target);
                            below[k] += 1;
                            pos2(480.0 * k as f32 - 250.0, 150.0 + 80.0 * (below[k] - 1) as f32)
                        }
                    },
                );
            self.places.insert(key, at);
        }
        self.placed = self.places.clone();
        self.selected.retain(|k| self.places.contains_key(k));
        if fresh {
            // Another network (a file, a preset, split into neurons): show all of it.
            self.fitting = true;
        }
    }

    /// Lays out every node at zoom 1.
    fn shapes(&self, ui: &egui::Ui, model: &Model, data: &LiveData) -> Vec<Shape> {
        let measure = |text: &str, pt: f32| {
            ui.painter().layout_no_wrap(text.to_string(), FontId::proportional(pt), Color32::WHITE).size()
        };
        let weak = ui.visuals().weak_text_color();
        let strong = ui.visuals().strong_text_color();
        let text = ui.visuals().text_color();
        nodes(model)
            .into_iter()
            .map(|node| {
                let at = self.places.get(&node.layout_key()).copied().unwrap_or_default();
                // Rows: (left text, its colour, what it does, right pin).
                let mut rows: Vec<(String, Color32, Does, Option<Pin>)> = Vec::new();
                let (title, color, input, rate) = match &node {
                    Node::Population(name) => {
                        let (k, p) = model.population(name).expect("a node of the model");
                        let input = p.model.receives_input();
                        let first = if input { "in" } else { "" };
                        rows.push((
                            first.into(),
                            weak,
                            if input { Does::In } else { Does::Nothing },
                            Some(Pin::Exc),
                        ));
                        let what = format!("{} × {}", p.size, p.model.display_name());
                        rows.push((what, text, Does::Edit(Selection::Population(k)), Some(Pin::Inh)));
                        for (j, q) in model.projections.iter().enumerate().filter(|(_, q)| &q.pre == name) {
                            rows.push((
                                projection_text(q),
                                q_color(q.receptor),
                                Does::Edit(Selection::Projection(j)),
                                None,
                            ));
                        }
                        (name.clone(), population_color(k), input, rate(data, name))
                    }
                    Node::Input(name) => {
                        let k =
                            model.inputs.iter().position(|i| &i.name == name).expect("a node of the model");
                        let kind = model.inputs[k].kind().display_name().to_string();
                        rows.push((kind, weak, Does::Edit(Selection::Input(k)), Some(Pin::Drive)));
                        (format!("input {name}"), weak, false, None)
                    }
                };
                let title_size = measure(&title, TITLE_PT);
                let title_h = title_size.y + 2.0 * PAD;
                let row_h = TEXT_PT * 1.45;
                let mut items = vec![Item {
                    text: title.clone(),
                    pt: TITLE_PT,
                    color: strong,
                    align: Align2::LEFT_CENTER,
                    at: pos2(PAD + 10.0, title_h / 2.0),
                    size: title_size,
                    does: Does::Edit(match &node {
                        Node::Population(n) => {
                            Selection::Population(model.population(n).map_or(0, |(k, _)| k))
                        }
                        Node::Input(n) => {
                            Selection::Input(model.inputs.iter().position(|i| &i.name == n).unwrap_or(0))
                        }
                    }),
                }];
                let mut width = title_size.x + 2.0 * PAD + 10.0;
                let mut outs = Vec::new();
                let mut y = title_h + PAD / 2.0;
                for (left, color, does, pin) in rows {
                    let cy = y + row_h / 2.0;
                    let left_size = measure(&left, TEXT_PT);
                    let mut row_w = PIN_INSET + left_size.x + PIN_INSET;
                    if let Some(pin) = pin {
                        let label = pin_label(pin);
                        let size = measure(label, TEXT_PT);
                        row_w += 2.0 * PAD + size.x.max(2.0 * PIN_R);
                        outs.push((pin, cy));
                        items.push(Item {
                            text: label.into(),
                            pt: TEXT_PT,
                            color: pin.color(),
                            align: Align2::RIGHT_CENTER,
                            at: pos2(0.0, cy),
                            size: vec2(size.x.max(2.0 * PIN_R), size.y),
                            does: Does::Out(pin),
                        });
                    }
                    width = width.max(row_w);
                    if !left.is_empty() {
                        items.push(Item {
                            text: left,
                            pt: TEXT_PT,
                            color,
                            align: Align2::LEFT_CENTER,
                            at: pos2(PIN_INSET, cy),
                            size: left_size,
                            does,
                        });
                    }
                    y += row_h;
                }
                if rate.is_some() {
                    y += row_h;
                }
                // Right-aligned items hang from the right edge, now that the width is known.
                for item in items.iter_mut().filter(|i| i.align == Align2::RIGHT_CENTER) {
                    item.at.x = width - PIN_INSET;
                }
                let first_row = title_h + PAD / 2.0 + row_h / 2.0;
                Shape {
                    node,
                    at,
                    size: vec2(width, y + PAD / 2.0),
                    title_h,
                    color,
                    items,
                    outs,
                    input: input.then_some(first_row),
                    rate,
                }
            })
            .collect()
    }
}

fn pin_label(pin: Pin) -> &'static str {
    match pin {
        Pin::Exc => "exc",
        Pin::Inh => "inh",
        Pin::Drive => "",
    }
}

fn q_color(receptor: Receptor) -> Color32 {
    if receptor == Receptor::Inhibitory { INH } else { EXC }
}

/// A projection as a line of its source node: sign, target, rule, weight, plasticity.
fn projection_text(q: &crate::model::Projection) -> String {
    let rule = match q.connect.rule {
        Rule::AllToAll => "all".to_string(),
        Rule::OneToOne => "1:1".to_string(),
        Rule::FixedProbability => format!("p {}", q.connect.p.unwrap_or(0.0)),
        Rule::FixedIndegree => format!("k {}", q.connect.indegree.unwrap_or(0)),
        Rule::Explicit => format!("{} syn", q.connect.synapses.len()),
        Rule::Matrix => "matrix".to_string(),
    };
    let plastic = if q.stdp.is_some() {
        " STDP"
    } else if q.stp.is_some() {
        " STP"
    } else {
        ""
    };
    let sign = if q.receptor == Receptor::Inhibitory { "−" } else { "+" };
    format!("{sign} {}: {rule}, {}{plastic}", q.post, q.weight)
}

/// Recent rate of a population (Hz per neuron, last 200 ms).
fn rate(data: &LiveData, name: &str) -> Option<f64> {
    let (k, size) =
        data.info.populations.iter().enumerate().find(|(_, (n, _))| n == name).map(|(k, (_, s))| (k, *s))?;
    let t1 = data.time_ms;
    let t0 = (t1 - 200.0).max(0.0);
    if t1 <= t0 {
        return None;
    }
    let n = data.spikes_between(t0, t1).iter().filter(|s| s.pop as usize == k).count();
    Some(n as f64 / size.max(1) as f64 / ((t1 - t0) * 1e-3))
}

/// Edits asked for while drawing, applied after.
#[derive(Default)]
struct Edits {
    /// The edited model, if something changed, and what changed.
    proposal: Option<(Model, String)>,
    select: Option<Selection>,
    /// Why an edit could not be made.
    refused: Option<String>,
}

impl Edits {
    fn propose(&mut self, model: &Model, change: impl FnOnce(&mut Model), what: String) {
        let mut m = self.proposal.take().map_or_else(|| model.clone(), |(m, _)| m);
        change(&mut m);
        self.proposal = Some((m, what));
    }
}

/// The name of a node.
fn title(node: &Node) -> &str {
    match node {
        Node::Population(n) | Node::Input(n) => n,
    }
}

/// A wire dropped from `pin` of `from` onto `to`.
fn connect(model: &Model, from: &Node, pin: Pin, to: &Node, edits: &mut Edits) {
    let Node::Population(post) = to else {
        edits.refused = Some(format!("{} is an input: wires end on populations (drop it on one)", title(to)));
        return;
    };
    if model.population(post).is_some_and(|(_, p)| !p.model.receives_input()) {
        edits.refused = Some(format!("{post} is a spike source: it takes no input"));
        return;
    }
    match from {
        Node::Population(pre) => {
            let receptor = if pin == Pin::Inh { Receptor::Inhibitory } else { Receptor::Excitatory };
            let what = format!("Connected {pre} to {post}: 10% of pairs, edit it in the inspector");
            edits.propose(model, |m| m.projections.push(new_projection(m, pre, post, receptor)), what);
            edits.select = Some(Selection::Projection(model.projections.len()));
        }
        Node::Input(name) => {
            let what = format!("Input {name} now drives {post}");
            edits.propose(
                model,
                |m| {
                    if let Some(i) = m.inputs.iter_mut().find(|i| &i.name == name) {
                        i.target = post.clone();
                        i.neurons.clear();
                    }
                },
                what,
            );
        }
    }
}

/// The background's menu: add populations and inputs at `at` (graph units), split.
fn background_menu(ui: &mut egui::Ui, model: &Model, at: Pos2, edits: &mut Edits) {
    let total: u64 = model.populations.iter().map(|p| p.size).sum();
    let splittable = total <= MAX_SINGLE_NEURONS && model.populations.iter().any(|p| p.size > 1);
    let split = ui
        .add_enabled(splittable, egui::Button::new("Show single neurons and synapses"))
        .on_hover_text("Every neuron its own node, every synapse its own wire with its own weight")
        .on_disabled_hover_text(format!(
            "For networks of at most {MAX_SINGLE_NEURONS} neurons with a population of more than one"
        ));
    if split.clicked() {
        match split_into_neurons(model) {
            Ok(m) => {
                edits.proposal = Some((
                    m,
                    "Every neuron and synapse is now its own node and wire (Ctrl+Z goes back)".into(),
                ))
            }
            Err(e) => edits.refused = Some(e),
        }
        ui.close();
    }
    ui.separator();
    ui.label("Add a population");
    let place = [at.x.round() as f64, at.y.round() as f64];
    for kind in NeuronModel::all() {
        if ui.button(kind.display_name()).on_hover_text(kind.about()).clicked() {
            let pop = new_population(model, kind);
            let name = pop.name.clone();
            edits.propose(
                model,
                |m| {
                    m.layout.insert(name.clone(), place);
                    m.populations.push(pop);
                },
                format!("Added population {name}: select it to set its size and parameters"),
            );
            edits.select = Some(Selection::Population(model.populations.len()));
            ui.close();
        }
    }
    let Some(target) = model.populations.iter().find(|p| p.model.receives_input()).map(|p| p.name.clone())
    else {
        return;
    };
    ui.separator();
    ui.label("Add an input (drag its pin to a population)");
    for kind in InputKind::ALL {
        if ui.button(kind.display_name()).clicked() {
            let input = new_input(model, kind, &target);
            let name = input.name.clone();
            edits.propose(
                model,
                |m| {
                    m.layout.insert(Node::Input(name.clone()).layout_key(), place);
                    m.inputs.push(input);
                },
                format!("Added input {name} to {target}"),
            );
            edits.select = Some(Selection::Input(model.inputs.len()));
            ui.close();
        }
    }
}

/// A node's menu: rename, delete.
fn node_menu(ui: &mut egui::Ui, model: &Model, node: &Node, edits: &mut Edits) {
    ui.horizontal(|ui| {
        let id = ui.id().with("rename");
        let mut name = ui.data(|d| d.get_temp::<String>(id)).unwrap_or_else(|| title(node).to_string());
        let edit = ui.add(egui::TextEdit::singleline(&mut name).desired_width(120.0));
        ui.data_mut(|d| d.insert_temp(id, name.clone()));
        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Rename").clicked() || enter) && !name.trim().is_empty() {
            let new = name.trim().to_string();
            let what = format!("Renamed {} to {new}", title(node));
            edits.propose(model, |m| rename(m, node, &new), what);
            ui.data_mut(|d| d.remove::<String>(id));
            ui.close();
        }
    });
    if ui.button("Delete").on_hover_text("Remove it, with its projections, inputs and recorders").clicked() {
        let what = format!("Deleted {}", title(node));
        edits.propose(model, |m| delete(m, node), what);
        ui.close();
    }
}

/// A wire's menu: edit or delete what it stands for.
fn wire_menu(ui: &mut egui::Ui, model: &Model, wire: Wire, edits: &mut Edits) {
    let (label, what) = match wire.is {
        Selection::Projection(k) => {
            let Some(p) = model.projections.get(k) else { return };
            (format!("projection {}", p.label()), format!("Deleted the projection {}", p.label()))
        }
        Selection::Input(k) => {
            let Some(i) = model.inputs.get(k) else { return };
            (format!("input {}", i.name), format!("Deleted input {}", i.name))
        }
        _ => return,
    };
    ui.label(&label);
    if ui.button("Edit in the inspector").clicked() {
        edits.select = Some(wire.is);
        ui.close();
    }
    if ui.button("Delete").clicked() {
        match wire.is {
            Selection::Projection(k) => edits.propose(model, |m| delete_projection(m, k), what),
            Selection::Input(k) => {
                let node = Node::Input(model.inputs[k].name.clone());
                edits.propose(model, |m| delete(m, &node), what)
            }
            _ => {}
        }
        ui.close();
    }
}

/// An arrowhead with its tip at `tip`, pointing along `dir`.
fn arrow(painter: &egui::Painter, tip: Pos2, dir: Vec2, size: f32, color: Color32) {
    let d = dir.normalized();
    let n = d.rot90();
    let base = tip - d * size;
    painter.add(egui::Shape::convex_polygon(
        vec![tip, base + n * (size * 0.5), base - n * (size * 0.5)],
        color,
        Stroke::NONE,
    ));
}

impl View for GraphView {
    fn title(&self) -> &'static str {
        "Network"
    }

    fn file_stem(&self) -> &'static str {
        "network"
    }

    /// Node places.
    fn table(&self, data: &LiveData, _: &Shared) -> Option<Table> {
        let layout = &data.info.model.layout;
        Some(Table::from_columns(vec![
            ("x".into(), layout.values().map(|p| p[0]).collect()),
            ("y".into(), layout.values().map(|p| p[1]).collect()),
        ]))
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &LiveData, shared: &mut Shared) {
        let model = shared.model.clone();
        if self
            .built_from
            .as_ref()
            .is_none_or(|m| !std::sync::Arc::ptr_eq(m, &model) && !same_graph(m, &model))
        {
            self.rebuild(&model);
            self.built_from = Some(std::sync::Arc::clone(&model));
        }
        ui.horizontal_wrapped(|ui| {
            ui.weak("Drag a node to move it, from its exc or inh pin onto a population to connect. Right-click to add or delete; click to edit; scroll to zoom.");
            if ui.small_button("Fit").on_hover_text("Show the whole network (or double-click the background)").clicked() {
                self.fitting = true;
            }
        });
        let (screen, bg) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        let origin = screen.min;
        let painter = ui.painter_at(screen);
        painter.rect_filled(screen, 0.0, ui.visuals().extreme_bg_color);
        let shapes = self.shapes(ui, &model, data);
        let wires = wires(&model);
        if bg.double_clicked() {
            self.fitting = true;
        }
        if self.fitting || self.camera.is_none() {
            let bounds = shapes
                .iter()
                .map(Shape::rect)
                .reduce(|a, b| a.union(b))
                .unwrap_or(Rect::from_center_size(Pos2::ZERO, vec2(200.0, 200.0)));
            // Room for the loops over nodes and the wires' bends at the sides.
            let bounds = Rect::from_min_max(bounds.min - vec2(60.0, 60.0), bounds.max + vec2(60.0, 20.0));
            self.camera = Some(Camera::fitting(screen, bounds));
        }
        let mut camera = self.camera.expect("set above");
        // Pan by dragging the background, zoom with the wheel or a pinch about the pointer.
        if bg.dragged() && self.wiring.is_none() {
            camera.offset += bg.drag_delta();
            self.fitting = false;
        }
        if bg.hovered() || bg.contains_pointer() {
            let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
            let factor = pinch * (scroll / 300.0).exp();
            if let Some(p) = ui.input(|i| i.pointer.hover_pos()).filter(|_| factor != 1.0) {
                let g = camera.to_graph(origin, p);
                camera.zoom = (camera.zoom * factor).clamp(ZOOM_MIN, ZOOM_MAX);
                camera.offset = p - origin - g.to_vec2() * camera.zoom;
                self.fitting = false;
            }
        }
        let z = camera.zoom;
        let at = |p: Pos2| camera.to_screen(origin, p);
        let node_rect = |s: &Shape| Rect::from_min_max(at(s.at), at(s.at + s.size));
        let out_pin = |s: &Shape, pin: Pin| {
            s.outs.iter().find(|(p, _)| *p == pin).map(|&(_, y)| at(s.at + vec2(s.size.x, y)))
        };
        let in_pin = |s: &Shape| at(s.at + vec2(0.0, s.input.unwrap_or(s.title_h / 2.0)));

        // Wires, under the nodes; the one under the pointer drawn thicker.
        let pointer = ui.input(|i| i.pointer.hover_pos());
        let curves: Vec<(Wire, Vec<Pos2>, [Pos2; 4])> = wires
            .iter()
            .filter_map(|&w| {
                let (a, b) = (out_pin(&shapes[w.from], w.pin)?, in_pin(&shapes[w.to]));
                let (from, to) = (node_rect(&shapes[w.from]), node_rect(&shapes[w.to]));
                // Back to its own node: a loop just over it; back to the left: a higher arch.
                let over = if w.from == w.to {
                    Some(to.top() - 24.0 * z)
                } else if b.x < a.x + 40.0 * z {
                    Some(from.top().min(to.top()) - 48.0 * z)
                } else {
                    None
                };
                let c = wire_curve(a, b, over, z);
                Some((w, sample(c, 32), c))
            })
            .collect();
        let hovered_wire = pointer
            .filter(|_| bg.hovered() && self.wiring.is_none())
            .and_then(|p| {
                curves
                    .iter()
                    .map(|(w, pts, _)| (*w, distance_to(pts, p)))
                    .filter(|(_, d)| *d < 6.0)
                    .min_by(|a, b| a.1.total_cmp(&b.1))
            })
            .map(|(w, _)| w);
        for (w, pts, c) in &curves {
            let color = w.pin.color();
            let width = if Some(*w) == hovered_wire { 3.5 } else { 2.0 } * z.max(0.5);
            painter.add(egui::Shape::line(pts.clone(), Stroke::new(width, color)));
            // The arrowhead ends at the pin marker's edge, so both stay visible.
            let tip = c[3] - vec2(PIN_R * z, 0.0);
            arrow(&painter, tip, c[3] - c[2], 11.0 * z.max(0.5), color);
        }
        if let Some(w) = hovered_wire {
            let what = match w.is {
                Selection::Projection(k) => {
                    model.projections.get(k).map(|p| format!("projection {}", p.label()))
                }
                Selection::Input(k) => {
                    model.inputs.get(k).map(|i| format!("input {} -> {}", i.name, i.target))
                }
                _ => None,
            };
            if let Some(what) = what {
                bg.clone().on_hover_text_at_pointer(format!("{what}: click to edit, right-click to delete"));
            }
        }

        let mut edits = Edits::default();
        if bg.clicked() {
            match hovered_wire {
                Some(w) => edits.select = Some(w.is),
                None => self.selected.clear(),
            }
        }
        if bg.secondary_clicked() {
            let at = bg.interact_pointer_pos().unwrap_or(screen.center());
            self.menu = Some(match hovered_wire {
                Some(w) => MenuOn::Wire(w),
                None => MenuOn::Background(camera.to_graph(origin, at)),
            });
        }
        bg.context_menu(|ui| match self.menu {
            Some(MenuOn::Wire(w)) => wire_menu(ui, &model, w, &mut edits),
            Some(MenuOn::Background(at)) => background_menu(ui, &model, at, &mut edits),
            None => {}
        });

        // Nodes, in the order of the model, each above the wires.
        let stroke = ui.visuals().widgets.noninteractive.bg_stroke;
        let selection = ui.visuals().selection.stroke;
        let inspected = shared.inspect;
        let target = pointer
            .filter(|_| self.wiring.is_some())
            .and_then(|p| shapes.iter().position(|s| node_rect(s).contains(p)));
        let mut moved = None;
        for (n, s) in shapes.iter().enumerate() {
            let rect = node_rect(s);
            let key = s.node.layout_key();
            let id = ui.id().with(("graph node", &key));
            let response = ui.interact(rect, id, Sense::click_and_drag());
            // The node answers to its name (its title is drawn, not a widget of its own).
            response
                .widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Panel, true, &s.items[0].text));
            let response = response.on_hover_text(
                "Drag to move; click to edit in the inspector; right-click to rename or delete",
            );
            if response.dragged() {
                moved = Some((key.clone(), response.drag_delta() / z));
            }
            if response.clicked() {
                let add = ui.input(|i| i.modifiers.shift || i.modifiers.command);
                if !add {
                    self.selected.clear();
                }
                self.selected.push(key.clone());
                edits.select = s.items[0].does_selection();
            }
            response.context_menu(|ui| node_menu(ui, &model, &s.node, &mut edits));
            let selected = self.selected.contains(&key)
                || inspected.is_some() && s.items[0].does_selection() == inspected;
            let fill = ui.visuals().window_fill;
            painter.rect_filled(rect, 6.0 * z, fill);
            let title = Rect::from_min_size(rect.min, vec2(rect.width(), s.title_h * z));
            painter.rect_filled(
                title,
                egui::CornerRadius { nw: (6.0 * z) as u8, ne: (6.0 * z) as u8, sw: 0, se: 0 },
                ui.visuals().faint_bg_color,
            );
            // The population's colour, as it is in the raster and the rates.
            painter.rect_filled(
                Rect::from_min_size(
                    title.min + vec2(PAD * z, title.height() * 0.25),
                    vec2(4.0 * z, title.height() * 0.5),
                ),
                1.0,
                s.color,
            );
            let outline = if target == Some(n) {
                Stroke::new(2.5, self.wiring.map_or(EXC, |(_, p)| p.color()))
            } else if selected {
                selection
            } else {
                stroke
            };
            painter.rect_stroke(rect, 6.0 * z, outline, egui::StrokeKind::Inside);
            for item in &s.items {
                let pos = at(s.at + item.at.to_vec2());
                let r = item.align.anchor_size(pos, item.size * z);
                if !item.text.is_empty() {
                    painter.text(pos, item.align, &item.text, FontId::proportional(item.pt * z), item.color);
                }
                let item_id = id.with(("item", &item.text, item.at.y as i32));
                match item.does {
                    Does::Edit(what) if item.pt == TEXT_PT => {
                        let r = ui.interact(r, item_id, Sense::click());
                        r.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::WidgetType::Button, true, &item.text)
                        });
                        if r.clicked() {
                            edits.select = Some(what);
                        }
                        r.context_menu(|ui| node_menu(ui, &model, &s.node, &mut edits));
                        if r.hovered() {
                            painter.line_segment(
                                [r.rect.left_bottom(), r.rect.right_bottom()],
                                Stroke::new(1.0, item.color),
                            );
                        }
                    }
                    Does::Out(pin) => {
                        // The pin: its label and its marker on the edge, one handle to drag.
                        let handle = r.union(Rect::from_center_size(
                            pos + vec2(PIN_INSET * z, 0.0),
                            Vec2::splat(4.0 * PIN_R * z),
                        ));
                        let r = ui.interact(handle, item_id, Sense::drag());
                        let label = if pin == Pin::Drive { "drive" } else { pin_label(pin) };
                        r.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Button, true, label));
                        let tip = match pin {
                            Pin::Exc => "Drag from here onto a population for an excitatory projection",
                            Pin::Inh => "Drag from here onto a population for an inhibitory projection",
                            Pin::Drive => "Drag from here onto a population to drive it",
                        };
                        let r = r.on_hover_text(tip);
                        if r.drag_started() {
                            self.wiring = Some((n, pin));
                        }
                        if r.drag_stopped() {
                            let dropped = ui.input(|i| i.pointer.interact_pos().or(i.pointer.latest_pos()));
                            let onto =
                                dropped.and_then(|p| shapes.iter().position(|t| node_rect(t).contains(p)));
                            if let Some(to) = onto {
                                connect(&model, &s.node, pin, &shapes[to].node, &mut edits);
                            }
                            self.wiring = None;
                        }
                    }
                    // The title: the node's own label.
                    Does::Edit(_) => {}
                    Does::In => {
                        let r = ui.interact(r, item_id, Sense::hover());
                        r.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Label, true, "in"));
                    }
                    _ => {
                        let r = ui.interact(r, item_id, Sense::hover());
                        r.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::WidgetType::Label, true, &item.text)
                        });
                    }
                }
            }
            // Pin markers on the edges: circles for excitation and drive, a square for inhibition.
            for &(pin, y) in &s.outs {
                let c = at(s.at + vec2(s.size.x, y));
                let color = pin.color();
                if pin == Pin::Inh {
                    painter.rect_filled(Rect::from_center_size(c, Vec2::splat(2.0 * PIN_R * z)), 1.0, color);
                } else {
                    painter.circle_filled(c, PIN_R * z, color);
                }
            }
            if s.input.is_some() {
                painter.circle(in_pin(s), PIN_R * z, Color32::GRAY, Stroke::new(1.0, stroke.color));
            }
            if let Some(rate) = s.rate {
                // The activity light: brighter with the rate, full at 50 Hz.
                let level = (rate / 50.0).clamp(0.0, 1.0) as f32;
                let y = s.at.y + s.size.y - PAD / 2.0 - TEXT_PT * 0.725;
                let c = at(pos2(s.at.x + PIN_INSET + 5.0, y));
                painter.circle_filled(
                    c,
                    5.0 * z,
                    Color32::from_rgb(40, 40, 40).lerp_to_gamma(Color32::from_rgb(255, 230, 80), level),
                );
                painter.text(
                    c + vec2(10.0 * z, 0.0),
                    Align2::LEFT_CENTER,
                    format!("{rate:.1} Hz"),
                    FontId::proportional(TEXT_PT * z),
                    ui.visuals().text_color(),
                );
            }
        }
        // The wire being drawn follows the pointer.
        if let (Some((n, pin)), Some(p)) = (self.wiring, pointer) {
            if let Some(a) = out_pin(&shapes[n], pin) {
                let c = wire_curve(a, p, None, z);
                painter.add(egui::Shape::line(sample(c, 32), Stroke::new(2.0, pin.color())));
            }
            if !ui.input(|i| i.pointer.any_down()) {
                self.wiring = None;
            }
        }
        if let Some((key, delta)) = moved {
            if let Some(p) = self.places.get_mut(&key) {
                *p += delta;
            }
            self.fitting = false;
        }
        self.camera = Some(camera);

        // Delete removes the selected nodes (while the pointer is over the graph and no text
        // field is being typed in).
        let delete_key = ui.input(|i| i.key_pressed(egui::Key::Delete))
            && bg.contains_pointer()
            && !ui.ctx().egui_wants_keyboard_input();
        if delete_key && edits.proposal.is_none() && !self.selected.is_empty() {
            let doomed: Vec<Node> =
                nodes(&model).into_iter().filter(|n| self.selected.contains(&n.layout_key())).collect();
            let names: Vec<&str> = doomed.iter().map(title).collect();
            let what = format!("Deleted {}", names.join(", "));
            edits.propose(&model, |m| doomed.iter().for_each(|n| delete(m, n)), what);
            self.selected.clear();
        }
        let Edits { mut proposal, select, refused } = edits;
        if let Some(why) = refused {
            shared.refused = Some(why);
        }
        // Moved nodes: their places go into the model once the mouse is let go.
        let moved = self.places.iter().any(|(k, p)| self.placed.get(k) != Some(p));
        if proposal.is_none() && moved && !ui.input(|i| i.pointer.any_down()) {
            // Save every node's place, so that the picture in the file is the one on screen.
            let mut arranged = (*model).clone();
            for (key, p) in &self.places {
                arranged.layout.insert(key.clone(), [p.x.round() as f64, p.y.round() as f64]);
            }
            proposal = Some((arranged, String::new()));
        }
        if let Some(p) = proposal {
            shared.proposal = Some(p);
        }
        if select.is_some() {
            shared.inspect = select;
        }
    }
}

impl Item {
    /// What clicking this item opens in the inspector.
    fn does_selection(&self) -> Option<Selection> {
        match self.does {
            Does::Edit(s) => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_self_loop_rises_above_its_node_and_ends_where_it_began() {
        // A node from y = 100 (top) with its exc pin at 140 and its input pin at 160.
        let (a, b) = (pos2(300.0, 140.0), pos2(100.0, 160.0));
        let c = wire_curve(a, b, Some(76.0), 1.0);
        let pts = sample(c, 64);
        let highest = pts.iter().map(|p| p.y).fold(f32::INFINITY, f32::min);
        assert!((highest - 76.0).abs() < 3.0, "the loop rises to the height asked for: {highest}");
        assert_eq!((pts[0], pts[64]), (a, b));
        // It leaves to the right and arrives from the left, as every wire does.
        assert!(pts[1].x > a.x && pts[63].x < b.x, "{:?} {:?}", pts[1], pts[63]);
    }

    #[test]
    fn a_fitted_camera_shows_the_whole_graph() {
        let screen = Rect::from_min_size(pos2(10.0, 20.0), vec2(400.0, 300.0));
        let bounds = Rect::from_min_max(pos2(-500.0, -100.0), pos2(700.0, 400.0));
        let cam = Camera::fitting(screen, bounds);
        for corner in [bounds.left_top(), bounds.right_bottom()] {
            let p = cam.to_screen(screen.min, corner);
            assert!(screen.expand(0.01).contains(p), "{corner:?} -> {p:?}");
            assert!((cam.to_graph(screen.min, p) - corner).length() < 1e-3);
        }
        // A small graph is not blown up past FIT_MAX.
        let small = Camera::fitting(screen, Rect::from_min_size(Pos2::ZERO, vec2(50.0, 50.0)));
        assert_eq!(small.zoom, FIT_MAX);
    }

    #[test]
    fn the_distance_to_a_wire_is_measured_to_the_curve() {
        let pts = sample(wire_curve(pos2(0.0, 0.0), pos2(200.0, 0.0), None, 1.0), 32);
        assert!(distance_to(&pts, pos2(100.0, 3.0)) < 3.5);
        assert!(distance_to(&pts, pos2(100.0, 40.0)) > 30.0);
    }
}
