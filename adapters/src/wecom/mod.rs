//! WeCom: the self-built app (members), 微信客服 (public WeChat users), group robot.
//!
//! Wiring: `build(&cfg, deps).await` gives the routes (`GET|POST /webhooks/wecom`), an
//! `AppOutbound` (`Platform::Wecom`) and, when `kf_open_kfid` is set, a `KfOutbound`
//! (`Platform::Wechat`). WeCom organizers in `deps` are told when a message cannot reach
//! a WeChat user.

pub mod api;
pub mod api_group;
pub mod api_kf;
pub mod api_media;
pub mod api_menu;
pub mod callback;
pub mod config;
pub mod crypto;
pub mod error;
pub mod inbound;
pub mod invite;
pub mod kf;
pub mod kf_session;
pub mod limit;
pub mod notify;
pub mod outbound;
pub mod render;
pub mod setup;
pub mod token;
pub mod webhook;
pub mod xml;

#[cfg(test)]
mod callback_tests;
#[cfg(test)]
mod crypto_tests;
#[cfg(test)]
mod crypto_vectors;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod render_tests;

pub use api::WecomApi;
pub use config::WecomConfig;
pub use crypto::WxCrypt;
pub use error::ApiError;
pub use outbound::{AppOutbound, KfOutbound, ROBOT_CONVERSATION};
pub use render::{app_capabilities, kf_capabilities};
pub use setup::{build, parts, Wecom};
pub use webhook::{routes, WecomState};
