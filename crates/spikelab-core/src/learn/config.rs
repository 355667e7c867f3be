//! Training configurations: TOML files (`assets/training/*.toml`) that name the data and its
//! encoder, the network's layers, the method and its hyper-parameters, the epochs and the
//! seed. They are read as model files are: every problem is reported with the file, the line
//! and the key.

use crate::data::{DataError, Dataset};
use crate::model::{Dimension, Encoding, ModelError, Problem, Quantity};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

/// A training run, as its file describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub method: Method,
    /// Passes over the training samples.
    pub epochs: u64,
    /// The seed of every random draw: initial weights, sample order, input spikes.
    #[serde(default = "default_seed")]
    pub seed: u64,
    pub data: DataConfig,
    pub network: NetworkConfig,
    /// The hyper-parameters of surrogate-gradient training (`method = "surrogate"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surrogate: Option<SurrogateConfig>,
    /// The hyper-parameters of ANN→SNN conversion (`method = "conversion"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion: Option<ConversionConfig>,
    /// The hyper-parameters of competitive STDP (`method = "stdp"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdp: Option<StdpConfig>,
}

/// ANN→SNN conversion (see [`crate::learn::convert`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConversionConfig {
    /// Adam's step size for the ReLU network (default 2e-3).
    #[serde(default = "default_learning_rate")]
    pub learning_rate: f64,
    #[serde(default = "default_batch")]
    pub batch: u64,
    /// The percentile of each layer's activations that becomes one spike a step (default
    /// 99.9; 100 is the maximum, Diehl et al.'s choice).
    #[serde(default = "default_percentile")]
    pub percentile: f64,
    /// The numbers of steps the converted network is tested at, for the latency–accuracy
    /// curve.
    #[serde(default = "default_sweep")]
    pub sweep: Vec<u64>,
}

impl Default for ConversionConfig {
    fn default() -> Self {
        ConversionConfig {
            learning_rate: default_learning_rate(),
            batch: default_batch(),
            percentile: default_percentile(),
            sweep: default_sweep(),
        }
    }
}

fn default_percentile() -> f64 {
    99.9
}
fn default_sweep() -> Vec<u64> {
    vec![5, 10, 25, 50, 100, 200]
}

/// Competitive STDP (see [`crate::learn::stdp`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StdpConfig {
    /// Potentiation at a neuron's spike, per unit of (x_pre − x_target)·(w_max − w).
    #[serde(default = "default_a_plus")]
    pub a_plus: f64,
    /// Depression at an input's spike, per unit of x_post·w.
    #[serde(default = "default_a_minus")]
    pub a_minus: f64,
    #[serde(default = "default_tau_trace")]
    pub tau_plus: Quantity,
    #[serde(default = "default_tau_trace")]
    pub tau_minus: Quantity,
    /// The presynaptic trace below which an input's weight shrinks at a spike.
    #[serde(default = "default_x_target")]
    pub x_target: f64,
    /// The largest weight, mV.
    #[serde(default = "default_w_max")]
    pub w_max: f64,
    /// Each neuron's input weights are scaled to this sum after every sample, mV.
    #[serde(default = "default_weight_sum")]
    pub weight_sum: f64,
    /// The rise of a neuron's threshold at each of its spikes.
    #[serde(default = "default_theta_plus")]
    pub theta_plus: Quantity,
}

impl Default for StdpConfig {
    fn default() -> Self {
        StdpConfig {
            a_plus: default_a_plus(),
            a_minus: default_a_minus(),
            tau_plus: default_tau_trace(),
            tau_minus: default_tau_trace(),
            x_target: default_x_target(),
            w_max: default_w_max(),
            weight_sum: default_weight_sum(),
            theta_plus: default_theta_plus(),
        }
    }
}

