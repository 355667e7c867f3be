//! What runs: a network built from a [`Model`], advanced step by step. No GUI code here.
//!
//! One step at step index t (time t·dt → (t+1)·dt):
//! 1. Poisson inputs add this step's spikes to the targets' queues; current inputs that switch
//!    on or off here update the external current.
//! 2. Every population takes its queued synaptic input, integrates one step, and detects spikes.
//! 3. Spikes are recorded at time (t+1)·dt and delivered, synapse by synapse, into the queue of
//!    step t+1+d of their targets, so that a synaptic current starts exactly d steps after the
//!    spike (d = 0: from the next step on). Onto delta synapses the queue is a jump of V taken
//!    at the end of its step, so a spike goes into the queue of step t+d and V jumps exactly
//!    d after the spike, as in NEST (d ≥ one step). Event-driven: work ∝ spikes × out-degree.

mod estimate;
mod input;
pub use input::Shown;
mod neuron;
mod plasticity;
mod record;
mod rng;
mod split;
mod synapse;

pub use crate::neurons::PhaseField;
pub use estimate::{ASSUMED_RATE_HZ, RunEstimate, duration_words, estimate_run};
pub use record::{Spike, SpikeBatch, SpikeLog, Trace, WeightTrace};
pub use split::{MAX_SINGLE_NEURONS, split_into_neurons};
pub use synapse::ProjectionState;

use crate::model::{Model, ModelError, Receptor};
use crate::neurons::Values;
use input::InputState;
use neuron::PopState;
use rayon::prelude::*;
use rng::{Stream, rng_for};

/// Why the simulation cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(
        "the simulation of \"{model}\" diverged: {variable} of neuron {neuron} in population \"{population}\" became infinite or NaN at t = {time_ms} ms. \
         A time step that is too large for the model, or an input that is too strong, causes this; the network was stopped"
    )]
    Diverged { model: String, population: String, neuron: usize, variable: &'static str, time_ms: f64 },
}

/// A projection's weights, possibly averaged over blocks of neurons (see
/// [`Network::weight_blocks`]).
#[derive(Clone, Debug)]
pub struct WeightBlocks {
    /// The projection shown; `None` for the whole network.
    pub projection: Option<usize>,
    /// Presynaptic neurons per row and postsynaptic neurons per column (1 × 1: exact weights).
    pub pre_per_row: usize,
    pub post_per_col: usize,
    pub n_pre: usize,
    pub n_post: usize,
    /// Mean weight of each block (pA, nS or mV); NaN where the block holds no synapse.
    pub mean: ndarray::Array2<f32>,
}

/// Most traces [`Network::watch`] adds (beyond the model's recorders).
pub const MAX_WATCHED: usize = 64;

/// What [`Network::apply`] had to do to take a changed model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Only parameters changed; the network kept its state and time.
    InPlace,
    /// The structure changed; the network was rebuilt and starts again at t = 0.
    Rebuilt,
}

/// A runnable network.
#[derive(Clone, Debug)]
pub struct Network {
    model: Model,
    dt_ms: f64,
    step: u64,
    pops: Vec<PopState>,
    projections: Vec<ProjectionState>,
    /// For each population, the projections leaving it.
    outgoing: Vec<Vec<usize>>,
    inputs: Vec<InputState>,
    /// Which inputs were active last step, to notice switching.
    inputs_active: Vec<bool>,
    /// Populations whose injected current must be summed again this step.
    current_dirty: Vec<bool>,
    step_spikes: Vec<Vec<u32>>,
    spikes: SpikeLog,
    traces: Vec<Trace>,
    weight_traces: Vec<WeightTrace>,
    synaptic_events: u64,
    /// Spikes of each population since the network was built.
    spike_counts: Vec<u64>,
    /// Threads for input and delivery (1: serial).
    threads: usize,
    input_events: u64,
}

