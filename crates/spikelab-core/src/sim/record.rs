//! Recorders: every spike, and sampled state variables of chosen neurons.
//!
//! Both keep an absolute count of what was ever recorded, so a reader (the GUI, the command
//! line) holds a cursor and asks for "what is new since my cursor" without copying the rest.

/// One spike: the step at whose end it was emitted, its population and its index in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spike {
    /// The spike happened at time `step · dt`.
    pub step: u64,
    pub pop: u32,
    pub neuron: u32,
}

/// What a reader gets from [`SpikeLog::since`].
#[derive(Debug)]
pub struct SpikeBatch<'a> {
    pub spikes: &'a [Spike],
    /// Cursor to pass next time.
    pub next: u64,
    /// Spikes the reader missed because they were dropped to honour the capacity.
    pub missed: u64,
}

/// All spikes in order of time, optionally keeping only the newest `capacity`.
#[derive(Clone, Debug, Default)]
pub struct SpikeLog {
    spikes: Vec<Spike>,
    /// Absolute index of `spikes[0]`.
    first: u64,
    capacity: Option<usize>,
}

impl SpikeLog {
    /// Drops the spikes before `cursor` (an index as [`SpikeLog::since`] returns in `next`):
    /// a reader that has taken them keeps the log as small as one step's spikes.
    pub fn forget_before(&mut self, cursor: u64) {
        let drop = (cursor.saturating_sub(self.first) as usize).min(self.spikes.len());
        self.spikes.drain(..drop);
        self.first += drop as u64;
    }

    /// Keeps at most about `capacity` spikes (the oldest are dropped in blocks); `None` keeps all.
    pub fn set_capacity(&mut self, capacity: Option<usize>) {
        self.capacity = capacity;
        self.trim();
    }

    pub fn capacity(&self) -> Option<usize> {
        self.capacity
    }

    /// Number of spikes ever recorded.
    pub fn total(&self) -> u64 {
        self.first + self.spikes.len() as u64
    }

    /// The retained spikes, oldest first.
    pub fn retained(&self) -> &[Spike] {
        &self.spikes
    }

    /// Spikes recorded since `cursor` (0 at the start).
    pub fn since(&self, cursor: u64) -> SpikeBatch<'_> {
        let missed = self.first.saturating_sub(cursor);
        let from = cursor.max(self.first) - self.first;
        let from = (from as usize).min(self.spikes.len());
        SpikeBatch { spikes: &self.spikes[from..], next: self.total(), missed }
    }

    pub(crate) fn push(&mut self, spike: Spike) {
        self.spikes.push(spike);
    }

    /// Drops old spikes in blocks of half the capacity, so trimming is amortised.
    pub(crate) fn trim(&mut self) {
        if let Some(cap) = self.capacity
            && self.spikes.len() > cap
        {
            let drop = self.spikes.len() - cap / 2;
            self.spikes.drain(..drop);
            self.first += drop as u64;
        }
    }
}

/// Samples of one state variable of one neuron, every `interval_steps` steps from step 0.
#[derive(Clone, Debug)]
pub struct Trace {
    pub population: String,
    pub pop: usize,
    pub neuron: u32,
    /// State variable name, as in [`crate::model::params`].
    pub variable: String,
    /// Display unit of the variable.
    pub unit: &'static str,
    pub interval_steps: u64,
    pub(crate) var_index: usize,
    /// Step of the first sample.
    pub first_step: u64,
    /// Added by [`crate::sim::Network::watch`] rather than by a recorder of the model.
    pub watched: bool,
    /// Sample `j` is the state at the start of step `first_step + j · interval_steps`.
    pub values: Vec<f32>,
}

impl Trace {
    /// Time of sample `j`, given the network's time step.
    pub fn time_ms(&self, j: usize, dt_ms: f64) -> f64 {
        (self.first_step + j as u64 * self.interval_steps) as f64 * dt_ms
    }
}

/// Samples of the weight of one synapse, every `interval_steps` steps from `first_step`.
#[derive(Clone, Debug)]
pub struct WeightTrace {
    pub projection: String,
    pub proj: usize,
    pub pre: u32,
    pub post: u32,
    /// Index of the synapse in the projection's row order.
    pub synapse: usize,
    pub interval_steps: u64,
    pub first_step: u64,
    /// Weight (pA, nS or mV) at step `first_step + j · interval_steps`.
    pub values: Vec<f32>,
}
