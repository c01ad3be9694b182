//! Routing: auth, faults, the Graph and ARM endpoints, paging and `$batch`.

use super::{EndpointKind, FaultKind, HttpRequest, RecordedRequest, Response, State};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

const GRAPH_CONTENT_TYPE: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
const MAX_BATCH: usize = 20;

/// Decodes `%XX` (and `+` as a space when `plus` is set); invalid escapes stay as they are.
pub(crate) fn percent_decode(s: &str, plus: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' if plus => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decoded `(key, value)` pairs of a raw query string.
pub(crate) fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k, true), percent_decode(v, true)),
            None => (percent_decode(p, true), String::new()),
        })
        .collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The quoted value in `field eq 'value'` (case-insensitive field name).
fn filter_eq(filter: &str, field: &str) -> Option<String> {
    let lower = filter.to_ascii_lowercase();
    let needle = format!("{} eq '", field.to_ascii_lowercase());
    let start = lower.find(&needle)? + needle.len();
    let end = filter[start..].find('\'')? + start;
    Some(filter[start..end].to_string())
}

/// The operand of `field ge value` (quotes stripped).
fn filter_ge(filter: &str, field: &str) -> Option<String> {
    let lower = filter.to_ascii_lowercase();
    let needle = format!("{} ge ", field.to_ascii_lowercase());
    let start = lower.find(&needle)? + needle.len();
    let rest = &filter[start..];
    let end = rest.find([' ', ')']).unwrap_or(rest.len());
    Some(rest[..end].trim_matches('\'').to_string())
}

pub(crate) fn classify(method: &str, path: &str) -> EndpointKind {
    use EndpointKind::*;
    let p = path.to_ascii_lowercase();
    let p = p.trim_end_matches('/');
    if method == "POST" && p.ends_with("/oauth2/v2.0/token") {
        return Token;
    }
    if let Some(g) = p.strip_prefix("/v1.0") {
        return match g {
            "/$batch" => Batch,
            "/policies/rolemanagementpolicyassignments" => DirectoryPolicyAssignments,
            "/rolemanagement/directory/roledefinitions" => RoleDefinitions,
            "/rolemanagement/directory/roleeligibilityschedules" => RoleEligibilitySchedules,
            "/rolemanagement/directory/roleassignmentscheduleinstances" => {
                RoleAssignmentScheduleInstances
            }
            "/rolemanagement/directory/roleassignmentschedulerequests" => {
                RoleAssignmentScheduleRequests
            }
            "/users" => Users,
            "/groups" => Groups,
            "/identitygovernance/privilegedaccess/group/eligibilityschedules" => {
                GroupEligibilitySchedules
            }
            "/identitygovernance/privilegedaccess/group/assignmentscheduleinstances" => {
                GroupAssignmentScheduleInstances
            }
            "/identitygovernance/privilegedaccess/group/assignmentschedulerequests" => {
                GroupAssignmentScheduleRequests
            }
            _ if g.starts_with("/groups/") && g.ends_with("/transitivemembers") => {
                TransitiveMembers
            }
            _ => Unknown,
        };
    }
    if p == "/subscriptions" {
        return ArmSubscriptions;
    }
    if p == "/providers/microsoft.management/managementgroups" {
        return ArmManagementGroups;
    }
    match p.rsplit_once("/providers/microsoft.authorization/") {
        Some((_, "rolemanagementpolicies")) => ArmPolicies,
        Some((_, "rolemanagementpolicyassignments")) => ArmPolicyAssignments,
        Some((_, "roleeligibilityschedules")) => ArmEligibilitySchedules,
        Some((_, "roleassignmentscheduleinstances")) => ArmAssignmentScheduleInstances,
        _ => Unknown,
    }
}

/// The policy assignment filter distinguishes directory roles from groups.
fn refine(kind: EndpointKind, params: &[(String, String)]) -> EndpointKind {
    if kind == EndpointKind::DirectoryPolicyAssignments
        && param(params, "$filter")
            .and_then(|f| filter_eq(f, "scopeType"))
            .is_some_and(|t| t.eq_ignore_ascii_case("Group"))
    {
        EndpointKind::GroupPolicyAssignments
    } else {
        kind
    }
}

