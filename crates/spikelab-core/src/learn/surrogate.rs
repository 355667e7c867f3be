//! Surrogate-gradient training (Neftci, Mostafa & Zenke 2019; Zenke & Ganguli 2018): a
//! feed-forward network of LIF layers is a recurrent network in time, since each neuron's
//! potential carries over from step to step. Unrolled over the steps a sample is shown, its
//! loss is differentiated by backpropagation through time, with the spike's derivative (zero
//! except at threshold, where it is infinite) replaced by a smooth surrogate's.
//!
//! The forward pass is the simulator's: each layer is stepped by the LIF kernel the engine
//! runs (delta synapses, rest and reset at 0 mV, no refractory period), a batch of samples
//! side by side as one long population. The kernel's [`Linear`] membrane step is what the
//! backward pass differentiates. As in the engine, a spike reaches the next layer one step
//! later.
//!
//! Notation, per layer and step t: `u[t]` = the potential before the threshold is looked at,
//! `s[t] = 1` where `u[t] ≥ θ` (then `v[t] = 0`) and `v[t] = u[t]` elsewhere;
//! `u[t] = v[t−1] + (0 − v[t−1])·relax + Σ W·s_below[t−1]`.

use super::config::{Loss, SurrogateConfig, SurrogateFn, TrainConfig};
use crate::model::{NeuronModel, Population, Quantity, SynapseKind};
use crate::neurons::{Kernel, Linear, State, Syn, Values};
use ndarray::{Array2, Zip};
use rand::RngExt;
use rand::SeedableRng;

/// The surrogate derivative at x = u − θ (mV), and (for tests) the smooth function it is the
/// derivative of.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Surrogate {
    pub function: SurrogateFn,
    pub slope: f32,
}

impl Surrogate {
    /// ∂s/∂u stood in for.
    #[inline(always)]
    pub fn derivative(&self, x: f32) -> f32 {
        let k = self.slope;
        match self.function {
            SurrogateFn::FastSigmoid => 1.0 / ((1.0 + k * x.abs()) * (1.0 + k * x.abs())),
            SurrogateFn::Arctan => {
                let a = std::f32::consts::FRAC_PI_2 * k * x;
                0.5 * k / (1.0 + a * a)
            }
            SurrogateFn::Triangle => (1.0 - k * x.abs()).max(0.0),
        }
    }

    /// A smooth step whose derivative is [`Surrogate::derivative`] (0.5 at threshold).
    pub fn smooth(&self, x: f64) -> f64 {
        let k = f64::from(self.slope);
        match self.function {
            SurrogateFn::FastSigmoid => 0.5 + x / (1.0 + k * x.abs()),
            SurrogateFn::Arctan => 0.5 + (std::f64::consts::FRAC_PI_2 * k * x).atan() / std::f64::consts::PI,
            SurrogateFn::Triangle => {
                let c = x.clamp(-1.0 / k, 1.0 / k);
                0.5 + c - 0.5 * k * c * c.abs()
            }
        }
    }
}

/// The weights of a layered network: `weights[l]` is (neurons below, neurons of layer l),
/// in mV (the jump a spike makes).
#[derive(Clone, Debug, PartialEq)]
pub struct Weights(pub Vec<Array2<f32>>);

/// One layer's kernel and its membrane.
#[derive(Clone, Debug)]
pub(crate) struct Layer {
    pub kernel: Box<dyn Kernel>,
    pub linear: Linear,
}

impl Layer {
    /// The simulator's kernel for a layer of `n` of the configuration's LIF neurons.
    pub fn lif(cfg: &TrainConfig, n: usize) -> Layer {
        let dt = cfg.dt_ms();
        let p = layer_population("layer", n as u64, cfg);
        let kernel = p.model.kernel(&Values::of(&p), Syn::of(&p, dt), n, dt);
        let linear = kernel.linear().expect("a LIF with delta synapses is linear");
        Layer { kernel, linear }
    }
}

/// What a forward pass leaves for the backward one: per layer and step, u and s (batch ×
/// neurons).
#[derive(Default)]
pub(crate) struct Trace {
    pub u: Vec<Vec<Array2<f32>>>,
    pub s: Vec<Vec<Array2<f32>>>,
}

