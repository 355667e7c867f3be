//! Edits of a model that keep it whole: new parts with sensible defaults, a file for an input
//! to read, a recording played in place of a dataset, and renaming or deleting a part with
//! everything that refers to it. The graph editor, the inspector, the Encoding view, lessons
//! and tests use them; the window validates the result, records it for undo and sends it to
//! the engine.

use super::{
    Connect, Dist, Input, InputKind, Model, NeuronModel, Population, Projection, Quantity, Receptor, Rule,
    Stimulus, SynapseKind,
};

/// A part of a model that has a name and a place in the network graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Population(String),
    Input(String),
}

impl Part {
    /// Its key in the model's layout (`[layout]` in model files).
    pub fn layout_key(&self) -> String {
        match self {
            Part::Population(n) => n.clone(),
            Part::Input(n) => format!("input {n}"),
        }
    }
}

/// A name not used yet: `base`, `base 2`, `base 3`, …
pub fn fresh_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..)
        .map(|k| if k == 1 { base.to_string() } else { format!("{base} {k}") })
        .find(|n| !taken(n))
        .unwrap_or_default()
}

/// A new population of `kind` with a name not yet taken: ten neurons, or a hundred sources.
pub fn new_population(model: &Model, kind: NeuronModel) -> Population {
    // Spike sources come in larger groups: they drive others.
    let (base, size) = if kind.receives_input() { ("neurons", 10) } else { ("source", 100) };
    Population::new(fresh_name(base, |n| model.population(n).is_some()), kind, size)
}

/// A new input of `kind` onto `target`, with values that make it visible at once.
pub fn new_input(model: &Model, kind: InputKind, target: &str) -> Input {
    let name = fresh_name(kind.key(), |n| model.inputs.iter().any(|i| i.name == n));
    let (mut start, mut stop) = (None, None);
    let stimulus = match kind {
        InputKind::Poisson => Stimulus::Poisson {
            rate: Some(Quantity::hz(10.0)),
            schedule: Vec::new(),
            sources: Some(100),
            weight: default_weight(model, target),
            receptor: None,
        },
        InputKind::Spikes => Stimulus::Spikes {
            times: [50.0, 100.0, 150.0].map(Quantity::ms).to_vec(),
            weight: default_weight(model, target),
            receptor: None,
        },
        InputKind::Dc => Stimulus::Dc { amplitude: Quantity::pa(300.0) },
        InputKind::Pulse => {
            (start, stop) = (Some(Quantity::ms(100.0)), Some(Quantity::ms(600.0)));
            Stimulus::Pulse { amplitude: Quantity::pa(300.0) }
        }
        InputKind::Sine => Stimulus::Sine {
            amplitude: Quantity::pa(200.0),
            frequency: Quantity::hz(5.0),
            phase: None,
            offset: Some(Quantity::pa(200.0)),
        },
        InputKind::Noise => Stimulus::Noise {
            mean: Some(Quantity::pa(200.0)),
            sigma: Quantity::pa(50.0),
            tau: Quantity::ms(5.0),
        },
        InputKind::Dataset => Stimulus::Dataset {
            dataset: "digits".into(),
            labels: None,
            encoding: crate::model::Encoding::Rate,
            weight: default_weight(model, target),
            receptor: None,
            present: Some(Quantity::ms(100.0)),
            gap: Some(Quantity::ms(20.0)),
            order: None,
            max_rate: Some(Quantity::hz(100.0)),
            latency_tau: None,
            threshold: None,
        },
        // N-MNIST's size; the file is the user's to name.
        InputKind::Events => Stimulus::Events {
            file: "events.bin".into(),
            sensor: [34, 34],
            weight: default_weight(model, target),
            receptor: None,
        },
    };
    // A dataset drives one neuron per pixel: the first ones of a larger target.
    let neurons = match (&stimulus, model.population(target)) {
        (Stimulus::Dataset { encoding, .. }, Some((_, p))) => (stimulus.dataset().and_then(Result::ok))
            .map(|d| encoding.neurons(&d) as u64)
            .filter(|&n| p.size > n)
            .map_or(Vec::new(), |n| (0..n).collect()),
        _ => Vec::new(),
    };
    Input { name, stimulus, target: target.to_string(), neurons, start, stop }
}

/// A modest weight in the unit of the target's synapses.
pub fn default_weight(model: &Model, post: &str) -> Quantity {
    match model.population(post).map(|(_, p)| p.synapse) {
        Some(SynapseKind::Conductance) => Quantity::ns(1.0),
        Some(SynapseKind::Delta) => Quantity::mv(0.5),
        _ => Quantity::pa(50.0),
    }
}

/// A projection with sensible defaults for its target's synapses: 10% connectivity, 1 ms delay.
pub fn new_projection(model: &Model, pre: &str, post: &str, receptor: Receptor) -> Projection {
    let weight = default_weight(model, post);
    Projection {
        name: String::new(),
        pre: pre.to_string(),
        post: post.to_string(),
        receptor,
        connect: Connect {
            rule: Rule::FixedProbability,
            p: Some(0.1),
            indegree: None,
            synapses: Vec::new(),
            weights: None,
        },
        weight: Dist::Constant(weight),
        delay: Some(Dist::Constant(Quantity::ms(1.0))),
        autapses: false,
        stdp: None,
        stp: None,
    }
}

