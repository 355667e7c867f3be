//! Teaching spiking networks a task: training configurations ([`config`]) and the methods
//! that learn from them, each on the same data, encoders and LIF kernel as the simulator.
//!
//! - [`surrogate`]: backpropagation through time with a surrogate gradient (Neftci et al. 2019);
//! - [`stdp`]: competitive STDP without labels, winner-take-all with adaptive thresholds, the
//!   classes read afterwards by vote (Diehl & Cook 2015);
//! - [`convert`]: a ReLU network trained by backpropagation, its normalised weights then run by
//!   integrate-and-fire neurons (Diehl et al. 2015; Rueckauer et al. 2017).
//!
//! A [`Trainer`] runs one epoch at a time, so that the command line and the window's
//! background thread drive the same code; an epoch can be cancelled, and then the weights
//! are those of the last completed epoch.

pub mod config;
pub mod convert;
pub mod stdp;
pub mod surrogate;

pub use config::{Method, TrainConfig};

use crate::data::{Dataset, Split};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;
pub use surrogate::Activity;
use surrogate::{Adam, Network, Weights, dense};

/// What one epoch did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EpochReport {
    /// 1 for the first.
    pub epoch: u64,
    /// Mean training loss over the epoch's batches.
    pub loss: f64,
    /// Fraction of training samples the network answered right while it learned from them.
    pub train_accuracy: f64,
    /// Fraction of test samples answered right after the epoch.
    pub test_accuracy: f64,
    /// Wall time of training so far (evaluation included), s.
    pub wall_s: f64,
}

/// Operations of one inference (see [`Trainer::cost`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Cost {
    pub synaptic_events: f64,
    pub neuron_updates: f64,
    pub ann_macs: f64,
}

impl Cost {
    /// What [`Cost::summary`] counts, and where its energy figures come from.
    pub fn sources() -> String {
        let (loihi, mac) = (&crate::analysis::FIGURES[1], &crate::analysis::FIGURES[3]);
        format!(
            "Averaged over the test samples. Synaptic events: each spike times the neurons it reaches in the layer above; the ANN of the same shape does one multiply-accumulate per weight. {}: {}. MAC: {}",
            loihi.name, loihi.source, mac.source
        )
    }

    /// The work and energy of an inference against the ANN's, in a sentence.
    pub fn summary(&self) -> String {
        let (loihi, mac) = (&crate::analysis::FIGURES[1], &crate::analysis::FIGURES[3]);
        let ratio = self.synaptic_events / self.ann_macs.max(1.0);
        format!(
            "An inference: {:.0} synaptic events, {ratio:.2}× the ANN's {:.0} multiply-accumulates: {:.0} nJ on {} against {:.0} nJ for the ANN at {:.1} pJ a MAC",
            self.synaptic_events,
            self.ann_macs,
            self.synaptic_events * loihi.joules * 1e9,
            loihi.name,
            self.ann_macs * mac.joules * 1e9,
            mac.joules * 1e12
        )
    }
}

/// A training run in progress.
pub struct Trainer {
    pub config: TrainConfig,
    data: Arc<Dataset>,
    pub split: Split,
    pub network: Network,
    adam: Adam,
    /// The ReLU network and its optimiser, for `method = "conversion"`; `network` holds its
    /// converted weights.
    pub(crate) ann: Option<(convert::Ann, Adam)>,
    /// The competitive layer, for `method = "stdp"`.
    pub competitive: Option<stdp::Competitive>,
    /// Epochs completed, with what each did.
    pub history: Vec<EpochReport>,
    /// Wall time spent training, s.
    wall_s: f64,
}

/// Samples encoded and run together when only evaluating.
const EVAL_BATCH: usize = 250;

