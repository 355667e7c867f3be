//! The left panel: an outline of the model and an inspector that edits the selected item.
//!
//! Edits are made on a copy of the model, validated, and only then committed: an impossible
//! value (a negative time constant, a probability above 1) is refused with the reason and the
//! running network is left as it was.

use super::document::Gesture;
use super::number::{Change, Number};
use crate::model::{
    Dimension, Model, NeuronModel, Population, Projection, Quantity, Receptor, Reset, Rule, SynapseKind,
};
use egui::Ui;

/// The item shown in the inspector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    Simulation,
    Population(usize),
    Projection(usize),
    Input(usize),
}

/// The user changed the item. Whether the engine can take the change in place or must
/// rebuild the network is the engine's to decide (`Network::apply`), not the inspector's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edited;

/// The outline of the model; clicking an item selects it.
pub fn outline(ui: &mut Ui, model: &Model, selection: &mut Option<Selection>) {
    let mut item = |ui: &mut Ui, sel: Selection, text: String, tip: &str| {
        let r = ui.selectable_label(*selection == Some(sel), text).on_hover_text(tip);
        if r.clicked() {
            *selection = Some(sel);
        }
    };
    item(ui, Selection::Simulation, "⚙ Simulation".into(), "Time step, duration and seed");
    egui::CollapsingHeader::new(format!("Populations ({})", model.populations.len()))
        .default_open(true)
        .show(ui, |ui| {
            for (k, p) in model.populations.iter().enumerate() {
                item(
                    ui,
                    Selection::Population(k),
                    format!("{} · {} × {}", p.name, p.size, p.model.display_name()),
                    "Neurons and their parameters",
                );
            }
        });
    egui::CollapsingHeader::new(format!("Projections ({})", model.projections.len()))
        .default_open(true)
        .show(ui, |ui| {
            for (k, p) in model.projections.iter().enumerate() {
                let sign = if p.receptor == Receptor::Excitatory { "+" } else { "−" };
                item(
                    ui,
                    Selection::Projection(k),
                    format!("{sign} {}", p.label()),
                    "Connections, weights and plasticity",
                );
            }
        });
    egui::CollapsingHeader::new(format!("Inputs ({})", model.inputs.len())).default_open(true).show(
        ui,
        |ui| {
            for (k, i) in model.inputs.iter().enumerate() {
                item(
                    ui,
                    Selection::Input(k),
                    format!("{} -> {} ({})", i.name, i.target, i.kind().display_name()),
                    "Stimulus settings",
                );
            }
        },
    );
    egui::CollapsingHeader::new(format!("Recorders ({})", model.recorders.len())).default_open(false).show(
        ui,
        |ui| {
            for r in &model.recorders {
                let neurons: Vec<String> = r.neurons.iter().map(u64::to_string).collect();
                ui.label(format!(
                    "{} neurons {}: {}",
                    r.population,
                    neurons.join(", "),
                    r.variables.join(", ")
                ));
            }
            ui.weak("Spikes of every neuron are always recorded. Click a neuron in the raster to watch it.");
        },
    );
}

/// A file an input reads, which the user asked to choose in a file dialog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileField {
    /// A dataset input's images (CSV or `.npy`).
    Dataset,
    /// A `.npy` dataset's labels.
    Labels,
    /// An events input's file.
    Events,
}

impl FileField {
    /// The dialog's title and the file types it offers.
    pub fn request(self) -> (&'static str, Vec<(&'static str, &'static [&'static str])>) {
        match self {
            FileField::Dataset => {
                ("Choose images (CSV, or .npy then its labels)", vec![("Images", &["csv", "npy"])])
            }
            FileField::Labels => ("Choose the images' labels (.npy)", vec![("NumPy labels", &["npy"])]),
            FileField::Events => (
                "Choose an event file",
                vec![("Event files (N-MNIST .bin, CSV, .npy)", &["bin", "csv", "npy"])],
            ),
        }
    }
}

