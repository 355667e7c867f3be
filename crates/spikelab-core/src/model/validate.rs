//! Semantic checks of a parsed model: units, ranges, names, sizes, and whether it fits in memory.

use super::params::Constraint;
use super::text::{did_you_mean, join_key, quote};
use super::units::Dimension;
use super::*;
use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The memory a network may need where the machine's own limits cannot be read (see
/// [`memory_limit_bytes`]).
pub const MEMORY_LIMIT_BYTES: u64 = 4 << 30;

/// A cap set by [`cap_memory`], below what the machine allows.
static CAP: AtomicU64 = AtomicU64::new(u64::MAX);

/// Caps the memory a network may need below what the machine allows (`None` lifts it): to
/// prepare a model for a smaller computer, or in tests.
pub fn cap_memory(bytes: Option<u64>) {
    CAP.store(bytes.unwrap_or(u64::MAX), Ordering::Relaxed);
}

/// The memory this process can still have, in bytes: the smaller of the memory available on
/// the machine, what its address-space limit (`ulimit -v`) leaves beside what it maps now, and
/// what its control group's limit leaves; [`MEMORY_LIMIT_BYTES`] where none can be read.
/// Networks whose estimate is larger are refused before anything is allocated.
pub fn memory_limit_bytes() -> u64 {
    // Validation runs on every edit, a drag's frames among them: the files are read again at
    // most once a second.
    static LAST: Mutex<Option<(Instant, u64)>> = Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    let machine = match *last {
        Some((at, bytes)) if at.elapsed() < Duration::from_secs(1) => bytes,
        _ => {
            let bytes = machine_memory_bytes();
            *last = Some((Instant::now(), bytes));
            bytes
        }
    };
    machine.min(CAP.load(Ordering::Relaxed))
}

/// [`memory_limit_bytes`] as the machine gives it, without a cap.
fn machine_memory_bytes() -> u64 {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    // "Name:   1234 kB" lines of /proc/meminfo and /proc/self/status.
    let kb = |text: &Option<String>, name: &str| {
        let line = text.as_ref()?.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line[name.len()..].trim().trim_end_matches("kB").trim().parse().ok()?;
        Some(kb.saturating_mul(1024))
    };
    let available = kb(&read("/proc/meminfo"), "MemAvailable:");
    let address_space = read("/proc/self/limits").and_then(|limits| {
        let line = limits.lines().find(|l| l.starts_with("Max address space"))?;
        let soft: u64 = line["Max address space".len()..].split_whitespace().next()?.parse().ok()?;
        let mapped = kb(&read("/proc/self/status"), "VmSize:").unwrap_or(0);
        Some(soft.saturating_sub(mapped))
    });
    let group = read("/sys/fs/cgroup/memory.max").and_then(|max| {
        let max: u64 = max.trim().parse().ok()?; // "max" when unlimited
        let used: u64 = read("/sys/fs/cgroup/memory.current")?.trim().parse().ok()?;
        Some(max.saturating_sub(used))
    });
    [available, address_space, group].into_iter().flatten().min().unwrap_or(MEMORY_LIMIT_BYTES)
}

/// Largest population the engine indexes (neuron indices are `u32`).
const MAX_POPULATION: u64 = 50_000_000;

/// Largest total Poisson input rate onto one neuron (rate × sources).
const MAX_INPUT_RATE_HZ: f64 = 1e6;

/// Farthest a node of the network editor may be placed (screen points), so that drawing it
/// never meets infinities.
const MAX_LAYOUT: f64 = 1e7;

/// Longest delay in steps (delays are stored as `u16`).
pub(crate) const MAX_DELAY_STEPS: f64 = 60_000.0;

/// Bytes the engine stores per synapse: target index (4), weight (4), delay (2).
pub(crate) const BYTES_PER_SYNAPSE: f64 = 10.0;

/// Bytes an explicitly listed synapse costs on top of that: its entry in the model
/// ([`ExplicitSynapse`], 48 bytes) and its place in the sort order while the network is built
/// (8). Reading the file costs 4 more per synapse while it is checked (see `lean`).
pub(crate) const EXPLICIT_SYNAPSE_BYTES: u64 = std::mem::size_of::<ExplicitSynapse>() as u64 + 8 + 10 + 4;

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn add(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(key, message));
    }

    /// Checks a quantity's dimension; returns its canonical value when it fits.
    fn quantity(&mut self, key: &str, q: &Quantity, dimension: Dimension) -> Option<f64> {
        match q.expect(dimension) {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(key, e);
                None
            }
        }
    }

    fn dist(&mut self, key: &str, d: &Dist, dimension: Dimension) -> Option<CanonicalDist> {
        match d.canonical(dimension) {
            Ok(c) => Some(c),
            Err(e) => {
                self.add(key, e);
                None
            }
        }
    }
}

