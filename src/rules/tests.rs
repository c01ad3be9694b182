use super::*;

#[test]
fn lookup_by_code_and_name() {
    assert_eq!(
        lookup("pim007").map(|r| r.name),
        Some("mfa-authcontext-conflict")
    );
    assert_eq!(lookup("unknown-role").map(|r| r.code), Some("PIM012"));
    assert!(lookup("PIM999").is_none());
}

#[test]
fn registry_is_in_code_order() {
    let codes: Vec<&str> = registry().iter().map(|r| r.code).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(codes, sorted);
}