impl Trainer {
    /// A fresh network for `config` (already checked when it was read).
    pub fn new(config: TrainConfig) -> Result<Trainer, crate::data::DataError> {
        let data = config.dataset()?;
        let split = data.split_count(config.data.split_seed, config.data.test as usize);
        let network = Network::new(&config, data.pixels_per_image());
        let adam = Adam::new(config.surrogate().learning_rate, &network.weights);
        let competitive =
            (config.method == Method::Stdp).then(|| stdp::Competitive::new(&config, data.pixels_per_image()));
        let ann = (config.method == Method::Conversion).then(|| {
            let sizes: Vec<usize> = std::iter::once(data.pixels_per_image())
                .chain(config.network.layers.iter().map(|&n| n as usize))
                .collect();
            let ann = convert::Ann::new(&sizes, config.seed);
            let adam = Adam::new(config.conversion().learning_rate, &ann.weights);
            (ann, adam)
        });
        Ok(Trainer { config, data, split, network, adam, ann, competitive, history: Vec::new(), wall_s: 0.0 })
    }

    pub fn data(&self) -> &Dataset {
        &self.data
    }

    /// The input spikes of sample `k`, the `draw`th time it is shown (rate coding draws anew
    /// each time; latency coding is the same every time).
    fn encode(&self, k: usize, draw: u64) -> Vec<crate::data::Spike> {
        let x = self.data.intensities(k);
        match self.config.data.encoding {
            crate::model::Encoding::Latency => self.config.latency().encode(&x),
            _ => {
                let seed = self.config.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (draw << 32) ^ k as u64;
                self.config.rate().encode(&x, seed)
            }
        }
    }

    fn batch_input(&self, samples: &[usize], draw: u64) -> Vec<ndarray::Array2<f32>> {
        let spikes: Vec<_> = samples.iter().map(|&k| self.encode(k, draw)).collect();
        dense(&spikes, self.data.pixels_per_image(), self.config.data.steps as usize, self.config.dt_ms())
    }

    /// Trains one epoch over the training samples in a fresh order, then tests. `progress`
    /// hears the fraction of the epoch done after each batch. When `cancel` is set the epoch
    /// stops, the weights go back to what they were before it, and `None` is returned.
    pub fn epoch(&mut self, cancel: &AtomicBool, progress: &mut dyn FnMut(f64)) -> Option<EpochReport> {
        if self.competitive.is_some() {
            return self.stdp_epoch(cancel, progress);
        }
        if self.ann.is_some() {
            return self.ann_epoch(cancel, progress);
        }
        let started = Instant::now();
        let epoch = self.history.len() as u64 + 1;
        let before = (self.network.weights.clone(), self.adam.clone());
        let mut order = self.split.train.clone();
        order.shuffle(&mut rand_pcg::Pcg64::seed_from_u64(self.config.seed ^ (epoch << 20)));
        let batch = self.config.surrogate().batch as usize;
        let (mut loss, mut right, mut batches) = (0.0, 0, 0);
        for (b, samples) in order.chunks(batch).enumerate() {
            if cancel.load(Ordering::Relaxed) {
                (self.network.weights, self.adam) = before;
                return None;
            }
            let input = self.batch_input(samples, epoch);
            let labels: Vec<usize> = samples.iter().map(|&k| self.data.label(k) as usize).collect();
            let mut trace = surrogate::Trace::default();
            let out = self.network.forward(&input, Some(&mut trace));
            right += self.network.predict(&out).iter().zip(&labels).filter(|(p, y)| p == y).count();
            let (l, dz) = self.network.loss(&out, &labels);
            loss += l;
            batches += 1;
            let grad = self.network.backward(&input, &trace, &out, &dz);
            self.adam.step(&mut self.network.weights, &grad);
            progress(((b + 1) * batch).min(order.len()) as f64 / order.len() as f64);
        }
        let test_accuracy = self.accuracy(&self.split.test.clone());
        self.wall_s += started.elapsed().as_secs_f64();
        let report = EpochReport {
            epoch,
            loss: loss / f64::from(batches.max(1)),
            train_accuracy: right as f64 / order.len().max(1) as f64,
            test_accuracy,
            wall_s: self.wall_s,
        };
        self.history.push(report.clone());
        Some(report)
    }