fn is_graph(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    p == "/v1.0" || p.starts_with("/v1.0/")
}

fn graph_error(status: u16, code: &str, message: &str) -> Response {
    Response {
        status,
        headers: vec![(
            "request-id".into(),
            "00000000-0000-4000-8000-000000000000".into(),
        )],
        body: json!({"error": {"code": code, "message": message, "innerError": {
            "date": "2026-12-02T00:00:00", "request-id": "00000000-0000-4000-8000-000000000000",
            "client-request-id": "00000000-0000-4000-8000-000000000000"}}}),
        truncate: false,
    }
}

fn arm_error(status: u16, code: &str, message: &str) -> Response {
    Response {
        status,
        headers: vec![(
            "x-ms-request-id".into(),
            "00000000-0000-4000-8000-000000000000".into(),
        )],
        body: json!({"error": {"code": code, "message": message}}),
        truncate: false,
    }
}

fn api_error(graph: bool, status: u16, code: &str, message: &str) -> Response {
    if graph {
        graph_error(status, code, message)
    } else {
        arm_error(status, code, message)
    }
}

/// For requests that could not be parsed.
pub(crate) fn plain_error(status: u16) -> Response {
    graph_error(status, "BadRequest", "The request could not be parsed.")
}

fn ok(body: Value) -> Response {
    Response {
        status: 200,
        headers: Vec::new(),
        body,
        truncate: false,
    }
}

fn fault_response(graph: bool, kind: FaultKind) -> Response {
    match kind {
        FaultKind::Throttle { retry_after_secs } => {
            let mut r = api_error(
                graph,
                429,
                "TooManyRequests",
                "Too many requests. Please retry after the time in the Retry-After header.",
            );
            r.headers
                .push(("Retry-After".into(), retry_after_secs.to_string()));
            r
        }
        FaultKind::Error => api_error(
            graph,
            500,
            "InternalServerError",
            "An internal server error occurred (injected by the mock).",
        ),
        FaultKind::Unavailable => api_error(
            graph,
            503,
            "ServiceUnavailable",
            "The service is temporarily unavailable (injected by the mock).",
        ),
        // Handled by the caller (the normal response, cut).
        FaultKind::Truncated => ok(Value::Null),
    }
}

/// Serves one HTTP request and records it.
pub(crate) fn handle(state: &State, req: &HttpRequest) -> Response {
    let params = parse_query(&req.raw_query);
    let kind = refine(classify(&req.method, &req.path), &params);
    let query = params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let mut batch_size = None;
    let resp = respond(state, req, kind, &params, &mut batch_size);
    state.record(RecordedRequest {
        method: req.method.clone(),
        path: req.path.clone(),
        query,
        kind,
        batch_size,
        in_batch: false,
        status: resp.status,
    });
    resp
}

fn respond(
    state: &State,
    req: &HttpRequest,
    kind: EndpointKind,
    params: &[(String, String)],
    batch_size: &mut Option<usize>,
) -> Response {
    if kind == EndpointKind::Token {
        return token(state, req);
    }
    let graph = is_graph(&req.path);
    if let Some(r) = check_auth(state, req, graph) {
        return r;
    }
    if state.denied(kind, &req.path) {
        return denied(graph, &req.path);
    }
    let fault = state.take_fault(kind, &req.path, false);
    if let Some(f) = fault
        && f != FaultKind::Truncated
    {
        return fault_response(graph, f);
    }
    let mut resp = if kind == EndpointKind::Batch {
        if req.method != "POST" {
            graph_error(405, "BadRequest", "The $batch endpoint only accepts POST.")
        } else {
            batch(state, &req.body, batch_size)
        }
    } else if req.method != "GET" {
        api_error(
            graph,
            405,
            "MethodNotAllowed",
            "The mock serves GET requests only.",
        )
    } else {
        route(state, kind, &req.path, &req.raw_query, params)
    };
    if fault == Some(FaultKind::Truncated) {
        resp.truncate = true;
    }
    resp
}

