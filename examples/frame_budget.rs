//! Frame budget of the workbench: drives the real app through egui_kittest while a network
//! runs, and prints the UI's CPU time per frame (median and 95th percentile over 300 frames)
//! with the raster showing the last second.
//!
//!     cargo run --release --example frame_budget               # brunel_ai
//!     cargo run --release --example frame_budget -- cuba.toml
//!     cargo run --release --example frame_budget -- brunel_ai.toml --paused   # UI alone
//!     cargo run --release --example frame_budget -- brunel_ai.toml --view weights   # + heatmap
//!     cargo run --release --example frame_budget -- brunel_ai.toml --view weights --stdp
//!
//! `--stdp` puts STDP on the first projection (Brunel: exc → exc, 10,000 × 10,000, shown as a
//! 1000 × 1000 image of block means), so the heatmap is refreshed 10 times a second: the worst
//! case for the weights view.
//!
//! The simulation thread runs on the other core; only the UI thread's time is measured.

use egui_kittest::Harness;
use spikelab::app::SpikeLabApp;
use spikelab::app::runner::Speed;
use spikelab::app::views::Tab;
use spikelab::model::{Dist, Model, Quantity, Stdp, StdpRule, presets};
use std::time::{Duration, Instant};

fn main() {
    let name = std::env::args().nth(1).unwrap_or_else(|| "brunel_ai.toml".into());
    let paused = std::env::args().any(|a| a == "--paused");
    let args: Vec<String> = std::env::args().collect();
    let views: Vec<Tab> =
        args.windows(2).filter(|w| w[0] == "--view").filter_map(|w| Tab::from_key(&w[1])).collect();
    let Some(text) = presets::preset(&name) else {
        eprintln!("no preset called {name}");
        std::process::exit(2);
    };
    let model = match Model::from_toml(text, &name) {
        Ok(mut m) => {
            if args.iter().any(|a| a == "--stdp")
                && let Some(p) = m.projections.first_mut()
                && let Dist::Constant(w) = p.weight
            {
                p.stdp = Some(Stdp {
                    rule: StdpRule::Additive,
                    a_plus: Quantity::number(0.001),
                    a_minus: Quantity::number(0.00105),
                    tau_plus: Quantity::ms(20.0),
                    tau_minus: Quantity::ms(20.0),
                    w_min: None,
                    w_max: Quantity::new(2.0 * w.value, w.unit),
                    enabled: true,
                });
            }
            m
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let app = SpikeLabApp::new(model, None, &name, || {});
    let mut harness = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_ui_state(|ui: &mut egui::Ui, app: &mut SpikeLabApp| app.ui_root(ui), app);
    for &tab in &views {
        harness.state_mut().show_view(tab);
    }
    harness.state_mut().set_speed(Speed::Max);
    harness.state_mut().play();
    // Fill the raster: wait until a full second of activity is on screen.
    let started = Instant::now();
    while harness.state().live().time_ms < 1200.0 && started.elapsed() < Duration::from_secs(120) {
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    if paused {
        harness.state_mut().pause();
    }
    let mut times = Vec::with_capacity(300);
    let mut spikes_on_screen = 0;
    for _ in 0..300 {
        let t = Instant::now();
        harness.step();
        times.push(t.elapsed().as_secs_f64() * 1e3);
        let now = harness.state().live().time_ms;
        spikes_on_screen = harness.state().live().spikes_between(now - 1000.0, now).len();
        std::thread::sleep(Duration::from_millis(4));
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!("{name}: {} frames, {} spikes in the last second on screen", times.len(), spikes_on_screen);
    let weights =
        harness.state().live().weights.as_ref().map(|w| (w.blocks.mean.nrows(), w.blocks.mean.ncols()));
    if let Some((rows, cols)) = weights {
        println!("weights view: a {rows} × {cols} image, refreshed up to 10 times a second");
    }
    println!(
        "UI time per frame: median {:.2} ms, 95th percentile {:.2} ms, max {:.2} ms",
        at(0.5),
        at(0.95),
        at(1.0)
    );
    println!("(biological time reached: {:.0} ms)", harness.state().live().time_ms);
}