impl Network {
    /// Validates the model and builds its network (connectivity, initial state, inputs).
    pub fn build(model: &Model) -> Result<Network, SimError> {
        model.validate()?;
        let dt = model.dt_ms();
        let projections: Vec<ProjectionState> =
            model.projections.iter().map(|p| synapse::build_projection(model, p, dt)).collect();
        let mut pops = Vec::with_capacity(model.populations.len());
        for (index, spec) in model.populations.iter().enumerate() {
            let max_delay =
                projections.iter().filter(|p| p.post == index).map(|p| p.max_delay()).max().unwrap_or(0);
            // A spike from step t with delay d lands in the slot of step t + 1 + d.
            let slots = max_delay + 2;
            let source_rng = rng_for(model.simulation.seed, Stream::Source, &spec.name);
            let mut pop = PopState::new(spec, dt, slots, source_rng);
            initialise(&mut pop, spec, model.simulation.seed);
            pops.push(pop);
        }
        let mut outgoing = vec![Vec::new(); pops.len()];
        for (k, p) in projections.iter().enumerate() {
            outgoing[p.pre].push(k);
        }
        let inputs: Vec<InputState> = model.inputs.iter().map(|i| InputState::build(model, i, dt)).collect();
        let mut net = Network {
            model: model.clone(),
            dt_ms: dt,
            step: 0,
            step_spikes: pops.iter().map(|p| Vec::with_capacity(p.size)).collect(),
            pops,
            projections,
            outgoing,
            inputs_active: vec![false; inputs.len()],
            current_dirty: vec![false; model.populations.len()],
            inputs,
            spikes: SpikeLog::default(),
            traces: Vec::new(),
            weight_traces: Vec::new(),
            synaptic_events: 0,
            spike_counts: vec![0; model.populations.len()],
            threads: 1,
            input_events: 0,
        };
        net.traces = net.make_traces();
        for rec in &model.weight_recorders {
            let Some((k, _)) = model.projection(&rec.projection) else { continue };
            let interval = rec.interval.map_or(1, |q| (q.canonical() / dt).round().max(1.0) as u64);
            for [pre, post] in &rec.synapses {
                // A pair the rule did not connect has nothing to record.
                let _ = net.watch_synapse(k, *pre as usize, *post as usize, interval);
            }
        }
        Ok(net)
    }

    fn make_traces(&self) -> Vec<Trace> {
        let mut traces = Vec::new();
        for rec in &self.model.recorders {
            let Some((pop, spec)) = self.model.population(&rec.population) else { continue };
            let vars = spec.model.state_vars(spec.synapse);
            let interval = rec.interval.map_or(1, |q| (q.canonical() / self.dt_ms).round().max(1.0) as u64);
            for var in &rec.variables {
                let Some(var_index) = vars.iter().position(|v| v.name == var) else { continue };
                for &neuron in &rec.neurons {
                    traces.push(Trace {
                        population: spec.name.clone(),
                        pop,
                        neuron: neuron as u32,
                        variable: var.clone(),
                        unit: vars[var_index].unit,
                        interval_steps: interval,
                        var_index,
                        first_step: 0,
                        watched: false,
                        values: Vec::new(),
                    });
                }
            }
        }
        traces
    }

    /// The model this network was built from, with any applied changes.
    pub fn model(&self) -> &Model {
        &self.model
    }

    pub fn dt_ms(&self) -> f64 {
        self.dt_ms
    }

    /// Steps taken since the start.
    pub fn steps(&self) -> u64 {
        self.step
    }

    /// Biological time, ms.
    pub fn time_ms(&self) -> f64 {
        self.step as f64 * self.dt_ms
    }

    /// Population names and sizes, in model order.
    pub fn populations(&self) -> impl Iterator<Item = (&str, usize)> {
        self.pops.iter().map(|p| (p.name.as_str(), p.size))
    }

    pub fn projections(&self) -> &[ProjectionState] {
        &self.projections
    }

    /// Total synapses of all projections.
    pub fn synapse_count(&self) -> usize {
        self.projections.iter().map(|p| p.synapse_count()).sum()
    }

    pub fn spikes(&self) -> &SpikeLog {
        &self.spikes
    }