fn denied(graph: bool, path: &str) -> Response {
    if graph {
        graph_error(
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        )
    } else {
        arm_error(
            403,
            "AuthorizationFailed",
            &format!(
                "The client 'mock-client' with object id '00000000-0000-4000-8000-00000000c11e' does not have authorization to perform action 'Microsoft.Authorization/read' over scope '{path}' or the scope is invalid. If access was recently granted, please refresh your credentials."
            ),
        )
    }
}

fn check_auth(state: &State, req: &HttpRequest, graph: bool) -> Option<Response> {
    let expected = if graph {
        &state.options.graph_token
    } else {
        &state.options.arm_token
    };
    let header = req.header("authorization").unwrap_or("");
    let token = header
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer"))
        .map(|(_, t)| t.trim());
    let mut resp = match token {
        None | Some("") if graph => {
            graph_error(401, "InvalidAuthenticationToken", "Access token is empty.")
        }
        None | Some("") => arm_error(
            401,
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing.",
        ),
        Some(t) if t != expected && graph => graph_error(
            401,
            "InvalidAuthenticationToken",
            "Access token validation failure. Invalid audience.",
        ),
        Some(t) if t != expected => arm_error(
            401,
            "InvalidAuthenticationToken",
            "The access token is invalid.",
        ),
        Some(_) if state.faults.expired && graph => graph_error(
            401,
            "InvalidAuthenticationToken",
            "Lifetime validation failed, the token is expired.",
        ),
        Some(_) if state.faults.expired => arm_error(
            401,
            "ExpiredAuthenticationToken",
            "The access token expiry UTC time '12/2/2026 9:00:00 AM' is earlier than current UTC time '12/2/2026 10:00:00 AM'.",
        ),
        Some(_) => return None,
    };
    resp.headers.push((
        "WWW-Authenticate".into(),
        "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"".into(),
    ));
    Some(resp)
}