/// Estimated number of synapses of a projection, from its rule and the population sizes.
pub(crate) fn expected_synapses(model: &Model, proj: &Projection) -> f64 {
    let size = |name: &str| model.population(name).map_or(0.0, |(_, p)| p.size as f64);
    let (n_pre, n_post) = (size(&proj.pre), size(&proj.post));
    match proj.connect.rule {
        Rule::AllToAll => n_pre * n_post,
        Rule::OneToOne => n_pre.min(n_post),
        Rule::FixedProbability => n_pre * n_post * proj.connect.p.unwrap_or(0.0).clamp(0.0, 1.0),
        Rule::FixedIndegree => proj.connect.indegree.unwrap_or(0) as f64 * n_post,
        Rule::Explicit => proj.connect.synapses.len() as f64,
        // At most every pair; the matrix's zeros and other sign make fewer.
        Rule::Matrix => n_pre * n_post,
    }
}

/// Bytes a projection needs: its synapses in the engine, and for an explicit list also the list
/// itself, which the model holds.
fn projection_bytes(model: &Model, proj: &Projection) -> f64 {
    let synapses = expected_synapses(model, proj);
    match proj.connect.rule {
        Rule::Explicit => synapses * EXPLICIT_SYNAPSE_BYTES as f64,
        _ => synapses * BYTES_PER_SYNAPSE,
    }
}

/// Bytes the run report keeps per neuron (`analysis::report::NeuronTally`: spike count, last
/// spike, running mean and variance of its intervals).
const REPORT_BYTES_PER_NEURON: f64 = 32.0;

/// Bytes of one logged spike (`sim::Spike`), and the factor a growing buffer may reach over its
/// contents (a `Vec` doubles).
const SPIKE_BYTES: f64 = 16.0;
const GROWTH: f64 = 2.0;

/// Bytes a population needs in a run, per neuron: v and the model's own state variables, the
/// two synaptic variables, the external current and the refractory step (8), its place in the
/// step's spike list (4), two input rings as long as the longest delay onto it, and its tally
/// in the run report.
fn population_bytes(model: &Model, pop: &Population) -> f64 {
    let dt = model.dt_ms().max(1e-6);
    let max_delay_steps = model
        .projections
        .iter()
        .filter(|p| p.post == pop.name)
        .filter_map(|p| p.delay.as_ref()?.canonical(Dimension::Time).ok())
        .map(|d| (d.max() / dt).round().clamp(0.0, MAX_DELAY_STEPS))
        .fold(0.0, f64::max);
    let state = 4.0 * (1 + pop.model.state().len() + 3) as f64 + 8.0 + 4.0;
    let rings = 2.0 * 4.0 * (max_delay_steps + 2.0);
    pop.size as f64 * (state + rings + REPORT_BYTES_PER_NEURON)
}

/// Bytes of the spike log a run keeps: the window's keeps the newest 2^20 spikes, the command
/// line's one step's (at most every neuron), in a buffer that may be twice that, plus the
/// buffer it grew from while its spikes move over.
fn spike_log_bytes(neurons: f64) -> f64 {
    let capacity = neurons.max((1u64 << 20) as f64);
    capacity * SPIKE_BYTES * (GROWTH + 1.0)
}

/// Bytes of the model's recorders over its duration: one `f32` per sample of each recorded
/// variable of each recorded neuron.
fn recorder_bytes(model: &Model) -> f64 {
    let dt = model.dt_ms().max(1e-6);
    let duration = model.duration_ms().max(0.0);
    model
        .recorders
        .iter()
        .map(|r| {
            let interval = r.interval.as_ref().map_or(dt, |q| q.canonical().max(dt));
            let samples = (duration / interval).ceil() + 1.0;
            (r.neurons.len() * r.variables.len()) as f64 * samples * 4.0 * GROWTH
        })
        .sum()
}

/// What a run of the network needs in memory, in bytes, before it starts and as it goes:
/// synapses (and explicit synapse lists as the model holds them), neuron state and input
/// rings, the run report's per-neuron tallies, the spike log and the recorders' samples.
pub fn estimate_memory_bytes(model: &Model) -> u64 {
    let synapses: f64 = model.projections.iter().map(|p| projection_bytes(model, p)).sum();
    let neurons: f64 = model.populations.iter().map(|p| population_bytes(model, p)).sum();
    let count: f64 = model.populations.iter().map(|p| p.size as f64).sum();
    let total = synapses + neurons + spike_log_bytes(count) + recorder_bytes(model);
    total.min(u64::MAX as f64) as u64
}

