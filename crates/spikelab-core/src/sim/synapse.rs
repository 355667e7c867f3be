//! Projections stored as compressed sparse rows by presynaptic neuron, built from the
//! connection rules, and event-driven spike delivery into the targets' delay ring buffers.

use super::plasticity::{StdpState, StpState};
use super::rng::{Stream, rng_for};
use crate::model::{CanonicalDist, Dimension, Model, Projection as ProjSpec, Receptor, Rule};
use ndarray::Array2;
use rand::RngExt;
use rand::seq::index;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;

/// Transmission delays, in whole steps.
#[derive(Clone, Debug)]
pub(crate) enum Delays {
    Uniform(u16),
    PerSynapse(Vec<u16>),
}

/// One projection at run time.
#[derive(Clone, Debug)]
pub struct ProjectionState {
    pub name: String,
    pub pre: usize,
    pub post: usize,
    pub receptor: Receptor,
    /// Synapses of pre neuron `i` are `row_start[i]..row_start[i + 1]`.
    pub(crate) row_start: Vec<usize>,
    pub(crate) target: Vec<u32>,
    /// Weight magnitude, pA or nS.
    pub(crate) weight: Vec<f32>,
    pub(crate) delay: Delays,
    /// Steps from the step in which a spike is emitted to the first step whose input queue
    /// a delay of zero reaches: 1, so that a synaptic current or conductance starts exactly
    /// d after the spike; 0 onto delta synapses, whose queue is a jump of V taken at the end of
    /// its step, so that V jumps exactly d after the spike (as NEST's `iaf_psc_delta`; their
    /// delays are at least one step).
    pub(crate) lead: usize,
    pub(crate) stdp: Option<StdpState>,
    pub(crate) stp: Option<StpState>,
}

impl ProjectionState {
    /// Sets up or updates STDP and STP from the spec, keeping traces and state that exist.
    pub(crate) fn set_plasticity(&mut self, spec: &ProjSpec, n_post: usize, dt: f64) {
        let old = self.stdp.take();
        self.stdp = spec.stdp.as_ref().map(|s| StdpState::new(s, dt, self, n_post, old));
        let old = self.stp.take();
        let n_pre = self.row_start.len() - 1;
        self.stp = spec.stp.as_ref().map(|s| StpState::new(s, dt, n_pre, old));
    }

    /// Whether the weights change while running.
    pub fn is_plastic(&self) -> bool {
        self.stdp.is_some()
    }

    /// The weights as a pre × post matrix (pA, nS or mV); NaN where there is no synapse.
    pub fn weight_matrix(&self, n_post: usize) -> Array2<f32> {
        let n_pre = self.row_start.len() - 1;
        let mut m = Array2::from_elem((n_pre, n_post), f32::NAN);
        for i in 0..n_pre {
            for k in self.row_start[i]..self.row_start[i + 1] {
                m[[i, self.target[k] as usize]] = self.weight[k];
            }
        }
        m
    }

    /// The weights averaged over blocks of `pre_per_row` × `post_per_col` neurons: an honest
    /// downsampling of large projections (NaN where a block holds no synapse). With blocks of
    /// 1 × 1 it is [`ProjectionState::weight_matrix`].
    pub fn weight_blocks(&self, n_post: usize, pre_per_row: usize, post_per_col: usize) -> Array2<f32> {
        let n_pre = self.row_start.len() - 1;
        let (bi, bj) = (pre_per_row.max(1), post_per_col.max(1));
        let mut blocks = BlockSums::new(n_pre.div_ceil(bi), n_post.div_ceil(bj));
        self.add_to_blocks(&mut blocks, (0, 0), (bi, bj), 1.0);
        blocks.means()
    }

    /// Adds every weight (times `sign`) to the block of its (pre + offset, post + offset).
    pub(crate) fn add_to_blocks(
        &self,
        blocks: &mut BlockSums,
        (pre_offset, post_offset): (usize, usize),
        (bi, bj): (usize, usize),
        sign: f64,
    ) {
        for i in 0..self.row_start.len() - 1 {
            for k in self.row_start[i]..self.row_start[i + 1] {
                let cell = [(pre_offset + i) / bi, (post_offset + self.target[k] as usize) / bj];
                blocks.sum[cell] += sign * self.weight[k] as f64;
                blocks.count[cell] += 1;
            }
        }
    }

    /// Index of the synapse from pre `i` to post `j`, if there is one.
    pub fn find_synapse(&self, i: usize, j: usize) -> Option<usize> {
        let (a, b) = (*self.row_start.get(i)?, *self.row_start.get(i + 1)?);
        (a..b).find(|&k| self.target[k] as usize == j)
    }

