//! What the window knows of the running simulation: recent spikes and traces, kept in batches
//! from the runner. Views read it; only the app writes it.

use super::runner::{Batch, NetInfo, WeightSnapshot};
use crate::sim::Spike;

/// One recorded trace: samples at `t0_ms + j · interval_ms`.
#[derive(Clone, Debug)]
pub struct LiveTrace {
    pub pop: usize,
    pub neuron: usize,
    pub variable: String,
    pub unit: String,
    pub t0_ms: f64,
    pub interval_ms: f64,
    pub values: Vec<f32>,
}

impl LiveTrace {
    pub fn time_ms(&self, j: usize) -> f64 {
        self.t0_ms + j as f64 * self.interval_ms
    }
}

/// The weight of one followed synapse at `t0_ms + j · interval_ms`, kept for the whole run
/// (one sample per ms: learning is slow, and 300 s of it are 1.2 MB).
#[derive(Clone, Debug)]
pub struct SynapseTrace {
    pub projection: usize,
    pub pre: usize,
    pub post: usize,
    pub t0_ms: f64,
    pub interval_ms: f64,
    pub values: Vec<f32>,
}

/// Recent activity of the network.
#[derive(Clone, Debug, Default)]
pub struct LiveData {
    pub info: NetInfo,
    /// First row of each population in the raster (cumulative sizes).
    pub offsets: Vec<usize>,
    pub total_neurons: usize,
    /// Spikes in time order, the last `keep_ms` of them.
    pub spikes: Vec<Spike>,
    pub traces: Vec<LiveTrace>,
    pub synapse_traces: Vec<SynapseTrace>,
    /// The samples dataset inputs have shown, in time order.
    pub samples: Vec<crate::sim::Shown>,
    /// Spikes the inputs have sent since the network was built.
    pub input_events: u64,
    pub time_ms: f64,
    pub steps: u64,
    pub synaptic_events: u64,
    pub playing: bool,
    pub steps_per_second: f64,
    /// Spikes per wall second and biological seconds per wall second, each measured over the
    /// last whole second of play (steady enough to read; zero until a second has passed).
    pub spikes_per_second: f64,
    pub realtime_factor: f64,
    /// Spikes received since the network was built.
    pub spike_count: u64,
    /// The weights of the projection shown in the heatmap, as last sent.
    pub weights: Option<WeightSnapshot>,
    /// The whole network's weights (block means), when the heatmap shows them.
    pub network_weights: Option<crate::sim::WeightBlocks>,
    /// Counts the weight snapshots received, so views redo their image only for a new one.
    pub weights_serial: u64,
    /// Counts the networks built so far: caches of older runs compare it to know they are stale.
    pub generation: u64,
    /// Start of the current measuring second: wall clock, biological time, spikes so far.
    rate_window: Option<(std::time::Instant, f64, u64)>,
}

/// Wall time over which the real-time factor and spike rate are measured.
pub const RATE_WINDOW: std::time::Duration = std::time::Duration::from_secs(1);

/// How much history the window keeps, biological ms.
pub const KEEP_MS: f64 = 20_000.0;
/// At most this many spikes are kept, whatever their age.
const KEEP_SPIKES: usize = 4_000_000;

impl LiveData {
    /// Starts over for a newly built network.
    pub fn reset(&mut self, info: NetInfo) {
        let mut offsets = Vec::with_capacity(info.populations.len());
        let mut total = 0;
        for (_, size) in &info.populations {
            offsets.push(total);
            total += size;
        }
        let generation = self.generation + 1;
        *self = LiveData { info, offsets, total_neurons: total, generation, ..LiveData::default() };
    }

    pub fn take(&mut self, batch: Batch) {
        self.measure_rates(&batch, std::time::Instant::now());
        self.spike_count += batch.spikes.len() as u64;
        self.spikes.extend_from_slice(&batch.spikes);
        append(&mut self.traces, batch.traces, |t| &mut t.values);
        append(&mut self.synapse_traces, batch.synapse_traces, |t| &mut t.values);
        self.samples.extend(batch.samples);
        self.input_events = batch.input_events;
        self.time_ms = batch.time_ms;
        self.steps = batch.steps;
        self.synaptic_events = batch.synaptic_events;
        self.playing = batch.playing;
        if batch.steps_per_second > 0.0 {
            self.steps_per_second = batch.steps_per_second;
        }
        self.forget_old();
    }