/// The inspector for the selected item. Only that item is copied while it is drawn; when
/// the user changes it, returns the whole edited model (for [`super::Document::edit`] to
/// validate). `refused` is why the last edit of this item was refused, shown under it.
/// `choose` is set when the user asks to choose one of an input's files.
pub fn inspector(
    ui: &mut Ui,
    model: &Model,
    selection: Selection,
    refused: Option<&str>,
    choose: &mut Option<(usize, FileField)>,
) -> Option<(Model, Gesture)> {
    let mut form = Form { refused, said: false, gesture: Gesture::Done };
    let f = &mut form;
    // Unfinished edits are remembered per item, so switching items never carries one over.
    let edited = ui
        .push_id(format!("{selection:?}"), |ui| match selection {
            Selection::Simulation => {
                let mut sim = model.simulation.clone();
                simulation(ui, f, &mut sim).map(|Edited| Model { simulation: sim, ..model.clone() })
            }
            Selection::Population(k) => {
                let mut p = model.populations.get(k)?.clone();
                population(ui, f, &mut p).map(|Edited| {
                    let mut m = model.clone();
                    m.populations[k] = p;
                    m
                })
            }
            Selection::Projection(k) => {
                let mut p = model.projections.get(k)?.clone();
                projection(ui, f, &mut p).map(|Edited| {
                    let mut m = model.clone();
                    m.projections[k] = p;
                    m
                })
            }
            Selection::Input(k) => {
                let mut i = model.inputs.get(k)?.clone();
                let mut asked = None;
                let edited = input(ui, f, &mut i, &mut asked);
                *choose = asked.map(|f| (k, f)).or(*choose);
                edited.map(|Edited| {
                    let mut m = model.clone();
                    m.inputs[k] = i;
                    m
                })
            }
        })
        .inner;
    if let Some(msg) = refused
        && !form.said
    {
        ui.add_space(6.0);
        ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {msg}"));
    }
    edited.map(|m| (m, form.gesture))
}

/// The inspector's number fields this frame: why the item's last edit was refused (shown at
/// the field that made it), and whether the edit made is a drag that goes on.
struct Form<'a> {
    refused: Option<&'a str>,
    /// A field showed `refused`, so it need not be said under the item.
    said: bool,
    gesture: Gesture,
}

impl Form<'_> {
    /// A labelled number field; true when it changed the value (see [`Number`]).
    fn number(&mut self, ui: &mut Ui, label: &str, value: &mut f64, field: Number, tip: &str) -> bool {
        let name = ui.label(label).on_hover_text(tip);
        // The field whose edit the app refused is the one that last changed in this item.
        let last = ui.id().with("last field");
        let mine = ui.data(|d| d.get_temp::<String>(last)).is_some_and(|l| l == label);
        let refused = self.refused.filter(|_| mine);
        self.said |= refused.is_some();
        let (r, change) = field.field(ui, value, refused);
        r.labelled_by(name.id).on_hover_text(tip);
        ui.end_row();
        if change.any() {
            ui.data_mut(|d| d.insert_temp(last, label.to_string()));
            self.gesture = if change == Change::Dragging { Gesture::Ongoing } else { Gesture::Done };
        }
        change.any()
    }
}

fn simulation(ui: &mut Ui, f: &mut Form, m: &mut crate::model::Simulation) -> Option<Edited> {
    ui.heading("Simulation");
    let mut change = None;
    egui::Grid::new("sim").num_columns(2).show(ui, |ui| {
        let mut dt = m.dt.canonical();
        let field = Number::of(Dimension::Time).speed(0.001).live(false);
        if f.number(ui, "dt", &mut dt, field, "Time step of the integration") {
            m.dt = Quantity::ms(dt);
            change = Some(Edited);
        }
        let mut duration = m.duration.canonical();
        let field = Number::of(Dimension::Time).speed(10.0);
        if f.number(ui, "duration", &mut duration, field, "Default run length (the command line uses it)") {
            m.duration = Quantity::ms(duration);
            change = Some(Edited);
        }
        let mut seed = m.seed as f64;
        let field = Number::plain().range(0.0..=u64::MAX as f64).max_decimals(0).live(false);
        if f.number(ui, "seed", &mut seed, field, "Fixes every random draw: same seed, same spikes") {
            m.seed = seed.round() as u64;
            change = Some(Edited);
        }
    });
    change
}

