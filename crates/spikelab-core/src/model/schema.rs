//! The shape of a model file, key by key, and a check of a parsed file against it that finds
//! every misplaced, missing, misspelt or mistyped key at once, with its key path and a sentence
//! saying what to write instead.
//!
//! serde (which turns the checked file into a [`Model`](super::Model)) stops at the first
//! mistake and words it for programmers ("invalid type: string \"10\", expected u64"); this
//! check runs first, so a file that passes it deserialises. The field names here are the
//! ones serde uses: a unit test compares them with what the derived `Deserialize` asks for.

use super::Problem;
use super::text::{did_you_mean, join_key, list_or, quote};
use super::units::Quantity;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// What a value in the file must be.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Shape {
    /// A string.
    Text,
    /// A whole number ≥ 0 (`u64`).
    Count,
    /// A plain number (`f64`).
    Number,
    Bool,
    /// A number with a unit in a string, or a plain number ([`Quantity`]).
    Qty,
    /// A quantity, `{ uniform = [low, high] }` or `{ normal = [mean, sd] }` ([`super::Dist`]).
    Distribution,
    /// One of a few names (a unit-variant enum).
    Choice(&'static Names),
    /// A table with known keys (a struct with `deny_unknown_fields`).
    Table(&'static Schema),
    /// A table of any names, each holding one kind of value.
    Map(&'static Shape),
    /// A list.
    List(&'static Shape),
    /// Exactly two values in brackets.
    Pair(&'static Shape),
}

#[derive(Debug)]
pub(crate) struct Names {
    /// What is chosen, for messages: "neuron model".
    pub what: &'static str,
    pub options: Options,
}

/// The names a choice accepts: a fixed list, or a registry's keys.
#[derive(Debug)]
pub(crate) enum Options {
    Fixed(&'static [&'static str]),
    Listed(fn() -> Vec<&'static str>),
}

impl Names {
    pub fn options(&self) -> Vec<&'static str> {
        match self.options {
            Options::Fixed(names) => names.to_vec(),
            Options::Listed(names) => names(),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Schema {
    /// What the table is, for messages: "a population".
    pub what: &'static str,
    pub fields: &'static [Field],
}

#[derive(Debug)]
pub(crate) struct Field {
    pub name: &'static str,
    pub shape: Shape,
    pub required: bool,
    /// What the value means, for messages: "a count of neurons".
    pub what: &'static str,
    /// How it is written: `size = 100`.
    pub example: &'static str,
    /// For a list or a table of names: what each item is ("a neuron index").
    pub item: &'static str,
}

const fn f(name: &'static str, shape: Shape, what: &'static str, example: &'static str) -> Field {
    Field { name, shape, required: false, what, example, item: "" }
}

const fn req(name: &'static str, shape: Shape, what: &'static str, example: &'static str) -> Field {
    Field { name, shape, required: true, what, example, item: "" }
}

impl Field {
    const fn each(self, item: &'static str) -> Field {
        Field { item, ..self }
    }
}

use Shape::*;

pub(crate) const NEURON_MODELS: Names =
    Names { what: "neuron model", options: Options::Listed(super::NeuronModel::keys) };
pub(crate) const SYNAPSE_KINDS: Names =
    Names { what: "synapse kind", options: Options::Fixed(&["current", "conductance", "delta"]) };
pub(crate) const RESETS: Names =
    Names { what: "reset", options: Options::Fixed(&["to_v_reset", "subtract"]) };
pub(crate) const RECEPTORS: Names =
    Names { what: "receptor", options: Options::Fixed(&["excitatory", "inhibitory"]) };
pub(crate) const RULES: Names = Names {
    what: "connection rule",
    options: Options::Fixed(&[
        "all_to_all",
        "one_to_one",
        "fixed_probability",
        "fixed_indegree",
        "explicit",
        "matrix",
    ]),
};
pub(crate) const STDP_RULES: Names =
    Names { what: "STDP rule", options: Options::Fixed(&["additive", "multiplicative"]) };
pub(crate) const ENCODINGS: Names =
    Names { what: "encoding", options: Options::Fixed(&["rate", "latency", "delta"]) };
pub(crate) const SAMPLE_ORDERS: Names =
    Names { what: "sample order", options: Options::Fixed(&["shuffled", "in_order"]) };
pub(crate) const INPUT_KINDS: Names = Names { what: "input kind", options: Options::Listed(input_kinds) };

fn input_kinds() -> Vec<&'static str> {
    super::InputKind::ALL.iter().map(|k| k.key()).collect()
}

pub(crate) const SIMULATION: Schema = Schema {
    what: "the [simulation] table",
    fields: &[
        f("dt", Qty, "the time step", "dt = \"0.1 ms\""),
        f("duration", Qty, "how long a run lasts", "duration = \"1000 ms\""),
        f("seed", Count, "the seed of every random draw", "seed = 42"),
    ],
};

pub(crate) const POPULATION: Schema = Schema {
    what: "a population",
    fields: &[
        req("name", Text, "the population's name", "name = \"exc\""),
        req("size", Count, "a count of neurons", "size = 100"),
        req("model", Choice(&NEURON_MODELS), "the neuron model", "model = \"lif\""),
        f("synapse", Choice(&SYNAPSE_KINDS), "how synaptic input acts", "synapse = \"current\""),
        f(
            "reset",
            Choice(&RESETS),
            "what a spike does to V: set it to v_reset, or (LIF) subtract v_thresh − v_reset and keep the overshoot",
            "reset = \"subtract\"",
        ),
        f("params", Map(&Qty), "parameters that differ from the defaults", "params = { tau_m = \"20 ms\" }")
            .each("a parameter value"),
        f("initial", Map(&Distribution), "initial values of state variables", "initial = { v = \"-65 mV\" }")
            .each("an initial value"),
    ],
};

pub(crate) const EXPLICIT_SYNAPSE: Schema = Schema {
    what: "a synapse of an explicit list",
    fields: &[
        req("pre", Count, "the index of the presynaptic neuron", "pre = 0"),
        req("post", Count, "the index of the postsynaptic neuron", "post = 1"),
        f("weight", Qty, "this synapse's weight", "weight = \"5 pA\""),
        f("delay", Qty, "this synapse's delay", "delay = \"1 ms\""),
    ],
};

pub(crate) const CONNECT: Schema = Schema {
    what: "a connect table",
    fields: &[
        req("rule", Choice(&RULES), "the connection rule", "rule = \"fixed_probability\""),
        f("p", Number, "the connection probability", "p = 0.1"),
        f("indegree", Count, "the number of inputs per neuron", "indegree = 100"),
        f(
            "synapses",
            List(&Table(&EXPLICIT_SYNAPSE)),
            "the explicit list of synapses",
            "synapses = [{ pre = 0, post = 1 }]",
        )
        .each("a synapse"),
        f("weights", Text, "the .npy weight matrix (pre × post) of rule \"matrix\"", "weights = \"w.npy\""),
    ],
};

pub(crate) const STDP: Schema = Schema {
    what: "an stdp table",
    fields: &[
        f("rule", Choice(&STDP_RULES), "the STDP rule", "rule = \"additive\""),
        req("a_plus", Qty, "the potentiation amplitude", "a_plus = 0.01"),
        req("a_minus", Qty, "the depression amplitude", "a_minus = 0.0105"),
        req("tau_plus", Qty, "the potentiation time constant", "tau_plus = \"20 ms\""),
        req("tau_minus", Qty, "the depression time constant", "tau_minus = \"20 ms\""),
        f("w_min", Qty, "the lowest weight", "w_min = \"0 nS\""),
        req("w_max", Qty, "the highest weight", "w_max = \"0.1 nS\""),
        f("enabled", Bool, "whether learning is on", "enabled = true"),
    ],
};

pub(crate) const STP: Schema = Schema {
    what: "an stp table",
    fields: &[
        req("U", Qty, "the fraction of resources each spike uses", "U = 0.5"),
        req("tau_rec", Qty, "the recovery time constant", "tau_rec = \"800 ms\""),
        f("tau_facil", Qty, "the facilitation time constant", "tau_facil = \"0 ms\""),
    ],
};

pub(crate) const PROJECTION: Schema = Schema {
    what: "a projection",
    fields: &[
        f("name", Text, "the projection's name", "name = \"exc_to_inh\""),
        req("pre", Text, "the name of the sending population", "pre = \"exc\""),
        req("post", Text, "the name of the receiving population", "post = \"inh\""),
        req("receptor", Choice(&RECEPTORS), "the receptor", "receptor = \"excitatory\""),
        req("connect", Table(&CONNECT), "how neurons are connected", "connect = { rule = \"all_to_all\" }"),
        req("weight", Distribution, "the synaptic weight", "weight = \"10 pA\""),
        f("delay", Distribution, "the transmission delay", "delay = \"1.5 ms\""),
        f("autapses", Bool, "whether a neuron may connect to itself", "autapses = true"),
        f("stdp", Table(&STDP), "spike-timing-dependent plasticity", "[projections.stdp]"),
        f("stp", Table(&STP), "short-term plasticity", "[projections.stp]"),
    ],
};

pub(crate) const RATE_STEP: Schema = Schema {
    what: "a step of a rate schedule",
    fields: &[
        req("at", Qty, "when the rate changes", "at = \"100 ms\""),
        req("rate", Qty, "the rate from then on", "rate = \"5 Hz\""),
    ],
};

/// What an input's field is, for tooltips: "the injected current".
pub(crate) fn input_field_doc(name: &str) -> &'static str {
    INPUT.fields.iter().find(|f| f.name == name).map_or("", |f| f.what)
}

pub(crate) const INPUT: Schema = Schema {
    what: "an input",
    fields: &[
        req("name", Text, "the input's name", "name = \"drive\""),
        req("kind", Choice(&INPUT_KINDS), "the kind of input", "kind = \"poisson\""),
        req("target", Text, "the name of the population it drives", "target = \"exc\""),
        f("neurons", List(&Count), "indices of the neurons it drives", "neurons = [0, 1, 2]")
            .each("a neuron index"),
        f("rate", Qty, "the rate of each source", "rate = \"10 Hz\""),
        f(
            "schedule",
            List(&Table(&RATE_STEP)),
            "a schedule of rates",
            "schedule = [{ at = \"0 ms\", rate = \"5 Hz\" }]",
        )
        .each("a step of the schedule"),
        f("sources", Count, "the number of independent sources per neuron", "sources = 100"),
        f("times", List(&Qty), "the spike times", "times = [\"10 ms\", \"25 ms\"]").each("a spike time"),
        f("weight", Qty, "the weight of each input spike", "weight = \"60 pA\""),
        f("receptor", Choice(&RECEPTORS), "the receptor the spikes reach", "receptor = \"excitatory\""),
        f("amplitude", Qty, "the injected current", "amplitude = \"300 pA\""),
        f("frequency", Qty, "the frequency", "frequency = \"10 Hz\""),
        f("phase", Qty, "the phase in radians", "phase = 0"),
        f("offset", Qty, "the constant current added", "offset = \"0 pA\""),
        f("mean", Qty, "the mean current", "mean = \"0 pA\""),
        f("sigma", Qty, "the standard deviation of the current", "sigma = \"50 pA\""),
        f("tau", Qty, "the correlation time", "tau = \"5 ms\""),
        f(
            "dataset",
            Text,
            "the dataset shown (\"digits\": the shipped 8×8 digits; or a CSV or .npy file of images)",
            "dataset = \"digits\"",
        ),
        f("labels", Text, "the labels of a .npy dataset (a .npy file)", "labels = \"labels.npy\""),
        f("encoding", Choice(&ENCODINGS), "how images become spikes", "encoding = \"rate\""),
        f("present", Qty, "how long each sample is shown", "present = \"100 ms\""),
        f("gap", Qty, "the silence between samples", "gap = \"20 ms\""),
        f("order", Choice(&SAMPLE_ORDERS), "the order samples are shown in", "order = \"shuffled\""),
        f("max_rate", Qty, "the rate of a full pixel (rate coding)", "max_rate = \"100 Hz\""),
        f("latency_tau", Qty, "the time constant of latency coding", "latency_tau = \"20 ms\""),
        f(
            "threshold",
            Number,
            "the threshold of latency coding (intensity, 0–1) or of delta coding (change of ln intensity)",
            "threshold = 0.2",
        ),
        f(
            "file",
            Text,
            "the event file (N-MNIST .bin, or a CSV or .npy list t,x,y,p)",
            "file = \"events.bin\"",
        ),
        f("sensor", List(&Count), "the sensor's width and height in pixels", "sensor = [34, 34]")
            .each("a size in pixels"),
        f("start", Qty, "when it switches on", "start = \"100 ms\""),
        f("stop", Qty, "when it switches off", "stop = \"200 ms\""),
    ],
};

pub(crate) const RECORDER: Schema = Schema {
    what: "a recorder",
    fields: &[
        req("population", Text, "the name of the recorded population", "population = \"exc\""),
        req("neurons", List(&Count), "indices of the recorded neurons", "neurons = [0, 1]")
            .each("a neuron index"),
        req("variables", List(&Text), "names of the recorded state variables", "variables = [\"v\"]")
            .each("the name of a state variable"),
        f("interval", Qty, "the sampling interval", "interval = \"0.5 ms\""),
    ],
};

pub(crate) const WEIGHT_RECORDER: Schema = Schema {
    what: "a weight recorder",
    fields: &[
        req("projection", Text, "the name of the projection", "projection = \"exc->inh\""),
        req(
            "synapses",
            List(&Pair(&Count)),
            "(pre, post) pairs of the recorded synapses",
            "synapses = [[0, 0], [1, 0]]",
        )
        .each("a (pre, post) pair"),
        f("interval", Qty, "the sampling interval", "interval = \"100 ms\""),
    ],
};

pub(crate) const MODEL: Schema = Schema {
    what: "a model file",
    fields: &[
        req("name", Text, "the model's name", "name = \"My network\""),
        f("description", Text, "what the model is for", "description = \"…\""),
        f("simulation", Table(&SIMULATION), "time step, duration and seed", "[simulation]"),
        f("populations", List(&Table(&POPULATION)), "the populations", "[[populations]]")
            .each("a population"),
        f("projections", List(&Table(&PROJECTION)), "the projections", "[[projections]]")
            .each("a projection"),
        f("inputs", List(&Table(&INPUT)), "the inputs", "[[inputs]]").each("an input"),
        f("recorders", List(&Table(&RECORDER)), "the recorders", "[[recorders]]").each("a recorder"),
        f("weight_recorders", List(&Table(&WEIGHT_RECORDER)), "the weight recorders", "[[weight_recorders]]")
            .each("a weight recorder"),
        f("layout", Map(&Pair(&Number)), "where the editor draws each node", "layout = { exc = [0, 0] }")
            .each("a position [x, y]"),
    ],
};

/// A problem with the byte offset it belongs to (for its line, and to keep file order).
pub(crate) struct Found {
    pub offset: usize,
    pub problem: Problem,
}

/// What a value means, for messages, and the name it is written under.
#[derive(Clone, Copy)]
struct Meaning<'a> {
    /// The key the value is written under (`size`), or `None` for a list item.
    key: Option<&'a str>,
    what: &'a str,
    example: &'a str,
    /// What each item is, for a list or a table of names.
    item: &'a str,
}

impl<'a> Meaning<'a> {
    /// The meaning of one item of a list (`key` None) or of a table of names.
    fn of_item(self, key: Option<&'a str>) -> Meaning<'a> {
        let what = if self.item.is_empty() { self.what } else { self.item };
        Meaning { key, what, example: "", item: "" }
    }

    /// " — write it like X", or nothing without an example.
    fn like(self) -> String {
        if self.example.is_empty() { String::new() } else { format!(" — write it like {}", self.example) }
    }
}

/// Walks a parsed file against [`MODEL`].
pub(crate) struct Walker<'l> {
    pub found: Vec<Found>,
    /// Start offsets of the synapse lists read compactly (see `lean`), which appear in the
    /// table as empty lists; each one met is recorded with its key path.
    lean_starts: &'l [usize],
    pub lean_paths: Vec<(usize, String)>,
}

impl<'l> Walker<'l> {
    pub(crate) fn new(lean_starts: &'l [usize]) -> Self {
        Walker { found: Vec::new(), lean_starts, lean_paths: Vec::new() }
    }

    fn add(&mut self, offset: usize, key: impl Into<String>, message: impl Into<String>) {
        self.found.push(Found { offset, problem: Problem::new(key, message) });
    }

    /// Checks the whole file.
    pub(crate) fn model(&mut self, root: &DeTable<'_>) {
        self.table("", root, 0, &MODEL);
    }

    fn table(&mut self, path: &str, table: &DeTable<'_>, offset: usize, s: &Schema) {
        for (key, value) in table.iter() {
            let name: &str = key.get_ref();
            let at = join_key(path, name);
            match s.fields.iter().find(|field| field.name == name) {
                Some(field) => {
                    let meaning = Meaning {
                        key: Some(field.name),
                        what: field.what,
                        example: field.example,
                        item: field.item,
                    };
                    self.value(&at, value, &field.shape, meaning);
                }
                None => {
                    let names = s.fields.iter().map(|field| field.name);
                    let hint = did_you_mean(name, names.clone());
                    let message = if hint.is_empty() {
                        format!(
                            "{} is not a key of {}; it can have {}",
                            quote(name),
                            s.what,
                            list_or(&names.collect::<Vec<_>>())
                        )
                    } else {
                        format!("{} is not a key of {}{hint}", quote(name), s.what)
                    };
                    self.add(key.span().start, at, message);
                }
            }
        }
        for field in s.fields.iter().filter(|field| field.required) {
            if table.get(field.name).is_none() {
                let what = if path.is_empty() { "the file".to_string() } else { s.what.to_string() };
                self.add(
                    offset,
                    join_key(path, field.name),
                    format!("{what} needs {} ({}): add {}", field.name, field.what, field.example),
                );
            }
        }
        if std::ptr::eq(s, &INPUT) {
            self.input_fields(path, table, offset);
        }
    }

    /// An input's fields depend on its kind: another kind's are refused, and those its kind
    /// needs are asked for.
    fn input_fields(&mut self, path: &str, table: &DeTable<'_>, offset: usize) {
        let kind = table.get("kind").and_then(|v| match v.get_ref() {
            DeValue::String(name) => super::InputKind::ALL.into_iter().find(|k| k.key() == name.as_ref()),
            _ => None,
        });
        let Some(kind) = kind else { return };
        for (key, _) in table.iter() {
            let name: &str = key.get_ref();
            let of_some_kind = super::InputKind::ALL.iter().any(|k| k.fields().contains(&name));
            if of_some_kind && !kind.fields().contains(&name) {
                self.add(
                    key.span().start,
                    join_key(path, name),
                    format!(
                        "{name} is not used by a \"{}\" input (it uses {})",
                        kind.key(),
                        kind.fields().join(", ")
                    ),
                );
            }
        }
        for &name in kind.required() {
            if table.get(name).is_none() {
                let (what, example) =
                    INPUT.fields.iter().find(|f| f.name == name).map_or(("", ""), |f| (f.what, f.example));
                self.add(
                    offset,
                    join_key(path, name),
                    format!("a \"{}\" input needs {name} ({what}): add {example}", kind.key()),
                );
            }
        }
    }

    fn value(&mut self, path: &str, v: &Spanned<DeValue<'_>>, shape: &Shape, m: Meaning<'_>) {
        let offset = v.span().start;
        let mismatch = |w: &mut Self, hint: String| {
            w.add(
                offset,
                path,
                format!("expected {}, got {}{hint}", expected(shape, m.what), found(v.get_ref())),
            );
        };
        match (shape, v.get_ref()) {
            (Text, DeValue::String(_)) => {}
            (Text, DeValue::Integer(_) | DeValue::Float(_) | DeValue::Boolean(_)) => {
                let raw = scalar_text(v.get_ref());
                mismatch(self, format!(" — text goes in quotes: {}", written(m, &format!("\"{raw}\""))));
            }
            (Count, DeValue::Integer(i)) => {
                if let Some(problem) = count_problem(i.as_str(), i.radix()) {
                    mismatch(self, problem);
                }
            }
            (Count, DeValue::String(s)) => {
                let hint = match s.trim().parse::<u64>() {
                    Ok(n) => format!(" — write {} without quotes", written(m, &n.to_string())),
                    Err(_) => String::new(),
                };
                mismatch(self, hint);
            }
            (Count, DeValue::Float(x)) => {
                let hint = match x.as_str().parse::<f64>() {
                    Ok(v) if v.fract() == 0.0 && (0.0..1e15).contains(&v) => {
                        format!(
                            " — a whole number has no decimal point: {}",
                            written(m, &(v as u64).to_string())
                        )
                    }
                    _ => String::new(),
                };
                mismatch(self, hint);
            }
            (Number, DeValue::Float(x)) => {
                if x.as_str().parse::<f64>().is_ok_and(f64::is_infinite) && !x.as_str().contains("inf") {
                    self.add(offset, path, format!("{} is too large for a number", x.as_str()));
                }
            }
            (Number, DeValue::Integer(i)) => {
                if integer_value(i.as_str(), i.radix()).is_none() {
                    self.add(offset, path, format!("{i} is too large"));
                }
            }
            (Number, DeValue::String(s)) => {
                let hint = match s.trim().parse::<f64>() {
                    Ok(_) => format!(" — write {} without quotes", written(m, s.trim())),
                    Err(_) if Quantity::parse(s).is_ok() => {
                        " — this is a plain number, without a unit".into()
                    }
                    Err(_) => String::new(),
                };
                mismatch(self, hint);
            }
            (Bool, DeValue::Boolean(_)) => {}
            (Bool, DeValue::String(s)) if matches!(s.trim(), "true" | "false") => {
                mismatch(self, format!(" — write {} without quotes", written(m, s.trim())));
            }
            (Qty, value) => {
                if let Err(message) = quantity(value, m) {
                    self.add(offset, path, message);
                }
            }
            (Distribution, DeValue::Table(t)) => self.dist_table(path, t, offset, m),
            (Distribution, value @ (DeValue::String(_) | DeValue::Integer(_) | DeValue::Float(_))) => {
                if let Err(message) = quantity(value, m) {
                    self.add(offset, path, message);
                }
            }
            (Choice(c), DeValue::String(s)) => {
                let names = c.options();
                if !names.contains(&s.as_ref()) {
                    let options: Vec<String> = names.iter().map(|o| format!("\"{o}\"")).collect();
                    let options: Vec<&str> = options.iter().map(String::as_str).collect();
                    self.add(
                        offset,
                        path,
                        format!(
                            "unknown {} {}{}; choose {}",
                            c.what,
                            quote(s),
                            did_you_mean(s, names.iter().copied()),
                            list_or(&options)
                        ),
                    );
                }
            }
            (Table(s), DeValue::Table(t)) => self.table(path, t, offset, s),
            (Map(inner), DeValue::Table(t)) => {
                for (key, value) in t.iter() {
                    let name: &str = key.get_ref();
                    self.value(&join_key(path, name), value, inner, m.of_item(Some(name)));
                }
            }
            (List(inner), DeValue::Array(items)) => {
                if items.is_empty() && self.lean_starts.binary_search(&offset).is_ok() {
                    self.lean_paths.push((offset, path.to_string()));
                }
                for (i, item) in items.iter().enumerate() {
                    self.value(&format!("{path}[{i}]"), item, inner, m.of_item(None));
                }
            }
            (List(inner), value) if !matches!(value, DeValue::Table(_) | DeValue::Array(_)) => {
                let raw = scalar_text(value);
                let hint = match (inner, value) {
                    (Table(_), _) => String::new(),
                    _ => format!(" — even one value goes in brackets: {}", written(m, &format!("[{raw}]"))),
                };
                mismatch(self, hint);
            }
            (Pair(inner), DeValue::Array(items)) if items.len() == 2 => {
                for (i, item) in items.iter().enumerate() {
                    self.value(&format!("{path}[{i}]"), item, inner, Meaning { key: None, ..m });
                }
            }
            (Table(_), _) => mismatch(self, m.like()),
            (Pair(_), DeValue::Array(items)) => {
                self.add(
                    offset,
                    path,
                    format!("expected two values in brackets ({}), got {}", m.what, count_items(items.len())),
                );
            }
            _ => mismatch(self, String::new()),
        }
    }

    fn dist_table(&mut self, path: &str, t: &DeTable<'_>, offset: usize, m: Meaning<'_>) {
        const FORMS: &str = "{ uniform = [low, high] } or { normal = [mean, sd] }";
        let mut entries = t.iter();
        let Some((key, value)) = entries.next() else {
            let one = if m.example.is_empty() {
                "one value with its unit".to_string()
            } else {
                m.example.to_string()
            };
            self.add(offset, path, format!("an empty table is not a value; write {one} or {FORMS}"));
            return;
        };
        if entries.next().is_some() {
            self.add(
                offset,
                path,
                format!("a random value is one of {FORMS}, with one entry; this table has {}", t.len()),
            );
            return;
        }
        let name: &str = key.get_ref();
        let at = join_key(path, name);
        let ends: [&str; 2] = match name {
            "uniform" => ["the low end", "the high end"],
            "normal" => ["the mean", "the standard deviation"],
            other => {
                self.add(
                    key.span().start,
                    at,
                    format!(
                        "unknown distribution {}{}; use {FORMS}",
                        quote(other),
                        did_you_mean(other, ["uniform", "normal"])
                    ),
                );
                return;
            }
        };
        match value.get_ref() {
            DeValue::Array(items) if items.len() == 2 => {
                for (i, item) in items.iter().enumerate() {
                    let meaning = Meaning { key: None, what: ends[i], example: m.example, item: "" };
                    self.value(&format!("{at}[{i}]"), item, &Qty, meaning);
                }
            }
            other => {
                let got = match other {
                    DeValue::Array(items) => count_items(items.len()),
                    other => found(other),
                };
                self.add(
                    value.span().start,
                    at,
                    format!("{name} needs two values in brackets, [{}, {}]; got {got}", ends[0], ends[1]),
                );
            }
        }
    }
}

fn count_items(n: usize) -> String {
    match n {
        0 => "an empty list".into(),
        1 => "a list of 1 value".into(),
        n => format!("a list of {n} values"),
    }
}

/// `key = value`, or the value alone for a list item.
fn written(m: Meaning<'_>, value: &str) -> String {
    match m.key {
        Some(key) => format!("{} = {value}", super::text::key_segment(key)),
        None => value.to_string(),
    }
}

/// The value of a TOML integer written in `radix`, if it fits in an `i64` or a `u64` (what
/// serde can hand on).
fn integer_value(digits: &str, radix: u32) -> Option<i128> {
    let v = i128::from_str_radix(digits, radix).ok()?;
    (i64::MIN as i128..=u64::MAX as i128).contains(&v).then_some(v)
}

/// Why a TOML integer is not a count, if it is not.
pub(crate) fn count_problem(digits: &str, radix: u32) -> Option<String> {
    match i128::from_str_radix(digits, radix) {
        Ok(v) if v < 0 => Some(", which is negative".into()),
        Ok(v) if v > u64::MAX as i128 => Some(", which is too large".into()),
        Ok(_) => None,
        Err(_) => Some(", which is too large".into()),
    }
}

/// Checks a value where a [`Quantity`] belongs; the error is a whole message.
fn quantity(value: &DeValue<'_>, m: Meaning<'_>) -> Result<(), String> {
    match value {
        DeValue::String(s) => Quantity::parse(s).map(|_| ()),
        DeValue::Integer(i) => match integer_value(i.as_str(), i.radix()) {
            Some(_) => Ok(()),
            None => Err(format!("{i} is too large to simulate")),
        },
        DeValue::Float(x) => match x.as_str().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(()),
            Ok(v) if v.is_infinite() && !x.as_str().contains("inf") => {
                Err(format!("{} is too large to simulate", x.as_str()))
            }
            _ => Err(format!(
                "{} is not a number that can be simulated; write a finite value{}",
                x.as_str(),
                m.like()
            )),
        },
        other => Err(format!("expected {}, got {}{}", expected(&Qty, m.what), found(other), m.like())),
    }
}

/// What a shape expects, in words.
fn expected(shape: &Shape, what: &str) -> String {
    match shape {
        Text => format!("text in quotes ({what})"),
        Count => format!("a whole number ({what})"),
        Number => format!("a number ({what})"),
        Bool => format!("true or false ({what})"),
        Qty => format!("a number with its unit, in quotes ({what})"),
        Distribution => format!(
            "a value with its unit in quotes, or {{ uniform = [low, high] }}, or {{ normal = [mean, sd] }} ({what})"
        ),
        Choice(c) => {
            let options: Vec<String> = c.options().iter().map(|o| format!("\"{o}\"")).collect();
            let options: Vec<&str> = options.iter().map(String::as_str).collect();
            format!("the name of a {} in quotes, {}", c.what, list_or(&options))
        }
        Table(_) => format!("a table ({what})"),
        Map(_) => format!("a table of names and values ({what})"),
        List(_) => format!("a list in square brackets ({what})"),
        Pair(_) => format!("two values in square brackets ({what})"),
    }
}

/// What was found, in words.
fn found(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("the text {}", quote(s)),
        DeValue::Integer(i) => format!("the whole number {i}"),
        DeValue::Float(x) => format!("the number {}", x.as_str()),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => format!("the date {d}"),
        DeValue::Array(items) => count_items(items.len()),
        DeValue::Table(_) => "a table".into(),
    }
}

/// A scalar as it was written (for "write it like this" hints).
fn scalar_text(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("\"{}\"", super::text::one_line(s)),
        DeValue::Integer(i) => i.to_string(),
        DeValue::Float(x) => x.as_str().to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        DeValue::Array(_) => "[…]".into(),
        DeValue::Table(_) => "{…}".into(),
    }
}

