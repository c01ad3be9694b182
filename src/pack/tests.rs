use super::*;

#[test]
fn builtin_packs_and_roles_load() {
    for (name, _) in BUILTIN_PACKS {
        let pack = builtin_pack(name)
            .unwrap_or_else(|| panic!("{name}"))
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(&pack.name, name);
        assert!(!pack.entries.is_empty());
    }
    let roles = builtin_roles().unwrap();
    assert_eq!(
        roles
            .lookup_id("62E90394-69F5-4237-9190-012177145E10")
            .map(|r| r.tier),
        Some(Tier::Tier0)
    );
    assert_eq!(
        roles.lookup_id("/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635").map(|r| r.name.as_str()),
        Some("Owner")
    );
}

#[test]
fn pack_errors_point_into_the_yaml() {
    let text = "name: t\nrules:\n  - {rule: PIM999, severity: error}\n  - {rule: PIM004, severity: loud}\n";
    let e = load_pack("t.yaml".into(), text.as_bytes()).unwrap_err();
    let all = e.all();
    assert_eq!(all.len(), 2);
    assert_eq!((all[0].line, all[0].column), (3, 12));
    assert!(all[0].message.contains("unknown rule `PIM999`"));
    assert_eq!((all[1].line, all[1].column), (4, 30));
}
