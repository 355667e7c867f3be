//! Stimuli at run time: Poisson spike sources and injected currents (DC, pulse).

use super::neuron::PopState;
use super::rng::{Stream, rng_for};
use crate::model::{Input as InputSpec, InputKind, Model, Receptor};
use rand::RngExt;
use rand_distr::{Distribution, Poisson};
use rand_pcg::Pcg64Mcg;

#[derive(Clone, Debug)]
pub(crate) enum Drive {
    /// Spikes onto a receptor; the number per step over all targets is Poisson with mean `mean`.
    Poisson { sampler: Option<Poisson<f64>>, weight: f32, receptor: Receptor, rng: Box<Pcg64Mcg> },
    /// Injected current, pA.
    Current { amplitude: f32 },
}

#[derive(Clone, Debug)]
pub(crate) struct InputState {
    pub target: usize,
    /// Chosen neurons; empty means the whole population.
    pub neurons: Vec<u32>,
    pub start_step: u64,
    pub stop_step: u64,
    pub drive: Drive,
}

impl InputState {
    pub(crate) fn build(model: &Model, spec: &InputSpec, dt: f64) -> InputState {
        let (target, pop) = model.population(&spec.target).expect("validated: target exists");
        let neurons: Vec<u32> = spec.neurons.iter().map(|&n| n as u32).collect();
        let count = if neurons.is_empty() { pop.size as f64 } else { neurons.len() as f64 };
        let steps = |q: Option<crate::model::Quantity>, default: u64| {
            q.map_or(default, |q| (q.canonical() / dt).round().max(0.0) as u64)
        };
        let drive = match spec.kind {
            InputKind::Poisson => {
                let rate_hz = spec.rate.map_or(0.0, |q| q.canonical());
                let mean = rate_hz * spec.sources.unwrap_or(1) as f64 * dt * 1e-3 * count;
                Drive::Poisson {
                    sampler: if mean > 0.0 { Poisson::new(mean).ok() } else { None },
                    weight: spec.weight.map_or(0.0, |q| q.canonical()) as f32,
                    receptor: spec.receptor.unwrap_or(Receptor::Excitatory),
                    rng: Box::new(rng_for(model.simulation.seed, Stream::Input, &spec.name)),
                }
            }
            InputKind::Dc | InputKind::Pulse => {
                Drive::Current { amplitude: spec.amplitude.map_or(0.0, |q| q.canonical()) as f32 }
            }
        };
        InputState {
            target,
            neurons,
            start_step: steps(spec.start, 0),
            stop_step: steps(spec.stop, u64::MAX),
            drive,
        }
    }

    pub(crate) fn active(&self, step: u64) -> bool {
        (self.start_step..self.stop_step).contains(&step)
    }

    /// Adds this step's Poisson spikes into the target's queue at `slot`; returns their number.
    pub(crate) fn inject_spikes(&mut self, pop: &mut PopState, slot: usize) -> u64 {
        let Drive::Poisson { sampler: Some(sampler), weight, receptor, rng } = &mut self.drive else {
            return 0;
        };
        let n = pop.size;
        let queue = match receptor {
            Receptor::Excitatory => &mut pop.ring_exc[slot * n..(slot + 1) * n],
            Receptor::Inhibitory => &mut pop.ring_inh[slot * n..(slot + 1) * n],
        };
        // Splitting a Poisson count uniformly over targets gives independent Poisson trains.
        let count = sampler.sample(rng.as_mut()) as u64;
        for _ in 0..count {
            let k = if self.neurons.is_empty() {
                rng.random_range(0..n)
            } else {
                self.neurons[rng.random_range(0..self.neurons.len())] as usize
            };
            queue[k] += *weight;
        }
        count
    }

    /// Adds this input's current into `i_ext` if it is a current input.
    pub(crate) fn add_current(&self, i_ext: &mut [f32]) {
        if let Drive::Current { amplitude } = self.drive {
            if self.neurons.is_empty() {
                i_ext.iter_mut().for_each(|x| *x += amplitude);
            } else {
                for &k in &self.neurons {
                    i_ext[k as usize] += amplitude;
                }
            }
        }
    }

    /// Continues the random stream of `old` (same Poisson input before a parameter change).
    pub(crate) fn keep_stream_of(&mut self, old: &InputState) {
        if let (Drive::Poisson { rng, .. }, Drive::Poisson { rng: old_rng, .. }) =
            (&mut self.drive, &old.drive)
        {
            rng.clone_from(old_rng);
        }
    }

    pub(crate) fn is_current(&self) -> bool {
        matches!(self.drive, Drive::Current { .. })
    }
}