/// The problem of a network too large for `memory_limit`, at the projection or population
/// that needs most.
fn too_large(model: &Model, bytes: u64, memory_limit: u64) -> Problem {
    let projections = model.projections.iter().enumerate().map(|(i, p)| {
        let synapses = expected_synapses(model, p);
        (
            projection_bytes(model, p),
            format!("projections[{i}]"),
            format!("projection {} alone needs {{}} for its {synapses:.3e} synapses", quote(&p.label())),
        )
    });
    let populations = model.populations.iter().enumerate().map(|(i, p)| {
        (
            population_bytes(model, p),
            format!("populations[{i}]"),
            format!(
                "population {} alone needs {{}} for its {} neurons (their state, input queues and spike tallies)",
                quote(&p.name),
                p.size
            ),
        )
    });
    let (part, key, what) = projections.chain(populations).max_by(|a, b| a.0.total_cmp(&b.0)).unwrap_or((
        0.0,
        String::new(),
        "{}".into(),
    ));
    let synapses: f64 = model.projections.iter().map(|p| expected_synapses(model, p)).sum();
    let synapses = if synapses > 0.0 { format!(" ({synapses:.3e} synapses in all)") } else { String::new() };
    let gb = |b: f64| format!("{:.1} GB", b / 1e9);
    Problem::new(
        key,
        format!(
            "this network needs about {}{synapses}, more than the {} this process can have now (the memory available, or less if its limits say so); {}: make populations smaller or connections sparser",
            gb(bytes as f64),
            gb(memory_limit as f64),
            what.replace("{}", &gb(part)),
        ),
    )
}