    /// The input spikes of sample `k` as lists of firing inputs per step.
    fn steps_of(&self, k: usize, draw: u64) -> Vec<Vec<u32>> {
        let mut steps = vec![Vec::new(); self.config.data.steps as usize];
        let dt = self.config.dt_ms();
        for s in self.encode(k, draw) {
            let t = (s.t_ms / dt).round() as usize;
            if let Some(step) = steps.get_mut(t) {
                step.push(s.neuron);
            }
        }
        steps
    }

    /// An epoch of competitive STDP: every training sample shown once with plasticity on,
    /// then the neurons labelled on the training samples and the test samples voted on.
    fn stdp_epoch(&mut self, cancel: &AtomicBool, progress: &mut dyn FnMut(f64)) -> Option<EpochReport> {
        let started = Instant::now();
        let epoch = self.history.len() as u64 + 1;
        let before = self.competitive.clone();
        let mut order = self.split.train.clone();
        order.shuffle(&mut rand_pcg::Pcg64::seed_from_u64(self.config.seed ^ (epoch << 20)));
        for (n, &k) in order.iter().enumerate() {
            if cancel.load(Ordering::Relaxed) {
                self.competitive = before;
                return None;
            }
            let input = self.steps_of(k, epoch);
            self.competitive.as_mut().expect("stdp").present(&input, true);
            if n % 64 == 63 {
                progress(0.8 * (n + 1) as f64 / order.len() as f64);
            }
        }
        // Label with plasticity off, on the training samples as shown for testing.
        let classes = self.classes();
        let train = self.split.train.clone();
        let counts: Vec<(Vec<u32>, usize)> = train
            .iter()
            .map(|&k| {
                let input = self.steps_of(k, 0);
                (self.competitive.as_mut().expect("stdp").present(&input, false), self.data.label(k) as usize)
            })
            .collect();
        self.competitive.as_mut().expect("stdp").label(&counts, classes);
        progress(0.9);
        let c = self.competitive.as_ref().expect("stdp");
        let right = counts.iter().filter(|(n, y)| c.vote(n, classes) == Some(*y)).count();
        let test_accuracy = self.accuracy(&self.split.test.clone());
        self.wall_s += started.elapsed().as_secs_f64();
        let report = EpochReport {
            epoch,
            // No loss is minimised; the fraction of samples left unanswered stands in.
            loss: counts.iter().filter(|(n, _)| n.iter().all(|&x| x == 0)).count() as f64
                / counts.len().max(1) as f64,
            train_accuracy: right as f64 / counts.len().max(1) as f64,
            test_accuracy,
            wall_s: self.wall_s,
        };
        self.history.push(report.clone());
        Some(report)
    }

    /// The images of `samples` as rows of intensities.
    fn images(&self, samples: &[usize]) -> ndarray::Array2<f32> {
        let n = self.data.pixels_per_image();
        let mut x = ndarray::Array2::zeros((samples.len(), n));
        for (r, &k) in samples.iter().enumerate() {
            for (c, v) in self.data.intensities(k).into_iter().enumerate() {
                x[[r, c]] = v;
            }
        }
        x
    }

