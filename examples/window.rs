//! What the real window costs: runs the workbench's eframe window on a preset with the default
//! views, playing, and prints the simulation's speed in the window against the headless
//! engine's (measured first, in the same run), the CPU each thread used, frames per second,
//! and the latency from an input event to the frame that shows it being on screen.
//!
//!     cargo run --release --example window                  # brunel_ai, 30 s quiet, 30 s loaded
//!     cargo run --release --example window -- cuba 20       # another preset, 20 s each
//!
//! It needs an X display; without one it starts its own Xvfb (software rendering, as on a lab
//! machine without a GPU driver). Input events are real X pointer moves, sent through the
//! server's XTEST extension, so they travel the same way as a student's mouse; each latency
//! runs from just before the move is sent to the start of the frame after the one that
//! received it (asked for at once, so it starts when that frame has been drawn and swapped),
//! which slightly overstates the true figure. The "loaded" run keeps the other core busy with
//! a spinning process, as on a shared lab PC.
//!
//! `WINDOW_VIEWS=network,learning,statistics` brings other views to the front;
//! `WINDOW_THREADS=1` lists every thread's share of a core; `WINDOW_RENDERER=wgpu` measures
//! the fallback renderer instead of OpenGL.

use spikelab::app::SpikeLabApp;
use spikelab::model::{Model, presets};
use spikelab::sim::Network;
use std::collections::{HashMap, VecDeque};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Time given to building the network and the first frames before measuring.
const WARM_UP: Duration = Duration::from_secs(5);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        return child(&args[1], args[2].parse().expect("seconds"));
    }
    let name = args.first().cloned().unwrap_or_else(|| "brunel_ai".into());
    let seconds: f64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(30.0);
    let model = load(&name);
    let (display, _xvfb) = ensure_display();

    let headless = headless_speed(&model, 10.0);
    println!("{name}: headless engine {headless:.1} ms of biological time per second of wall time");
    println!();
    println!(
        "{:<8} {:>10} {:>9} {:>7} {:>6} {:>9} {:>6} {:>9} {:>9} {:>10} {:>10} {:>10} {:>4}",
        "run",
        "sim ms/s",
        "of headl.",
        "sim",
        "UI",
        "renderer",
        "fps",
        "CPU/frm",
        "eframe",
        "lat p50",
        "lat p95",
        "lat max",
        "n"
    );
    for loaded in [false, true] {
        let _spinner = loaded.then(Running::spinner);
        let exe = std::env::current_exe().expect("own path");
        let out = Command::new(exe)
            .args(["--child", &name, &seconds.to_string()])
            .env("DISPLAY", &display)
            .stderr(Stdio::inherit())
            .output()
            .expect("start the window");
        let text = String::from_utf8_lossy(&out.stdout);
        let Some(r) = text.lines().find_map(Report::parse) else {
            eprintln!("the window did not report:\n{text}");
            std::process::exit(1);
        };
        println!(
            "{:<8} {:>10.1} {:>8.0}% {:>7.2} {:>6.2} {:>9.2} {:>6.1} {:>6.0} ms {:>6.0} ms {:>7.0} ms {:>7.0} ms {:>7.0} ms {:>4}",
            if loaded { "loaded" } else { "quiet" },
            r.sim_ms_per_s,
            100.0 * r.sim_ms_per_s / headless,
            r.sim_core,
            r.ui_core,
            r.render_core,
            r.fps,
            1e3 * (r.ui_core + r.render_core) / r.fps,
            r.frame_ms,
            r.p50,
            r.p95,
            r.max,
            r.n
        );
    }
    println!();
    println!("sim, UI, renderer: share of one core used by the simulation thread, the UI thread and");
    println!("the software renderer's threads. Targets: quiet sim >= 90% of headless, UI + renderer");
    println!("<= 0.30 of a core, input-to-frame latency p95 <= 100 ms quiet and loaded. Speed, CPU");
    println!("and fps are measured over the first half of each run (no input), latency over the");
    println!("second. CPU/frm: UI and renderer CPU per frame drawn; eframe: the frame time eframe");
    println!("reports to the app (median; buffer swap excluded), which sets the redraw rate.");
}