/// All problems of a model, each with its key path. Empty means the model can be built.
pub(crate) fn validate(model: &Model, memory_limit: u64) -> Vec<Problem> {
    let mut c = Checker { problems: Vec::new() };
    let sim = &model.simulation;
    let dt = c.quantity("simulation.dt", &sim.dt, Dimension::Time);
    if let Some(dt) = dt
        && !(0.001..=10.0).contains(&dt)
    {
        c.add("simulation.dt", format!("time step must be between 0.001 ms and 10 ms, got {}", sim.dt));
    }
    let dt = dt.filter(|&d| d > 0.0).unwrap_or(0.1);
    if let Some(d) = c.quantity("simulation.duration", &sim.duration, Dimension::Time)
        && d < 0.0
    {
        c.add("simulation.duration", format!("duration cannot be negative, got {}", sim.duration));
    }

    let mut names = HashSet::new();
    for (i, pop) in model.populations.iter().enumerate() {
        let at = format!("populations[{i}]");
        if pop.name.trim().is_empty() {
            c.add(format!("{at}.name"), "a population needs a name");
        } else if !names.insert(pop.name.as_str()) {
            c.add(format!("{at}.name"), format!("two populations are called {}", quote(&pop.name)));
        }
        if pop.size == 0 || pop.size > MAX_POPULATION {
            c.add(
                format!("{at}.size"),
                format!("size must be between 1 and {MAX_POPULATION}, got {}", pop.size),
            );
        }
        check_params(&mut c, &at, pop, dt);
        let vars = pop.model.state_vars(pop.synapse);
        for (var, dist) in &pop.initial {
            let key = join_key(&format!("{at}.initial"), var);
            match vars.iter().find(|v| v.name == var) {
                Some(info) => {
                    if let Some(d) = c.dist(&key, dist, info.dimension)
                        && !info.signed
                        && d.min() < 0.0
                        && !matches!(d, CanonicalDist::Normal(..))
                    {
                        c.add(key, format!("{} cannot be negative", info.doc));
                    }
                }
                None if vars.is_empty() => c.add(
                    key,
                    format!(
                        "{} has no state variables to set; remove its initial table",
                        article(pop.model.display_name())
                    ),
                ),
                None => c.add(
                    key,
                    format!(
                        "{} is not a state variable of this population{}; it has {}",
                        quote(var),
                        did_you_mean(var, vars.iter().map(|v| v.name)),
                        vars.iter().map(|v| v.name).collect::<Vec<_>>().join(", ")
                    ),
                ),
            }
        }
    }

    let pop_named = |c: &mut Checker, key: String, name: &str| -> Option<&Population> {
        let found = model.population(name).map(|(_, p)| p);
        if found.is_none() {
            c.add(
                key,
                match model.populations.len() {
                    0 => {
                        format!("there is no population called {}: the model has no populations", quote(name))
                    }
                    _ => format!(
                        "there is no population called {}{}; the populations are {}",
                        quote(name),
                        did_you_mean(name, model.populations.iter().map(|p| p.name.as_str())),
                        model.populations.iter().map(|p| quote(&p.name)).collect::<Vec<_>>().join(", ")
                    ),
                },
            );
        }
        found
    };

    let mut labels = HashSet::new();
    for (i, proj) in model.projections.iter().enumerate() {
        let at = format!("projections[{i}]");
        if !labels.insert(proj.label()) {
            c.add(
                format!("{at}.name"),
                format!("two projections are called {}; give them different names", quote(&proj.label())),
            );
        }
        let pre = pop_named(&mut c, format!("{at}.pre"), &proj.pre);
        let post = pop_named(&mut c, format!("{at}.post"), &proj.post);
        if let Some(post) = post
            && let Some(w) = c.dist(&format!("{at}.weight"), &proj.weight, post.synapse.weight_dimension())
            && w.min() < 0.0
            && !matches!(w, CanonicalDist::Normal(..))
        {
            c.add(format!("{at}.weight"), "weights are magnitudes and cannot be negative; the receptor (excitatory or inhibitory) gives the sign");
        }
        if let Some(delay) = &proj.delay
            && let Some(d) = c.dist(&format!("{at}.delay"), delay, Dimension::Time)
        {
            check_delay(&mut c, &format!("{at}.delay"), d.max(), dt);
            if let CanonicalDist::Constant(v) = d
                && v < 0.0
            {
                c.add(format!("{at}.delay"), "a delay cannot be negative");
            }
        }
        if let Some(post) = post
            && !post.model.receives_input()
        {
            c.add(
                format!("{at}.post"),
                format!(
                    "{} is {}: it sends spikes but cannot receive them",
                    quote(&post.name),
                    article(post.model.display_name())
                ),
            );
        }
        if let (Some(pre), Some(post)) = (pre, post) {
            check_connect(&mut c, &at, proj, pre, post, dt);
        }
        if let (Some(stdp), Some(post)) = (&proj.stdp, post) {
            check_stdp(&mut c, &format!("{at}.stdp"), stdp, post.synapse.weight_dimension());
        }
        if let Some(stp) = &proj.stp {
            let key = format!("{at}.stp");
            if let Some(u) = c.quantity(&format!("{key}.U"), &stp.u, Dimension::Dimensionless)
                && !(u > 0.0 && u <= 1.0)
            {
                c.add(
                    format!("{key}.U"),
                    format!("U is a fraction of resources used per spike: above 0, at most 1; got {u}"),
                );
            }
            if c.quantity(&format!("{key}.tau_rec"), &stp.tau_rec, Dimension::Time).is_some_and(|t| t <= 0.0)
            {
                c.add(format!("{key}.tau_rec"), "the recovery time constant must be positive");
            }
            if let Some(q) = &stp.tau_facil
                && c.quantity(&format!("{key}.tau_facil"), q, Dimension::Time).is_some_and(|t| t < 0.0)
            {
                c.add(
                    format!("{key}.tau_facil"),
                    "the facilitation time constant cannot be negative (0 means none)",
                );
            }
        }
    }

    let mut input_names = HashSet::new();
    for (i, input) in model.inputs.iter().enumerate() {
        let at = format!("inputs[{i}]");
        if !input_names.insert(input.name.as_str()) {
            c.add(format!("{at}.name"), format!("two inputs are called {}", quote(&input.name)));
        }
        let target = pop_named(&mut c, format!("{at}.target"), &input.target);
        if let Some(target) = target {
            check_indices(&mut c, &format!("{at}.neurons"), &input.neurons, target);
            if !target.model.receives_input() {
                c.add(
                    format!("{at}.target"),
                    format!(
                        "{} is {}: it cannot receive input",
                        quote(&target.name),
                        article(target.model.display_name())
                    ),
                );
            }
        }
        check_input(&mut c, &at, input, target, dt);
    }

    for (i, rec) in model.recorders.iter().enumerate() {
        let at = format!("recorders[{i}]");
        let Some(pop) = pop_named(&mut c, format!("{at}.population"), &rec.population) else {
            continue;
        };
        if rec.neurons.is_empty() {
            c.add(format!("{at}.neurons"), "name at least one neuron to record");
        }
        check_indices(&mut c, &format!("{at}.neurons"), &rec.neurons, pop);
        let vars = pop.model.state_vars(pop.synapse);
        for (j, var) in rec.variables.iter().enumerate() {
            if !vars.iter().any(|v| v.name == var) {
                c.add(
                    format!("{at}.variables[{j}]"),
                    format!(
                        "{} is not a state variable of {}{}; it has {}",
                        quote(var),
                        quote(&pop.name),
                        did_you_mean(var, vars.iter().map(|v| v.name)),
                        vars.iter().map(|v| v.name).collect::<Vec<_>>().join(", ")
                    ),
                );
            }
        }
        if let Some(q) = &rec.interval
            && let Some(v) = c.quantity(&format!("{at}.interval"), q, Dimension::Time)
            && v < dt
        {
            c.add(format!("{at}.interval"), format!("sampling interval {q} is shorter than the time step"));
        }
    }

    for (i, rec) in model.weight_recorders.iter().enumerate() {
        let at = format!("weight_recorders[{i}]");
        let Some((_, proj)) = model.projection(&rec.projection) else {
            let names: Vec<String> = model.projections.iter().map(Projection::label).collect();
            c.add(
                format!("{at}.projection"),
                match names.len() {
                    0 => format!(
                        "there is no projection called {}: the model has no projections",
                        quote(&rec.projection)
                    ),
                    _ => format!(
                        "there is no projection called {}{}; the projections are {}",
                        quote(&rec.projection),
                        did_you_mean(&rec.projection, names.iter().map(String::as_str)),
                        names.iter().map(|n| quote(n)).collect::<Vec<_>>().join(", ")
                    ),
                },
            );
            continue;
        };
        let size = |name: &str| model.population(name).map_or(0, |(_, p)| p.size);
        for (j, [pre, post]) in rec.synapses.iter().enumerate() {
            if *pre >= size(&proj.pre) || *post >= size(&proj.post) {
                c.add(
                    format!("{at}.synapses[{j}]"),
                    format!("({pre}, {post}) is outside {} x {}", proj.pre, proj.post),
                );
            }
        }
        if let Some(q) = &rec.interval
            && c.quantity(&format!("{at}.interval"), q, Dimension::Time).is_some_and(|v| v < dt)
        {
            c.add(format!("{at}.interval"), format!("sampling interval {q} is shorter than the time step"));
        }
    }

    for (name, xy) in &model.layout {
        if xy.iter().any(|v| !(v.is_finite() && v.abs() <= MAX_LAYOUT)) {
            c.add(
                join_key("layout", name),
                format!(
                    "a place in the network editor is two numbers [x, y] between -{MAX_LAYOUT:e} and {MAX_LAYOUT:e}, got [{}, {}]",
                    xy[0], xy[1]
                ),
            );
        }
    }

    if c.problems.is_empty() {
        let bytes = estimate_memory_bytes(model);
        if bytes > memory_limit {
            c.problems.push(too_large(model, bytes, memory_limit));
        }
    }
    c.problems
}

