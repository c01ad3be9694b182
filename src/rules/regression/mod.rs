//! Rules that compare a policy with another of the same role: at a parent scope in the same run
//! (PIM502), or the same file at a base revision (PIM601). Both judge "weaker" by the one
//! ordering of [`crate::model::compare`].

category![policy_weakened, scope_weaker_than_parent];

use crate::model::{Policy, RoleCatalog};

/// The role a policy governs, as comparisons match it: the template id (a role named by its
/// display name takes the catalogue's id), an ARM role definition's trailing GUID, or
/// `member`/`owner`; lower case. `None` when the role is unknown.
pub(crate) fn role_key(p: &Policy) -> Option<String> {
    let r = p.role.as_ref()?;
    if let Some(t) = &r.template_id {
        return Some(t.to_ascii_lowercase());
    }
    if let Some(id) = &r.id {
        return Some(RoleCatalog::normalise_id(id).to_ascii_lowercase());
    }
    r.name.as_deref().map(str::to_ascii_lowercase)
}

/// A scope as comparisons match it: lower case, without a trailing `/` (the directory is `/`).
pub(crate) fn scope_key(p: &Policy) -> Option<String> {
    let s = p.scope.as_deref()?.trim().to_ascii_lowercase();
    let t = s.trim_end_matches('/');
    Some(if t.is_empty() {
        "/".into()
    } else {
        t.to_owned()
    })
}

/// "The longest activation" from "the longest activation".
pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
