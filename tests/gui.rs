//! The workbench driven as a person would, through egui_kittest: buttons, keys, the
//! inspector, clicks in the raster, files dropped on the window. Headless; no display needed.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spikelab::app::SpikeLabApp;
use spikelab::app::views::{FiView, PhaseView, StatsView, Tab};
use spikelab::model::{Model, presets};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn app_on(preset: &str) -> Harness<'static, SpikeLabApp> {
    let model = Model::from_toml(presets::preset(preset).expect("preset"), preset).expect("valid preset");
    window_on(model, preset)
}

/// The window, at its default size, once the simulation thread has built the network.
fn window_on(model: Model, name: &str) -> Harness<'static, SpikeLabApp> {
    let app = SpikeLabApp::new(model, None, name, || {});
    let mut harness = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_ui_state(|ui: &mut egui::Ui, app: &mut SpikeLabApp| app.ui_root(ui), app);
    wait_until(&mut harness, "the network is built", |app| app.live().generation > 0);
    harness
}

/// Runs frames until `done` holds (the simulation runs on its own thread).
fn wait_until(harness: &mut Harness<'_, SpikeLabApp>, what: &str, done: impl Fn(&SpikeLabApp) -> bool) {
    let started = Instant::now();
    while !done(harness.state()) {
        assert!(started.elapsed() < Duration::from_secs(30), "timed out waiting until {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.step();
}

fn frames(harness: &mut Harness<'_, SpikeLabApp>, wall_ms: u64) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(wall_ms) {
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn play_advances_time_and_pause_stops_it() {
    let mut h = app_on("cuba.toml");
    assert_eq!(h.state().live().time_ms, 0.0);
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "time advances", |app| app.live().time_ms > 50.0);
    h.get_by_label("⏸ Pause").click();
    wait_until(&mut h, "the simulation pauses", |app| !app.live().playing);
    let paused_at = h.state().live().time_ms;
    frames(&mut h, 300);
    assert_eq!(h.state().live().time_ms, paused_at, "time moved while paused");
    // Space toggles too.
    h.key_press(egui::Key::Space);
    wait_until(&mut h, "space resumes", |app| app.live().time_ms > paused_at);
}

#[test]
fn step_advances_exactly_one_time_step() {
    let mut h = app_on("cuba.toml");
    let dt = h.state().live().info.dt_ms;
    h.get_by_label("⏭ Step").click();
    wait_until(&mut h, "one step", |app| app.live().steps == 1);
    assert!((h.state().live().time_ms - dt).abs() < 1e-12);
    h.key_press(egui::Key::ArrowRight);
    wait_until(&mut h, "a second step", |app| app.live().steps == 2);
    frames(&mut h, 200);
    assert_eq!(h.state().live().steps, 2, "stepping must not keep running");
}

/// Edits an inspector field as a user does: click it, type (the old text is selected), Enter.
fn type_into(h: &mut Harness<'_, SpikeLabApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::SpinButton, label).click();
    h.step();
    h.step();
    // The focused field is now a text edit with its old value selected.
    h.event(egui::Event::Text(text.to_string()));
    h.step();
    h.key_press(egui::Key::Enter);
    h.step();
    h.step();
}

/// Spikes per biological ms over the next `ms` of simulation.
fn rate_over(h: &mut Harness<'_, SpikeLabApp>, ms: f64) -> f64 {
    let (t0, n0) = (h.state().live().time_ms, h.state().live().spike_count);
    wait_until(h, "the run continues", |app| app.live().time_ms >= t0 + ms);
    let (t1, n1) = (h.state().live().time_ms, h.state().live().spike_count);
    (n1 - n0) as f64 / (t1 - t0)
}

#[test]
fn raising_the_threshold_in_the_inspector_lowers_the_rate_without_reset() {
    let mut h = app_on("cuba.toml");
    h.state_mut().set_speed(spikelab::app::runner::Speed::Max);
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "warm-up", |app| app.live().time_ms > 100.0);
    let before = rate_over(&mut h, 200.0);
    assert!(before > 5.0, "CUBA should fire: {before} spikes/ms");

    // Population "exc" is selected at start; edit its threshold like a user: click, type, Enter.
    type_into(&mut h, "v_thresh", "-45");
    let thresh = h.state().model().populations[0].param("v_thresh");
    assert_eq!(thresh, Some(-45.0), "the inspector did not take the value");
    assert!(h.state().is_dirty());
    wait_until(&mut h, "the engine takes the edit", |app| app.applied_at().is_some());
    let t_edit = h.state().applied_at().unwrap_or(0.0);
    assert!(t_edit > 100.0, "a parameter change must not reset the network");
    wait_until(&mut h, "the run passes the edit", move |app| app.live().time_ms > t_edit + 20.0);
    let after = rate_over(&mut h, 200.0);
    assert!(after < 0.5 * before, "threshold up, rate {before} -> {after} spikes/ms");
}

/// The number fields take what is typed as a person types it: the old text is selected, the
/// value is applied on Enter (one undo step), units may be typed, Escape gives the old value
/// back, and what cannot be applied is refused at the field with the reason.
/// On a computer with 4 GB to give, 5·10^7 Hodgkin–Huxley neurons are refused at the field
/// with the memory they need and the population that needs it, and the model stays as it was.
#[test]
fn a_population_too_large_for_memory_is_refused_with_the_estimate() {
    // The cap stays for the rest of this test process: every other test's model is far smaller.
    spikelab::model::cap_memory(Some(4 << 30));
    let mut h = app_on("hodgkin_huxley.toml");
    let size = |h: &Harness<'_, SpikeLabApp>| h.state().model().populations[0].size;
    let before = size(&h);
    type_into(&mut h, "size", "50000000");
    assert_eq!(size(&h), before, "the model is kept");
    assert_eq!(h.state().undo_steps(), (0, 0), "a refused size is no edit");
    h.get_by_label_contains("this network needs about");
    h.get_by_label_contains("population \"axon\" alone needs");
    assert!(
        h.state().live().generation > 0 && h.state().error().is_none(),
        "the running network is untouched"
    );
}

#[test]
fn a_typed_number_is_applied_on_enter_as_one_undo_step_and_refused_with_a_visible_reason() {
    let mut h = app_on("cuba.toml");
    let v_thresh = |h: &Harness<'_, SpikeLabApp>| h.state().model().populations[0].param("v_thresh");
    assert_eq!(v_thresh(&h), Some(-50.0));
    type_into(&mut h, "v_thresh", "0.3");
    assert_eq!(v_thresh(&h), Some(0.3), "0.3 typed into v_thresh");
    assert_eq!(h.state().undo_steps(), (1, 0), "one typed value is one undo step");

    type_into(&mut h, "v_thresh", "abc");
    assert_eq!(v_thresh(&h), Some(0.3), "the value stays what it was");
    assert_eq!(h.state().undo_steps(), (1, 0), "a refused value is no edit");
    h.get_by_label_contains("\"abc\" is not a number");

    type_into(&mut h, "v_thresh", "-45000 uV");
    assert_eq!(v_thresh(&h), Some(-45.0), "microvolts converted to the field's mV");
    type_into(&mut h, "v_thresh", "2 s");
    assert_eq!(v_thresh(&h), Some(-45.0));
    h.get_by_label_contains("but this field takes a voltage");

    // The model's own rules are said at the field too.
    type_into(&mut h, "tau_m", "-5");
    assert_eq!(h.state().model().populations[0].param("tau_m"), Some(20.0));
    h.get_by_label_contains("must be positive");

    // Escape: what was typed is dropped.
    h.get_by_role_and_label(Role::SpinButton, "v_thresh").click();
    h.step();
    h.step();
    h.event(egui::Event::Text("7".into()));
    h.step();
    h.key_press(egui::Key::Escape);
    h.step();
    h.step();
    assert_eq!(v_thresh(&h), Some(-45.0), "Escape keeps the old value");
    assert_eq!(h.state().undo_steps(), (2, 0));
    h.state_mut().undo();
    assert_eq!(v_thresh(&h), Some(0.3));
    h.state_mut().undo();
    assert_eq!(v_thresh(&h), Some(-50.0), "two undos go back to the preset");

    // A time typed in seconds into a field in ms.
    h.get_by_label("⚙ Simulation").click();
    h.step();
    type_into(&mut h, "duration", "2 s");
    assert_eq!(h.state().model().simulation.duration.canonical(), 2000.0);
}

#[test]
fn the_run_controls_take_a_typed_time_with_its_unit() {
    let mut h = app_on("cuba.toml");
    h.get_by_label("stop at").click();
    h.step();
    let field =
        h.get_all_by_role(Role::SpinButton).find(|n| n.value().is_some_and(|v| v.contains("1000 ms")));
    field.expect("the stop-at field shows the model's duration").click();
    h.step();
    h.step();
    h.event(egui::Event::Text("0.25 s".into()));
    h.step();
    h.key_press(egui::Key::Enter);
    h.step();
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "the run stops at 250 ms", |app| !app.live().playing && app.live().time_ms > 0.0);
    assert!((h.state().live().time_ms - 250.0).abs() < 1e-6, "stopped at {} ms", h.state().live().time_ms);
}

/// `spikelab broken.toml` from a desktop launcher: the window opens on the default model
/// and says what is wrong with the file, where; the File menu works.
#[test]
fn a_model_file_that_cannot_be_read_at_start_opens_the_window_with_the_reason() {
    let file = scratch_dir("broken-at-start").join("broken.toml");
    let text = presets::preset("cuba.toml").expect("cuba").replacen("size = 3200", "size = \"many\"", 1);
    std::fs::write(&file, text).expect("written");
    let mut told = String::new();
    let app = SpikeLabApp::open_at_start(&file.display().to_string(), || {}, |e| told = e.to_string());
    let mut h = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_ui_state(|ui: &mut egui::Ui, app: &mut SpikeLabApp| app.ui_root(ui), app);
    wait_until(&mut h, "the network is built", |app| app.live().generation > 0);
    assert!(told.contains("broken.toml:18") && told.contains("size"), "{told}");
    assert_eq!(
        h.state().model().name,
        Model::from_toml(presets::preset("cuba.toml").expect("cuba"), "cuba").expect("valid").name
    );
    let banner = h.state().error().expect("the reason is in the window").to_string();
    assert!(banner.contains("broken.toml:18") && banner.contains("populations[0].size"), "{banner}");
    h.get_by_label_contains("Could not open");
    h.get_by_label("File").click();
    h.step();
    h.get_by_label_contains("Open…");
}

#[test]
fn clicking_a_neuron_in_the_raster_selects_and_watches_it() {
    let mut h = app_on("cuba.toml");
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "some activity", |app| app.live().time_ms > 200.0);
    let rect = h.state().shared().raster_rect.expect("raster drawn");
    // A quarter of the way down lies in the excitatory population (rows 0..3200 of 4000).
    click_at(&mut h, egui::pos2(rect.center().x, rect.top() + 0.25 * rect.height()));
    let (pop, neuron) = h.state().shared().selected.expect("a neuron is selected");
    assert_eq!(pop, 0);
    let expected = 0.25 * 4000.0;
    assert!(
        (neuron as f64 - expected).abs() < 0.03 * 4000.0,
        "selected neuron {neuron}, expected about {expected}"
    );
    wait_until(&mut h, "its trace arrives", move |app| {
        app.live().traces.iter().any(|t| t.pop == pop && t.neuron == neuron && !t.values.is_empty())
    });
}

#[test]
fn a_lone_output_neuron_has_a_band_of_the_raster_that_a_click_selects() {
    // Song et al.'s network: 1000 inputs above one neuron. One row in 1001 would be a pixel.
    let mut h = app_on("stdp_song2000.toml");
    frames(&mut h, 200);
    let rect = h.state().shared().raster_rect.expect("raster drawn");
    // The neuron's band is the bottom 7% of the plot: click halfway into it.
    click_at(&mut h, egui::pos2(rect.center().x, rect.bottom() - 0.035 * rect.height()));
    assert_eq!(h.state().shared().selected, Some((1, 0)), "the output neuron is selected");
    // Just above the band lie the last inputs.
    click_at(&mut h, egui::pos2(rect.center().x, rect.bottom() - 0.1 * rect.height()));
    let (pop, neuron) = h.state().shared().selected.expect("an input is selected");
    assert_eq!(pop, 0);
    assert!(neuron > 950, "input {neuron}, expected one of the last");
}

#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn drop_file(h: &mut Harness<'_, SpikeLabApp>, path: &Path) {
    h.input_mut().dropped_files.push(Arc::new(Dropped(path.to_path_buf())));
    h.step();
    h.step();
}

#[test]
fn a_malformed_file_shows_the_error_and_keeps_the_model() {
    let mut h = app_on("cuba.toml");
    let bad = std::env::temp_dir().join(format!("spikelab-gui-bad-{}.toml", std::process::id()));
    std::fs::write(&bad, "name = \"broken\"\n[[populations]]\nname = \"a\"\nsize = 10\nmodel = \"lif\"\nparams = { tau_m = \"-1 ms\" }\n")
        .expect("write");
    drop_file(&mut h, &bad);
    let error = h.state().error().expect("an error is shown").to_string();
    let _ = std::fs::remove_file(&bad);
    assert!(
        error.contains("spikelab-gui-bad") && error.contains(":6:") && error.contains("tau_m"),
        "{error}"
    );
    assert_eq!(h.state().model().name, "CUBA", "the previous model must stay");
    h.get_by_label_contains("Could not open the file");
    // The app keeps working.
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "it still runs", |app| app.live().time_ms > 10.0);
}

#[test]
fn unsaved_changes_are_not_lost_silently() {
    let mut h = app_on("lif_step.toml");
    type_into(&mut h, "tau_m", "30");
    assert!(h.state().is_dirty());
    let other = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/presets/cuba.toml");
    drop_file(&mut h, &other);
    h.get_by_label("Cancel").click();
    h.step();
    assert_eq!(h.state().model().name, "LIF step", "cancel must keep the edited model");
    assert_eq!(h.state().model().populations[0].param("tau_m"), Some(30.0));
    drop_file(&mut h, &other);
    h.get_by_label("Discard changes").click();
    h.step();
    h.step();
    assert_eq!(h.state().model().name, "CUBA");
}