/// The network's answer to a batch.
pub(crate) struct Output {
    /// Output spikes per sample and neuron.
    pub counts: Array2<f32>,
    /// Highest pre-threshold potential per sample and output neuron, and the step of it.
    pub peaks: Array2<f32>,
    pub peak_steps: Array2<usize>,
    /// The output layer's potentials after the last step: what breaks a tie of counts.
    pub last_v: Array2<f32>,
    /// Spikes of each layer over the whole batch and run, the input's first.
    pub spikes: Vec<f64>,
}

/// One sample's run: per step, the neurons that fired in the input and in each layer, and
/// the output layer's potentials before the threshold (mV).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Activity {
    /// `spikes[layer][step]`, layer 0 the input.
    pub spikes: Vec<Vec<Vec<u32>>>,
    /// `output_u[step][neuron]`.
    pub output_u: Vec<Vec<f32>>,
    /// Output spikes per neuron.
    pub counts: Vec<u32>,
}

/// LIF layers with the kernel the simulator runs, and how they learn.
#[derive(Clone, Debug)]
pub struct Network {
    layers: Vec<Layer>,
    pub weights: Weights,
    surrogate: Surrogate,
    loss: Loss,
    detach_reset: bool,
    dt_ms: f64,
}

/// The population a layer of `size` neurons is, as a model file would say it.
pub fn layer_population(name: &str, size: u64, cfg: &TrainConfig) -> Population {
    let mut p = Population::new(name, NeuronModel::from_key("lif").expect("LIF is a model"), size);
    p.synapse = SynapseKind::Delta;
    p.reset = cfg.network.reset;
    for (key, q) in [
        ("tau_m", cfg.network.tau_m),
        ("v_rest", Quantity::mv(0.0)),
        ("v_reset", Quantity::mv(0.0)),
        ("v_thresh", cfg.network.threshold),
        ("t_ref", Quantity::ms(0.0)),
    ] {
        p.params.insert(key.into(), q);
    }
    p
}

impl Network {
    /// Layers of the configuration's sizes after `inputs` input neurons, with weights drawn
    /// uniformly from ±1/√(inputs of the layer) (PyTorch's default for a linear layer).
    pub fn new(cfg: &TrainConfig, inputs: usize) -> Network {
        let s = cfg.surrogate();
        let mut rng = rand_pcg::Pcg64::seed_from_u64(cfg.seed ^ 0x5eed_0001);
        let mut below = inputs;
        let mut weights = Vec::new();
        for &n in &cfg.network.layers {
            let bound = 1.0 / (below as f32).sqrt();
            weights.push(Array2::from_shape_fn((below, n as usize), |_| rng.random_range(-bound..bound)));
            below = n as usize;
        }
        Network::with_weights(cfg, &s, Weights(weights))
    }

    pub fn with_weights(cfg: &TrainConfig, s: &SurrogateConfig, weights: Weights) -> Network {
        let dt = cfg.dt_ms();
        let layers = weights.0.iter().map(|w| Layer::lif(cfg, w.ncols())).collect();
        Network {
            layers,
            weights,
            surrogate: Surrogate { function: s.function, slope: s.slope as f32 },
            loss: s.loss,
            detach_reset: s.detach_reset,
            dt_ms: dt,
        }
    }

    pub fn outputs(&self) -> usize {
        self.weights.0.last().map_or(0, |w| w.ncols())
    }

    /// Steps a sample of `steps` input steps is run for: one more per layer, for its last
    /// input spikes to reach the output.
    pub fn steps_for(&self, steps: usize) -> usize {
        steps + self.layers.len()
    }

