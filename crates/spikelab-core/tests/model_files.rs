//! Model files: every preset loads, saves and loads back equal; every kind of mistake is
//! reported with the file, the line, the key and the cause.

use crate::common;
use spikelab_core::model::{Model, presets::PRESETS};

#[test]
fn every_preset_is_valid_has_a_description_and_round_trips() {
    for (name, text) in PRESETS {
        let model = Model::from_toml(text, name).unwrap_or_else(|e| panic!("{e}"));
        assert!(!model.description.trim().is_empty(), "{name} has no description");
        let saved = model.to_toml();
        let again =
            Model::from_toml(&saved, "saved").unwrap_or_else(|e| panic!("{name} saved badly:\n{e}\n{saved}"));
        assert_eq!(model, again, "{name}: save then load changed the model");
        // And the saved text is stable: saving again gives the same file.
        assert_eq!(saved, again.to_toml());
    }
}

#[test]
fn presets_on_disk_are_the_ones_compiled_in() {
    for (name, text) in PRESETS {
        let path = spikelab_core::source_root().join("assets/presets").join(name);
        let on_disk = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(&on_disk, text);
    }
}

#[test]
fn save_and_load_through_a_file() {
    let model = common::preset("coba.toml");
    let path = std::env::temp_dir().join(format!("spikelab-roundtrip-{}.toml", std::process::id()));
    model.save(&path).expect("saves");
    let back = Model::load(&path).expect("loads");
    let _ = std::fs::remove_file(&path);
    assert_eq!(model, back);
}

const BASE: &str = r#"name = "small"

[simulation]
dt = "0.1 ms"

[[populations]]
name = "exc"
size = 10
model = "lif"

[populations.params]
tau_m = "20 ms"

[[populations]]
name = "inh"
size = 5
model = "lif"

[[projections]]
pre = "exc"
post = "inh"
receptor = "excitatory"
weight = "10 pA"
connect = { rule = "fixed_probability", p = 0.1 }
"#;

/// Replaces `from` by `to` in the base model and returns the loader's message.
fn error_after(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "test bug: {from:?} not in base");
    let text = BASE.replacen(from, to, 1);
    match Model::from_toml(&text, "net.toml") {
        Ok(_) => panic!("accepted a model with {to:?}"),
        Err(e) => e.to_string(),
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1).unwrap_or(0)
}