/// `POST /{tenant}/oauth2/v2.0/token` (client credentials, form-encoded).
fn token(state: &State, req: &HttpRequest) -> Response {
    let form = parse_query(&String::from_utf8_lossy(&req.body));
    let get = |k: &str| param(&form, k).unwrap_or("");
    let error = |code: &str, desc: &str| Response {
        status: 400,
        headers: Vec::new(),
        body: json!({"error": code, "error_description": desc, "error_codes": [7000215],
            "timestamp": "2026-12-02 00:00:00Z", "trace_id": "00000000-0000-4000-8000-000000000000",
            "correlation_id": "00000000-0000-4000-8000-000000000000"}),
        truncate: false,
    };
    if get("grant_type") != "client_credentials" {
        return error(
            "unsupported_grant_type",
            "AADSTS70003: The app requested an unsupported grant type.",
        );
    }
    if let Some(secret) = &state.options.client_secret
        && get("client_secret") != secret
    {
        let mut r = error(
            "invalid_client",
            "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
        );
        r.status = 401;
        return r;
    }
    let scope = get("scope").to_ascii_lowercase();
    // ARM for a management scope, Graph for anything else (a test may point both APIs at the
    // mock, so the scope need not name graph.microsoft.com).
    let access = if scope.is_empty() {
        return error(
            "invalid_scope",
            "AADSTS1002012: The provided value for scope is not valid.",
        );
    } else if scope.contains("management.azure.com") || scope.contains("management.core") {
        &state.options.arm_token
    } else {
        &state.options.graph_token
    };
    ok(
        json!({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": access}),
    )
}

/// `POST /v1.0/$batch`.
fn batch(state: &State, body: &[u8], batch_size: &mut Option<usize>) -> Response {
    let bad = |m: &str| graph_error(400, "BadRequest", m);
    let Ok(doc) = serde_json::from_slice::<Value>(body) else {
        return bad("Invalid batch payload format.");
    };
    let Some(requests) = doc.get("requests").and_then(Value::as_array) else {
        return bad("Invalid batch payload format.");
    };
    *batch_size = Some(requests.len());
    if requests.is_empty() {
        return bad("Invalid batch payload format.");
    }
    if requests.len() > MAX_BATCH {
        return bad("Limit on the number of requests in a batch is 20.");
    }
    let mut ids = BTreeSet::new();
    for r in requests {
        let Some(id) = r.get("id").and_then(Value::as_str) else {
            return bad("Invalid batch payload format.");
        };
        if !ids.insert(id) {
            return bad("Request Id must be unique within a batch.");
        }
        if r.get("url").and_then(Value::as_str).is_none() {
            return bad("Invalid batch payload format.");
        }
    }
    let responses: Vec<Value> = requests.iter().map(|r| sub_request(state, r)).collect();
    ok(json!({"responses": responses}))
}

fn sub_request(state: &State, r: &Value) -> Value {
    let id = r.get("id").and_then(Value::as_str).unwrap_or("");
    let method = r
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_uppercase();
    let url = r.get("url").and_then(Value::as_str).unwrap_or("");
    let (p, raw_query) = url.split_once('?').unwrap_or((url, ""));
    let path = format!("/v1.0{}", percent_decode(p, false));
    let params = parse_query(raw_query);
    let kind = refine(classify(&method, &path), &params);
    let resp = if !url.starts_with('/') {
        graph_error(
            400,
            "BadRequest",
            "Invalid request URL: batch URLs are relative to the version.",
        )
    } else if method != "GET" {
        graph_error(405, "BadRequest", "The mock serves GET sub-requests only.")
    } else if kind == EndpointKind::Batch {
        graph_error(
            400,
            "BadRequest",
            "Nested $batch requests are not supported.",
        )
    } else if state.denied(kind, &path) {
        denied(true, &path)
    } else if let Some(f) = state.take_fault(kind, &path, true) {
        fault_response(true, f)
    } else {
        route(state, kind, &path, raw_query, &params)
    };
    state.record(RecordedRequest {
        method,
        path,
        query: params
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&"),
        kind,
        batch_size: None,
        in_batch: true,
        status: resp.status,
    });
    let mut headers = Map::new();
    headers.insert("Content-Type".into(), json!(GRAPH_CONTENT_TYPE));
    for (k, v) in &resp.headers {
        headers.insert(k.clone(), json!(v));
    }
    json!({"id": id, "status": resp.status, "headers": headers, "body": resp.body})
}

/// Serves a GET (direct or from a batch) after auth and faults.
fn route(
    state: &State,
    kind: EndpointKind,
    path: &str,
    raw_query: &str,
    params: &[(String, String)],
) -> Response {
    use EndpointKind::*;
    let t = &state.tenant;
    let filter = param(params, "$filter").unwrap_or("");
    let expand = param(params, "$expand").unwrap_or("").to_ascii_lowercase();
    let q = Paging {
        state,
        path,
        raw_query,
        params,
    };
    match kind {
        DirectoryPolicyAssignments | GroupPolicyAssignments => {
            let (Some(scope_id), Some(scope_type)) =
                (filter_eq(filter, "scopeId"), filter_eq(filter, "scopeType"))
            else {
                return graph_error(
                    400,
                    "BadRequest",
                    "The filter must specify scopeId and scopeType.",
                );
            };
            let none = Vec::new();
            let source = if scope_type.eq_ignore_ascii_case("DirectoryRole") {
                if scope_id == "/" {
                    &t.directory_policy_assignments
                } else {
                    &none
                }
            } else if scope_type.eq_ignore_ascii_case("Group") {
                t.group_policy_assignments
                    .get(&scope_id.to_ascii_lowercase())
                    .unwrap_or(&none)
            } else {
                return graph_error(
                    400,
                    "BadRequest",
                    &format!("Invalid scopeType '{scope_type}'."),
                );
            };
            let role = filter_eq(filter, "roleDefinitionId");
            let items = source
                .iter()
                .filter(|a| field_is(a, "roleDefinitionId", &role))
                .collect();
            let ctx = if expand.contains("rules") {
                "policies/roleManagementPolicyAssignments(policy(rules()))"
            } else {
                "policies/roleManagementPolicyAssignments"
            };
            q.graph(items, ctx, &|a| {
                let mut a = a.clone();
                if let Some(m) = a.as_object_mut() {
                    if !expand.contains("policy") {
                        m.remove("policy");
                    } else if !expand.contains("rules")
                        && let Some(p) = m.get_mut("policy").and_then(Value::as_object_mut)
                    {
                        p.remove("rules");
                    }
                }
                a
            })
        }
        RoleDefinitions => q.graph(
            t.role_definitions.iter().collect(),
            "roleManagement/directory/roleDefinitions",
            &|x| select(x, params),
        ),
        RoleEligibilitySchedules | RoleAssignmentScheduleInstances => {
            let source = if kind == RoleEligibilitySchedules {
                &t.role_eligibility_schedules
            } else {
                &t.role_assignment_schedule_instances
            };
            let principal = filter_eq(filter, "principalId");
            let role = filter_eq(filter, "roleDefinitionId");
            let items = source
                .iter()
                .filter(|x| field_is(x, "principalId", &principal))
                .filter(|x| field_is(x, "roleDefinitionId", &role))
                .collect();
            let name = if kind == RoleEligibilitySchedules {
                "roleManagement/directory/roleEligibilitySchedules"
            } else {
                "roleManagement/directory/roleAssignmentScheduleInstances"
            };
            q.graph(items, name, &|x| {
                let mut x = x.clone();
                if !expand.contains("principal")
                    && let Some(m) = x.as_object_mut()
                {
                    m.remove("principal");
                }
                x
            })
        }
        RoleAssignmentScheduleRequests => q.graph(
            filter_requests(&t.role_assignment_schedule_requests, filter),
            "roleManagement/directory/roleAssignmentScheduleRequests",
            &Value::clone,
        ),
        Users => q.graph(t.users.iter().collect(), "users", &|x| select(x, params)),
        Groups => q.graph(t.groups.iter().collect(), "groups", &|x| select(x, params)),
        TransitiveMembers => {
            let id = path.split('/').nth(3).unwrap_or("").to_ascii_lowercase();
            match t.transitive_members.get(&id) {
                Some(m) => q.graph(m.iter().collect(), "directoryObjects", &|x| {
                    select(x, params)
                }),
                None => graph_error(
                    404,
                    "Request_ResourceNotFound",
                    &format!(
                        "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
                    ),
                ),
            }
        }
        GroupEligibilitySchedules
        | GroupAssignmentScheduleInstances
        | GroupAssignmentScheduleRequests => {
            let group = filter_eq(filter, "groupId");
            let principal = filter_eq(filter, "principalId");
            let map = match kind {
                GroupEligibilitySchedules => &t.group_eligibility_schedules,
                GroupAssignmentScheduleInstances => &t.group_assignment_schedule_instances,
                _ => &t.group_assignment_schedule_requests,
            };
            let all: Vec<&Value> = match (&group, &principal) {
                (Some(g), _) => map
                    .get(&g.to_ascii_lowercase())
                    .map(|v| v.iter().collect())
                    .unwrap_or_default(),
                (None, Some(_)) => map.values().flatten().collect(),
                (None, None) => {
                    return graph_error(
                        400,
                        "BadRequest",
                        "The filter must specify groupId or principalId.",
                    );
                }
            };
            let all: Vec<&Value> = all
                .into_iter()
                .filter(|x| field_is(x, "principalId", &principal))
                .collect();
            let items = if kind == GroupAssignmentScheduleRequests {
                filter_requests(all, filter)
            } else {
                all
            };
            let name = match kind {
                GroupEligibilitySchedules => {
                    "identityGovernance/privilegedAccess/group/eligibilitySchedules"
                }
                GroupAssignmentScheduleInstances => {
                    "identityGovernance/privilegedAccess/group/assignmentScheduleInstances"
                }
                _ => "identityGovernance/privilegedAccess/group/assignmentScheduleRequests",
            };
            q.graph(items, name, &Value::clone)
        }
        ArmSubscriptions
        | ArmManagementGroups
        | ArmPolicies
        | ArmPolicyAssignments
        | ArmEligibilitySchedules
        | ArmAssignmentScheduleInstances => arm(&q, kind),
        Token | Batch | Unknown => {
            if is_graph(path) {
                let segment = path.rsplit('/').next().unwrap_or("");
                graph_error(
                    400,
                    "BadRequest",
                    &format!("Resource not found for the segment '{segment}'."),
                )
            } else {
                arm_error(
                    404,
                    "InvalidResourceType",
                    &format!("The resource type could not be found for '{path}'."),
                )
            }
        }
    }
}

fn field_is(x: &Value, field: &str, want: &Option<String>) -> bool {
    want.as_ref().is_none_or(|w| {
        x.get(field)
            .and_then(Value::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case(w))
    })
}

/// Schedule requests by `status eq '..'` and/or `createdDateTime ge ..` (an `or` between them
/// takes the union).
fn filter_requests<'a>(items: impl IntoIterator<Item = &'a Value>, filter: &str) -> Vec<&'a Value> {
    let status = filter_eq(filter, "status");
    let since = filter_ge(filter, "createdDateTime");
    let union = filter.to_ascii_lowercase().contains(" or ");
    items
        .into_iter()
        .filter(|x| {
            let s = status.as_ref().map(|_| field_is(x, "status", &status));
            let c = since.as_ref().map(|since| {
                x.get("createdDateTime")
                    .and_then(Value::as_str)
                    .is_some_and(|d| d >= since.as_str())
            });
            match (s, c) {
                (Some(a), Some(b)) if union => a || b,
                (Some(a), Some(b)) => a && b,
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => true,
            }
        })
        .collect()
}

