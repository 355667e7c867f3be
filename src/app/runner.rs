//! The simulation thread. The window sends [`Command`]s and reads [`Event`]s; it never waits
//! for the engine, and the engine never touches the GUI beyond asking it to repaint.

use super::live::{LiveTrace, SynapseTrace};
use crate::model::Model;
use crate::sim::{Applied, Network, Spike};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How fast biological time runs while playing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Speed {
    /// Biological milliseconds per wall-clock second (1000 = real time).
    MsPerSecond(f64),
    /// As fast as the machine allows.
    Max,
}

/// What the window asks of the simulation.
#[derive(Debug)]
pub enum Command {
    Play,
    Pause,
    /// Advance this many steps, then pause.
    Steps(u64),
    Reset,
    /// Rebuild with a new seed (wiring, initial state and inputs all change).
    Reseed(u64),
    SetSpeed(Speed),
    /// Pause when biological time reaches this (ms).
    StopAt(Option<f64>),
    /// Replace the network with a new model (a file was opened): the document's version,
    /// shared, not copied.
    Load(Arc<Model>),
    /// Take parameter edits in place, or rebuild when the structure changed: the document's
    /// new version, shared, not copied (the window thread never copies a model to send it).
    Apply(Arc<Model>),
    /// Send this projection's weights with the batches (at most 10 times a second), or stop.
    ShowWeights(Option<usize>),
    /// Send (or stop sending) the whole network's weight matrix the same way.
    ShowNetworkWeights(bool),
    /// Sample the weight of the synapse pre → post of a projection from now on.
    FollowSynapse {
        projection: usize,
        pre: usize,
        post: usize,
    },
    /// Set a state variable of one neuron (the phase plane's click).
    SetState {
        pop: usize,
        neuron: usize,
        variable: String,
        value: f32,
    },
    /// Save a projection's full weight matrix (CSV or .npy by the extension).
    ExportWeights {
        projection: usize,
        path: std::path::PathBuf,
    },
    /// Record a state variable of a neuron from now on.
    Watch {
        pop: usize,
        neuron: usize,
        variable: String,
    },
    Shutdown,
}

/// Static facts about the running network, sent whenever it is (re)built.
#[derive(Clone, Debug, Default)]
pub struct NetInfo {
    pub model: Arc<Model>,
    pub dt_ms: f64,
    pub populations: Vec<(String, usize)>,
    pub synapses: usize,
}

/// A projection's weights as the window shows them: the matrix (in blocks if large) and the
/// histogram of every synapse's weight.
#[derive(Clone, Debug)]
pub struct WeightSnapshot {
    pub blocks: crate::sim::WeightBlocks,
    pub histogram: crate::analysis::Histogram,
    /// Number of synapses counted in the histogram.
    pub synapses: usize,
}

/// New data since the last batch.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    pub time_ms: f64,
    pub steps: u64,
    pub spikes: Vec<Spike>,
    /// Traces that exist now (new ones are appended), each with only its new samples.
    pub traces: Vec<LiveTrace>,
    /// Followed synapses that exist now (new ones are appended), each with its new samples.
    pub synapse_traces: Vec<SynapseTrace>,
    pub synaptic_events: u64,
    pub playing: bool,
    /// Steps per wall second over the last chunk.
    pub steps_per_second: f64,
    /// Samples that dataset inputs started showing since the last batch.
    pub samples: Vec<crate::sim::Shown>,
    /// Spikes the inputs have sent since the network was built.
    pub input_events: u64,
}

#[derive(Debug)]
pub enum Event {
    /// A new network is running (after Load, Reset, Reseed or a structural Apply).
    Built(Box<NetInfo>),
    Data(Batch),
    /// An Apply was taken in place or by rebuilding, at this biological time (ms).
    Applied(Applied, f64),
    /// Something went wrong; the message says what and where. The simulation is paused.
    Error(String),
    /// The network runs, but what it shows is not to be trusted; the message says why.
    Warning(String),
    /// The run reached the "stop at" time.
    Stopped,
    /// A file was written; says which and what.
    Saved(String),
    /// Weights of the projection asked for with ShowWeights.
    Weights(Box<WeightSnapshot>),
    /// The whole network's weights, asked for with ShowNetworkWeights.
    NetworkWeights(Box<crate::sim::WeightBlocks>),
}

