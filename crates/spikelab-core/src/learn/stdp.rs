//! Learning without labels: spike-timing-dependent plasticity with competition, after Diehl &
//! Cook (2015, Front. Comput. Neurosci. 9:99). One layer of LIF neurons (delta synapses) sees
//! the rate-coded pixels; the weights from the pixels learn by pair-based STDP; lateral
//! inhibition lets one neuron fire at a time (winner takes all), and each neuron's threshold
//! rises a little every time it fires, so that no neuron takes every digit. Each neuron comes
//! to stand for a prototype of the digits it wins. No label is used in learning; afterwards
//! each neuron is labelled with the class it answers most, and a sample is classified by the
//! labels' votes: the class whose neurons fire most on average.
//!
//! The membrane is the LIF kernel's own step ([`Linear::advance`]); the threshold is the
//! kernel's plus the neuron's adaptation, and the winner is the neuron furthest above its
//! threshold. Traces (per input and per neuron) decay with `tau_plus` and `tau_minus`:
//! - a neuron's spike potentiates each input weight by a_plus·(x_pre − x_target)·(w_max − w),
//!   so inputs that fired just before it grow and silent ones (x_pre < x_target) shrink;
//! - an input's spike depresses the weights onto recently active neurons by a_minus·x_post·w.
//!
//! After each sample every neuron's input weights are scaled to sum to `weight_sum`
//! (Diehl & Cook's normalisation), and the state returns to rest.

use super::config::{StdpConfig, TrainConfig};
use super::surrogate::{Layer, Weights};
use crate::neurons::Linear;
use ndarray::Array2;
use rand::RngExt;
use rand::SeedableRng;

/// The competitive layer and what it has learned.
#[derive(Clone, Debug)]
pub struct Competitive {
    pub weights: Weights,
    /// Each neuron's threshold adaptation, mV.
    pub theta: Vec<f32>,
    /// The class each neuron stands for, once labelled.
    pub labels: Vec<Option<usize>>,
    linear: Linear,
    p: StdpConfig,
    /// Per-step decay of the pre and post traces.
    decay_pre: f32,
    decay_post: f32,
}

impl Competitive {
    pub fn new(cfg: &TrainConfig, inputs: usize) -> Competitive {
        let p = cfg.stdp();
        let n = cfg.network.layers.first().copied().unwrap_or(1) as usize;
        let mut rng = rand_pcg::Pcg64::seed_from_u64(cfg.seed ^ 0x5eed_0002);
        let mut w = Array2::from_shape_fn((inputs, n), |_| rng.random_range(0.0..p.w_max as f32));
        normalise(&mut w, p.weight_sum as f32);
        let layer = Layer::lif(cfg, n);
        let dt = cfg.dt_ms();
        Competitive {
            weights: Weights(vec![w]),
            theta: vec![0.0; n],
            labels: vec![None; n],
            linear: layer.linear,
            decay_pre: (-dt / p.tau_plus.canonical()).exp() as f32,
            decay_post: (-dt / p.tau_minus.canonical()).exp() as f32,
            p,
        }
    }

    pub fn neurons(&self) -> usize {
        self.theta.len()
    }

