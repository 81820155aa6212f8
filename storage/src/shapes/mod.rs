//! Plain data the stores return, defined once so both backends return the same types.

pub mod console;
pub mod export;
pub mod ops;
pub mod web;
