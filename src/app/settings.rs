//! What the window remembers between sessions: which side panels were open, presentation mode,
//! the window's size, the arrangement of the views and the lesson steps already answered. Kept as TOML beside the recent
//! files (`~/.config/spikelab/settings.toml`); a missing or unreadable file means the defaults,
//! never an error, since these are conveniences.
//!
//! Only the program remembers (`main.rs` passes the file); a window made without one, as in the
//! tests, starts from the defaults and writes nothing.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub model_panel: bool,
    pub lessons_panel: bool,
    pub presentation: bool,
    /// The window's inner size, points.
    pub window: Option<[f32; 2]>,
    /// Lesson steps answered, as (lesson file, step from 0).
    pub passed: Vec<(String, usize)>,
    /// The views' arrangement in the dock.
    pub layout: Option<super::layout::Pane>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            model_panel: true,
            lessons_panel: true,
            presentation: false,
            window: None,
            passed: Vec::new(),
            layout: None,
        }
    }
}

/// The folder of the program's own files (`$XDG_CONFIG_HOME/spikelab`, else `~/.config/spikelab`).
pub fn config_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("spikelab"))
}

/// Where the program keeps its settings.
pub fn default_file() -> Option<PathBuf> {
    config_dir().map(|d| d.join("settings.toml"))
}

impl Settings {
    /// The settings in `file`, or the defaults if it is missing or not readable as settings.
    pub fn load(file: &Path) -> Settings {
        let mut s: Settings =
            std::fs::read_to_string(file).ok().and_then(|t| toml::from_str(&t).ok()).unwrap_or_default();
        // A size from a broken file must not make an unusable window.
        s.window = s.window.filter(|[w, h]| w.is_finite() && h.is_finite() && *w >= 400.0 && *h >= 300.0);
        s
    }

    /// Writes the settings; a failure is ignored (they are a convenience).
    pub fn save(&self, file: &Path) {
        if let Ok(text) = toml::to_string(self) {
            let _ = file.parent().map(std::fs::create_dir_all);
            let _ = std::fs::write(file, text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_come_back_as_saved_and_a_broken_file_gives_the_defaults() {
        let dir = std::env::temp_dir().join(format!("spikelab-settings-{}", std::process::id()));
        let file = dir.join("settings.toml");
        let s = Settings {
            model_panel: false,
            lessons_panel: true,
            presentation: true,
            window: Some([1280.0, 720.0]),
            passed: vec![("01_lif.toml".into(), 2)],
            layout: super::super::layout::Pane::of(&super::super::layout::default_dock()),
        };
        assert!(s.layout.is_some());
        s.save(&file);
        assert_eq!(Settings::load(&file), s);
        std::fs::write(&file, "model_panel = \"yes\"\n[[[").expect("write");
        assert_eq!(Settings::load(&file), Settings::default());
        std::fs::write(&file, "window = [10.0, -3.0]\n").expect("write");
        assert_eq!(Settings::load(&file).window, None);
        assert_eq!(Settings::load(&dir.join("missing.toml")), Settings::default());
        let _ = std::fs::remove_dir_all(dir);
    }
}
