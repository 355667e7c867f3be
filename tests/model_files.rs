//! Model files: every preset loads, saves and loads back equal; every kind of mistake is
//! reported with the file, the line, the key and the cause.

mod common;
use spikelab::model::{Model, presets::PRESETS};

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
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/presets").join(name);
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
    let readme = include_str!("../README.md");
    let start = readme.find("```toml\n").expect("README has a TOML example") + "```toml\n".len();
    let end = start + readme[start..].find("```").expect("closed");
    let model = Model::from_toml(&readme[start..end], "README.md").unwrap_or_else(|e| panic!("{e}"));
    let mut net = spikelab::sim::Network::build(&model).expect("builds");
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