    /// Weight of synapse `k` (in row order).
    pub fn weight(&self, k: usize) -> Option<f32> {
        self.weight.get(k).copied()
    }
    pub fn synapse_count(&self) -> usize {
        self.target.len()
    }

    /// Number of synapses leaving pre neuron `i`.
    pub fn out_degree(&self, i: usize) -> usize {
        self.row_start.get(i + 1).zip(self.row_start.get(i)).map_or(0, |(b, a)| b - a)
    }

    /// Post neurons of pre neuron `i`, with their weights (pA or nS).
    pub fn synapses_of(&self, i: usize) -> impl Iterator<Item = (u32, f32)> + '_ {
        let (a, b) =
            (self.row_start.get(i).copied().unwrap_or(0), self.row_start.get(i + 1).copied().unwrap_or(0));
        self.target[a..b].iter().copied().zip(self.weight[a..b].iter().copied())
    }

    /// Delay in steps of synapse `k` (in row order).
    pub fn delay_steps(&self, k: usize) -> usize {
        match &self.delay {
            Delays::Uniform(d) => *d as usize,
            Delays::PerSynapse(d) => d.get(k).copied().unwrap_or(0) as usize,
        }
    }

    /// Longest delay in steps.
    pub(crate) fn max_delay(&self) -> usize {
        match &self.delay {
            Delays::Uniform(d) => *d as usize,
            Delays::PerSynapse(d) => d.iter().copied().max().unwrap_or(0) as usize,
        }
    }

    /// Bytes held per synapse by the connectivity arrays.
    pub fn bytes_per_synapse(&self) -> f64 {
        let n = self.target.len().max(1) as f64;
        let delay_bytes = match &self.delay {
            Delays::Uniform(_) => 0,
            Delays::PerSynapse(d) => d.len() * 2,
        };
        ((self.target.len() + self.weight.len()) * 4 + delay_bytes + self.row_start.len() * 8) as f64 / n
    }

    /// Adds the weights of the synapses from the spiking neurons onto targets `lo..hi`
    /// (`(0, usize::MAX)`: all) into
    /// the queue of step `slot + lead + delay`. With short-term plasticity, spike `s` acts with
    /// its weight times `factors[s]`. Returns the number of synaptic events.
    ///
    /// Each target receives its inputs in the same order (spike order, then row order) for any
    /// split into ranges, so splitting the targets over threads gives identical sums.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn deliver<Q: Queues>(
        &self,
        spikes: &[u32],
        factors: Option<&[f32]>,
        queues: &mut Q,
        (lo, hi): (usize, usize),
        slot: usize,
        slots: usize,
    ) -> u64 {
        let mut events = 0;
        let whole = lo == 0 && hi == usize::MAX;
        for (s, &i) in spikes.iter().enumerate() {
            let (mut a, mut b) = (self.row_start[i as usize], self.row_start[i as usize + 1]);
            if !whole {
                // Rows are sorted by target: narrow to the targets in lo..hi.
                let row = &self.target[a..b];
                let (from, to) = (
                    row.partition_point(|&t| (t as usize) < lo),
                    row.partition_point(|&t| (t as usize) < hi),
                );
                (a, b) = (a + from, a + to);
            }
            events += (b - a) as u64;
            let factor = factors.map_or(1.0, |f| f[s]);
            match &self.delay {
                Delays::Uniform(d) => {
                    let queue = queues.queue((slot + self.lead + *d as usize) % slots);
                    let targets = self.target[a..b].iter().zip(&self.weight[a..b]);
                    if factors.is_none() {
                        targets.for_each(|(&t, &w)| queue[t as usize - lo] += w);
                    } else {
                        targets.for_each(|(&t, &w)| queue[t as usize - lo] += w * factor);
                    }
                }
                Delays::PerSynapse(delays) => {
                    let synapses = delays[a..b].iter().zip(&self.target[a..b]).zip(&self.weight[a..b]);
                    for ((&d, &t), &w) in synapses {
                        let mut q = slot + self.lead + d as usize;
                        if q >= slots {
                            q -= slots;
                        }
                        queues.queue(q)[t as usize - lo] += w * factor;
                    }
                }
            }
        }
        events
    }
}

/// Where delivered input goes: the queue of one step for a range of targets.
pub(crate) trait Queues {
    fn queue(&mut self, slot: usize) -> &mut [f32];
}

