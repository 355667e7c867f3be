//! What the user describes: a network as a serialisable spec, its validation, presets and files.
//!
//! A [`Model`] is plain data that maps one-to-one onto a TOML file. It is checked by
//! [`Model::validate`] and turned into a running network by [`crate::sim::Network::build`].

mod dist;
pub mod edit;
mod error;
mod io;
mod lean;
mod names;
pub mod params;
pub mod presets;
mod schema;
mod setting;
mod syntax;
pub(crate) mod text;
pub mod units;
mod validate;
mod warnings;

pub use dist::{CanonicalDist, Dist};
pub use error::{ModelError, PROBLEMS_SHOWN, Problem};
pub use params::{Constraint, ParamInfo, StateVarInfo};

use crate::neurons::NeuronKind;
pub(crate) use io::read_toml;
pub use units::{Dimension, Quantity, Unit};
pub(crate) use validate::expected_synapses;
pub use validate::{MEMORY_LIMIT_BYTES, cap_memory, estimate_memory_bytes, memory_limit_bytes};
pub use warnings::DT_FRACTION_OF_TAU;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole network: simulation settings, populations, projections, inputs and recorders.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default)]
    pub simulation: Simulation,
    #[serde(default)]
    pub populations: Vec<Population>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub projections: Vec<Projection>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<Input>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recorders: Vec<Recorder>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weight_recorders: Vec<WeightRecorder>,
    /// Where the network editor draws each population and input: name → [x, y] (screen
    /// points). Only the picture: the simulation ignores it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub layout: BTreeMap<String, [f64; 2]>,
}

/// Time step, default run length and the seed of every random draw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Simulation {
    #[serde(default = "default_dt")]
    pub dt: Quantity,
    #[serde(default = "default_duration")]
    pub duration: Quantity,
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn default_dt() -> Quantity {
    Quantity::ms(0.1)
}
fn default_duration() -> Quantity {
    Quantity::ms(1000.0)
}
fn default_seed() -> u64 {
    1
}

impl Default for Simulation {
    fn default() -> Self {
        Simulation { dt: default_dt(), duration: default_duration(), seed: default_seed() }
    }
}

/// A population's neuron model: one of [`crate::neurons::MODELS`], written in model files by
/// its key (`model = "lif"`). It gives access to the model's description and kernel.
#[derive(Clone, Copy)]
pub struct NeuronModel(&'static dyn NeuronKind);

impl NeuronModel {
    /// The model written `key` in model files ("lif", "izhikevich", ...).
    pub fn from_key(key: &str) -> Option<NeuronModel> {
        crate::neurons::find(key).map(NeuronModel)
    }

    /// Every model, in the order menus list them.
    pub fn all() -> impl Iterator<Item = NeuronModel> {
        crate::neurons::MODELS.iter().map(|&kind| NeuronModel(kind))
    }

    /// The keys of every model, as model files write them.
    pub fn keys() -> Vec<&'static str> {
        crate::neurons::MODELS.iter().map(|kind| kind.key()).collect()
    }
}

impl std::ops::Deref for NeuronModel {
    type Target = dyn NeuronKind;
    fn deref(&self) -> &(dyn NeuronKind + 'static) {
        self.0
    }
}

impl PartialEq for NeuronModel {
    fn eq(&self, other: &NeuronModel) -> bool {
        self.0.key() == other.0.key()
    }
}

impl Eq for NeuronModel {}

impl std::hash::Hash for NeuronModel {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.key().hash(state);
    }
}

impl std::fmt::Debug for NeuronModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.key())
    }
}

impl Serialize for NeuronModel {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.key())
    }
}

impl<'de> Deserialize<'de> for NeuronModel {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<NeuronModel, D::Error> {
        let key = String::deserialize(deserializer)?;
        NeuronModel::from_key(&key).ok_or_else(|| {
            static KEYS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
            serde::de::Error::unknown_variant(&key, KEYS.get_or_init(NeuronModel::keys))
        })
    }
}

