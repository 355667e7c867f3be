//! How long encoding the whole shipped digits set takes, with each encoder, 100 ms a sample
//! (target: under a second each, release build), and what each costs in spikes.
//!
//!     cargo run --release --example encode

use spikelab::data::{Dataset, Latency, Rate, Saccades};
use std::time::Instant;

fn main() {
    let d = Dataset::digits().expect("the shipped digits");
    let images: Vec<Vec<f32>> = (0..d.len()).map(|k| d.intensities(k)).collect();
    println!("{} digits of {}×{} pixels, 100 ms a sample", d.len(), d.width, d.height);
    println!("{:<34} {:>9} {:>16}", "encoder", "time (s)", "spikes a sample");
    let time = |name: &str, encode: &dyn Fn(&[f32], u64) -> usize| {
        let start = Instant::now();
        let spikes: usize = images.iter().enumerate().map(|(k, x)| encode(x, k as u64)).sum();
        let s = start.elapsed().as_secs_f64();
        println!("{name:<34} {s:>9.3} {:>16.1}", spikes as f64 / images.len() as f64);
    };
    let rate = Rate { max_rate_hz: 100.0, duration_ms: 100.0, dt_ms: 0.1 };
    time("rate, 100 Hz max, dt 0.1 ms", &|x, seed| rate.encode(x, seed).len());
    let latency = Latency { tau_ms: 20.0, threshold: 0.2, t_max_ms: 100.0 };
    time("latency, tau 20 ms, threshold 0.2", &|x, _| latency.encode(x).len());
    let saccades = Saccades { sweep_ms: 100.0 / 3.0, ..Saccades::default() };
    time("saccades, 3 × 33 ms, dt 1 ms", &|x, _| saccades.encode(x, d.width).len());
}