fn default_a_plus() -> f64 {
    0.01
}
fn default_a_minus() -> f64 {
    0.001
}
fn default_tau_trace() -> Quantity {
    Quantity::ms(20.0)
}
fn default_x_target() -> f64 {
    0.4
}
fn default_w_max() -> f64 {
    1.0
}
fn default_weight_sum() -> f64 {
    4.0
}
fn default_theta_plus() -> Quantity {
    Quantity::mv(0.05)
}

fn default_seed() -> u64 {
    1
}

/// How the network learns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Backpropagation through time with a surrogate for the spike's derivative.
    Surrogate,
    /// Unsupervised STDP with winner-take-all competition and adaptive thresholds.
    Stdp,
    /// A ReLU network trained, then converted to integrate-and-fire neurons.
    Conversion,
}

impl Method {
    pub fn key(self) -> &'static str {
        match self {
            Method::Surrogate => "surrogate",
            Method::Stdp => "stdp",
            Method::Conversion => "conversion",
        }
    }
}

/// The samples and how they become spikes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// As a dataset input names it: "digits", or a CSV or `.npy` of images.
    #[serde(default = "default_dataset")]
    pub dataset: String,
    /// The labels' `.npy`, for a `.npy` dataset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<String>,
    /// How many samples test (the rest train), drawn by `split_seed`.
    pub test: u64,
    /// The seed of the train/test split, kept apart from the training seed so that runs with
    /// other seeds are tested on the same samples.
    #[serde(default = "default_seed")]
    pub split_seed: u64,
    /// Rate or latency coding, one input neuron per pixel.
    pub encoding: Encoding,
    /// Time steps a sample is shown for.
    pub steps: u64,
    /// The time step.
    #[serde(default = "default_dt")]
    pub dt: Quantity,
    /// Rate coding: the rate of a full pixel (default: one spike a step, 1/dt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rate: Option<Quantity>,
    /// Latency coding: t = τ·ln(x/(x − θ)) (defaults 20 ms and 0.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_tau: Option<Quantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
}

fn default_dataset() -> String {
    "digits".into()
}

fn default_dt() -> Quantity {
    Quantity::ms(1.0)
}

/// Layers of LIF neurons with delta synapses, all to all from one layer to the next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    /// Sizes of the layers after the input (the input has one neuron per pixel); the last is
    /// the output, one neuron per class.
    pub layers: Vec<u64>,
    /// Membrane time constant (default 20 ms: at dt = 1 ms the potential keeps e^(−1/20) = 0.951
    /// of itself each step).
    #[serde(default = "default_tau_m")]
    pub tau_m: Quantity,
    /// The jump of V, from rest (0 mV) and reset (0 mV), at which a neuron fires.
    #[serde(default = "default_threshold")]
    pub threshold: Quantity,
    /// What a spike does to V: back to 0 mV (`"to_v_reset"`, the default) or down by the
    /// threshold (`"subtract"`, which keeps the overshoot: what converted networks need).
    #[serde(default)]
    pub reset: crate::model::Reset,
}

fn default_tau_m() -> Quantity {
    Quantity::ms(20.0)
}

fn default_threshold() -> Quantity {
    Quantity::mv(1.0)
}

/// The stand-in for the spike's derivative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurrogateFn {
    /// 1/(1 + k|x|)² (Zenke & Ganguli 2018's SuperSpike).
    FastSigmoid,
    /// (k/2)/(1 + (πkx/2)²), the derivative of arctan(πkx/2)/π.
    Arctan,
    /// max(0, 1 − k|x|).
    Triangle,
}