    /// Runs a batch: `input[t]` holds the input spikes of step t (batch × inputs, 0 or 1).
    /// With `trace`, keeps what the backward pass needs.
    pub(crate) fn forward(&self, input: &[Array2<f32>], trace: Option<&mut Trace>) -> Output {
        let batch = input.first().map_or(0, |x| x.nrows());
        let steps = self.steps_for(input.len());
        let n_out = self.outputs();
        let mut v: Vec<Array2<f32>> =
            self.weights.0.iter().map(|w| Array2::zeros((batch, w.ncols()))).collect();
        let mut until: Vec<Vec<u64>> = v.iter().map(|v| vec![0; v.len()]).collect();
        let mut last: Vec<Array2<f32>> = v.clone(); // s of the step before
        let mut out = Output {
            counts: Array2::zeros((batch, n_out)),
            peaks: Array2::from_elem((batch, n_out), f32::NEG_INFINITY),
            peak_steps: Array2::zeros((batch, n_out)),
            last_v: Array2::zeros((batch, n_out)),
            spikes: vec![0.0; self.layers.len() + 1],
        };
        out.spikes[0] = input.iter().map(|x| x.iter().map(|&s| f64::from(s)).sum::<f64>()).sum();
        let mut trace = trace;
        if let Some(tr) = trace.as_deref_mut() {
            tr.u = vec![Vec::with_capacity(steps); self.layers.len()];
            tr.s = vec![Vec::with_capacity(steps); self.layers.len()];
        }
        let zeros: Vec<Vec<f32>> = v.iter().map(|v| vec![0.0; v.len()]).collect();
        let split: Vec<(Array2<f32>, Array2<f32>)> = self.weights.0.iter().map(split_by_sign).collect();
        let mut spiked = Vec::new();
        for t in 0..steps {
            let mut now: Vec<Array2<f32>> = Vec::with_capacity(self.layers.len());
            for (l, layer) in self.layers.iter().enumerate() {
                // What arrives now: the spikes below of the step before.
                let below =
                    if l == 0 { (t >= 1).then(|| input.get(t - 1)).flatten() } else { Some(&last[l - 1]) };
                let (mut exc, mut inh) = match below {
                    Some(s) => deliver(s, &split[l]),
                    None => (Array2::zeros(v[l].raw_dim()), Array2::zeros(v[l].raw_dim())),
                };
                let linear = layer.linear;
                let u = Zip::from(&v[l])
                    .and(&exc)
                    .and(&inh)
                    .map_collect(|&v, &e, &i| linear.advance(v, 0.0, e - i));
                let vl = v[l].as_slice_mut().expect("contiguous");
                let ring_exc = exc.as_slice_mut().expect("contiguous");
                let ring_inh = inh.as_slice_mut().expect("contiguous");
                spiked.clear();
                let state = State {
                    size: vl.len(),
                    v: vl,
                    own: &mut [],
                    exc: &mut [],
                    inh: &mut [],
                    ring_exc,
                    ring_inh,
                    i_ext: &zeros[l],
                    until: &mut until[l],
                    rng: None,
                };
                // A potential that is not finite cannot come from finite weights and inputs.
                let _ = layer.kernel.step(t as u64, state, &mut spiked);
                let mut s = Array2::zeros(v[l].raw_dim());
                let flat = s.as_slice_mut().expect("contiguous");
                for &i in &spiked {
                    flat[i as usize] = 1.0;
                }
                out.spikes[l + 1] += spiked.len() as f64;
                if l + 1 == self.layers.len() {
                    out.counts += &s;
                    Zip::from(&mut out.peaks).and(&mut out.peak_steps).and(&u).for_each(|p, k, &u| {
                        if u > *p {
                            (*p, *k) = (u, t);
                        }
                    });
                }
                if let Some(tr) = trace.as_deref_mut() {
                    tr.u[l].push(u);
                    tr.s[l].push(s.clone());
                }
                now.push(s);
            }
            last = now;
        }
        if let Some(v) = v.pop() {
            out.last_v = v;
        }
        out
    }

    /// One sample's [`Activity`]; `input[t]` is its input spikes at step t (1 × inputs).
    pub fn activity(&self, input: &[Array2<f32>]) -> Activity {
        let mut trace = Trace::default();
        let out = self.forward(input, Some(&mut trace));
        let fired = |s: &Array2<f32>| {
            s.iter().enumerate().filter(|&(_, &x)| x != 0.0).map(|(i, _)| i as u32).collect()
        };
        let mut spikes = vec![input.iter().map(fired).collect::<Vec<Vec<u32>>>()];
        spikes.extend(trace.s.iter().map(|layer| layer.iter().map(fired).collect()));
        Activity {
            spikes,
            output_u: trace
                .u
                .last()
                .map_or(Vec::new(), |u| u.iter().map(|u| u.iter().copied().collect()).collect()),
            counts: out.counts.iter().map(|&c| c as u32).collect(),
        }
    }

