//! ANN→SNN conversion (Diehl et al. 2015, IJCNN; Rueckauer et al. 2017, Front. Neurosci.
//! 11:682): train an ordinary network of rectified-linear units of the same shape, then use
//! its weights in integrate-and-fire neurons, whose firing rates approximate the ReLU
//! activations. Each layer's weights are rescaled by data-based normalisation so that its
//! largest activation (a high percentile of it over the training data, robust to outliers)
//! becomes one spike a step: W'ₗ = Wₗ·λₗ₋₁/λₗ with threshold 1. The rates are only an
//! approximation after enough steps: accuracy against steps is the latency–accuracy
//! trade-off of converted networks.

use super::surrogate::Weights;
use ndarray::{Array2, Axis};
use rand::RngExt;
use rand::SeedableRng;

/// A bias-free multilayer perceptron: ReLU between layers, the last layer's outputs the
/// logits.
#[derive(Clone, Debug, PartialEq)]
pub struct Ann {
    pub weights: Weights,
}

impl Ann {
    /// Layers of `sizes` (input first), weights uniform in ±1/√fan-in.
    pub fn new(sizes: &[usize], seed: u64) -> Ann {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(seed ^ 0x5eed_0003);
        let weights = sizes
            .windows(2)
            .map(|s| {
                let bound = 1.0 / (s[0] as f32).sqrt();
                Array2::from_shape_fn((s[0], s[1]), |_| rng.random_range(-bound..bound))
            })
            .collect();
        Ann { weights: Weights(weights) }
    }

    /// Every layer's output for a batch `x` (samples × inputs): ReLU activations, then the
    /// logits.
    pub fn forward(&self, x: &Array2<f32>) -> Vec<Array2<f32>> {
        let mut out: Vec<Array2<f32>> = Vec::with_capacity(self.weights.0.len());
        for (l, w) in self.weights.0.iter().enumerate() {
            let below = if l == 0 { x } else { &out[l - 1] };
            let mut z = below.dot(w);
            if l + 1 < self.weights.0.len() {
                z.mapv_inplace(|v| v.max(0.0));
            }
            out.push(z);
        }
        out
    }

    /// The mean cross-entropy of a batch and its gradient for every weight.
    pub fn gradient(&self, x: &Array2<f32>, labels: &[usize]) -> (f64, Weights) {
        let acts = self.forward(x);
        let logits = acts.last().expect("a layer");
        let batch = x.nrows().max(1) as f32;
        let mut delta = Array2::zeros(logits.raw_dim());
        let mut loss = 0.0;
        for (b, row) in logits.rows().into_iter().enumerate() {
            let m = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let sum: f32 = row.iter().map(|&z| (z - m).exp()).sum();
            loss += f64::from(m + sum.ln() - row[labels[b]]);
            for (k, &z) in row.iter().enumerate() {
                delta[[b, k]] = ((z - m).exp() / sum - f32::from(u8::from(k == labels[b]))) / batch;
            }
        }
        let n = self.weights.0.len();
        let mut grads = vec![Array2::zeros((0, 0)); n];
        for l in (0..n).rev() {
            let below = if l == 0 { x } else { &acts[l - 1] };
            grads[l] = below.t().dot(&delta);
            if l > 0 {
                let mut d = delta.dot(&self.weights.0[l].t());
                ndarray::Zip::from(&mut d).and(&acts[l - 1]).for_each(|d, &a| {
                    if a <= 0.0 {
                        *d = 0.0;
                    }
                });
                delta = d;
            }
        }
        (loss / f64::from(batch), Weights(grads))
    }

    /// The class of each row of `x`.
    pub fn predict(&self, x: &Array2<f32>) -> Vec<usize> {
        argmax_rows(self.forward(x).last().expect("a layer"))
    }

    /// The weights rescaled for integrate-and-fire neurons of threshold `threshold`: each
    /// layer's activations over `x` (the training images) are normalised by their
    /// `percentile` (e.g. 99.9), the input's by 1 (intensities are at most 1).
    pub fn converted(&self, x: &Array2<f32>, percentile: f64, threshold: f32) -> Weights {
        let acts = self.forward(x);
        let mut below = 1.0f32;
        let weights = self
            .weights
            .0
            .iter()
            .zip(&acts)
            .map(|(w, a)| {
                let lambda = percentile_of(a, percentile).max(1e-6);
                let scaled = w * (below / lambda * threshold);
                below = lambda;
                scaled
            })
            .collect();
        Weights(weights)
    }
}

/// The `p`th percentile (0–100) of the positive values of `a`.
fn percentile_of(a: &Array2<f32>, p: f64) -> f32 {
    let mut v: Vec<f32> = a.iter().copied().filter(|&x| x > 0.0).collect();
    if v.is_empty() {
        return 1.0;
    }
    v.sort_by(f32::total_cmp);
    let k = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
    v[k.min(v.len() - 1)]
}

/// The column of the largest value in each row (the first of ties).
pub fn argmax_rows(a: &Array2<f32>) -> Vec<usize> {
    a.axis_iter(Axis(0))
        .map(|r| {
            r.iter().enumerate().fold((0, f32::NEG_INFINITY), |b, (k, &x)| if x > b.1 { (k, x) } else { b }).0
        })
        .collect()
}