fn load(name: &str) -> Model {
    let Some(text) = presets::preset(name) else {
        eprintln!("no preset called {name}");
        std::process::exit(2);
    };
    Model::from_toml(text, name).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1);
    })
}

/// Biological ms per wall second of the engine alone, on one thread as the window runs it.
fn headless_speed(model: &Model, wall_s: f64) -> f64 {
    let mut net = Network::build(model).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1);
    });
    let started = Instant::now();
    while started.elapsed().as_secs_f64() < wall_s {
        for _ in 0..10 {
            if let Err(e) = net.step() {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
    }
    net.time_ms() / started.elapsed().as_secs_f64()
}

/// A child process that is stopped when this is dropped.
struct Running(Child);

impl Running {
    /// One that keeps a core busy.
    fn spinner() -> Running {
        Running(Command::new("sh").args(["-c", "while :; do :; done"]).spawn().expect("sh"))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The display to use: this one's, or our own Xvfb's, which stops when it is dropped.
fn ensure_display() -> (String, Option<Running>) {
    if let Ok(display) = std::env::var("DISPLAY") {
        return (display, None);
    }
    let Some(n) = (90..140).find(|n| !std::path::Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()) else {
        eprintln!("no free X display number");
        std::process::exit(1);
    };
    let xvfb = Command::new("Xvfb")
        .args([&format!(":{n}"), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            eprintln!("no DISPLAY and Xvfb could not start ({e}); install xvfb, or run under a display");
            std::process::exit(1);
        });
    let socket = format!("/tmp/.X11-unix/X{n}");
    let waited = Instant::now();
    while !std::path::Path::new(&socket).exists() && waited.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    (format!(":{n}"), Some(Running(xvfb)))
}

/// What a window run measured.
struct Report {
    sim_ms_per_s: f64,
    sim_core: f64,
    ui_core: f64,
    render_core: f64,
    fps: f64,
    p50: f64,
    p95: f64,
    max: f64,
    n: usize,
    /// The median frame time eframe reported (its own measure, buffer swap excluded).
    frame_ms: f64,
}

impl Report {
    fn line(&self) -> String {
        format!(
            "REPORT {} {} {} {} {} {} {} {} {} {}",
            self.sim_ms_per_s,
            self.sim_core,
            self.ui_core,
            self.render_core,
            self.fps,
            self.p50,
            self.p95,
            self.max,
            self.n,
            self.frame_ms
        )
    }

    fn parse(line: &str) -> Option<Report> {
        let v: Vec<f64> = line.strip_prefix("REPORT ")?.split(' ').filter_map(|x| x.parse().ok()).collect();
        (v.len() == 10).then(|| Report {
            sim_ms_per_s: v[0],
            sim_core: v[1],
            ui_core: v[2],
            render_core: v[3],
            fps: v[4],
            p50: v[5],
            p95: v[6],
            max: v[7],
            n: v[8] as usize,
            frame_ms: v[9],
        })
    }
}

/// What the window and the driving thread share.
#[derive(Default)]
struct Probe {
    frames: u64,
    bio_ms: f64,
    /// Pointer moves sent and not yet seen, with when each was sent.
    sent: VecDeque<Instant>,
    /// Moves seen in the last frame (when sent) and when that frame started.
    seen: Vec<Instant>,
    seen_frame: Option<Instant>,
    latencies_ms: Vec<f64>,
    /// eframe's time for each frame, in seconds.
    frame_s: Vec<f32>,
}

struct Window {
    app: SpikeLabApp,
    probe: Arc<Mutex<Probe>>,
}

impl eframe::App for Window {
    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw: &mut egui::RawInput) {
        let mut p = self.probe.lock().expect("probe");
        let now = Instant::now();
        // The frame that received the last moves has been drawn and swapped (this frame was
        // asked for straight after it): their latencies end now.
        if p.seen_frame.take().is_some() {
            let seen = std::mem::take(&mut p.seen);
            p.latencies_ms.extend(seen.iter().map(|t0| (now - *t0).as_secs_f64() * 1e3));
        }
        let moves = raw.events.iter().filter(|e| matches!(e, egui::Event::PointerMoved(_))).count();
        for _ in 0..moves {
            if let Some(t0) = p.sent.pop_front() {
                p.seen.push(t0);
                p.seen_frame = Some(now);
            }
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        {
            let mut p = self.probe.lock().expect("probe");
            p.frames += 1;
            if let Some(cpu) = frame.info().cpu_usage {
                p.frame_s.push(cpu);
            }
            p.bio_ms = self.app.live().time_ms;
            if p.seen_frame.is_some() {
                // A next frame straight after this one closes these latencies.
                ui.ctx().request_repaint();
            }
        }
        self.app.ui(ui, frame);
    }

    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        self.app.clear_color(visuals)
    }
}

/// A connection to the X server that moves the pointer as a mouse would (the XTEST extension,
/// so the event takes the same path through the server as a student's hand).
struct Pointer {
    conn: x11rb::rust_connection::RustConnection,
    root: u32,
}

impl Pointer {
    fn connect() -> Option<Pointer> {
        let connected = x11rb::connect(None);
        let Ok((conn, screen)) = connected else {
            eprintln!("no X connection for pointer moves: latency not measured");
            return None;
        };
        let root = x11rb::connection::Connection::setup(&conn).roots[screen].root;
        Some(Pointer { conn, root })
    }

    /// Moves the pointer and waits until the server has taken the request.
    fn move_to(&mut self, x: i16, y: i16) -> bool {
        use x11rb::protocol::{xproto, xtest};
        use x11rb::wrapper::ConnectionExt;
        let sent = xtest::fake_input(
            &self.conn,
            xproto::MOTION_NOTIFY_EVENT,
            0,
            x11rb::CURRENT_TIME,
            self.root,
            x,
            y,
            0,
        );
        sent.is_ok() && self.conn.sync().is_ok()
    }
}

/// CPU seconds used so far by each thread of this process, by thread id, with its name.
fn thread_cpu() -> HashMap<u32, (String, f64)> {
    let ticks = 100.0; // USER_HZ on Linux
    let mut out = HashMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return out };
    for task in tasks.flatten() {
        let Ok(tid) = task.file_name().to_string_lossy().parse::<u32>() else { continue };
        let name = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default().trim().to_string();
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        let Some((_, rest)) = stat.rsplit_once(") ") else { continue };
        let f: Vec<&str> = rest.split(' ').collect();
        let used = f.get(11).and_then(|u| u.parse::<f64>().ok()).unwrap_or(0.0)
            + f.get(12).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
        out.insert(tid, (name, used / ticks));
    }
    out
}

fn child(name: &str, seconds: f64) {
    let model = load(name);
    let probe = Arc::new(Mutex::new(Probe::default()));
    let report: Arc<Mutex<Option<Report>>> = Arc::default();
    let renderer = match std::env::var("WINDOW_RENDERER").as_deref() {
        Ok("wgpu") => eframe::Renderer::Wgpu,
        _ => spikelab::app::RENDERERS[0],
    };
    let mut options = spikelab::app::native_options(renderer);
    options.viewport = options.viewport.with_position([0.0, 0.0]);
    let (p, r) = (probe.clone(), report.clone());
    let result = eframe::run_native(
        "SpikeLab window benchmark",
        options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let wake = ctx.clone();
            let mut app = SpikeLabApp::new(model, None, name, move || wake.request_repaint());
            if let Ok(keys) = std::env::var("WINDOW_VIEWS") {
                let tabs: Vec<_> = keys.split(',').filter_map(spikelab::app::views::Tab::from_key).collect();
                app.show_views(&tabs);
            }
            app.play();
            std::thread::spawn(move || drive(ctx, p.clone(), r, seconds));
            Ok(Box::new(Window { app, probe }))
        }),
    );
    if let Err(e) = result {
        eprintln!("the window failed: {e}");
        std::process::exit(1);
    }
    match report.lock().expect("report").as_ref() {
        Some(r) => println!("{}", r.line()),
        None => std::process::exit(1),
    }
}

