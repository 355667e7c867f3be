//! The network as a graph (egui-snarl): populations and inputs are nodes, projections and
//! input targets are wires, excitatory red and inhibitory blue. Drag nodes (their places are
//! saved in the model file), drag from an output pin to a population to connect, right-click
//! for adding and deleting. Every edit is proposed to the app as a whole new model, which it
//! validates, records for undo and applies to the running network.

use super::{LiveData, Shared, View, population_color};
use crate::app::inspector::Selection;
use crate::export::Table;
use crate::model::edit::{Part as Node, delete, new_input, new_population, new_projection, rename};
use crate::model::{InputKind, Model, NeuronModel, Receptor, Rule};
use crate::sim::{MAX_SINGLE_NEURONS, split_into_neurons};
use egui::{Color32, Pos2};
use egui_snarl::ui::{PinInfo, SnarlStyle, SnarlViewer, SnarlWidget};
use egui_snarl::{InPin, NodeId, OutPin, Snarl};

/// Wire colours: excitation red, inhibition blue (the usual convention).
const EXC: Color32 = Color32::from_rgb(0xE0, 0x50, 0x50);
const INH: Color32 = Color32::from_rgb(0x50, 0x90, 0xE0);

#[derive(Default)]
pub struct GraphView {
    snarl: Snarl<Node>,
    /// The model the graph was built from (structure and layout).
    built_from: Option<std::sync::Arc<Model>>,
    /// Where each node was put when the graph was built: a node elsewhere was moved by hand.
    placed: std::collections::HashMap<String, Pos2>,
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

impl GraphView {
    fn rebuild(&mut self, model: &Model) {
        let mut snarl = Snarl::new();
        let mut ids = std::collections::HashMap::new();
        for (k, p) in model.populations.iter().enumerate() {
            let node = Node::Population(p.name.clone());
            let at = model
                .layout
                .get(&node.layout_key())
                .map_or(Pos2::new(-40.0, -160.0 + 140.0 * k as f32), |&[x, y]| Pos2::new(x as f32, y as f32));
            ids.insert(node.layout_key(), snarl.insert_node(at, node));
        }
        for (k, i) in model.inputs.iter().enumerate() {
            let node = Node::Input(i.name.clone());
            let at = model
                .layout
                .get(&node.layout_key())
                .map_or(Pos2::new(-300.0, -160.0 + 110.0 * k as f32), |&[x, y]| {
                    Pos2::new(x as f32, y as f32)
                });
            let id = snarl.insert_node(at, node);
            if let Some(&target) = ids.get(&i.target) {
                snarl.connect(
                    egui_snarl::OutPinId { node: id, output: 0 },
                    egui_snarl::InPinId { node: target, input: 0 },
                );
            }
        }
        for p in &model.projections {
            if let (Some(&pre), Some(&post)) = (ids.get(&p.pre), ids.get(&p.post)) {
                let output = if p.receptor == Receptor::Inhibitory { 1 } else { 0 };
                snarl.connect(
                    egui_snarl::OutPinId { node: pre, output },
                    egui_snarl::InPinId { node: post, input: 0 },
                );
            }
        }
        self.placed = snarl.nodes_pos_ids().map(|(_, pos, node)| (node.layout_key(), pos)).collect();
        self.snarl = snarl;
    }
}

/// Edits asked for while drawing, applied after.
struct Viewer<'a> {
    model: &'a Model,
    data: &'a LiveData,
    /// The edited model, if something changed.
    proposal: Option<(Model, String)>,
    select: Option<Selection>,
    /// Why an edit could not be made.
    refused: Option<String>,
}

impl Viewer<'_> {
    fn propose(&mut self, change: impl FnOnce(&mut Model), what: String) {
        let mut m = self.proposal.take().map_or_else(|| self.model.clone(), |(m, _)| m);
        change(&mut m);
        self.proposal = Some((m, what));
    }

    fn population_of(&self, snarl: &Snarl<Node>, id: NodeId) -> Option<String> {
        match snarl.get_node(id)? {
            Node::Population(n) => Some(n.clone()),
            Node::Input(_) => None,
        }
    }

    /// Recent rate of a population (Hz per neuron, last 200 ms).
    fn rate(&self, name: &str) -> Option<f64> {
        let (k, size) = self
            .data
            .info
            .populations
            .iter()
            .enumerate()
            .find(|(_, (n, _))| n == name)
            .map(|(k, (_, s))| (k, *s))?;
        let t1 = self.data.time_ms;
        let t0 = (t1 - 200.0).max(0.0);
        if t1 <= t0 {
            return None;
        }
        let n = self.data.spikes_between(t0, t1).iter().filter(|s| s.pop as usize == k).count();
        Some(n as f64 / size.max(1) as f64 / ((t1 - t0) * 1e-3))
    }
}

