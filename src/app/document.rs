//! The document: the model being worked on, where it came from, whether it is saved, and its
//! undo history. Every edit (from the inspector, the graph editor or a lesson) goes through
//! [`Document::edit`], which validates it and records it for undo; the app sends what it
//! returns to the runner. The model is shared (`Arc`): views read it without copying, and it
//! is copied only when edited.

use super::Selection;
use crate::model::{Model, ModelError, PROBLEMS_SHOWN};
use std::path::PathBuf;
use std::sync::Arc;

pub struct Document {
    model: Arc<Model>,
    /// The file the model came from; `None` for presets and new models.
    pub path: Option<PathBuf>,
    /// A name for the title when there is no file.
    pub source_name: String,
    /// Edited since it was opened or saved.
    pub dirty: bool,
    history: History,
}

/// Undo and redo of model edits. A gesture is one step: the edits of a value being dragged,
/// from press to release, are merged; a typed value is one edit when it is applied.
#[derive(Default)]
struct History {
    undo: Vec<Arc<Model>>,
    redo: Vec<Arc<Model>>,
    /// The inspector's item whose drag goes on: its next edit joins the same step.
    open: Option<Selection>,
}

/// Whether an edit ends what the user is doing or a drag goes on after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gesture {
    Done,
    Ongoing,
}

/// A hundred steps back is plenty for exploring by hand, and keeps memory bounded.
const UNDO_STEPS: usize = 100;

/// Why an edit was refused, in words: the first problems and how many more there are.
pub fn refusal(e: &ModelError) -> String {
    let mut why: Vec<String> = e.problems().iter().take(PROBLEMS_SHOWN).map(|p| p.to_string()).collect();
    let more = e.problems().len().saturating_sub(PROBLEMS_SHOWN);
    if more > 0 {
        why.push(format!("… and {more} more problems"));
    }
    why.join("\n")
}

impl Document {
    pub fn new(model: Model, path: Option<PathBuf>, source_name: &str) -> Document {
        Document {
            model: Arc::new(model),
            path,
            source_name: source_name.to_string(),
            dirty: false,
            history: History::default(),
        }
    }

    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    /// Takes an edited model from `origin` (the inspector's item, or `None` for edits from
    /// elsewhere): validates it, records the old one for undo, and returns the new one. The
    /// edits of one item's gesture (a drag, [`Gesture::Ongoing`] until its last edit) are one
    /// undo step. A refused edit changes nothing and says why.
    pub fn edit(
        &mut self,
        model: Model,
        origin: Option<Selection>,
        gesture: Gesture,
    ) -> Result<Arc<Model>, String> {
        model.validate().map_err(|e| refusal(&e))?;
        let h = &mut self.history;
        let merge = origin.is_some() && h.open == origin;
        let before = std::mem::replace(&mut self.model, Arc::new(model));
        if !merge {
            h.undo.push(before);
            if h.undo.len() > UNDO_STEPS {
                h.undo.remove(0);
            }
        }
        h.redo.clear();
        h.open = if gesture == Gesture::Ongoing { origin } else { None };
        self.dirty = true;
        Ok(Arc::clone(&self.model))
    }

    /// A new seed, kept out of the history (reseeding is running again, not editing).
    pub fn reseed(&mut self, seed: u64) {
        Arc::make_mut(&mut self.model).simulation.seed = seed;
        self.dirty = true;
    }

    /// Back one edit; the model to run, if there was one.
    pub fn undo(&mut self) -> Option<Arc<Model>> {
        let before = self.history.undo.pop()?;
        self.history.redo.push(std::mem::replace(&mut self.model, before));
        self.after_history_step()
    }

    /// Forward one undone edit.
    pub fn redo(&mut self) -> Option<Arc<Model>> {
        let after = self.history.redo.pop()?;
        self.history.undo.push(std::mem::replace(&mut self.model, after));
        self.after_history_step()
    }

    fn after_history_step(&mut self) -> Option<Arc<Model>> {
        self.history.open = None;
        self.dirty = true;
        Some(Arc::clone(&self.model))
    }

    /// (steps that can be undone, steps that can be redone).
    pub fn steps(&self) -> (usize, usize) {
        (self.history.undo.len(), self.history.redo.len())
    }

    /// Saved to `path`: the document now belongs to that file.
    pub fn saved_as(&mut self, path: PathBuf) {
        self.source_name = path.display().to_string();
        self.path = Some(path);
        self.dirty = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::preset;

    fn cuba() -> Model {
        Model::from_toml(preset("cuba").expect("a preset"), "cuba.toml").expect("valid")
    }

    #[test]
    fn edits_are_validated_recorded_and_undone_and_the_model_is_shared_not_copied() {
        let mut doc = Document::new(cuba(), None, "cuba");
        let original = Arc::clone(doc.model());
        let mut bad = (**doc.model()).clone();
        bad.populations[0].size = 0;
        assert!(doc.edit(bad, None, Gesture::Done).is_err());
        assert!(Arc::ptr_eq(doc.model(), &original), "a refused edit changes nothing");
        assert!(!doc.dirty);
        let mut good = (**doc.model()).clone();
        good.populations[0].size = 100;
        let applied = doc.edit(good, None, Gesture::Done).expect("valid");
        assert!(Arc::ptr_eq(doc.model(), &applied), "the runner gets the document's own model");
        assert_eq!(doc.steps(), (1, 0));
        let back = doc.undo().expect("one step");
        assert!(Arc::ptr_eq(&back, &original), "undo gives back the very model, no copy");
        assert_eq!(doc.steps(), (0, 1));
        assert_eq!(doc.redo().map(|m| m.populations[0].size), Some(100));
    }

    #[test]
    fn a_drag_is_one_undo_step_and_each_finished_edit_its_own() {
        let mut doc = Document::new(cuba(), None, "cuba");
        let size = |doc: &mut Document, k: usize, n: u64, g: Gesture| {
            let mut m = (**doc.model()).clone();
            m.populations[k].size = n;
            doc.edit(m, Some(Selection::Population(k)), g).expect("valid");
        };
        for n in [100, 200] {
            size(&mut doc, 0, n, Gesture::Ongoing);
        }
        size(&mut doc, 0, 300, Gesture::Done);
        assert_eq!(doc.steps(), (1, 0), "press to release is one step");
        size(&mut doc, 0, 400, Gesture::Done);
        assert_eq!(doc.steps(), (2, 0), "a typed value after the drag is its own step");
        size(&mut doc, 1, 10, Gesture::Ongoing);
        assert_eq!(doc.steps(), (3, 0), "another item is another step");
        assert_eq!(doc.undo().map(|m| m.populations[0].size), Some(400));
        assert_eq!(doc.undo().map(|m| m.populations[0].size), Some(300));
        assert_eq!(doc.undo().map(|m| m.populations[0].size), Some(3200));
    }
}