/// How synaptic input acts on the membrane.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SynapseKind {
    /// Exponentially decaying current (weights in pA).
    #[default]
    Current,
    /// Exponentially decaying conductance with a reversal potential (weights in nS).
    Conductance,
    /// An instantaneous jump of the membrane potential (weights in mV), as in Brunel (2000).
    Delta,
}

/// What a spike does to the potential of a neuron that resets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reset {
    /// V is set to v_reset.
    #[default]
    ToVReset,
    /// The threshold's height above v_reset is subtracted from V, so that what overshoots
    /// the threshold is kept (integrate-and-fire neurons of converted networks; Rueckauer et
    /// al. 2017).
    Subtract,
}

impl Reset {
    pub fn is_default(&self) -> bool {
        *self == Reset::ToVReset
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Receptor {
    Excitatory,
    Inhibitory,
}

/// A group of neurons of one model sharing parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    pub name: String,
    pub size: u64,
    pub model: NeuronModel,
    #[serde(default)]
    pub synapse: SynapseKind,
    /// What a spike does to V (models that reset; only LIF can subtract).
    #[serde(default, skip_serializing_if = "Reset::is_default")]
    pub reset: Reset,
    /// Parameters that differ from the model's defaults (see [`params`]).
    #[serde(default)]
    pub params: BTreeMap<String, Quantity>,
    /// Initial value of state variables, possibly random.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub initial: BTreeMap<String, Dist>,
}

impl Population {
    /// `size` neurons of `model` with its default parameters and current synapses.
    pub fn new(name: impl Into<String>, model: NeuronModel, size: u64) -> Population {
        Population {
            name: name.into(),
            size,
            model,
            synapse: SynapseKind::Current,
            reset: Reset::ToVReset,
            params: BTreeMap::new(),
            initial: BTreeMap::new(),
        }
    }

    /// A parameter in canonical units: the file's value, or the model's default.
    /// Unknown names give `None`. Assumes the model was validated.
    pub fn param(&self, name: &str) -> Option<f64> {
        let info = self.model.params_with(self.synapse).find(|info| info.name == name)?;
        Some(self.params.get(name).map_or(info.default, Quantity::canonical))
    }
}

/// Connections from one population to another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Projection {
    /// Optional; defaults to "pre->post". Also keys this projection's random stream.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    pub pre: String,
    pub post: String,
    pub receptor: Receptor,
    pub connect: Connect,
    /// Weight magnitude (pA onto current synapses, nS onto conductance synapses); the receptor sets the sign.
    pub weight: Dist,
    /// Transmission delay, rounded to whole steps: the synaptic input starts this long after the
    /// spike. Default 0: from the next step on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Dist>,
    /// Whether a neuron may connect to itself (only matters when pre == post).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub autapses: bool,
    /// Spike-timing-dependent plasticity of the weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdp: Option<Stdp>,
    /// Short-term depression and facilitation (Tsodyks–Markram).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stp: Option<Stp>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StdpRule {
    /// Δw = ±A·w_max·e^(-|Δt|/τ), clipped to [w_min, w_max] (Song, Miller & Abbott 2000).
    #[default]
    Additive,
    /// Soft bounds: potentiation ∝ (w_max - w), depression ∝ (w - w_min) (van Rossum et al. 2000).
    Multiplicative,
}

/// Pair-based STDP with exponential pre- and postsynaptic traces.
///
/// A post spike Δt after a pre spike changes w by `a_plus · e^(-Δt/tau_plus)`, a pre spike Δt
/// after a post spike by `-a_minus · e^(-Δt/tau_minus)`; amplitudes are fractions of w_max
/// (additive) or of the distance to the bound (multiplicative).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stdp {
    #[serde(default)]
    pub rule: StdpRule,
    pub a_plus: Quantity,
    pub a_minus: Quantity,
    pub tau_plus: Quantity,
    pub tau_minus: Quantity,
    /// Bounds of the weight, in weight units (default w_min = 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub w_min: Option<Quantity>,
    pub w_max: Quantity,
    /// Learning can be paused without losing the weights.
    #[serde(default = "yes", skip_serializing_if = "Clone::clone")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// Tsodyks–Markram short-term plasticity: each spike uses a fraction u of the resources x;
