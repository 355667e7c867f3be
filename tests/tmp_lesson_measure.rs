// TEMPORARY (lesson author's measuring tool; not to be committed).
use spikelab::analysis::{Histogram, weight_histogram};
use spikelab::lessons::{self, Observation};
use spikelab::sim::Network;

#[test]
fn measure() {
    let only = std::env::var("LESSON").unwrap_or_default();
    for l in lessons::all(Some(&lessons::source_dir())) {
        let l = l.unwrap();
        if !l.file_name.contains(&only) {
            continue;
        }
        let base = l.model().unwrap();
        for step in &l.lesson.steps {
            let Some(check) = &step.check else { continue };
            for with_solution in [false, true] {
                let mut model = base.clone();
                if with_solution {
                    for (path, value) in &check.solution {
                        model = model.with_setting(path, value).unwrap();
                    }
                }
                let window = check.window.map_or(1000.0, |q| q.canonical());
                let t = std::time::Instant::now();
                let mut net = Network::build(&model).unwrap();
                let run_ms = (window + 500.0).max(model.duration_ms().min(window * 2.0));
                net.run_for(run_ms).unwrap();
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
                    weights: &weights,
                };
                let o = check.evaluate(&obs);
                println!(
                    "{} | {} | solution={} | passed={} | {} | {:.2}s",
                    l.file_name,
                    check.goal,
                    with_solution,
                    o.passed,
                    o.measured,
                    t.elapsed().as_secs_f64()
                );
            }
        }
    }
}

#[test]
fn probe() {
    let Ok(file) = std::env::var("PROBE_MODEL") else { return };
    let mut model = spikelab::model::Model::load(std::path::Path::new(&file)).unwrap();
    for kv in std::env::var("PROBE_SET").unwrap_or_default().split(';').filter(|s| !s.is_empty()) {
        let (k, v) = kv.split_once('=').unwrap();
        model = model.with_setting(k, v).unwrap();
    }
    let ms: f64 = std::env::var("PROBE_MS").unwrap().parse().unwrap();
    let vars: Vec<(usize, String)> = std::env::var("PROBE_VARS")
        .unwrap()
        .split(',')
        .map(|s| {
            let (p, v) = s.split_once(':').unwrap();
            (p.parse().unwrap(), v.to_string())
        })
        .collect();
    let mut net = Network::build(&model).unwrap();
    let mut out = String::from("t");
    for (p, v) in &vars {
        out += &format!(",{p}:{v}");
    }
    out += "\n";
    let steps = (ms / net.dt_ms()).round() as usize;
    for _ in 0..steps {
        net.step().unwrap();
        out += &format!("{:.1}", net.time_ms());
        for (p, v) in &vars {
            out += &format!(",{}", net.state(*p, v).unwrap()[0]);
        }
        out += "\n";
    }
    std::fs::write("/tmp/sl/probe.csv", out).unwrap();
    let from: f64 = std::env::var("PROBE_FROM").ok().and_then(|s| s.parse().ok()).unwrap_or(ms / 2.0);
    let pops: Vec<(String, usize)> = net.populations().map(|(n, s)| (n.to_string(), s)).collect();
    let dt = net.dt_ms();
    for (k, (name, size)) in pops.iter().enumerate() {
        let n = net
            .spikes()
            .retained()
            .iter()
            .filter(|s| s.pop as usize == k && s.step as f64 * dt >= from)
            .count();
        let from_i = net.spikes().retained().partition_point(|s| (s.step as f64 * dt) < from);
        let sp = &net.spikes().retained()[from_i..];
        let trains = spikelab::analysis::spike_trains(sp, k as u32, *size, dt);
        let cv = spikelab::analysis::mean_cv_isi(&trains);
        let rate = spikelab::analysis::population_rate(sp, k as u32, *size, dt, 0.5, from, net.time_ms());
        let syn = spikelab::analysis::synchrony(&rate);
        let peak = spikelab::analysis::power_spectrum(&rate, 0.5).peak(5.0).map(|(f, _)| f);
        println!(
            "PROBE {name}: {:.2} Hz ({} spikes) cv {:?} sync {:?} peak {:?}",
            n as f64 / *size as f64 / ((ms - from) / 1000.0),
            n,
            cv,
            syn,
            peak
        );
    }
}
