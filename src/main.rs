//! The `spikelab` command: with no arguments (or a model file) it opens the workbench window;
//! `spikelab run FILE` simulates a model headless.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use signal_hook::consts::SIGINT;
use spikelab::analysis::{PopulationReport, ReportBuilder, step_rate_warning};
use spikelab::app::views::Tab;
use spikelab::export::SpikeCsv;
use spikelab::model::{Dimension, Model, Quantity, presets};
use spikelab::sim::{Network, estimate_run};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(name = "spikelab", version, about = "A workbench for spiking neural networks")]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Model file (or preset name) to open in the window; default: the CUBA preset.
    file: Option<String>,
    /// Start running as soon as the window opens.
    #[arg(long)]
    play: bool,
    /// Bring these views to the front (repeatable); the views are listed in the help.
    #[arg(long, value_parser = parse_view, help = view_help())]
    view: Vec<Tab>,
    /// Open in presentation mode: everything 1.5× larger, for a projector (F5 in the window).
    #[arg(long)]
    present: bool,
    /// Start lesson N (1 = the first) of the Lessons panel.
    #[arg(long)]
    lesson: Option<usize>,
    /// With --lesson: open it at step K (1 = the first).
    #[arg(long, requires = "lesson")]
    step: Option<usize>,
}

fn view_help() -> String {
    format!("Bring these views to the front: {} (repeatable)", Tab::keys().join(", "))
}

fn parse_view(name: &str) -> Result<Tab, String> {
    Tab::from_key(name).ok_or_else(|| {
        let names = Tab::keys();
        format!("no view called {name:?}; the views are {}", names.join(", "))
    })
}