fn population(ui: &mut Ui, f: &mut Form, p: &mut Population) -> Option<Edited> {
    ui.heading(format!("Population \"{}\"", p.name));
    let mut change = None;
    egui::Grid::new("pop").num_columns(2).striped(true).show(ui, |ui| {
        let mut size = p.size as f64;
        let field = Number::count("neurons").range(1.0..=f64::INFINITY).max_decimals(0).live(false);
        if f.number(ui, "size", &mut size, field, "Number of neurons (rebuilds the network)") {
            p.size = size.round() as u64;
            change = Some(Edited);
        }
        ui.label("model");
        let before = p.model;
        egui::ComboBox::from_id_salt("model").selected_text(p.model.display_name()).show_ui(ui, |ui| {
            for m in NeuronModel::all() {
                ui.selectable_value(&mut p.model, m, m.display_name()).on_hover_text(m.about());
            }
        });
        ui.end_row();
        if p.model != before {
            // Parameters and initial values belong to the old model.
            p.params.clear();
            p.initial.clear();
            if !p.model.subtracts() {
                p.reset = Reset::ToVReset;
            }
            change = Some(Edited);
        }
        if p.model.subtracts() {
            ui.label("reset");
            let before = p.reset;
            egui::ComboBox::from_id_salt("reset").selected_text(p.reset.display_name()).show_ui(ui, |ui| {
                for r in Reset::ALL {
                    ui.selectable_value(&mut p.reset, r, r.display_name());
                }
            })
            .response
            .on_hover_text("What a spike does to V: set it to v_reset, or lower it by v_thresh − v_reset and keep what overshot (integrate-and-fire neurons of converted networks)");
            ui.end_row();
            if p.reset != before {
                change = Some(Edited);
            }
        }
        if p.model.receives_input() {
            ui.label("synapses");
            let before = p.synapse;
            egui::ComboBox::from_id_salt("synapse").selected_text(p.synapse.display_name()).show_ui(
                ui,
                |ui| {
                    for s in SynapseKind::ALL {
                        ui.selectable_value(&mut p.synapse, s, s.display_name());
                    }
                },
            );
            ui.end_row();
            if p.synapse != before {
                let keep: Vec<&str> = p.model.params_with(p.synapse).map(|i| i.name).collect();
                p.params.retain(|k, _| keep.contains(&k.as_str()));
                change = Some(Edited);
            }
        }
        for info in p.model.params_with(p.synapse).collect::<Vec<_>>() {
            let mut value = p.param(info.name).unwrap_or(info.default);
            let speed = ((info.range.1 - info.range.0) / 500.0).max(1e-4);
            let mut field = Number::of(info.dimension).speed(speed).max_decimals(6);
            if info.constraint == crate::model::Constraint::NonNegative {
                field = field.range(0.0..=f64::INFINITY);
            }
            if f.number(ui, info.name, &mut value, field, info.doc) {
                p.params.insert(info.name.to_string(), Quantity::new(value, info.dimension.canonical_unit()));
                change = Some(Edited);
            }
        }
    });
    change
}

fn projection(ui: &mut Ui, f: &mut Form, p: &mut Projection) -> Option<Edited> {
    ui.heading(format!("Projection {}", p.label()));
    ui.label(format!("{} synapses, {}", p.receptor.display_name(), p.connect.rule.display_name()));
    let mut change = None;
    egui::Grid::new("proj").num_columns(2).striped(true).show(ui, |ui| {
        if let crate::model::Dist::Constant(q) = p.weight {
            let mut w = q.canonical();
            let unit = q.unit.dimension().canonical_unit();
            let field = Number::quantity(unit).speed(0.01).max_decimals(6);
            if f.number(ui, "weight", &mut w, field, "Weight of every synapse (a magnitude)") {
                p.weight = crate::model::Dist::Constant(Quantity::new(w, unit));
                change = Some(Edited);
            }
        } else {
            ui.label("weight");
            ui.label(p.weight.to_string());
            ui.end_row();
        }
        if let Some(crate::model::Dist::Constant(q)) = p.delay {
            let mut d = q.canonical();
            let field = Number::of(Dimension::Time).speed(0.1).range(0.0..=f64::INFINITY).live(false);
            if f.number(ui, "delay", &mut d, field, "Synaptic delay of every synapse (rebuilds the network)")
            {
                p.delay =
                    Some(crate::model::Dist::Constant(Quantity::new(d, q.unit.dimension().canonical_unit())));
                change = Some(Edited);
            }
        }
        ui.label("rule");
        let before = p.connect.rule;
        egui::ComboBox::from_id_salt("rule")
            .selected_text(p.connect.rule.display_name())
            .show_ui(ui, |ui| {
                for rule in Rule::CHOOSABLE {
                    ui.selectable_value(&mut p.connect.rule, rule, rule.display_name());
                }
            })
            .response
            .on_hover_text("How pre and post neurons are paired (rebuilds the network)");
        ui.end_row();
        if p.connect.rule != before {
            // Each rule needs its own setting; start from a sensible one.
            p.connect.p = (p.connect.rule == Rule::FixedProbability).then_some(p.connect.p.unwrap_or(0.1));
            p.connect.indegree =
                (p.connect.rule == Rule::FixedIndegree).then_some(p.connect.indegree.unwrap_or(10));
            change = Some(Edited);
        }
        match p.connect.rule {
            Rule::FixedProbability => {
                let mut prob = p.connect.p.unwrap_or(0.0);
                let field = Number::plain().range(0.0..=1.0).speed(0.001).live(false);
                if f.number(ui, "p", &mut prob, field, "Connection probability (rebuilds the network)") {
                    p.connect.p = Some(prob);
                    change = Some(Edited);
                }
            }
            Rule::FixedIndegree => {
                let mut k = p.connect.indegree.unwrap_or(0) as f64;
                let field = Number::count("inputs").max_decimals(0).live(false);
                if f.number(ui, "indegree", &mut k, field, "Inputs per neuron (rebuilds the network)") {
                    p.connect.indegree = Some(k.round() as u64);
                    change = Some(Edited);
                }
            }
            _ => {}
        }
        if let Some(stdp) = &mut p.stdp {
            ui.label("STDP");
            if ui
                .checkbox(&mut stdp.enabled, "learning on")
                .on_hover_text("Pause or resume plasticity")
                .changed()
            {
                change = Some(Edited);
            }
            ui.end_row();
            for (name, q, dim) in [
                ("a_plus", &mut stdp.a_plus, Dimension::Dimensionless),
                ("a_minus", &mut stdp.a_minus, Dimension::Dimensionless),
                ("tau_plus", &mut stdp.tau_plus, Dimension::Time),
                ("tau_minus", &mut stdp.tau_minus, Dimension::Time),
            ] {
                let mut v = q.canonical();
                let field = Number::of(dim).speed(0.0005).max_decimals(6);
                if f.number(ui, name, &mut v, field, "STDP window parameter") {
                    *q = Quantity::new(v, dim.canonical_unit());
                    change = Some(Edited);
                }
            }
        }
    });
    change
}