fn check_params(c: &mut Checker, at: &str, pop: &Population, dt: f64) {
    for (name, q) in &pop.params {
        let key = join_key(&format!("{at}.params"), name);
        let Some(info) = pop.model.params_with(pop.synapse).find(|i| i.name == name) else {
            let known: Vec<_> = pop.model.params_with(pop.synapse).map(|i| i.name).collect();
            let of = if pop.model.receives_input() {
                format!(
                    "{} population with {} synapses",
                    article(pop.model.display_name()),
                    pop.synapse.key()
                )
            } else {
                format!("{} population", article(pop.model.display_name()))
            };
            c.add(
                key,
                format!(
                    "unknown parameter {} for {of}{}; known: {}",
                    quote(name),
                    did_you_mean(name, known.iter().copied()),
                    known.join(", ")
                ),
            );
            continue;
        };
        let Some(v) = c.quantity(&key, q, info.dimension) else { continue };
        match info.constraint {
            Constraint::Positive if v <= 0.0 => c.add(key, format!("{} must be positive, got {q}", info.doc)),
            Constraint::NonNegative if v < 0.0 => {
                c.add(key, format!("{} cannot be negative, got {q}", info.doc))
            }
            _ => {
                if pop.model.rate_param() == Some(info.name) {
                    check_source_rate(c, key, q, v, dt, pop.model.display_name());
                }
            }
        }
    }
    if pop.reset == super::Reset::Subtract && !pop.model.subtracts() {
        c.add(
            format!("{at}.reset"),
            format!(
                "only LIF neurons can reset by subtraction; {} resets to its own value: remove `reset = \"subtract\"`",
                article(pop.model.display_name())
            ),
        );
    }
    let (bottom, top) = pop.model.reset_below().unwrap_or(("", ""));
    if let (Some(reset), Some(thresh)) = (pop.param(bottom), pop.param(top))
        && reset >= thresh
        && pop.params.values().all(|q| q.value.is_finite())
    {
        c.add(
            format!("{at}.params.{bottom}"),
            format!(
                "reset ({reset} mV) must be below {top} ({thresh} mV), or the neuron would fire at every step"
            ),
        );
    }
}

/// A Poisson source population sends at most one spike per neuron per step (two draws of one
/// neuron in a step are one spike), and draws rate × dt × size numbers per step: a rate above
/// 1/dt cannot be what was meant, and a huge one would never finish a step.
fn check_source_rate(c: &mut Checker, key: String, q: &Quantity, hz: f64, dt: f64, model: &str) {
    let most = ((1000.0 / dt).min(MAX_INPUT_RATE_HZ) * 1000.0).round() / 1000.0;
    if hz > most {
        c.add(
            key,
            format!(
                "{} fires at most once per time step, so its rate can be at most 1/dt = {most} Hz (dt = {dt} ms); {q} would mean more than one spike per step. Use a lower rate, or a smaller dt",
                article(model)
            ),
        );
    }
}

fn check_delay(c: &mut Checker, key: &str, max_ms: f64, dt: f64) {
    if max_ms / dt > MAX_DELAY_STEPS {
        c.add(key, format!("delay of {max_ms} ms is more than {MAX_DELAY_STEPS} time steps"));
    }
}

fn check_indices(c: &mut Checker, key: &str, indices: &[u64], pop: &Population) {
    let mut seen = HashSet::new();
    if let Some(&twice) = indices.iter().find(|&&n| !seen.insert(n)) {
        c.add(key, format!("neuron {twice} is listed twice"));
    }
    if let Some(&bad) = indices.iter().find(|&&n| n >= pop.size) {
        c.add(
            key,
            format!(
                "neuron {bad} does not exist: {} has neurons 0 to {}",
                quote(&pop.name),
                pop.size.saturating_sub(1)
            ),
        );
    }
}

