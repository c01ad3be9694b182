use super::*;

/// The matching `TargetKey` replaces: pairwise, case-insensitive.
fn targets_match(a: &Target, b: &Target) -> bool {
    let guid = |s: &str| s.rsplit('/').next().unwrap_or(s).to_ascii_lowercase();
    match (a, b) {
        (Target::DirectoryRole(x), Target::DirectoryRole(y)) => guid(x) == guid(y),
        (
            Target::AzureRole {
                role: r1,
                scope: s1,
            },
            Target::AzureRole {
                role: r2,
                scope: s2,
            },
        ) => {
            guid(r1) == guid(r2)
                && s1
                    .trim_end_matches('/')
                    .eq_ignore_ascii_case(s2.trim_end_matches('/'))
        }
        (
            Target::Group {
                group: g1,
                access: a1,
            },
            Target::Group {
                group: g2,
                access: a2,
            },
        ) => g1.eq_ignore_ascii_case(g2) && a1.eq_ignore_ascii_case(a2),
        _ => false,
    }
}

#[test]
fn target_keys_are_equal_exactly_when_targets_match() {
    let d = |r: &str| Target::DirectoryRole(r.into());
    let a = |r: &str, s: &str| Target::AzureRole {
        role: r.into(),
        scope: s.into(),
    };
    let g = |x: &str, y: &str| Target::Group {
        group: x.into(),
        access: y.into(),
    };
    let all = [
        d("62E90394-69f5-4237-9190-012177145e10"),
        d("62e90394-69f5-4237-9190-012177145e10"),
        d("/providers/x/62e90394-69f5-4237-9190-012177145e10"),
        d("other"),
        a(
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/ABC",
            "/subscriptions/S/",
        ),
        a("abc", "/subscriptions/s"),
        a("abc", "/subscriptions/s//"),
        a("abc", "/subscriptions/t"),
        a("abd", "/subscriptions/s"),
        g("G1", "Member"),
        g("g1", "member"),
        g("g1", "owner"),
        g("g2", "member"),
    ];
    for x in &all {
        for y in &all {
            assert_eq!(
                targets_match(x, y),
                TargetKey::of(x) == TargetKey::of(y),
                "{x:?} / {y:?}"
            );
        }
    }
}

/// The expansion this module had before: recursive, every simple path to every user.
fn every_path(dir: &Directory, group_id: &str) -> Option<Vec<(String, Vec<String>)>> {
    fn walk(
        dir: &Directory,
        group_id: &str,
        path: &mut Vec<String>,
        on_path: &mut BTreeSet<String>,
        out: &mut Vec<(String, Vec<String>)>,
    ) -> bool {
        let Some(group) = dir.group(group_id) else {
            return false;
        };
        let Some(members) = &group.members else {
            return false;
        };
        if !on_path.insert(key(group_id)) {
            return true;
        }
        path.push(
            group
                .display_name
                .clone()
                .unwrap_or_else(|| group.id.clone()),
        );
        for m in members {
            match m.kind {
                PrincipalKind::User => out.push((m.id.clone(), path.clone())),
                PrincipalKind::Group => {
                    walk(dir, &m.id, path, on_path, out);
                }
                _ => {}
            }
        }
        path.pop();
        on_path.remove(&key(group_id));
        true
    }
    let mut out = Vec::new();
    walk(
        dir,
        group_id,
        &mut Vec::new(),
        &mut BTreeSet::new(),
        &mut out,
    )
    .then_some(out)
}

fn at() -> At {
    At {
        file: 0,
        pointer: super::super::Ptr::default(),
    }
}

/// A small random directory: groups g0…g{n-1} (some without exported members, some
/// missing), users U0… spelled in either case, members in random order.
fn random_directory(seed: u64) -> Directory {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    let n = 2 + next(7);
    let mut dir = Directory::default();
    for i in 0..n {
        let members = (next(8) != 0).then(|| {
            (0..next(6))
                .map(|_| {
                    if next(2) == 0 {
                        GroupMember {
                            kind: PrincipalKind::Group,
                            id: format!("g{}", next(n + 1)),
                        }
                    } else {
                        let u = next(5);
                        GroupMember {
                            kind: if next(9) == 0 {
                                PrincipalKind::ServicePrincipal
                            } else {
                                PrincipalKind::User
                            },
                            id: if next(3) == 0 {
                                format!("u{u}")
                            } else {
                                format!("U{u}")
                            },
                        }
                    }
                })
                .collect()
        });
        let id = format!("g{i}");
        dir.groups.insert(
            id.clone(),
            Group {
                display_name: (next(4) != 0).then(|| format!("G{i}")),
                id,
                is_assignable_to_role: None,
                membership_rule: None,
                members,
                at: at(),
            },
        );
    }
    dir.kinds.insert("groups");
    dir
}

#[test]
fn expansion_lists_what_every_path_reaches_once_with_a_shortest_path() {
    for seed in 0..3000 {
        let dir = random_directory(seed);
        for g in 0..dir.groups.len() + 1 {
            let g = format!("g{g}");
            let old = every_path(&dir, &g);
            let new = dir.expand_group(&g);
            let (Some(old), Some(new)) = (old, new) else {
                assert!(dir.expand_group(&g).is_none() && every_path(&dir, &g).is_none());
                continue;
            };
            // Each user once, where the old walk first met them, in the same order.
            let mut firsts: Vec<&(String, Vec<String>)> = Vec::new();
            for o in &old {
                if !firsts.iter().any(|f| f.0.eq_ignore_ascii_case(&o.0)) {
                    firsts.push(o);
                }
            }
            let ids = |v: Vec<&String>| v.into_iter().cloned().collect::<Vec<_>>();
            assert_eq!(
                ids(new.iter().map(|r| &r.user_id).collect()),
                ids(firsts.iter().map(|f| &f.0).collect()),
                "seed {seed}, {g}"
            );
            // With one of the shortest paths the old walk found.
            for r in new.iter() {
                let paths: Vec<&Vec<String>> = old
                    .iter()
                    .filter(|o| o.0.eq_ignore_ascii_case(&r.user_id))
                    .map(|o| &o.1)
                    .collect();
                let via: Vec<String> = r.via.names().into_iter().map(String::from).collect();
                assert!(paths.contains(&&via), "seed {seed}, {g}: {via:?}");
                assert_eq!(
                    Some(via.len()),
                    paths.iter().map(|p| p.len()).min(),
                    "seed {seed}, {g}"
                );
            }
        }
    }
}