/// Renames a node and every reference to it (projections, inputs, recorders, its place).
pub fn rename(m: &mut Model, node: &Part, new: &str) {
    if let Some(at) = m.layout.remove(&node.layout_key()) {
        let renamed = match node {
            Part::Population(_) => Part::Population(new.to_string()),
            Part::Input(_) => Part::Input(new.to_string()),
        };
        m.layout.insert(renamed.layout_key(), at);
    }
    match node {
        Part::Population(old) => {
            let old_labels: Vec<String> = m.projections.iter().map(Projection::label).collect();
            for p in m.populations.iter_mut().filter(|p| &p.name == old) {
                p.name = new.to_string();
            }
            for p in &mut m.projections {
                for end in [&mut p.pre, &mut p.post] {
                    if end == old {
                        *end = new.to_string();
                    }
                }
            }
            // Weight recorders name an unnamed projection by its label pre->post, which changed.
            for (old_label, p) in old_labels.iter().zip(&m.projections) {
                for w in m.weight_recorders.iter_mut().filter(|w| &w.projection == old_label) {
                    w.projection = p.label();
                }
            }
            for i in m.inputs.iter_mut().filter(|i| &i.target == old) {
                i.target = new.to_string();
            }
            for r in m.recorders.iter_mut().filter(|r| &r.population == old) {
                r.population = new.to_string();
            }
        }
        Part::Input(old) => {
            for i in m.inputs.iter_mut().filter(|i| &i.name == old) {
                i.name = new.to_string();
            }
        }
    }
}

/// Removes a node and everything that refers to it.
pub fn delete(m: &mut Model, node: &Part) {
    m.layout.remove(&node.layout_key());
    match node {
        Part::Population(name) => {
            m.populations.retain(|p| &p.name != name);
            m.projections.retain(|p| &p.pre != name && &p.post != name);
            m.inputs.retain(|i| &i.target != name);
            m.recorders.retain(|r| &r.population != name);
            let projections: Vec<String> = m.projections.iter().map(|p| p.label()).collect();
            m.weight_recorders.retain(|w| projections.contains(&w.projection));
        }
        Part::Input(name) => m.inputs.retain(|i| &i.name != name),
    }
}

/// Removes projection `k`, and the weight recorders that named it (unless another projection
/// carries the same label).
pub fn delete_projection(m: &mut Model, k: usize) {
    if k >= m.projections.len() {
        return;
    }
    let label = m.projections.remove(k).label();
    if !m.projections.iter().any(|p| p.label() == label) {
        m.weight_recorders.retain(|w| w.projection != label);
    }
}

/// A file the user chose for an input to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputFile {
    /// A dataset input's images (CSV with labels, or `.npy`); any labels file is forgotten.
    Images(String),
    /// A `.npy` dataset's labels, and the images chosen just before them (none: keep them).
    Labels { images: Option<String>, labels: String },
    /// An events input's recording (N-MNIST, CSV or `.npy` events).
    Events(String),
}

/// Makes input `k` read `file`. A dataset of another size drives other neurons, so an input
/// with its own neuron list gets the dataset's. `false`, and the model unchanged, if there is
/// no input `k` or it is not of the file's kind.
pub fn set_input_file(m: &mut Model, k: usize, file: InputFile) -> bool {
    let Some(input) = m.inputs.get_mut(k) else { return false };
    match (&mut input.stimulus, file) {
        (Stimulus::Dataset { dataset, labels, .. }, InputFile::Images(images)) => {
            (*dataset, *labels) = (images, None);
        }
        (Stimulus::Dataset { dataset, labels, .. }, InputFile::Labels { images, labels: chosen }) => {
            if let Some(images) = images {
                *dataset = images;
            }
            *labels = Some(chosen);
        }
        (Stimulus::Events { file, .. }, InputFile::Events(chosen)) => *file = chosen,
        _ => return false,
    }
    if let Some(Ok(d)) = input.stimulus.dataset()
        && let Stimulus::Dataset { encoding, .. } = &input.stimulus
        && !input.neurons.is_empty()
    {
        input.neurons = (0..encoding.neurons(&d) as u64).collect();
    }
    true
}

