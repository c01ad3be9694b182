//! pim-lint: a policy-as-code linter for Microsoft Entra PIM role settings.
pub mod app;
pub mod cli;
pub mod config;
pub mod datafile;
pub mod dialect;
pub mod lint;
pub mod model;
pub mod pack;
pub mod report;
pub mod roles;
pub mod rules;
pub mod source;
mod suggest;