    /// Mutable access, e.g. to bound how many spikes are kept.
    pub fn spikes_mut(&mut self) -> &mut SpikeLog {
        &mut self.spikes
    }

    pub fn traces(&self) -> &[Trace] {
        &self.traces
    }

    /// Sampled weights of watched synapses.
    pub fn weight_traces(&self) -> &[WeightTrace] {
        &self.weight_traces
    }

    /// One projection's weights as a pre × post matrix; NaN where there is no synapse.
    pub fn weights(&self, projection: usize) -> Option<ndarray::Array2<f32>> {
        let proj = self.projections.get(projection)?;
        Some(proj.weight_matrix(self.pops[proj.post].size))
    }

    /// The whole network's weights as one (neuron × neuron) matrix, populations in order, in
    /// at most `max_rows` × `max_cols` block means; inhibitory weights count as negative, so
    /// excitation and inhibition stand apart. `projection` is `None` in the result.
    pub fn network_weight_blocks(&self, max_rows: usize, max_cols: usize) -> WeightBlocks {
        let mut offsets = Vec::with_capacity(self.pops.len());
        let mut n = 0;
        for p in &self.pops {
            offsets.push(n);
            n += p.size;
        }
        let pre_per_row = n.div_ceil(max_rows.max(1)).max(1);
        let post_per_col = n.div_ceil(max_cols.max(1)).max(1);
        let mut blocks = synapse::BlockSums::new(n.div_ceil(pre_per_row), n.div_ceil(post_per_col));
        for proj in &self.projections {
            let sign = if proj.receptor == crate::model::Receptor::Inhibitory { -1.0 } else { 1.0 };
            let offset = (offsets[proj.pre], offsets[proj.post]);
            proj.add_to_blocks(&mut blocks, offset, (pre_per_row, post_per_col), sign);
        }
        WeightBlocks {
            projection: None,
            pre_per_row,
            post_per_col,
            n_pre: n,
            n_post: n,
            mean: blocks.means(),
        }
    }

    /// All weights of one projection (pA, nS or mV), in the engine's synapse order.
    pub fn weight_values(&self, projection: usize) -> Option<&[f32]> {
        self.projections.get(projection).map(|p| p.weight.as_slice())
    }

    /// One projection's weights in at most `max_rows` × `max_cols` cells: blocks of
    /// (pre_per_row, post_per_col) neurons averaged, the block sizes chosen as small as fit.
    pub fn weight_blocks(&self, projection: usize, max_rows: usize, max_cols: usize) -> Option<WeightBlocks> {
        let proj = self.projections.get(projection)?;
        let (n_pre, n_post) = (self.pops[proj.pre].size, self.pops[proj.post].size);
        let pre_per_row = n_pre.div_ceil(max_rows.max(1)).max(1);
        let post_per_col = n_post.div_ceil(max_cols.max(1)).max(1);
        Some(WeightBlocks {
            projection: Some(projection),
            pre_per_row,
            post_per_col,
            n_pre,
            n_post,
            mean: proj.weight_blocks(n_post, pre_per_row, post_per_col),
        })
    }

    /// Starts sampling the weight of the synapse pre → post of a projection every
    /// `interval_steps` steps; returns the index of its trace in [`Network::weight_traces`],
    /// or `None` if there is no such synapse.
    pub fn watch_synapse(
        &mut self,
        projection: usize,
        pre: usize,
        post: usize,
        interval_steps: u64,
    ) -> Option<usize> {
        let proj = self.projections.get(projection)?;
        let synapse = proj.find_synapse(pre, post)?;
        self.weight_traces.push(WeightTrace {
            projection: proj.name.clone(),
            proj: projection,
            pre: pre as u32,
            post: post as u32,
            synapse,
            interval_steps: interval_steps.max(1),
            first_step: self.step,
            values: Vec::new(),
        });
        Some(self.weight_traces.len() - 1)
    }