#[test]
fn a_diverging_simulation_is_reported_and_the_window_keeps_working() {
    let text = "name = \"runaway\"\n[simulation]\ndt = \"1 ms\"\n[[populations]]\nname = \"wild\"\nsize = 2\nmodel = \"izhikevich\"\nparams = { a = 5.0 }\n";
    let model = Model::from_toml(text, "runaway.toml").expect("valid, but unstable at this dt");
    let app = SpikeLabApp::new(model, None, "runaway.toml", || {});
    let mut h = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_ui_state(|ui: &mut egui::Ui, app: &mut SpikeLabApp| app.ui_root(ui), app);
    wait_until(&mut h, "built", |app| app.live().total_neurons > 0);
    // The time step is twice Izhikevich's limit: the window says so before anything runs.
    assert!(h.state().error().is_some_and(|w| w.contains("too coarse")), "{:?}", h.state().error());
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "the divergence is reported", |app| app.error().is_some_and(|e| e.contains("NaN")));
    let error = h.state().error().unwrap_or_default().to_string();
    assert!(error.contains("\"wild\"") && error.contains("NaN"), "{error}");
    wait_until(&mut h, "the run stops", |app| !app.live().playing);
    h.get_by_label_contains("diverged");
    // Everything still responds: the user can load another model from the Presets menu.
    h.get_by_label("Dismiss").click();
    h.step();
    h.get_by_label("Presets").click();
    h.step();
    h.get_by_label_contains("(lif_step.toml)").click();
    wait_until(&mut h, "the preset loads", |app| {
        app.model().name == "LIF step" && app.live().total_neurons == 1
    });
    assert!(h.state().error().is_none());
}

#[test]
fn stop_at_pauses_exactly_there_and_stepping_past_it_does_not_hang() {
    let mut h = app_on("cuba.toml");
    h.state_mut().set_speed(spikelab::app::runner::Speed::Max);
    h.get_by_label("stop at").click();
    h.step();
    h.get_by_label("▶ Play").click();
    // The stop time defaults to the model's duration, 1000 ms.
    wait_until(&mut h, "the run stops", |app| !app.live().playing && app.live().time_ms > 0.0);
    assert_eq!(h.state().live().time_ms, 1000.0);
    h.get_by_label("⏭ Step").click();
    frames(&mut h, 200);
    assert!(!h.state().live().playing, "a step past the stop time must not leave the runner busy");
    assert_eq!(h.state().live().time_ms, 1000.0);
    assert!(h.state().notice().is_some_and(|n| n.text.contains("stop time")));
}

#[test]
fn traces_can_be_stacked_one_plot_per_neuron() {
    let mut h = app_on("cuba.toml");
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "traces arrive", |app| app.live().traces.iter().all(|t| t.values.len() > 100));
    // Every plot of v has its own legend with one "threshold" entry: overlaid, one plot for
    // the three recorded neurons (exc 0, 1, 2); stacked, one plot each.
    let plots = |h: &Harness<'_, SpikeLabApp>| h.get_all_by_label("threshold").count();
    assert_eq!(plots(&h), 1, "overlaid: one plot");
    h.get_by_label("stacked").click();
    h.step();
    h.step();
    assert_eq!(plots(&h), 3, "stacked: one plot per neuron");
    for name in ["exc 0", "exc 1", "exc 2"] {
        assert_eq!(h.get_all_by_label(name).count(), 1, "{name} is in exactly one plot");
    }
}

#[test]
fn the_weights_view_shows_the_engines_weights_cell_for_cell() {
    let mut h = app_on("short_term_plasticity.toml");
    h.get_by_label("View").click();
    h.step();
    h.get_by_label("Weights").click();
    wait_until(&mut h, "weights arrive", |app| app.live().weights.is_some());
    let shown = h.state().live().weights.clone().expect("weights").blocks;
    let engine = spikelab::sim::Network::build(h.state().model()).expect("builds");
    let k = shown.projection.expect("a projection");
    assert_eq!(shown.mean, engine.weights(k).expect("projection"));
    // Choosing another projection shows its weights (the popup needs a frame to settle).
    h.get_by_role_and_label(Role::ComboBox, "projection").click();
    h.step();
    h.step();
    h.get_by_role_and_label(Role::Button, "pre->facilitated").click();
    wait_until(&mut h, "the other projection's weights", |app| {
        app.live().weights.as_ref().is_some_and(|w| w.blocks.projection == Some(1))
    });
}

/// A window on an inline model.
fn app_with(toml: &str) -> Harness<'static, SpikeLabApp> {
    window_on(Model::from_toml(toml, "test.toml").expect("valid test model"), "test")
}

/// Opens a view from the View menu.
fn open_view(h: &mut Harness<'_, SpikeLabApp>, title: &str) {
    h.get_by_label("View").click();
    h.step();
    h.get_by_role_and_label(Role::Button, title).click();
    h.step();
    h.step();
}

/// Clicks at a data point of a view's plot, as recorded by the view last frame.
fn click_plot(h: &mut Harness<'_, SpikeLabApp>, plot: &str, x: f64, y: f64) {
    let transform = *h.state().shared().plots.get(plot).unwrap_or_else(|| panic!("{plot} not drawn"));
    let pos = transform.position_from_point(&egui_plot::PlotPoint::new(x, y));
    click_at(h, pos);
}

/// A primary click at a point of the window: move there, press, release.
fn click_at(h: &mut Harness<'_, SpikeLabApp>, pos: egui::Pos2) {
    h.hover_at(pos);
    h.step();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Default::default(),
        });
        h.step();
    }
}

#[test]
fn a_one_to_one_projection_is_a_diagonal_and_a_clicked_cell_is_followed() {
    let mut h = app_with(
        r#"
name = "diagonal"
[[populations]]
name = "a"
size = 6
model = "lif"
[[populations]]
name = "b"
size = 6
model = "lif"
[[projections]]
pre = "a"
post = "b"
receptor = "excitatory"
weight = { uniform = ["10 pA", "50 pA"] }
connect = { rule = "one_to_one" }
"#,
    );
    open_view(&mut h, "Weights");
    wait_until(&mut h, "weights arrive", |app| app.live().weights.is_some());
    let m = h.state().live().weights.clone().expect("weights").blocks.mean;
    for ((i, j), w) in m.indexed_iter() {
        assert_eq!(w.is_nan(), i != j, "cell ({i}, {j}) = {w}: a one-to-one projection is a diagonal");
    }
    // Cell (pre 4, post 4): row 4 from the top of 6, column 4.
    click_plot(&mut h, "weights", 4.5, 6.0 - 4.5);
    wait_until(&mut h, "the synapse is followed", |app| {
        app.live().synapse_traces.iter().any(|t| (t.pre, t.post) == (4, 4))
    });
    h.get_by_label("⏭ Step").click();
    wait_until(&mut h, "a sample of its weight", |app| {
        app.live().synapse_traces.first().is_some_and(|t| !t.values.is_empty())
    });
    let followed = h.state().live().synapse_traces[0].values[0];
    assert_eq!(followed, m[[4, 4]], "the followed weight is the engine's weight of that synapse");
}

#[test]
fn the_learning_view_shows_every_weight_and_the_stdp_window_follows_the_inspector() {
    let mut h = app_on("stdp_song2000.toml");
    wait_until(&mut h, "weights arrive", |app| app.live().weights.is_some());
    let snapshot = h.state().live().weights.clone().expect("weights");
    let engine = spikelab::sim::Network::build(h.state().model()).expect("builds");
    let k = snapshot.blocks.projection.expect("a projection");
    let values = engine.weight_values(k).expect("projection");
    assert_eq!(snapshot.histogram.total(), values.len() as u64, "every synapse is in the histogram");
    assert_eq!(snapshot.synapses, values.len());
    // Halving A+ in the inspector halves the window's potentiation side, which the view draws
    // from the model the engine runs.
    let before = h.state().live().info.model.projections[k].stdp.clone().expect("stdp");
    let dw = |s: &spikelab::model::Stdp| spikelab::analysis::stdp_dw(s, 5.0, 0.005);
    let label = h.state().model().projections[k].label();
    h.get_by_label(&format!("+ {label}")).click();
    h.step();
    type_into(&mut h, "a_plus", &format!("{}", before.a_plus.canonical() / 2.0));
    wait_until(&mut h, "the edit reaches the engine", |app| {
        app.live().info.model.projections[k].stdp.as_ref().is_some_and(|s| s.a_plus != before.a_plus)
    });
    let after = h.state().live().info.model.projections[k].stdp.clone().expect("stdp");
    assert!((dw(&after) - dw(&before) / 2.0).abs() < 1e-12 * dw(&before).abs().max(1e-12));
}

/// The Izhikevich patterns with the phase plane in front, once it has v and u of its neuron.
fn phase_plane_of_izhikevich_patterns() -> Harness<'static, SpikeLabApp> {
    let mut h = app_on("izhikevich_patterns.toml");
    open_view(&mut h, "Phase plane");
    wait_until(&mut h, "v and u of the first neuron are recorded", |app| {
        ["v", "u"]
            .iter()
            .all(|var| app.live().traces.iter().any(|t| t.pop == 0 && t.neuron == 0 && t.variable == *var))
    });
    h
}

#[test]
fn the_phase_plane_draws_a_neurons_path_and_a_click_sets_its_state() {
    let mut h = phase_plane_of_izhikevich_patterns();
    click_plot(&mut h, "phase plane", -52.0, -9.0);
    h.get_by_label("⏭ Step").click();
    wait_until(&mut h, "a step after the click", |app| app.live().steps >= 1);
    let last = |var: &str| {
        let t = h
            .state()
            .live()
            .traces
            .iter()
            .find(|t| t.pop == 0 && t.neuron == 0 && t.variable == var)
            .cloned();
        *t.expect("trace").values.last().expect("a sample")
    };
    // The sample of a step is the state at its start: where the click put the neuron. The
    // click lands within a pixel of the point asked for.
    assert!((last("v") + 52.0).abs() < 0.5, "v = {}", last("v"));
    assert!((last("u") + 9.0).abs() < 0.2, "u = {}", last("u"));
}

#[test]
fn the_phase_line_of_a_qif_neuron_shows_rest_and_threshold_and_a_click_past_threshold_fires() {
    // 50 pA (below the 70 pA rheobase): fixed points at −50 ∓ √(100 − 50/0.7) mV.
    let half = (100.0f64 - 50.0 / 0.7).sqrt();
    let first_spike_after_click = |v: f64| {
        let mut h = app_on("qif_neuron.toml");
        open_view(&mut h, "Phase plane");
        wait_until(&mut h, "the phase line is drawn", |app| {
            app.views().of::<PhaseView>().expect("a phase view").fixed_points().len() == 2
        });
        let fixed = h.state().views().of::<PhaseView>().expect("a phase view").fixed_points().to_vec();
        assert!((fixed[0].0 - (-50.0 - half)).abs() < 1e-3 && fixed[0].1, "rest is stable: {fixed:?}");
        assert!(
            (fixed[1].0 - (-50.0 + half)).abs() < 1e-3 && !fixed[1].1,
            "threshold is unstable: {fixed:?}"
        );
        click_plot(&mut h, "phase line", v, 0.0);
        h.state_mut().set_speed(spikelab::app::runner::Speed::MsPerSecond(400.0));
        h.get_by_label("▶ Play").click();
        wait_until(&mut h, "200 ms pass", |app| app.live().time_ms > 200.0);
        h.state().live().spikes.first().map(|s| s.step as f64 * h.state().live().info.dt_ms)
    };
    // Put just above the unstable point, the neuron escapes and fires at once; just below,
    // it falls back to rest (the pulse that makes it fire starts at 500 ms).
    let above = first_spike_after_click(-50.0 + half + 1.5);
    assert!(above.is_some_and(|t| t < 100.0), "above threshold it fires: {above:?}");
    let below = first_spike_after_click(-50.0 + half - 1.5);
    assert_eq!(below, None, "below threshold it returns to rest");
}

#[test]
fn statistics_of_poisson_spike_trains_have_cv_one() {
    // A Poisson process has exponential intervals: CV 1, and a flat spectrum (no peak).
    let mut h = app_with(
        r#"
name = "poisson"
[simulation]
seed = 3
[[populations]]
name = "src"
size = 400
model = "poisson_source"
params = { rate = "20 Hz" }
"#,
    );
    open_view(&mut h, "Statistics");
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "two seconds of spikes", |app| app.live().time_ms > 2100.0);
    h.get_by_label("⏸ Pause").click();
    wait_until(&mut h, "the simulation pauses", |app| !app.live().playing);
    frames(&mut h, 100);
    let stats =
        h.state().views().of::<StatsView>().expect("a statistics view").stats().expect("statistics").clone();
    // 400 neurons × 2 s × 20 Hz = 16,000 spikes: the rate is within a few percent of 20 Hz,
    // and the CV of ISI (mean over neurons with ~40 intervals each) within 0.05 of 1.
    assert!((stats.mean_rate_hz - 20.0).abs() < 1.0, "rate {}", stats.mean_rate_hz);
    let cv = stats.cv.expect("enough spikes");
    assert!((cv - 1.0).abs() < 0.05, "CV {cv}");
    assert_eq!(stats.rates.total(), 400, "one rate per neuron");
}