/// The field a key path leads to, if the path follows the file's shape.
pub(crate) fn field_at(path: &[super::text::Segment]) -> Option<&'static Field> {
    use super::text::Segment;
    let mut schema = &MODEL;
    let mut field: Option<&'static Field> = None;
    let mut shape: Option<&'static Shape> = None;
    for segment in path {
        match (segment, shape) {
            (Segment::Key(key), None | Some(Table(_))) => {
                if let Some(Table(s)) = shape {
                    schema = s;
                }
                let found = schema.fields.iter().find(|f| f.name == key)?;
                field = Some(found);
                shape = Some(&found.shape);
            }
            (Segment::Index(_), Some(List(inner) | Pair(inner))) => shape = Some(inner),
            (Segment::Key(_), Some(Map(_))) => return None,
            _ => return None,
        }
    }
    field
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use serde::de::{self, Deserialize, Visitor};

    /// A deserializer that only records which fields (or variants) a type asks for.
    struct Ask(std::cell::RefCell<Vec<&'static str>>);

    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<T: std::fmt::Display>(_: T) -> Self {
            Stop
        }
    }

    impl<'de> de::Deserializer<'de> for &Ask {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0.borrow_mut().extend_from_slice(fields);
            Err(Stop)
        }
        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _: &'static str,
            variants: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0.borrow_mut().extend_from_slice(variants);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map identifier ignored_any
        }
    }

    fn asked<T: for<'de> Deserialize<'de>>() -> Vec<&'static str> {
        let ask = Ask(Default::default());
        let _ = T::deserialize(&ask);
        ask.0.into_inner()
    }

    fn names(s: &Schema) -> Vec<&'static str> {
        s.fields.iter().map(|f| f.name).collect()
    }

    #[test]
    fn the_schema_has_the_fields_serde_reads() {
        assert_eq!(names(&MODEL), asked::<Model>());
        assert_eq!(names(&SIMULATION), asked::<Simulation>());
        assert_eq!(names(&POPULATION), asked::<Population>());
        assert_eq!(names(&PROJECTION), asked::<Projection>());
        assert_eq!(names(&CONNECT), asked::<Connect>());
        assert_eq!(names(&EXPLICIT_SYNAPSE), asked::<ExplicitSynapse>());
        assert_eq!(names(&STDP), asked::<Stdp>());
        assert_eq!(names(&STP), asked::<Stp>());
        assert_eq!(names(&RATE_STEP), asked::<RateStep>());
        assert_eq!(names(&RECORDER), asked::<Recorder>());
        assert_eq!(names(&WEIGHT_RECORDER), asked::<WeightRecorder>());
        assert_eq!(NEURON_MODELS.options(), NeuronModel::keys());
        assert_eq!(SYNAPSE_KINDS.options(), asked::<SynapseKind>());
        assert_eq!(RECEPTORS.options(), asked::<Receptor>());
        assert_eq!(RESETS.options(), asked::<crate::model::Reset>());
        assert_eq!(RULES.options(), asked::<Rule>());
        assert_eq!(STDP_RULES.options(), asked::<StdpRule>());
    }

    /// An input file with its kind's fields, each written as the schema's example.
    fn input_with(kind: InputKind, fields: &[&str]) -> Result<Input, toml::de::Error> {
        let mut text = format!("name = \"in\"\nkind = \"{}\"\ntarget = \"p\"\n", kind.key());
        for name in fields {
            let field = INPUT.fields.iter().find(|f| f.name == *name).expect("in the schema");
            text.push_str(field.example);
            text.push('\n');
        }
        toml::from_str(&text)
    }

    #[test]
    fn each_input_kind_has_the_fields_the_schema_gives_it() {
        const COMMON: [&str; 6] = ["name", "kind", "target", "neurons", "start", "stop"];
        let mut every: Vec<&str> = COMMON.to_vec();
        for kind in InputKind::ALL {
            let all = kind.fields();
            let input = input_with(kind, all).unwrap_or_else(|e| panic!("{kind:?} with all its fields: {e}"));
            assert_eq!(input.kind(), kind);
            let written = toml::Value::try_from(&input).expect("serialises");
            let mut keys: Vec<&str> =
                written.as_table().expect("a table").keys().map(String::as_str).collect();
            let mut expected: Vec<&str> =
                ["name", "kind", "target"].into_iter().chain(all.iter().copied()).collect();
            keys.sort_unstable();
            expected.sort_unstable();
            assert_eq!(keys, expected, "{kind:?} writes back every field it read");
            for left_out in all {
                let rest: Vec<&str> = all.iter().copied().filter(|f| f != left_out).collect();
                let needed = kind.required().contains(left_out);
                assert_eq!(input_with(kind, &rest).is_err(), needed, "{kind:?} without {left_out}");
            }
            for other in InputKind::ALL.iter().flat_map(|k| k.fields()).filter(|f| !all.contains(f)) {
                let with: Vec<&str> = all.iter().chain([other]).copied().collect();
                assert!(input_with(kind, &with).is_err(), "{kind:?} must refuse {other}");
            }
            every.extend(all);
        }
        let mut schema = names(&INPUT);
        schema.sort_unstable();
        every.sort_unstable();
        every.dedup();
        assert_eq!(schema, every, "the schema's input fields are the common ones and the kinds'");
    }
}