/// `$select` projection: every selected property (null when the object has none, as Graph
/// does), plus `@odata.type`, which Graph keeps on directory objects.
fn select(x: &Value, params: &[(String, String)]) -> Value {
    let (Some(sel), Some(m)) = (param(params, "$select"), x.as_object()) else {
        return x.clone();
    };
    let mut out = Map::new();
    if let Some(t) = m.get("@odata.type") {
        out.insert("@odata.type".into(), t.clone());
    }
    for want in sel.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        match m.iter().find(|(k, _)| k.eq_ignore_ascii_case(want)) {
            Some((k, v)) => out.insert(k.clone(), v.clone()),
            None => out.insert(want.to_string(), Value::Null),
        };
    }
    Value::Object(out)
}

const SKIP_MAGIC: usize = 0x5bd1_e995;

fn encode_skip(offset: usize) -> String {
    format!("m{:x}", offset ^ SKIP_MAGIC)
}

fn decode_skip(token: &str) -> Option<usize> {
    let hex = token.strip_prefix('m')?;
    usize::from_str_radix(hex, 16).ok().map(|v| v ^ SKIP_MAGIC)
}

/// What paging needs to know about the request.
struct Paging<'a> {
    state: &'a State,
    path: &'a str,
    raw_query: &'a str,
    params: &'a [(String, String)],
}