    /// An epoch of the ReLU network, then its conversion: the report's train accuracy is the
    /// ReLU network's, its test accuracy the converted spiking network's at the configured
    /// number of steps.
    fn ann_epoch(&mut self, cancel: &AtomicBool, progress: &mut dyn FnMut(f64)) -> Option<EpochReport> {
        let started = Instant::now();
        let epoch = self.history.len() as u64 + 1;
        let before = (self.ann.clone(), self.network.weights.clone());
        let mut order = self.split.train.clone();
        order.shuffle(&mut rand_pcg::Pcg64::seed_from_u64(self.config.seed ^ (epoch << 20)));
        let p = self.config.conversion();
        let (mut loss, mut batches) = (0.0, 0);
        for (b, samples) in order.chunks(p.batch as usize).enumerate() {
            if cancel.load(Ordering::Relaxed) {
                (self.ann, self.network.weights) = before;
                return None;
            }
            let x = self.images(samples);
            let labels: Vec<usize> = samples.iter().map(|&k| self.data.label(k) as usize).collect();
            let (ann, adam) = self.ann.as_mut().expect("conversion");
            let (l, grad) = ann.gradient(&x, &labels);
            adam.step(&mut ann.weights, &grad);
            loss += l;
            batches += 1;
            progress(0.8 * ((b + 1) * p.batch as usize).min(order.len()) as f64 / order.len() as f64);
        }
        let train_x = self.images(&self.split.train);
        let (ann, _) = self.ann.as_ref().expect("conversion");
        let threshold = self.config.network.threshold.canonical() as f32;
        self.network.weights = ann.converted(&train_x, p.percentile, threshold);
        let right = ann
            .predict(&train_x)
            .iter()
            .zip(&self.split.train)
            .filter(|&(p, &k)| *p == self.data.label(k) as usize)
            .count();
        let test_accuracy = self.accuracy(&self.split.test.clone());
        self.wall_s += started.elapsed().as_secs_f64();
        let report = EpochReport {
            epoch,
            loss: loss / f64::from(batches.max(1)),
            train_accuracy: right as f64 / self.split.train.len().max(1) as f64,
            test_accuracy,
            wall_s: self.wall_s,
        };
        self.history.push(report.clone());
        Some(report)
    }

    /// The ReLU network's accuracy on `samples` (conversion only).
    pub fn ann_accuracy(&self, samples: &[usize]) -> Option<f64> {
        let (ann, _) = self.ann.as_ref()?;
        let right = ann
            .predict(&self.images(samples))
            .iter()
            .zip(samples)
            .filter(|&(p, &k)| *p == self.data.label(k) as usize)
            .count();
        Some(right as f64 / samples.len().max(1) as f64)
    }

    /// The spiking network's accuracy on `samples` when each is shown for each of `steps`:
    /// the latency–accuracy trade-off.
    pub fn accuracy_by_steps(&self, samples: &[usize], steps: &[u64]) -> Vec<(u64, f64)> {
        steps.iter().map(|&n| (n, self.shown_for(n).accuracy(samples))).collect()
    }

    /// The fraction of `samples` on which the converted network, shown each for `steps`,
    /// answers as the ReLU network does (conversion only).
    pub fn agreement_with_ann(&self, samples: &[usize], steps: u64) -> Option<f64> {
        let (ann, _) = self.ann.as_ref()?;
        let same = ann
            .predict(&self.images(samples))
            .iter()
            .zip(self.shown_for(steps).predict(samples))
            .filter(|(a, s)| *a == s)
            .count();
        Some(same as f64 / samples.len().max(1) as f64)
    }

    /// The spiking network alone, each sample shown for `steps`.
    fn shown_for(&self, steps: u64) -> Trainer {
        let mut config = self.config.clone();
        config.data.steps = steps;
        Trainer {
            config,
            data: self.data.clone(),
            split: self.split.clone(),
            network: self.network.clone(),
            adam: self.adam.clone(),
            ann: None,
            competitive: None,
            history: Vec::new(),
            wall_s: 0.0,
        }
    }

    /// The number of classes: the largest label and one.
    fn classes(&self) -> usize {
        (0..self.data.len()).map(|k| self.data.label(k) as usize).max().map_or(0, |m| m + 1)
    }

    /// The predicted class of each sample (the test samples' input spikes are drawn the same
    /// way every time). Under STDP a sample that no labelled neuron answers gets `usize::MAX`,
    /// which is never right.
    pub fn predict(&self, samples: &[usize]) -> Vec<usize> {
        if let Some(c) = &self.competitive {
            let classes = self.classes();
            let mut c = c.clone();
            return samples
                .iter()
                .map(|&k| {
                    let counts = c.present(&self.steps_of(k, 0), false);
                    c.vote(&counts, classes).unwrap_or(usize::MAX)
                })
                .collect();
        }
        samples
            .chunks(EVAL_BATCH)
            .flat_map(|chunk| {
                let out = self.network.forward(&self.batch_input(chunk, 0), None);
                self.network.predict(&out)
            })
            .collect()
    }