    /// Input spikes given as lists of neurons per step, as dense steps of one sample.
    pub fn input_of(&self, steps: &[Vec<u32>]) -> Vec<Array2<f32>> {
        let inputs = self.weights.0.first().map_or(0, |w| w.nrows());
        steps
            .iter()
            .map(|fired| {
                let mut a = Array2::zeros((1, inputs));
                for &i in fired {
                    a[[0, i as usize]] = 1.0;
                }
                a
            })
            .collect()
    }

    /// The logits the loss and the prediction are taken on: spike counts or membrane peaks.
    fn logits<'o>(&self, out: &'o Output) -> &'o Array2<f32> {
        match self.loss {
            Loss::Count => &out.counts,
            Loss::MembraneMax => &out.peaks,
        }
    }

    /// The predicted class of each sample of a batch. Equal spike counts go to the neuron
    /// closest to firing again (the highest potential at the end), then to the first.
    pub(crate) fn predict(&self, out: &Output) -> Vec<usize> {
        let z = self.logits(out);
        let tie = match self.loss {
            Loss::Count => &out.last_v,
            Loss::MembraneMax => z,
        };
        z.rows()
            .into_iter()
            .zip(tie.rows())
            .map(|(r, t)| {
                let key = |k: usize| (r[k], t[k]);
                (0..r.len()).fold(0, |best, k| if key(k) > key(best) { k } else { best })
            })
            .collect()
    }

    /// Mean cross-entropy of the batch and its gradient with respect to the logits.
    pub(crate) fn loss(&self, out: &Output, labels: &[usize]) -> (f64, Array2<f32>) {
        let z = self.logits(out);
        let mut grad = Array2::zeros(z.raw_dim());
        let mut total = 0.0;
        let batch = z.nrows().max(1) as f64;
        for (b, row) in z.rows().into_iter().enumerate() {
            let m = row.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
            let sum: f64 = row.iter().map(|&x| (x as f64 - m).exp()).sum();
            total += m + sum.ln() - row[labels[b]] as f64;
            for (k, &x) in row.iter().enumerate() {
                let p = (x as f64 - m).exp() / sum;
                grad[[b, k]] = ((p - f64::from(u8::from(k == labels[b]))) / batch) as f32;
            }
        }
        (total / batch, grad)
    }

    /// Backpropagation through time: the gradient of the loss (whose gradient with respect
    /// to the logits is `dz`) with respect to every weight.
    pub(crate) fn backward(
        &self,
        input: &[Array2<f32>],
        trace: &Trace,
        out: &Output,
        dz: &Array2<f32>,
    ) -> Weights {
        let n = self.layers.len();
        let steps = trace.u.first().map_or(0, Vec::len);
        let mut grads: Vec<Array2<f32>> = self.weights.0.iter().map(|w| Array2::zeros(w.raw_dim())).collect();
        // ∂L/∂u of each layer at the step after the one being taken.
        let mut next: Vec<Array2<f32>> = trace.u.iter().map(|u| Array2::zeros(u[0].raw_dim())).collect();
        let sur = self.surrogate;
        for t in (0..steps).rev() {
            let mut now: Vec<Array2<f32>> = next.clone();
            for l in (0..n).rev() {
                let (u, s) = (&trace.u[l][t], &trace.s[l][t]);
                let theta = self.layers[l].linear.v_thresh;
                let v_reset = self.layers[l].linear.v_reset;
                let subtract = self.layers[l].linear.subtract;
                let decay = 1.0 - self.layers[l].linear.relax;
                // ∂L/∂s[t]: through the loss, or through the layer above at t + 1.
                let gs = if l + 1 == n {
                    match self.loss {
                        Loss::Count => dz.clone(),
                        Loss::MembraneMax => Array2::zeros(u.raw_dim()),
                    }
                } else {
                    next[l + 1].dot(&self.weights.0[l + 1].t())
                };
                let detach = self.detach_reset;
                let mut gu = Array2::zeros(u.raw_dim());
                Zip::from(&mut gu).and(&gs).and(&next[l]).and(u).and(s).for_each(|g, &gs, &gn, &u, &s| {
                    let d = sur.derivative(u - theta);
                    // ∂v[t]/∂u[t]: v = u(1 − s) + s·v_reset, or u − s·(θ − v_reset) when the
                    // spike subtracts; through s's surrogate unless the reset is held constant.
                    let through = match (subtract, detach) {
                        (false, true) => 1.0 - s,
                        (false, false) => 1.0 - s + (v_reset - u) * d,
                        (true, true) => 1.0,
                        (true, false) => 1.0 - (theta - v_reset) * d,
                    };
                    *g = gs * d + gn * decay * through;
                });
                if l + 1 == n && self.loss == Loss::MembraneMax {
                    Zip::indexed(&mut gu).for_each(|(b, k), g| {
                        if out.peak_steps[[b, k]] == t {
                            *g += dz[[b, k]];
                        }
                    });
                }
                if t >= 1 {
                    let below = if l == 0 { input.get(t - 1) } else { Some(&trace.s[l - 1][t - 1]) };
                    if let Some(below) = below {
                        grads[l] += &below.t().dot(&gu);
                    }
                }
                now[l] = gu;
            }
            next = now;
        }
        Weights(grads)
    }

    pub fn dt_ms(&self) -> f64 {
        self.dt_ms
    }
}