/// Waits for the warm-up, then measures for `seconds`: the first half watching (speed, CPU,
/// frames; no input, as a class watching the projector), the second moving the pointer every
/// 150 to 350 ms (latency; pointer moves bring extra frames for hover effects, which is why
/// they are kept out of the first half). Then closes the window.
fn drive(ctx: egui::Context, probe: Arc<Mutex<Probe>>, report: Arc<Mutex<Option<Report>>>, seconds: f64) {
    std::thread::sleep(WARM_UP);
    let ui_tid = std::process::id();
    let cpu0 = thread_cpu();
    let (frames0, bio0, frame_s0) = {
        let p = probe.lock().expect("probe");
        (p.frames, p.bio_ms, p.frame_s.len())
    };
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs_f64(seconds / 2.0));
    let wall = started.elapsed().as_secs_f64();
    let cpu1 = thread_cpu();
    let (frames1, bio1, mut frame_s) = {
        let p = probe.lock().expect("probe");
        (p.frames, p.bio_ms, p.frame_s[frame_s0..].to_vec())
    };
    frame_s.sort_by(f32::total_cmp);

    let pointer = Instant::now();
    let mut mouse = Pointer::connect();
    let mut k = 0u64;
    while pointer.elapsed().as_secs_f64() < seconds / 2.0 {
        let (x, y) = (500 + 40 * (k % 2) as i16, 300);
        let mut p = probe.lock().expect("probe");
        p.sent.push_back(Instant::now());
        if !mouse.as_mut().is_some_and(|m| m.move_to(x, y)) {
            p.sent.clear();
        }
        drop(p);
        k += 1;
        // A spread of intervals, so that events do not line up with frames.
        std::thread::sleep(Duration::from_millis(150 + (k * 37) % 200));
    }

    let (mut sim, mut ui, mut render) = (0.0, 0.0, 0.0);
    if std::env::var_os("WINDOW_THREADS").is_some() {
        for (tid, (name, used)) in &cpu1 {
            eprintln!("{tid} {name} {:.2}", (used - cpu0.get(tid).map_or(0.0, |(_, u)| *u)) / wall);
        }
    }
    for (tid, (name, used)) in &cpu1 {
        let before = cpu0.get(tid).map_or(0.0, |(_, u)| *u);
        let share = (used - before) / wall;
        if *tid == ui_tid {
            ui += share;
        } else if name == "simulation" {
            sim += share;
        } else if name.starts_with("llvmpipe") || name.contains("gl") || name.contains("mesa") {
            render += share;
        }
    }
    let p = probe.lock().expect("probe");
    let mut lat = p.latencies_ms.clone();
    lat.sort_by(f64::total_cmp);
    let at = |q: f64| {
        lat.get(((lat.len() as f64 * q).ceil() as usize).saturating_sub(1)).copied().unwrap_or(f64::NAN)
    };
    *report.lock().expect("report") = Some(Report {
        sim_ms_per_s: (bio1 - bio0) / wall,
        sim_core: sim,
        ui_core: ui,
        render_core: render,
        fps: (frames1 - frames0) as f64 / wall,
        p50: at(0.5),
        p95: at(0.95),
        max: lat.last().copied().unwrap_or(f64::NAN),
        n: lat.len(),
        frame_ms: frame_s.get(frame_s.len() / 2).map_or(f64::NAN, |s| f64::from(*s) * 1e3),
    });
    drop(p);
    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
}