/// A whole ring buffer: `slots` blocks of `n` targets.
pub(crate) struct Ring<'a> {
    pub ring: &'a mut [f32],
    pub n: usize,
}

impl Queues for Ring<'_> {
    #[inline(always)]
    fn queue(&mut self, slot: usize) -> &mut [f32] {
        &mut self.ring[slot * self.n..(slot + 1) * self.n]
    }
}

/// One range of targets of a ring buffer: one slice per slot.
impl Queues for Vec<&mut [f32]> {
    #[inline(always)]
    fn queue(&mut self, slot: usize) -> &mut [f32] {
        &mut *self[slot]
    }
}

/// Draws one value; with `clip_at_zero`, draws below zero become zero (weights, delays
/// and conductances cannot be negative).
pub(crate) fn draw(dist: CanonicalDist, rng: &mut Pcg64Mcg, clip_at_zero: bool) -> f64 {
    let x = match dist {
        CanonicalDist::Constant(c) => c,
        CanonicalDist::Uniform(lo, hi) if hi > lo => rng.random_range(lo..hi),
        CanonicalDist::Uniform(lo, _) => lo,
        CanonicalDist::Normal(m, s) => {
            let z: f64 = StandardNormal.sample(rng);
            m + s * z
        }
    };
    if clip_at_zero { x.max(0.0) } else { x }
}