fn check_connect(c: &mut Checker, at: &str, proj: &Projection, pre: &Population, post: &Population, dt: f64) {
    let conn = &proj.connect;
    let key = format!("{at}.connect");
    let uses = |rule| conn.rule == rule;
    if conn.p.is_some() && !uses(Rule::FixedProbability) {
        c.add(
            format!("{key}.p"),
            format!("p is only used by rule \"fixed_probability\", not \"{}\"", conn.rule.key()),
        );
    }
    if conn.indegree.is_some() && !uses(Rule::FixedIndegree) {
        c.add(format!("{key}.indegree"), "indegree is only used by rule \"fixed_indegree\"");
    }
    if !conn.synapses.is_empty() && !uses(Rule::Explicit) {
        c.add(format!("{key}.synapses"), "a synapse list is only used by rule \"explicit\"");
    }
    if conn.weights.is_some() && !uses(Rule::Matrix) {
        c.add(format!("{key}.weights"), "a weight matrix is only used by rule \"matrix\"");
    }
    let same = proj.pre == proj.post;
    match conn.rule {
        Rule::AllToAll => {}
        Rule::Matrix => match conn.matrix() {
            None => c.add(
                format!("{key}.weights"),
                "rule \"matrix\" needs weights, the .npy of the weight matrix",
            ),
            Some(Err(e)) => c.add(format!("{key}.weights"), e.to_string()),
            Some(Ok(m)) if m.dim() != (pre.size as usize, post.size as usize) => c.add(
                format!("{key}.weights"),
                format!(
                    "the matrix is {} × {}, but {} → {} needs {} × {} (pre × post)",
                    m.nrows(),
                    m.ncols(),
                    pre.name,
                    post.name,
                    pre.size,
                    post.size
                ),
            ),
            Some(Ok(m)) => {
                if same && !proj.autapses && (0..m.nrows().min(m.ncols())).any(|i| m[[i, i]] != 0.0) {
                    c.add(
                        format!("{key}.weights"),
                        "the diagonal connects neurons to themselves: set autapses = true or make it 0",
                    );
                }
            }
        },
        Rule::OneToOne => {
            if pre.size != post.size {
                c.add(
                    format!("{key}.rule"),
                    format!(
                        "one_to_one needs populations of equal size, but {} has {} and {} has {}",
                        pre.name, pre.size, post.name, post.size
                    ),
                );
            }
            if same && !proj.autapses {
                c.add(format!("{key}.rule"), "one_to_one from a population onto itself connects each neuron to itself: set autapses = true");
            }
        }
        Rule::FixedProbability => match conn.p {
            None => c.add(format!("{key}.p"), "fixed_probability needs p, the connection probability"),
            Some(p) if !(0.0..=1.0).contains(&p) => {
                c.add(format!("{key}.p"), format!("connection probability must be between 0 and 1, got {p}"))
            }
            Some(_) => {}
        },
        Rule::FixedIndegree => match conn.indegree {
            None => c.add(
                format!("{key}.indegree"),
                "fixed_indegree needs indegree, the number of inputs per neuron",
            ),
            Some(k) => {
                let available = if same && !proj.autapses { pre.size.saturating_sub(1) } else { pre.size };
                if k > available {
                    c.add(
                        format!("{key}.indegree"),
                        format!(
                            "indegree {k} is more than the {available} distinct neurons available in {}",
                            pre.name
                        ),
                    );
                }
            }
        },
        Rule::Explicit => {
            for (j, s) in conn.synapses.iter().enumerate() {
                let skey = format!("{key}.synapses[{j}]");
                if s.pre >= pre.size {
                    c.add(
                        format!("{skey}.pre"),
                        format!("neuron {} does not exist in {} (size {})", s.pre, pre.name, pre.size),
                    );
                }
                if same && !proj.autapses && s.pre == s.post {
                    c.add(
                        skey.clone(),
                        "this synapse connects a neuron to itself: set autapses = true to allow it",
                    );
                }
                if s.post >= post.size {
                    c.add(
                        format!("{skey}.post"),
                        format!("neuron {} does not exist in {} (size {})", s.post, post.name, post.size),
                    );
                }
                if let Some(w) = &s.weight
                    && let Some(v) = c.quantity(&format!("{skey}.weight"), w, post.synapse.weight_dimension())
                    && v < 0.0
                {
                    c.add(format!("{skey}.weight"), "weights are magnitudes and cannot be negative");
                }
                if let Some(d) = &s.delay
                    && let Some(v) = c.quantity(&format!("{skey}.delay"), d, Dimension::Time)
                {
                    if v < 0.0 {
                        c.add(format!("{skey}.delay"), "a delay cannot be negative");
                    }
                    check_delay(c, &format!("{skey}.delay"), v, dt);
                }
            }
        }
    }
}