/// The window's handle on the simulation thread.
pub struct Runner {
    tx: Sender<Command>,
    /// Set when a command waits, so that a long run stops early to take it.
    waiting: Arc<AtomicBool>,
    rx: Receiver<Event>,
    thread: Option<JoinHandle<()>>,
}

/// How much the simulation thread gives way (a Unix nice value): when it and the window want
/// the same core, the window's input and drawing win, so a click shows at once however busy the
/// network keeps the machine; on an idle core the simulation still runs flat out.
const SIMULATION_NICENESS: i32 = 10;

/// Lowers the calling thread's priority (Linux sets it per thread; elsewhere the thread keeps
/// its priority and the bounded redraw rate alone keeps the window responsive).
pub(crate) fn yield_to_the_window() {
    #[cfg(target_os = "linux")]
    {
        let current = rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap_or(0);
        let _ = rustix::process::setpriority_process(
            Some(rustix::thread::gettid()),
            current.max(SIMULATION_NICENESS),
        );
    }
}

impl Runner {
    /// Starts the thread on `model`; `repaint` is called whenever there is news.
    pub fn start(model: Model, repaint: impl Fn() + Send + 'static) -> Runner {
        let (tx, commands) = channel();
        let (events, rx) = channel();
        let waiting = Arc::new(AtomicBool::new(false));
        let flag = waiting.clone();
        let thread = std::thread::Builder::new()
            .name("simulation".into())
            .spawn(move || {
                yield_to_the_window();
                Worker::new(commands, events, Box::new(repaint), flag).run(model)
            })
            .ok();
        Runner { tx, waiting, rx, thread }
    }

    pub fn send(&self, command: Command) {
        // If the thread is gone, the next poll reports it; nothing to do here.
        let _ = self.tx.send(command);
        self.waiting.store(true, Ordering::Release);
    }

