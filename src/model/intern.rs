//! Shared copies of text that repeats across a run (role ids, scopes, messages, pointers), one
//! table per thread so no lock is taken.

use super::RoleRef;
use std::sync::Arc;

thread_local! {
    static STRINGS: std::cell::RefCell<std::collections::HashSet<Arc<str>>> = Default::default();
    static ROLES: std::cell::RefCell<std::collections::HashSet<Arc<RoleRef>>> = Default::default();
}

/// The shared copy of `s` for what is made on this thread (each worker keeps its own table, so
/// no lock is taken): a run with a million findings holds each message, label and pointer once.
pub fn intern(s: &str) -> Arc<str> {
    STRINGS.with(|t| {
        let mut t = t.borrow_mut();
        if let Some(a) = t.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        t.insert(a.clone());
        a
    })
}

/// The shared copy of a role, like [`intern`].
pub fn intern_role(r: &RoleRef) -> Arc<RoleRef> {
    ROLES.with(|t| {
        let mut t = t.borrow_mut();
        if let Some(a) = t.get(r) {
            return a.clone();
        }
        let a = Arc::new(r.clone());
        t.insert(a.clone());
        a
    })
}