/// x recovers with tau_rec, u relaxes to U with tau_facil (0: no facilitation).
/// The synaptic efficacy of spike n is weight · u_n · x_n.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stp {
    #[serde(rename = "U")]
    pub u: Quantity,
    pub tau_rec: Quantity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tau_facil: Option<Quantity>,
}

impl Projection {
    pub fn label(&self) -> String {
        if self.name.is_empty() { format!("{}->{}", self.pre, self.post) } else { self.name.clone() }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    AllToAll,
    OneToOne,
    /// Each possible pair independently with probability `p`.
    FixedProbability,
    /// Each post neuron gets exactly `indegree` distinct pre neurons.
    FixedIndegree,
    /// The list in `synapses`.
    Explicit,
    /// A weight matrix (pre × post) in the `.npy` file `weights`: each entry times the
    /// projection's `weight` is a synapse; an excitatory projection takes the positive
    /// entries, an inhibitory one the negative entries' magnitudes, and zeros are no synapse.
    /// A trained network's signed weights are two projections reading one file.
    Matrix,
}

/// A connection rule and the settings it needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Connect {
    pub rule: Rule,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indegree: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub synapses: Vec<ExplicitSynapse>,
    /// The `.npy` weight matrix of rule `matrix`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<String>,
}

impl Connect {
    /// Rule `matrix`'s weights, (pre, post) row-major, read and kept while the file stays the
    /// same; `None` for other rules. The error names the file.
    pub fn matrix(&self) -> Option<Result<std::sync::Arc<ndarray::Array2<f64>>, crate::data::DataError>> {
        let file = self.weights.as_deref().filter(|_| self.rule == Rule::Matrix)?;
        let path = std::path::Path::new(file);
        Some(crate::data::cached(&format!("matrix {file}"), &[path], || {
            let (shape, values) = crate::data::read_npy(path)?;
            let why = |why: String| crate::data::DataError::File { file: path.into(), why };
            let [rows, cols] = shape[..] else {
                return Err(why(format!(
                    "has shape {shape:?}: a weight matrix is (pre neurons, post neurons)"
                )));
            };
            if let Some(k) = values.iter().position(|v| !v.is_finite()) {
                return Err(why(format!(
                    "entry ({}, {}) is {}: weights must be finite",
                    k / cols.max(1),
                    k % cols.max(1),
                    values[k]
                )));
            }
            ndarray::Array2::from_shape_vec((rows, cols), values).map_err(|e| why(e.to_string()))
        }))
    }
}

/// One synapse of an explicit list; weight and delay default to the projection's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplicitSynapse {
    pub pre: u64,
    pub post: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<Quantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Quantity>,
}

/// The kind of an input, as a name: what model files write after `kind =`, what menus list.
/// Its fields and behaviour are those of the [`Stimulus`] variant of the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InputKind {
    Poisson,
    Spikes,
    Dc,
    Pulse,
    Sine,
    Noise,
    Dataset,
    Events,
}

/// What an input delivers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivers {
    /// Spikes onto a receptor of its targets' synapses.
    Spikes,
    /// Current injected into its targets; `time_varying` if it changes from step to step
    /// while on (the engine recomputes it every step), else constant while on.
    Current { time_varying: bool },
}

/// From time `at` on, a Poisson input fires at `rate`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateStep {
    pub at: Quantity,
    pub rate: Quantity,
}

/// A stimulus attached to a population or to chosen neurons of it. In a file its kind's
/// fields sit beside the common ones (`kind = "dc"`, `amplitude = "300 pA"`); the file's
/// check (`schema`) says which belong to which kind before serde reads them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Input {
    pub name: String,
    #[serde(flatten)]
    pub stimulus: Stimulus,
    pub target: String,
    /// Indices within the target population; empty means all of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub neurons: Vec<u64>,
    /// When the input switches on (default 0 ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Quantity>,
    /// When it switches off (default never; required for pulse).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<Quantity>,
}