/// What the loss is taken on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// Cross-entropy of the output neurons' spike counts taken as logits.
    Count,
    /// Cross-entropy of each output neuron's highest membrane potential.
    MembraneMax,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurrogateConfig {
    #[serde(default = "default_function")]
    pub function: SurrogateFn,
    /// k of the surrogate, per mV of v − θ (default 25).
    #[serde(default = "default_slope")]
    pub slope: f64,
    #[serde(default = "default_loss")]
    pub loss: Loss,
    /// Adam's step size (default 2e-3).
    #[serde(default = "default_learning_rate")]
    pub learning_rate: f64,
    /// Samples a gradient step averages over (default 128).
    #[serde(default = "default_batch")]
    pub batch: u64,
    /// Treat the reset as a constant when taking gradients (default true, as snnTorch does):
    /// the error then flows through the membrane only where the neuron did not fire.
    #[serde(default = "default_true")]
    pub detach_reset: bool,
}

impl Default for SurrogateConfig {
    fn default() -> Self {
        SurrogateConfig {
            function: default_function(),
            slope: default_slope(),
            loss: default_loss(),
            learning_rate: default_learning_rate(),
            batch: default_batch(),
            detach_reset: true,
        }
    }
}

fn default_function() -> SurrogateFn {
    SurrogateFn::FastSigmoid
}
fn default_slope() -> f64 {
    25.0
}
fn default_loss() -> Loss {
    Loss::Count
}
fn default_learning_rate() -> f64 {
    2e-3
}
fn default_batch() -> u64 {
    128
}
fn default_true() -> bool {
    true
}

/// The training configurations shipped with SpikeLab, compiled in.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("digits_surrogate", include_str!("../../../../assets/training/digits_surrogate.toml")),
    ("digits_surrogate_latency", include_str!("../../../../assets/training/digits_surrogate_latency.toml")),
    ("digits_stdp", include_str!("../../../../assets/training/digits_stdp.toml")),
    ("digits_conversion", include_str!("../../../../assets/training/digits_conversion.toml")),
];

/// The largest layer a configuration may ask for, and the most steps: beyond them a desktop
/// run takes hours, which a typo should not start.
const MAX_LAYER: u64 = 100_000;
const MAX_STEPS: u64 = 100_000;

impl TrainConfig {
    /// Parses and checks a configuration; `source_name` names it in messages.
    pub fn from_toml(text: &str, source_name: &str) -> Result<TrainConfig, ModelError> {
        crate::model::read_toml(text, source_name, TrainConfig::problems)
    }

    /// Reads a configuration file, or a built-in one by name (`digits_surrogate`).
    pub fn load(name_or_path: &str) -> Result<TrainConfig, ModelError> {
        if let Some((_, text)) = BUILT_IN.iter().find(|(n, _)| *n == name_or_path) {
            return TrainConfig::from_toml(text, &format!("{name_or_path}.toml"));
        }
        let path = Path::new(name_or_path);
        let looks_like_a_name = !name_or_path.contains(['/', '\\', '.']);
        if looks_like_a_name && !path.exists() {
            let names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
            let quoted: Vec<String> = names.iter().map(|n| crate::model::text::quote(n)).collect();
            let quoted: Vec<&str> = quoted.iter().map(String::as_str).collect();
            let message = format!(
                "no training configuration is called {}{}; the built-in ones are {}, or give a configuration file's path",
                crate::model::text::quote(name_or_path),
                crate::model::text::did_you_mean(name_or_path, names.iter().copied()),
                crate::model::text::list_or(&quoted),
            );
            return Err(ModelError::Invalid {
                source_name: "spikelab train".into(),
                problems: vec![crate::model::Problem::new("", message)],
            });
        }
        let text = std::fs::read_to_string(path)
            .map_err(|cause| ModelError::Read { path: path.to_path_buf(), cause })?;
        TrainConfig::from_toml(&text, &path.display().to_string())
    }

    /// The conversion hyper-parameters, with their defaults when the file has none.
    pub fn conversion(&self) -> ConversionConfig {
        self.conversion.clone().unwrap_or_default()
    }

    /// The STDP hyper-parameters, with their defaults when the file has none.
    pub fn stdp(&self) -> StdpConfig {
        self.stdp.clone().unwrap_or_default()
    }