impl SnarlViewer<Node> for Viewer<'_> {
    fn title(&mut self, node: &Node) -> String {
        match node {
            Node::Population(n) | Node::Input(n) => n.clone(),
        }
    }

    fn show_header(
        &mut self,
        id: NodeId,
        _: &[InPin],
        _: &[OutPin],
        ui: &mut egui::Ui,
        snarl: &mut Snarl<Node>,
    ) {
        let Some(node) = snarl.get_node(id).cloned() else { return };
        match &node {
            Node::Population(name) => {
                let k = self.model.populations.iter().position(|p| &p.name == name);
                let color = k.map_or(Color32::GRAY, population_color);
                let r =
                    ui.add(egui::Button::new(egui::RichText::new(name).strong().color(color)).frame(false));
                if r.on_hover_text("Click to edit it in the inspector").clicked() {
                    self.select = k.map(Selection::Population);
                }
            }
            Node::Input(name) => {
                let k = self.model.inputs.iter().position(|i| &i.name == name);
                if ui
                    .add(
                        egui::Button::new(egui::RichText::new(format!("input {name}")).strong()).frame(false),
                    )
                    .on_hover_text("Click to edit it in the inspector")
                    .clicked()
                {
                    self.select = k.map(Selection::Input);
                }
            }
        }
    }

    fn inputs(&mut self, node: &Node) -> usize {
        match node {
            Node::Population(n) => {
                usize::from(self.model.population(n).is_some_and(|(_, p)| p.model.receives_input()))
            }
            Node::Input(_) => 0,
        }
    }

    fn outputs(&mut self, node: &Node) -> usize {
        match node {
            Node::Population(_) => 2,
            Node::Input(_) => 1,
        }
    }

    fn show_input(
        &mut self,
        _: &InPin,
        ui: &mut egui::Ui,
        _: &mut Snarl<Node>,
    ) -> impl egui_snarl::ui::SnarlPin + 'static {
        ui.weak("in");
        PinInfo::circle().with_fill(Color32::GRAY)
    }

    fn show_output(
        &mut self,
        pin: &OutPin,
        ui: &mut egui::Ui,
        snarl: &mut Snarl<Node>,
    ) -> impl egui_snarl::ui::SnarlPin + 'static {
        match snarl.get_node(pin.id.node) {
            Some(Node::Input(name)) => {
                let kind = self
                    .model
                    .inputs
                    .iter()
                    .find(|i| &i.name == name)
                    .map_or(String::new(), |i| i.kind().display_name().to_string());
                ui.label(kind);
                PinInfo::circle().with_fill(EXC).with_wire_color(EXC)
            }
            _ if pin.id.output == 0 => {
                ui.colored_label(EXC, "exc")
                    .on_hover_text("Drag from here to a population for an excitatory projection");
                PinInfo::circle().with_fill(EXC).with_wire_color(EXC)
            }
            _ => {
                ui.colored_label(INH, "inh")
                    .on_hover_text("Drag from here to a population for an inhibitory projection");
                PinInfo::square().with_fill(INH).with_wire_color(INH)
            }
        }
    }

    fn has_body(&mut self, node: &Node) -> bool {
        matches!(node, Node::Population(_))
    }

    fn show_body(
        &mut self,
        id: NodeId,
        _: &[InPin],
        _: &[OutPin],
        ui: &mut egui::Ui,
        snarl: &mut Snarl<Node>,
    ) {
        let Some(Node::Population(name)) = snarl.get_node(id).cloned() else { return };
        let Some((_, p)) = self.model.population(&name) else { return };
        ui.vertical(|ui| {
            ui.set_min_width(110.0);
            ui.label(format!("{} × {}", p.size, p.model.display_name()));
            // Outgoing projections: target, rule and weight, plasticity; click to edit.
            for (k, q) in self.model.projections.iter().enumerate().filter(|(_, q)| q.pre == name) {
                let rule = match q.connect.rule {
                    Rule::AllToAll => "all".to_string(),
                    Rule::OneToOne => "1:1".to_string(),
                    Rule::FixedProbability => format!("p {}", q.connect.p.unwrap_or(0.0)),
                    Rule::FixedIndegree => format!("k {}", q.connect.indegree.unwrap_or(0)),
                    Rule::Explicit => format!("{} syn", q.connect.synapses.len()),
                };
                let plastic = if q.stdp.is_some() {
                    " STDP"
                } else if q.stp.is_some() {
                    " STP"
                } else {
                    ""
                };
                let (sign, color) =
                    if q.receptor == Receptor::Inhibitory { ("−", INH) } else { ("+", EXC) };
                let text = format!("{sign} {}: {rule}, {}{plastic}", q.post, q.weight);
                let button = egui::Button::new(egui::RichText::new(text).small().color(color)).frame(false);
                if ui.add(button).on_hover_text("Click to edit this projection").clicked() {
                    self.select = Some(Selection::Projection(k));
                }
            }
            if let Some(rate) = self.rate(&name) {
                // The activity light: brighter with the rate, full at 50 Hz.
                let level = (rate / 50.0).clamp(0.0, 1.0) as f32;
                ui.horizontal(|ui| {
                    let (r, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                    ui.painter().circle_filled(
                        r.center(),
                        5.0,
                        Color32::from_rgb(40, 40, 40).lerp_to_gamma(Color32::from_rgb(255, 230, 80), level),
                    );
                    ui.label(format!("{rate:.1} Hz"));
                });
            }
        });
    }

    fn connect(&mut self, from: &OutPin, to: &InPin, snarl: &mut Snarl<Node>) {
        let Some(post) = self.population_of(snarl, to.id.node) else { return };
        match snarl.get_node(from.id.node).cloned() {
            Some(Node::Population(pre)) => {
                let receptor = if from.id.output == 1 { Receptor::Inhibitory } else { Receptor::Excitatory };
                let what = format!("Connected {pre} to {post}: 10% of pairs, edit it in the inspector");
                self.propose(
                    |m| {
                        let p = new_projection(m, &pre, &post, receptor);
                        m.projections.push(p);
                    },
                    what,
                );
                self.select = Some(Selection::Projection(self.model.projections.len()));
            }
            Some(Node::Input(name)) => {
                let what = format!("Input {name} now drives {post}");
                self.propose(
                    |m| {
                        if let Some(i) = m.inputs.iter_mut().find(|i| i.name == name) {
                            i.target = post.clone();
                            i.neurons.clear();
                        }
                    },
                    what,
                );
            }
            None => {}
        }
    }

    fn disconnect(&mut self, from: &OutPin, to: &InPin, snarl: &mut Snarl<Node>) {
        let (Some(Node::Population(pre)), Some(post)) =
            (snarl.get_node(from.id.node).cloned(), self.population_of(snarl, to.id.node))
        else {
            return;
        };
        let receptor = if from.id.output == 1 { Receptor::Inhibitory } else { Receptor::Excitatory };
        self.propose(
            |m| m.projections.retain(|p| !(p.pre == pre && p.post == post && p.receptor == receptor)),
            format!("Removed the projection {pre} -> {post}"),
        );
    }

    fn drop_outputs(&mut self, _: &OutPin, _: &mut Snarl<Node>) {}
    fn drop_inputs(&mut self, _: &InPin, _: &mut Snarl<Node>) {}

    fn has_graph_menu(&mut self, _: Pos2, _: &mut Snarl<Node>) -> bool {
        true
    }

    fn show_graph_menu(&mut self, pos: Pos2, ui: &mut egui::Ui, _: &mut Snarl<Node>) {
        let total: u64 = self.model.populations.iter().map(|p| p.size).sum();
        let splittable = total <= MAX_SINGLE_NEURONS && self.model.populations.iter().any(|p| p.size > 1);
        let split = ui
            .add_enabled(splittable, egui::Button::new("Show single neurons and synapses"))
            .on_hover_text("Every neuron its own node, every synapse its own wire with its own weight")
            .on_disabled_hover_text(format!(
                "For networks of at most {MAX_SINGLE_NEURONS} neurons with a population of more than one"
            ));
        if split.clicked() {
            match split_into_neurons(self.model) {
                Ok(m) => {
                    self.proposal = Some((
                        m,
                        "Every neuron and synapse is now its own node and wire (Ctrl+Z goes back)".into(),
                    ))
                }
                Err(e) => self.refused = Some(e),
            }
            ui.close();
        }
        ui.separator();
        ui.label("Add a population");
        for kind in NeuronModel::all() {
            if ui.button(kind.display_name()).on_hover_text(kind.about()).clicked() {
                let pop = new_population(self.model, kind);
                let name = pop.name.clone();
                self.propose(
                    |m| {
                        m.layout.insert(name.clone(), [pos.x as f64, pos.y as f64]);
                        m.populations.push(pop);
                    },
                    format!("Added population {name}: select it to set its size and parameters"),
                );
                self.select = Some(Selection::Population(self.model.populations.len()));
                ui.close();
            }
        }
        if let Some(target) =
            self.model.populations.iter().find(|p| p.model.receives_input()).map(|p| p.name.clone())
        {
            ui.separator();
            ui.label("Add an input (drag its pin to a population)");
            for kind in InputKind::ALL {
                if ui.button(kind.display_name()).clicked() {
                    let input = new_input(self.model, kind, &target);
                    let name = input.name.clone();
                    self.propose(
                        |m| {
                            m.layout
                                .insert(Node::Input(name.clone()).layout_key(), [pos.x as f64, pos.y as f64]);
                            m.inputs.push(input);
                        },
                        format!("Added input {name} to {target}"),
                    );
                    self.select = Some(Selection::Input(self.model.inputs.len()));
                    ui.close();
                }
            }
        }
    }

    fn has_node_menu(&mut self, _: &Node) -> bool {
        true
    }

    fn show_node_menu(
        &mut self,
        id: NodeId,
        _: &[InPin],
        _: &[OutPin],
        ui: &mut egui::Ui,
        snarl: &mut Snarl<Node>,
    ) {
        let Some(node) = snarl.get_node(id).cloned() else { return };
        ui.horizontal(|ui| {
            let id = ui.id().with("rename");
            let mut name = ui.data(|d| d.get_temp::<String>(id)).unwrap_or_else(|| self.title(&node));
            let edit = ui.add(egui::TextEdit::singleline(&mut name).desired_width(120.0));
            ui.data_mut(|d| d.insert_temp(id, name.clone()));
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Rename").clicked() || enter) && !name.trim().is_empty() {
                let new = name.trim().to_string();
                let what = format!("Renamed {} to {new}", self.title(&node));
                self.propose(|m| rename(m, &node, &new), what);
                ui.data_mut(|d| d.remove::<String>(id));
                ui.close();
            }
        });
        if ui
            .button("Delete")
            .on_hover_text("Remove it, with its projections, inputs and recorders")
            .clicked()
        {
            let what = format!("Deleted {}", self.title(&node));
            self.propose(|m| delete(m, &node), what);
            ui.close();
        }
    }
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
        ui.weak("Drag nodes to arrange them; drag from a node's exc or inh pin to a population to connect; right-click the background to add, a node to delete; click a name to edit it; double-click the background to fit.");
        let mut viewer = Viewer { model: &model, data, proposal: None, select: None, refused: None };
        let style = SnarlStyle { collapsible: Some(false), ..SnarlStyle::new() };
        let widget = SnarlWidget::new().id_salt("network graph").style(style);
        let response = widget.show(&mut self.snarl, &mut viewer, ui);
        // Delete removes the selected nodes (while the pointer is over the graph and no text
        // field is being typed in).
        let delete_key = ui.input(|i| i.key_pressed(egui::Key::Delete))
            && response.contains_pointer()
            && !ui.ctx().egui_wants_keyboard_input();
        if delete_key && viewer.proposal.is_none() {
            let doomed: Vec<Node> = widget
                .get_selected_nodes(ui)
                .into_iter()
                .filter_map(|id| self.snarl.get_node(id).cloned())
                .collect();
            if !doomed.is_empty() {
                let names: Vec<String> = doomed.iter().map(|n| viewer.title(n)).collect();
                viewer.propose(
                    |m| doomed.iter().for_each(|n| delete(m, n)),
                    format!("Deleted {}", names.join(", ")),
                );
            }
        }
        let (mut proposal, select) = (viewer.proposal, viewer.select);
        if let Some(why) = viewer.refused {
            shared.refused = Some(why);
        }
        // Moved nodes: their places go into the model once the mouse is let go.
        let moved = self
            .snarl
            .nodes_pos_ids()
            .any(|(_, pos, node)| self.placed.get(&node.layout_key()) != Some(&pos));
        if proposal.is_none() && moved && !ui.input(|i| i.pointer.any_down()) {
            // Save every node's place, so that the picture in the file is the one on screen.
            let mut arranged = (*model).clone();
            for (_, pos, node) in self.snarl.nodes_pos_ids() {
                arranged.layout.insert(node.layout_key(), [pos.x.round() as f64, pos.y.round() as f64]);
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