/// `model` with its input `k` (a dataset input) replaced by an events input reading `file`
/// from a sensor of `sensor` pixels onto the same target, with the same weight and receptor; a
/// target it drives whole is resized to the sensor's 2 neurons a pixel.
pub fn events_in_place_of_dataset(
    model: &Model,
    k: usize,
    file: &std::path::Path,
    sensor: [u64; 2],
) -> Model {
    let mut m = model.clone();
    let input = &mut m.inputs[k];
    if let Stimulus::Dataset { weight, receptor, .. } = &input.stimulus {
        input.stimulus = Stimulus::Events {
            file: file.to_string_lossy().into_owned(),
            sensor,
            weight: *weight,
            receptor: *receptor,
        };
    }
    let needed = 2 * sensor[0] * sensor[1];
    if input.neurons.is_empty() {
        let target = input.target.clone();
        if let Some(p) = m.populations.iter_mut().find(|p| p.name == target) {
            p.size = needed;
        }
    } else {
        input.neurons = (0..needed).collect();
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::preset;

    #[test]
    fn deleting_a_population_takes_what_refers_to_it_and_leaves_a_valid_model() {
        let mut m = Model::from_toml(preset("brunel_ai").unwrap(), "brunel_ai").unwrap();
        delete(&mut m, &Part::Population("inh".into()));
        assert!(m.populations.iter().all(|p| p.name != "inh"));
        assert!(m.projections.iter().all(|p| p.pre != "inh" && p.post != "inh"));
        assert!(m.inputs.iter().all(|i| i.target != "inh"));
        m.validate().unwrap();
    }

    #[test]
    fn deleting_a_projection_takes_its_weight_recorder_and_leaves_a_valid_model() {
        let mut m = Model::from_toml(preset("stdp_song2000").unwrap(), "song").unwrap();
        let recorded = m.weight_recorders[0].projection.clone();
        let k = m.projections.iter().position(|p| p.label() == recorded).expect("a recorded projection");
        let before = m.projections.len();
        delete_projection(&mut m, k);
        assert_eq!(m.projections.len(), before - 1);
        assert!(m.weight_recorders.iter().all(|w| w.projection != recorded));
        m.validate().unwrap();
    }

    #[test]
    fn renaming_a_population_renames_every_reference() {
        let m0 = Model::from_toml(preset("stdp_song2000").unwrap(), "song").unwrap();
        let mut m = m0.clone();
        rename(&mut m, &Part::Population("neuron".into()), "output");
        m.validate().unwrap();
        assert!(m.projections.iter().all(|p| p.post == "output"));
        assert!(m.recorders.iter().all(|r| r.population != "neuron"));
        // Renaming back gives the original.
        rename(&mut m, &Part::Population("output".into()), "neuron");
        assert_eq!(m, m0);
    }

    #[test]
    fn new_parts_are_valid_with_units_for_their_target() {
        let mut m = Model::from_toml(preset("coba").unwrap(), "coba").unwrap();
        let pop = new_population(&m, NeuronModel::from_key("izhikevich").expect("a model"));
        assert_eq!(pop.name, "neurons");
        m.populations.push(pop);
        // COBA's targets are conductance-based: the new projection's weight is in nS.
        let p = new_projection(&m, "neurons", "exc", Receptor::Excitatory);
        assert_eq!(p.weight, Dist::Constant(Quantity::ns(1.0)));
        m.projections.push(p);
        // An event file must exist: a new one names a file still to be chosen.
        for kind in InputKind::ALL.into_iter().filter(|&k| k != InputKind::Dataset && k != InputKind::Events)
        {
            m.inputs.push(new_input(&m, kind, "neurons"));
        }
        // A dataset needs a neuron per pixel: onto COBA's 3200 it drives the first 64.
        let images = new_input(&m, InputKind::Dataset, "exc");
        assert_eq!(images.neurons, (0..64).collect::<Vec<u64>>());
        m.inputs.push(images);
        m.validate().unwrap();
        assert_eq!(fresh_name("neurons", |n| m.population(n).is_some()), "neurons 2");
    }

    #[test]
    fn an_input_reads_the_file_chosen_for_it_and_only_a_file_of_its_kind() {
        let mut m = Model::from_toml(preset("digits_rate").unwrap(), "digits_rate").unwrap();
        let before = m.clone();
        assert!(!set_input_file(&mut m, 0, InputFile::Events("cam.bin".into())), "a dataset input");
        assert!(!set_input_file(&mut m, 7, InputFile::Images("x.csv".into())), "no input 7");
        assert_eq!(m, before);
        let labels = InputFile::Labels { images: Some("x.npy".into()), labels: "y.npy".into() };
        assert!(set_input_file(&mut m, 0, labels));
        let Stimulus::Dataset { dataset, labels, .. } = &m.inputs[0].stimulus else { panic!("a dataset") };
        assert_eq!((dataset.as_str(), labels.as_deref()), ("x.npy", Some("y.npy")));
        // Images again: the labels file is forgotten; the shipped digits drive 64 neurons.
        m.inputs[0].neurons = vec![0, 1];
        assert!(set_input_file(&mut m, 0, InputFile::Images("digits".into())));
        let Stimulus::Dataset { dataset, labels, .. } = &m.inputs[0].stimulus else { panic!("a dataset") };
        assert_eq!((dataset.as_str(), labels.as_deref()), ("digits", None));
        assert_eq!(m.inputs[0].neurons, (0..64).collect::<Vec<u64>>());
        m.validate().unwrap();
    }
}
