use crate::model::directory::{Grant, Target};
use crate::model::compare::{Aspect, weakenings};
use crate::model::{Policy, PolicyKind, Ptr, Tier};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM501",
    name: "group-weaker-than-role",
    category: Approval,
    needs: Run,
    summary: "A PIM-for-Groups group holds a role actively (directory or Azure), with weaker activation settings than the role's own policy",
}

/// Whether `q` is the role's own policy for what a schedule grants: the directory role, or the
/// Azure role at that scope (ARM policies are per scope; role ids compare on their GUID).
fn governs(q: &Policy, target: &Target) -> bool {
    let guid = |s: &str| s.rsplit('/').next().unwrap_or(s).to_ascii_lowercase();
    let Some(id) = q.role.as_ref().and_then(|r| r.id.as_deref()) else {
        return false;
    };
    match target {
        Target::DirectoryRole(r) => q.kind == PolicyKind::DirectoryRole && guid(id) == guid(r),
        Target::AzureRole { role, scope } => {
            q.kind == PolicyKind::AzureResource
                && guid(id) == guid(role)
                && q
                    .scope
                    .as_deref()
                    .is_some_and(|s| crate::model::directory::same_azure_scope(s, scope))
        }
        Target::Group { .. } => false,
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
    // Roles this group holds ACTIVELY: activating membership is activating the role. A group
    // merely eligible for a role gives its members an eligibility, which they activate under
    // the role's own policy, so the group's policy does not weaken it.
    let held = dir.grants_held_by(group);
    let mut hits = Vec::new();
    for (target, grant) in held {
        if grant != Grant::Active {
            continue;
        }
        let Some(rp) = cx.policies.iter().find(|q| governs(q, &target)) else {
            continue;
        };
        if !matches!(rp.tier(), Some(Tier::Tier0 | Tier::Privileged)) {
            continue;
        }
        let role_name = match &target {
            Target::AzureRole { scope, .. } => format!("{} at {scope}", rp.role_label()),
            _ => rp.role_label(),
        };
        let mut weaker: Vec<(Ptr, String)> = Vec::new();
        for w in weakenings(rp, p, Aspect::ACTIVATION) {
            let why = match w.aspect {
                Aspect::Approval => "activating group membership needs no approval; the role's own activation does".into(),
                Aspect::Authentication => format!(
                    "membership activation requires {}, the role requires {}",
                    w.weak.text, w.strong.text
                ),
                Aspect::Justification => "membership activation needs no justification; the role's does".into(),
                Aspect::Ticket => "membership activation needs no ticket; the role's does".into(),
                Aspect::Activation => format!(
                    "membership lasts up to {}, the role's activation at most {}",
                    w.weak.text, w.strong.text
                ),
                _ => continue,
            };
            weaker.push((w.weak.at, why));
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
With role schedules in the context, finds PIM-for-Groups groups that hold a role *actively* (the
group is assigned a directory role, or an Azure role at a scope), and compares the group's
*member* policy with the role's own policy (for an Azure role, the policy at the scope of the
assignment): approval off where the role has it, weaker authentication (none < MFA <
authentication context), a missing justification or ticket, or a longer activation. Only roles of
tier0 and privileged are compared.

A group that is only *eligible* for a role is not reported: its members become eligible, and
still activate the role under the role's own policy.

## Why it matters
Activating membership of a group that is assigned Global Administrator *is* activating Global
Administrator. If the group's policy is weaker, the role's careful settings are bypassed through
the side door.

## Example that fails
Group "Tier0-Admins" is assigned Global Administrator (an active `roleAssignmentScheduleInstance`
whose principal is the group); the role's policy asks for approval, MFA and PT4H, the group's member
policy has no approval and PT8H.

## Example that passes
The group's member policy requires approval, MFA and at most PT4H, like the role — or the group
is only eligible for the role (a `roleEligibilitySchedule`), so its members activate the role
under the role's own policy.

## How to fix
Align the group's member settings with the strictest role it grants.

## Severity
Baseline: error (tier0 and privileged roles the group holds actively). CISA's instructions for
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