#[test]
fn the_fi_tool_matches_the_analytic_lif_curve_and_redoes_it_after_an_edit() {
    let mut h = app_on("lif_step.toml");
    open_view(&mut h, "F–I curve");
    wait_until(&mut h, "the sweep finishes", |app| {
        app.views().of::<FiView>().expect("an F–I view").curve().is_some()
    });
    let check = |h: &Harness<'_, SpikeLabApp>| {
        let population = h.state().live().info.model.populations[0].clone();
        let curve = h.state().views().of::<FiView>().expect("an F–I view").curve().expect("curve").to_vec();
        assert_eq!(curve.len(), 41);
        let dt = h.state().live().info.dt_ms;
        let mut firing = 0;
        for p in &curve {
            let exact = spikelab::analysis::rate_analytic(&population, p.current_pa).expect("LIF");
            // Spikes are detected at step ends, so each ISI is up to one step longer than exact.
            let slowest = if exact > 0.0 { 1000.0 / (1000.0 / exact + dt) } else { 0.0 };
            assert!(
                p.rate_hz <= exact + 1e-6 && p.rate_hz >= slowest - 1e-6,
                "{} pA: simulated {} Hz, analytic {exact} Hz",
                p.current_pa,
                p.rate_hz
            );
            firing += (p.rate_hz > 0.0) as usize;
        }
        firing
    };
    // Rheobase 200 pA in a sweep of 0–600 pA: the upper two thirds fire.
    let firing = check(&h);
    assert!((26..=28).contains(&firing), "{firing} of 41 currents fire");
    // Raising the threshold by 10 mV raises the rheobase to 300 pA; the tool sweeps again.
    // The population is selected in the inspector at start.
    type_into(&mut h, "v_thresh", "-40");
    wait_until(&mut h, "the new threshold reaches the views", |app| {
        app.live().info.model.populations[0].param("v_thresh") == Some(-40.0)
    });
    wait_until(&mut h, "the sweep is redone", |app| {
        app.views()
            .of::<FiView>()
            .expect("an F–I view")
            .curve()
            .is_some_and(|c| c.iter().filter(|p| p.rate_hz > 0.0).count() < 26)
    });
    let firing = check(&h);
    assert!((19..=21).contains(&firing), "{firing} of 41 currents fire with the higher threshold");
}

/// A fresh directory for files a test writes.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spikelab-gui-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Answers every file dialog with `path`.
fn answer_dialogs_with(h: &mut Harness<'_, SpikeLabApp>, path: &Path) {
    let path = path.to_path_buf();
    h.state_mut().set_file_picker(Arc::new(move |_| Some(path.clone())));
}

/// File → Export → `view` → `item`, as a user clicks through the menus.
fn export_from_menu(h: &mut Harness<'_, SpikeLabApp>, view: &str, item: &str) {
    // Menus need a frame to open and one to settle.
    h.get_by_label("File").click();
    h.step();
    h.step();
    h.get_by_label_contains("Export").click();
    h.step();
    h.step();
    h.get_by_label_contains(view).click();
    h.step();
    h.step();
    h.get_by_label_contains(item).click();
    h.step();
}

#[test]
fn spikes_exported_as_csv_are_the_engines_spikes() {
    let mut h = app_on("lif_step.toml");
    h.state_mut().set_speed(spikelab::app::runner::Speed::Max);
    h.get_by_label("stop at").click();
    h.step();
    h.get_by_label("▶ Play").click();
    // The stop time defaults to the model's duration, 700 ms.
    wait_until(&mut h, "the run stops", |app| !app.live().playing && app.live().time_ms >= 700.0);
    let path = scratch_dir("spikes").join("spikes.csv");
    answer_dialogs_with(&mut h, &path);
    export_from_menu(&mut h, "Raster", "Save data");
    wait_until(&mut h, "the file is written", |app| app.notice().is_some_and(|n| n.text.contains("Saved")));
    let text = std::fs::read_to_string(&path).expect("exported file");
    let mut engine = spikelab::sim::Network::build(h.state().model()).expect("builds");
    engine.run_for(700.0).expect("runs");
    // The command line's format: the convention line, then names and times to 1e-9 ms.
    let mut expected = format!("{}\ntime_ms,population,neuron\n", spikelab::export::SPIKE_TIME_CONVENTION);
    let model = h.state().model();
    for s in engine.spikes().retained() {
        let t = (s.step as f64 * engine.dt_ms() * 1e9).round() / 1e9;
        expected += &format!("{t},{},{}\n", model.populations[s.pop as usize].name, s.neuron);
    }
    assert!(expected.lines().count() > 10, "the step input makes the neuron fire");
    assert_eq!(text, expected);
}

#[test]
fn weights_export_to_npy_in_full_and_a_view_to_png() {
    let mut h = app_on("short_term_plasticity.toml");
    open_view(&mut h, "Weights");
    wait_until(&mut h, "weights arrive", |app| app.live().weights.is_some());
    let dir = scratch_dir("weights");
    let npy = dir.join("w.npy");
    answer_dialogs_with(&mut h, &npy);
    export_from_menu(&mut h, "Weights", "Save all weights");
    wait_until(&mut h, "the file is written", |app| app.notice().is_some_and(|n| n.text.contains("Saved")));
    let saved: ndarray::Array2<f32> = ndarray_npy::read_npy(&npy).expect("a .npy file numpy can read");
    let k = h.state().shared().weights_of.expect("a projection");
    let engine = spikelab::sim::Network::build(h.state().model()).expect("builds");
    assert_eq!(saved, engine.weights(k).expect("projection"));

    let png = dir.join("weights.png");
    answer_dialogs_with(&mut h, &png);
    export_from_menu(&mut h, "Weights", "Save picture");
    wait_until(&mut h, "the picture is written", |app| {
        app.notice().is_some_and(|n| n.text.contains("pixels"))
    });
    let picture = image::open(&png).expect("a PNG image");
    assert!(picture.width() > 200 && picture.height() > 100, "{} × {}", picture.width(), picture.height());
}

#[test]
fn the_whole_network_matrix_shows_excitation_and_inhibition_as_blocks() {
    let mut h = app_with(
        r#"
name = "e-i"
[[populations]]
name = "E"
size = 3
model = "lif"
[[populations]]
name = "I"
size = 2
model = "lif"
[[projections]]
pre = "E"
post = "I"
receptor = "excitatory"
weight = "5 pA"
connect = { rule = "all_to_all" }
[[projections]]
pre = "I"
post = "E"
receptor = "inhibitory"
weight = "7 pA"
connect = { rule = "all_to_all" }
"#,
    );
    open_view(&mut h, "Weights");
    h.get_by_role_and_label(Role::ComboBox, "projection").click();
    h.step();
    h.step();
    h.get_by_label_contains("whole network").click();
    wait_until(&mut h, "the network's weights", |app| app.live().network_weights.is_some());
    let m = h.state().live().network_weights.clone().expect("weights").mean;
    // Rows are presynaptic neurons E0..E2, I0, I1; columns the same, postsynaptic.
    for ((i, j), &w) in m.indexed_iter() {
        let expected = match (i < 3, j < 3) {
            (true, false) => 5.0,
            (false, true) => -7.0,
            _ => f32::NAN,
        };
        assert!(w == expected || (w.is_nan() && expected.is_nan()), "({i}, {j}): {w}, expected {expected}");
    }
}

/// Fraction of a histogram's counts in its outer fifths (0.4 for a uniform distribution).
fn outer_fifths(h: &spikelab::analysis::Histogram) -> f64 {
    let n = h.counts.len();
    let outer: u64 = h.counts[..n / 5].iter().chain(&h.counts[n - n / 5..]).sum();
    outer as f64 / h.total() as f64
}

#[test]
fn the_live_weight_histogram_of_song_2000_becomes_bimodal() {
    // Song, Miller & Abbott (2000), Fig. 1: competitive STDP drives the weights from uniform
    // to the two bounds. The preset runs 300 s (see tests/plasticity.rs for the engine side).
    let mut h = app_on("stdp_song2000.toml");
    wait_until(&mut h, "weights arrive", |app| app.live().weights.is_some());
    let start = outer_fifths(&h.state().live().weights.clone().expect("weights").histogram);
    assert!((start - 0.4).abs() < 0.1, "uniform start: {start} in the outer fifths");
    h.state_mut().set_speed(spikelab::app::runner::Speed::Max);
    h.get_by_label("stop at").click();
    h.step();
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "the run reaches 300 s", |app| !app.live().playing && app.live().time_ms >= 300_000.0);
    frames(&mut h, 100);
    let end = h.state().live().weights.clone().expect("weights").histogram;
    let fraction = outer_fifths(&end);
    assert!(fraction > 0.65, "after 300 s only {fraction} of the weights are near a bound: {:?}", end.counts);
    let (first, last) = (end.counts[0], end.counts[end.counts.len() - 1]);
    let middle = end.counts[end.counts.len() / 2];
    assert!(first > 3 * middle && last > 3 * middle, "not U-shaped: {:?}", end.counts);
}

#[test]
fn lesson_one_can_be_followed_in_the_panel_and_its_question_is_ticked() {
    let mut h = app_on("cuba.toml");
    // The panel is open at the start with the list of lessons.
    h.get_by_label_contains("leaky integrate-and-fire").click();
    wait_until(&mut h, "the lesson's model runs", |app| app.live().info.model.name == "LIF neuron");
    assert_eq!(h.state().lessons().step, 0);
    h.get_all_by_label("Next ▶").next().expect("a Next button").click();
    h.step();
    assert_eq!(h.state().lessons().step, 1);
    assert!(!h.state().lessons().is_passed(1));
    // Step 2 asks to make the neuron fire: select the input, type 300 pA, run.
    // (The step's text names the input too; the outline, on the left, comes first.)
    h.get_all_by_label_contains("drive -> neuron").next().expect("the input in the outline").click();
    h.step();
    type_into(&mut h, "amplitude", "300");
    h.state_mut().set_speed(spikelab::app::runner::Speed::Max);
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "the question is ticked", |app| app.lessons().is_passed(1));
    h.get_by_label_contains("Make the neuron fire");
}

#[test]
fn a_changed_lesson_file_is_reloaded_without_restarting() {
    let dir = scratch_dir("lessons");
    let file = dir.join("01_mine.toml");
    let text =
        std::fs::read_to_string(spikelab::lessons::source_dir().join("01_lif.toml")).expect("lesson 1");
    std::fs::write(&file, &text).expect("copy");
    let mut h = app_on("cuba.toml");
    h.state_mut().set_lessons_dir(dir.clone());
    h.state_mut().start_lesson(0);
    wait_until(&mut h, "the lesson starts", |app| app.lessons().current().is_some());
    // A teacher edits the title while the window is open.
    std::thread::sleep(Duration::from_millis(1100));
    std::fs::write(&file, text.replace("1. The leaky integrate-and-fire neuron", "My own LIF lesson"))
        .expect("edit");
    wait_until(&mut h, "the new title shows", |app| {
        app.lessons().current().is_some_and(|l| l.lesson.title == "My own LIF lesson")
    });
    h.get_by_label("My own LIF lesson");
}

/// Ticks "stop at" (1000 ms), runs as fast as possible until the run stops, opens ⚡ Energy.
fn run_to_the_stop_and_open_the_energy_meter(h: &mut Harness<'_, SpikeLabApp>) {
    h.get_by_label("stop at").click();
    h.step();
    h.state_mut().set_speed(spikelab::app::runner::Speed::Max);
    h.get_by_label("▶ Play").click();
    wait_until(h, "the run stops at 1000 ms", |app| !app.live().playing && app.live().time_ms >= 1000.0);
    h.get_by_label("⚡ Energy").click();
    h.step();
}

#[test]
fn the_energy_meter_counts_the_engines_events_and_the_closed_form_dense_work() {
    let mut h = app_on("cuba.toml");
    run_to_the_stop_and_open_the_energy_meter(&mut h);
    let counts = h.state().energy_counts();
    let mut engine = spikelab::sim::Network::build(h.state().model()).expect("builds");
    engine.run_for(1000.0).expect("runs");
    assert_eq!(counts.steps, engine.steps());
    assert_eq!(counts.synaptic_events, engine.synaptic_events(), "the meter counts the engine's events");
    // CUBA's four projections span all 4000 × 4000 pairs: 1.6e7 MACs a dense step.
    assert_eq!(counts.dense_macs, 4000 * 4000 * 10_000);
    assert_eq!(counts.neuron_updates, 4000 * 10_000);
    h.get_by_label_contains("of the dense network's synaptic work");
    // After exactly one second, Loihi's joules so far and per second are the same figure,
    // about 40 µJ as lesson 8 says.
    let loihi = counts.synaptic_events as f64 * 23.6e-12;
    assert!((30e-6..50e-6).contains(&loihi), "{loihi} J");
    let text = format!("{:.3} µJ", loihi * 1e6);
    assert_eq!(h.query_all_by_label(&text).count(), 2, "{text} so far and per second");
}

#[test]
fn edits_are_undone_and_redone_with_the_keyboard_and_the_engine_follows() {
    let mut h = app_on("cuba.toml");
    let original = h.state().model().clone();
    // Population "exc" is selected at start. Two edits of it more than a second apart are
    // two undo steps.
    type_into(&mut h, "v_thresh", "-45");
    std::thread::sleep(Duration::from_millis(1100));
    type_into(&mut h, "tau_m", "10");
    let edited = h.state().model().clone();
    assert_eq!(edited.populations[0].param("tau_m"), Some(10.0));
    let undo = egui::Modifiers::COMMAND;
    h.key_press_modifiers(undo, egui::Key::Z);
    h.step();
    assert_eq!(h.state().model().populations[0].param("tau_m"), original.populations[0].param("tau_m"));
    assert_eq!(h.state().model().populations[0].param("v_thresh"), Some(-45.0));
    h.key_press_modifiers(undo, egui::Key::Z);
    h.step();
    assert_eq!(*h.state().model(), original, "two undos give back the original model");
    wait_until(&mut h, "the engine runs the original again", |app| *app.live().info.model == original);
    h.key_press_modifiers(undo | egui::Modifiers::SHIFT, egui::Key::Z);
    h.step();
    h.key_press_modifiers(undo | egui::Modifiers::SHIFT, egui::Key::Z);
    h.step();
    assert_eq!(*h.state().model(), edited, "two redos give back both edits");
    wait_until(&mut h, "the engine runs the edited model", move |app| *app.live().info.model == edited);
}

