//! A dataset input in a model file: the shipped digits, shown one after another, encoded as
//! the encoders' formulas say, with the samples and their labels recorded.

use spikelab_core::data::{Dataset, Latency};
use spikelab_core::model::{Model, presets};
use spikelab_core::sim::Network;

fn digits_model(encoding: &str) -> Model {
    let text = presets::preset("digits_rate").expect("the preset");
    let model = Model::from_toml(text, "digits_rate.toml").expect("valid");
    model.with_setting("inputs.digits.encoding", encoding).expect("an encoding")
}

#[test]
fn the_latency_coded_digits_arrive_at_the_formulas_times_sample_after_sample() {
    let model = digits_model("latency");
    let mut net = Network::build(&model).expect("builds");
    net.run_for(1200.0).expect("runs");
    let shown = net.samples_shown()[0].to_vec();
    // 100 ms shown + 20 ms gap: ten samples in 1200 ms, every 1200 steps of 0.1 ms.
    assert_eq!(shown.len(), 10);
    let digits = Dataset::digits().expect("digits");
    let latency = Latency { tau_ms: 20.0, threshold: 0.2, t_max_ms: 100.0 };
    let mut seen = Vec::new();
    for (k, s) in shown.iter().enumerate() {
        assert_eq!(s.step, 1200 * k as u64);
        assert_eq!(s.label, digits.label(s.sample), "the label recorded is the sample's");
        seen.push(s.sample);
        // The relay neurons fire one step after each input spike, at the formula's time.
        let mut expected: Vec<(u64, u32)> = latency
            .encode(&digits.intensities(s.sample))
            .iter()
            .map(|sp| (s.step + (sp.t_ms / 0.1).round() as u64 + 1, sp.neuron))
            .collect();
        expected.sort_unstable();
        let mut got: Vec<(u64, u32)> = net
            .spikes()
            .retained()
            .iter()
            .filter(|sp| (s.step..s.step + 1200).contains(&sp.step))
            .map(|sp| (sp.step, sp.neuron))
            .collect();
        got.sort_unstable();
        assert_eq!(got, expected, "sample {k} (digit {})", s.label);
    }
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 10, "shuffled, without repeats");
    // The same seed shows the same samples.
    let mut again = Network::build(&model).expect("builds");
    again.run_for(1200.0).expect("runs");
    assert_eq!(again.samples_shown()[0], &shown[..]);
}

#[test]
fn rate_coded_digits_fire_as_often_as_their_ink_and_never_in_the_gaps() {
    let model = digits_model("rate");
    let mut net = Network::build(&model).expect("builds");
    net.run_for(1200.0).expect("runs");
    let digits = Dataset::digits().expect("digits");
    let shown = net.samples_shown()[0].to_vec();
    let (mut counted, mut expected) = (0.0, 0.0);
    for s in &shown {
        let ink: f64 = digits.intensities(s.sample).iter().map(|&x| f64::from(x)).sum();
        expected += 100.0 * 0.1 * ink; // max rate × 100 ms × Σ x
        let spikes = net.spikes().retained().iter().filter(|sp| (s.step..s.step + 1200).contains(&sp.step));
        for sp in spikes {
            let within = sp.step - s.step;
            assert!((1..=1000).contains(&within), "a spike {within} steps into a sample: in the gap");
            counted += 1.0;
        }
    }
    // Poisson: the total is within 4 standard deviations (√mean) of its mean.
    assert!((counted - expected).abs() < 4.0 * expected.sqrt(), "{counted} spikes, expected {expected:.0}");
}

#[test]
fn a_dataset_input_onto_the_wrong_number_of_neurons_names_both_sizes() {
    let text = presets::preset("digits_rate").expect("the preset").replace("size = 64", "size = 60");
    let err = Model::from_toml(&text, "d.toml").expect_err("refused").to_string();
    assert!(
        err.contains("inputs[0].target")
            && err.contains("drives 64 neurons (one per pixel of 8 × 8 images), not 60"),
        "{err}"
    );
    let delta = presets::preset("digits_rate")
        .expect("the preset")
        .replace("encoding = \"rate\"", "encoding = \"delta\"");
    let err = Model::from_toml(&delta, "d.toml").expect_err("refused").to_string();
    assert!(
        err.contains(
            "delta coding of \"digits\" drives 242 neurons (2 polarities × 11 × 11 sensor pixels), not 64"
        ),
        "{err}"
    );
    let unknown = presets::preset("digits_rate")
        .expect("the preset")
        .replace("dataset = \"digits\"", "dataset = \"mnist\"");
    let err = Model::from_toml(&unknown, "d.toml").expect_err("refused").to_string();
    assert!(err.contains("inputs[0].dataset") && err.contains("mnist: is not a dataset"), "{err}");
}

