//! Surrogate-gradient training on the digits, measured, and side by side with snnTorch when
//! a Python with snnTorch is given (it is not installed by CI: its CPU wheel pulls ~2.5 GB):
//!
//!     python3 -m venv bench/.venv && bench/.venv/bin/pip install torch snntorch
//!     SNNTORCH_PYTHON=bench/.venv/bin/python cargo run --release --example learning
//!
//! For seeds 1–3, both train the same 64-100-10 network for 30 epochs on the same 1,297
//! training digits and test on the same 500, on one thread: the wall time at which the test
//! accuracy first reaches 95 %, the final accuracy and the total time.

use spikelab::learn::{TrainConfig, Trainer};
use std::sync::atomic::AtomicBool;

struct Result {
    to_95_s: Option<f64>,
    accuracy: f64,
    wall_s: f64,
}

fn main() {
    let python = std::env::var("SNNTORCH_PYTHON").ok();
    println!("30 epochs, digits 1,297 train / 500 test, 64-100-10 LIF, rate code T = 25, one thread");
    println!("{:<10} {:>5} {:>10} {:>10} {:>9}", "", "seed", "95 % at s", "final %", "total s");
    let go = AtomicBool::new(false);
    for seed in 1..=3 {
        let mut cfg = TrainConfig::load("digits_surrogate").expect("the shipped configuration");
        cfg.seed = seed;
        let mut t = Trainer::new(cfg.clone()).expect("trainer");
        for _ in 0..cfg.epochs {
            t.epoch(&go, &mut |_| {});
        }
        let ours = Result {
            to_95_s: t.history.iter().find(|r| r.test_accuracy >= 0.95).map(|r| r.wall_s),
            accuracy: t.history.last().map_or(0.0, |r| r.test_accuracy),
            wall_s: t.history.last().map_or(0.0, |r| r.wall_s),
        };
        show("SpikeLab", seed, &ours);
        if let Some(python) = &python {
            match snntorch(python, &t, seed, cfg.epochs) {
                Ok(r) => show("snnTorch", seed, &r),
                Err(e) => println!("snnTorch   {seed:>5}  could not run: {e}"),
            }
        }
    }
    if python.is_none() {
        println!("(set SNNTORCH_PYTHON to a Python with snntorch to run it side by side)");
    }
}

fn show(who: &str, seed: u64, r: &Result) {
    let to = r.to_95_s.map_or("never".into(), |s| format!("{s:.2}"));
    println!("{who:<10} {seed:>5} {to:>10} {:>10.1} {:>9.2}", 100.0 * r.accuracy, r.wall_s);
}

/// Runs bench/snntorch_digits.py on the same split and reads its JSON.
fn snntorch(python: &str, t: &Trainer, seed: u64, epochs: u64) -> std::result::Result<Result, String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let split = std::env::temp_dir().join(format!("spikelab-split-{}.json", std::process::id()));
    let json = serde_json::json!({ "train": t.split.train, "test": t.split.test });
    std::fs::write(&split, json.to_string()).map_err(|e| e.to_string())?;
    let out = std::process::Command::new(python)
        .current_dir(root)
        .args(["bench/snntorch_digits.py", "--split"])
        .arg(&split)
        .args(["--epochs", &epochs.to_string(), "--seed", &seed.to_string()])
        .output()
        .map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&split);
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or_default().to_string());
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    let epochs = v["epochs"].as_array().cloned().unwrap_or_default();
    Ok(Result {
        to_95_s: epochs
            .iter()
            .find(|e| e["test_accuracy"].as_f64().unwrap_or(0.0) >= 0.95)
            .and_then(|e| e["wall_s"].as_f64()),
        accuracy: v["test_accuracy"].as_f64().unwrap_or(0.0),
        wall_s: v["wall_s"].as_f64().unwrap_or(0.0),
    })
}
