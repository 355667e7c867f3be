//! The window's and the command line's tests, in one binary: a change links it once.
//! A module alone: `cargo test --release --test app gui::`.

mod cli;
mod gui;
mod lessons;