    /// Everything the thread has said since the last call.
    pub fn poll(&self) -> Vec<Event> {
        let mut out = Vec::new();
        loop {
            match self.rx.try_recv() {
                Ok(e) => out.push(e),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    out.push(Event::Error("the simulation thread stopped unexpectedly".into()));
                    break;
                }
            }
        }
        out
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let _ = self.tx.send(Command::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Worker {
    commands: Receiver<Command>,
    waiting: Arc<AtomicBool>,
    events: Sender<Event>,
    repaint: Box<dyn Fn() + Send>,
    net: Option<Network>,
    playing: bool,
    speed: Speed,
    stop_at: Option<f64>,
    /// Steps still to take for a Steps command.
    pending_steps: u64,
    spike_cursor: u64,
    trace_cursors: Vec<usize>,
    /// Samples already sent, per input.
    sample_cursors: Vec<usize>,
    synapse_cursors: Vec<usize>,
    /// Wall clock and biological time when play last started (for the speed limit).
    play_anchor: (Instant, f64),
    /// The projection whose weights the window shows, and when they were last sent.
    weights_of: Option<usize>,
    weights_sent: Option<Instant>,
    network_weights: bool,
    network_sent: Option<Instant>,
    /// Biological time and spike counts of the last check of the rates, and whether the
    /// step-rate warning was given for this network.
    rate_check: (f64, Vec<u64>),
    warned: bool,
    /// Whether the window was told that the network runs (see [`Worker::emit`]).
    running_announced: std::cell::Cell<bool>,
}

/// Biological time between two checks of the populations' rates, ms.
const RATE_CHECK_MS: f64 = 50.0;

/// Largest weight image sent to the window: bigger projections are averaged in blocks.
const WEIGHT_CELLS: usize = 1024;

/// Longest stretch of simulation between two batches, wall time.
const CHUNK: Duration = Duration::from_millis(15);

impl Worker {
    fn new(
        commands: Receiver<Command>,
        events: Sender<Event>,
        repaint: Box<dyn Fn() + Send>,
        waiting: Arc<AtomicBool>,
    ) -> Worker {
        Worker {
            commands,
            waiting,
            events,
            repaint,
            net: None,
            playing: false,
            speed: Speed::MsPerSecond(1000.0),
            stop_at: None,
            pending_steps: 0,
            spike_cursor: 0,
            trace_cursors: Vec::new(),
            sample_cursors: Vec::new(),
            synapse_cursors: Vec::new(),
            play_anchor: (Instant::now(), 0.0),
            weights_of: None,
            weights_sent: None,
            network_weights: false,
            network_sent: None,
            rate_check: (0.0, Vec::new()),
            warned: false,
            running_announced: std::cell::Cell::new(false),
        }
    }

    /// Sends an event and wakes the window, except for data from a running network: the window
    /// redraws a running network at its own bounded rate (`drawing.rs`) and takes
    /// all batches since the last frame at once. The first batch of a run does wake it, so that
    /// it knows to start that clock.
    fn emit(&self, event: Event) {
        let data = match &event {
            Event::Data(b) => Some(b.playing),
            _ => None,
        };
        let _ = self.events.send(event);
        let first_of_run = data == Some(true) && !self.running_announced.replace(true);
        if data == Some(false) {
            self.running_announced.set(false);
        }
        if data != Some(true) || first_of_run {
            (self.repaint)();
        }
    }

    fn run(mut self, model: Model) {
        self.build(&model);
        loop {
            self.waiting.store(false, Ordering::Release);
            let busy = self.playing || self.pending_steps > 0;
            let command = if busy {
                match self.commands.try_recv() {
                    Ok(c) => Some(c),
                    Err(TryRecvError::Empty) => None,
                    Err(TryRecvError::Disconnected) => return,
                }
            } else {
                match self.commands.recv() {
                    Ok(c) => Some(c),
                    Err(_) => return,
                }
            };
            if let Some(command) = command {
                // Take everything queued; of consecutive Apply commands (a slider being
                // dragged) only the last matters.
                let mut queue = vec![command];
                queue.extend(self.commands.try_iter());
                let mut queue = queue.into_iter().peekable();
                while let Some(command) = queue.next() {
                    match command {
                        Command::Shutdown => return,
                        Command::Apply(_) if matches!(queue.peek(), Some(Command::Apply(_))) => {}
                        command => self.handle(command),
                    }
                }
                continue;
            }
            self.advance();
        }
    }

    fn build(&mut self, model: &Model) -> bool {
        match catch_unwind(|| Network::build(model)) {
            Ok(Ok(mut net)) => {
                net.spikes_mut().set_capacity(Some(1 << 20));
                self.install(net);
                true
            }
            Ok(Err(e)) => {
                self.emit(Event::Error(e.to_string()));
                false
            }
            Err(_) => {
                self.emit(Event::Error(
                    "internal error while building the network; the previous one is kept".into(),
                ));
                false
            }
        }
    }

    fn install(&mut self, net: Network) {
        let info = NetInfo {
            model: Arc::new(net.model().clone()),
            dt_ms: net.dt_ms(),
            populations: net.populations().map(|(n, s)| (n.to_string(), s)).collect(),
            synapses: net.synapse_count(),
        };
        self.rate_check = (0.0, net.spike_counts().to_vec());
        self.warned = false;
        self.net = Some(net);
        self.spike_cursor = 0;
        self.trace_cursors.clear();
        self.sample_cursors.clear();
        self.synapse_cursors.clear();
        self.pending_steps = 0;
        self.weights_sent = None;
        self.network_sent = None;
        self.play_anchor = (Instant::now(), 0.0);
        self.emit(Event::Built(Box::new(info)));
        self.send_batch(0.0);
    }

    fn handle(&mut self, command: Command) {
        match command {
            Command::Play => {
                self.playing = true;
                self.play_anchor = (Instant::now(), self.time_ms());
            }
            Command::Pause => {
                self.playing = false;
                self.pending_steps = 0;
                self.send_batch(0.0);
            }
            Command::Steps(n) => {
                self.playing = false;
                self.pending_steps += n;
            }
            Command::Reset => {
                if let Some(model) = self.net.as_ref().map(|n| n.model().clone()) {
                    self.playing = false;
                    self.build(&model);
                }
            }
            Command::Reseed(seed) => {
                if let Some(mut model) = self.net.as_ref().map(|n| n.model().clone()) {
                    model.simulation.seed = seed;
                    self.playing = false;
                    self.build(&model);
                }
            }
            Command::SetSpeed(speed) => {
                self.speed = speed;
                self.play_anchor = (Instant::now(), self.time_ms());
            }
            Command::StopAt(t) => self.stop_at = t,
            Command::Load(model) => {
                let was_playing = std::mem::replace(&mut self.playing, false);
                if !self.build(&model) {
                    self.playing = was_playing;
                }
            }
            Command::Apply(model) => self.apply(&model),
            Command::Watch { pop, neuron, variable } => {
                if let Some(net) = &mut self.net {
                    net.watch(pop, neuron, &variable);
                    self.send_batch(0.0);
                }
            }
            Command::FollowSynapse { projection, pre, post } => {
                if let Some(net) = &mut self.net {
                    let already = net
                        .weight_traces()
                        .iter()
                        .any(|t| t.proj == projection && t.pre as usize == pre && t.post as usize == post);
                    // One sample per ms of biological time: enough to see learning, small for long runs.
                    let every = (1.0 / net.dt_ms()).round().max(1.0) as u64;
                    if !already && net.watch_synapse(projection, pre, post, every).is_none() {
                        self.emit(Event::Error(format!("there is no synapse from {pre} to {post}")));
                    }
                    self.send_batch(0.0);
                }
            }
            Command::SetState { pop, neuron, variable, value } => {
                if let Some(net) = &mut self.net {
                    if !net.set_state(pop, neuron, &variable, value) {
                        self.emit(Event::Error(format!(
                            "cannot set {variable} of neuron {neuron} to {value}"
                        )));
                    }
                    self.send_batch(0.0);
                }
            }
            Command::ExportWeights { projection, path } => {
                let Some(net) = &self.net else { return };
                let event = match net.weights(projection) {
                    Some(w) => match crate::export::save_weights(&w, &path) {
                        Ok(()) => Event::Saved(format!(
                            "Saved {} ({} × {} weights at t = {:.1} ms)",
                            path.display(),
                            w.nrows(),
                            w.ncols(),
                            net.time_ms()
                        )),
                        Err(e) => Event::Error(format!("Could not export: {e}")),
                    },
                    None => Event::Error(format!("there is no projection number {projection}")),
                };
                self.emit(event);
            }
            Command::ShowNetworkWeights(on) => {
                self.network_weights = on;
                self.network_sent = None;
                self.send_batch(0.0);
            }
            Command::ShowWeights(k) => {
                self.weights_of = k;
                self.weights_sent = None;
                self.network_sent = None;
                self.send_batch(0.0);
            }
            Command::Shutdown => {}
        }
    }

    fn apply(&mut self, model: &Model) {
        self.weights_sent = None;
        self.network_sent = None;
        let Some(net) = &mut self.net else { return };
        let before = net.model().clone();
        match catch_unwind(AssertUnwindSafe(|| net.apply(model))) {
            Ok(Ok(Applied::InPlace)) => {
                let at = self.time_ms();
                self.emit(Event::Applied(Applied::InPlace, at))
            }
            Ok(Ok(Applied::Rebuilt)) => {
                let rebuilt = self.net.take();
                if let Some(net) = rebuilt {
                    self.install(net);
                }
                self.emit(Event::Applied(Applied::Rebuilt, 0.0));
            }
            Ok(Err(e)) => self.emit(Event::Error(e.to_string())),
            Err(_) => {
                self.emit(Event::Error(
                    "internal error while applying the change; the network was rebuilt as it was before"
                        .into(),
                ));
                self.build(&before);
            }
        }
    }

    fn time_ms(&self) -> f64 {
        self.net.as_ref().map_or(0.0, Network::time_ms)
    }

    /// Runs one chunk: up to CHUNK of wall time, the speed limit, and the stop time.
    fn advance(&mut self) {
        let Some(net) = &mut self.net else {
            self.playing = false;
            self.pending_steps = 0;
            return;
        };
        let dt = net.dt_ms();
        let started = Instant::now();
        let mut budget = if self.pending_steps > 0 {
            self.pending_steps
        } else {
            match self.speed {
                Speed::Max => u64::MAX,
                Speed::MsPerSecond(rate) => {
                    let (wall0, bio0) = self.play_anchor;
                    let target = bio0 + rate * wall0.elapsed().as_secs_f64();
                    ((target - net.time_ms()) / dt).floor().max(0.0) as u64
                }
            }
        };
        if let Some(stop) = self.stop_at {
            budget = budget.min(((stop - net.time_ms()) / dt).round().max(0.0) as u64);
        }
        if budget == 0 {
            if self.stop_at.is_some_and(|stop| net.time_ms() >= stop - dt / 2.0) {
                // At the stop time: nothing more to run until the stop moves.
                self.playing = false;
                self.pending_steps = 0;
                self.send_batch(0.0);
                self.emit(Event::Stopped);
            } else {
                std::thread::sleep(Duration::from_millis(4));
            }
            return;
        }
        let mut taken = 0u64;
        let waiting = &self.waiting;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            while taken < budget {
                net.step()?;
                taken += 1;
                // Every step: a step of a large network can take milliseconds, and Pause must
                // act within a frame or two.
                if waiting.load(Ordering::Acquire) || started.elapsed() > CHUNK {
                    break;
                }
            }
            Ok::<(), crate::sim::SimError>(())
        }));
        if self.pending_steps > 0 {
            self.pending_steps -= taken.min(self.pending_steps);
        }
        let wall = started.elapsed().as_secs_f64();
        match outcome {
            Ok(Ok(())) => {
                self.send_batch(if wall > 0.0 { taken as f64 / wall } else { 0.0 });
                self.check_rates();
            }
            Ok(Err(e)) => {
                self.playing = false;
                self.pending_steps = 0;
                self.send_batch(0.0);
                self.emit(Event::Error(e.to_string()));
            }
            Err(_) => {
                self.playing = false;
                self.pending_steps = 0;
                let model = self.net.as_ref().map(|n| n.model().clone());
                self.emit(Event::Error("internal error in the simulator; the network was reset".into()));
                if let Some(model) = model {
                    self.build(&model);
                }
            }
        }
    }

    /// Warns once per network when a population fires at the step rate.
    fn check_rates(&mut self) {
        let Some(net) = &self.net else { return };
        let (t0, counts0) = &self.rate_check;
        let span_ms = net.time_ms() - t0;
        if span_ms < RATE_CHECK_MS {
            return;
        }
        let counts = net.spike_counts().to_vec();
        let warning =
            net.populations().zip(counts.iter().zip(counts0)).find_map(|((name, size), (c, c0))| {
                let rate_hz = (c - c0) as f64 / size.max(1) as f64 / (span_ms * 1e-3);
                crate::analysis::step_rate_warning(name, rate_hz, net.dt_ms())
            });
        self.rate_check = (net.time_ms(), counts);
        if let Some(w) = warning
            && !self.warned
        {
            self.warned = true;
            self.emit(Event::Warning(format!("{w}. The run goes on; pause it and lower the input or dt.")));
        }
    }

    fn send_batch(&mut self, steps_per_second: f64) {
        let Some(net) = &mut self.net else { return };
        let batch = net.spikes().since(self.spike_cursor);
        let spikes = batch.spikes.to_vec();
        self.spike_cursor = batch.next;
        let dt = net.dt_ms();
        let traces: Vec<LiveTrace> = net
            .traces()
            .iter()
            .zip(grown(&mut self.trace_cursors, net.traces().len()))
            .map(|(t, cursor)| LiveTrace {
                pop: t.pop,
                neuron: t.neuron as usize,
                variable: t.variable.clone(),
                unit: t.unit.to_string(),
                t0_ms: t.first_step as f64 * dt,
                interval_ms: t.interval_steps as f64 * dt,
                values: new_samples(&t.values, cursor),
            })
            .collect();
        // The window keeps what it needs; the engine need not keep samples already sent.
        if self.trace_cursors.iter().any(|&c| c > 1 << 20) {
            net.clear_trace_samples();
            self.trace_cursors.iter_mut().for_each(|c| *c = 0);
        }
        let synapse_traces: Vec<SynapseTrace> = net
            .weight_traces()
            .iter()
            .zip(grown(&mut self.synapse_cursors, net.weight_traces().len()))
            .map(|(t, cursor)| SynapseTrace {
                projection: t.proj,
                pre: t.pre as usize,
                post: t.post as usize,
                t0_ms: t.first_step as f64 * dt,
                interval_ms: t.interval_steps as f64 * dt,
                values: new_samples(&t.values, cursor),
            })
            .collect();
        let shown = net.samples_shown();
        let mut samples: Vec<crate::sim::Shown> = shown
            .iter()
            .zip(grown(&mut self.sample_cursors, shown.len()))
            .flat_map(|(all, cursor)| {
                let new = all[(*cursor).min(all.len())..].to_vec();
                *cursor = all.len();
                new
            })
            .collect();
        samples.sort_by_key(|s| s.step);
        let batch = Batch {
            samples,
            input_events: net.input_events(),
            time_ms: net.time_ms(),
            steps: net.steps(),
            spikes,
            traces,
            synapse_traces,
            synaptic_events: net.synaptic_events(),
            playing: self.playing || self.pending_steps > 0,
            steps_per_second,
        };
        self.emit(Event::Data(batch));
        // Weights without STDP change only through an edit (which resets weights_sent).
        let plastic = (self.net.as_ref().zip(self.weights_of))
            .and_then(|(net, k)| net.projections().get(k))
            .is_some_and(|p| p.is_plastic());
        // While running, at most 10 times a second; a paused network gets its final weights.
        let running = self.playing || self.pending_steps > 0;
        let fresh = |sent: Option<Instant>, plastic: bool| {
            sent.is_none_or(|t| plastic && (!running || t.elapsed() > Duration::from_millis(100)))
        };
        let due = fresh(self.weights_sent, plastic);
        if let (Some(k), true, Some(net)) = (self.weights_of, due, &self.net)
            && let Some(blocks) = net.weight_blocks(k, WEIGHT_CELLS, WEIGHT_CELLS)
            && let Some(values) = net.weight_values(k)
        {
            self.weights_sent = Some(Instant::now());
            let histogram = crate::analysis::weight_histogram(net.model(), k, values);
            let synapses = values.len();
            self.emit(Event::Weights(Box::new(WeightSnapshot { blocks, histogram, synapses })));
        }
        let any_plastic = self.net.as_ref().is_some_and(|n| n.projections().iter().any(|p| p.is_plastic()));
        let due = fresh(self.network_sent, any_plastic);
        if let (true, true, Some(net)) = (self.network_weights, due, &self.net) {
            self.network_sent = Some(Instant::now());
            self.emit(Event::NetworkWeights(Box::new(net.network_weight_blocks(WEIGHT_CELLS, WEIGHT_CELLS))));
        }
    }
}

/// The cursors, one per series, grown to `n` (new series start at their first sample).
fn grown(cursors: &mut Vec<usize>, n: usize) -> std::slice::IterMut<'_, usize> {
    cursors.resize(n, 0);
    cursors.iter_mut()
}

/// The samples after `cursor`, which moves to the end.
fn new_samples(values: &[f32], cursor: &mut usize) -> Vec<f32> {
    let new = values[(*cursor).min(values.len())..].to_vec();
    *cursor = values.len();
    new
}