    /// Starts recording `variable` of one neuron every step from now on, unless it is already
    /// recorded; returns the index of its trace in [`Network::traces`]. At most
    /// [`MAX_WATCHED`] traces are added this way, so that clicking around cannot slow the
    /// network down without bound.
    pub fn watch(&mut self, pop: usize, neuron: usize, variable: &str) -> Option<usize> {
        let watched = self.traces.iter().filter(|t| t.watched).count();
        let p = self.pops.get(pop)?;
        if neuron >= p.size {
            return None;
        }
        if let Some(k) = self
            .traces
            .iter()
            .position(|t| t.pop == pop && t.neuron as usize == neuron && t.variable == variable)
        {
            return Some(k);
        }
        if watched >= MAX_WATCHED {
            return None;
        }
        let vars = p.model.state_vars(p.synapse);
        let var_index = vars.iter().position(|v| v.name == variable)?;
        self.traces.push(Trace {
            watched: true,
            population: p.name.clone(),
            pop,
            neuron: neuron as u32,
            variable: variable.to_string(),
            unit: vars[var_index].unit,
            interval_steps: 1,
            var_index,
            first_step: self.step,
            values: Vec::new(),
        });
        Some(self.traces.len() - 1)
    }

    /// Drops the samples of every trace up to now, keeping the traces (bounds memory in long runs).
    pub fn clear_trace_samples(&mut self) {
        for trace in &mut self.traces {
            let taken = trace.values.len() as u64;
            trace.first_step += taken * trace.interval_steps;
            trace.values.clear();
        }
    }

    /// Switches STDP of a projection on or off without touching anything else.
    pub fn set_learning(&mut self, projection: usize, enabled: bool) {
        if let Some(stdp) = &mut self.projections.get_mut(projection).and_then(|p| p.stdp.as_mut()) {
            stdp.enabled = enabled;
        }
        if let Some(spec) = self.model.projections.get_mut(projection).and_then(|p| p.stdp.as_mut()) {
            spec.enabled = enabled;
        }
    }

    /// Spikes delivered through synapses of projections so far (one event per synapse per spike).
    /// Spikes of each population since the network was built (or reset).
    pub fn spike_counts(&self) -> &[u64] {
        &self.spike_counts
    }

    pub fn synaptic_events(&self) -> u64 {
        self.synaptic_events
    }

    /// Spikes from spike inputs (Poisson, listed times, datasets) so far.
    pub fn input_events(&self) -> u64 {
        self.input_events
    }

    /// The samples each input has shown so far, in the order of the model's inputs (empty
    /// for inputs that show no dataset): when each started, which it was, its label.
    pub fn samples_shown(&self) -> Vec<&[Shown]> {
        self.inputs.iter().map(|i| i.shown()).collect()
    }

    /// The current values of a state variable over a population, by name ("v", "u", "g_exc", …).
    pub fn state(&self, pop: usize, variable: &str) -> Option<&[f32]> {
        let p = self.pops.get(pop)?;
        let index = p.model.state_vars(p.synapse).iter().position(|v| v.name == variable)?;
        Some(p.var(index))
    }

    /// Sets a state variable of one neuron (for example to place it in the phase plane).
    /// Returns false if there is no such population, neuron or variable, or the value is not
    /// finite.
    pub fn set_state(&mut self, pop: usize, neuron: usize, variable: &str, value: f32) -> bool {
        let Some(p) = self.pops.get_mut(pop) else { return false };
        let Some(index) = p.model.state_vars(p.synapse).iter().position(|v| v.name == variable) else {
            return false;
        };
        match p.var_mut(index).get_mut(neuron) {
            Some(x) if value.is_finite() => {
                *x = value;
                true
            }
            _ => false,
        }
    }