fn check_input(c: &mut Checker, at: &str, input: &Input, target: Option<&Population>, dt: f64) {
    let time = |c: &mut Checker, key: String, q: &Quantity| -> Option<f64> {
        let v = c.quantity(&key, q, Dimension::Time)?;
        if v < 0.0 {
            c.add(key, format!("a time cannot be negative, got {q}"));
        }
        Some(v)
    };
    let start = input.start.and_then(|q| time(c, format!("{at}.start"), &q)).unwrap_or(0.0);
    if let Some(q) = &input.stop
        && let Some(v) = time(c, format!("{at}.stop"), q)
        && (v / dt).round() <= (start / dt).round()
    {
        c.add(format!("{at}.stop"), format!("stop ({q}) must come at least one time step after start"));
    }
    let current = |c: &mut Checker, field: &str, q: Option<&Quantity>| {
        if let Some(q) = q {
            c.quantity(&format!("{at}.{field}"), q, Dimension::Current);
        }
    };
    let rate = |c: &mut Checker, key: String, q: &Quantity| -> f64 {
        let v = c.quantity(&key, q, Dimension::Rate).unwrap_or(0.0);
        if v < 0.0 {
            c.add(key, "a rate cannot be negative");
        }
        v
    };
    let weight = |c: &mut Checker, q: &Quantity| {
        if let Some(t) = target
            && let Some(v) = c.quantity(&format!("{at}.weight"), q, t.synapse.weight_dimension())
            && v < 0.0
        {
            c.add(
                format!("{at}.weight"),
                "weights are magnitudes and cannot be negative; set receptor = \"inhibitory\" for inhibition",
            );
        }
    };
    match &input.stimulus {
        Stimulus::Poisson { rate: single, schedule, sources, weight: w, .. } => {
            weight(c, w);
            let mut highest = 0.0f64;
            match (single, schedule.is_empty()) {
                (None, true) => {
                    c.add(format!("{at}.rate"), "a Poisson input needs a rate (or a schedule of rates)")
                }
                (Some(_), false) => c.add(format!("{at}.schedule"), "give either rate or schedule, not both"),
                (Some(q), true) => highest = rate(c, format!("{at}.rate"), q),
                (None, false) => {
                    let mut last = -1.0;
                    for (j, step) in schedule.iter().enumerate() {
                        highest = highest.max(rate(c, format!("{at}.schedule[{j}].rate"), &step.rate));
                        if let Some(t) = time(c, format!("{at}.schedule[{j}].at"), &step.at) {
                            if t <= last {
                                c.add(format!("{at}.schedule[{j}].at"), "schedule times must increase");
                            }
                            last = t;
                        }
                    }
                }
            }
            if *sources == Some(0) {
                c.add(format!("{at}.sources"), "sources must be at least 1");
            }
            let total_hz = highest * sources.unwrap_or(1) as f64;
            if total_hz > MAX_INPUT_RATE_HZ {
                c.add(
                    format!("{at}.rate"),
                    format!("rate x sources is {total_hz:.3e} Hz per neuron; at most {MAX_INPUT_RATE_HZ:.0e} Hz can be simulated"),
                );
            }
        }
        Stimulus::Spikes { times, weight: w, .. } => {
            weight(c, w);
            if times.is_empty() {
                c.add(format!("{at}.times"), "a \"spikes\" input needs at least one spike time");
            }
            for (j, q) in times.iter().enumerate() {
                time(c, format!("{at}.times[{j}]"), q);
            }
        }
        Stimulus::Dc { amplitude } => current(c, "amplitude", Some(amplitude)),
        Stimulus::Pulse { amplitude } => {
            if input.stop.is_none() {
                c.add(format!("{at}.stop"), "a pulse needs stop, the time it switches off");
            }
            current(c, "amplitude", Some(amplitude));
        }
        Stimulus::Sine { amplitude, frequency, phase, offset } => {
            current(c, "amplitude", Some(amplitude));
            current(c, "offset", offset.as_ref());
            rate(c, format!("{at}.frequency"), frequency);
            if let Some(q) = phase {
                c.quantity(&format!("{at}.phase"), q, Dimension::Dimensionless);
            }
        }
        Stimulus::Noise { mean, sigma, tau } => {
            current(c, "mean", mean.as_ref());
            if c.quantity(&format!("{at}.sigma"), sigma, Dimension::Current).is_some_and(|v| v < 0.0) {
                c.add(format!("{at}.sigma"), "sigma is a standard deviation and cannot be negative");
            }
            if c.quantity(&format!("{at}.tau"), tau, Dimension::Time).is_some_and(|v| v <= 0.0) {
                c.add(format!("{at}.tau"), "the correlation time must be positive");
            }
        }
        Stimulus::Dataset {
            dataset,
            labels,
            encoding,
            weight: w,
            present,
            gap,
            max_rate,
            latency_tau,
            threshold,
            ..
        } => {
            weight(c, w);
            match crate::data::Dataset::load(dataset, labels.as_deref()) {
                Err(e) => {
                    // A problem with the labels' file is the labels key's.
                    let key = match (&e, labels) {
                        (crate::data::DataError::File { file, .. }, Some(l))
                            if file.as_path() == std::path::Path::new(l) =>
                        {
                            "labels"
                        }
                        _ => "dataset",
                    };
                    c.add(format!("{at}.{key}"), e.to_string());
                }
                Ok(d) => {
                    let needed = encoding.neurons(&d);
                    let what = match encoding {
                        Encoding::Delta => {
                            let (w, h) = crate::data::Saccades::default().sensor(d.width, d.height);
                            format!("2 polarities × {w} × {h} sensor pixels")
                        }
                        _ => format!("one per pixel of {} × {} images", d.width, d.height),
                    };
                    let coding = format!("{} coding of \"{dataset}\"", encoding.key());
                    check_driven(
                        c,
                        at,
                        input,
                        target,
                        needed,
                        &format!("{coding} drives {needed} neurons ({what})"),
                    );
                }
            }
            if let Some(q) = present
                && time(c, format!("{at}.present"), q).is_some_and(|v| v < dt)
            {
                c.add(
                    format!("{at}.present"),
                    format!("each sample must be shown for at least one time step ({dt} ms)"),
                );
            }
            if let Some(q) = gap {
                time(c, format!("{at}.gap"), q);
            }
            if let Some(q) = max_rate {
                let v = rate(c, format!("{at}.max_rate"), q);
                if v * dt * 1e-3 > 1.0 {
                    c.add(
                        format!("{at}.max_rate"),
                        format!("{q} is more than one spike a time step ({dt} ms)"),
                    );
                }
            }
            if let Some(q) = latency_tau
                && c.quantity(&format!("{at}.latency_tau"), q, Dimension::Time).is_some_and(|v| v <= 0.0)
            {
                c.add(format!("{at}.latency_tau"), "the time constant must be positive");
            }
            if let Some(v) = threshold {
                match encoding {
                    Encoding::Latency if !(*v > 0.0 && *v < 1.0) => c.add(
                        format!("{at}.threshold"),
                        format!("latency coding's threshold is an intensity between 0 and 1 (both excluded), got {v}"),
                    ),
                    Encoding::Delta if !(*v > 0.0 && v.is_finite()) => c.add(
                        format!("{at}.threshold"),
                        format!("delta coding's threshold is a change of ln intensity, > 0, got {v}"),
                    ),
                    _ => {}
                }
            }
        }
        Stimulus::Events { file, sensor, weight: w, .. } => {
            weight(c, w);
            if sensor.iter().any(|&s| s == 0 || s > u64::from(u16::MAX)) {
                c.add(
                    format!("{at}.sensor"),
                    format!("a sensor is 1 to 65535 pixels wide and high, got {sensor:?}"),
                );
            } else {
                let needed = (2 * sensor[0] * sensor[1]) as usize;
                let what = format!(
                    "events of a {} × {} sensor drive {needed} neurons (2 polarities a pixel)",
                    sensor[0], sensor[1]
                );
                check_driven(c, at, input, target, needed, &what);
                if let Err(e) = Stimulus::read_events(file, *sensor) {
                    c.add(format!("{at}.file"), e.to_string());
                }
            }
        }
    }
}

