//! Every lesson loads with its model and views, and every question it asks can be answered:
//! applying the settings its `solution` names and running the model makes the check pass.
//! So no lesson asks for the impossible.

use spikelab::analysis::{Histogram, weight_histogram};
use spikelab::app::views::Tab;
use spikelab::lessons::{self, LoadedLesson, Observation, Test};
use spikelab::sim::Network;

fn lessons() -> Vec<LoadedLesson> {
    let found = lessons::all(Some(&lessons::source_dir()));
    assert!(found.len() >= 8, "at least eight lessons, found {}", found.len());
    found.into_iter().map(|l| l.unwrap_or_else(|e| panic!("{e}"))).collect()
}

#[test]
fn the_built_in_lessons_are_the_files_in_assets() {
    let built_in = lessons::all(None);
    let files = lessons();
    assert_eq!(built_in.len(), files.len(), "a lesson file is missing from lessons::BUILT_IN");
    for (a, b) in built_in.iter().zip(&files) {
        let a = a.as_ref().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.file_name, b.file_name);
        assert_eq!(a.lesson, b.lesson);
    }
}

#[test]
fn every_lesson_loads_its_model_and_names_real_views_and_populations() {
    for l in lessons() {
        let model = l.model().unwrap_or_else(|e| panic!("{e}"));
        for view in l.lesson.views.iter().chain(l.lesson.steps.iter().filter_map(|s| s.view.as_ref())) {
            assert!(Tab::from_key(view).is_some(), "{}: no view called {view}", l.file_name);
        }
        if let Some((pop, neuron)) = &l.lesson.select {
            let (_, p) =
                model.population(pop).unwrap_or_else(|| panic!("{}: no population {pop}", l.file_name));
            assert!((*neuron as u64) < p.size, "{}: {pop} has no neuron {neuron}", l.file_name);
        }
        for step in &l.lesson.steps {
            assert!(!step.text.trim().is_empty(), "{}: step \"{}\" has no text", l.file_name, step.title);
            if let Some(check) = &step.check {
                let problems = check.problems(&model);
                assert!(problems.is_empty(), "{}: {problems:?}", l.file_name);
            }
        }
    }
}

#[test]
fn every_question_can_be_answered_by_the_settings_it_names() {
    let mut checked = 0;
    for l in lessons() {
        let base = l.model().unwrap_or_else(|e| panic!("{e}"));
        for step in &l.lesson.steps {
            let Some(check) = &step.check else { continue };
            if matches!(check.kind, Test::TrainedAccuracy | Test::TrainedEvents) {
                // Answered by training the configuration it names, as the Training view does.
                assert_eq!(
                    check.solution,
                    [("train".to_string(), check.configuration.clone().unwrap_or_default())]
                );
                let outcome = train_and_check(check);
                assert!(
                    outcome.passed,
                    "{}, step \"{}\": \"{}\" is not met by training: measured {}",
                    l.file_name, step.title, check.goal, outcome.measured
                );
                checked += 1;
                continue;
            }
            let mut model = base.clone();
            for (path, value) in &check.solution {
                model = model
                    .with_setting(path, value)
                    .unwrap_or_else(|e| panic!("{}: \"{}\": {path} = {value}: {e}", l.file_name, check.goal));
            }
            let window = check.window.map_or(1000.0, |q| q.canonical());
            let mut net = Network::build(&model).unwrap_or_else(|e| panic!("{}: {e}", l.file_name));
            // Let transients pass, then measure the window.
            let run_ms = (window + 500.0).max(model.duration_ms().min(window * 2.0));
            net.run_for(run_ms).unwrap_or_else(|e| panic!("{}: {e}", l.file_name));
            let populations: Vec<(String, usize)> =
                net.populations().map(|(n, s)| (n.to_string(), s)).collect();
            let weights = |k: usize| -> Option<Histogram> {
                Some(weight_histogram(net.model(), k, net.weight_values(k)?))
            };
            let obs = Observation {
                model: &model,
                populations: &populations,
                spikes: net.spikes().retained(),
                dt_ms: net.dt_ms(),
                now_ms: net.time_ms(),
                changed_at_ms: 0.0,
                edited: true,
                weights: &weights,
                trained: None,
            };
            let outcome = check.evaluate(&obs);
            assert!(
                outcome.passed,
                "{}, step \"{}\": \"{}\" is not met by its solution {:?}: measured {}",
                l.file_name, step.title, check.goal, check.solution, outcome.measured
            );
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} checkable steps in all lessons");
}

#[test]
fn every_character_of_every_lesson_has_a_glyph_in_the_windows_font() {
    // A character the font lacks is drawn as an empty box (10⁻⁵ read "10□5").
    let ctx = egui::Context::default();
    let _ = ctx.run_ui(Default::default(), |_| {});
    let mut missing = Vec::new();
    for l in lessons() {
        let lesson = &l.lesson;
        let mut texts = vec![&lesson.title, &lesson.summary];
        for s in &lesson.steps {
            texts.extend([&s.title, &s.text, &s.look, &s.try_this]);
            texts.extend(s.check.as_ref().map(|c| &c.goal));
        }
        for text in texts {
            // has_glyph misses these: they share a face with egui's replacement glyph.
            for c in text.chars().filter(|c| !c.is_ascii() && !['▶', '⚡'].contains(c)) {
                let font = egui::FontId::proportional(14.0);
                if !ctx.fonts_mut(|f| f.has_glyph(&font, c)) {
                    missing.push(format!("{}: {c:?} (U+{:04X})", l.file_name, c as u32));
                }
            }
        }
    }
    missing.dedup();
    assert!(missing.is_empty(), "no glyph for {missing:#?}");
}

/// Trains a check's configuration for its epochs and asks the check, as the window does with
/// the Training view's run.
fn train_and_check(check: &spikelab::lessons::Check) -> spikelab::lessons::Outcome {
    use spikelab::learn::{TrainConfig, Trainer};
    let name = check.configuration.as_deref().expect("a configuration");
    let cfg = TrainConfig::load(name).expect("a built-in configuration");
    let mut t = Trainer::new(cfg.clone()).expect("trainer");
    let go = std::sync::atomic::AtomicBool::new(false);
    for _ in 0..cfg.epochs {
        t.epoch(&go, &mut |_| {}).expect("an epoch");
    }
    let test = t.split.test.clone();
    let by_steps = if t.ann_accuracy(&test).is_some() {
        t.accuracy_by_steps(&test, &cfg.conversion().sweep)
    } else {
        Vec::new()
    };
    let run = spikelab::lessons::TrainedRun {
        configuration: name,
        test_accuracy: t.history.last().expect("epochs").test_accuracy,
        events: Some(t.cost(&test).synaptic_events),
        by_steps: &by_steps,
    };
    let model = spikelab::model::Model::from_toml(
        spikelab::model::presets::preset("digits_rate").expect("preset"),
        "digits_rate",
    )
    .expect("valid");
    let none = |_: usize| None;
    check.evaluate(&Observation {
        model: &model,
        populations: &[],
        spikes: &[],
        dt_ms: 0.1,
        now_ms: 0.0,
        changed_at_ms: 0.0,
        edited: true,
        weights: &none,
        trained: Some(run),
    })
}
