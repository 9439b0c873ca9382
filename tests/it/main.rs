//! Every integration test, in one binary: one link instead of one per file.

// A test that meets an unexpected value should stop there, loudly.
#![allow(clippy::unwrap_used)]

mod browser;
mod check;
mod common;
mod content;
mod data;
mod dependencies;
mod docs;
mod editing;
mod errors;
mod escaping;
mod feeds;
mod graph;
mod import;
mod incremental;
mod layers;
mod limits;
mod map;
mod multilingual;
mod publish;
mod safety;
mod search;
mod serve;
mod site;
mod structured;
mod timeline;
mod valid;
mod workflows;
