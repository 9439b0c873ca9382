//! depeche: a static knowledge-site generator for annotated, multilingual wire dispatches.
//!
//! The build is a pipeline of stages, each a module with one job:
//! [`config`] → [`load`] → [`annotate`] → [`graph`] → [`render`] → [`write`].

pub mod annotate;
pub mod config;
pub mod diagnostic;
pub mod load;
pub mod source;
pub mod urls;
pub mod yaml;