/// What an input does, kind by kind, with the fields each kind has. Weights of input spikes
/// are in pA, nS or mV, by the target's synapse kind; currents are in pA.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Stimulus {
    /// Independent Poisson spike trains onto each target neuron, at `rate` or following a
    /// `schedule` of rates, from `sources` independent sources per neuron (default 1).
    Poisson {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rate: Option<Quantity>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        schedule: Vec<RateStep>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sources: Option<u64>,
        weight: Quantity,
        /// Which receptor the spikes reach (default excitatory).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        receptor: Option<Receptor>,
    },
    /// Spikes at the listed `times` onto every target neuron.
    Spikes {
        times: Vec<Quantity>,
        weight: Quantity,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        receptor: Option<Receptor>,
    },
    /// Constant current.
    Dc { amplitude: Quantity },
    /// Current switched on at `start` and off at `stop`.
    Pulse { amplitude: Quantity },
    /// `offset + amplitude · sin(2π · frequency · t + phase)`, phase in radians (default 0),
    /// offset default 0 pA.
    Sine {
        amplitude: Quantity,
        frequency: Quantity,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phase: Option<Quantity>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        offset: Option<Quantity>,
    },
    /// Ornstein–Uhlenbeck noise current, independent per neuron: `mean` (default 0 pA),
    /// `sigma` (its standard deviation) and `tau` (its correlation time).
    Noise {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mean: Option<Quantity>,
        sigma: Quantity,
        tau: Quantity,
    },
    /// The images of a dataset, one after another, as spikes onto one target neuron per
    /// pixel (rate, latency) or per sensor pixel and polarity (delta: ON events onto the
    /// first half of the targets, OFF onto the second); see [`crate::data::encode`]. Each
    /// sample is shown for `present` (default 100 ms), then `gap` of silence (default 0 ms),
    /// in `order` (default shuffled by the model's seed). Rate coding: a full pixel fires at
    /// `max_rate` (default 100 Hz); latency: time constant `latency_tau` (default 20 ms) and
    /// `threshold` (default 0.2); delta: `threshold` of ln intensity (default 0.3), the three
    /// sweeps sharing `present`.
    Dataset {
        /// "digits", the shipped 8×8 digits, or the path of a CSV or `.npy` file of images.
        dataset: String,
        /// The labels' `.npy`, for a `.npy` dataset.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        labels: Option<String>,
        encoding: Encoding,
        weight: Quantity,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        receptor: Option<Receptor>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        present: Option<Quantity>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gap: Option<Quantity>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        order: Option<SampleOrder>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_rate: Option<Quantity>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        latency_tau: Option<Quantity>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        threshold: Option<f64>,
    },
    /// The events of an event-camera file (N-MNIST's `.bin`, or a CSV or `.npy` list `t,x,y,p` with t in µs),
    /// from a sensor of `sensor` = [width, height] pixels, onto one target neuron per pixel
    /// and polarity: ON onto the first width·height targets, OFF onto the next. A relative
    /// path is taken from the folder the program runs in.
    Events {
        file: String,
        sensor: [u64; 2],
        weight: Quantity,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        receptor: Option<Receptor>,
    },
}

/// The encoders a dataset input uses, with its defaults filled in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Encoders {
    pub encoding: Encoding,
    /// How long each sample is shown, ms.
    pub present_ms: f64,
    pub rate: crate::data::Rate,
    pub latency: crate::data::Latency,
    pub saccades: crate::data::Saccades,
}

