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
    assert_eq!(ta.lines().next(), Some("time_ms,population,neuron"));
    assert!(ta.lines().count() > 1000, "too few spikes in the file");
    assert_eq!(ta, tb, "same seed, different spike files");
    assert_ne!(ta, tc, "another seed gave the same spikes");
    // Rows are (time, population name, index within population), in time order.
    let mut last = 0.0;
    for row in ta.lines().skip(1) {
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