/// A right-click at `pos`, then a click on the menu entry `item`.
fn context_menu_at(h: &mut Harness<'_, SpikeLabApp>, pos: egui::Pos2, item: &str) {
    right_click(h, pos);
    h.get_by_role_and_label(Role::Button, item).click();
    h.step();
    h.step();
}

/// Drags with the primary button from `from` to `to` in small moves.
fn drag(h: &mut Harness<'_, SpikeLabApp>, from: egui::Pos2, to: egui::Pos2) {
    h.hover_at(from);
    h.step();
    h.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Default::default(),
    });
    h.step();
    for k in 1..=10 {
        h.hover_at(from + (to - from) * (k as f32 / 10.0));
        h.step();
    }
    h.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Default::default(),
    });
    h.step();
    h.step();
}

#[test]
fn a_network_is_built_by_hand_in_the_graph_editor_runs_and_undoes_back_to_empty() {
    let model = Model::from_toml("name = \"empty\"", "empty.toml").expect("an empty model is valid");
    let mut h = window_on(model, "empty");
    open_view(&mut h, "Network");
    let rect =
        h.state().view_rect(Tab::from_key("network").expect("a network view")).expect("the graph is shown");
    let (left, right) = (rect.center() - egui::vec2(200.0, 60.0), rect.center() + egui::vec2(150.0, 60.0));
    context_menu_at(&mut h, left, "LIF");
    assert_eq!(h.state().model().populations.len(), 1);
    context_menu_at(&mut h, left + egui::vec2(0.0, 150.0), "DC current");
    assert_eq!(h.state().model().inputs.len(), 1, "a current into the first population");
    context_menu_at(&mut h, right, "LIF");
    assert_eq!(h.state().model().populations.len(), 2);
    let names: Vec<String> = h.state().model().populations.iter().map(|p| p.name.clone()).collect();
    assert_eq!(names, ["neurons", "neurons 2"]);
    // Connect: drag from the first population's exc pin and drop it anywhere on the second.
    // The label of that name furthest left (or right): the first (or second) population's.
    let at = |h: &Harness<'_, SpikeLabApp>, label: &str, rightmost: bool| {
        let sign = if rightmost { 1.0 } else { -1.0 };
        h.get_all_by_label(label)
            .map(|n| n.rect())
            .max_by(|a, b| (a.center().x * sign).total_cmp(&(b.center().x * sign)))
            .expect("a label")
    };
    let exc = at(&h, "exc", false);
    let body = at(&h, "10 × LIF", true);
    drag(&mut h, exc.center(), body.center());
    assert_eq!(h.state().model().projections.len(), 1, "a wire dropped on a node connects");
    let p = &h.state().model().projections[0];
    assert_eq!((p.pre.as_str(), p.post.as_str()), ("neurons", "neurons 2"));
    // The new projection is in the inspector: make it strong, then run.
    type_into(&mut h, "weight", "3000");
    type_into(&mut h, "delay", "2");
    let delay = h.state().model().projections[0].delay;
    assert_eq!(delay, Some(spikelab::model::Dist::Constant(spikelab::model::Quantity::ms(2.0))));
    h.state_mut().set_speed(spikelab::app::runner::Speed::Max);
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "the target population fires", |app| app.live().spikes.iter().any(|s| s.pop == 1));
    h.get_by_label("⏸ Pause").click();
    // Undo every step back to the empty model, then redo all of them.
    let built = h.state().model().clone();
    for _ in 0..20 {
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
        h.step();
    }
    assert!(
        h.state().model().populations.is_empty() && h.state().model().inputs.is_empty(),
        "undo back to empty"
    );
    for _ in 0..20 {
        h.key_press_modifiers(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, egui::Key::Z);
        h.step();
    }
    assert_eq!(*h.state().model(), built, "redo rebuilds the same network");
    // Saved and loaded, it is the same model, node places included.
    assert_eq!(built.layout.len(), 3, "each node's place is in the model: {:?}", built.layout);
    let reloaded = Model::from_toml(&built.to_toml(), "built.toml").expect("the saved model loads");
    assert_eq!(reloaded, built);
}

#[test]
fn nodes_are_renamed_and_deleted_from_their_menu_while_the_network_runs() {
    let model = Model::from_toml("name = \"empty\"", "empty.toml").expect("an empty model is valid");
    let mut h = window_on(model, "empty");
    open_view(&mut h, "Network");
    let rect =
        h.state().view_rect(Tab::from_key("network").expect("a network view")).expect("the graph is shown");
    context_menu_at(&mut h, rect.center() - egui::vec2(200.0, 60.0), "LIF");
    context_menu_at(&mut h, rect.center() + egui::vec2(150.0, 60.0), "LIF");
    context_menu_at(&mut h, rect.center() - egui::vec2(200.0, -100.0), "DC current");
    h.state_mut().set_speed(spikelab::app::runner::Speed::Max);
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "the network runs", |app| {
        app.live().time_ms > 100.0 && app.live().info.populations.len() == 2
    });
    // The second node, by its title.
    let spot = |r: egui::Rect| r.center();
    // Renaming "neurons 2" to "neurons" would give two populations one name: refused.
    let before = h.state().model().clone();
    let body = h.get_all_by_label("neurons 2").map(|n| n.rect()).next();
    right_click(&mut h, spot(body.expect("the second node")));
    h.get_by_role(Role::TextInput).focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.event(egui::Event::Text("neurons".into()));
    h.step();
    h.get_by_label("Rename").click();
    h.step();
    h.step();
    assert_eq!(*h.state().model(), before, "a refused edit changes nothing");
    let error = h.state().error().expect("the reason is shown").to_string();
    assert!(error.contains("refused") && error.contains("neurons"), "{error}");
    // A new name is taken, and it is renamed everywhere.
    let body = h.get_all_by_label("neurons 2").map(|n| n.rect()).next();
    right_click(&mut h, spot(body.expect("the second node")));
    h.get_by_role(Role::TextInput).focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.event(egui::Event::Text("target".into()));
    h.step();
    h.get_by_label("Rename").click();
    h.step();
    h.step();
    assert!(h.state().model().population("target").is_some(), "renamed in place");
    // Delete a node from its menu while running: the rest keeps running.
    let body = h.get_all_by_label("target").map(|n| n.rect()).next();
    right_click(&mut h, spot(body.expect("the second node")));
    h.get_by_label("Delete").click();
    h.step();
    assert_eq!(h.state().model().populations.len(), 1);
    let t = h.state().live().time_ms;
    wait_until(&mut h, "the smaller network runs on", move |app| {
        app.live().info.populations.len() == 1 && app.live().playing && app.live().time_ms > t.min(50.0)
    });
}

/// A secondary click at `pos`, and a frame for the menu to open.
fn right_click(h: &mut Harness<'_, SpikeLabApp>, pos: egui::Pos2) {
    h.hover_at(pos);
    h.step();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Secondary,
            pressed,
            modifiers: Default::default(),
        });
        h.step();
    }
    h.step();
}

#[test]
fn a_small_network_splits_into_single_neurons_from_the_graph_menu() {
    let mut h = app_with(
        r#"
name = "small"
[[populations]]
name = "E"
size = 4
model = "lif"
[[populations]]
name = "I"
size = 2
model = "lif"
[[projections]]
pre = "E"
post = "I"
receptor = "excitatory"
weight = "900 pA"
connect = { rule = "all_to_all" }
"#,
    );
    open_view(&mut h, "Network");
    let rect =
        h.state().view_rect(Tab::from_key("network").expect("a network view")).expect("the graph is shown");
    // A corner of the view, away from the nodes.
    context_menu_at(&mut h, rect.left_top() + egui::vec2(30.0, 60.0), "Show single neurons and synapses");
    let m = h.state().model().clone();
    assert_eq!(m.populations.len(), 6, "one node per neuron");
    assert_eq!(m.projections.len(), 8, "one wire per synapse: 4 × 2");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.step();
    assert_eq!(h.state().model().populations.len(), 2, "undo joins them again");
}

#[test]
fn the_stdp_lessons_weight_question_is_ticked_when_learning_splits_the_weights() {
    let mut h = app_on("cuba.toml");
    let index = h
        .state()
        .lessons()
        .list()
        .iter()
        .position(|l| l.as_ref().is_ok_and(|l| l.file_name.contains("stdp")));
    h.state_mut().start_lesson(index.expect("the STDP lesson"));
    wait_until(&mut h, "Song's model runs", |app| app.live().info.model.name.contains("Song"));
    let steps = h.state().lessons().current().expect("a lesson").lesson.steps.clone();
    let k = steps
        .iter()
        .position(|s| s.check.as_ref().is_some_and(|c| c.kind == spikelab::lessons::Test::WeightsAtBounds))
        .expect("a question about the weights");
    h.state_mut().go_to_step(k);
    h.step();
    h.state_mut().set_speed(spikelab::app::runner::Speed::Max);
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "the weights split and the question is ticked", move |app| app.lessons().is_passed(k));
    assert!(
        h.state().live().time_ms > 100_000.0,
        "ticked only after learning: {} ms",
        h.state().live().time_ms
    );
}

#[test]
fn a_slow_run_asks_first_and_cancel_leaves_it_paused() {
    // 200,000 Hodgkin–Huxley neurons at dt = 0.01 ms: 2e10 neuron updates per simulated second,
    // many minutes here.
    let mut h = app_with(
        "name = \"big\"\n[simulation]\ndt = \"0.01 ms\"\n[[populations]]\nname = \"hh\"\nsize = 200000\nmodel = \"hodgkin_huxley\"\n",
    );
    h.get_by_label("▶ Play").click();
    h.step();
    h.step();
    h.get_by_label("This will take a while");
    h.get_by_label_contains("Each second of simulated time will take about");
    h.get_by_label("Cancel").click();
    h.step();
    frames(&mut h, 200);
    assert!(!h.state().live().playing);
    assert_eq!(h.state().live().steps, 0, "Cancel must not run anything");
    assert!(h.query_by_label("This will take a while").is_none());
    // Run anyway: it runs, and Pause stops it within a few frames though steps are slow.
    h.get_by_label("▶ Play").click();
    h.step();
    h.step();
    h.get_by_label("Run anyway").click();
    wait_until(&mut h, "it runs", |app| app.live().steps > 0);
    h.get_by_label("⏸ Pause").click();
    wait_until(&mut h, "it pauses", |app| !app.live().playing);
    // Asked once per network: Play again starts at once.
    h.get_by_label("▶ Play").click();
    h.step();
    h.step();
    assert!(h.query_by_label("This will take a while").is_none());
}

#[test]
fn a_population_firing_at_the_step_rate_is_warned_about() {
    // Izhikevich under 1e6 pA passes its 30 mV peak every step: 10 kHz, set by dt alone.
    let mut h = app_with(
        "name = \"huge drive\"\n[[populations]]\nname = \"rs\"\nsize = 2\nmodel = \"izhikevich\"\n[[inputs]]\nname = \"dc\"\nkind = \"dc\"\ntarget = \"rs\"\namplitude = \"1000000 pA\"\n",
    );
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "the warning", |app| app.error().is_some());
    let warning = h.state().error().unwrap_or_default().to_string();
    assert!(warning.starts_with("Warning: population \"rs\" fired at 10000 Hz"), "{warning}");
    assert!(h.state().live().playing, "a warning does not stop the run");
}

#[test]
fn bad_values_in_the_inspector_are_refused_and_the_running_network_is_untouched() {
    let mut h = app_on("cuba.toml");
    h.state_mut().set_speed(spikelab::app::runner::Speed::Max);
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "it runs", |app| app.live().time_ms > 20.0);
    let generation = h.state().live().generation;
    let before = h.state().model().clone();
    for (field, text, reason) in [
        ("tau_m", "-20", "must be positive"),
        ("size", "1000000000", "size must be between 1 and"),
        ("size", "0", "it must be at least 1 neuron"),
        ("tau_m", "1e308", "too large"),
    ] {
        type_into(&mut h, field, text);
        assert_eq!(h.state().model(), &before, "{field} = {text} was accepted");
        h.get_by_label_contains(reason);
        let t = h.state().live().time_ms;
        wait_until(&mut h, "the run goes on", move |app| app.live().time_ms > t + 10.0);
        assert_eq!(h.state().live().generation, generation, "{field} = {text} rebuilt the network");
        assert!(h.state().error().is_none(), "{:?}", h.state().error());
    }
}

#[test]
fn a_source_rate_of_1e15_hz_is_refused_and_the_sources_keep_firing() {
    // Song et al. (2000): population 0, selected at start, is the 1000 Poisson sources.
    let mut h = app_on("stdp_song2000.toml");
    h.state_mut().set_speed(spikelab::app::runner::Speed::Max);
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "it runs", |app| app.live().time_ms > 20.0);
    let before = h.state().model().clone();
    type_into(&mut h, "rate", "1e15");
    assert_eq!(h.state().model(), &before, "a rate of 1e15 Hz was accepted");
    let refusal = h.state().model().populations[0].name.clone();
    assert_eq!(refusal, "inputs");
    let t = h.state().live().time_ms;
    wait_until(&mut h, "the run goes on", move |app| app.live().time_ms > t + 20.0);
    assert!(h.state().error().is_none(), "{:?}", h.state().error());
}

