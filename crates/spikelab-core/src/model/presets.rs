//! Presets shipped with SpikeLab, compiled into the program so they work from any folder.
//! The files live in `assets/presets/`.

/// (file name, TOML text) of every preset.
pub const PRESETS: &[(&str, &str)] = &[
    ("lif_step.toml", include_str!("../../../../assets/presets/lif_step.toml")),
    ("lif_neuron.toml", include_str!("../../../../assets/presets/lif_neuron.toml")),
    ("three_neurons.toml", include_str!("../../../../assets/presets/three_neurons.toml")),
    ("izhikevich_patterns.toml", include_str!("../../../../assets/presets/izhikevich_patterns.toml")),
    ("izhikevich_neuron.toml", include_str!("../../../../assets/presets/izhikevich_neuron.toml")),
    ("cuba.toml", include_str!("../../../../assets/presets/cuba.toml")),
    ("coba.toml", include_str!("../../../../assets/presets/coba.toml")),
    ("brunel_ai.toml", include_str!("../../../../assets/presets/brunel_ai.toml")),
    ("brunel_sr.toml", include_str!("../../../../assets/presets/brunel_sr.toml")),
    ("stdp_song2000.toml", include_str!("../../../../assets/presets/stdp_song2000.toml")),
    ("adex_patterns.toml", include_str!("../../../../assets/presets/adex_patterns.toml")),
    ("hodgkin_huxley.toml", include_str!("../../../../assets/presets/hodgkin_huxley.toml")),
    ("qif_neuron.toml", include_str!("../../../../assets/presets/qif_neuron.toml")),
    ("short_term_plasticity.toml", include_str!("../../../../assets/presets/short_term_plasticity.toml")),
    ("synapses.toml", include_str!("../../../../assets/presets/synapses.toml")),
    ("spike_trains.toml", include_str!("../../../../assets/presets/spike_trains.toml")),
    ("digits_rate.toml", include_str!("../../../../assets/presets/digits_rate.toml")),
];

/// The text of a preset by file name, with or without `.toml`.
/// A model file, or the built-in preset of that name when there is no such file (what
/// `spikelab FILE` and `spikelab run FILE` open).
pub fn file_or_preset(file: &str) -> Result<super::Model, super::ModelError> {
    let path = std::path::Path::new(file);
    match preset(file) {
        Some(text) if !path.exists() => super::Model::from_toml(text, file),
        _ => super::Model::load(path),
    }
}

pub fn preset(name: &str) -> Option<&'static str> {
    let wanted = name.trim_end_matches(".toml");
    PRESETS.iter().find(|(file, _)| file.trim_end_matches(".toml") == wanted).map(|(_, text)| *text)
}
