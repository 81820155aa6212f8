//! yunqi-bot's domain core: events in, state changes and outgoing messages out.
//! No I/O framework here: storage, platforms and time come in through `ports`.

pub mod capability;
pub mod command;
pub mod contact;
pub mod dialogue;
pub mod engine;
pub mod event;
pub mod feedback;
pub mod health;
pub mod i18n;
pub mod ics;
pub mod ids;
pub mod job;
pub mod link_code;
pub mod message;
pub mod metrics;
pub mod model;
pub mod ports;
pub mod runtime;
pub mod salon_form;
pub mod spec;
pub mod stats;
pub mod tag;
pub mod thread;
pub mod ticket;
pub mod validate;

pub use engine::{Engine, EngineConfig};
pub use event::{EventKind, Inbound};
pub use ids::Locale;
pub use ids::{Platform, UserRef};