#[test]
fn a_model_given_at_start_shows_its_warnings_in_a_banner_that_fits_the_window() {
    let text =
        presets::preset("hodgkin_huxley").expect("preset").replace("dt = \"0.01 ms\"", "dt = \"0.5 ms\"");
    let model = Model::from_toml(&text, "hh.toml").expect("coarse but valid");
    assert_eq!(model.dt_ms(), 0.5);
    let mut h = window_on(model, "hh.toml");
    let warning = h.state().error().expect("the warning is shown at start").to_string();
    assert!(warning.starts_with("Warning:") && warning.contains("too coarse"), "{warning}");
    // The long message wraps: the dismiss button stays inside the window.
    let dismiss = h.get_by_label("Dismiss").rect();
    assert!(dismiss.right() <= 1600.0 && dismiss.left() < 1200.0, "{dismiss:?}");
    h.get_by_label("Dismiss").click();
    h.step();
    assert!(h.state().error().is_none());
}

#[test]
fn an_inputs_fields_come_from_its_kind_and_an_edit_reaches_the_engine() {
    let mut h = app_on("lif_step.toml");
    h.get_by_label_contains("step -> neuron").click();
    h.step();
    // A pulse has an amplitude and its start and stop; no rate, no frequency.
    for field in ["amplitude", "start", "stop"] {
        h.get_by_role_and_label(Role::SpinButton, field);
    }
    assert!(h.query_by_label("rate").is_none() && h.query_by_label("frequency").is_none());
    type_into(&mut h, "amplitude", "500");
    let amplitude = |app: &SpikeLabApp| app.model().inputs[0].stimulus.constant_current_pa();
    assert_eq!(amplitude(h.state()), Some(500.0));
    wait_until(&mut h, "the engine takes the new amplitude", |app| {
        app.live().info.model.inputs[0].stimulus.constant_current_pa() == Some(500.0)
    });
}

/// Every shape of the last frame, groups opened.
fn shapes(h: &Harness<'_, SpikeLabApp>) -> Vec<egui::Shape> {
    fn open(shape: &egui::Shape, out: &mut Vec<egui::Shape>) {
        match shape {
            egui::Shape::Vec(v) => v.iter().for_each(|s| open(s, out)),
            s => out.push(s.clone()),
        }
    }
    let mut out = Vec::new();
    for clipped in &h.output().shapes {
        open(&clipped.shape, &mut out);
    }
    out
}

#[test]
fn recorded_neurons_get_a_colour_each_and_time_labels_sit_at_the_times_they_name() {
    let mut h = app_on("cuba.toml");
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "traces arrive", |app| app.live().traces.iter().all(|t| t.values.len() > 100));
    frames(&mut h, 100);
    let transform = *h.state().shared().plots.get("traces").expect("the traces plot is drawn");
    let frame = *transform.frame();
    let drawn = shapes(&h);
    // The three recorded neurons' lines: long paths inside the plot, one colour each.
    let colours: std::collections::BTreeSet<[u8; 4]> = drawn
        .iter()
        .filter_map(|s| match s {
            egui::Shape::Path(p)
                if p.points.len() > 50 && p.points.iter().all(|q| frame.expand(1.0).contains(*q)) =>
            {
                match p.stroke.color {
                    egui::epaint::ColorMode::Solid(c) => Some(c.to_array()),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect();
    assert_eq!(colours.len(), 3, "three traces in three colours: {colours:?}");
    // The time axis' labels, just under the plot: several, each centred on its value.
    let ticks: Vec<(f64, f32)> = drawn
        .iter()
        .filter_map(|s| match s {
            egui::Shape::Text(t) if (frame.bottom() - 1.0..frame.bottom() + 20.0).contains(&t.pos.y) => {
                let value: f64 = t.galley.text().parse().ok()?;
                (frame.x_range().contains(t.pos.x + t.galley.size().x / 2.0))
                    .then_some((value, t.pos.x + t.galley.size().x / 2.0))
            }
            _ => None,
        })
        .collect();
    assert!(ticks.len() >= 4, "time labels under the traces: {ticks:?}");
    for (value, x) in ticks {
        let at = transform.position_from_point(&egui_plot::PlotPoint::new(value, 0.0)).x;
        assert!((x - at).abs() < 2.0, "the label {value} is centred at x = {x}, its value at {at}");
    }
}

#[test]
fn a_click_in_the_phase_plane_moves_the_neuron_at_once_paused_or_running() {
    let mut h = phase_plane_of_izhikevich_patterns();
    // Paused: the neuron's marker is where the click put it, before any step.
    let (v, u) = (-60.0, -18.0);
    click_plot(&mut h, "phase plane", v, u);
    h.step(); // the frame after the click
    let transform = *h.state().shared().plots.get("phase plane").expect("drawn");
    let at = transform.position_from_point(&egui_plot::PlotPoint::new(v, u));
    let marked = shapes(&h).iter().any(|s| {
        matches!(s, egui::Shape::Circle(c) if c.center.distance(at) < 2.0 && c.fill == egui::Color32::WHITE)
    });
    assert!(marked, "the marker moved with the click");
    // Running: a click lands in the recorded path at once (the sample of the next step).
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "the network runs", |app| app.live().time_ms > 200.0);
    let t_click = h.state().live().time_ms;
    click_plot(&mut h, "phase plane", v, u);
    wait_until(&mut h, "50 ms more", |app| app.live().time_ms > t_click + 50.0);
    let live = h.state().live();
    let trace = |var: &str| {
        live.traces.iter().find(|t| t.pop == 0 && t.neuron == 0 && t.variable == var).expect("trace").clone()
    };
    let (tv, tu) = (trace("v"), trace("u"));
    assert_eq!(tv.interval_ms, tu.interval_ms);
    let found = (0..tv.values.len()).any(|j| {
        let t = tv.time_ms(j);
        let k = ((t - tu.t0_ms) / tu.interval_ms).round();
        t >= t_click
            && k >= 0.0
            && tu.values.get(k as usize).is_some_and(|&uu| (f64::from(uu) - u).abs() < 0.2)
            && (f64::from(tv.values[j]) - v).abs() < 0.5
    });
    assert!(found, "no sample at ({v}, {u}) after the click at {t_click} ms");
}

#[test]
fn panels_hide_with_their_keys_and_reset_layout_puts_everything_back() {
    let mut h = app_on("izhikevich_patterns.toml");
    let inspector = |h: &Harness<'_, SpikeLabApp>| h.query_by_label("Population \"RS\"").is_some();
    let lessons = |h: &Harness<'_, SpikeLabApp>| h.query_by_label("All lessons").is_some();
    assert!(inspector(&h) && lessons(&h));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::B);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::L);
    h.step();
    h.step();
    assert!(!inspector(&h) && !lessons(&h), "Ctrl+B and Ctrl+L hide both side panels");
    open_view(&mut h, "Phase plane");
    let phase = |h: &Harness<'_, SpikeLabApp>| h.query_by_label_contains("Click in the plane").is_some();
    assert!(phase(&h));
    h.key_press(egui::Key::F5);
    h.step();
    assert_eq!(h.ctx.zoom_factor(), 1.5, "F5: presentation mode");
    h.get_by_label("View").click();
    h.step();
    h.get_by_label("Reset layout").click();
    h.step();
    h.step();
    assert!(inspector(&h) && lessons(&h), "both panels back");
    assert!(!phase(&h) && h.query_by_label("stacked").is_some(), "the traces in front again, as at first");
    assert_eq!(h.ctx.zoom_factor(), 1.0);
    // Help lists the keys.
    h.get_by_label("Help").click();
    h.step();
    h.get_by_label("Keyboard shortcuts").click();
    h.step();
    assert!(h.query_by_label("show or hide the model panel").is_some());
}

#[test]
fn a_save_that_fails_says_where_and_why_and_keeps_the_changes() {
    let mut h = app_on("lif_neuron.toml");
    // An edit, then Save As into a folder that does not exist.
    type_into(&mut h, "tau_m", "15");
    wait_until(&mut h, "the edit is made", |app| app.is_dirty());
    let model = h.state().model().clone();
    let target = scratch_dir("failed-save").join("no such folder").join("mine.toml");
    answer_dialogs_with(&mut h, &target);
    h.get_by_label("File").click();
    h.step();
    h.get_by_label("Save As…").click();
    wait_until(&mut h, "the save is answered", |app| app.error().is_some());
    let message = h.state().error().expect("a message").to_string();
    assert!(message.contains("Could not save") && message.contains("mine.toml"), "{message}");
    assert!(message.contains("the folder") && message.contains("does not exist"), "{message}");
    assert!(h.state().is_dirty(), "still unsaved");
    assert_eq!(h.state().model(), &model, "the edit is kept");
    assert!(!target.exists());
}

#[test]
fn the_layout_and_lesson_progress_are_remembered_for_the_next_session() {
    let file = scratch_dir("settings").join("settings.toml");
    std::fs::write(&file, "passed = [[\"01_lif.toml\", 0]]\n").expect("an earlier session's file");
    let mut h = app_on("lif_neuron.toml");
    let ctx = h.ctx.clone();
    h.state_mut().remember_settings_in(&ctx, file.clone());
    h.step();
    assert!(h.query_by_label_contains("(1/5\u{a0}✔)").is_some(), "lesson 1's first answer is kept");
    let stats = Tab::from_key("statistics").expect("a view");
    assert!(h.state().view_rect(stats).is_none(), "statistics starts behind rates");
    open_view(&mut h, "Statistics");
    assert!(h.state().view_rect(stats).is_some());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::B);
    frames(&mut h, 1200); // settings are looked at once a second
    let saved = spikelab::app::settings::Settings::load(&file);
    assert!(!saved.model_panel && saved.lessons_panel, "{saved:?}");
    assert_eq!(saved.passed, vec![("01_lif.toml".to_string(), 0)]);
    // The next session opens as this one was left.
    let mut next = app_on("lif_neuron.toml");
    let ctx = next.ctx.clone();
    next.state_mut().remember_settings_in(&ctx, file);
    next.step();
    next.step();
    assert!(next.query_by_label("Population \"neuron\"").is_none(), "the model panel stays hidden");
    assert!(next.state().view_rect(stats).is_some(), "statistics is still in front");
}

/// A lesson arranges the views for itself; the user's own arrangement is what is remembered,
/// and it comes back when the user leaves the lesson's model.
#[test]
fn a_lessons_layout_is_not_kept_after_the_lesson() {
    let file = scratch_dir("lesson-layout").join("settings.toml");
    let mut h = app_on("cuba.toml");
    let ctx = h.ctx.clone();
    h.state_mut().remember_settings_in(&ctx, file.clone());
    h.step();
    let raster = Tab::from_key("raster").expect("a view");
    let before = h.state().view_rect(raster).expect("the raster is in front");
    let index = h
        .state()
        .lessons()
        .list()
        .iter()
        .position(|l| l.as_ref().is_ok_and(|l| l.file_name.starts_with("05_")));
    h.state_mut().start_lesson(index.expect("lesson 5"));
    frames(&mut h, 1200); // settings are looked at once a second
    assert_ne!(h.state().view_rect(raster), Some(before), "lesson 5 puts Statistics where the raster was");
    // The next session opens with the user's layout, not the lesson's.
    let mut next = app_on("cuba.toml");
    let ctx = next.ctx.clone();
    next.state_mut().remember_settings_in(&ctx, file);
    next.step();
    next.step();
    assert_eq!(next.state().view_rect(raster), Some(before), "a plain start after a lesson");
    // Leaving the lesson for another model gives the layout back in this session too.
    let preset = scratch_dir("lesson-layout").join("cuba.toml");
    std::fs::write(&preset, presets::preset("cuba.toml").expect("cuba")).expect("written");
    h.state_mut().open_path(&preset);
    h.step();
    h.step();
    assert_eq!(h.state().view_rect(raster), Some(before), "the user's layout is back");
}

#[test]
fn the_network_editor_opens_on_the_whole_graph_with_pin_markers_clear_of_labels_and_loops_over_nodes() {
    let mut h = app_on("three_neurons");
    open_view(&mut h, "Network");
    let view = h.state().view_rect(Tab::from_key("network").expect("a network view")).expect("shown");
    // Every node is inside the view from the first frame.
    for name in ["A", "B", "C", "input drive"] {
        let node = h.get_by_role_and_label(Role::Pane, name).rect();
        assert!(view.contains_rect(node), "{name} at {node:?} is outside the view {view:?}");
    }
    // No pin marker (a filled circle or square) covers a pin's label.
    let labels: Vec<egui::Rect> = shapes(&h)
        .iter()
        .filter_map(|s| match s {
            egui::Shape::Text(t) if ["exc", "inh", "in"].contains(&t.galley.text()) => {
                Some(t.galley.rect.translate(t.pos.to_vec2()))
            }
            _ => None,
        })
        .collect();
    assert!(labels.len() >= 3 * 3, "in, exc and inh on three populations: {labels:?}");
    let markers: Vec<egui::Rect> = shapes(&h)
        .iter()
        .filter_map(|s| match s {
            egui::Shape::Circle(c) if c.radius < 10.0 && view.contains(c.center) => {
                Some(egui::Rect::from_center_size(c.center, egui::Vec2::splat(2.0 * c.radius)))
            }
            egui::Shape::Rect(r)
                if r.rect.width() < 12.0 && r.rect.height() < 12.0 && view.contains(r.rect.center()) =>
            {
                Some(r.rect)
            }
            _ => None,
        })
        .collect();
    for label in &labels {
        for marker in &markers {
            assert!(!label.intersects(*marker), "a marker at {marker:?} covers the label at {label:?}");
        }
    }
    // The inhibitory wire B -> C is deleted from its menu.
    let blue = egui::Color32::from_rgb(0x50, 0x90, 0xE0);
    let middle = shapes(&h)
        .iter()
        .find_map(|s| match s {
            egui::Shape::Path(p) if p.stroke.color == egui::epaint::ColorMode::Solid(blue) => {
                Some(p.points[p.points.len() / 2])
            }
            _ => None,
        })
        .expect("a blue wire");
    right_click(&mut h, middle);
    h.get_by_role_and_label(Role::Button, "Delete").click();
    h.step();
    h.step();
    let left: Vec<String> = h.state().model().projections.iter().map(|p| p.label()).collect();
    assert_eq!(left, ["A->B", "A->C"]);

    // CUBA: the excitatory population's projection onto itself is a red loop over its node.
    let mut h = app_on("cuba");
    open_view(&mut h, "Network");
    let exc = h.get_by_role_and_label(Role::Pane, "exc").rect();
    let red = egui::Color32::from_rgb(0xE0, 0x50, 0x50);
    let near = |p: egui::Pos2| exc.expand(8.0).contains(p);
    let looped = shapes(&h).iter().any(|s| match s {
        egui::Shape::Path(p)
            if p.stroke.color == egui::epaint::ColorMode::Solid(red) && p.points.len() > 2 =>
        {
            let top = p.points.iter().map(|q| q.y).fold(f32::INFINITY, f32::min);
            near(p.points[0]) && near(*p.points.last().expect("points")) && top < exc.top() - 10.0
        }
        _ => false,
    });
    assert!(looped, "no red wire leaves exc, rises over it and comes back to it");
}

