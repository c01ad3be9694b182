use crate::model::{Policy, RuleId};
use crate::rules::{Ctx, Hit, util};

declare_rule! {
    code: "PIM101",
    name: "approval-required",
    category: Approval,
    needs: Role,
    summary: "Activation requires approval",
}

const HELP: &str = "Set `setting.isApprovalRequired` to true in Approval_EndUser_Assignment (portal: Role settings → \
                    Activation → Require approval to activate) and name approvers in `approvalStages[0].primaryApprovers`.";

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    let Some((rule, a)) = p.approval() else {
        return util::missing(
            p,
            RuleId::ApprovalEndUserAssignment,
            "activation requires approval",
            HELP,
        );
    };
    match &a.is_approval_required {
        Some(r) if r.value => Vec::new(),
        Some(r) => vec![
            Hit::new(&r.pointer, "Activation does not require approval: isApprovalRequired is false; it must be true", HELP)
                .label("approval off"),
        ],
        None => vec![
            Hit::new(&rule.pointer, "The approval rule does not set `isApprovalRequired`, so activation needs no approval", HELP)
                .label("no isApprovalRequired"),
        ],
    }
}

const DOC: &str = r##"## What it does
Checks that activating the role requires approval (`Approval_EndUser_Assignment`
`setting.isApprovalRequired: true`). The baseline runs it on tier0 roles; the `strict` pack on
privileged roles too.

## Why it matters
Without approval an eligible user — or an attacker holding their session — becomes Global
Administrator in seconds, with nobody else involved. Approval makes every activation of the most
powerful roles a two-person decision and leaves a record of who agreed.

## Example that fails
```json
{ "id": "Approval_EndUser_Assignment", "setting": { "isApprovalRequired": false, "approvalStages": [ … ] } }
```

## Example that passes
```json
{ "id": "Approval_EndUser_Assignment", "setting": { "isApprovalRequired": true,
  "approvalStages": [ { "primaryApprovers": [ { "@odata.type": "#microsoft.graph.groupMembers", "groupId": "…" } ] } ] } }
```

## How to fix
In the portal: Privileged Identity Management → Roles → the role → Settings → Edit → Require
approval to activate, and select approvers. In Graph: PATCH the `Approval_EndUser_Assignment` rule.

## Severity
Baseline: error for tier0. CISA SCuBA MS.AAD.7.6 is a SHALL (for Global Administrator), and
Microsoft's deployment plan requires approval for Global Administrator in its example settings;
the baseline applies it to every tier0 role, the `cisa-scuba` pack to Global Administrator only.

## References
- CISA SCuBA MS.AAD.7.6v1: "Activation of the Global Administrator role SHALL require approval.":
  https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md#msaad76v1
- Microsoft Learn, *Plan a Privileged Identity Management deployment* (Configure PIM settings for Microsoft Entra roles: example settings):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-deployment-plan
- Microsoft Learn, *Configure Microsoft Entra role settings in PIM* (section Require approval to activate):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
- CIS Microsoft 365 Foundations 5.3.4 / 5.3.5: approval for Global Administrator and Privileged Role Administrator activation (the `cis-m365` pack)
"##;
