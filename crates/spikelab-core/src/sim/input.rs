//! Stimuli at run time: spike inputs (Poisson, explicit times, a dataset's encoded samples)
//! and injected currents (DC, pulse, sine, Ornstein–Uhlenbeck noise).

use super::neuron::PopState;
use super::rng::{Stream, rng_for};
use crate::data::{Dataset, Latency, Rate, Saccades};
use crate::model::{
    Delivers, Encoding, Input as InputSpec, InputKind, Model, Quantity, Receptor, SampleOrder, Stimulus,
};
use rand::RngExt;
use rand::seq::SliceRandom;
use rand_distr::{Distribution, Poisson, StandardNormal};
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

/// Targets per Poisson block. Each block has its own random stream, so blocks can be drawn in
/// parallel and the spikes do not depend on the number of threads.
pub(crate) const POISSON_BLOCK: usize = 1024;

/// Poisson spikes onto targets `lo..hi` (of the population, or of the input's neuron list).
#[derive(Clone, Debug)]
pub(crate) struct PoissonBlock {
    lo: usize,
    hi: usize,
    /// (first step, sampler of the number of spikes per step in this block) per schedule
    /// segment; `None` where the rate is zero.
    schedule: Vec<(u64, Option<Poisson<f64>>)>,
    rng: Pcg64Mcg,
}

impl PoissonBlock {
    /// Draws this step's number of spikes in the block.
    fn count(&mut self, step: u64) -> u64 {
        let segment = self.schedule.partition_point(|(first, _)| *first <= step);
        match segment.checked_sub(1).and_then(|s| self.schedule.get(s)) {
            Some((_, Some(sampler))) => sampler.sample(&mut self.rng) as u64,
            _ => 0,
        }
    }

    /// Adds this step's spikes; `queue` covers the block's targets (`lo..hi`). Splitting a
    /// Poisson count uniformly over targets gives independent Poisson trains.
    fn inject(&mut self, step: u64, weight: f32, queue: &mut [f32]) -> u64 {
        let count = self.count(step);
        let n = self.hi - self.lo;
        for _ in 0..count {
            queue[self.rng.random_range(0..n)] += weight;
        }
        count
    }

    /// As `inject`, for a block of a neuron list: target k of the block is neuron `neurons[lo + k]`.
    fn inject_listed(&mut self, step: u64, weight: f32, neurons: &[u32], queue: &mut [f32]) -> u64 {
        let count = self.count(step);
        for _ in 0..count {
            let k = self.rng.random_range(self.lo..self.hi);
            queue[neurons[k] as usize] += weight;
        }
        count
    }
}

#[derive(Clone, Debug)]
pub(crate) enum Drive {
    /// Spikes onto a receptor, drawn block by block.
    Poisson { blocks: Vec<PoissonBlock>, weight: f32, receptor: Receptor },
    /// Spikes at these steps (sorted) onto every target.
    Spikes { steps: Vec<u64>, next: usize, weight: f32, receptor: Receptor },
    /// Constant current while active, pA.
    Constant { amplitude: f32 },
    /// offset + amplitude · sin(omega · t + phase), pA, t in ms.
    Sine { amplitude: f32, offset: f32, omega: f64, phase: f64 },
    /// Ornstein–Uhlenbeck current per target: x ← mean + (x - mean)·decay + kick·N(0, 1).
    Noise { mean: f32, decay: f32, kick: f32, state: Vec<f32> },
    /// A dataset's samples, one after another, encoded as they come.
    Samples { presenter: Box<Presenter>, weight: f32, receptor: Receptor },
    /// Events of a file as (step after the start, target), in time order.
    Events { events: Vec<(u64, u32)>, next: usize, weight: f32, receptor: Receptor },
}

/// A sample of a dataset input, as it was shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown {
    /// The step it started at.
    pub step: u64,
    /// Its index in the dataset, and its label.
    pub sample: usize,
    pub label: u32,
}

/// Shows a dataset's samples in turn: sample k of the order starts `k · period` steps after
/// the input switches on and lasts `present` steps; its spikes are encoded when it starts.
#[derive(Clone, Debug)]
pub(crate) struct Presenter {
    data: std::sync::Arc<Dataset>,
    order: Vec<usize>,
    encoding: Encoding,
    present: u64,
    period: u64,
    dt: f64,
    rate: Rate,
    latency: Latency,
    saccades: Saccades,
    /// The number (0, 1, …) of the sample whose spikes are queued, those spikes as (step
    /// within the sample, target) in time order, and the next to deliver.
    current: Option<u64>,
    spikes: Vec<(u64, u32)>,
    next: usize,
    /// Every sample shown so far.
    pub shown: Vec<Shown>,
}