/// A file an input reads: its name (the whole path on hover) and a button to choose another.
fn file_row(
    ui: &mut Ui,
    label: &str,
    path: &str,
    field: FileField,
    tip: &str,
    choose: &mut Option<FileField>,
) {
    ui.label(label).on_hover_text(tip);
    ui.horizontal(|ui| {
        let name = std::path::Path::new(path).file_name().map_or(path.into(), |n| n.to_string_lossy());
        ui.label(name).on_hover_text(path);
        if ui.small_button("Choose…").on_hover_text(field.request().0).clicked() {
            *choose = Some(field);
        }
    });
    ui.end_row();
}

fn input(
    ui: &mut Ui,
    f: &mut Form,
    i: &mut crate::model::Input,
    choose: &mut Option<FileField>,
) -> Option<Edited> {
    ui.heading(format!("Input \"{}\"", i.name));
    ui.label(format!("{} onto {}", i.kind().display_name(), i.target));
    let mut change = None;
    egui::Grid::new("input").num_columns(2).striped(true).show(ui, |ui| {
        match &mut i.stimulus {
            crate::model::Stimulus::Dataset { dataset, labels, .. } => {
                let tip = "The images shown: the shipped 8×8 digits, or your own CSV or .npy file";
                file_row(ui, "dataset", dataset, FileField::Dataset, tip, choose);
                if let Some(l) = labels {
                    file_row(ui, "labels", l, FileField::Labels, "The .npy of the images' labels", choose);
                }
                if dataset != "digits" {
                    ui.label("");
                    if ui.small_button("Back to the shipped digits").clicked() {
                        (*dataset, *labels) = ("digits".into(), None);
                        change = Some(Edited);
                    }
                    ui.end_row();
                }
            }
            crate::model::Stimulus::Events { file, .. } => {
                let tip = "The event camera's recording: N-MNIST .bin, or a CSV or .npy list t,x,y,p";
                file_row(ui, "file", file, FileField::Events, tip, choose);
            }
            _ => {}
        }
        // The kind says which fields it has; those given are shown, then start and stop.
        for (name, tip, dimension, q) in i.quantities_mut() {
            let mut v = q.canonical();
            let unit = dimension.canonical_unit();
            if f.number(ui, name, &mut v, Number::quantity(unit).speed(0.5).max_decimals(6), tip) {
                *q = Quantity::new(v, unit);
                change = Some(Edited);
            }
        }
        if let crate::model::Stimulus::Dataset { encoding, threshold, .. } = &mut i.stimulus {
            use crate::model::Encoding;
            let label = ui.label("encoding").on_hover_text("How each image becomes spikes");
            egui::ComboBox::from_id_salt("encoding")
                .selected_text(encoding.key())
                .show_ui(ui, |ui| {
                    for e in [Encoding::Rate, Encoding::Latency, Encoding::Delta] {
                        if ui.selectable_value(encoding, e, e.key()).changed() {
                            change = Some(Edited);
                        }
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            if *encoding != Encoding::Rate {
                let default = if *encoding == Encoding::Latency { 0.2 } else { 0.3 };
                let mut t = threshold.unwrap_or(default);
                let tip = "Latency: the intensity (0–1) at or below which a pixel stays silent. Delta: the change of ln intensity that makes an event";
                if f.number(ui, "threshold", &mut t, Number::plain().speed(0.01), tip) {
                    *threshold = Some(t);
                    change = Some(Edited);
                }
            }
        }
    });
    change
}