    /// What an inference costs, averaged over `samples`: synaptic events (each spike times
    /// the neurons it reaches in the layer above), neuron updates (every neuron, every step),
    /// and the multiply-accumulates of the ANN of the same shape (one per weight).
    pub fn cost(&self, samples: &[usize]) -> Cost {
        if let Some(c) = &self.competitive {
            // Each input spike reaches every neuron; each winner's spike inhibits the others.
            let mut c = c.clone();
            let n = c.neurons() as f64;
            let mut events = 0.0;
            for &k in samples {
                let input = self.steps_of(k, 0);
                let fired: u32 = c.present(&input, false).iter().sum();
                events += input.iter().map(Vec::len).sum::<usize>() as f64 * n + f64::from(fired) * (n - 1.0);
            }
            return Cost {
                synaptic_events: events / samples.len().max(1) as f64,
                neuron_updates: n * (self.config.data.steps + 1) as f64,
                ann_macs: c.weights.0[0].len() as f64,
            };
        }
        let w = &self.network.weights.0;
        let mut events = 0.0;
        for chunk in samples.chunks(EVAL_BATCH) {
            let out = self.network.forward(&self.batch_input(chunk, 0), None);
            events += w.iter().zip(&out.spikes).map(|(w, s)| s * w.ncols() as f64).sum::<f64>();
        }
        let n = samples.len().max(1) as f64;
        let neurons: usize = w.iter().map(|w| w.ncols()).sum();
        let steps = self.network.steps_for(self.config.data.steps as usize);
        Cost {
            synaptic_events: events / n,
            neuron_updates: (neurons * steps) as f64,
            ann_macs: w.iter().map(|w| w.len() as f64).sum(),
        }
    }

    /// The fraction of `samples` answered right.
    pub fn accuracy(&self, samples: &[usize]) -> f64 {
        let right = self
            .predict(samples)
            .iter()
            .zip(samples)
            .filter(|&(p, &k)| *p == self.data.label(k) as usize)
            .count();
        right as f64 / samples.len().max(1) as f64
    }

