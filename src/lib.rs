//! pim-lint: a policy-as-code linter for Microsoft Entra PIM role settings.
pub mod source;
pub mod dialect;
pub mod model;