impl Presenter {
    /// The spikes due `within` steps into sample `number` (starting at `start`), as targets.
    fn due(&mut self, number: u64, start: u64, within: u64, rng: &mut Pcg64Mcg) -> &[(u64, u32)] {
        if self.current != Some(number) && !self.order.is_empty() {
            let sample = self.order[(number % self.order.len() as u64) as usize];
            let x = self.data.intensities(sample);
            let to_step = |ms: f64| (ms / self.dt).round() as u64;
            self.spikes = match self.encoding {
                Encoding::Rate => self
                    .rate
                    .encode(&x, rng.random::<u64>())
                    .iter()
                    .map(|s| (to_step(s.t_ms), s.neuron))
                    .collect(),
                Encoding::Latency => {
                    self.latency.encode(&x).iter().map(|s| (to_step(s.t_ms), s.neuron)).collect()
                }
                Encoding::Delta => self
                    .saccades
                    .spikes(&x, self.data.width)
                    .iter()
                    .map(|s| (to_step(s.t_ms), s.neuron))
                    .collect(),
            };
            self.spikes.retain(|&(s, _)| s < self.present);
            self.spikes.sort_by_key(|&(s, n)| (s, n));
            self.next = 0;
            self.current = Some(number);
            self.shown.push(Shown { step: start, sample, label: self.data.label(sample) });
        }
        let from = self.next;
        while self.next < self.spikes.len() && self.spikes[self.next].0 <= within {
            self.next += 1;
        }
        let first = self.spikes[from..self.next].partition_point(|&(s, _)| s < within);
        &self.spikes[from + first..self.next]
    }
}

#[derive(Clone, Debug)]
pub(crate) struct InputState {
    pub target: usize,
    /// Chosen neurons; empty means the whole population.
    pub neurons: Vec<u32>,
    pub start_step: u64,
    pub stop_step: u64,
    pub drive: Drive,
    kind: InputKind,
    rng: Box<Pcg64Mcg>,
}

fn canonical(q: Option<Quantity>) -> f64 {
    q.map_or(0.0, |q| q.canonical())
}

