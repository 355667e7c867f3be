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
mod text;
pub mod units;
mod validate;
mod warnings;

pub use dist::{CanonicalDist, Dist};
pub use error::{ModelError, PROBLEMS_SHOWN, Problem};
pub use params::{ParamInfo, StateVarInfo};

use crate::neurons::NeuronKind;
pub use units::{Dimension, Quantity, Unit};
pub(crate) use validate::expected_synapses;
pub use validate::{MEMORY_LIMIT_BYTES, estimate_memory_bytes};
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// Independent Poisson spike trains onto each target neuron (`rate`, or a `schedule`).
    Poisson,
    /// Spikes at the listed `times` onto every target neuron.
    Spikes,
    /// Constant current.
    Dc,
    /// Current switched on at `start` and off at `stop`.
    Pulse,
    /// `offset + amplitude · sin(2π · frequency · t + phase)`.
    Sine,
    /// Ornstein–Uhlenbeck noise current, independent per neuron: mean, sigma (its standard
    /// deviation), tau (its correlation time).
    Noise,
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

/// A stimulus attached to a population or to chosen neurons of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    pub name: String,
    pub kind: InputKind,
    pub target: String,
    /// Indices within the target population; empty means all of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub neurons: Vec<u64>,
    /// Poisson: rate of each source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<Quantity>,
    /// Poisson: piecewise-constant rate, instead of `rate`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<RateStep>,
    /// Poisson: independent sources per target neuron (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<u64>,
    /// Spikes: when the spikes happen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub times: Vec<Quantity>,
    /// Poisson and spikes: weight of each input spike (pA, nS or mV, by the target's synapse kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<Quantity>,
    /// Poisson and spikes: which receptor the input spikes reach (default excitatory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receptor: Option<Receptor>,
    /// Dc, pulse, sine: the injected current (sine: its amplitude).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amplitude: Option<Quantity>,
    /// Sine: frequency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<Quantity>,
    /// Sine: phase at t = 0, radians (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Quantity>,
    /// Sine: constant added to the sine (default 0 pA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<Quantity>,
    /// Noise: mean current (default 0 pA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<Quantity>,
    /// Noise: standard deviation of the current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma: Option<Quantity>,
    /// Noise: correlation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tau: Option<Quantity>,
    /// When the input switches on (default 0 ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Quantity>,
    /// When it switches off (default never; required for pulse).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<Quantity>,
}

impl Input {
    /// The fields a person can edit as a number with a unit, for this input's kind (then its
    /// start and stop): name, what it is, and its dimension (a weight's is that of the
    /// target's synapses, so it keeps the one it has).
    pub fn quantity_fields(&self) -> Vec<(&'static str, &'static str, Dimension)> {
        self.kind
            .fields()
            .iter()
            .chain(&["start", "stop"])
            .filter_map(|&name| {
                let dimension = match name {
                    "rate" | "frequency" => Dimension::Rate,
                    "amplitude" | "offset" | "mean" | "sigma" => Dimension::Current,
                    "tau" | "start" | "stop" => Dimension::Time,
                    "phase" => Dimension::Dimensionless,
                    "weight" => self.weight.map_or(Dimension::Current, |w| w.dimension()),
                    _ => return None,
                };
                Some((name, schema::input_field_doc(name), dimension))
            })
            .collect()
    }

    /// A quantity field by name (see [`Input::quantity_fields`]).
    pub fn quantity_mut(&mut self, name: &str) -> Option<&mut Option<Quantity>> {
        Some(match name {
            "rate" => &mut self.rate,
            "weight" => &mut self.weight,
            "amplitude" => &mut self.amplitude,
            "frequency" => &mut self.frequency,
            "phase" => &mut self.phase,
            "offset" => &mut self.offset,
            "mean" => &mut self.mean,
            "sigma" => &mut self.sigma,
            "tau" => &mut self.tau,
            "start" => &mut self.start,
            "stop" => &mut self.stop,
            _ => return None,
        })
    }

    /// Which optional kind-specific fields are filled in.
    pub fn present_fields(&self) -> Vec<&'static str> {
        let mut present = Vec::new();
        let mut mark = |name: &'static str, here: bool| {
            if here {
                present.push(name);
            }
        };
        mark("rate", self.rate.is_some());
        mark("schedule", !self.schedule.is_empty());
        mark("sources", self.sources.is_some());
        mark("times", !self.times.is_empty());
        mark("weight", self.weight.is_some());
        mark("receptor", self.receptor.is_some());
        mark("amplitude", self.amplitude.is_some());
        mark("frequency", self.frequency.is_some());
        mark("phase", self.phase.is_some());
        mark("offset", self.offset.is_some());
        mark("mean", self.mean.is_some());
        mark("sigma", self.sigma.is_some());
        mark("tau", self.tau.is_some());
        present
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
