//! pim-lint: a policy-as-code linter for Microsoft Entra PIM role settings.
pub mod source;
pub mod dialect;
pub mod model;
pub mod pack;
pub mod rules;
pub mod lint;
pub mod report;
pub mod app;
pub mod cli;