impl Paging<'_> {
    fn graph(
        &self,
        items: Vec<&Value>,
        context: &str,
        shape: &dyn Fn(&Value) -> Value,
    ) -> Response {
        self.page(items, Some(context), shape)
    }

    fn arm(&self, items: Vec<&Value>) -> Response {
        self.page(items, None, &Value::clone)
    }

    /// One page of `items` (each passed through `shape`), with an absolute next link when
    /// more remain. `graph_context` is `Some` for Graph (then `@odata.context`,
    /// `@odata.nextLink`, `$top`), `None` for ARM.
    fn page(
        &self,
        items: Vec<&Value>,
        graph_context: Option<&str>,
        shape: &dyn Fn(&Value) -> Value,
    ) -> Response {
        let (state, params) = (self.state, self.params);
        let graph = graph_context.is_some();
        let skip_name = if graph { "$skiptoken" } else { "$skipToken" };
        let offset = match param(params, skip_name) {
            Some(tok) => match decode_skip(tok) {
                Some(o) if o <= items.len() => o,
                _ => {
                    return api_error(
                        graph,
                        400,
                        if graph {
                            "BadRequest"
                        } else {
                            "InvalidSkipToken"
                        },
                        "The skip token is not valid.",
                    );
                }
            },
            None => 0,
        };
        let mut size = if graph {
            state.options.graph_page_size
        } else {
            state.options.arm_page_size
        };
        if graph && let Some(top) = param(params, "$top").and_then(|t| t.parse::<usize>().ok()) {
            size = size.min(top);
        }
        let size = size.max(1);
        let end = offset.saturating_add(size).min(items.len());
        let value: Vec<Value> = items[offset..end].iter().map(|x| shape(x)).collect();
        let next = (end < items.len()).then(|| {
            let mut kept: Vec<&str> = self
                .raw_query
                .split('&')
                .filter(|p| !p.is_empty())
                .filter(|p| {
                    let key = percent_decode(p.split('=').next().unwrap_or(""), true);
                    !key.eq_ignore_ascii_case("$skiptoken")
                })
                .collect();
            let tok = format!("{}={}", skip_name.replace('$', "%24"), encode_skip(end));
            kept.push(&tok);
            format!(
                "{}{}?{}",
                state.base,
                encode_path(self.path),
                kept.join("&")
            )
        });
        let mut body = Map::new();
        if let Some(ctx) = graph_context {
            body.insert(
                "@odata.context".into(),
                json!(format!("https://graph.microsoft.com/v1.0/$metadata#{ctx}")),
            );
        }
        body.insert("value".into(), Value::Array(value));
        if let Some(n) = next {
            body.insert(
                if graph { "@odata.nextLink" } else { "nextLink" }.into(),
                json!(n),
            );
        }
        let mut r = ok(Value::Object(body));
        if graph {
            r.headers.push(("OData-Version".into(), "4.0".into()));
        }
        r
    }
}