impl InputState {
    pub(crate) fn build(model: &Model, spec: &InputSpec, dt: f64) -> InputState {
        let (target, pop) = model.population(&spec.target).expect("validated: target exists");
        let neurons: Vec<u32> = spec.neurons.iter().map(|&n| n as u32).collect();
        let count = if neurons.is_empty() { pop.size as usize } else { neurons.len() };
        let to_step = |ms: f64| (ms / dt).round().max(0.0) as u64;
        let spikes = |weight: &Quantity, receptor: &Option<Receptor>| {
            (weight.canonical() as f32, receptor.unwrap_or(Receptor::Excitatory))
        };
        let drive = match &spec.stimulus {
            Stimulus::Poisson { rate, schedule, sources, weight, receptor } => {
                let (weight, receptor) = spikes(weight, receptor);
                let sources = sources.unwrap_or(1) as f64;
                let rates: Vec<(u64, f64)> = match rate {
                    Some(rate) => vec![(0, rate.canonical())],
                    None => {
                        schedule.iter().map(|s| (to_step(s.at.canonical()), s.rate.canonical())).collect()
                    }
                };
                let blocks = (0..count.div_ceil(POISSON_BLOCK))
                    .map(|b| {
                        let (lo, hi) = (b * POISSON_BLOCK, ((b + 1) * POISSON_BLOCK).min(count));
                        let schedule = rates
                            .iter()
                            .map(|&(first, rate_hz)| {
                                let mean = rate_hz * sources * dt * 1e-3 * (hi - lo) as f64;
                                (first, if mean > 0.0 { Poisson::new(mean).ok() } else { None })
                            })
                            .collect();
                        let rng =
                            rng_for(model.simulation.seed, Stream::Input, &format!("{}#{b}", spec.name));
                        PoissonBlock { lo, hi, schedule, rng }
                    })
                    .collect();
                Drive::Poisson { blocks, weight, receptor }
            }
            Stimulus::Spikes { times, weight, receptor } => {
                let (weight, receptor) = spikes(weight, receptor);
                let mut steps: Vec<u64> = times.iter().map(|t| to_step(t.canonical())).collect();
                steps.sort_unstable();
                Drive::Spikes { steps, next: 0, weight, receptor }
            }
            Stimulus::Dc { amplitude } | Stimulus::Pulse { amplitude } => {
                Drive::Constant { amplitude: amplitude.canonical() as f32 }
            }
            Stimulus::Sine { amplitude, frequency, phase, offset } => Drive::Sine {
                amplitude: amplitude.canonical() as f32,
                offset: canonical(*offset) as f32,
                omega: 2.0 * std::f64::consts::PI * frequency.canonical() * 1e-3,
                phase: canonical(*phase),
            },
            Stimulus::Dataset { weight, receptor, gap, order, .. } => {
                let (weight, receptor) = spikes(weight, receptor);
                // Validated; a file broken since then shows no samples rather than a crash.
                let data = spec.stimulus.dataset().and_then(Result::ok).unwrap_or_default();
                let mut samples: Vec<usize> = (0..data.len()).collect();
                if order.unwrap_or(SampleOrder::Shuffled) == SampleOrder::Shuffled {
                    let mut rng =
                        rng_for(model.simulation.seed, Stream::Input, &format!("{}#order", spec.name));
                    samples.shuffle(&mut rng);
                }
                let e = spec.stimulus.encoders(dt).expect("a dataset input has encoders");
                let present = to_step(e.present_ms).max(1);
                let period = present + to_step(canonical(*gap));
                let presenter = Presenter {
                    data,
                    order: samples,
                    encoding: e.encoding,
                    present,
                    period,
                    dt,
                    rate: e.rate,
                    latency: e.latency,
                    saccades: e.saccades,
                    current: None,
                    spikes: Vec::new(),
                    next: 0,
                    shown: Vec::new(),
                };
                Drive::Samples { presenter: Box::new(presenter), weight, receptor }
            }
            Stimulus::Events { file, sensor, weight, receptor } => {
                let (weight, receptor) = spikes(weight, receptor);
                let pixels = (sensor[0] * sensor[1]) as u32;
                // Validated; a file changed since then gives no events rather than a crash.
                let events = Stimulus::read_events(file, *sensor)
                    .unwrap_or_default()
                    .iter()
                    .map(|e| {
                        let pixel = u32::from(e.y) * sensor[0] as u32 + u32::from(e.x);
                        (to_step(e.t_us as f64 * 1e-3), if e.on { pixel } else { pixels + pixel })
                    })
                    .collect();
                Drive::Events { events, next: 0, weight, receptor }
            }
            Stimulus::Noise { mean, sigma, tau } => {
                let (mean, sigma, tau) = (canonical(*mean), sigma.canonical(), tau.canonical());
                let decay = (-dt / tau).exp();
                Drive::Noise {
                    mean: mean as f32,
                    decay: decay as f32,
                    kick: (sigma * (1.0 - decay * decay).sqrt()) as f32,
                    state: vec![mean as f32; count],
                }
            }
        };
        InputState {
            target,
            neurons,
            start_step: to_step(canonical(spec.start)),
            stop_step: spec.stop.map_or(u64::MAX, |q| to_step(q.canonical())),
            drive,
            kind: spec.kind(),
            rng: Box::new(rng_for(model.simulation.seed, Stream::Input, &spec.name)),
        }
    }

    pub(crate) fn active(&self, step: u64) -> bool {
        (self.start_step..self.stop_step).contains(&step)
    }