/// A signed weight matrix as the engine holds it: the positive entries (an excitatory
/// projection) and the negative entries' magnitudes (an inhibitory one).
pub fn split_by_sign(w: &Array2<f32>) -> (Array2<f32>, Array2<f32>) {
    (w.mapv(|x| x.max(0.0)), w.mapv(|x| (-x).max(0.0)))
}

/// The input spikes `s` (batch × pre, 0 or 1) make to the layer above, added as the engine
/// adds them: for each sample, the rows of the spiking neurons in increasing order, onto the
/// excitatory and inhibitory inputs apart, in f32. (A matrix product would add them in
/// another order, and round differently.)
fn deliver(s: &Array2<f32>, (exc_w, inh_w): &(Array2<f32>, Array2<f32>)) -> (Array2<f32>, Array2<f32>) {
    let (batch, post) = (s.nrows(), exc_w.ncols());
    let mut exc = Array2::zeros((batch, post));
    let mut inh = Array2::zeros((batch, post));
    for b in 0..batch {
        let (mut e, mut h) = (exc.row_mut(b), inh.row_mut(b));
        for (i, _) in s.row(b).iter().enumerate().filter(|&(_, &x)| x != 0.0) {
            e += &exc_w.row(i);
            h += &inh_w.row(i);
        }
    }
    (exc, inh)
}

/// Adam (Kingma & Ba 2015) with β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
#[derive(Clone, Debug)]
pub(crate) struct Adam {
    rate: f32,
    m: Vec<Array2<f32>>,
    v: Vec<Array2<f32>>,
    t: i32,
}

impl Adam {
    pub fn new(rate: f64, w: &Weights) -> Adam {
        let zeros: Vec<Array2<f32>> = w.0.iter().map(|w| Array2::zeros(w.raw_dim())).collect();
        Adam { rate: rate as f32, m: zeros.clone(), v: zeros, t: 0 }
    }

    pub fn step(&mut self, w: &mut Weights, g: &Weights) {
        const B1: f32 = 0.9;
        const B2: f32 = 0.999;
        self.t += 1;
        let (c1, c2) = (1.0 - B1.powi(self.t), 1.0 - B2.powi(self.t));
        let rate = self.rate;
        for (((w, g), m), v) in w.0.iter_mut().zip(&g.0).zip(&mut self.m).zip(&mut self.v) {
            Zip::from(w).and(g).and(m).and(v).for_each(|w, &g, m, v| {
                *m = B1 * *m + (1.0 - B1) * g;
                *v = B2 * *v + (1.0 - B2) * g * g;
                *w -= rate * (*m / c1) / ((*v / c2).sqrt() + 1e-8);
            });
        }
    }
}

/// Input spikes of a batch as dense steps: `spikes[b]` (time ms, neuron) onto `inputs`
/// neurons for `steps` steps of `dt_ms`.
pub(crate) fn dense(
    spikes: &[Vec<crate::data::Spike>],
    inputs: usize,
    steps: usize,
    dt_ms: f64,
) -> Vec<Array2<f32>> {
    let mut out = vec![Array2::zeros((spikes.len(), inputs)); steps];
    for (b, list) in spikes.iter().enumerate() {
        for s in list {
            let t = (s.t_ms / dt_ms).round() as usize;
            if t < steps && (s.neuron as usize) < inputs {
                out[t][[b, s.neuron as usize]] = 1.0;
            }
        }
    }
    out
}

