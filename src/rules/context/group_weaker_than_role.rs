use crate::model::{IsoDuration, Policy, PolicyKind, Ptr, RuleId, Tier};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM501",
    name: "group-weaker-than-role",
    category: Approval,
    needs: Run,
    summary: "A PIM-for-Groups group holds a role, with weaker activation settings than the role's own policy",
}

/// The settings "weaker" is judged on, with where each is read: approval off is weaker than on;
/// no MFA < MFA < an authentication context; fewer activation requirements and a longer
/// activation are weaker.
struct Strength {
    approval: (bool, Ptr),
    /// 0 none, 1 MFA, 2 authentication context.
    auth: (u8, Ptr),
    justification: (bool, Ptr),
    ticket: (bool, Ptr),
    activation: (Option<IsoDuration>, Ptr),
}

fn strength(p: &Policy) -> Strength {
    let approval = p
        .approval()
        .map_or((false, p.rules_pointer.clone()), |(r, a)| {
            a.is_approval_required
                .as_ref()
                .map_or((false, r.pointer.clone()), |b| (b.value, b.pointer.clone()))
        });
    let ctx_on = p.auth_context().is_some_and(|(_, on, claim)| {
        on.is_some_and(|o| o.value)
            && claim
                .and_then(|c| c.value.as_deref())
                .is_some_and(|c| !c.is_empty())
    });
    let (list, list_ptr) = match p.enabled_rules(RuleId::EnablementEndUserAssignment) {
        Some((_, Some(l))) => (l.value.clone(), l.pointer.clone()),
        Some((r, None)) => (Vec::new(), r.pointer.clone()),
        None => (Vec::new(), p.rules_pointer.clone()),
    };
    let has = |x: &str| list.iter().any(|v| v.eq_ignore_ascii_case(x));
    let auth = if ctx_on {
        2
    } else if has("MultiFactorAuthentication") {
        1
    } else {
        0
    };
    let activation = p.expiration(RuleId::ExpirationEndUserAssignment).map_or(
        (None, p.rules_pointer.clone()),
        |(r, _, d)| {
            d.map_or((None, r.pointer.clone()), |d| {
                (IsoDuration::parse(&d.value).ok(), d.pointer.clone())
            })
        },
    );
    Strength {
        approval,
        auth: (auth, list_ptr.clone()),
        justification: (has("Justification"), list_ptr.clone()),
        ticket: (has("Ticketing"), list_ptr),
        activation,
    }
}

fn auth_name(a: u8) -> &'static str {
    match a {
        2 => "an authentication context",
        1 => "MFA",
        _ => "no MFA",
    }
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    if p.kind != PolicyKind::Group
        || p.role.as_ref().and_then(|r| r.id.as_deref()) != Some("member")
    {
        return Vec::new();
    }
    let (Some(dir), Some(group)) = (cx.directory, p.scope.as_deref()) else {
        return Vec::new();
    };
    // Roles this group holds (the group is the principal of a directory role schedule).
    let roles = dir.roles_held_by(group);
    let mine = strength(p);
    let mut hits = Vec::new();
    for role in roles {
        let Some(rp) = cx.policies.iter().find(|q| {
            q.kind == PolicyKind::DirectoryRole
                && q.role
                    .as_ref()
                    .and_then(|r| r.id.as_deref())
                    .is_some_and(|id| id.eq_ignore_ascii_case(&role))
        }) else {
            continue;
        };
        if !matches!(rp.tier(), Some(Tier::Tier0 | Tier::Privileged)) {
            continue;
        }
        let theirs = strength(rp);
        let role_name = rp.role_label();
        let mut weaker: Vec<(Ptr, String)> = Vec::new();
        if theirs.approval.0 && !mine.approval.0 {
            weaker.push((
                mine.approval.1.clone(),
                "activating group membership needs no approval; the role's own activation does"
                    .into(),
            ));
        }
        if mine.auth.0 < theirs.auth.0 {
            weaker.push((
                mine.auth.1.clone(),
                format!(
                    "membership activation requires {}, the role requires {}",
                    auth_name(mine.auth.0),
                    auth_name(theirs.auth.0)
                ),
            ));
        }
        if theirs.justification.0 && !mine.justification.0 {
            weaker.push((
                mine.justification.1.clone(),
                "membership activation needs no justification; the role's does".into(),
            ));
        }
        if theirs.ticket.0 && !mine.ticket.0 {
            weaker.push((
                mine.ticket.1.clone(),
                "membership activation needs no ticket; the role's does".into(),
            ));
        }
        if let (Some(m), Some(t)) = (mine.activation.0, theirs.activation.0)
            && m > t
        {
            weaker.push((
                mine.activation.1.clone(),
                format!("membership lasts up to {m}, the role's activation at most {t}"),
            ));
        }
        for (pointer, why) in weaker {
            hits.push(
                Hit::new(
                    pointer,
                    format!("Members of this group get {role_name} through it, but the group's policy is weaker: {why}"),
                    format!(
                        "Make the group's member policy at least as strict as {role_name}'s own policy (PIM for Groups → the group \
                         → Settings → Member), or stop granting the role through the group."
                    ),
                )
                .label("weaker than the role it grants"),
            );
        }
    }
    hits
}

const DOC: &str = r##"## What it does
With role schedules in the context, finds PIM-for-Groups groups that hold a directory role (the
group is eligible for or assigned the role), and compares the group's *member* policy with the
role's own policy: approval off where the role has it, weaker authentication (none < MFA <
authentication context), a missing justification or ticket, or a longer activation. Only roles of
tier0 and privileged are compared.

## Why it matters
Activating membership of a group that holds Global Administrator *is* activating Global
Administrator. If the group's policy is weaker, the role's careful settings are bypassed through
the side door.

## Example that fails
Group "Tier0-Admins" holds Global Administrator (approval, MFA, PT4H); its member policy has no
approval and PT8H.

## Example that passes
The group's member policy requires approval, MFA and at most PT4H, like the role.

## How to fix
Align the group's member settings with the strictest role it grants.

## Severity
Baseline: error (tier0 and privileged roles held by the group). CISA's instructions for
MS.AAD.7.6–7.8 say to apply the role's settings to the Member settings of each PIM group assigned
to the role: a weaker group policy fails the role's own control.

## References
- CISA SCuBA MS.AAD.7.6v1: "Activation of the Global Administrator role SHALL require approval.":
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md#msaad76v1
- Microsoft Learn, *Privileged Identity Management (PIM) for Groups*:
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/concept-pim-for-groups
- Microsoft Learn, *Use Microsoft Entra groups to manage role assignments* (Use PIM to make a group eligible for a role assignment):
  https://learn.microsoft.com/entra/identity/role-based-access-control/groups-concept
"##;