    /// Advances the network by one time step.
    pub fn step(&mut self) -> Result<(), SimError> {
        let t = self.step;
        for w in &mut self.weight_traces {
            if (t - w.first_step).is_multiple_of(w.interval_steps) {
                w.values.push(self.projections[w.proj].weight[w.synapse]);
            }
        }
        for trace in &mut self.traces {
            if (t - trace.first_step).is_multiple_of(trace.interval_steps) {
                let pop = &self.pops[trace.pop];
                trace.values.push(pop.var(trace.var_index)[trace.neuron as usize]);
            }
        }
        let slot_of = |pop: &PopState| (t % pop.slots as u64) as usize;

        // 1. Inputs.
        self.current_dirty.iter_mut().for_each(|d| *d = false);
        for (k, input) in self.inputs.iter_mut().enumerate() {
            let active = input.active(t);
            if input.is_current() {
                if active != self.inputs_active[k] || (active && input.is_time_varying()) {
                    self.current_dirty[input.target] = true;
                }
            } else if active {
                let pop = &mut self.pops[input.target];
                let slot = slot_of(pop);
                self.input_events += input.inject_spikes(pop, slot, t, self.threads > 1);
            }
            self.inputs_active[k] = active;
        }
        for p in 0..self.pops.len() {
            if self.current_dirty[p] {
                self.recompute_current(p);
            }
        }

        // 2. Neurons.
        for (p, pop) in self.pops.iter_mut().enumerate() {
            let spikes = &mut self.step_spikes[p];
            spikes.clear();
            let slot = (t % pop.slots as u64) as usize;
            if let Err(bad) = pop.update(t, slot, spikes) {
                return Err(SimError::Diverged {
                    model: self.model.name.clone(),
                    population: pop.name.clone(),
                    neuron: bad.neuron,
                    variable: bad.variable,
                    time_ms: (t + 1) as f64 * self.dt_ms,
                });
            }
        }

        // 3. Record and deliver (short-term plasticity scales each spike's efficacy).
        for (p, spikes) in self.step_spikes.iter().enumerate() {
            self.spike_counts[p] += spikes.len() as u64;
            for &neuron in spikes {
                self.spikes.push(Spike { step: t + 1, pop: p as u32, neuron });
            }
        }
        for proj in &mut self.projections {
            if let Some(stp) = &mut proj.stp {
                stp.on_spikes(&self.step_spikes[proj.pre], t + 1);
            }
        }
        self.synaptic_events +=
            if self.threads > 1 { self.deliver_parallel(t) } else { self.deliver_serial(t) };

        // 4. Long-term plasticity, from this step's pre and post spikes.
        for proj in &mut self.projections {
            if let Some(stdp) = &mut proj.stdp {
                let (pre, post) = (&self.step_spikes[proj.pre], &self.step_spikes[proj.post]);
                stdp.learn(&mut proj.weight, &proj.row_start, &proj.target, pre, post);
            }
        }
        self.spikes.trim();
        self.step = t + 1;
        Ok(())
    }

    fn deliver_serial(&mut self, t: u64) -> u64 {
        let mut events = 0;
        for (p, spikes) in self.step_spikes.iter().enumerate() {
            if spikes.is_empty() {
                continue;
            }
            for &k in &self.outgoing[p] {
                let proj = &self.projections[k];
                let factors = proj.stp.as_ref().map(|s| s.factors.as_slice());
                let post = &mut self.pops[proj.post];
                let (n, slots) = (post.size, post.slots);
                let slot = (t % slots as u64) as usize;
                let ring = match proj.receptor {
                    Receptor::Excitatory => &mut post.ring_exc,
                    Receptor::Inhibitory => &mut post.ring_inh,
                };
                events += proj.deliver(
                    spikes,
                    factors,
                    &mut synapse::Ring { ring, n },
                    (0, usize::MAX),
                    slot,
                    slots,
                );
            }
        }
        events
    }

