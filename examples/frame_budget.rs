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
    let (triangles, area) = fill_of(&harness.ctx, harness.output());
    println!(
        "drawing a frame: {triangles} triangles covering {:.2} M pixels ({:.1} × the window)",
        area / 1e6,
        area / (1600.0 * 1000.0)
    );
    println!("(biological time reached: {:.0} ms)", harness.state().live().time_ms);
}

/// What a frame asks of the renderer: its triangles and the pixels they cover (clipped to
/// their clip rectangles). Without a GPU the pixels are the cost: each one is shaded and blended
/// on the CPU. The test harness paints a backdrop of its own under the app (about one window's
/// worth of pixels) that the real window does not have.
fn fill_of(ctx: &egui::Context, output: &egui::FullOutput) -> (usize, f64) {
    let prims = ctx.tessellate(output.shapes.clone(), output.pixels_per_point);
    let (mut triangles, mut area) = (0, 0.0);
    for p in &prims {
        if let egui::epaint::Primitive::Mesh(mesh) = &p.primitive {
            let clip = p.clip_rect;
            for t in mesh.indices.chunks_exact(3) {
                let [a, b, c] = [0, 1, 2].map(|k| mesh.vertices[t[k] as usize].pos);
                let bbox = egui::Rect::from_points(&[a, b, c]);
                let shown = bbox.intersect(clip);
                if !shown.is_positive() {
                    continue;
                }
                let whole = ((b - a).x * (c - a).y - (b - a).y * (c - a).x).abs() as f64 / 2.0;
                // The part inside the clip rectangle, in proportion to the bounding box's.
                area += whole * (shown.area() / bbox.area().max(1e-6)).min(1.0) as f64;
                triangles += 1;
            }
        }
    }
    (triangles, area * (output.pixels_per_point as f64).powi(2))
}