/// That an input which drives one neuron per channel (`needed` of them) has that many targets:
/// its `neurons`, or else its target population. `what` says why, for the message.
fn check_driven(
    c: &mut Checker,
    at: &str,
    input: &Input,
    target: Option<&Population>,
    needed: usize,
    what: &str,
) {
    let driven =
        if input.neurons.is_empty() { target.map(|t| t.size as usize) } else { Some(input.neurons.len()) };
    if let Some(n) = driven
        && n != needed
    {
        let key = if input.neurons.is_empty() { "target" } else { "neurons" };
        c.add(format!("{at}.{key}"), format!("{what}, not {n}"));
    }
}

fn check_stdp(c: &mut Checker, key: &str, stdp: &Stdp, weight: Dimension) {
    for (name, q) in [("a_plus", &stdp.a_plus), ("a_minus", &stdp.a_minus)] {
        if c.quantity(&format!("{key}.{name}"), q, Dimension::Dimensionless).is_some_and(|v| v < 0.0) {
            c.add(
                format!("{key}.{name}"),
                "learning amplitudes are fractions of w_max and cannot be negative",
            );
        }
    }
    for (name, q) in [("tau_plus", &stdp.tau_plus), ("tau_minus", &stdp.tau_minus)] {
        if c.quantity(&format!("{key}.{name}"), q, Dimension::Time).is_some_and(|v| v <= 0.0) {
            c.add(format!("{key}.{name}"), "the window's time constant must be positive");
        }
    }
    let w_max = c.quantity(&format!("{key}.w_max"), &stdp.w_max, weight);
    let w_min = stdp.w_min.map_or(Some(0.0), |q| c.quantity(&format!("{key}.w_min"), &q, weight));
    if let (Some(lo), Some(hi)) = (w_min, w_max)
        && !(0.0 <= lo && lo < hi)
    {
        c.add(
            format!("{key}.w_max"),
            format!("weights must satisfy 0 <= w_min < w_max; got w_min = {lo}, w_max = {hi}"),
        );
    }
}

/// "a LIF", "an AdEx".
fn article(name: &str) -> String {
    let an = name.starts_with(['A', 'E', 'I', 'O', 'U']);
    format!("{} {name}", if an { "an" } else { "a" })
}