    /// Shows one sample (`input[t]`: the input neurons firing at step t) and returns each
    /// neuron's spike count; with `learn`, the weights and thresholds change as it runs.
    pub fn present(&mut self, input: &[Vec<u32>], learn: bool) -> Vec<u32> {
        let n = self.neurons();
        let inputs = self.weights.0[0].nrows();
        let mut v = vec![0.0f32; n];
        let mut jump = vec![0.0f32; n];
        let mut x_pre = vec![0.0f32; inputs];
        let mut x_post = vec![0.0f32; n];
        let mut counts = vec![0u32; n];
        let (a_plus, a_minus, w_max, target) =
            (self.p.a_plus as f32, self.p.a_minus as f32, self.p.w_max as f32, self.p.x_target as f32);
        let mut below: &[u32] = &[];
        for t in 0..input.len() + 1 {
            // The input spikes of the step before arrive now, as in the engine.
            jump.fill(0.0);
            let w = &self.weights.0[0];
            for &i in below {
                for (j, x) in jump.iter_mut().enumerate() {
                    *x += w[[i as usize, j]];
                }
            }
            let lin = self.linear;
            let mut winner: Option<(usize, f32)> = None;
            for j in 0..n {
                v[j] = lin.advance(v[j], 0.0, jump[j]);
                let over = v[j] - (lin.v_thresh + self.theta[j]);
                if over >= 0.0 && winner.is_none_or(|(_, o)| over > o) {
                    winner = Some((j, over));
                }
            }
            x_pre.iter_mut().for_each(|x| *x *= self.decay_pre);
            x_post.iter_mut().for_each(|x| *x *= self.decay_post);
            if learn {
                // Depression: each input spike weakens its synapses onto recently active neurons.
                let w = &mut self.weights.0[0];
                for &i in below {
                    for j in 0..n {
                        let wij = &mut w[[i as usize, j]];
                        *wij = (*wij - a_minus * x_post[j] * *wij).max(0.0);
                    }
                }
            }
            for &i in below {
                x_pre[i as usize] = 1.0;
            }
            if let Some((j, _)) = winner {
                counts[j] += 1;
                // Lateral inhibition: the winner fires, every neuron returns to reset.
                v.fill(lin.v_reset);
                x_post[j] = 1.0;
                if learn {
                    self.theta[j] += self.p.theta_plus.canonical() as f32;
                    let w = &mut self.weights.0[0];
                    for (i, &x) in x_pre.iter().enumerate() {
                        let wij = &mut w[[i, j]];
                        *wij = (*wij + a_plus * (x - target) * (w_max - *wij)).clamp(0.0, w_max);
                    }
                }
            }
            below = input.get(t).map_or(&[], Vec::as_slice);
        }
        if learn {
            normalise(&mut self.weights.0[0], self.p.weight_sum as f32);
        }
        counts
    }

    /// Labels each neuron with the class of samples it fired most for, on average (`counts`:
    /// each sample's spike counts, with its label).
    pub fn label(&mut self, counts: &[(Vec<u32>, usize)], classes: usize) {
        let n = self.neurons();
        let mut sum = vec![vec![0.0f64; classes]; n];
        let mut shown = vec![0usize; classes];
        for (c, y) in counts {
            shown[*y] += 1;
            for (j, &k) in c.iter().enumerate() {
                sum[j][*y] += f64::from(k);
            }
        }
        for (j, s) in sum.iter().enumerate() {
            let means = s.iter().zip(&shown).map(|(s, &m)| s / m.max(1) as f64);
            let best =
                means.enumerate().fold((None, 0.0), |b, (k, m)| if m > b.1 { (Some(k), m) } else { b });
            self.labels[j] = best.0;
        }
    }

    /// The class whose labelled neurons fired most on average; `None` if none fired.
    pub fn vote(&self, counts: &[u32], classes: usize) -> Option<usize> {
        let mut sum = vec![0.0f64; classes];
        let mut members = vec![0usize; classes];
        for (j, &c) in counts.iter().enumerate() {
            if let Some(k) = self.labels[j] {
                sum[k] += f64::from(c);
                members[k] += 1;
            }
        }
        let means = sum.iter().zip(&members).map(|(s, &m)| if m > 0 { s / m as f64 } else { 0.0 });
        let best = means.enumerate().fold((None, 0.0), |b, (k, m)| if m > b.1 { (Some(k), m) } else { b });
        best.0
    }
}

/// Scales each column (a neuron's input weights) to sum to `total`.
fn normalise(w: &mut Array2<f32>, total: f32) {
    for mut col in w.columns_mut() {
        let s: f32 = col.sum();
        if s > 0.0 {
            col *= total / s;
        }
    }
}