#[test]
fn delta_coded_digits_run_on_a_sensor_of_two_polarities() {
    let text = presets::preset("digits_rate")
        .expect("the preset")
        .replace("size = 64", "size = 242")
        .replace("encoding = \"rate\"", "encoding = \"delta\"");
    let model = Model::from_toml(&text, "d.toml").expect("valid");
    let mut net = Network::build(&model).expect("builds");
    net.run_for(240.0).expect("runs");
    let spikes = net.spikes().retained();
    let (on, off) =
        spikes.iter().fold((0, 0), |(on, off), s| if s.neuron < 121 { (on + 1, off) } else { (on, off + 1) });
    assert!(on > 20 && off > 20, "ON {on}, OFF {off}");
    // The three sweeps bring the image back where it started: ON and OFF about balance.
    assert!((on as f64 - off as f64).abs() < 0.5 * (on + off) as f64, "ON {on}, OFF {off}");
}

#[test]
fn make_your_own_n_mnist_a_saccade_file_drives_a_population_event_for_event() {
    use spikelab_core::data::Saccades;
    use spikelab_core::data::events::write_nmnist;
    let dir = std::env::temp_dir().join(format!("spikelab-events-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let digits = Dataset::digits().expect("digits");
    let saccades = Saccades::default();
    let events = saccades.encode(&digits.intensities(5), digits.width);
    let file = dir.join("five.bin");
    std::fs::write(&file, write_nmnist(&events)).expect("written");
    let (w, h) = saccades.sensor(digits.width, digits.height);
    let model_text = presets::preset("digits_rate")
        .expect("the preset")
        .replace("size = 64", &format!("size = {}", 2 * w * h))
        .split("[[inputs]]")
        .next()
        .expect("the model before its input")
        .to_string()
        + &format!(
            "[[inputs]]\nname = \"camera\"\nkind = \"events\"\ntarget = \"pixels\"\nfile = \"{}\"\nsensor = [{w}, {h}]\nweight = \"30 mV\"\n",
            file.display()
        );
    let model = Model::from_toml(&model_text, "camera.toml").expect("valid");
    let mut net = Network::build(&model).expect("builds");
    net.run_for(320.0).expect("runs");
    // Each relay neuron fires one step after its events (several in one step make one spike).
    let mut expected: Vec<(u64, u32)> = events
        .iter()
        .map(|e| {
            let pixel = u32::from(e.y) * w as u32 + u32::from(e.x);
            ((e.t_us as f64 / 100.0).round() as u64 + 1, if e.on { pixel } else { (w * h) as u32 + pixel })
        })
        .collect();
    expected.sort_unstable();
    expected.dedup();
    let mut got: Vec<(u64, u32)> = net.spikes().retained().iter().map(|s| (s.step, s.neuron)).collect();
    got.sort_unstable();
    assert_eq!(got, expected);
    // A file cut short is refused, naming the file and the byte where the last event starts.
    std::fs::write(&file, &write_nmnist(&events)[..12]).expect("written");
    let err = Model::from_toml(&model_text, "camera.toml").expect_err("refused").to_string();
    assert!(
        err.contains("inputs[0].file") && err.contains("five.bin: byte 10: the file ends inside an event"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_users_csv_of_images_is_a_dataset_a_model_file_can_show() {
    let dir = std::env::temp_dir().join(format!("spikelab-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let csv = dir.join("bars.csv");
    // Two 2×2 images: a bright left column (label 0), a bright bottom row (label 1).
    std::fs::write(&csv, "p0,p1,p2,p3,label\n1,0,1,0,0\n0,0,1,1,1\n").expect("written");
    let with = |text: &str| {
        presets::preset("digits_rate")
            .expect("the preset")
            .replace("size = 64", "size = 4")
            .replace(
                "dataset = \"digits\"",
                &format!("dataset = \"{}\"\norder = \"in_order\"", csv.display()),
            )
            .replace("encoding = \"rate\"", text)
    };
    let model = Model::from_toml(&with("encoding = \"latency\""), "bars.toml").expect("valid");
    let mut net = Network::build(&model).expect("builds");
    net.run_for(240.0).expect("runs");
    let shown: Vec<(usize, u32)> = net.samples_shown()[0].iter().map(|s| (s.sample, s.label)).collect();
    assert_eq!(shown, vec![(0, 0), (1, 1)]);
    // Full pixels fire once each, 4.5 ms into their sample (and one step later in the relay).
    let step = (20.0 * (1.0f64 / 0.8).ln() / 0.1).round() as u64 + 1;
    let spikes: Vec<(u64, u32)> = net.spikes().retained().iter().map(|s| (s.step, s.neuron)).collect();
    assert_eq!(spikes, vec![(step, 0), (step, 2), (1200 + step, 2), (1200 + step, 3)]);
    // The user edits the file: the next run shows the new images (a bright top row).
    std::fs::write(&csv, "1,1,0,0,7\n").expect("written");
    let model = Model::from_toml(&with("encoding = \"latency\""), "bars.toml").expect("valid");
    let mut net = Network::build(&model).expect("builds");
    net.run_for(100.0).expect("runs");
    assert_eq!(net.samples_shown()[0][0].label, 7);
    let spikes: Vec<(u64, u32)> = net.spikes().retained().iter().map(|s| (s.step, s.neuron)).collect();
    assert_eq!(spikes, vec![(step, 0), (step, 1)]);
    // A broken row is refused with the file and the row.
    std::fs::write(&csv, "1,0,1,0,0\n0,0,x,1,1\n").expect("written");
    let other = dir.join("broken.csv");
    std::fs::rename(&csv, &other).expect("renamed");
    let text = with("encoding = \"latency\"").replace("bars.csv", "broken.csv");
    let err = Model::from_toml(&text, "bars.toml").expect_err("refused").to_string();
    assert!(
        err.contains("inputs[0].dataset")
            && err.contains("broken.csv: row 2: column 3: \"x\" is not a number"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_users_npy_images_with_their_labels_file_are_a_dataset_and_npy_event_lists_an_input() {
    use ndarray::{Array1, Array2, Array3};
    let dir = std::env::temp_dir().join(format!("spikelab-npy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let (images, labels) = (dir.join("x.npy"), dir.join("y.npy"));
    // Two 2×3 images (uint8, 0–255): the first lights pixel 1, the second pixels 3 and 5.
    let x =
        Array3::from_shape_vec((2, 2, 3), vec![0u8, 255, 0, 0, 0, 0, 0, 0, 0, 255, 0, 255]).expect("shape");
    ndarray_npy::write_npy(&images, &x).expect("written");
    ndarray_npy::write_npy(&labels, &Array1::from(vec![4i64, 9])).expect("written");
    let text = |labels_line: &str| {
        presets::preset("digits_rate")
            .expect("the preset")
            .replace("size = 64", "size = 6")
            .replace(
                "dataset = \"digits\"",
                &format!("dataset = \"{}\"\n{labels_line}order = \"in_order\"", images.display()),
            )
            .replace("encoding = \"rate\"", "encoding = \"latency\"")
    };
    let with_labels = text(&format!("labels = \"{}\"\n", labels.display()));
    let model = Model::from_toml(&with_labels, "npy.toml").expect("valid");
    let mut net = Network::build(&model).expect("builds");
    net.run_for(240.0).expect("runs");
    let shown: Vec<u32> = net.samples_shown()[0].iter().map(|s| s.label).collect();
    assert_eq!(shown, vec![4, 9]);
    let step = (20.0 * (1.0f64 / 0.8).ln() / 0.1).round() as u64 + 1;
    let spikes: Vec<(u64, u32)> = net.spikes().retained().iter().map(|s| (s.step, s.neuron)).collect();
    assert_eq!(spikes, vec![(step, 1), (1200 + step, 3), (1200 + step, 5)]);
    // Without its labels, or with labels of another length, the message names the key and file.
    let err = Model::from_toml(&text(""), "npy.toml").expect_err("refused").to_string();
    assert!(err.contains("inputs[0].dataset") && err.contains("name its labels too"), "{err}");
    ndarray_npy::write_npy(&labels, &Array1::from(vec![4i64, 9, 1])).expect("written");
    let err = Model::from_toml(&with_labels, "npy.toml").expect_err("refused").to_string();
    assert!(
        err.contains("inputs[0].labels")
            && err.contains("y.npy: must hold one label per image (2), has shape [3]"),
        "{err}"
    );

    // An event list as an (events, 4) array t, x, y, p drives its pixels' relays.
    let events = dir.join("e.npy");
    let list = Array2::from_shape_vec(
        (3, 4),
        vec![1000.0, 0.0, 0.0, 1.0, 2500.0, 2.0, 1.0, 0.0, 4000.0, 1.0, 0.0, -1.0],
    )
    .expect("shape");
    ndarray_npy::write_npy(&events, &list).expect("written");
    let model_text = presets::preset("digits_rate")
        .expect("the preset")
        .replace("size = 64", "size = 12")
        .split("[[inputs]]")
        .next()
        .expect("the model before its input")
        .to_string()
        + &format!(
            "[[inputs]]\nname = \"camera\"\nkind = \"events\"\ntarget = \"pixels\"\nfile = \"{}\"\nsensor = [3, 2]\nweight = \"30 mV\"\n",
            events.display()
        );
    let mut net = Network::build(&Model::from_toml(&model_text, "e.toml").expect("valid")).expect("builds");
    net.run_for(10.0).expect("runs");
    let spikes: Vec<(u64, u32)> = net.spikes().retained().iter().map(|s| (s.step, s.neuron)).collect();
    // ON at (0,0) → 0; OFF at (2,1) → 6 + 5 = 11; OFF at (1,0) → 6 + 1 = 7.
    assert_eq!(spikes, vec![(11, 0), (26, 11), (41, 7)]);
    // A pixel off the sensor is refused at its row.
    let list =
        Array2::from_shape_vec((2, 4), vec![1000.0, 0.0, 0.0, 1.0, 2000.0, 3.0, 0.0, 1.0]).expect("shape");
    ndarray_npy::write_npy(&events, &list).expect("written");
    let err = Model::from_toml(&model_text, "e.toml").expect_err("refused").to_string();
    assert!(
        err.contains("inputs[0].file")
            && err.contains("e.npy: row 2: pixel (3, 0) is outside the 3×2 sensor"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