#[derive(Subcommand)]
enum Command {
    /// Simulate a model file without a window and summarise what happened.
    Run {
        /// Model file (TOML), or the name of a preset such as `cuba`.
        file: String,
        /// Biological time to simulate, e.g. `1000ms` or `2 s` (default: the file's duration).
        #[arg(long)]
        duration: Option<String>,
        /// Seed of every random draw (default: the file's seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Write every spike to this CSV file (`time_ms,population,neuron`, after a comment
        /// line that says when a spike's time is).
        #[arg(long)]
        spikes: Option<PathBuf>,
        /// Print one JSON object instead of a readable summary.
        #[arg(long)]
        json: bool,
        /// Threads for inputs and spike delivery (results are identical for any number).
        #[arg(long, default_value_t = 1)]
        threads: usize,
        /// Run even if the run is estimated to take more than an hour.
        #[arg(long)]
        force: bool,
    },
    /// Train a network as a training configuration says, and print how it learns.
    Train {
        /// Training configuration (TOML), or the name of a built-in one such as
        /// `digits_surrogate`.
        config: String,
        /// Epochs to train (default: the configuration's).
        #[arg(long)]
        epochs: Option<u64>,
        /// Seed of every random draw (default: the configuration's).
        #[arg(long)]
        seed: Option<u64>,
        /// Print one JSON object instead of a line an epoch.
        #[arg(long)]
        json: bool,
        /// Save the trained network as a model file (its weights as .npy files beside it),
        /// which the workbench opens and runs.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// List the presets built into SpikeLab.
    Presets,
}

fn main() {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Some(Command::Run { file, duration, seed, spikes, json, threads, force }) => {
            run(&file, duration.as_deref(), seed, spikes.as_deref(), json, threads, force)
        }
        Some(Command::Train { config, epochs, seed, json, out }) => {
            train(&config, epochs, seed, json, out.as_deref())
        }
        Some(Command::Presets) => {
            for (name, text) in presets::PRESETS {
                let title = text.lines().next().unwrap_or_default();
                println!("{name:28} {title}");
            }
            Ok(())
        }
        None => {
            let lesson = cli.lesson.map(|n| (n, cli.step.unwrap_or(1)));
            match lesson.map(|(n, step)| known_lesson(n, step)).transpose() {
                Ok(_) => window(cli.file.as_deref(), cli.play, cli.present, cli.view, lesson),
                Err(e) => Err(e),
            }
        }
    };
    if let Err(e) = outcome {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

/// Refuses a lesson or a step that does not exist, listing what there is.
fn known_lesson(n: usize, step: usize) -> Result<()> {
    let panel = spikelab::app::lessons::LessonsPanel::default();
    let lessons: Vec<_> = panel.list().iter().filter_map(|l| l.as_ref().ok()).collect();
    let list = || {
        let titles: Vec<String> =
            lessons.iter().enumerate().map(|(k, l)| format!("  {:>2}  {}", k + 1, l.lesson.title)).collect();
        titles.join("\n")
    };
    let Some(lesson) = n.checked_sub(1).and_then(|k| lessons.get(k)) else {
        anyhow::bail!("there is no lesson {n}; the lessons are:\n{}", list());
    };
    let steps = lesson.lesson.steps.len();
    if step == 0 || step > steps {
        anyhow::bail!("lesson {n} (\"{}\") has steps 1 to {steps}, not {step}", lesson.lesson.title);
    }
    Ok(())
}

/// Opens the workbench on a file, a preset, or the default preset.
fn window(
    file: Option<&str>,
    play: bool,
    present: bool,
    views: Vec<Tab>,
    lesson: Option<(usize, usize)>,
) -> Result<()> {
    let mut failures = Vec::new();
    for renderer in spikelab::app::RENDERERS {
        let settings_file = spikelab::app::settings::default_file();
        let mut options = spikelab::app::native_options(renderer);
        if let Some(size) =
            settings_file.as_deref().and_then(|f| spikelab::app::settings::Settings::load(f).window)
        {
            options.viewport = options.viewport.with_inner_size(size);
        }
        let file = file.map(str::to_string);
        let views = views.clone();
        let outcome = eframe::run_native(
            "SpikeLab",
            options,
            Box::new(move |cc| {
                let ctx = cc.egui_ctx.clone();
                let repaint = move || ctx.request_repaint();
                let mut app = match &file {
                    None => spikelab::app::SpikeLabApp::with_default_preset(repaint),
                    // A file that cannot be read is said in the window (and on the terminal),
                    // which opens on the default model.
                    Some(f) => {
                        spikelab::app::SpikeLabApp::open_at_start(f, repaint, |e| eprintln!("error: {e}"))
                    }
                };
                if let Some(file) = settings_file {
                    app.remember_settings_in(&cc.egui_ctx, file);
                }
                if let Some((n, step)) = lesson {
                    app.start_lesson(n.saturating_sub(1));
                    app.go_to_step(step.saturating_sub(1));
                }
                app.show_views(&views);
                if present {
                    app.set_presentation(&cc.egui_ctx, true);
                }
                if play {
                    app.play();
                }
                Ok(Box::new(app))
            }),
        );
        match outcome {
            Ok(()) => return Ok(()),
            // Only a renderer that could not start is worth another try; a model that does
            // not load fails the same way with every renderer.
            Err(eframe::Error::AppCreation(e)) => anyhow::bail!("could not open the window: {e}"),
            Err(e) => failures.push(format!("{renderer}: {e}")),
        }
    }
    anyhow::bail!("could not open the window: {}", failures.join("; "))
}

/// Loads a file, or a built-in preset when no such file exists.
fn load(file: &str) -> Result<Model> {
    Ok(presets::file_or_preset(file)?)
}

/// Runs longer than this (estimated) are refused unless `--force`.
const LONGEST_RUN_S: f64 = 3600.0;

#[allow(clippy::too_many_arguments)]
fn run(
    file: &str,
    duration: Option<&str>,
    seed: Option<u64>,
    spikes_csv: Option<&Path>,
    json: bool,
    threads: usize,
    force: bool,
) -> Result<()> {
    let mut model = load(file)?;
    if let Some(seed) = seed {
        model.simulation.seed = seed;
    }
    let duration_ms = match duration {
        Some(text) => {
            let q = Quantity::parse(text).map_err(anyhow::Error::msg).context("--duration")?;
            let ms = q.expect(Dimension::Time).map_err(anyhow::Error::msg).context("--duration")?;
            if !(ms >= 0.0 && ms.is_finite()) {
                bail!("--duration must be a time of zero or more, got {text}");
            }
            ms
        }
        None => model.duration_ms(),
    };
    model.simulation.duration = Quantity::ms(duration_ms);
    for warning in model.warnings() {
        eprintln!("warning: {file}: {warning}");
    }
    let estimate = estimate_run(&model, duration_ms);
    if estimate.wall_s > LONGEST_RUN_S && !force {
        bail!(
            "{file}: {duration_ms} ms of simulated time would take {} on one thread here ({}). \
             Shorten it with --duration, or add --force to run it anyway",
            estimate.wall_time_words(),
            estimate.describe()
        );
    }
    let names: Vec<String> = model.populations.iter().map(|p| p.name.clone()).collect();
    // Before the run: a path that cannot be written is reported now, not after an hour.
    let mut csv = spikes_csv.map(|path| SpikeCsv::create(path, &names, model.dt_ms())).transpose()?;
    if estimate.wall_s > 10.0 {
        eprintln!(
            "note: {duration_ms} ms of simulated time will take {} here ({}); Ctrl+C stops it",
            estimate.wall_time_words(),
            estimate.describe()
        );
    }
    let mut net = Network::build(&model).with_context(|| format!("building {file}"))?;
    net.set_threads(threads);
    // Spikes go to the report and the file as they happen; the log keeps only the newest.
    let pops: Vec<(String, usize)> = net.populations().map(|(n, s)| (n.to_string(), s)).collect();
    let mut report = ReportBuilder::new(&pops, net.dt_ms(), rate_bin_ms(net.dt_ms()));
    let interrupted = Arc::new(AtomicBool::new(false));
    // The first Ctrl+C stops the run and reports what was simulated; a second one exits at once.
    let _ = signal_hook::flag::register_conditional_shutdown(SIGINT, 130, interrupted.clone());
    let _ = signal_hook::flag::register(SIGINT, interrupted.clone());

    let total_steps = (duration_ms / net.dt_ms()).round() as u64;
    let started = Instant::now();
    let mut bar: Option<ProgressBar> = None;
    let mut cursor = 0;
    let mut last_check = Instant::now();
    while net.steps() < total_steps && !interrupted.load(Ordering::Relaxed) {
        net.step().with_context(|| format!("simulating {file}"))?;
        let batch = net.spikes().since(cursor);
        if !batch.spikes.is_empty() {
            report.add(batch.spikes);
            if let Some(csv) = &mut csv {
                csv.write(batch.spikes)?;
            }
        }
        cursor = batch.next;
        net.spikes_mut().forget_before(cursor);
        if last_check.elapsed() < Duration::from_millis(50) {
            continue;
        }
        last_check = Instant::now();
        if bar.is_none() && started.elapsed() > Duration::from_secs(1) {
            let b = ProgressBar::new(total_steps);
            b.set_style(
                ProgressStyle::with_template("{bar:40} {percent:>3}%  {msg}  eta {eta}  (Ctrl+C stops)")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar = Some(b);
        }
        if let Some(b) = &bar {
            b.set_position(net.steps());
            b.set_message(format!("{:.0} ms", net.time_ms()));
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let wall_s = started.elapsed().as_secs_f64();
    if let Some(csv) = csv {
        csv.finish()?;
    }
    if interrupted.load(Ordering::Relaxed) {
        eprintln!("interrupted at t = {:.1} ms; the summary covers the time simulated", net.time_ms());
    }
    let reports = report.finish(net.time_ms());
    for r in &reports {
        if let Some(warning) = step_rate_warning(&r.stats.name, r.stats.rate_hz, net.dt_ms()) {
            eprintln!("warning: {warning}");
        }
    }
    if json {
        let report = serde_json::json!({
            "model": model.name,
            "duration_ms": net.time_ms(),
            "wall_s": wall_s,
            "synaptic_events": net.synaptic_events(),
            "populations": reports,
        });
        println!("{report}");
    } else {
        print_summary(&model, &net, &reports, wall_s);
    }
    Ok(())
}

/// Bin of the population rate for its spectrum and synchrony: the whole number of steps
/// closest to 0.5 ms (at least one), so that every bin spans the same number of steps and the
/// spectrum reaches 1 kHz, above the fastest population oscillations (Brunel's SR: 667 Hz).
fn rate_bin_ms(dt_ms: f64) -> f64 {
    (0.5 / dt_ms).round().max(1.0) * dt_ms
}

fn print_summary(model: &Model, net: &Network, reports: &[PopulationReport], wall_s: f64) {
    println!("{}: {:.1} ms simulated in {:.3} s", model.name, net.time_ms(), wall_s);
    println!(
        "{} neurons, {} synapses, {} synaptic events ({:.3e} per second of wall time)",
        reports.iter().map(|r| r.stats.size).sum::<usize>(),
        net.synapse_count(),
        net.synaptic_events(),
        net.synaptic_events() as f64 / wall_s.max(1e-9)
    );
    println!(
        "{:<16} {:>8} {:>10} {:>10} {:>8} {:>10} {:>10}",
        "population", "size", "spikes", "rate (Hz)", "CV ISI", "synchrony", "peak (Hz)"
    );
    let or_dash = |x: Option<f64>, decimals: usize| x.map_or("-".to_string(), |x| format!("{x:.decimals$}"));
    for r in reports {
        let s = &r.stats;
        println!(
            "{:<16} {:>8} {:>10} {:>10.2} {:>8} {:>10} {:>10}",
            s.name,
            s.size,
            s.spikes,
            s.rate_hz,
            or_dash(s.cv_isi, 2),
            or_dash(r.synchrony, 2),
            or_dash(r.spectrum_peak.as_ref().map(|p| p.freq_hz), 1)
        );
    }
}

/// `spikelab train`: epochs one after another, each reported as it ends; Ctrl+C stops after
/// the batch running, keeping the last completed epoch's weights.
fn train(
    config: &str,
    epochs: Option<u64>,
    seed: Option<u64>,
    json: bool,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    use spikelab::learn::{TrainConfig, Trainer};
    let mut cfg = TrainConfig::load(config)?;
    if let Some(n) = epochs {
        anyhow::ensure!(n > 0, "--epochs must be at least 1");
        cfg.epochs = n;
    }
    if let Some(s) = seed {
        cfg.seed = s;
    }
    let mut trainer = Trainer::new(cfg.clone())?;
    let stop = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(SIGINT, Arc::clone(&stop))?;
    if !json {
        println!(
            "{}: {} on {} ({} train, {} test), {} layers {:?}",
            cfg.name,
            cfg.method.key(),
            trainer.data().name,
            trainer.split.train.len(),
            trainer.split.test.len(),
            cfg.network.layers.len(),
            cfg.network.layers
        );
    }
    for _ in 0..cfg.epochs {
        let Some(r) = trainer.epoch(&stop, &mut |_| {}) else {
            if !json {
                println!("stopped: the weights are those after epoch {}", trainer.history.len());
            }
            break;
        };
        if !json {
            println!(
                "epoch {:3}  loss {:.4}  train {:5.1}%  test {:5.1}%  {:6.1} s",
                r.epoch,
                r.loss,
                100.0 * r.train_accuracy,
                100.0 * r.test_accuracy,
                r.wall_s
            );
        }
    }
    if let Some(path) = out {
        trainer.save_model(path)?;
        if !json {
            println!("saved {} (open it: spikelab {})", path.display(), path.display());
        }
    }
    let test = trainer.split.test.clone();
    let cost = trainer.cost(&test);
    let ann = trainer.ann_accuracy(&test);
    let by_steps = match ann {
        Some(_) => trainer.accuracy_by_steps(&test, &cfg.conversion().sweep),
        None => Vec::new(),
    };
    let last = trainer.history.last();
    let test_accuracy = last.map_or(trainer.accuracy(&test), |r| r.test_accuracy);
    if json {
        let out = serde_json::json!({
            "method": cfg.method.key(),
            "epochs": trainer.history,
            "test_accuracy": test_accuracy,
            "synaptic_events_per_inference": cost.synaptic_events,
            "neuron_updates_per_inference": cost.neuron_updates,
            "ann_macs_per_inference": cost.ann_macs,
            "ann_test_accuracy": ann,
            "accuracy_by_steps": by_steps.iter().map(|&(steps, accuracy)| serde_json::json!({"steps": steps, "accuracy": accuracy})).collect::<Vec<_>>(),
            "wall_s": last.map_or(0.0, |r| r.wall_s),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!("test accuracy {:.1}%", 100.0 * test_accuracy);
        if let Some(a) = ann {
            let curve: Vec<String> =
                by_steps.iter().map(|(n, acc)| format!("{n}: {:.1}%", 100.0 * acc)).collect();
            println!("the ReLU network: {:.1}%; converted, by steps shown: {}", 100.0 * a, curve.join(", "));
        }
        println!("{} (and {:.0} neuron updates)", cost.summary(), cost.neuron_updates);
    }
    Ok(())
}