    /// Adds this step's input spikes into the target's queue at `slot`; returns their number.
    /// With `parallel`, Poisson blocks are drawn on rayon's threads (same result).
    pub(crate) fn inject_spikes(
        &mut self,
        pop: &mut PopState,
        slot: usize,
        step: u64,
        parallel: bool,
    ) -> u64 {
        let n = pop.size;
        let (weight, receptor) = match &self.drive {
            Drive::Poisson { weight, receptor, .. }
            | Drive::Spikes { weight, receptor, .. }
            | Drive::Samples { weight, receptor, .. }
            | Drive::Events { weight, receptor, .. } => (*weight, *receptor),
            _ => return 0,
        };
        let queue = match receptor {
            Receptor::Excitatory => &mut pop.ring_exc[slot * n..(slot + 1) * n],
            Receptor::Inhibitory => &mut pop.ring_inh[slot * n..(slot + 1) * n],
        };
        match &mut self.drive {
            Drive::Poisson { blocks, .. } if self.neurons.is_empty() => {
                if parallel {
                    blocks
                        .par_iter_mut()
                        .zip(queue.par_chunks_mut(POISSON_BLOCK))
                        .map(|(block, part)| block.inject(step, weight, part))
                        .sum()
                } else {
                    blocks
                        .iter_mut()
                        .zip(queue.chunks_mut(POISSON_BLOCK))
                        .map(|(block, part)| block.inject(step, weight, part))
                        .sum()
                }
            }
            Drive::Poisson { blocks, .. } => {
                blocks.iter_mut().map(|block| block.inject_listed(step, weight, &self.neurons, queue)).sum()
            }
            Drive::Spikes { steps, next, .. } => {
                let mut count = 0;
                while *next < steps.len() && steps[*next] <= step {
                    if steps[*next] == step {
                        if self.neurons.is_empty() {
                            queue.iter_mut().for_each(|x| *x += weight);
                            count += n as u64;
                        } else {
                            for &k in &self.neurons {
                                queue[k as usize] += weight;
                            }
                            count += self.neurons.len() as u64;
                        }
                    }
                    *next += 1;
                }
                count
            }
            Drive::Events { events, next, .. } => {
                let since = step.saturating_sub(self.start_step);
                let from = *next;
                while *next < events.len() && events[*next].0 <= since {
                    *next += 1;
                }
                let mut count = 0;
                for &(at, k) in &events[from..*next] {
                    if at == since {
                        let target = if self.neurons.is_empty() {
                            k as usize
                        } else {
                            self.neurons[k as usize] as usize
                        };
                        queue[target] += weight;
                        count += 1;
                    }
                }
                count
            }
            Drive::Samples { presenter, .. } => {
                let since = step.saturating_sub(self.start_step);
                let (number, within) = (since / presenter.period, since % presenter.period);
                if within >= presenter.present {
                    return 0;
                }
                let start = self.start_step + number * presenter.period;
                let due = presenter.due(number, start, within, &mut self.rng);
                for &(_, k) in due {
                    let target =
                        if self.neurons.is_empty() { k as usize } else { self.neurons[k as usize] as usize };
                    queue[target] += weight;
                }
                due.len() as u64
            }
            _ => 0,
        }
    }

    /// The samples a dataset input has shown so far (empty for other inputs).
    pub(crate) fn shown(&self) -> &[Shown] {
        match &self.drive {
            Drive::Samples { presenter, .. } => &presenter.shown,
            _ => &[],
        }
    }

    /// Adds this input's current at step `step` (time `step · dt`) into `i_ext`, advancing
    /// its noise by one step.
    pub(crate) fn add_current(&mut self, i_ext: &mut [f32], step: u64, dt: f64) {
        let neurons = &self.neurons;
        let count = if neurons.is_empty() { i_ext.len() } else { neurons.len() };
        let mut add = |k: usize, value: f32| {
            let index = if neurons.is_empty() { k } else { neurons[k] as usize };
            i_ext[index] += value;
        };
        match &mut self.drive {
            Drive::Constant { amplitude } => (0..count).for_each(|k| add(k, *amplitude)),
            Drive::Sine { amplitude, offset, omega, phase } => {
                let value = *offset + *amplitude * (*omega * step as f64 * dt + *phase).sin() as f32;
                (0..count).for_each(|k| add(k, value));
            }
            Drive::Noise { mean, decay, kick, state } => {
                for (k, x) in state.iter_mut().enumerate() {
                    let z: f32 = StandardNormal.sample(self.rng.as_mut());
                    *x = *mean + (*x - *mean) * *decay + *kick * z;
                    add(k, *x);
                }
            }
            Drive::Poisson { .. } | Drive::Spikes { .. } | Drive::Samples { .. } | Drive::Events { .. } => {}
        }
    }

    /// Continues the random streams and noise state of `old` (the same input before a change).
    /// (Spike times already past are skipped by `inject_spikes` itself.)
    pub(crate) fn keep_stream_of(&mut self, old: &InputState) {
        self.rng.clone_from(&old.rng);
        if let (Drive::Poisson { blocks, .. }, Drive::Poisson { blocks: old_blocks, .. }) =
            (&mut self.drive, &old.drive)
        {
            for (block, old_block) in blocks.iter_mut().zip(old_blocks) {
                block.rng.clone_from(&old_block.rng);
            }
        }
        if let (Drive::Noise { state, .. }, Drive::Noise { state: old_state, .. }) =
            (&mut self.drive, &old.drive)
            && state.len() == old_state.len()
        {
            state.clone_from(old_state);
        }
    }

    /// What it delivers, as its kind declares (`InputKind::delivers`).
    pub(crate) fn is_current(&self) -> bool {
        self.kind.is_current()
    }

    /// Whether its current changes from step to step while active.
    pub(crate) fn is_time_varying(&self) -> bool {
        self.kind.delivers() == Delivers::Current { time_varying: true }
    }
}
