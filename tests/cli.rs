//! The `spikelab run` command line, run as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn spikelab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spikelab")).args(args).output().expect("spikelab runs")
}

fn preset_path(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/presets").join(name).display().to_string()
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("spikelab-cli-{}-{name}", std::process::id()))
}

#[test]
fn json_summary_has_the_documented_fields() {
    let out = spikelab(&["run", &preset_path("cuba.toml"), "--duration", "500ms", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON object");
    assert_eq!(report["duration_ms"].as_f64(), Some(500.0));
    assert!(report["wall_s"].as_f64().is_some_and(|w| w > 0.0));
    assert!(report["synaptic_events"].as_u64().is_some_and(|e| e > 0));
    let pops = report["populations"].as_array().expect("populations");
    let names: Vec<&str> = pops.iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, ["exc", "inh"]);
    for p in pops {
        let (size, spikes, rate) = (
            p["size"].as_f64().unwrap_or(0.0),
            p["spikes"].as_f64().unwrap_or(0.0),
            p["rate_hz"].as_f64().unwrap_or(-1.0),
        );
        assert!((rate - spikes / size / 0.5).abs() < 1e-9, "rate_hz is spikes per neuron per second: {p}");
        assert!(p["cv_isi"].as_f64().is_some());
        let total = |h: &serde_json::Value| {
            h["counts"].as_array().map(|c| c.iter().filter_map(|x| x.as_u64()).sum::<u64>())
        };
        assert_eq!(total(&p["rate_histogram"]), Some(size as u64), "every neuron in the rate histogram");
        assert!(total(&p["isi_histogram"]).is_some_and(|n| n > 0 && (n as f64) < spikes));
        assert!(p["synchrony"].as_f64().is_some_and(|s| s > 0.0));
        assert!(p["spectrum_peak"]["freq_hz"].as_f64().is_some_and(|f| f > 0.0 && f <= 1000.0));
        assert!(p["spectrum_peak"]["power"].as_f64().is_some_and(|w| w > 0.0));
    }
}

#[test]
fn spike_csv_is_identical_for_the_same_seed_and_differs_for_another() {
    let (a, b, c) = (temp("a.csv"), temp("b.csv"), temp("c.csv"));
    for (path, seed) in [(&a, "7"), (&b, "7"), (&c, "8")] {
        let out = spikelab(&[
            "run",
            &preset_path("coba.toml"),
            "--duration",
            "200 ms",
            "--seed",
            seed,
            "--spikes",
            &path.display().to_string(),
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let read = |p: &PathBuf| std::fs::read_to_string(p).expect("csv written");
    let (ta, tb, tc) = (read(&a), read(&b), read(&c));
    for p in [&a, &b, &c] {
        let _ = std::fs::remove_file(p);
    }
    // A comment line says when a spike's time is, then the header.
    let first = ta.lines().next().unwrap_or_default();
    assert!(first.starts_with("# time_ms: end of the time step") && first.contains("NEST"), "{first}");
    assert_eq!(ta.lines().nth(1), Some("time_ms,population,neuron"));
    assert!(ta.lines().count() > 1000, "too few spikes in the file");
    assert_eq!(ta, tb, "same seed, different spike files");
    assert_ne!(ta, tc, "another seed gave the same spikes");
    // Rows are (time, population name, index within population), in time order.
    let mut last = 0.0;
    for row in ta.lines().skip(2) {
        let fields: Vec<&str> = row.split(',').collect();
        let t: f64 = fields[0].parse().expect("time");
        assert!(t >= last && t <= 200.0);
        last = t;
        assert!(fields[1] == "exc" || fields[1] == "inh");
        let limit = if fields[1] == "exc" { 3200 } else { 800 };
        assert!(fields[2].parse::<u32>().expect("index") < limit);
    }
}

#[test]
fn readable_summary_and_presets_by_name() {
    let out = spikelab(&["run", "lif_step", "--duration", "1 s"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("LIF step") && text.contains("neuron") && text.contains("rate (Hz)"), "{text}");
}

#[test]
fn bad_files_exit_non_zero_with_the_message_and_no_backtrace() {
    let path = temp("bad.toml");
    std::fs::write(&path, "name = \"x\"\n[[populations]]\nname = \"a\"\nsize = 3\nmodel = \"lif\"\nparams = { tau_m = \"-3 ms\" }\n")
        .expect("write");
    let out = spikelab(&["run", &path.display().to_string()]);
    let _ = std::fs::remove_file(&path);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:6: populations[0].params.tau_m"), "{err}");
    assert!(!err.contains("panicked") && !err.contains("backtrace"), "{err}");

    let out = spikelab(&["run", "/no/such/file.toml"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file.toml"));

    let out = spikelab(&["run", &preset_path("cuba.toml"), "--duration", "5 mV"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--duration"));
}

#[test]
fn json_reports_histograms_spectrum_and_synchrony_of_a_regular_neuron() {
    // One LIF neuron (τm 20 ms, C 200 pF, rest = reset = -70 mV, threshold -50 mV, t_ref 2 ms)
    // under 300 pA from t = 0: V∞ = -40 mV, it reaches threshold after 20 ln 3 = 21.97 ms,
    // rounded up to 22.0 ms at dt = 0.1 ms, so it fires at 22, 46, 70, … ms (intervals 24 ms):
    // 25 spikes in 600 ms, 41.67 Hz, all intervals equal.
    let path = temp("regular.toml");
    std::fs::write(
        &path,
        r#"
name = "regular"
[simulation]
dt = "0.1 ms"
duration = "600 ms"
[[populations]]
name = "cell"
size = 1
model = "lif"
params = { tau_m = "20 ms", c_m = "200 pF", v_rest = "-70 mV", v_reset = "-70 mV", v_thresh = "-50 mV", t_ref = "2 ms" }
[[inputs]]
name = "dc"
kind = "dc"
target = "cell"
amplitude = "300 pA"
"#,
    )
    .expect("write");
    let out = spikelab(&["run", &path.display().to_string(), "--json"]);
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON object");
    let p = &report["populations"][0];
    let num = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN);
    let counts = |h: &serde_json::Value| -> Vec<u64> {
        h["counts"].as_array().expect("counts").iter().filter_map(|c| c.as_u64()).collect()
    };
    let rate = 1000.0 / 24.0;
    assert_eq!(p["spikes"].as_u64(), Some(25));
    assert!((num(&p["rate_hz"]) - rate).abs() < 1e-9, "{p}");
    assert!(num(&p["cv_isi"]).abs() < 1e-9, "CV of equal intervals: {p}");

    // ISI histogram: all 24 intervals in the one bin that holds 24 ms.
    let isi = &p["isi_histogram"];
    let c = counts(isi);
    assert_eq!(c.iter().sum::<u64>(), 24);
    let full: Vec<usize> = (0..c.len()).filter(|&i| c[i] > 0).collect();
    assert_eq!(full.len(), 1, "{isi}");
    let (lo, bin) = (num(&isi["lo"]), num(&isi["bin"]));
    let edge = lo + full[0] as f64 * bin;
    assert!(edge <= 24.0 && 24.0 < edge + bin, "{isi}");
    // Rate histogram across neurons: the one neuron.
    assert_eq!(counts(&p["rate_histogram"]).iter().sum::<u64>(), 1);

    // Population rate in 0.5 ms bins: 25 bins of 2000 Hz among 1200, so its CV (synchrony) is
    // sqrt((1 - q)/q) with q = 1/48, i.e. sqrt(47).
    assert_eq!(num(&p["rate_bin_ms"]), 0.5);
    assert!((num(&p["synchrony"]) - 47f64.sqrt()).abs() < 1e-9, "{p}");
    // Spectrum: a periodic train puts equal power at every harmonic of 41.67 Hz (the report
    // names the fundamental). Hann-windowed density at each, with the spikes evenly spread
    // over the window (Σ w = 25/2): 2·(2000·12.5)²·Δt/Σw² = (4/3)·rate²·T = 1388.9 Hz²/Hz.
    let peak = &p["spectrum_peak"];
    assert!((num(&peak["freq_hz"]) - rate).abs() < 1e-9, "{peak}");
    let expected = 4.0 / 3.0 * rate * rate * 0.6;
    assert!((num(&peak["power"]) - expected).abs() < 1e-6 * expected, "{peak} vs {expected}");
}

#[test]
fn an_unwritable_output_is_reported_before_the_run_and_absurd_runs_need_force() {
    // Brunel AI for 1000 s would take many minutes; the bad path must stop it before it starts,
    // so the only output is the error (no progress bar, no summary).
    let out = spikelab(&["run", "brunel_ai", "--duration", "1000s", "--spikes", "/nonexistent-dir/s.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: cannot write /nonexistent-dir/s.csv: "), "{err}");
    assert_eq!(err.matches("No such file").count(), 1, "the cause once: {err}");
    assert!(out.stdout.is_empty());

    let out = spikelab(&["run", "cuba", "--duration", "1e15 ms"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("would take about") && err.contains("years") && err.contains("--force"), "{err}");

    let out = spikelab(&["run", "cuba", "--duration", "nan ms"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--duration"));
}

#[test]
fn a_population_firing_at_the_step_rate_is_warned_about() {
    // Izhikevich (2003) under 1e6 pA: v jumps past the 30 mV peak every step, so the neuron
    // "fires" at 1/dt = 10 kHz, a number set by dt alone.
    let path = temp("izh-huge.toml");
    std::fs::write(
        &path,
        r#"name = "huge drive"
[simulation]
dt = "0.1 ms"
[[populations]]
name = "rs"
size = 2
model = "izhikevich"
[[inputs]]
name = "dc"
kind = "dc"
target = "rs"
amplitude = "1000000 pA"
"#,
    )
    .expect("temp file");
    let out = spikelab(&["run", &path.display().to_string(), "--duration", "20ms"]);
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: population \"rs\" fired at 10000 Hz") && err.contains("dt"), "{err}");
    // A normal run has no such warning.
    let out = spikelab(&["run", "cuba", "--duration", "200ms"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
}

#[test]
fn spikelab_train_prints_its_epochs_as_one_json_object_the_same_for_the_same_seed() {
    let train = |seed: &str| {
        let out = spikelab(&["train", "digits_surrogate", "--epochs", "3", "--seed", seed, "--json"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON object");
        v
    };
    let a = train("4");
    assert_eq!(a["method"], "surrogate");
    let epochs = a["epochs"].as_array().expect("epochs");
    assert_eq!(epochs.len(), 3);
    for (k, e) in epochs.iter().enumerate() {
        assert_eq!(e["epoch"].as_u64(), Some(k as u64 + 1));
        for key in ["loss", "train_accuracy", "test_accuracy", "wall_s"] {
            assert!(e[key].as_f64().is_some(), "{key} in {e}");
        }
    }
    assert_eq!(a["test_accuracy"], epochs[2]["test_accuracy"]);
    // 64·100 + 100·10 weights: one multiply-accumulate each.
    assert_eq!(a["ann_macs_per_inference"].as_f64(), Some(7400.0));
    assert!(a["synaptic_events_per_inference"].as_f64().is_some_and(|e| e > 0.0));
    // The same seed, the same numbers (all but the wall time).
    let b = train("4");
    let strip = |v: &serde_json::Value| {
        v["epochs"]
            .as_array()
            .expect("epochs")
            .iter()
            .map(|e| (e["loss"].clone(), e["test_accuracy"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&a), strip(&b));
    // A broken file is refused with its line and key.
    let path = temp("bad-train.toml");
    let text = spikelab::learn::config::BUILT_IN[0].1.replace("steps = 25", "steps = 0");
    std::fs::write(&path, text).expect("written");
    let out = spikelab(&["train", path.to_str().expect("utf-8")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad-train.toml:") && err.contains("data.steps: a sample is shown for 1 to"),
        "{err}"
    );
    let _ = std::fs::remove_file(path);
}

/// A lesson that does not exist is refused before any window opens, with the list of lessons.
#[test]
fn an_unknown_lesson_is_refused_with_the_list_of_lessons() {
    let out = spikelab(&["--lesson", "13"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("there is no lesson 13"), "{err}");
    assert!(err.contains(" 1  ") && err.contains("12  "), "the lessons are listed: {err}");
    let out = spikelab(&["--lesson", "1", "--step", "9"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("has steps 1 to 6, not 9"), "{err}");
}

/// Under a 4 GB address-space limit (a small laptop), 5·10^7 Hodgkin–Huxley neurons are refused
/// before anything is allocated, with the memory they need and the population that needs it,
/// and the command fails cleanly (exit 1) instead of aborting in an allocation.
#[test]
fn a_model_too_large_for_this_processs_memory_is_refused_with_the_estimate() {
    let file = temp("hh_5e7.toml");
    let text = std::fs::read_to_string(preset_path("hodgkin_huxley.toml")).expect("preset");
    let text = text.replacen("size = 2\n", "size = 50000000\n", 1);
    assert!(text.contains("size = 50000000"), "the preset's population is resized");
    std::fs::write(&file, text).expect("written");
    let limited = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4194304 && exec \"$0\" run \"$1\"")
        .arg(env!("CARGO_BIN_EXE_spikelab"))
        .arg(&file)
        .output()
        .expect("sh runs");
    let err = String::from_utf8_lossy(&limited.stderr);
    assert_eq!(limited.status.code(), Some(1), "refused, not aborted: {err}");
    assert!(err.contains("hh_5e7.toml:") && err.contains("populations[0]"), "the place: {err}");
    assert!(err.contains("population \"axon\" alone needs") && err.contains("GB"), "the figure: {err}");
    let _ = std::fs::remove_file(&file);
}

/// A mistyped training configuration gets the nearest name and the list of built-in ones.
#[test]
fn an_unknown_training_configuration_is_refused_with_the_list() {
    let out = spikelab(&["train", "digits_surogate"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("did you mean digits_surrogate?"), "{err}");
    for name in spikelab::learn::config::BUILT_IN.iter().map(|(n, _)| *n) {
        assert!(err.contains(&format!("\"{name}\"")), "{name} is listed: {err}");
    }
}