    /// Delivery split over threads by target range: every (population, receptor) queue is cut
    /// into `threads` ranges, and each range takes all spikes of all projections onto it, in
    /// the serial order. The sums are therefore the same as in `deliver_serial`.
    fn deliver_parallel(&mut self, t: u64) -> u64 {
        let parts = self.threads;
        let projections = &self.projections;
        let spikes = &self.step_spikes;
        // One task per thread: for each (population, receptor) queue, its share of targets.
        type Part<'a> = Vec<(Vec<usize>, (usize, usize), Vec<&'a mut [f32]>, usize, usize)>;
        let mut tasks: Vec<Part> = (0..parts).map(|_| Vec::new()).collect();
        for (q, pop) in self.pops.iter_mut().enumerate() {
            let (n, slots) = (pop.size, pop.slots);
            if n == 0 {
                continue;
            }
            let slot = (t % slots as u64) as usize;
            for (receptor, ring) in
                [(Receptor::Excitatory, &mut pop.ring_exc), (Receptor::Inhibitory, &mut pop.ring_inh)]
            {
                let group: Vec<usize> = (0..projections.len())
                    .filter(|&k| {
                        let p = &projections[k];
                        p.post == q && p.receptor == receptor && !spikes[p.pre].is_empty()
                    })
                    .collect();
                if group.is_empty() {
                    continue;
                }
                let bounds: Vec<usize> = (0..=parts).map(|k| k * n / parts).collect();
                let mut per_part: Vec<Vec<&mut [f32]>> =
                    (0..parts).map(|_| Vec::with_capacity(slots)).collect();
                for slot_slice in ring.chunks_mut(n) {
                    let mut rest = slot_slice;
                    for (k, queues) in per_part.iter_mut().enumerate() {
                        let (head, tail) = std::mem::take(&mut rest).split_at_mut(bounds[k + 1] - bounds[k]);
                        queues.push(head);
                        rest = tail;
                    }
                }
                for (k, queues) in per_part.into_iter().enumerate() {
                    tasks[k].push((group.clone(), (bounds[k], bounds[k + 1]), queues, slot, slots));
                }
            }
        }
        tasks
            .into_par_iter()
            .map(|part| {
                let mut events = 0;
                for (group, range, mut queues, slot, slots) in part {
                    for &k in &group {
                        let p = &projections[k];
                        let factors = p.stp.as_ref().map(|s| s.factors.as_slice());
                        events += p.deliver(&spikes[p.pre], factors, &mut queues, range, slot, slots);
                    }
                }
                events
            })
            .sum()
    }

    /// Uses `threads` threads (rayon's pool) for Poisson inputs and spike delivery; 1 runs
    /// everything on the calling thread. Results are identical for any number of threads.
    pub fn set_threads(&mut self, threads: usize) {
        self.threads = threads.max(1);
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs for `ms` of biological time (rounded to whole steps).
    pub fn run_for(&mut self, ms: f64) -> Result<(), SimError> {
        let steps = (ms / self.dt_ms).round().max(0.0) as u64;
        for _ in 0..steps {
            self.step()?;
        }
        Ok(())
    }

    /// Sums the currents of the active current inputs onto population `p` for this step.
    fn recompute_current(&mut self, p: usize) {
        let t = self.step;
        let pop = &mut self.pops[p];
        pop.i_ext.iter_mut().for_each(|x| *x = 0.0);
        for input in self.inputs.iter_mut().filter(|i| i.target == p && i.is_current() && i.active(t)) {
            input.add_current(&mut pop.i_ext, t, self.dt_ms);
        }
    }

    /// Takes a changed model. Parameter changes (neuron and synapse parameters, input rates,
    /// amplitudes and times, weights) apply from the next step with no reset; structural
    /// changes rebuild the network from the new model.
    pub fn apply(&mut self, model: &Model) -> Result<Applied, SimError> {
        model.validate()?;
        if !same_structure(&self.model, model) {
            self.rebuild(model)?;
            return Ok(Applied::Rebuilt);
        }
        let dt = self.dt_ms;
        for (pop, spec) in self.pops.iter_mut().zip(&model.populations) {
            pop.kernel = neuron::kernel(spec, dt);
        }
        for (k, (old, new)) in self.model.projections.iter().zip(&model.projections).enumerate() {
            if old.weight != new.weight {
                let rebuilt = synapse::build_projection(model, new, dt);
                self.projections[k].weight = rebuilt.weight;
            }
            let n_post = self.pops[self.projections[k].post].size;
            self.projections[k].set_plasticity(new, n_post, dt);
        }
        for (k, spec) in model.inputs.iter().enumerate() {
            if self.model.inputs[k] != *spec {
                let mut fresh = InputState::build(model, spec, dt);
                fresh.keep_stream_of(&self.inputs[k]);
                self.inputs[k] = fresh;
                self.inputs_active[k] = !self.inputs[k].active(self.step);
            }
        }
        self.model = model.clone();
        Ok(Applied::InPlace)
    }

    /// Back to t = 0 with the same seed: the run that follows repeats the first one exactly.
    pub fn reset(&mut self) -> Result<(), SimError> {
        let model = self.model.clone();
        self.rebuild(&model)
    }

    /// Builds `model` in place of this network, keeping the run settings (threads, spike capacity).
    fn rebuild(&mut self, model: &Model) -> Result<(), SimError> {
        let mut fresh = Network::build(model)?;
        fresh.threads = self.threads;
        fresh.spikes.set_capacity(self.spikes.capacity());
        *self = fresh;
        Ok(())
    }
}

