//! A network split into single neurons, each its own population, with the weights the
//! engine drew: for seeing and editing every neuron and synapse of a small network alone.

use super::Network;
use crate::model::{Connect, Dist, Input, Model, Population, Projection, Quantity, Rule};

/// Most neurons a network may have to be shown one neuron per node.
pub const MAX_SINGLE_NEURONS: u64 = 50;

/// The same network with every neuron its own population of one, and every synapse its own
/// projection (all-to-all between two single neurons) with the weight the engine drew for it,
/// so that each can be seen and edited alone. The wiring comes from building the network
/// with the model's seed, exactly as the engine does. Inputs and recorders are copied per
/// neuron (Poisson inputs then draw other random numbers: their names change). Delays drawn
/// from a distribution are drawn again; weight recorders are dropped.
pub fn split_into_neurons(model: &Model) -> Result<Model, String> {
    let total: u64 = model.populations.iter().map(|p| p.size).sum();
    if total > MAX_SINGLE_NEURONS {
        return Err(format!(
            "{total} neurons are too many to show one by one (at most {MAX_SINGLE_NEURONS})"
        ));
    }
    let net = Network::build(model).map_err(|e| e.to_string())?;
    let name = |p: &Population, i: u64| if p.size == 1 { p.name.clone() } else { format!("{}_{i}", p.name) };
    let mut out = Model {
        populations: Vec::new(),
        projections: Vec::new(),
        inputs: Vec::new(),
        recorders: Vec::new(),
        weight_recorders: Vec::new(),
        layout: Default::default(),
        ..model.clone()
    };
    for p in &model.populations {
        let at = model.layout.get(&p.name).copied().unwrap_or([0.0, 0.0]);
        for i in 0..p.size {
            out.populations.push(Population { name: name(p, i), size: 1, ..p.clone() });
            out.layout.insert(name(p, i), [at[0], at[1] + 120.0 * i as f64]);
        }
    }
    for (k, proj) in model.projections.iter().enumerate() {
        let (Some((_, pre)), Some((_, post))) = (model.population(&proj.pre), model.population(&proj.post))
        else {
            continue;
        };
        let unit = post.synapse.weight_dimension().canonical_unit();
        let Some(w) = net.weights(k) else { continue };
        for ((i, j), &weight) in w.indexed_iter().filter(|(_, w)| !w.is_nan()) {
            let (from, to) = (name(pre, i as u64), name(post, j as u64));
            out.projections.push(Projection {
                name: String::new(),
                autapses: from == to,
                pre: from,
                post: to,
                connect: Connect {
                    rule: Rule::AllToAll,
                    p: None,
                    indegree: None,
                    synapses: Vec::new(),
                    weights: None,
                },
                weight: Dist::Constant(Quantity::new(weight as f64, unit)),
                ..proj.clone()
            });
        }
    }
    for input in &model.inputs {
        let Some((_, target)) = model.population(&input.target) else { continue };
        let at = model.layout.get(&format!("input {}", input.name)).copied();
        for j in (0..target.size).filter(|j| input.neurons.is_empty() || input.neurons.contains(j)) {
            let copy_name = if target.size == 1 { input.name.clone() } else { format!("{}_{j}", input.name) };
            if let Some([x, y]) = at {
                out.layout.insert(format!("input {copy_name}"), [x, y + 120.0 * j as f64]);
            }
            out.inputs.push(Input {
                name: copy_name,
                target: name(target, j),
                neurons: Vec::new(),
                ..input.clone()
            });
        }
    }
    for r in &model.recorders {
        let Some((_, p)) = model.population(&r.population) else { continue };
        for j in (0..p.size).filter(|j| r.neurons.is_empty() || r.neurons.contains(j)) {
            out.recorders.push(crate::model::Recorder {
                population: name(p, j),
                neurons: vec![0],
                ..r.clone()
            });
        }
    }
    out.validate().map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::preset;

    #[test]
    fn the_split_network_is_the_same_network_neuron_by_neuron() {
        // Random wiring and weights, constant delays and DC input: the split network must
        // have the same synapses and fire the same spikes, neuron by neuron.
        let m = Model::from_toml(
            r#"
name = "small"
[simulation]
seed = 7
[[populations]]
name = "E"
size = 6
model = "lif"
[[populations]]
name = "I"
size = 3
model = "lif"
[[projections]]
pre = "E"
post = "I"
receptor = "excitatory"
weight = { uniform = ["800 pA", "1500 pA"] }
connect = { rule = "fixed_probability", p = 0.5 }
[[projections]]
pre = "I"
post = "E"
receptor = "inhibitory"
weight = { uniform = ["100 pA", "400 pA"] }
connect = { rule = "fixed_probability", p = 0.5 }
[[inputs]]
name = "drive"
kind = "dc"
target = "E"
neurons = [0, 2, 4]
amplitude = "400 pA"
"#,
            "small.toml",
        )
        .unwrap();
        let split = split_into_neurons(&m).unwrap();
        assert_eq!(split.populations.len(), 9);
        assert_eq!(split.inputs.len(), 3);
        let (mut a, mut b) = (Network::build(&m).unwrap(), Network::build(&split).unwrap());
        assert_eq!(a.synapse_count(), b.synapse_count());
        assert_eq!(split.projections.len(), a.synapse_count());
        a.run_for(300.0).unwrap();
        b.run_for(300.0).unwrap();
        let sizes = [6, 3];
        let mut original: Vec<(u64, usize)> = a
            .spikes()
            .retained()
            .iter()
            .map(|s| (s.step, sizes[..s.pop as usize].iter().sum::<usize>() + s.neuron as usize))
            .collect();
        let mut single: Vec<(u64, usize)> =
            b.spikes().retained().iter().map(|s| (s.step, s.pop as usize)).collect();
        original.sort_unstable();
        single.sort_unstable();
        assert!(original.len() > 20, "the network fires");
        assert_eq!(original, single);
        assert!(split_into_neurons(&Model::from_toml(preset("cuba").unwrap(), "cuba").unwrap()).is_err());
    }
}
