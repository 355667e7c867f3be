//! Lessons: guided tours of classic models. A lesson is a plain TOML file (format in
//! `assets/lessons/README.md`) that names its model, the views to show, and steps of Markdown
//! text, each with something to look at, something to try, and perhaps a question the running
//! simulation answers. No GUI code here: the window shows lessons, tests check them.

mod check;

pub use check::{Check, Observation, Outcome, Test, TrainedRun};

use crate::model::{Model, ModelError, presets};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One lesson, as written in its file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub title: String,
    /// One or two sentences: what the lesson is about.
    #[serde(default)]
    pub summary: String,
    /// The model: a preset name (`lif_step`) or a file path relative to the lesson file.
    pub model: String,
    /// Views to bring to the front, by their short names (`traces`, `fi`, `phase`, …).
    #[serde(default)]
    pub views: Vec<String>,
    /// The neuron to select at the start (population name, neuron index), if any.
    #[serde(default)]
    pub select: Option<(String, usize)>,
    pub steps: Vec<Step>,
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub title: String,
    /// Explanation, Markdown.
    pub text: String,
    /// What to look at on screen.
    #[serde(default)]
    pub look: String,
    /// The view this step is about, brought to the front (and, on a projector, given most of
    /// the room) when the step is shown; the lesson's first view if `None`.
    #[serde(default)]
    pub view: Option<String>,
    /// Something to do.
    #[serde(default, rename = "try")]
    pub try_this: String,
    /// A question the app checks live.
    #[serde(default)]
    pub check: Option<Check>,
}

/// A lesson and where it came from.
#[derive(Clone, Debug)]
pub struct LoadedLesson {
    pub lesson: Lesson,
    /// The file it was read from; `None` for a lesson built into the program.
    pub path: Option<PathBuf>,
    /// Its file name (`01_lif.toml`), which orders the list.
    pub file_name: String,
}

/// Why a lesson could not be used.
#[derive(Debug, thiserror::Error)]
pub enum LessonError {
    #[error("cannot read lesson {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("lesson {name}: {message}")]
    Format { name: String, message: String },
    #[error("lesson {name}: its model: {source}")]
    Model { name: String, source: Box<ModelError> },
}

/// The lessons shipped with SpikeLab, compiled in so they work from any folder. When the
/// folder `assets/lessons` exists (running from the source tree), the files there are read
/// instead, so edits show without rebuilding.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("01_lif.toml", include_str!("../../../../assets/lessons/01_lif.toml")),
    ("02_izhikevich.toml", include_str!("../../../../assets/lessons/02_izhikevich.toml")),
    ("03_synapses.toml", include_str!("../../../../assets/lessons/03_synapses.toml")),
    ("04_spike_trains.toml", include_str!("../../../../assets/lessons/04_spike_trains.toml")),
    ("05_balanced_network.toml", include_str!("../../../../assets/lessons/05_balanced_network.toml")),
    ("06_stdp.toml", include_str!("../../../../assets/lessons/06_stdp.toml")),
    (
        "07_short_term_plasticity.toml",
        include_str!("../../../../assets/lessons/07_short_term_plasticity.toml"),
    ),
    ("08_neuromorphic.toml", include_str!("../../../../assets/lessons/08_neuromorphic.toml")),
    ("09_encoding.toml", include_str!("../../../../assets/lessons/09_encoding.toml")),
    ("10_surrogate_gradients.toml", include_str!("../../../../assets/lessons/10_surrogate_gradients.toml")),
    ("11_stdp_competition.toml", include_str!("../../../../assets/lessons/11_stdp_competition.toml")),
    ("12_conversion.toml", include_str!("../../../../assets/lessons/12_conversion.toml")),
];

/// Where the lesson files are in the source tree.
pub fn source_dir() -> PathBuf {
    crate::source_root().join("assets").join("lessons")
}

impl Lesson {
    /// Parses a lesson; `name` names it in messages.
    pub fn parse(text: &str, name: &str) -> Result<Lesson, LessonError> {
        let lesson: Lesson = toml::from_str(text)
            .map_err(|e| LessonError::Format { name: name.to_string(), message: e.to_string() })?;
        if lesson.steps.is_empty() {
            return Err(LessonError::Format {
                name: name.to_string(),
                message: "a lesson needs steps".into(),
            });
        }
        Ok(lesson)
    }
}

impl LoadedLesson {
    /// Reads a lesson file.
    pub fn read(path: &Path) -> Result<LoadedLesson, LessonError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| LessonError::Io { path: path.to_path_buf(), source })?;
        let lesson = Lesson::parse(&text, &path.display().to_string())?;
        let file_name = path.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned());
        Ok(LoadedLesson { lesson, path: Some(path.to_path_buf()), file_name })
    }

    /// The lesson's model: a preset, or a file beside the lesson.
    pub fn model(&self) -> Result<Model, LessonError> {
        let name = &self.lesson.model;
        let err = |source| LessonError::Model { name: self.file_name.clone(), source: Box::new(source) };
        if let Some(dir) = self.path.as_ref().and_then(|p| p.parent()) {
            let beside = dir.join(name);
            if beside.is_file() {
                return Model::load(&beside).map_err(err);
            }
        }
        match presets::preset(name) {
            Some(text) => Model::from_toml(text, name).map_err(err),
            None => Err(LessonError::Format {
                name: self.file_name.clone(),
                message: format!("its model \"{name}\" is neither a preset nor a file beside the lesson"),
            }),
        }
    }
}

/// Every lesson in order: from `dir` if it holds lesson files, else the built-in ones. A lesson
/// that does not parse is returned as its error, in its place.
pub fn all(dir: Option<&Path>) -> Vec<Result<LoadedLesson, LessonError>> {
    if let Some(dir) = dir
        && let Ok(entries) = std::fs::read_dir(dir)
    {
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        if !files.is_empty() {
            files.sort();
            return files.iter().map(|p| LoadedLesson::read(p)).collect();
        }
    }
    BUILT_IN
        .iter()
        .map(|(file, text)| {
            Lesson::parse(text, file).map(|lesson| LoadedLesson {
                lesson,
                path: None,
                file_name: file.to_string(),
            })
        })
        .collect()
}
