//! Speed benchmark: simulates the CUBA and COBA networks of Brette et al. (2007) for 10 s and
//! Brunel's (2000) asynchronous-irregular network for 1 s of biological time at dt = 0.1 ms,
//! and prints wall time, synaptic events per second and memory per synapse.
//!
//!     cargo run -p spikelab-core --release --example bench                 # all three, one thread
//!     cargo run -p spikelab-core --release --example bench -- cuba 2       # one network, 2 s
//!     cargo run -p spikelab-core --release --example bench -- brunel_ai 1 2  # ... on 2 threads
//!
//! Reference on the project's machine, Brian2 2.x C++ standalone, one thread: CUBA 10 s 0.88 s,
//! COBA 10 s 1.3 s, Brunel AI 1 s 6.3 s.

use spikelab_core::model::{Model, presets};
use spikelab_core::sim::Network;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs: Vec<(&str, f64)> = match args.first() {
        Some(name) => vec![(name.as_str(), args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1.0))],
        None => vec![("cuba", 10.0), ("coba", 10.0), ("brunel_ai", 1.0)],
    };
    let threads: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    println!(
        "{:<10} {:>8} {:>8} {:>10} {:>10} {:>12} {:>10} {:>10}",
        "model", "threads", "bio (s)", "wall (s)", "build (s)", "events/s", "rate (Hz)", "B/synapse"
    );
    for (name, seconds) in runs {
        let Some(text) = presets::preset(name) else {
            eprintln!("no preset called {name}");
            std::process::exit(2);
        };
        let model = match Model::from_toml(text, name) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        let built = Instant::now();
        let mut net = match Network::build(&model) {
            Ok(n) => n,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        let build_s = built.elapsed().as_secs_f64();
        net.set_threads(threads);
        let started = Instant::now();
        if let Err(e) = net.run_for(seconds * 1000.0) {
            eprintln!("{e}");
            std::process::exit(1);
        }
        let wall = started.elapsed().as_secs_f64();
        let neurons: usize = net.populations().map(|(_, n)| n).sum();
        let rate = net.spikes().total() as f64 / neurons as f64 / seconds;
        let synapses = net.synapse_count().max(1) as f64;
        let bytes: f64 =
            net.projections().iter().map(|p| p.bytes_per_synapse() * p.synapse_count() as f64).sum::<f64>()
                / synapses;
        println!(
            "{:<10} {:>8} {:>8.1} {:>10.3} {:>10.3} {:>12.3e} {:>10.2} {:>10.2}",
            name,
            threads,
            seconds,
            wall,
            build_s,
            net.synaptic_events() as f64 / wall,
            rate,
            bytes
        );
    }
}