fn encode_path(path: &str) -> String {
    path.replace('%', "%25")
        .replace(' ', "%20")
        .replace('$', "%24")
}

/// ARM endpoints: `/subscriptions` and `{scope}/providers/Microsoft.Authorization/...`.
fn arm(q: &Paging<'_>, kind: EndpointKind) -> Response {
    let t = &q.state.tenant;
    let Some(version) = param(q.params, "api-version") else {
        return arm_error(
            400,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        );
    };
    let minimum = if matches!(
        kind,
        EndpointKind::ArmSubscriptions | EndpointKind::ArmManagementGroups
    ) {
        "2016-06-01"
    } else {
        "2020-10-01"
    };
    if version < minimum || !version.starts_with("20") {
        return arm_error(
            400,
            "InvalidApiVersionParameter",
            &format!("The api-version '{version}' is invalid."),
        );
    }
    if kind == EndpointKind::ArmSubscriptions {
        return q.arm(t.subscriptions.iter().collect());
    }
    if kind == EndpointKind::ArmManagementGroups {
        return q.arm(t.management_groups.iter().collect());
    }
    let lower = q.path.to_ascii_lowercase();
    let scope = lower
        .rsplit_once("/providers/microsoft.authorization/")
        .map(|(s, _)| s.trim_end_matches('/').to_string())
        .unwrap_or_default();
    let Some(a) = t.arm.get(&scope) else {
        return denied(false, &scope);
    };
    let items = match kind {
        EndpointKind::ArmPolicies => &a.policies,
        EndpointKind::ArmPolicyAssignments => &a.policy_assignments,
        EndpointKind::ArmEligibilitySchedules => &a.eligibility_schedules,
        _ => &a.assignment_schedule_instances,
    };
    q.arm(items.iter().collect())
}