#[test]
fn base_model_is_valid() {
    Model::from_toml(BASE, "net.toml").unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn unknown_neuron_model_names_the_line_and_the_choices() {
    let msg = error_after("model = \"lif\"", "model = \"hodgkin\"");
    assert!(msg.starts_with(&format!("net.toml:{}:", line_of(BASE, "model = \"lif\""))), "{msg}");
    assert!(msg.contains("hodgkin") && msg.contains("lif") && msg.contains("izhikevich"), "{msg}");
}

#[test]
fn negative_time_constant_is_refused_with_its_key_and_line() {
    let msg = error_after("tau_m = \"20 ms\"", "tau_m = \"-20 ms\"");
    let line = line_of(BASE, "tau_m");
    assert!(msg.contains(&format!("net.toml:{line}: populations[0].params.tau_m")), "{msg}");
    assert!(msg.contains("positive") && msg.contains("-20 ms"), "{msg}");
}

#[test]
fn missing_unit_and_wrong_unit_are_explained() {
    let msg = error_after("tau_m = \"20 ms\"", "tau_m = 20");
    assert!(msg.contains("populations[0].params.tau_m") && msg.contains("no unit"), "{msg}");
    let msg = error_after("tau_m = \"20 ms\"", "tau_m = \"20 mV\"");
    assert!(msg.contains("voltage") && msg.contains("time"), "{msg}");
    let msg = error_after("weight = \"10 pA\"", "weight = \"10 nS\"");
    assert!(msg.contains("projections[0].weight") && msg.contains("current"), "{msg}");
}

#[test]
fn projection_to_a_missing_population_names_it() {
    let msg = error_after("post = \"inh\"", "post = \"inhibitory\"");
    let line = line_of(BASE, "post = \"inh\"");
    assert!(msg.contains(&format!("net.toml:{line}: projections[0].post")), "{msg}");
    assert!(msg.contains("no population called \"inhibitory\""), "{msg}");
}

#[test]
fn probability_outside_zero_one_is_refused() {
    for bad in ["1.5", "-0.1"] {
        let msg = error_after("p = 0.1", &format!("p = {bad}"));
        assert!(msg.contains("projections[0].connect.p") && msg.contains("between 0 and 1"), "{msg}");
    }
}

#[test]
fn unknown_keys_are_typos_and_say_so() {
    let msg = error_after("receptor = \"excitatory\"", "receptor = \"excitatory\"\nwieght = \"3 pA\"");
    assert!(msg.contains("wieght"), "{msg}");
    assert!(msg.contains(&format!("net.toml:{}", line_of(BASE, "receptor") + 1)), "{msg}");
    let msg = error_after("tau_m = \"20 ms\"", "tau = \"20 ms\"");
    assert!(msg.contains("unknown parameter \"tau\"") && msg.contains("tau_m"), "{msg}");
}

#[test]
fn a_network_too_large_for_memory_is_refused_before_building() {
    let text = BASE.replace("size = 10", "size = 1000000").replace("size = 5", "size = 1000000");
    let err = Model::from_toml(&text, "net.toml").expect_err("1e11 synapses");
    let msg = err.to_string();
    assert!(msg.contains("synapses") && msg.contains("GB") && msg.contains("limit"), "{msg}");
}

#[test]
fn syntax_errors_give_the_line() {
    let text = BASE.replace("size = 5", "size = = 5");
    let msg = Model::from_toml(&text, "net.toml").expect_err("bad syntax").to_string();
    assert!(msg.starts_with(&format!("net.toml:{}:", line_of(&text, "size = = 5"))), "{msg}");
}

#[test]
fn several_problems_are_reported_together() {
    let text = BASE.replace("tau_m = \"20 ms\"", "tau_m = \"-1 ms\"").replace("p = 0.1", "p = 2.0");
    let err = Model::from_toml(&text, "net.toml").expect_err("two problems");
    assert_eq!(err.problems().len(), 2, "{err}");
}

#[test]
fn missing_file_is_an_error_naming_it() {
    let err = Model::load(std::path::Path::new("/no/such/model.toml")).expect_err("missing");
    assert!(err.to_string().contains("/no/such/model.toml"), "{err}");
}

#[test]
fn the_example_in_the_readme_is_a_valid_model() {
    let readme = include_str!("../../../README.md");
    let start = readme.find("```toml\n").expect("README has a TOML example") + "```toml\n".len();
    let end = start + readme[start..].find("```").expect("closed");
    let model = Model::from_toml(&readme[start..end], "README.md").unwrap_or_else(|e| panic!("{e}"));
    let mut net = spikelab_core::sim::Network::build(&model).expect("builds");
    net.run_for(200.0).expect("runs");
    assert!(net.spikes().total() > 0, "the README's example network should do something");
}

#[test]
fn validation_holes_found_in_review_stay_closed() {
    // A weight range reaching below zero would flip an excitatory synapse.
    let msg = error_after("weight = \"10 pA\"", "weight = { uniform = [\"-10 pA\", \"1 pA\"] }");
    assert!(msg.contains("projections[0].weight") && msg.contains("negative"), "{msg}");
    // Two unnamed projections between the same populations would share their random wiring.
    let twice = format!(
        "{BASE}\n[[projections]]\npre = \"exc\"\npost = \"inh\"\nreceptor = \"inhibitory\"\nweight = \"1 pA\"\nconnect = {{ rule = \"all_to_all\" }}\n"
    );
    let msg = Model::from_toml(&twice, "net.toml").expect_err("duplicate label").to_string();
    assert!(msg.contains("projections[1].name") && msg.contains("exc->inh"), "{msg}");
    // A pulse shorter than one step would never switch on.
    let pulse = format!(
        "{BASE}\n[[inputs]]\nname = \"p\"\nkind = \"pulse\"\ntarget = \"exc\"\namplitude = \"5 pA\"\nstart = \"0.01 ms\"\nstop = \"0.04 ms\"\n"
    );
    let msg = Model::from_toml(&pulse, "net.toml").expect_err("pulse too short").to_string();
    assert!(msg.contains("inputs[0].stop") && msg.contains("one time step"), "{msg}");
    // Listing a neuron twice would double its input.
    let dup = format!(
        "{BASE}\n[[inputs]]\nname = \"d\"\nkind = \"dc\"\ntarget = \"exc\"\nneurons = [0, 0]\namplitude = \"5 pA\"\n"
    );
    let msg = Model::from_toml(&dup, "net.toml").expect_err("duplicate neuron").to_string();
    assert!(msg.contains("listed twice"), "{msg}");
    // Negative initial conductances would make the membrane equation blow up.
    let neg = BASE
        .replacen(
            "model = \"lif\"",
            "model = \"lif\"\nsynapse = \"conductance\"\ninitial = { g_exc = \"-20 nS\" }",
            1,
        )
        .replace("weight = \"10 pA\"", "weight = \"1 nS\"");
    let msg = Model::from_toml(&neg, "net.toml").expect_err("negative conductance").to_string();
    assert!(msg.contains("populations[0].initial.g_exc"), "{msg}");
}

// Known answers for the messages that used to be serde's: each names the file, the line and
// the key path, and says what to write.

#[test]
fn a_quoted_count_says_to_drop_the_quotes() {
    let msg = error_after("size = 10", "size = \"10\"");
    assert_eq!(
        msg,
        "net.toml:8: populations[0].size: expected a whole number (a count of neurons), got the text \"10\" — write size = 10 without quotes"
    );
}

#[test]
fn a_key_given_twice_is_named_with_both_lines() {
    let msg = error_after("tau_m = \"20 ms\"", "tau_m = \"20 ms\"\ntau_m = \"30 ms\"");
    assert_eq!(
        msg,
        "net.toml:13: populations[0].params.tau_m: \"tau_m\" is given twice in the same table (first on line 12); keep one of them"
    );
    let msg =
        error_after("[simulation]\ndt = \"0.1 ms\"", "[simulation]\ndt = \"0.1 ms\"\n[simulation]\nseed = 3");
    assert_eq!(
        msg,
        "net.toml:5: simulation: the table [simulation] appears twice (first on line 3); put all its keys under one header"
    );
}

#[test]
fn a_missing_key_names_its_table() {
    let msg = error_after("name = \"inh\"\nsize = 5\n", "name = \"inh\"\n");
    assert_eq!(
        msg,
        "net.toml:14: populations[1].size: a population needs size (a count of neurons): add size = 100"
    );
    let msg = Model::from_toml("[simulation]\ndt = \"1 ms\"\n", "net.toml").expect_err("no name").to_string();
    assert_eq!(msg, "net.toml:1: name: the file needs name (the model's name): add name = \"My network\"");
}

#[test]
fn unknown_choices_and_keys_suggest_the_nearest() {
    let msg = error_after("model = \"lif\"", "model = \"hodgkin\"");
    assert_eq!(
        msg,
        "net.toml:9: populations[0].model: unknown neuron model \"hodgkin\" (did you mean hodgkin_huxley?); choose \"lif\", \"izhikevich\", \"adex\", \"hodgkin_huxley\", \"qif\" or \"poisson_source\""
    );
    let msg = error_after("receptor = \"excitatory\"", "receptor = \"excitatory\"\nwieght = \"3 pA\"");
    assert_eq!(
        msg,
        "net.toml:23: projections[0].wieght: \"wieght\" is not a key of a projection (did you mean weight?)"
    );
    let msg = error_after("tau_m = \"20 ms\"", "tua_m = \"20 ms\"");
    assert!(msg.starts_with("net.toml:12: populations[0].params.tua_m: unknown parameter \"tua_m\" for a LIF population with current synapses (did you mean tau_m?)"), "{msg}");
}

#[test]
fn common_syntax_mistakes_are_explained() {
    let msg = error_after("tau_m = \"20 ms\"", "tau_m = 20 ms");
    assert_eq!(
        msg,
        "net.toml:12: populations[0].params.tau_m: a number with a unit goes in quotes: write tau_m = \"20 ms\""
    );
    let msg = error_after("size = 10", "size 10");
    assert_eq!(
        msg,
        "net.toml:8: populations[0].size: expected = between the key and its value: write size = 10"
    );
    let msg = error_after("model = \"lif\"", "model = lif");
    assert!(msg.starts_with("net.toml:9: populations[0].model: "), "{msg}");
    assert!(msg.contains("model = \"lif\""), "{msg}");
}

#[test]
fn echoed_text_never_splits_the_message() {
    let msg = error_after("post = \"inh\"", "post = \"in\\nh\"");
    assert_eq!(msg.lines().count(), 1, "{msg}");
    assert!(
        msg.starts_with("net.toml:21: projections[0].post: there is no population called \"in\\nh\""),
        "{msg}"
    );
}

#[test]
fn a_file_that_is_not_utf8_gives_the_line_and_byte() {
    let mut bytes = BASE.as_bytes().to_vec();
    let at = BASE.find("20 ms").expect("there") + 2;
    bytes.splice(at..at, [0xE9]);
    let msg = Model::from_toml_bytes(&bytes, "net.toml").expect_err("not UTF-8").to_string();
    assert_eq!(
        msg,
        "net.toml:12: byte 12 of this line (0xE9) is not UTF-8 text, after \"tau_m = \\\"20\"; save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)"
    );
}

#[test]
fn reading_and_writing_errors_say_which_and_why_once() {
    let err = Model::load(std::path::Path::new("/no/such/model.toml")).expect_err("missing");
    assert_eq!(err.to_string(), "cannot read /no/such/model.toml: there is no such file");
    assert!(
        std::error::Error::source(&err).is_none(),
        "the cause is in the message, not repeated as a source"
    );
    let dir = std::env::temp_dir();
    let err = common::preset("lif_step.toml").save(&dir).expect_err("a folder");
    assert_eq!(err.to_string(), format!("cannot write {}: it is a folder, not a file", dir.display()));
}

/// A network with an explicit list of `n` synapses whose weights are in the wrong unit.
fn wrong_unit_weights(n: usize) -> String {
    let mut text = String::from(
        "name = \"many\"\n\n[[populations]]\nname = \"a\"\nsize = 1000\nmodel = \"lif\"\n\n[[projections]]\npre = \"a\"\npost = \"a\"\nreceptor = \"excitatory\"\nweight = \"1 pA\"\nconnect = { rule = \"explicit\", synapses = [\n",
    );
    for k in 0..n {
        text += &format!("  {{ pre = {}, post = {}, weight = \"5 mV\" }},\n", k % 1000, (k + 1) % 1000);
    }
    text + "] }\n"
}

#[test]
fn many_problems_show_the_first_twenty_and_count_the_rest() {
    let text = wrong_unit_weights(20_000);
    let err = Model::from_toml(&text, "many.toml").expect_err("wrong units");
    assert_eq!(err.problems().len(), 20_000);
    let msg = err.to_string();
    let lines: Vec<&str> = msg.lines().collect();
    assert_eq!(lines.len(), 21, "{msg}");
    assert_eq!(
        lines[0],
        "many.toml:14: projections[0].connect.synapses[0].weight: \"5 mV\" is a voltage (mV, uV or V), but a current (pA, nA or uA) is expected here"
    );
    assert!(
        lines[19].starts_with("many.toml:33: projections[0].connect.synapses[19].weight"),
        "{}",
        lines[19]
    );
    assert_eq!(lines[20], "… and 19980 more problems");
    assert_eq!(err.problems()[19_999].line, Some(14 + 19_999));
}

#[test]
fn explicit_lists_read_compactly_equal_the_reference_reading() {
    let text = wrong_unit_weights(50).replace("5 mV", "5 pA");
    let fast = Model::from_toml(&text, "list.toml").expect("valid");
    let reference = Model::from_toml_reference(&text, "list.toml", spikelab_core::model::MEMORY_LIMIT_BYTES)
        .expect("valid");
    assert_eq!(fast, reference);
    assert_eq!(fast.projections[0].connect.synapses.len(), 50);
    // And with problems, the same messages.
    for bad in ["5 mV", "5 parsec"] {
        let text = wrong_unit_weights(30).replacen("5 mV", bad, 1);
        let fast = Model::from_toml(&text, "list.toml").expect_err("bad");
        let reference =
            Model::from_toml_reference(&text, "list.toml", spikelab_core::model::MEMORY_LIMIT_BYTES)
                .expect_err("bad");
        assert_eq!(fast.to_string(), reference.to_string());
    }
}

#[test]
fn a_poisson_source_rate_is_capped_at_one_spike_per_step() {
    let text = BASE
        .replacen("model = \"lif\"", "model = \"poisson_source\"", 1)
        .replace("[populations.params]\ntau_m = \"20 ms\"", "[populations.params]\nrate = \"1e12 Hz\"");
    let msg = Model::from_toml(&text, "net.toml").expect_err("too fast").to_string();
    assert_eq!(
        msg,
        "net.toml:12: populations[0].params.rate: a Poisson source fires at most once per time step, so its rate can be at most 1/dt = 10000 Hz (dt = 0.1 ms); 1e12 Hz would mean more than one spike per step. Use a lower rate, or a smaller dt"
    );
    let ok = text.replace("1e12 Hz", "10 kHz");
    Model::from_toml(&ok, "net.toml").unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn saved_synapse_lists_are_written_one_per_line_and_read_back_compactly() {
    let text = wrong_unit_weights(5).replace("5 mV", "5 pA").replacen(
        "weight = \"5 pA\" }",
        "weight = \"5 pA\", delay = \"2 ms\" }",
        1,
    );
    let model = Model::from_toml(&text, "list.toml").expect("valid");
    let saved = model.to_toml();
    assert!(
        saved.contains("synapses = [\n    { pre = 0, post = 1, weight = \"5 pA\", delay = \"2 ms\" },\n"),
        "{saved}"
    );
    assert!(!saved.contains("[[projections.connect.synapses]]"), "{saved}");
    assert_eq!(Model::from_toml(&saved, "saved.toml").expect("loads"), model);
}

#[test]
fn an_inputs_fields_are_its_kinds_and_a_missing_one_is_named_with_its_line() {
    let with_input = |body: &str| format!("{BASE}\n[[inputs]]\nname = \"drive\"\ntarget = \"exc\"\n{body}");
    // A field of another kind, on its own line.
    let text = with_input("kind = \"dc\"\namplitude = \"300 pA\"\nfrequency = \"10 Hz\"\n");
    let msg = Model::from_toml(&text, "net.toml").expect_err("frequency is a sine's").to_string();
    assert_eq!(
        msg,
        format!(
            "net.toml:{}: inputs[0].frequency: frequency is not used by a \"dc\" input (it uses amplitude)",
            line_of(&text, "frequency =")
        )
    );
    // What the kind needs, at the input's table.
    let text = with_input("kind = \"sine\"\namplitude = \"300 pA\"\n");
    let msg = Model::from_toml(&text, "net.toml").expect_err("a sine needs its frequency").to_string();
    assert_eq!(
        msg,
        format!(
            "net.toml:{}: inputs[0].frequency: a \"sine\" input needs frequency (the frequency): add frequency = \"10 Hz\"",
            line_of(&text, "[[inputs]]")
        )
    );
    // Spike times given as an empty list are refused by validation.
    let text = with_input("kind = \"spikes\"\nweight = \"10 pA\"\ntimes = []\n");
    let msg = Model::from_toml(&text, "net.toml").expect_err("no spikes").to_string();
    assert!(msg.contains("inputs[0].times: a \"spikes\" input needs at least one spike time"), "{msg}");
    // And a whole one loads, with its kind's values.
    let text = with_input("kind = \"sine\"\namplitude = \"300 pA\"\nfrequency = \"10 Hz\"\n");
    let m = Model::from_toml(&text, "net.toml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        m.inputs[0].stimulus,
        spikelab_core::model::Stimulus::Sine {
            amplitude: spikelab_core::model::Quantity::pa(300.0),
            frequency: spikelab_core::model::Quantity::hz(10.0),
            phase: None,
            offset: None
        }
    );
}

#[test]
fn reset_by_subtraction_is_for_lif_only_and_says_where() {
    let ok = BASE.replacen("model = \"lif\"", "model = \"lif\"\nreset = \"subtract\"", 1);
    let m = Model::from_toml(&ok, "net.toml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.populations[0].reset, spikelab_core::model::Reset::Subtract);
    assert!(m.to_toml().contains("reset = \"subtract\""), "it round-trips");
    let msg = error_after("model = \"lif\"", "model = \"izhikevich\"\nreset = \"subtract\"");
    assert!(msg.contains("populations[0].reset") && msg.contains("only LIF"), "{msg}");
    let msg = error_after("model = \"lif\"", "model = \"lif\"\nreset = \"halfway\"");
    assert!(msg.contains("halfway") && msg.contains("subtract") && msg.contains("to_v_reset"), "{msg}");
}
