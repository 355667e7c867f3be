//! Synaptic plasticity: pair-based STDP with exponential traces, and Tsodyks–Markram
//! short-term depression and facilitation.

use super::synapse::ProjectionState;
use crate::model::{Stdp, StdpRule, Stp};

/// STDP of one projection: parameters, traces, and an index of each post neuron's synapses.
#[derive(Clone, Debug)]
pub(crate) struct StdpState {
    rule: StdpRule,
    a_plus: f32,
    a_minus: f32,
    decay_plus: f32,
    decay_minus: f32,
    w_min: f32,
    w_max: f32,
    pub enabled: bool,
    /// Presynaptic trace per pre neuron: Σ e^(-(t - t_pre)/τ+).
    pre_trace: Vec<f32>,
    /// Postsynaptic trace per post neuron: Σ e^(-(t - t_post)/τ-).
    post_trace: Vec<f32>,
    /// Synapses onto post neuron j are `col_syn[col_start[j]..col_start[j + 1]]`, from `col_pre`.
    col_start: Vec<usize>,
    col_syn: Vec<u32>,
    col_pre: Vec<u32>,
}

impl StdpState {
    /// New traces and index for `proj`, or, with `old`, the old traces under new parameters.
    pub(crate) fn new(
        spec: &Stdp,
        dt: f64,
        proj: &ProjectionState,
        n_post: usize,
        old: Option<StdpState>,
    ) -> StdpState {
        let value = |q: &crate::model::Quantity| q.canonical() as f32;
        let mut state = old.unwrap_or_else(|| {
            let n_pre = proj.row_start.len() - 1;
            let mut col_start = vec![0usize; n_post + 1];
            for &t in &proj.target {
                col_start[t as usize + 1] += 1;
            }
            for j in 0..n_post {
                col_start[j + 1] += col_start[j];
            }
            let mut fill = col_start.clone();
            let mut col_syn = vec![0u32; proj.target.len()];
            let mut col_pre = vec![0u32; proj.target.len()];
            for i in 0..n_pre {
                for k in proj.row_start[i]..proj.row_start[i + 1] {
                    let j = proj.target[k] as usize;
                    col_syn[fill[j]] = k as u32;
                    col_pre[fill[j]] = i as u32;
                    fill[j] += 1;
                }
            }
            StdpState {
                rule: spec.rule,
                a_plus: 0.0,
                a_minus: 0.0,
                decay_plus: 0.0,
                decay_minus: 0.0,
                w_min: 0.0,
                w_max: 0.0,
                enabled: true,
                pre_trace: vec![0.0; n_pre],
                post_trace: vec![0.0; n_post],
                col_start,
                col_syn,
                col_pre,
            }
        });
        state.rule = spec.rule;
        state.a_plus = value(&spec.a_plus);
        state.a_minus = value(&spec.a_minus);
        state.decay_plus = (-dt / spec.tau_plus.canonical()).exp() as f32;
        state.decay_minus = (-dt / spec.tau_minus.canonical()).exp() as f32;
        state.w_min = spec.w_min.map_or(0.0, |q| value(&q));
        state.w_max = value(&spec.w_max);
        state.enabled = spec.enabled;
        state
    }

    /// One step of learning, after the step's spikes are known: traces decay; each pre spike
    /// depresses its synapses by the post trace, then each post spike potentiates its synapses
    /// by the pre trace (so a pre and a post spike in the same step count as pre-before-post).
    pub(crate) fn learn(
        &mut self,
        weight: &mut [f32],
        row_start: &[usize],
        target: &[u32],
        pre_spikes: &[u32],
        post_spikes: &[u32],
    ) {
        if !self.enabled {
            return;
        }
        self.pre_trace.iter_mut().for_each(|x| *x *= self.decay_plus);
        self.post_trace.iter_mut().for_each(|x| *x *= self.decay_minus);
        let (lo, hi) = (self.w_min, self.w_max);
        let additive = self.rule == StdpRule::Additive;
        for &i in pre_spikes {
            let i = i as usize;
            for k in row_start[i]..row_start[i + 1] {
                let x = self.post_trace[target[k] as usize];
                let w = weight[k];
                let dw = if additive { self.a_minus * hi * x } else { self.a_minus * (w - lo) * x };
                weight[k] = (w - dw).clamp(lo, hi);
            }
            self.pre_trace[i] += 1.0;
        }
        for &j in post_spikes {
            let j = j as usize;
            for c in self.col_start[j]..self.col_start[j + 1] {
                let (k, i) = (self.col_syn[c] as usize, self.col_pre[c] as usize);
                let x = self.pre_trace[i];
                let w = weight[k];
                let dw = if additive { self.a_plus * hi * x } else { self.a_plus * (hi - w) * x };
                weight[k] = (w + dw).clamp(lo, hi);
            }
            self.post_trace[j] += 1.0;
        }
    }
}

/// Tsodyks–Markram state per presynaptic neuron (all its synapses in a projection share the
/// spike train, so they share u and x). Markram, Wang & Tsodyks (1998), PNAS 95:5323:
///   u_{n+1} = u_n e^(-Δt/τ_F) + U (1 - u_n e^(-Δt/τ_F)),
///   x_{n+1} = x_n (1 - u_n) e^(-Δt/τ_rec) + 1 - e^(-Δt/τ_rec),  with u_1 = U, x_1 = 1;
/// spike n acts with efficacy weight · u_n · x_n.
#[derive(Clone, Debug)]
pub(crate) struct StpState {
    big_u: f64,
    tau_rec: f64,
    tau_facil: f64,
    dt: f64,
    u: Vec<f32>,
    x: Vec<f32>,
    /// Step of the last spike, `u64::MAX` before the first.
    last: Vec<u64>,
    /// Efficacy factor of each of this step's spikes.
    pub factors: Vec<f32>,
}

impl StpState {
    pub(crate) fn new(spec: &Stp, dt: f64, n_pre: usize, old: Option<StpState>) -> StpState {
        let mut state = old.unwrap_or_else(|| StpState {
            big_u: 0.0,
            tau_rec: 0.0,
            tau_facil: 0.0,
            dt,
            u: vec![0.0; n_pre],
            x: vec![1.0; n_pre],
            last: vec![u64::MAX; n_pre],
            factors: Vec::new(),
        });
        state.big_u = spec.u.canonical();
        state.tau_rec = spec.tau_rec.canonical();
        state.tau_facil = spec.tau_facil.map_or(0.0, |q| q.canonical());
        state
    }

    /// Advances the state of each spiking neuron and sets `factors` to their efficacies.
    pub(crate) fn on_spikes(&mut self, spikes: &[u32], step: u64) {
        self.factors.clear();
        for &i in spikes {
            let i = i as usize;
            let (u, x) = if self.last[i] == u64::MAX {
                (self.big_u, 1.0)
            } else {
                let gap = (step - self.last[i]) as f64 * self.dt;
                let facil = if self.tau_facil > 0.0 { (-gap / self.tau_facil).exp() } else { 0.0 };
                let recover = (-gap / self.tau_rec).exp();
                let (u_prev, x_prev) = (self.u[i] as f64, self.x[i] as f64);
                let carried = u_prev * facil;
                (carried + self.big_u * (1.0 - carried), x_prev * (1.0 - u_prev) * recover + 1.0 - recover)
            };
            self.u[i] = u as f32;
            self.x[i] = x as f32;
            self.last[i] = step;
            self.factors.push((u * x) as f32);
        }
    }
}