    /// Saves the network as a SpikeLab model at `path` (TOML), its weights as `.npy` files
    /// beside it (`<stem>.w1.npy`, …, pre × post, mV), and reads it back as the workbench
    /// would. The input population relays the dataset input's spikes one step later, as the
    /// trainer's input layer is fed; each layer is two projections reading one matrix, the
    /// positive weights excitatory and the negative inhibitory; a spike reaches the next layer
    /// one step later. Samples are shown for the trained number of steps, then 5 τm of
    /// silence so that the potentials return (almost) to rest before the next.
    pub fn save_model(
        &self,
        path: &std::path::Path,
    ) -> Result<crate::model::Model, crate::model::ModelError> {
        if self.competitive.is_some() {
            return Err(crate::model::ModelError::Invalid {
                source_name: path.display().to_string(),
                problems: vec![crate::model::Problem::new(
                    "method",
                    "a network trained by STDP needs adaptive thresholds and winner-take-all inhibition, which model files cannot express yet: it is not saved",
                )],
            });
        }
        let write_error = |cause| crate::model::ModelError::Write { path: path.to_path_buf(), cause };
        let stem = path.file_stem().map_or("trained".into(), |s| s.to_string_lossy().into_owned());
        let folder = path.parent().unwrap_or(std::path::Path::new(""));
        let cfg = &self.config;
        let dt = cfg.dt_ms();
        let theta = cfg.network.threshold.canonical();
        let n_layers = self.network.weights.0.len();
        let name_of = |l: usize| {
            if l == 0 {
                "pixels".to_string()
            } else if l == n_layers {
                "output".into()
            } else {
                format!("hidden{l}")
            }
        };
        let reset = match cfg.network.reset {
            crate::model::Reset::ToVReset => String::new(),
            r => format!("reset = \"{}\"\n", r.key()),
        };
        let lif = format!(
            "model = \"lif\"\nsynapse = \"delta\"\n{reset}\n[populations.params]\ntau_m = \"{}\"\nv_rest = \"0 mV\"\nv_reset = \"0 mV\"\nv_thresh = \"{theta} mV\"\nt_ref = \"0 ms\"\n",
            cfg.network.tau_m
        );
        let present = cfg.data.steps as f64 * dt;
        let gap = (5.0 * cfg.network.tau_m.canonical() / dt).ceil() * dt;
        let mut text = format!(
            "name = \"{} (trained)\"\ndescription = \"\"\"\nTrained by SpikeLab ({}, {} epochs, test accuracy {:.1}%). The input relays the {} spikes of each\nsample; the output neuron that fires most names the class.\"\"\"\n\n[simulation]\ndt = \"{dt} ms\"\nduration = \"{} ms\"\nseed = {}\n",
            cfg.name.replace('"', "'"),
            cfg.method.key(),
            self.history.len(),
            100.0 * self.history.last().map_or(0.0, |r| r.test_accuracy),
            cfg.data.encoding.key(),
            10.0 * (present + gap),
            cfg.seed
        );
        let sizes: Vec<usize> = std::iter::once(self.data.pixels_per_image())
            .chain(self.network.weights.0.iter().map(|w| w.ncols()))
            .collect();
        for (l, n) in sizes.iter().enumerate() {
            text += &format!("\n[[populations]]\nname = \"{}\"\nsize = {n}\n{lif}", name_of(l));
        }
        for (l, w) in self.network.weights.0.iter().enumerate() {
            let file = format!("{stem}.w{}.npy", l + 1);
            ndarray_npy::write_npy(folder.join(&file), w).map_err(|e| match e {
                ndarray_npy::WriteNpyError::Io(e) => write_error(e),
                other => write_error(std::io::Error::other(other.to_string())),
            })?;
            for receptor in ["excitatory", "inhibitory"] {
                text += &format!(
                    "\n[[projections]]\nname = \"{pre}->{post} {}\"\npre = \"{pre}\"\npost = \"{post}\"\nreceptor = \"{receptor}\"\nconnect = {{ rule = \"matrix\", weights = \"{file}\" }}\nweight = \"1 mV\"\ndelay = \"{dt} ms\"\n",
                    if receptor == "excitatory" { "w>0" } else { "w<0" },
                    pre = name_of(l),
                    post = name_of(l + 1)
                );
            }
        }
        let encoding = match cfg.data.encoding {
            crate::model::Encoding::Latency => {
                let e = cfg.latency();
                format!(
                    "encoding = \"latency\"\nlatency_tau = \"{} ms\"\nthreshold = {}\n",
                    e.tau_ms, e.threshold
                )
            }
            _ => format!("encoding = \"rate\"\nmax_rate = \"{} Hz\"\n", cfg.rate().max_rate_hz),
        };
        let dataset = match &cfg.data.labels {
            Some(l) => format!("dataset = \"{}\"\nlabels = \"{l}\"\n", cfg.data.dataset),
            None => format!("dataset = \"{}\"\n", cfg.data.dataset),
        };
        text += &format!(
            "\n[[inputs]]\nname = \"data\"\nkind = \"dataset\"\ntarget = \"pixels\"\n{dataset}{encoding}weight = \"{} mV\"\npresent = \"{present} ms\"\ngap = \"{gap} ms\"\norder = \"in_order\"\n",
            2.0 * theta
        );
        std::fs::write(path, text).map_err(write_error)?;
        crate::model::Model::load(path)
    }

    /// What the network does with one sample, step by step: the spikes of the input and of
    /// every layer, and the output neurons' potentials.
    pub fn activity(&self, k: usize) -> Activity {
        let spikes = self.encode(k, 0);
        let input = dense(
            &[spikes],
            self.data.pixels_per_image(),
            self.config.data.steps as usize,
            self.config.dt_ms(),
        );
        self.network.activity(&input)
    }

    /// The trained weights.
    pub fn weights(&self) -> &Weights {
        self.competitive.as_ref().map_or(&self.network.weights, |c| &c.weights)
    }
}
