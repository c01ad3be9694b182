//! pim-lint: a policy-as-code linter for Microsoft Entra PIM role settings.
pub mod app;
pub mod cli;
pub mod config;
pub mod datafile;
pub mod dialect;
pub mod engine;
pub mod finding;
pub mod input;
pub mod live;
pub mod model;
pub mod pack;
pub(crate) mod packtest;
pub mod report;
pub mod roles;
pub mod rules;
pub mod source;
mod suggest;
pub mod suppress;