    /// The surrogate hyper-parameters, with their defaults when the file has none.
    pub fn surrogate(&self) -> SurrogateConfig {
        self.surrogate.clone().unwrap_or_default()
    }

    /// The dataset it trains on.
    pub fn dataset(&self) -> Result<Arc<Dataset>, DataError> {
        Dataset::load(&self.data.dataset, self.data.labels.as_deref())
    }

    /// The time step, ms.
    pub fn dt_ms(&self) -> f64 {
        self.data.dt.canonical()
    }

    /// The rate encoder of a sample shown for `steps`.
    pub fn rate(&self) -> crate::data::Rate {
        let dt = self.dt_ms();
        crate::data::Rate {
            max_rate_hz: self.data.max_rate.map_or(1000.0 / dt, |q| q.canonical()),
            duration_ms: self.data.steps as f64 * dt,
            dt_ms: dt,
        }
    }

    /// The latency encoder of a sample shown for `steps`.
    pub fn latency(&self) -> crate::data::Latency {
        crate::data::Latency {
            tau_ms: self.data.latency_tau.map_or(20.0, |q| q.canonical()),
            threshold: self.data.threshold.unwrap_or(0.2),
            t_max_ms: self.data.steps as f64 * self.dt_ms(),
        }
    }

    /// Everything wrong with it, by key path.
    fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut add = |key: &str, message: String| out.push(Problem::new(key, message));
        if self.epochs == 0 {
            add("epochs", "train for at least one epoch".into());
        }
        let quantity = |q: &Quantity, dimension: Dimension| q.expect(dimension).ok();
        let dt = quantity(&self.data.dt, Dimension::Time);
        match dt {
            None => add("data.dt", format!("the time step is a time, like \"1 ms\", got {}", self.data.dt)),
            Some(v) if !(v > 0.0 && v.is_finite()) => {
                add("data.dt", format!("the time step must be positive, got {v} ms"))
            }
            Some(_) => {}
        }
        if self.data.steps == 0 || self.data.steps > MAX_STEPS {
            add(
                "data.steps",
                format!("a sample is shown for 1 to {MAX_STEPS} steps, got {}", self.data.steps),
            );
        }
        if self.data.encoding == Encoding::Delta {
            add("data.encoding", "training takes rate or latency coding (one input neuron a pixel)".into());
        }
        if let Some(q) = &self.data.max_rate {
            match (quantity(q, Dimension::Rate), dt) {
                (None, _) => add("data.max_rate", format!("a rate, like \"500 Hz\", got {q}")),
                (Some(r), Some(dt)) if !(r >= 0.0 && r * dt * 1e-3 <= 1.0 + 1e-9) => add(
                    "data.max_rate",
                    format!("{q} is more than one spike a time step ({dt} ms), or negative"),
                ),
                _ => {}
            }
        }
        if let Some(q) = &self.data.latency_tau
            && quantity(q, Dimension::Time).is_none_or(|v| !(v > 0.0 && v.is_finite()))
        {
            add("data.latency_tau", format!("a positive time, like \"20 ms\", got {q}"));
        }
        if let Some(t) = self.data.threshold
            && !(t > 0.0 && t < 1.0)
        {
            add(
                "data.threshold",
                format!("latency coding's threshold is an intensity between 0 and 1, got {t}"),
            );
        }
        match self.dataset() {
            Err(e) => add("data.dataset", e.to_string()),
            Ok(d) => {
                if self.data.test == 0 || self.data.test >= d.len() as u64 {
                    add(
                        "data.test",
                        format!("{} has {} samples: test on 1 to {} of them", d.name, d.len(), d.len() - 1),
                    );
                }
                let classes = (0..d.len()).map(|k| d.label(k)).max().map_or(0, |m| m as u64 + 1);
                match self.network.layers.last() {
                    None => add("network.layers", "give at least the output layer: layers = [10]".into()),
                    Some(&out) if out < classes => add(
                        "network.layers",
                        format!(
                            "the last layer is the output, one neuron a class: {} has labels 0 to {}, so it needs {classes} neurons, not {out}",
                            d.name,
                            classes - 1
                        ),
                    ),
                    Some(_) => {}
                }
            }
        }
        if let Some(k) = self.network.layers.iter().position(|&n| n == 0 || n > MAX_LAYER) {
            add(
                &format!("network.layers[{k}]"),
                format!("a layer has 1 to {MAX_LAYER} neurons, got {}", self.network.layers[k]),
            );
        }
        if quantity(&self.network.tau_m, Dimension::Time).is_none_or(|v| !(v > 0.0 && v.is_finite())) {
            add("network.tau_m", format!("a positive time, like \"20 ms\", got {}", self.network.tau_m));
        }
        if quantity(&self.network.threshold, Dimension::Voltage).is_none_or(|v| !(v > 0.0 && v.is_finite())) {
            add(
                "network.threshold",
                format!(
                    "the jump from rest to threshold, a positive voltage like \"1 mV\", got {}",
                    self.network.threshold
                ),
            );
        }
        let s = self.surrogate();
        if !(s.slope > 0.0 && s.slope.is_finite()) {
            add(
                "surrogate.slope",
                format!("the surrogate's slope must be a positive number, got {}", s.slope),
            );
        }
        if !(s.learning_rate > 0.0 && s.learning_rate.is_finite()) {
            add(
                "surrogate.learning_rate",
                format!("the learning rate must be a positive number, got {}", s.learning_rate),
            );
        }
        if s.batch == 0 {
            add("surrogate.batch", "a batch holds at least one sample".into());
        }
        if self.method == Method::Conversion {
            let p = self.conversion();
            if !(p.learning_rate > 0.0 && p.learning_rate.is_finite()) {
                add(
                    "conversion.learning_rate",
                    format!("the learning rate must be a positive number, got {}", p.learning_rate),
                );
            }
            if p.batch == 0 {
                add("conversion.batch", "a batch holds at least one sample".into());
            }
            if !(p.percentile > 0.0 && p.percentile <= 100.0) {
                add("conversion.percentile", format!("a percentile between 0 and 100, got {}", p.percentile));
            }
            if let Some(k) = p.sweep.iter().position(|&n| n == 0 || n > MAX_STEPS) {
                add(&format!("conversion.sweep[{k}]"), format!("1 to {MAX_STEPS} steps, got {}", p.sweep[k]));
            }
        }
        if self.method == Method::Stdp {
            let p = self.stdp();
            if self.network.layers.len() != 1 {
                add("network.layers", "STDP with competition learns one layer: layers = [100]".into());
            }
            for (key, v) in [("a_plus", p.a_plus), ("a_minus", p.a_minus), ("x_target", p.x_target)] {
                if !(v >= 0.0 && v.is_finite()) {
                    add(&format!("stdp.{key}"), format!("must be a number ≥ 0, got {v}"));
                }
            }
            for (key, v) in [("w_max", p.w_max), ("weight_sum", p.weight_sum)] {
                if !(v > 0.0 && v.is_finite()) {
                    add(&format!("stdp.{key}"), format!("must be a positive number of mV, got {v}"));
                }
            }
            for (key, q) in [("tau_plus", p.tau_plus), ("tau_minus", p.tau_minus)] {
                if quantity(&q, Dimension::Time).is_none_or(|v| !(v > 0.0 && v.is_finite())) {
                    add(&format!("stdp.{key}"), format!("a positive time, like \"20 ms\", got {q}"));
                }
            }
            if quantity(&p.theta_plus, Dimension::Voltage).is_none_or(|v| !(v >= 0.0 && v.is_finite())) {
                add("stdp.theta_plus", format!("a voltage ≥ 0, like \"0.05 mV\", got {}", p.theta_plus));
            }
        }
        out
    }
}