/// Builds a projection from its (validated) spec.
pub(crate) fn build_projection(model: &Model, spec: &ProjSpec, dt: f64) -> ProjectionState {
    let seed = model.simulation.seed;
    let label = spec.label();
    let (pre, pre_spec) = model.population(&spec.pre).expect("validated: pre exists");
    let (post, post_spec) = model.population(&spec.post).expect("validated: post exists");
    let (n_pre, n_post) = (pre_spec.size as usize, post_spec.size as usize);
    let skip_self = pre == post && !spec.autapses;
    let mut rng = rng_for(seed, Stream::Connect, &label);
    let conn = &spec.connect;

    // Targets grouped by pre neuron.
    let (row_start, target, explicit): (Vec<usize>, Vec<u32>, Vec<usize>) = match conn.rule {
        Rule::AllToAll => rows_from(n_pre, |i, out| {
            out.extend((0..n_post as u32).filter(|&j| !(skip_self && j as usize == i)));
        }),
        Rule::OneToOne => rows_from(n_pre, |i, out| out.push(i as u32)),
        Rule::FixedProbability => {
            let p = conn.p.unwrap_or(0.0);
            // ln(1 - p) via ln_1p, which stays non-zero for p far below machine epsilon.
            let log_q = (-p).ln_1p();
            rows_from(n_pre, |i, out| {
                if p <= 0.0 {
                    return;
                }
                // Geometric skipping: the gap to the next connected target is geometric.
                let mut j: i64 = -1;
                loop {
                    let gap = if p >= 1.0 {
                        0
                    } else {
                        let u: f64 = 1.0 - rng.random::<f64>();
                        (u.ln() / log_q).floor().clamp(0.0, n_post as f64) as i64
                    };
                    j += gap + 1;
                    if j >= n_post as i64 {
                        break;
                    }
                    if !(skip_self && j as usize == i) {
                        out.push(j as u32);
                    }
                }
            })
        }
        Rule::FixedIndegree => {
            let k = conn.indegree.unwrap_or(0) as usize;
            let pool = if skip_self { n_pre - 1 } else { n_pre };
            // Sources chosen per target, then regrouped by source (counting sort).
            let mut sources = Vec::with_capacity(k * n_post);
            for j in 0..n_post {
                for s in index::sample(&mut rng, pool, k) {
                    sources.push(if skip_self && s >= j { s + 1 } else { s } as u32);
                }
            }
            let mut row_start = vec![0usize; n_pre + 1];
            for &s in &sources {
                row_start[s as usize + 1] += 1;
            }
            for i in 0..n_pre {
                row_start[i + 1] += row_start[i];
            }
            let mut fill = row_start.clone();
            let mut target = vec![0u32; sources.len()];
            for (idx, &s) in sources.iter().enumerate() {
                target[fill[s as usize]] = (idx / k.max(1)) as u32;
                fill[s as usize] += 1;
            }
            (row_start, target, Vec::new())
        }
        Rule::Matrix => {
            let m = conn.matrix().and_then(Result::ok).unwrap_or_default();
            let excitatory = spec.receptor == crate::model::Receptor::Excitatory;
            let take = |w: f64| if excitatory { w > 0.0 } else { w < 0.0 };
            rows_from(n_pre, |i, out| {
                if i < m.nrows() {
                    out.extend(
                        (0..m.ncols().min(n_post))
                            .filter(|&j| take(m[[i, j]]) && !(skip_self && j == i))
                            .map(|j| j as u32),
                    );
                }
            })
        }
        Rule::Explicit => {
            let mut order: Vec<usize> = (0..conn.synapses.len()).collect();
            order.sort_by_key(|&k| (conn.synapses[k].pre, conn.synapses[k].post));
            let mut row_start = vec![0usize; n_pre + 1];
            for s in &conn.synapses {
                row_start[s.pre as usize + 1] += 1;
            }
            for i in 0..n_pre {
                row_start[i + 1] += row_start[i];
            }
            let target = order.iter().map(|&k| conn.synapses[k].post as u32).collect();
            (row_start, target, order)
        }
    };

    // Weights and delays each come from their own stream, so changing one keeps the others.
    let mut rng = rng_for(seed, Stream::Weights, &label);
    let mut delay_rng = rng_for(seed, Stream::Delays, &label);
    let weight_dist =
        spec.weight.canonical(post_spec.synapse.weight_dimension()).unwrap_or(CanonicalDist::Constant(0.0));
    let delta = post_spec.synapse == crate::model::SynapseKind::Delta;
    let shortest = if delta { 1.0 } else { 0.0 };
    let to_steps = |ms: f64| (ms / dt).round().clamp(shortest, u16::MAX as f64) as u16;
    let delay_dist = spec
        .delay
        .as_ref()
        .and_then(|d| d.canonical(Dimension::Time).ok())
        .unwrap_or(CanonicalDist::Constant(0.0));
    let mut weight: Vec<f32> = (0..target.len()).map(|_| draw(weight_dist, &mut rng, true) as f32).collect();
    let explicit_delays = conn.synapses.iter().any(|s| s.delay.is_some());
    let mut delay = match delay_dist {
        CanonicalDist::Constant(d) if !explicit_delays => Delays::Uniform(to_steps(d)),
        _ => Delays::PerSynapse(
            (0..target.len()).map(|_| to_steps(draw(delay_dist, &mut delay_rng, true))).collect(),
        ),
    };
    // A matrix's synapses: |entry| × the weight (a constant scale).
    if let Some(Ok(m)) = conn.matrix() {
        let scale = draw(weight_dist, &mut rng, true);
        for i in 0..n_pre.min(m.nrows()) {
            for pos in row_start[i]..row_start[i + 1] {
                weight[pos] = (m[[i, target[pos] as usize]].abs() * scale) as f32;
            }
        }
    }
    for (pos, &k) in explicit.iter().enumerate() {
        let s = &conn.synapses[k];
        if let Some(w) = s.weight {
            weight[pos] = w.canonical() as f32;
        }
        if let (Some(d), Delays::PerSynapse(delays)) = (s.delay, &mut delay) {
            delays[pos] = to_steps(d.canonical());
        }
    }
    let mut proj = ProjectionState {
        name: label,
        pre,
        post,
        receptor: spec.receptor,
        row_start,
        target,
        weight,
        delay,
        lead: usize::from(!delta),
        stdp: None,
        stp: None,
    };
    proj.set_plasticity(spec, n_post, dt);
    proj
}

/// Builds CSR rows by asking `fill` for the targets of each pre neuron in turn.
fn rows_from(n_pre: usize, mut fill: impl FnMut(usize, &mut Vec<u32>)) -> (Vec<usize>, Vec<u32>, Vec<usize>) {
    let mut row_start = Vec::with_capacity(n_pre + 1);
    let mut target = Vec::new();
    row_start.push(0);
    for i in 0..n_pre {
        fill(i, &mut target);
        row_start.push(target.len());
    }
    target.shrink_to_fit();
    (row_start, target, Vec::new())
}

/// Sums and counts of weights in blocks of a matrix, for block means.
pub(crate) struct BlockSums {
    sum: Array2<f64>,
    count: Array2<u32>,
}

impl BlockSums {
    pub(crate) fn new(rows: usize, cols: usize) -> BlockSums {
        BlockSums { sum: Array2::zeros((rows, cols)), count: Array2::zeros((rows, cols)) }
    }

    /// Mean of each block; NaN where it holds no synapse.
    pub(crate) fn means(&self) -> Array2<f32> {
        ndarray::Zip::from(&self.sum)
            .and(&self.count)
            .map_collect(|&s, &c| if c == 0 { f32::NAN } else { (s / c as f64) as f32 })
    }
}