#[test]
fn a_lesson_gives_the_view_it_is_about_the_largest_place() {
    let mut h = app_on("cuba.toml");
    let list: Vec<(String, Vec<String>)> = h
        .state()
        .lessons()
        .list()
        .iter()
        .filter_map(|l| l.as_ref().ok())
        .map(|l| (l.file_name.clone(), l.lesson.views.clone()))
        .collect();
    for (index, (file, views)) in list.iter().enumerate() {
        h.state_mut().start_lesson(index);
        frames(&mut h, 100);
        let shown: Vec<(Tab, egui::Rect)> = views
            .iter()
            .map(|v| {
                let tab = Tab::from_key(v).expect("a view");
                (tab, h.state().view_rect(tab).unwrap_or_else(|| panic!("{file}: {v} is not on screen")))
            })
            .collect();
        let area = |r: &egui::Rect| r.width() * r.height();
        let (first, main) = shown[0];
        for (tab, rect) in &shown[1..] {
            assert!(
                area(&main) > 1.5 * area(rect),
                "{file}: {first:?} {main:?} is not larger than {tab:?} {rect:?}"
            );
            assert!(!main.intersects(rect.shrink(1.0)), "{file}: {tab:?} is hidden behind {first:?}");
        }
    }
    // As `--lesson 6` does: the lesson starts before the window's first frame.
    let model = Model::from_toml(presets::preset("cuba.toml").expect("preset"), "cuba").expect("valid");
    let mut app = SpikeLabApp::new(model, None, "cuba", || {});
    let stdp = list.iter().position(|(f, _)| f.contains("stdp")).expect("the STDP lesson");
    app.start_lesson(stdp);
    let mut h = Harness::builder()
        .with_size([1280.0, 720.0])
        .build_ui_state(|ui: &mut egui::Ui, app: &mut SpikeLabApp| app.ui_root(ui), app);
    frames(&mut h, 200);
    let learning =
        h.state().view_rect(Tab::from_key("learning").expect("a view")).expect("learning on screen");
    let raster = h.state().view_rect(Tab::from_key("raster").expect("a view")).expect("raster on screen");
    assert!(learning.top() < raster.top(), "learning {learning:?} is not above the raster {raster:?}");
    assert!(learning.width() * learning.height() > 1.5 * raster.width() * raster.height());
    // Lesson 2 is about the phase plane, lesson 6 about learning.
    let of = |n: &str| list.iter().find(|(f, _)| f.contains(n)).map(|(_, v)| v[0].clone());
    assert_eq!(of("izhikevich").as_deref(), Some("phase"));
    assert_eq!(of("stdp").as_deref(), Some("learning"));
}

#[test]
fn choosing_latency_coding_in_the_inspector_gives_one_spike_per_bright_pixel() {
    let text = presets::preset("digits_rate").expect("the preset");
    let model = Model::from_toml(text, "digits_rate")
        .and_then(|m| m.with_setting("inputs.digits.order", "in_order"))
        .expect("valid");
    let mut h = window_on(model, "digits_rate");
    h.get_by_label_contains("digits -> pixels").click();
    h.step();
    // The Encoding view, in front for this model, has its own "latency" button.
    open_view(&mut h, "Raster");
    h.get_by_label("encoding").click();
    h.step();
    h.get_by_role_and_label(Role::Button, "latency").click();
    h.step();
    let encoding = |app: &SpikeLabApp| match &app.model().inputs[0].stimulus {
        spikelab::model::Stimulus::Dataset { encoding, .. } => *encoding,
        _ => panic!("a dataset input"),
    };
    assert_eq!(encoding(h.state()), spikelab::model::Encoding::Latency);
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "the first digit and its gap have passed", |app| {
        app.live().info.model.inputs[0] == app.model().inputs[0] && app.live().time_ms > 125.0
    });
    // The first sample in order is digit 0: one spike for each pixel brighter than 0.2.
    let digits = spikelab::data::Dataset::digits().expect("digits");
    let bright = digits.intensities(0).iter().filter(|&&x| x > 0.2).count();
    let first = h.state().live().spikes.iter().filter(|s| s.step <= 1000 + 1).count();
    assert_eq!(first, bright, "spikes of the first sample");
    let lit = h.state().live().spikes.iter().filter(|s| (1000 + 2..1200).contains(&s.step)).count();
    assert_eq!(lit, 0, "nothing in the gap");
    // The window knows which sample started when, for the raster's marks.
    let samples = &h.state().live().samples;
    assert!(samples.len() >= 2, "{samples:?}");
    assert_eq!((samples[0].step, samples[0].sample, samples[0].label), (0, 0, digits.label(0)));
    assert_eq!((samples[1].step, samples[1].sample, samples[1].label), (1200, 1, digits.label(1)));
    // The Encoding view follows the input: it shows latency coding now.
    open_view(&mut h, "Encoding");
    let view = h.state().views().of::<spikelab::app::views::EncodingView>().expect("the view").shown();
    let latency = spikelab::data::Latency { tau_ms: 20.0, threshold: 0.2, t_max_ms: 100.0 };
    assert_eq!(view, latency.encode(&digits.intensities(0)));
}

#[test]
fn the_encoding_view_shows_a_digits_spikes_as_each_encoders_formula_says() {
    use spikelab::app::views::EncodingView;
    use spikelab::data::{Dataset, Latency, Saccades};
    let mut h = app_on("digits_rate.toml");
    open_view(&mut h, "Encoding");
    let digits = Dataset::digits().expect("digits");
    let x = digits.intensities(0);
    let shown =
        |h: &Harness<'_, SpikeLabApp>| h.state().views().of::<EncodingView>().expect("the view").shown();
    h.get_by_role_and_label(Role::Button, "latency").click();
    h.step();
    let latency = Latency { tau_ms: 20.0, threshold: 0.2, t_max_ms: 100.0 };
    assert_eq!(shown(&h), latency.encode(&x), "latency: the formula's spikes");
    assert_eq!(shown(&h).len(), x.iter().filter(|&&v| v > 0.2).count());
    h.get_by_role_and_label(Role::Button, "delta").click();
    h.step();
    let events = Saccades { sweep_ms: 100.0 / 3.0, ..Saccades::default() }.encode(&x, digits.width);
    assert_eq!(shown(&h).len(), events.len(), "delta: one spike per event");
    h.get_by_role_and_label(Role::Button, "rate").click();
    h.step();
    // 100 Hz for 100 ms: 10 × the digit's ink, Poisson.
    let ink: f64 = x.iter().map(|&v| f64::from(v)).sum();
    let n = shown(&h).len() as f64;
    assert!((n - 10.0 * ink).abs() < 4.0 * (10.0 * ink).sqrt(), "rate: {n} spikes for ink {ink}");
    // The next sample is another digit.
    h.get_by_role_and_label(Role::Button, "▶").click();
    h.step();
    h.get_by_label_contains(&format!("(a {})", digits.label(1)));
}

#[test]
fn the_energy_meter_counts_the_spikes_a_latency_coded_digit_costs() {
    use spikelab::data::{Dataset, Latency};
    let text = presets::preset("digits_rate").expect("the preset");
    let model = Model::from_toml(text, "digits_rate")
        .and_then(|m| m.with_setting("inputs.digits.order", "in_order"))
        .and_then(|m| m.with_setting("inputs.digits.encoding", "latency"))
        .expect("valid");
    let mut h = window_on(model, "digits_rate");
    run_to_the_stop_and_open_the_energy_meter(&mut h);
    // Each sample started so far (every 1200 steps, in order): one spike for each pixel above
    // the threshold, at the formula's step, if that step has been run.
    let digits = Dataset::digits().expect("digits");
    let latency = Latency { tau_ms: 20.0, threshold: 0.2, t_max_ms: 100.0 };
    let run = h.state().live().steps;
    let total: usize = (0..run.div_ceil(1200) as usize)
        .map(|k| {
            digits
                .intensities(k)
                .iter()
                .filter_map(|&x| latency.time_ms(f64::from(x)))
                .filter(|t| 1200 * k as u64 + ((t / 0.1).round() as u64) < run)
                .count()
        })
        .sum();
    assert_eq!(h.state().live().input_events, total as u64, "after {run} steps");
    let shown = run.div_ceil(1200);
    assert_eq!(h.state().live().samples.len() as u64, shown);
    h.get_by_label_contains(&format!(
        "{shown} samples shown, {:.1} input spikes a sample",
        total as f64 / shown as f64
    ));
}

#[test]
fn the_encoding_view_saves_a_digits_delta_events_as_an_n_mnist_file_that_reads_back() {
    use spikelab::data::{Dataset, Saccades};
    let mut h = app_on("digits_rate.toml");
    let path = scratch_dir("nmnist").join("zero.bin");
    answer_dialogs_with(&mut h, &path);
    // Lesson 9's title in the Lessons panel also says "Encoding": hide the panel.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::L);
    h.step();
    export_from_menu(&mut h, "Encoding", "Save spikes");
    frames(&mut h, 100);
    let digits = Dataset::digits().expect("digits");
    let saccades = Saccades { sweep_ms: 100.0 / 3.0, ..Saccades::default() };
    let expected = saccades.encode(&digits.intensities(0), digits.width);
    let read = spikelab::data::events::read_nmnist_file(&path, (11, 11)).expect("an N-MNIST file");
    assert_eq!(read, expected);
    h.get_by_label_contains(&format!("{} events of sample 0", expected.len()));
    // Play it back: the dataset input becomes an events input reading the file, onto the
    // 2 × 11 × 11 relays, and each relay fires a step after its events.
    h.get_by_label("Play zero.bin as the input").click();
    wait_until(&mut h, "the model reads the file", |app| {
        app.model().inputs[0].kind() == spikelab::model::InputKind::Events
            && app.model().populations[0].size == 242
    });
    h.state_mut().set_speed(spikelab::app::runner::Speed::Max);
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "the saccades are over", |app| {
        app.live().info.model.inputs[0].kind() == spikelab::model::InputKind::Events
            && app.live().time_ms > 110.0
    });
    let mut want: Vec<(u64, u32)> = saccades
        .spikes(&digits.intensities(0), digits.width)
        .iter()
        .map(|s| ((s.t_ms / 0.1).round() as u64 + 1, s.neuron))
        .collect();
    want.sort_unstable();
    want.dedup();
    let mut got: Vec<(u64, u32)> =
        h.state().live().spikes.iter().filter(|s| s.step <= 1001).map(|s| (s.step, s.neuron)).collect();
    got.sort_unstable();
    assert_eq!(got, want);
}

#[test]
fn choosing_a_users_npy_images_and_labels_in_the_inspector_shows_them_in_the_encoding_view() {
    use ndarray::{Array1, Array3};
    use spikelab::app::views::EncodingView;
    let dir = scratch_dir("choose-npy");
    let (images, labels) = (dir.join("bars.npy"), dir.join("bars_labels.npy"));
    // Three 8×8 images, each one bright row (row 2k), labelled 10, 11, 12.
    let mut x = Array3::<f32>::zeros((3, 8, 8));
    for k in 0..3 {
        for c in 0..8 {
            x[[k, 2 * k, c]] = 1.0;
        }
    }
    ndarray_npy::write_npy(&images, &x).expect("written");
    ndarray_npy::write_npy(&labels, &Array1::from(vec![10i64, 11, 12])).expect("written");
    let mut h = app_on("digits_rate.toml");
    // The first dialog is for the images; then the window asks for their labels.
    let (i, l) = (images.clone(), labels.clone());
    h.state_mut().set_file_picker(Arc::new(move |r| {
        Some(if r.title.starts_with("Choose the labels") { l.clone() } else { i.clone() })
    }));
    h.get_by_label_contains("digits -> pixels").click();
    h.step();
    h.get_by_label("Choose…").click();
    wait_until(&mut h, "the images and labels are chosen", |app| {
        matches!(&app.model().inputs[0].stimulus, spikelab::model::Stimulus::Dataset { labels: Some(_), .. })
    });
    match &h.state().model().inputs[0].stimulus {
        spikelab::model::Stimulus::Dataset { dataset, labels: l, .. } => {
            assert_eq!((dataset.as_str(), l.as_deref()), (images.to_str().unwrap(), labels.to_str()));
        }
        other => panic!("a dataset input: {other:?}"),
    }
    // The Encoding view shows the user's images: sample 0 is a 10, latency-coded as its one row.
    open_view(&mut h, "Encoding");
    h.get_by_label_contains("(a 10)");
    h.get_by_role_and_label(Role::Button, "latency").click();
    h.step();
    let shown = h.state().views().of::<EncodingView>().expect("the view").shown();
    let neurons: Vec<u32> = shown.iter().map(|s| s.neuron).collect();
    assert_eq!(neurons, (0..8).collect::<Vec<_>>(), "the top row's eight pixels");
    // A broken file is refused under the input, naming it; the model keeps the images it had.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "1,2,3\n4,x,6\n").expect("written");
    answer_dialogs_with(&mut h, &bad);
    h.get_by_label_contains("bars.npy").click();
    h.step();
    // The dataset's button: the first of two now (the labels have one too).
    h.get_all_by_label("Choose…").next().expect("a button").click();
    frames(&mut h, 200);
    h.get_by_label_contains("bad.csv: row 2: column 2");
    assert!(matches!(&h.state().model().inputs[0].stimulus,
        spikelab::model::Stimulus::Dataset { dataset, .. } if dataset.ends_with("bars.npy")));
}

