//! Training from a configuration file: the shipped surrogate-gradient run learns the digits,
//! is the same for the same seed, keeps its last whole epoch when cancelled, and a broken
//! configuration is refused with the file, line and key.

use spikelab_core::learn::{TrainConfig, Trainer};
use std::sync::atomic::{AtomicBool, Ordering};

fn shipped(epochs: u64) -> TrainConfig {
    let mut cfg = TrainConfig::load("digits_surrogate").expect("the shipped configuration");
    cfg.epochs = epochs;
    cfg
}

#[test]
fn surrogate_gradients_teach_the_digits_the_same_way_for_the_same_seed() {
    let keep_going = AtomicBool::new(false);
    let run = |seed: u64| {
        let mut cfg = shipped(12);
        cfg.seed = seed;
        let mut t = Trainer::new(cfg).expect("trainer");
        assert_eq!((t.split.train.len(), t.split.test.len()), (1297, 500));
        for _ in 0..12 {
            t.epoch(&keep_going, &mut |_| {}).expect("not cancelled");
        }
        t
    };
    let a = run(1);
    let first = &a.history[0];
    // Ten classes: chance is 10 %. After one epoch it is well above; after twelve, above 90 %.
    assert!(first.test_accuracy > 0.3, "after one epoch: {first:?}");
    let last = a.history.last().expect("epochs");
    assert!(last.test_accuracy > 0.9, "after twelve: {last:?}");
    assert!(last.loss < first.loss / 3.0, "the loss falls: {} then {}", first.loss, last.loss);
    // The same seed: the same weights, bit for bit, and the same numbers; another seed differs.
    let b = run(1);
    assert_eq!(a.weights(), b.weights());
    let numbers = |t: &Trainer| {
        t.history.iter().map(|r| (r.loss, r.train_accuracy, r.test_accuracy)).collect::<Vec<_>>()
    };
    assert_eq!(numbers(&a), numbers(&b));
    assert_ne!(run(2).weights(), a.weights());
    // The test samples are the same for every seed: the split has its own.
    assert_eq!(run(2).split, a.split);
}

#[test]
fn a_cancelled_epoch_leaves_the_last_completed_epochs_weights() {
    let go = AtomicBool::new(false);
    let mut t = Trainer::new(shipped(3)).expect("trainer");
    t.epoch(&go, &mut |_| {}).expect("an epoch");
    let after_one = t.weights().clone();
    let stop = AtomicBool::new(false);
    // Cancel halfway through the second epoch, as the window's Cancel button does.
    let cancelled = t.epoch(&stop, &mut |done| {
        if done > 0.5 {
            stop.store(true, Ordering::Relaxed);
        }
    });
    assert!(cancelled.is_none());
    assert_eq!(t.weights(), &after_one);
    assert_eq!(t.history.len(), 1);
    // And training goes on from there as if the cancelled epoch had not been.
    let mut fresh = Trainer::new(shipped(3)).expect("trainer");
    fresh.epoch(&go, &mut |_| {}).expect("an epoch");
    let r = fresh.epoch(&go, &mut |_| {}).expect("an epoch");
    assert_eq!(t.epoch(&go, &mut |_| {}).expect("an epoch").test_accuracy, r.test_accuracy);
    assert_eq!(t.weights(), fresh.weights());
}

#[test]
fn a_broken_configuration_names_the_file_line_and_key() {
    let text = spikelab_core::learn::config::BUILT_IN[0].1;
    let err = |from: &str, to: &str| {
        assert!(text.contains(from), "{from}");
        TrainConfig::from_toml(&text.replace(from, to), "mine.toml").expect_err("refused").to_string()
    };
    let line_of = |needle: &str| text.lines().position(|l| l.starts_with(needle)).expect("a line") + 1;
    let lr = line_of("learning_rate");
    assert_eq!(
        err("learning_rate = 2e-3", "learning_rate = nan"),
        format!(
            "mine.toml:{lr}: surrogate.learning_rate: the learning rate must be a positive number, got NaN"
        )
    );
    let method = line_of("method");
    let e = err("method = \"surrogate\"", "method = \"magic\"");
    assert!(
        e.starts_with(&format!("mine.toml:{method}: method: "))
            && e.contains("\"magic\"")
            && e.contains("surrogate"),
        "{e}"
    );
    let layers = line_of("layers");
    assert_eq!(
        err("layers = [100, 10]", "layers = [100, 8]"),
        format!(
            "mine.toml:{layers}: network.layers: the last layer is the output, one neuron a class: 8×8 digits (UCI) has labels 0 to 9, so it needs 10 neurons, not 8"
        )
    );
    let test = line_of("test");
    assert_eq!(
        err("test = 500", "test = 1797"),
        format!("mine.toml:{test}: data.test: 8×8 digits (UCI) has 1797 samples: test on 1 to 1796 of them")
    );
    let e = err("slope = 25", "slope = 25\nmomentum = 0.9");
    assert!(e.contains("momentum is not a key here"), "{e}");
}

