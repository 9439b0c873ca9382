//! depeche: a static knowledge-site generator for annotated, multilingual wire dispatches.
//!
//! The build is a pipeline of stages, each a module with one job:
//! [`config`] → [`load`] → [`annotate`] → [`graph`] → [`render`] → [`write`],
//! driven by [`build`].

#![warn(unreachable_pub)]

pub(crate) mod analyze;
pub mod annotate;
pub mod build;
pub mod changes;
pub mod check;
pub mod config;
pub mod diagnostic;
pub mod edit;
pub mod graph;
pub mod hosts;
pub mod import;
pub mod incremental;
pub mod inventory;
pub mod load;
mod outputs;
pub mod rename;
pub mod render;
pub mod report;
pub mod scaffold;
mod search;
pub mod serve;
pub mod site;
pub mod source;
pub mod transaction;
pub mod urls;
pub mod write;
pub mod yaml;