#[test]
fn training_in_the_window_beats_chance_in_one_epoch_pauses_cancels_and_opens_the_trained_network() {
    use spikelab::app::views::TrainingView;
    let mut h = app_on("digits_rate.toml");
    open_view(&mut h, "Training");
    h.get_by_label("▶ Train").click();
    let reports = |app: &SpikeLabApp| app.views().of::<TrainingView>().expect("the view").reports().to_vec();
    wait_until(&mut h, "the first epoch ends", |app| !reports(app).is_empty());
    let first = reports(h.state())[0].clone();
    // Ten classes: chance is 10 %.
    assert!(first.test_accuracy > 0.2, "after one epoch: {first:?}");
    h.get_by_label("⏸ Pause").click();
    h.step();
    let paused_at = reports(h.state()).len();
    // An epoch takes a tenth of a second; paused, none ends.
    frames(&mut h, 600);
    assert!(
        reports(h.state()).len() <= paused_at + 1,
        "paused: {} epochs after {paused_at}",
        reports(h.state()).len()
    );
    let held = reports(h.state()).len();
    frames(&mut h, 300);
    assert_eq!(reports(h.state()).len(), held, "no epoch ends while paused");
    // The confusion matrix is the test set's answers: its diagonal is the test accuracy.
    let inside =
        h.state().views().of::<TrainingView>().expect("the view").inside().cloned().expect("a look inside");
    let total: u32 = inside.confusion.iter().flatten().sum();
    let right: u32 = (0..10).map(|k| inside.confusion[k][k]).sum();
    let last = reports(h.state()).last().cloned().expect("an epoch");
    assert_eq!(total, 500);
    assert!((f64::from(right) / 500.0 - last.test_accuracy).abs() < 1e-9, "{right} right, {last:?}");
    // One test digit through every layer: 64 inputs, 100 hidden, 10 outputs, each step.
    let a = inside.activity.expect("the digit's run");
    assert_eq!(a.spikes.len(), 3);
    assert!(a.spikes[0].iter().flatten().all(|&i| i < 64) && a.spikes[2].iter().flatten().all(|&i| i < 10));
    assert_eq!(a.output_u[0].len(), 10);
    h.get_by_label("a test digit").click();
    h.step();
    h.get_by_label_contains(&format!("test digit 0: a {}", inside.label));
    h.get_by_label("Cancel").click();
    wait_until(&mut h, "training stops", |app| {
        !app.views().of::<TrainingView>().expect("the view").running()
    });
    h.get_by_label("Open the trained network").click();
    wait_until(&mut h, "the trained network opens", |app| app.model().name.ends_with("(trained)"));
    let names: Vec<String> = h.state().model().populations.iter().map(|p| p.name.clone()).collect();
    assert_eq!(names, ["pixels", "hidden1", "output"]);
    let about = &h.state().model().description;
    assert!(about.contains(&format!("{held} epochs, test accuracy")), "{about}");
}

#[test]
fn lesson_tens_question_is_ticked_when_the_network_is_trained_in_the_training_view() {
    let mut h = app_on("cuba.toml");
    let index = h
        .state()
        .lessons()
        .list()
        .iter()
        .position(|l| l.as_ref().is_ok_and(|l| l.file_name.starts_with("10_")));
    h.state_mut().start_lesson(index.expect("lesson 10"));
    wait_until(&mut h, "the digits model runs", |app| app.live().info.model.name.contains("Digits"));
    h.step();
    assert!(!h.state().lessons().is_passed(0), "not before training");
    h.get_by_label("▶ Train").click();
    wait_until(&mut h, "training to 90% ticks the question", |app| app.lessons().is_passed(0));
    let reports =
        h.state().views().of::<spikelab::app::views::TrainingView>().expect("the view").reports().to_vec();
    assert!(reports.last().is_some_and(|r| r.test_accuracy > 0.9), "{reports:?}");
}

/// A lesson step whose question is about a training configuration chooses it in the Training
/// view as the step is entered, so that ▶ Train trains what the step asks for.
#[test]
fn a_training_steps_configuration_is_chosen_in_the_training_view() {
    use spikelab::app::views::TrainingView;
    let mut h = app_on("cuba.toml");
    let mut seen = Vec::new();
    let lessons: Vec<_> =
        h.state().lessons().list().iter().filter_map(|l| l.as_ref().ok().cloned()).collect();
    for (i, l) in lessons.iter().enumerate() {
        for (s, step) in l.lesson.steps.iter().enumerate() {
            let Some(wanted) = step.check.as_ref().and_then(|c| c.configuration.clone()) else { continue };
            h.state_mut().start_lesson(i);
            frames(&mut h, 5);
            h.state_mut().go_to_step(s);
            frames(&mut h, 2);
            let chosen = h.state().views().of::<TrainingView>().expect("the view").chosen();
            assert_eq!(chosen, wanted, "{}, step {}", l.file_name, s + 1);
            seen.push(wanted);
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen, ["digits_conversion", "digits_stdp", "digits_surrogate", "digits_surrogate_latency"]);
}

#[test]
fn the_number_of_epochs_set_in_the_training_view_is_how_many_it_trains() {
    use spikelab::app::views::TrainingView;
    let mut h = app_on("digits_rate.toml");
    open_view(&mut h, "Training");
    type_into(&mut h, "epochs", "2");
    h.get_by_label("▶ Train").click();
    wait_until(&mut h, "training ends", |app| {
        let v = app.views().of::<TrainingView>().expect("the view");
        !v.running() && !v.reports().is_empty()
    });
    assert_eq!(h.state().views().of::<TrainingView>().expect("the view").reports().len(), 2);
}

/// An event camera's raster says which rows are ON and which OFF events.
#[test]
fn a_delta_coded_raster_has_a_key_for_on_and_off_rows() {
    let text = presets::preset("digits_rate.toml")
        .expect("preset")
        .replace("size = 64", "size = 242")
        .replace("encoding = \"rate\"", "encoding = \"delta\"");
    let model = Model::from_toml(&text, "delta.toml").expect("a valid delta-coded model");
    let mut h = window_on(model, "delta.toml");
    h.step();
    open_view(&mut h, "Raster");
    h.get_by_label_contains("ON events");
    h.get_by_label_contains("OFF events");
}

/// A projector at 1280×720 px in presentation mode (F5, everything 1.5× larger): on every step
/// of every lesson, the view the lesson is about is at least 700×300 px and the step's check
/// is inside the window, without scrolling.
#[test]
fn every_lesson_step_fits_a_1280_by_720_projector_in_presentation_mode() {
    let mut h = app_on("cuba.toml");
    h.key_press(egui::Key::F5);
    h.step();
    let zoom = h.ctx.zoom_factor();
    assert_eq!(zoom, 1.5, "F5 zooms for a projector");
    // The real window's size in points at that zoom (the harness' size is in points).
    h.set_size(egui::vec2(1280.0 / zoom, 720.0 / zoom));
    h.step();
    let screen = h.ctx.content_rect();
    let lessons: Vec<_> = h
        .state()
        .lessons()
        .list()
        .iter()
        .map(|l| {
            let l = l.as_ref().expect("built-in lessons load");
            // The view each step is about: its own, or the lesson's first.
            let views: Vec<String> =
                l.lesson.steps.iter().map(|s| s.view.clone().unwrap_or(l.lesson.views[0].clone())).collect();
            (l.lesson.title.clone(), views)
        })
        .collect();
    assert_eq!(lessons.len(), 12);
    assert!(lessons.iter().any(|(_, v)| v.iter().any(|x| x != &v[0])), "some steps have views of their own");
    for (i, (title, views)) in lessons.iter().enumerate() {
        h.state_mut().start_lesson(i);
        frames(&mut h, 100);
        // Forward through the steps and back: each step's view gets the room, either way.
        for s in (0..views.len()).chain((0..views.len()).rev()) {
            let tab = Tab::from_key(&views[s]).expect("the step's view exists");
            h.state_mut().go_to_step(s);
            for _ in 0..4 {
                h.step();
            }
            let view = h.state().view_rect(tab).expect("the step's view is drawn");
            let (w, hgt) = (view.width() * zoom, view.height() * zoom);
            assert!(
                w >= 700.0 && hgt >= 300.0,
                "{title}, step {}: {} is {w:.0}×{hgt:.0} px",
                s + 1,
                views[s]
            );
            assert!(screen.contains_rect(view), "{title}, step {}: the view leaves the window", s + 1);
            let has_check = h.state().lessons().current().expect("a lesson").lesson.steps[s].check.is_some();
            if has_check {
                let check = h.state().lessons().check_rect().expect("the check is drawn");
                assert!(
                    screen.contains_rect(check) && check.height() > 10.0,
                    "{title}, step {}: the check at {check:?} is outside {screen:?}",
                    s + 1
                );
            }
        }
    }
    assert!(!h.state().model_panel_open(), "the model panel was folded to make room");
    h.key_press(egui::Key::F5);
    h.step();
    assert!(h.state().model_panel_open(), "leaving presentation mode brings the model panel back");
}

/// The window on `preset` as eframe runs it: the simulation thread asks for a frame when it
/// has news (as `main.rs` wires it), and [`idle_until`] draws one only when one was asked for.
fn waking_window_on(preset: &str) -> Harness<'static, SpikeLabApp> {
    let model = Model::from_toml(presets::preset(preset).expect("preset"), preset).expect("valid preset");
    let ctx = Arc::new(std::sync::OnceLock::<egui::Context>::new());
    let wake = ctx.clone();
    let app = SpikeLabApp::new(model, None, preset, move || {
        if let Some(ctx) = wake.get() {
            ctx.request_repaint();
        }
    });
    // egui takes the predicted frame time off every delayed repaint: a 60 Hz screen's, not
    // the harness's default quarter of a second, which would turn 100 ms into at once.
    let mut harness = Harness::builder()
        .with_size([1600.0, 1000.0])
        .with_step_dt(1.0 / 60.0)
        .build_ui_state(|ui: &mut egui::Ui, app: &mut SpikeLabApp| app.frame(ui), app);
    let _ = ctx.set(harness.ctx.clone());
    wait_until(&mut harness, "the network is built", |app| app.live().generation > 0);
    harness
}

/// Leaves the window alone, as a class watching it does: no input event, and a frame only
/// when something asked for one (at once or after a delay; the window itself or a thread
/// working in the background), as eframe's event loop does. Whether `done` came to hold
/// within `limit`.
fn idle_until(
    h: &mut Harness<'_, SpikeLabApp>,
    limit: Duration,
    done: impl Fn(&SpikeLabApp) -> bool,
) -> bool {
    let due = Arc::new(std::sync::Mutex::new(None::<Instant>));
    let asked = due.clone();
    h.ctx.set_request_repaint_callback(move |info| {
        let at = Instant::now() + info.delay;
        let mut due = asked.lock().expect("not poisoned");
        *due = Some(due.map_or(at, |t| t.min(at)));
    });
    // What the last frame asked for before the callback was there.
    let delay = h.output().viewport_output.get(&egui::ViewportId::ROOT).map(|v| v.repaint_delay);
    if let Some(delay) = delay.filter(|d| *d < Duration::from_secs(3600)) {
        *due.lock().expect("not poisoned") = Some(Instant::now() + delay);
    }
    let started = Instant::now();
    while started.elapsed() < limit && !done(h.state()) {
        let now = Instant::now();
        let wake = {
            let mut due = due.lock().expect("not poisoned");
            let wake = due.is_some_and(|t| t <= now);
            if wake {
                *due = None;
            }
            wake
        };
        if wake {
            h.step();
        } else {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    done(h.state())
}

/// Issue 34.4: background work that changes what is shown asks for the frame that shows it.
/// With nobody touching the window, a training run shown in the Training view, and one
/// hidden behind another view (a lesson's check reads it), end in the window; so does an
/// F–I sweep.
#[test]
fn the_window_shows_finished_background_work_without_the_mouse_moving() {
    use spikelab::app::views::TrainingView;
    let mut h = waking_window_on("digits_rate.toml");
    open_view(&mut h, "Training");
    type_into(&mut h, "epochs", "1");
    let finished = |app: &SpikeLabApp| {
        let v = app.views().of::<TrainingView>().expect("the view");
        !v.running() && v.reports().len() == 1
    };
    h.get_by_label("▶ Train").click();
    h.step();
    assert!(idle_until(&mut h, Duration::from_secs(60), finished), "the shown training run never ended");
    h.get_by_label("Open the trained network");
    // Again, with the Raster in front of the Training view.
    h.get_by_label("▶ Train").click();
    h.step();
    open_view(&mut h, "Raster");
    assert!(
        h.query_by_label("▶ Train").is_none() && h.query_by_label("Cancel").is_none(),
        "Training is hidden"
    );
    assert!(idle_until(&mut h, Duration::from_secs(60), finished), "the hidden training run never ended");
    open_view(&mut h, "Training");
    h.get_by_label("Open the trained network");
    // Lesson 10's question is ticked when its training ends, with the Raster in front and the
    // network paused: the tick is in the last frame drawn, not one the mouse would bring.
    let mut h = waking_window_on("cuba.toml");
    let index = h
        .state()
        .lessons()
        .list()
        .iter()
        .position(|l| l.as_ref().is_ok_and(|l| l.file_name.starts_with("10_")));
    h.state_mut().start_lesson(index.expect("lesson 10"));
    wait_until(&mut h, "the digits model runs", |app| app.live().info.model.name.contains("Digits"));
    h.state_mut().pause();
    wait_until(&mut h, "the network pauses", |app| !app.live().playing);
    h.get_by_label("▶ Train").click();
    h.step();
    open_view(&mut h, "Raster");
    let ticked = |app: &SpikeLabApp| app.lessons().is_passed(0);
    assert!(idle_until(&mut h, Duration::from_secs(60), ticked), "the lesson's check never ticked");
    assert!(h.query_by_label("✔").is_some(), "ticked, but not drawn yet");
    // An F–I sweep starts when its view is shown, and draws its curve when it is done.
    let mut h = waking_window_on("lif_step.toml");
    open_view(&mut h, "F–I curve");
    let swept = |app: &SpikeLabApp| app.views().of::<FiView>().expect("an F–I view").curve().is_some();
    assert!(idle_until(&mut h, Duration::from_secs(60), swept), "the sweep never ended");
}

/// The numbers `phrase` holds, where a lesson's step says it (its text, look, try or goal
/// must hold the phrase as written, up to line breaks).
fn quoted(lesson: &spikelab::lessons::LoadedLesson, step: usize, phrase: &str) -> Vec<f64> {
    let s = &lesson.lesson.steps[step];
    let goal = s.check.as_ref().map(|c| c.goal.clone()).unwrap_or_default();
    let text = [&s.text, &s.look, &s.try_this, &goal]
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .join(" ");
    assert!(text.contains(phrase), "{}, step {}: no longer says {phrase:?}", lesson.file_name, step + 1);
    numbers(phrase)
}

/// The numbers in `text`, commas grouping thousands ("about 51,700 events, 7 times" → 51700, 7).
fn numbers(text: &str) -> Vec<f64> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let run: String =
            rest[start..].chars().take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.').collect();
        rest = &rest[start + run.len()..];
        let run = run.trim_end_matches([',', '.']);
        // A comma followed by three digits groups thousands; otherwise it ends the number.
        let mut number = String::new();
        for (k, part) in run.split(',').enumerate() {
            if k > 0 && part.split('.').next().map_or(0, str::len) != 3 {
                break;
            }
            number.push_str(part);
        }
        if let Ok(x) = number.parse() {
            found.push(x);
        }
    }
    found
}

