//! What each choice in a model is: the key model files use, the name people see, and for
//! input kinds everything else about them (their fields and what they deliver), so that a
//! new kind is described in one place.

use super::{Delivers, InputKind, Receptor, Reset, Rule, StdpRule, SynapseKind};

impl SynapseKind {
    pub const ALL: [SynapseKind; 3] = [SynapseKind::Current, SynapseKind::Conductance, SynapseKind::Delta];

    /// Its name in model files: `synapse = "delta"`.
    pub fn key(self) -> &'static str {
        match self {
            SynapseKind::Current => "current",
            SynapseKind::Conductance => "conductance",
            SynapseKind::Delta => "delta",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            SynapseKind::Current => "current",
            SynapseKind::Conductance => "conductance",
            SynapseKind::Delta => "delta (voltage jump)",
        }
    }
}

impl Reset {
    pub const ALL: [Reset; 2] = [Reset::ToVReset, Reset::Subtract];

    /// Its name in model files: `reset = "subtract"`.
    pub fn key(self) -> &'static str {
        match self {
            Reset::ToVReset => "to_v_reset",
            Reset::Subtract => "subtract",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Reset::ToVReset => "to v_reset",
            Reset::Subtract => "subtract the threshold",
        }
    }
}

impl Receptor {
    pub fn display_name(self) -> &'static str {
        match self {
            Receptor::Excitatory => "excitatory",
            Receptor::Inhibitory => "inhibitory",
        }
    }
}

impl Rule {
    /// The rules a person can choose in the inspector (explicit lists come from files).
    pub const CHOOSABLE: [Rule; 4] =
        [Rule::AllToAll, Rule::OneToOne, Rule::FixedProbability, Rule::FixedIndegree];

    /// Its name in model files: `rule = "fixed_probability"`.
    pub fn key(self) -> &'static str {
        match self {
            Rule::AllToAll => "all_to_all",
            Rule::OneToOne => "one_to_one",
            Rule::FixedProbability => "fixed_probability",
            Rule::FixedIndegree => "fixed_indegree",
            Rule::Explicit => "explicit",
            Rule::Matrix => "matrix",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Rule::AllToAll => "all to all",
            Rule::OneToOne => "one to one",
            Rule::FixedProbability => "fixed probability",
            Rule::FixedIndegree => "fixed in-degree",
            Rule::Explicit => "explicit list",
            Rule::Matrix => "weight matrix (.npy)",
        }
    }
}

impl StdpRule {
    pub fn display_name(self) -> &'static str {
        match self {
            StdpRule::Additive => "additive",
            StdpRule::Multiplicative => "multiplicative",
        }
    }
}

impl super::Encoding {
    /// Its name in model files: `encoding = "rate"`.
    pub fn key(self) -> &'static str {
        match self {
            super::Encoding::Rate => "rate",
            super::Encoding::Latency => "latency",
            super::Encoding::Delta => "delta",
        }
    }
}

impl InputKind {
    /// The fields of its [`super::Stimulus`] variant, as model files write them beside the
    /// common ones (a unit test checks these against serde).
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            InputKind::Poisson => &["rate", "schedule", "sources", "weight", "receptor"],
            InputKind::Spikes => &["times", "weight", "receptor"],
            InputKind::Dc | InputKind::Pulse => &["amplitude"],
            InputKind::Sine => &["amplitude", "frequency", "phase", "offset"],
            InputKind::Noise => &["mean", "sigma", "tau"],
            InputKind::Dataset => &[
                "dataset",
                "labels",
                "encoding",
                "weight",
                "receptor",
                "present",
                "gap",
                "order",
                "max_rate",
                "latency_tau",
                "threshold",
            ],
            InputKind::Events => &["file", "sensor", "weight", "receptor"],
        }
    }

    /// Those of its fields a file must give.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            InputKind::Poisson => &["weight"],
            InputKind::Spikes => &["times", "weight"],
            InputKind::Dc | InputKind::Pulse => &["amplitude"],
            InputKind::Sine => &["amplitude", "frequency"],
            InputKind::Noise => &["sigma", "tau"],
            InputKind::Dataset => &["dataset", "encoding", "weight"],
            InputKind::Events => &["file", "sensor", "weight"],
        }
    }

    /// What it delivers to its targets: the one place that says so for each kind.
    pub fn delivers(self) -> Delivers {
        match self {
            InputKind::Poisson | InputKind::Spikes | InputKind::Dataset | InputKind::Events => {
                Delivers::Spikes
            }
            InputKind::Dc | InputKind::Pulse => Delivers::Current { time_varying: false },
            InputKind::Sine | InputKind::Noise => Delivers::Current { time_varying: true },
        }
    }

    /// Whether it injects current (rather than spikes).
    pub fn is_current(self) -> bool {
        matches!(self.delivers(), Delivers::Current { .. })
    }

    /// Every kind, in the order of the enum (model files' error messages list them so).
    pub const ALL: [InputKind; 8] = [
        InputKind::Poisson,
        InputKind::Spikes,
        InputKind::Dc,
        InputKind::Pulse,
        InputKind::Sine,
        InputKind::Noise,
        InputKind::Dataset,
        InputKind::Events,
    ];

    /// Its name in model files: `kind = "dc"`.
    pub fn key(self) -> &'static str {
        match self {
            InputKind::Poisson => "poisson",
            InputKind::Spikes => "spikes",
            InputKind::Dc => "dc",
            InputKind::Pulse => "pulse",
            InputKind::Sine => "sine",
            InputKind::Noise => "noise",
            InputKind::Dataset => "dataset",
            InputKind::Events => "events",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            InputKind::Poisson => "Poisson spikes",
            InputKind::Spikes => "spike times",
            InputKind::Dc => "DC current",
            InputKind::Pulse => "current pulse",
            InputKind::Sine => "sine current",
            InputKind::Noise => "noise current",
            InputKind::Dataset => "dataset images",
            InputKind::Events => "event file",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_what_model_files_write() {
        let written = |v: toml::Value| v.as_str().map(str::to_string);
        for kind in SynapseKind::ALL {
            assert_eq!(
                written(toml::Value::try_from(kind).expect("serialises")).as_deref(),
                Some(kind.key())
            );
        }
        for rule in Rule::CHOOSABLE.into_iter().chain([Rule::Explicit, Rule::Matrix]) {
            assert_eq!(
                written(toml::Value::try_from(rule).expect("serialises")).as_deref(),
                Some(rule.key())
            );
        }
    }
}