    /// Updates the real-time factor and spike rate once per [`RATE_WINDOW`] of play, from the
    /// biological time and spikes that window held (so the figures do not jump with each batch).
    fn measure_rates(&mut self, batch: &Batch, now: std::time::Instant) {
        if !batch.playing {
            self.spikes_per_second = 0.0;
            self.realtime_factor = 0.0;
            self.rate_window = None;
            return;
        }
        let spikes_now = self.spike_count + batch.spikes.len() as u64;
        match self.rate_window {
            Some((then, t_then, spikes_then)) if now.duration_since(then) >= RATE_WINDOW => {
                let wall = now.duration_since(then).as_secs_f64();
                self.realtime_factor = (batch.time_ms - t_then) / 1000.0 / wall;
                self.spikes_per_second = (spikes_now - spikes_then) as f64 / wall;
                self.rate_window = Some((now, batch.time_ms, spikes_now));
            }
            Some(_) => {}
            None => self.rate_window = Some((now, batch.time_ms, spikes_now)),
        }
    }

    /// Drops history older than KEEP_MS, in blocks so that it costs little per frame.
    fn forget_old(&mut self) {
        let dt = self.info.dt_ms.max(1e-9);
        let horizon = self.time_ms - KEEP_MS;
        let old = self.spikes.partition_point(|s| (s.step as f64 * dt) < horizon);
        let excess = self.spikes.len().saturating_sub(KEEP_SPIKES);
        let drop = old.max(excess);
        if drop > self.spikes.len() / 4 || excess > 0 {
            self.spikes.drain(..drop);
        }
        for trace in &mut self.traces {
            let keep_samples = (KEEP_MS / trace.interval_ms.max(1e-9)) as usize;
            if trace.values.len() > 2 * keep_samples.max(1) {
                let drop = trace.values.len() - keep_samples;
                trace.values.drain(..drop);
                trace.t0_ms += drop as f64 * trace.interval_ms;
            }
        }
    }

    /// Absolute index (counting from the network's start) of `spikes[0]`.
    pub fn first_spike_index(&self) -> u64 {
        self.spike_count - self.spikes.len() as u64
    }

    /// Spikes received after absolute index `cursor` (every retained spike if `cursor` is older):
    /// how the views' caches take just what is new each frame.
    pub fn spikes_after(&self, cursor: u64) -> &[Spike] {
        let from = cursor.saturating_sub(self.first_spike_index()) as usize;
        &self.spikes[from.min(self.spikes.len())..]
    }

    /// Spikes with times in [t0, t1] (ms).
    pub fn spikes_between(&self, t0: f64, t1: f64) -> &[Spike] {
        let dt = self.info.dt_ms.max(1e-9);
        let a = self.spikes.partition_point(|s| (s.step as f64 * dt) < t0);
        let b = self.spikes.partition_point(|s| (s.step as f64 * dt) <= t1);
        &self.spikes[a..b.max(a)]
    }

    /// The population and index of raster row `row`.
    pub fn neuron_of_row(&self, row: usize) -> Option<(usize, usize)> {
        if row >= self.total_neurons {
            return None;
        }
        let pop = self.offsets.partition_point(|&o| o <= row).saturating_sub(1);
        Some((pop, row - self.offsets[pop]))
    }
}

/// Appends a batch's series to the kept ones: new series are added whole, known ones get their
/// new samples.
fn append<T>(kept: &mut Vec<T>, batch: Vec<T>, values: impl Fn(&mut T) -> &mut Vec<f32>) {
    for (k, mut series) in batch.into_iter().enumerate() {
        match kept.get_mut(k) {
            Some(old) => values(old).extend_from_slice(values(&mut series)),
            None => kept.push(series),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn playing(time_ms: f64, spikes: usize) -> Batch {
        let spike = Spike { step: 0, pop: 0, neuron: 0 };
        Batch { time_ms, playing: true, spikes: vec![spike; spikes], ..Batch::default() }
    }

    #[test]
    fn the_real_time_factor_is_measured_over_a_whole_second_and_holds_between() {
        let mut live = LiveData::default();
        let t0 = Instant::now();
        // Batches every 15 ms whose biological time advances unevenly: 2 ms, then 8 ms, ...
        let mut bio = 0.0;
        for k in 0..=100 {
            bio += if k % 2 == 0 { 2.0 } else { 8.0 };
            let batch = playing(bio, 3);
            live.measure_rates(&batch, t0 + Duration::from_millis(15 * k));
            live.spike_count += batch.spikes.len() as u64;
            if k * 15 < 1000 {
                assert_eq!(live.realtime_factor, 0.0, "no figure before a whole second, k = {k}");
            }
        }
        // The window opened at k = 0 (t = 2 ms) and closed at k = 67, 1005 ms later, at
        // t = 34 · 2 + 34 · 8 = 340 ms: 338 ms of biological time in 1.005 s. It then holds
        // that figure (the next window is still open at k = 100).
        let expected = 338.0 / 1000.0 / 1.005;
        assert!((live.realtime_factor - expected).abs() < 1e-9, "{}", live.realtime_factor);
        assert!((live.spikes_per_second - 3.0 * 67.0 / 1.005).abs() < 1e-9);
        live.measure_rates(&Batch { time_ms: bio, ..Batch::default() }, t0);
        assert_eq!(live.realtime_factor, 0.0, "paused: no speed");
    }
}