impl Stimulus {
    /// A dataset input's encoders at time step `dt_ms` (the defaults of the variant's doc for
    /// what it leaves out); `None` for other inputs. The engine and the Encoding view both
    /// read this.
    pub fn encoders(&self, dt_ms: f64) -> Option<Encoders> {
        let Stimulus::Dataset { encoding, present, max_rate, latency_tau, threshold, .. } = self else {
            return None;
        };
        let present_ms = present.map_or(100.0, |q| q.canonical());
        // `threshold` belongs to the encoding the input uses (θ of latency, the change in ln
        // intensity of delta); the other encoder keeps its own default.
        let threshold = |of: Encoding, default: f64| threshold.filter(|_| *encoding == of).unwrap_or(default);
        Some(Encoders {
            encoding: *encoding,
            present_ms,
            rate: crate::data::Rate {
                max_rate_hz: max_rate.map_or(100.0, |q| q.canonical()),
                duration_ms: present_ms,
                dt_ms,
            },
            latency: crate::data::Latency {
                tau_ms: latency_tau.map_or(20.0, |q| q.canonical()),
                threshold: threshold(Encoding::Latency, 0.2),
                t_max_ms: present_ms,
            },
            saccades: crate::data::Saccades {
                sweep_ms: present_ms / 3.0,
                threshold: threshold(Encoding::Delta, 0.3),
                dt_ms: dt_ms.max(1.0),
                ..crate::data::Saccades::default()
            },
        })
    }

    /// The events of an [`Stimulus::Events`] input's file, read and checked against its
    /// sensor (the error names the file and the byte or row).
    pub fn read_events(
        file: &str,
        [w, h]: [u64; 2],
    ) -> Result<std::sync::Arc<Vec<crate::data::Event>>, crate::data::DataError> {
        let size = (w.min(u64::from(u16::MAX)) as u16, h.min(u64::from(u16::MAX)) as u16);
        crate::data::events::read_file(std::path::Path::new(file), size)
    }

    /// A dataset input's images ([`crate::data::Dataset::load`]); `None` for other inputs.
    pub fn dataset(&self) -> Option<Result<std::sync::Arc<crate::data::Dataset>, crate::data::DataError>> {
        match self {
            Stimulus::Dataset { dataset, labels, .. } => {
                Some(crate::data::Dataset::load(dataset, labels.as_deref()))
            }
            _ => None,
        }
    }
}

/// How a dataset input turns an image into spikes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// Poisson spikes at a rate proportional to intensity.
    Rate,
    /// One spike a pixel, brighter earlier.
    Latency,
    /// ON and OFF events of an event camera watching the image move.
    Delta,
}

impl Encoding {
    /// How many target neurons it drives for images of `d`: one per pixel, or for delta
    /// coding one per sensor pixel ([`crate::data::Saccades::sensor`]) and polarity.
    pub fn neurons(self, d: &crate::data::Dataset) -> usize {
        match self {
            Encoding::Rate | Encoding::Latency => d.pixels_per_image(),
            Encoding::Delta => {
                let (w, h) = crate::data::Saccades::default().sensor(d.width, d.height);
                2 * w * h
            }
        }
    }
}

/// The order a dataset input shows its samples in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SampleOrder {
    /// Shuffled with the model's seed: the same run for the same seed.
    Shuffled,
    /// As they are in the dataset.
    InOrder,
}

impl Stimulus {
    pub fn kind(&self) -> InputKind {
        match self {
            Stimulus::Poisson { .. } => InputKind::Poisson,
            Stimulus::Spikes { .. } => InputKind::Spikes,
            Stimulus::Dc { .. } => InputKind::Dc,
            Stimulus::Pulse { .. } => InputKind::Pulse,
            Stimulus::Sine { .. } => InputKind::Sine,
            Stimulus::Noise { .. } => InputKind::Noise,
            Stimulus::Dataset { .. } => InputKind::Dataset,
            Stimulus::Events { .. } => InputKind::Events,
        }
    }