/// Sum over the batch axis, for tests.
#[cfg(test)]
fn total(a: &Array2<f32>) -> f64 {
    a.iter().map(|&x| f64::from(x)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Reset;

    fn tiny(function: SurrogateFn, loss: Loss, reset: Reset) -> (TrainConfig, Network, Vec<Array2<f32>>) {
        let text = format!(
            "name = \"tiny\"\nmethod = \"surrogate\"\nepochs = 1\n[data]\ntest = 100\nencoding = \"rate\"\nsteps = 5\n[network]\nlayers = [3, 10]\nreset = \"{}\"\n[surrogate]\nfunction = \"{}\"\nslope = 5\nloss = \"{}\"\ndetach_reset = false\n",
            reset.key(),
            match function {
                SurrogateFn::FastSigmoid => "fast_sigmoid",
                SurrogateFn::Arctan => "arctan",
                SurrogateFn::Triangle => "triangle",
            },
            match loss {
                Loss::Count => "count",
                Loss::MembraneMax => "membrane_max",
            }
        );
        let cfg = TrainConfig::from_toml(&text, "tiny.toml").expect("valid");
        // 2 inputs, 3 hidden neurons, then an output layer (10 classes) the loss is taken on.
        let mut net = Network::new(&cfg, 2);
        net.weights.0[0] *= 3.0;
        net.weights.0[1] *= 3.0;
        let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
        let input: Vec<Array2<f32>> =
            (0..5).map(|_| Array2::from_shape_fn((2, 2), |_| f32::from(rng.random_bool(0.6)))).collect();
        (cfg, net, input)
    }

    /// The same network with the spike replaced by the surrogate's smooth step: its loss.
    fn smooth_loss(net: &Network, w: &[Array2<f64>], input: &[Array2<f32>], labels: &[usize]) -> f64 {
        let batch = input[0].nrows();
        let steps = net.steps_for(input.len());
        let mut v: Vec<Array2<f64>> = w.iter().map(|w| Array2::zeros((batch, w.ncols()))).collect();
        let mut last: Vec<Array2<f64>> = v.clone();
        let n_out = net.outputs();
        let mut counts = Array2::<f64>::zeros((batch, n_out));
        let mut peaks = Array2::<f64>::from_elem((batch, n_out), f64::NEG_INFINITY);
        for t in 0..steps {
            let mut now = Vec::new();
            for l in 0..w.len() {
                let lin = net.layers[l].linear;
                let jump = if l == 0 {
                    if t >= 1 && t - 1 < input.len() {
                        input[t - 1].mapv(f64::from).dot(&w[0])
                    } else {
                        Array2::zeros(v[0].raw_dim())
                    }
                } else {
                    last[l - 1].dot(&w[l])
                };
                let u = &v[l] * (1.0 - f64::from(lin.relax)) + &jump;
                let s = u.mapv(|u| net.surrogate.smooth(u - f64::from(lin.v_thresh)));
                v[l] = if lin.subtract {
                    &u - &s * f64::from(lin.v_thresh - lin.v_reset)
                } else {
                    &u * &s.mapv(|s| 1.0 - s) + &s * f64::from(lin.v_reset)
                };
                if l + 1 == w.len() {
                    counts += &s;
                    Zip::from(&mut peaks).and(&u).for_each(|p, &u| *p = p.max(u));
                }
                now.push(s);
            }
            last = now;
        }
        let z = if net.loss == Loss::Count { counts } else { peaks };
        z.rows()
            .into_iter()
            .zip(labels)
            .map(|(r, &y)| {
                let m = r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                m + r.iter().map(|x| (x - m).exp()).sum::<f64>().ln() - r[y]
            })
            .sum::<f64>()
            / batch as f64
    }

    /// The backward pass, run on the smooth network's forward (s = the smooth step).
    fn smooth_gradient(net: &Network, input: &[Array2<f32>], labels: &[usize]) -> Weights {
        let batch = input[0].nrows();
        let steps = net.steps_for(input.len());
        let mut trace =
            Trace { u: vec![Vec::new(); net.layers.len()], s: vec![Vec::new(); net.layers.len()] };
        let mut v: Vec<Array2<f32>> =
            net.weights.0.iter().map(|w| Array2::zeros((batch, w.ncols()))).collect();
        let n_out = net.outputs();
        let mut out = Output {
            counts: Array2::zeros((batch, n_out)),
            peaks: Array2::from_elem((batch, n_out), f32::NEG_INFINITY),
            peak_steps: Array2::zeros((batch, n_out)),
            last_v: Array2::zeros((batch, n_out)),
            spikes: Vec::new(),
        };
        for t in 0..steps {
            for l in 0..net.layers.len() {
                let lin = net.layers[l].linear;
                let jump = if l == 0 {
                    if t >= 1 && t - 1 < input.len() {
                        input[t - 1].dot(&net.weights.0[0])
                    } else {
                        Array2::zeros(v[0].raw_dim())
                    }
                } else if t >= 1 {
                    trace.s[l - 1][t - 1].dot(&net.weights.0[l])
                } else {
                    Array2::zeros(v[l].raw_dim())
                };
                let u = Zip::from(&v[l]).and(&jump).map_collect(|&v, &j| lin.advance(v, 0.0, j));
                let s = u.mapv(|u| net.surrogate.smooth(f64::from(u - lin.v_thresh)) as f32);
                v[l] = Zip::from(&u).and(&s).map_collect(|&u, &s| {
                    if lin.subtract {
                        u - s * (lin.v_thresh - lin.v_reset)
                    } else {
                        u * (1.0 - s) + s * lin.v_reset
                    }
                });
                if l + 1 == net.layers.len() {
                    out.counts += &s;
                    Zip::from(&mut out.peaks).and(&mut out.peak_steps).and(&u).for_each(|p, k, &u| {
                        if u > *p {
                            (*p, *k) = (u, t);
                        }
                    });
                }
                trace.u[l].push(u);
                trace.s[l].push(s);
            }
        }
        let (_, dz) = net.loss(&out, labels);
        net.backward(input, &trace, &out, &dz)
    }

    #[test]
    fn the_surrogate_gradient_is_the_smooth_networks_finite_difference() {
        let labels = [3, 7];
        for function in [SurrogateFn::FastSigmoid, SurrogateFn::Arctan, SurrogateFn::Triangle] {
            for (loss, reset) in
                [Loss::Count, Loss::MembraneMax].into_iter().flat_map(|l| Reset::ALL.map(|r| (l, r)))
            {
                let (_, net, input) = tiny(function, loss, reset);
                let grad = smooth_gradient(&net, &input, &labels);
                let w64: Vec<Array2<f64>> = net.weights.0.iter().map(|w| w.mapv(f64::from)).collect();
                let mut checked = 0;
                for l in 0..net.weights.0.len() {
                    for ((i, j), &g) in grad.0[l].indexed_iter() {
                        // Central differences in f64: truncation ~h², rounding ~1e-16/h.
                        let h = 1e-5;
                        let at = |d: f64| {
                            let mut w = w64.clone();
                            w[l][[i, j]] += d;
                            smooth_loss(&net, &w, &input, &labels)
                        };
                        let fd = (at(h) - at(-h)) / (2.0 * h);
                        let scale = fd.abs().max(f64::from(g.abs())).max(1e-3);
                        assert!(
                            (fd - f64::from(g)).abs() / scale < 1e-4,
                            "{function:?} {loss:?} {reset:?}: w{l}[{i},{j}]: backward {g}, finite difference {fd}"
                        );
                        checked += usize::from(g.abs() > 1e-4);
                    }
                }
                // The triangle is zero beyond 1/slope of threshold, so fewer weights matter.
                assert!(
                    checked >= 5,
                    "{function:?} {loss:?} {reset:?}: only {checked} gradients are not zero"
                );
            }
        }
    }

    #[test]
    fn the_forward_pass_spikes_where_the_kernels_membrane_crosses_threshold() {
        for reset in Reset::ALL {
            let (_, net, input) = tiny(SurrogateFn::FastSigmoid, Loss::Count, reset);
            let mut trace = Trace::default();
            let out = net.forward(&input, Some(&mut trace));
            for l in 0..net.layers.len() {
                let theta = net.layers[l].linear.v_thresh;
                for (u, s) in trace.u[l].iter().zip(&trace.s[l]) {
                    Zip::from(u).and(s).for_each(|&u, &s| assert_eq!(s == 1.0, u >= theta, "u = {u}"));
                }
            }
            assert!(total(&out.counts) > 0.0, "{reset:?}: the output fires");
        }
    }
}