#[test]
fn a_trained_network_saved_as_a_model_fires_in_the_simulator_exactly_as_in_the_trainer() {
    use spikelab_core::model::Model;
    use spikelab_core::sim::Network;
    let go = AtomicBool::new(false);
    let mut t = Trainer::new(shipped(3)).expect("trainer");
    for _ in 0..3 {
        t.epoch(&go, &mut |_| {}).expect("an epoch");
    }
    let dir = std::env::temp_dir().join(format!("spikelab-trained-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("digits.toml");
    t.save_model(&path).expect("saved and read back");
    // The file names its weights relative to itself: it opens from anywhere, and moved.
    let text = std::fs::read_to_string(&path).expect("written");
    assert!(
        text.contains("weights = \"digits.w1.npy\"") && text.contains("weights = \"digits.w2.npy\""),
        "{text}"
    );
    let moved = dir.join("moved");
    std::fs::create_dir_all(&moved).expect("dir");
    for f in ["digits.toml", "digits.w1.npy", "digits.w2.npy"] {
        std::fs::rename(dir.join(f), moved.join(f)).expect("moved");
    }
    let model = Model::load(&moved.join("digits.toml")).expect("opens where it was moved to");
    let names: Vec<&str> = model.populations.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["pixels", "hidden1", "output"]);
    // The first sample, run by the engine: its relayed input spikes, fed to the trainer's
    // network, give every layer's spikes at the same steps.
    let mut net = Network::build(&model).expect("builds");
    let steps = 25 + 1 + 2 + 1;
    net.run_for(steps as f64).expect("runs");
    let by_layer = |pop: u32| {
        let mut out = vec![Vec::new(); steps];
        for s in net.spikes().retained().iter().filter(|s| s.pop == pop && (s.step as usize) < steps) {
            out[s.step as usize].push(s.neuron);
        }
        out
    };
    let relayed = by_layer(0);
    assert!(relayed.iter().map(Vec::len).sum::<usize>() > 100, "the digit's spikes are relayed");
    let input = t.network.input_of(&relayed[..26]);
    let activity = t.network.activity(&input);
    for layer in 1..=2 {
        let engine = by_layer(layer as u32);
        let trainer = &activity.spikes[layer];
        let n = trainer.len().min(steps);
        assert_eq!(&engine[..n], &trainer[..n], "layer {layer}, step by step");
        assert!(trainer.iter().map(Vec::len).sum::<usize>() > 0, "layer {layer} fires");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_rate_code_costs_several_times_the_anns_operations_and_a_latency_code_fewer() {
    let go = AtomicBool::new(false);
    let cost = |name: &str| {
        let mut cfg = TrainConfig::load(name).expect("shipped");
        cfg.epochs = 3;
        let mut t = Trainer::new(cfg).expect("trainer");
        for _ in 0..3 {
            t.epoch(&go, &mut |_| {}).expect("an epoch");
        }
        let test = t.split.test.clone();
        // The input layer alone: every input spike reaches the 100 hidden neurons.
        let input: f64 = test
            .iter()
            .map(|&k| t.activity(k).spikes[0].iter().map(Vec::len).sum::<usize>() as f64)
            .sum::<f64>()
            / test.len() as f64;
        (t.cost(&test), input)
    };
    let (rate, rate_in) = cost("digits_surrogate");
    let (latency, latency_in) = cost("digits_surrogate_latency");
    for (c, input) in [(&rate, rate_in), (&latency, latency_in)] {
        assert_eq!(c.ann_macs, 7400.0);
        assert!(c.synaptic_events >= 100.0 * input, "{c:?}: at least the input's {input} spikes × 100");
    }
    // Rate coding at one spike a step at most: ~480 input spikes a digit, ~7× the MACs.
    assert!(rate.synaptic_events > 5.0 * rate.ann_macs, "{rate:?}");
    // Latency coding: one spike per pixel brighter than θ, fewer operations than the ANN.
    assert!(latency_in <= 64.0 && latency.synaptic_events < rate.ann_macs, "{latency:?}");
    assert!(rate.summary().contains("7400 multiply-accumulates"), "{}", rate.summary());
}

#[test]
fn stdp_with_competition_learns_digit_prototypes_without_labels_and_classifies_by_vote() {
    let go = AtomicBool::new(false);
    let cfg = TrainConfig::load("digits_stdp").expect("shipped");
    let epochs = cfg.epochs;
    let mut t = Trainer::new(cfg).expect("trainer");
    for _ in 0..epochs {
        t.epoch(&go, &mut |_| {}).expect("an epoch");
    }
    let last = t.history.last().expect("epochs").clone();
    assert!(last.test_accuracy >= 0.85, "by vote: {last:?}");
    // Each neuron's weights from the pixels look like the digits it answers: of the labelled
    // neurons, most correlate best with the mean image of their own class.
    let c = t.competitive.as_ref().expect("stdp");
    let d = t.data();
    let mut means = vec![vec![0.0f64; 64]; 10];
    let mut n = [0usize; 10];
    for &k in &t.split.train {
        let y = d.label(k) as usize;
        n[y] += 1;
        for (m, &x) in means[y].iter_mut().zip(&d.intensities(k)) {
            *m += f64::from(x);
        }
    }
    let corr = |a: &[f64], b: &[f64]| {
        let (ma, mb) = (a.iter().sum::<f64>() / 64.0, b.iter().sum::<f64>() / 64.0);
        let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
        let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
        let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
        cov / (va * vb).sqrt().max(1e-12)
    };
    for (m, &k) in means.iter_mut().zip(&n) {
        m.iter_mut().for_each(|x| *x /= k.max(1) as f64);
    }
    let w = &c.weights.0[0];
    let (mut labelled, mut alike) = (0, 0);
    for (j, label) in c.labels.iter().enumerate() {
        let Some(label) = label else { continue };
        labelled += 1;
        let field: Vec<f64> = w.column(j).iter().map(|&x| f64::from(x)).collect();
        let best = (0..10)
            .max_by(|&a, &b| corr(&field, &means[a]).total_cmp(&corr(&field, &means[b])))
            .expect("classes");
        alike += usize::from(best == *label);
    }
    assert!(labelled >= 90, "{labelled} of 100 neurons answer some class");
    assert!(
        alike as f64 >= 0.8 * labelled as f64,
        "{alike} of {labelled} fields resemble their class's mean digit"
    );
    // Every class has neurons standing for it.
    for k in 0..10 {
        assert!(c.labels.contains(&Some(k)), "class {k} has a neuron");
    }
}

#[test]
fn a_converted_network_answers_as_its_relu_network_given_time_and_loses_little_at_fifty_steps() {
    let go = AtomicBool::new(false);
    let cfg = TrainConfig::load("digits_conversion").expect("shipped");
    let epochs = cfg.epochs;
    let mut t = Trainer::new(cfg).expect("trainer");
    for _ in 0..epochs {
        t.epoch(&go, &mut |_| {}).expect("an epoch");
    }
    let test = t.split.test.clone();
    let ann = t.ann_accuracy(&test).expect("a ReLU network");
    assert!(ann > 0.95, "the ReLU network learns: {ann}");
    // Shown long enough, the spiking network's rates are the ReLU activations.
    let agree = t.agreement_with_ann(&test, 400).expect("conversion");
    assert!(agree >= 0.99, "agreement with the ReLU network at 400 steps: {agree}");
    // Accuracy climbs with the steps shown: the latency–accuracy trade-off.
    let curve = t.accuracy_by_steps(&test, &[5, 50]);
    assert!(curve[0].1 + 0.03 < curve[1].1, "{curve:?}");
    assert!(curve[1].1 > ann - 0.015, "at 50 steps {:.3} against the ANN's {ann:.3}", curve[1].1);
}