    /// Its numbers with a unit that are given, by field name (a person edits these).
    pub fn quantities_mut(&mut self) -> Vec<(&'static str, &mut Quantity)> {
        let mut out: Vec<(&'static str, &mut Quantity)> = Vec::new();
        match self {
            Stimulus::Poisson { rate, weight, .. } => {
                out.extend(rate.as_mut().map(|q| ("rate", q)));
                out.push(("weight", weight));
            }
            Stimulus::Spikes { weight, .. } => out.push(("weight", weight)),
            Stimulus::Dc { amplitude } | Stimulus::Pulse { amplitude } => out.push(("amplitude", amplitude)),
            Stimulus::Sine { amplitude, frequency, phase, offset } => {
                out.push(("amplitude", amplitude));
                out.push(("frequency", frequency));
                out.extend(phase.as_mut().map(|q| ("phase", q)));
                out.extend(offset.as_mut().map(|q| ("offset", q)));
            }
            Stimulus::Noise { mean, sigma, tau } => {
                out.extend(mean.as_mut().map(|q| ("mean", q)));
                out.push(("sigma", sigma));
                out.push(("tau", tau));
            }
            Stimulus::Dataset { weight, present, gap, max_rate, latency_tau, .. } => {
                out.push(("weight", weight));
                out.extend(present.as_mut().map(|q| ("present", q)));
                out.extend(gap.as_mut().map(|q| ("gap", q)));
                out.extend(max_rate.as_mut().map(|q| ("max_rate", q)));
                out.extend(latency_tau.as_mut().map(|q| ("latency_tau", q)));
            }
            Stimulus::Events { weight, .. } => out.push(("weight", weight)),
        }
        out
    }

    /// The current it injects while on, if that is constant (DC and pulse), pA.
    pub fn constant_current_pa(&self) -> Option<f64> {
        match self {
            Stimulus::Dc { amplitude } | Stimulus::Pulse { amplitude } => Some(amplitude.canonical()),
            _ => None,
        }
    }
}

impl Input {
    pub fn kind(&self) -> InputKind {
        self.stimulus.kind()
    }

    /// The numbers with a unit a person can edit: its kind's that are given, then start and
    /// stop if given. Each with what it is (for a tooltip) and the dimension to edit it in (a
    /// weight's is that of the target's synapses, so it keeps the one it has).
    pub fn quantities_mut(&mut self) -> Vec<(&'static str, &'static str, Dimension, &mut Quantity)> {
        let mut out = self.stimulus.quantities_mut();
        out.extend(self.start.as_mut().map(|q| ("start", q)));
        out.extend(self.stop.as_mut().map(|q| ("stop", q)));
        out.into_iter()
            .map(|(name, q)| {
                let dimension = match name {
                    "rate" | "frequency" | "max_rate" => Dimension::Rate,
                    "amplitude" | "offset" | "mean" | "sigma" => Dimension::Current,
                    "tau" | "start" | "stop" | "present" | "gap" | "latency_tau" => Dimension::Time,
                    "phase" => Dimension::Dimensionless,
                    _ => q.dimension(),
                };
                (name, schema::input_field_doc(name), dimension, q)
            })
            .collect()
    }
}

/// Weights of chosen synapses of a projection to sample over time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightRecorder {
    /// The projection's name (or "pre->post").
    pub projection: String,
    /// (pre, post) index pairs.
    pub synapses: Vec<[u64; 2]>,
    /// Sampling interval (default: every step).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Quantity>,
}

/// State variables of chosen neurons to sample over time. Spikes are always recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recorder {
    pub population: String,
    pub neurons: Vec<u64>,
    pub variables: Vec<String>,
    /// Sampling interval (default: every step).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Quantity>,
}

impl Model {
    /// The population with this name, with its index.
    pub fn population(&self, name: &str) -> Option<(usize, &Population)> {
        self.populations.iter().enumerate().find(|(_, p)| p.name == name)
    }

    /// The projection with this name (or "pre->post" label), with its index.
    pub fn projection(&self, label: &str) -> Option<(usize, &Projection)> {
        self.projections.iter().enumerate().find(|(_, p)| p.label() == label)
    }

    pub fn dt_ms(&self) -> f64 {
        self.simulation.dt.canonical()
    }

    pub fn duration_ms(&self) -> f64 {
        self.simulation.duration.canonical()
    }
}