/// Whether two valid models have the same populations, wiring, delays, inputs and recorders,
/// so that one can replace the other without rebuilding.
fn same_structure(a: &Model, b: &Model) -> bool {
    let pops = a.populations.len() == b.populations.len()
        && a.populations.iter().zip(&b.populations).all(|(x, y)| {
            x.name == y.name
                && x.size == y.size
                && x.model == y.model
                && x.synapse == y.synapse
                && x.initial == y.initial
        });
    let projs = a.projections.len() == b.projections.len()
        && a.projections.iter().zip(&b.projections).all(|(x, y)| {
            x.label() == y.label()
                && x.pre == y.pre
                && x.post == y.post
                && x.receptor == y.receptor
                && x.connect == y.connect
                && x.delay == y.delay
                && x.autapses == y.autapses
        });
    let inputs = a.inputs.len() == b.inputs.len()
        && a.inputs.iter().zip(&b.inputs).all(|(x, y)| {
            x.name == y.name && x.kind() == y.kind() && x.target == y.target && x.neurons == y.neurons
        });
    pops && projs
        && inputs
        && a.recorders == b.recorders
        && a.simulation.dt == b.simulation.dt
        && a.simulation.seed == b.simulation.seed
}

/// Sets the initial state: the model's defaults (rest, and the other variables in
/// equilibrium with it), overridden by the spec's `initial` table.
fn initialise(pop: &mut PopState, spec: &crate::model::Population, seed: u64) {
    if !spec.model.receives_input() {
        return;
    }
    let values = Values::of(spec);
    let rest = spec.model.rest(&values);
    let mut rng = rng_for(seed, Stream::Initial, &spec.name);
    let vars = spec.model.state_vars(spec.synapse);
    for (index, info) in vars.iter().enumerate() {
        let dist = spec.initial.get(info.name).and_then(|d| d.canonical(info.dimension).ok());
        // The state is what the file asks for, as in Brian2 and NEST: a normal draw of a
        // conductance can be negative (Brette et al.'s COBA script draws g_inh ~ N(20, 12) g_L,
        // so 5% of its neurons start with a negative inhibitory conductance, which is what
        // starts its activity; clipped, a fifth of the seeds fall silent). Gates are
        // probabilities and are kept in [0, 1].
        if let Some(dist) = dist {
            for x in pop.var_mut(index).iter_mut() {
                let value = synapse::draw(dist, &mut rng, false);
                *x = if info.probability { value.clamp(0.0, 1.0) } else { value } as f32;
            }
        } else if index == 0 {
            pop.v.iter_mut().for_each(|x| *x = rest as f32);
        }
    }
    // The model's own variables the file does not give start in equilibrium with each V.
    let own = spec.model.state();
    let missing: Vec<usize> = (0..own.len()).filter(|&k| !spec.initial.contains_key(own[k].name)).collect();
    if missing.is_empty() {
        return;
    }
    let mut at_rest = vec![0.0; own.len()];
    for i in 0..pop.v.len() {
        spec.model.initial_state(&values, pop.v[i] as f64, &mut at_rest);
        for &k in &missing {
            pop.own[k][i] = at_rest[k] as f32;
        }
    }
}
