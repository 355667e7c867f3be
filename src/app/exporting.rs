//! Saving what a view shows: its numbers as CSV or `.npy`, its picture as PNG (an egui
//! screenshot cropped to the view). Asked for from a tab's context menu or File → Export.

use super::views::Tab;
use super::{DialogKind, SpikeLabApp};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a file dialog asks the user.
#[derive(Clone, Debug)]
pub struct FileRequest {
    /// Save (choose a new name) or open (choose an existing file).
    pub save: bool,
    pub title: String,
    /// Suggested file name for saving.
    pub file_name: String,
    /// (description, extensions) pairs offered.
    pub filters: Vec<(&'static str, &'static [&'static str])>,
}

/// Answers file dialogs: native dialogs (rfd) in the app; a script in tests.
pub type FilePicker = Arc<dyn Fn(FileRequest) -> Option<PathBuf> + Send + Sync>;

/// The native file dialog.
pub fn native_picker() -> FilePicker {
    Arc::new(|request: FileRequest| {
        let mut dialog = rfd::FileDialog::new().set_title(&request.title);
        for (name, extensions) in &request.filters {
            dialog = dialog.add_filter(*name, extensions);
        }
        if request.save { dialog.set_file_name(&request.file_name).save_file() } else { dialog.pick_file() }
    })
}

/// What to export from a view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    /// Its numbers, CSV or `.npy` by the file's extension.
    Data,
    /// Its picture, PNG.
    Picture,
}

/// A screenshot on its way: which view to crop out, and where to save it.
#[derive(Debug)]
struct Shot {
    tab: Tab,
    path: PathBuf,
}

impl SpikeLabApp {
    /// Asks where to save, then saves (see [`SpikeLabApp::export_to`]).
    pub(super) fn export(&mut self, tab: Tab, what: Export) {
        let stem = self.ws.views.get(tab).file_stem();
        let request = match what {
            Export::Data => FileRequest {
                save: true,
                title: format!("Save the data of {}", self.ws.views.get(tab).title()),
                file_name: format!("{stem}.csv"),
                filters: self.ws.views.get(tab).data_filters(),
            },
            Export::Picture => FileRequest {
                save: true,
                title: format!("Save {} as a picture", self.ws.views.get(tab).title()),
                file_name: format!("{stem}.png"),
                filters: vec![("PNG image", &["png"])],
            },
        };
        let picker = self.picker.clone();
        self.spawn_dialog(DialogKind::Export(tab, what), move || picker(request));
    }

    /// Saves a view's data or picture to `path`; the status bar says how it went.
    pub(super) fn export_to(&mut self, tab: Tab, what: Export, path: PathBuf) {
        match what {
            Export::Picture => {
                // The tab must be on screen: bring it to the front, and shoot next frame.
                if let Some(found) = self.ws.dock.find_tab(&tab) {
                    let _ = self.ws.dock.set_active_tab(found);
                }
                if let Some(ctx) = &self.ctx {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(egui::UserData::new(Shot {
                        tab,
                        path,
                    })));
                    ctx.request_repaint();
                }
            }
            Export::Data => {
                match self.ws.views.get(tab).save_data(&self.run.live, &mut self.ws.shared, &path) {
                    Ok(Some(what)) => self.report_export(&path, Ok(what)),
                    // The view asked the runner, which reports when the file is written.
                    Ok(None) => {}
                    Err(e) => self.report_export(&path, Err(e)),
                }
            }
        }
    }

    fn report_export(&mut self, path: &Path, result: Result<String, crate::export::ExportError>) {
        match result {
            Ok(what) => self.say(format!("Saved {} ({what})", path.display())),
            Err(e) => self.notices.error(format!("Could not export: {e}")),
        }
    }

    /// Saves screenshots that have arrived, cropped to their view.
    pub(super) fn take_screenshots(&mut self, ctx: &egui::Context) {
        let shots: Vec<(Arc<egui::ColorImage>, egui::UserData)> = ctx.input(|i| {
            i.raw
                .events
                .iter()
                .filter_map(|e| match e {
                    egui::Event::Screenshot { image, user_data, .. } => {
                        Some((image.clone(), user_data.clone()))
                    }
                    _ => None,
                })
                .collect()
        });
        for (image, user_data) in shots {
            let Some(shot) = user_data.data.as_ref().and_then(|d| d.downcast_ref::<Shot>()) else { continue };
            let result = match self.ws.tab_rects.get(&shot.tab) {
                Some(rect) => {
                    let view = image.region(rect, Some(ctx.pixels_per_point()));
                    let rgba: Vec<u8> = view.pixels.iter().flat_map(|c| c.to_array()).collect();
                    crate::export::save_png(&shot.path, view.size, &rgba)
                        .map(|()| format!("{} × {} pixels", view.size[0], view.size[1]))
                }
                None => Err(crate::export::ExportError::Empty("the view is not on screen".into())),
            };
            self.report_export(&shot.path.clone(), result);
        }
    }

    /// For tests and scripts: answer file dialogs with `picker` instead of native dialogs.
    pub fn set_file_picker(&mut self, picker: FilePicker) {
        self.picker = picker;
    }
}