#[test]
fn one_expansion_per_group_is_shared() {
    let dir = random_directory(7);
    let mut shared = 0;
    for (k, g) in &dir.groups {
        if g.members.is_some() {
            let a = dir.expand_group(k).expect("members exported");
            let b = dir
                .expand_group(&k.to_ascii_uppercase())
                .expect("the same group");
            assert!(Arc::ptr_eq(&a, &b));
            shared += 1;
        }
    }
    assert!(shared > 0);
}

#[test]
fn a_long_chain_expands_without_recursion() {
    let mut dir = Directory::default();
    let n = 200_000;
    for i in 0..n {
        let member = if i + 1 < n {
            GroupMember {
                kind: PrincipalKind::Group,
                id: format!("g{}", i + 1),
            }
        } else {
            GroupMember {
                kind: PrincipalKind::User,
                id: "u".into(),
            }
        };
        dir.groups.insert(
            format!("g{i}"),
            Group {
                id: format!("g{i}"),
                display_name: None,
                is_assignable_to_role: None,
                membership_rule: None,
                members: Some(vec![member]),
                at: at(),
            },
        );
    }
    let reached = dir.expand_group("g0").expect("members exported");
    assert_eq!(reached.len(), 1);
    let names = reached[0].via.names();
    assert_eq!(names.len(), n);
    assert_eq!((names[0], names[n - 1]), ("g0", "g199999"));
}

fn schedule(grant: Grant, target: Target, principal: &str) -> Schedule {
    Schedule {
        grant,
        target,
        principal_id: Some(principal.into()),
        principal_kind: Some(PrincipalKind::User),
        start: None,
        end: None,
        start_pointer: super::super::Ptr::default(),
        end_pointer: super::super::Ptr::default(),
        assignment_type: None,
        condition: None,
        at: at(),
    }
}

fn azure(role: &str, scope: &str) -> Target {
    Target::AzureRole {
        role: role.into(),
        scope: scope.into(),
    }
}

#[test]
fn an_azure_role_held_at_a_parent_scope_is_held_below_it_and_nowhere_else() {
    let role = "/subscriptions/S1/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    let mut dir = Directory {
        schedules: vec![
            schedule(Grant::Eligible, azure(role, "/subscriptions/S1/"), "at-sub"),
            schedule(Grant::Eligible, azure(role, "/"), "at-root"),
            schedule(
                Grant::Active,
                azure(role, "/subscriptions/s1/resourceGroups/RG-A"),
                "at-rg",
            ),
            schedule(
                Grant::Eligible,
                azure(role, "/subscriptions/s10"),
                "sibling",
            ),
            schedule(
                Grant::Eligible,
                azure(role, "/providers/Microsoft.Subscription/subscriptions/S1"),
                "at-sub-as-provider",
            ),
            schedule(
                Grant::Eligible,
                azure(role, "/subscriptions/s1/resourceGroups/rg-a-2"),
                "rg-sibling",
            ),
            schedule(
                Grant::Eligible,
                azure("b24988ac-6180-42a0-ab88-20f7382dd24c", "/subscriptions/s1"),
                "other-role",
            ),
        ],
        ..Directory::default()
    };
    dir.kinds.insert("schedules");
    let below = dir.holder_set(&azure(
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "/subscriptions/s1/resourcegroups/rg-a",
    ));
    let ids: Vec<&str> = below.iter().map(|h| h.reached.user_id.as_str()).collect();
    assert_eq!(
        ids,
        ["at-rg", "at-sub", "at-sub-as-provider", "at-root"],
        "own scope first, then parents"
    );
    let sub = dir.holder_set(&azure(
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "/subscriptions/S1",
    ));
    assert!(sub.holds("at-sub") && sub.holds("at-root"));
    assert!(
        !sub.holds("at-rg"),
        "a child scope's holder does not hold the parent"
    );
    assert!(!sub.holds("sibling") && !sub.holds("other-role"));
}

#[test]
fn grants_held_by_lists_each_role_once_active_winning() {
    let ga = "62e90394-69f5-4237-9190-012177145e10";
    let mut dir = Directory {
        schedules: vec![
            schedule(Grant::Eligible, Target::DirectoryRole(ga.into()), "G"),
            schedule(Grant::Active, Target::DirectoryRole(ga.to_uppercase()), "g"),
            schedule(Grant::Eligible, azure("x/ABC", "/subscriptions/s"), "g"),
            schedule(
                Grant::Active,
                Target::Group {
                    group: "other".into(),
                    access: "member".into(),
                },
                "g",
            ),
        ],
        ..Directory::default()
    };
    dir.kinds.insert("schedules");
    let held = dir.grants_held_by("g");
    assert_eq!(held.len(), 2);
    assert_eq!(held[0].1, Grant::Active);
    assert_eq!(held[1].1, Grant::Eligible);
    assert_eq!(dir.roles_held_by("g"), [ga, "abc"], "sorted");
}