fn first_number(text: &str) -> Option<f64> {
    numbers(text).first().copied()
}

/// The number in the label drawn that starts with `prefix`, right after it.
fn shown_after(h: &Harness<'_, SpikeLabApp>, prefix: &str) -> f64 {
    let node = h.get_by_label_contains(prefix);
    let label = node.value().unwrap_or_default();
    let at = label.find(prefix).expect("the prefix") + prefix.len();
    first_number(&label[at..]).unwrap_or_else(|| panic!("no number after {prefix:?} in {label:?}"))
}

/// The Encoding view's comparison row of `encoder`: spikes of this sample, first spike, mean
/// spikes a sample, as drawn.
fn encoder_row(h: &Harness<'_, SpikeLabApp>, encoder: &str) -> [String; 3] {
    let labels: Vec<String> = h.get_all_by_role(Role::Label).filter_map(|n| n.value()).collect();
    let at = labels.iter().position(|l| l == encoder).unwrap_or_else(|| panic!("no row {encoder}"));
    [labels[at + 1].clone(), labels[at + 2].clone(), labels[at + 3].clone()]
}

fn close(shown: f64, quoted: f64, within: f64, what: &str) {
    assert!(
        (shown - quoted).abs() <= within * quoted.abs(),
        "{what}: the window shows {shown}, the lesson says {quoted}"
    );
}

fn open_lesson(h: &mut Harness<'_, SpikeLabApp>, prefix: &str) -> spikelab::lessons::LoadedLesson {
    let list = h.state().lessons().list();
    let index = list.iter().position(|l| l.as_ref().is_ok_and(|l| l.file_name.starts_with(prefix)));
    let index = index.unwrap_or_else(|| panic!("lesson {prefix}"));
    let lesson = list[index].as_ref().expect("loads").clone();
    h.state_mut().start_lesson(index);
    frames(h, 50);
    h.state_mut().pause();
    wait_until(h, "the lesson's model is paused", |app| !app.live().playing);
    lesson
}

/// The Encoding view's row of `encoder` against lesson 9: its mean spikes a digit against what
/// step `said.0` says (`said.1`) and against the last step's table `row` (within `spikes`, a
/// fraction), its first spike against the table's (within `first`). The first spike as drawn.
fn encoder_as_quoted(
    h: &Harness<'_, SpikeLabApp>,
    l: &spikelab::lessons::LoadedLesson,
    encoder: &str,
    said: (usize, &str),
    row: &str,
    spikes: f64,
    first: f64,
) -> String {
    let [_, shown_first, mean] = encoder_row(h, encoder);
    let mean = first_number(&mean).expect("a mean");
    close(mean, quoted(l, said.0, said.1)[0], spikes, &format!("{encoder}: spikes a digit"));
    let table = quoted(l, 4, row);
    close(mean, table[1], spikes, &format!("{encoder}: the table's spikes a digit"));
    close(first_number(&shown_first).expect("a time"), table[2], first, &format!("{encoder}: first spike"));
    shown_first
}

/// Issue 34.3: lesson 9 walked through as a student does, each Try done in the window, and
/// every number the text quotes found in what the window then shows.
#[test]
fn lesson_9_quotes_what_the_window_shows_at_every_step() {
    let mut h = app_on("cuba.toml");
    let l = open_lesson(&mut h, "09_");
    // Step 1: rate coding, ~195 spikes a digit, the first within a tenth of a millisecond.
    let said = "A digit costs about 195 spikes";
    encoder_as_quoted(&h, &l, "rate", (0, said), "| rate, 100 Hz | ~195 | ~0.1 ms |", 0.1, 1.0);
    // Step 2: latency, ~27 spikes, the first digit's first at 4.8 ms.
    h.state_mut().go_to_step(1);
    frames(&mut h, 50);
    let said = "a digit costs about 27 spikes";
    let first =
        encoder_as_quoted(&h, &l, "latency", (1, said), "| latency, θ = 0.2 | ~27 | ~4.5 ms |", 0.1, 0.1);
    assert_eq!(first_number(&first), quoted(&l, 1, "latency's comes at 4.8 ms").first().copied(), "{first}");
    close(
        first_number(&first).expect("a time"),
        quoted(&l, 1, "a full pixel fires after 4.5 ms")[0],
        0.1,
        "latency",
    );
    // The Try: the input in the outline, encoding and threshold in the inspector.
    h.get_by_label_contains("digits -> pixels").click();
    h.step();
    h.get_by_label("encoding").click();
    h.step();
    // The Encoding view has a "latency" button too; the list's comes first.
    h.get_all_by_role_and_label(Role::Button, "latency").next().expect("the list's").click();
    h.step();
    type_into(&mut h, "threshold", "0.8");
    let input = format!("{:?}", h.state().model().inputs[0].stimulus);
    assert!(input.contains("Latency") && input.contains("threshold: Some(0.8)"), "{input}");
    assert!(!h.state().lessons().is_passed(1), "not before the run");
    h.get_by_label("▶ Play").click();
    wait_until(&mut h, "the check passes", |app| app.lessons().is_passed(1));
    // Step 3: delta, about 1,000 events a digit (the latency threshold is not the delta one),
    // the first within a millisecond or so; no sweep, no event.
    h.state_mut().pause();
    h.state_mut().go_to_step(2);
    frames(&mut h, 50);
    open_view(&mut h, "Encoding");
    h.get_by_role_and_label(Role::Button, "delta").click();
    h.step();
    let said = "about 1,000 events a digit";
    encoder_as_quoted(&h, &l, "delta", (2, said), "| delta, 3 px sweeps | ~1,000 | ~1 ms |", 0.15, 1.0);
    let _ = quoted(&l, 2, "Set sweep to 0 px: nothing moves, and there is not a single event");
    type_into(&mut h, "sweep", "0");
    let [this, _, _] = encoder_row(&h, "delta");
    assert_eq!(this, "0", "events with the image standing still");
}

/// Presses ▶ Train in the Training view, after checking it shows `configuration` (the step
/// chose it), and waits until the run ends.
fn train_as_the_step_says(h: &mut Harness<'_, SpikeLabApp>, configuration: &str) {
    use spikelab::app::views::TrainingView;
    open_view(h, "Training");
    assert_eq!(h.state().views().of::<TrainingView>().expect("the view").chosen(), configuration);
    h.get_by_label("▶ Train").click();
    h.step();
    let started = Instant::now();
    loop {
        let v = h.state().views().of::<TrainingView>().expect("the view");
        if !v.running() && !v.reports().is_empty() {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(180), "{configuration} never finished");
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    // A lesson's check looks again a few times a second.
    frames(h, 300);
}

/// Issue 34.3: lessons 10–12 walked through as a student does, each training started in the
/// Training view as the Try says, and the accuracies and costs the text quotes found in what
/// the view then shows (the trainers are seeded: the figures are the same on every machine).
#[test]
fn lessons_10_to_12_quote_what_the_training_view_shows() {
    let mut h = app_on("cuba.toml");
    // "test 98.0% · loss 0.034 · 5.1 s", after the last epoch.
    let accuracy = |h: &Harness<'_, SpikeLabApp>| {
        numbers(&h.get_by_label_contains("% · loss").value().unwrap_or_default())[0]
    };
    let cost = |h: &Harness<'_, SpikeLabApp>| {
        numbers(&h.get_by_label_contains("An inference: ").value().unwrap_or_default())
    };
    // Lesson 10: the rate-coded network, then the latency-coded one.
    let l = open_lesson(&mut h, "10_");
    train_as_the_step_says(&mut h, "digits_surrogate");
    assert!(h.state().lessons().is_passed(0));
    let quote = quoted(&l, 2, "for about 90% accuracy instead of 98%");
    close(accuracy(&h), quote[1], 0.01, "digits_surrogate's accuracy");
    // "An inference: 51756 synaptic events, 6.99× the ANN's 7400 multiply-accumulates: 1221 nJ
    // on Intel Loihi against 34 nJ for the ANN at 4.6 pJ a MAC".
    let shown = cost(&h);
    let quote = quoted(&l, 2, "about 51,700 synaptic events, 7 times the 7,400 multiply-accumulates");
    close(shown[0], quote[0], 0.01, "events");
    close(shown[1], quote[1], 0.01, "times the ANN's");
    close(shown[2], quote[2], 0.0, "the ANN's MACs");
    let quote = quoted(&l, 2, "about 1.2 µJ, against 34 nJ for the ANN at 4.6 pJ a MAC");
    close(shown[3], 1000.0 * quote[0], 0.05, "nJ on Loihi");
    close(shown[4], quote[1], 0.02, "the ANN's nJ");
    close(shown[5], quote[2], 0.0, "pJ a MAC");
    h.state_mut().go_to_step(2);
    frames(&mut h, 20);
    train_as_the_step_says(&mut h, "digits_surrogate_latency");
    assert!(h.state().lessons().is_passed(2));
    let quote = quoted(&l, 2, "about 3,800 events an inference, half the ANN's work, for about 90% accuracy");
    let shown = cost(&h);
    close(shown[0], quote[0], 0.01, "latency events");
    close(shown[1], 0.5, 0.05, "half the ANN's work");
    close(accuracy(&h), quote[1], 0.01, "latency accuracy");
    // Lesson 11: competitive STDP, about 93% by vote.
    let l = open_lesson(&mut h, "11_");
    train_as_the_step_says(&mut h, "digits_stdp");
    assert!(h.state().lessons().is_passed(0));
    close(accuracy(&h), quoted(&l, 1, "The accuracy (about 93% here)")[0], 0.01, "STDP by vote");
    // Lesson 12: conversion, its accuracy by steps and its cost.
    let l = open_lesson(&mut h, "12_");
    train_as_the_step_says(&mut h, "digits_conversion");
    assert!(h.state().lessons().is_passed(0));
    let relu = shown_after(&h, "— the ReLU network, ");
    assert_eq!(
        relu,
        quoted(&l, 0, "learns the digits by ordinary backpropagation: 97.2% on the test digits")[0]
    );
    // The curve's points, as drawn.
    let by_steps = h
        .state()
        .views()
        .of::<spikelab::app::views::TrainingView>()
        .expect("the view")
        .run()
        .expect("a run")
        .by_steps
        .to_vec();
    let quote = quoted(&l, 1, "about 93% at 5 steps, 95% at 10, 97% at 25");
    for pair in quote.chunks(2) {
        let (percent, steps) = (pair[0], pair[1] as u64);
        let at = by_steps.iter().find(|(n, _)| *n == steps).map(|(_, a)| 100.0 * a).expect("on the curve");
        assert!(
            (at - percent).abs() < 0.5 + 1e-9,
            "{steps} steps: the curve shows {at:.1}%, the lesson says about {percent}%"
        );
    }
    let keep = quoted(&l, 1, "Keeping 95% of the ANN's accuracy (92.3%) takes only 5 steps here");
    close(keep[1], 0.95 * relu, 0.001, "95% of the ReLU network's");
    let at_5 = by_steps.iter().find(|(n, _)| *n == 5).map(|(_, a)| 100.0 * a).expect("5 steps");
    let at_4 = by_steps.iter().filter(|(n, _)| *n < 5).count();
    assert!(at_5 >= keep[1] && at_4 == 0, "5 steps: {at_5}%");
    h.state_mut().go_to_step(1);
    frames(&mut h, 300);
    assert!(h.state().lessons().is_passed(1), "5 steps keep 92%");
    let quote = quoted(
        &l,
        2,
        "about 111,500 synaptic events: 15 times the ReLU network's 7,400 multiply-accumulates, twice the surrogate-trained network's 51,700",
    );
    let shown = cost(&h);
    close(shown[0], quote[0], 0.01, "conversion's events");
    close(shown[1], quote[1], 0.02, "times the ANN's");
    close(shown[0] / quote[3], 2.0, 0.1, "twice the surrogate's");
}
