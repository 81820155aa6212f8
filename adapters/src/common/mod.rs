//! What every adapter shares: the wiring shape (`Deps` in, `Wired` out),
//! long button commands stored under a short key, markup escaping and config helpers.

pub mod config;
pub mod escape;
pub mod startup;
pub mod stored;
mod wiring;

pub use wiring::{always_leader, Deps, SetupError, Wired};
