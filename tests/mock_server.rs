//! Smoke tests of the mock tenant server (tests/support/mock) with plain HTTP/1.1 over
//! `std::net::TcpStream`: paging, `$batch`, faults, auth, determinism, data shapes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

#[path = "support/mock/mod.rs"]
mod mock;

use mock::{
    ARM_TOKEN, DEFAULT_SUBSCRIPTION, EndpointKind, Faults, GRAPH_TOKEN, MockServer, MockTenant,
    Options, Spec,
};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A keep-alive HTTP/1.1 client on one connection.
struct Client {
    base: String,
    stream: TcpStream,
    reader: BufReader<TcpStream>,
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}: not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Client {
    fn new(server: &MockServer) -> Client {
        let stream = TcpStream::connect(server.addr()).unwrap();
        stream.set_nodelay(true).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let reader = BufReader::new(stream.try_clone().unwrap());
        Client {
            base: server.base_url(),
            stream,
            reader,
        }
    }

    /// `target` is a path+query or an absolute url on the server.
    fn send(&mut self, method: &str, target: &str, token: Option<&str>, body: &[u8]) -> Reply {
        let target = target.strip_prefix(&self.base).unwrap_or(target);
        let mut head = format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\n");
        if let Some(t) = token {
            head.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        if method == "POST" {
            head.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        self.stream.write_all(&bytes).unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let status: u16 = line.split(' ').nth(1).unwrap().parse().unwrap();
        let mut headers = Vec::new();
        loop {
            let mut l = String::new();
            self.reader.read_line(&mut l).unwrap();
            let l = l.trim_end();
            if l.is_empty() {
                break;
            }
            let (k, v) = l.split_once(':').unwrap();
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
        let len: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .map(|(_, v)| v.parse().unwrap())
            .unwrap();
        let mut body = vec![0; len];
        self.reader.read_exact(&mut body).unwrap();
        Reply {
            status,
            headers,
            body,
        }
    }

    fn graph(&mut self, target: &str) -> Reply {
        self.send("GET", target, Some(GRAPH_TOKEN), b"")
    }

    fn arm(&mut self, target: &str) -> Reply {
        self.send("GET", target, Some(ARM_TOKEN), b"")
    }

    fn batch(&mut self, requests: &[Value]) -> Reply {
        let body = json!({ "requests": requests }).to_string();
        self.send("POST", "/v1.0/$batch", Some(GRAPH_TOKEN), body.as_bytes())
    }

    /// Follows next links from `first`; returns the items and the number of pages.
    fn collect(&mut self, first: &str, graph: bool) -> (Vec<Value>, usize) {
        let (link, token) = if graph {
            ("@odata.nextLink", GRAPH_TOKEN)
        } else {
            ("nextLink", ARM_TOKEN)
        };
        let mut items = Vec::new();
        let mut pages = 0;
        let mut next = Some(first.to_string());
        while let Some(url) = next.take() {
            let r = self.send("GET", &url, Some(token), b"");
            assert_eq!(r.status, 200, "{url}: {}", String::from_utf8_lossy(&r.body));
            let body = r.json();
            items.extend(body["value"].as_array().unwrap().iter().cloned());
            pages += 1;
            if let Some(n) = body[link].as_str() {
                assert!(n.starts_with(&self.base), "next link is absolute: {n}");
                next = Some(n.to_string());
            }
            assert!(pages < 1000, "paging does not end");
        }
        (items, pages)
    }
}

fn small_pages() -> Options {
    Options {
        graph_page_size: 10,
        arm_page_size: 3,
        ..Options::default()
    }
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect()
}

const DIRECTORY_POLICIES: &str = "/v1.0/policies/roleManagementPolicyAssignments?$filter=scopeId%20eq%20'/'%20and%20scopeType%20eq%20'DirectoryRole'&$expand=policy($expand=rules)";

fn group_policies_url(group: &str) -> String {
    format!(
        "/policies/roleManagementPolicyAssignments?$filter=scopeId+eq+'{group}'+and+scopeType+eq+'Group'&$expand=policy($expand=rules)"
    )
}

#[test]
fn graph_and_arm_lists_page_with_absolute_next_links() {
    let tenant = MockTenant::generate(Spec {
        users: 25,
        roles: 23,
        ..Spec::default()
    });
    let server = MockServer::start_with(tenant.clone(), Faults::none(), small_pages());
    let mut c = Client::new(&server);

    let (users, pages) = c.collect("/v1.0/users?$select=id,displayName&$top=999", true);
    assert_eq!(pages, 3);
    assert_eq!(ids(&users), ids(&tenant.users));
    assert_eq!(
        users[0].as_object().unwrap().keys().collect::<Vec<_>>(),
        ["displayName", "id"],
        "$select projects"
    );
    // $top below the page size wins.
    let (_, pages) = c.collect("/v1.0/users?$top=5", true);
    assert_eq!(pages, 5);

    let (policies, pages) = c.collect(DIRECTORY_POLICIES, true);
    assert_eq!(pages, 3);
    assert_eq!(ids(&policies), ids(&tenant.directory_policy_assignments));
    // The next link keeps the filter and expand: page 3 still has the rules.
    assert_eq!(
        policies[22]["policy"]["rules"].as_array().unwrap().len(),
        17
    );

    let scope = format!("/subscriptions/{DEFAULT_SUBSCRIPTION}");
    let (arm, pages) = c.collect(
        &format!("{scope}/providers/Microsoft.Authorization/roleManagementPolicies?api-version=2020-10-01"),
        false,
    );
    assert_eq!(pages, 3, "7 Azure roles in pages of 3");
    assert_eq!(ids(&arm), ids(&tenant.arm[&scope.to_lowercase()].policies));

    let requests = server.requests();
    assert!(requests.iter().any(|r| r.query.contains("$skiptoken=")));
    assert!(requests.iter().any(|r| r.query.contains("$skipToken=")));
    assert_eq!(server.count(EndpointKind::Users), 8);
    assert_eq!(server.count(EndpointKind::ArmPolicies), 3);

    // A forged skip token is a 400, not a panic.
    let r = c.graph("/v1.0/users?$skiptoken=zzz");
    assert_eq!(r.status, 400);
}

#[test]
fn batch_of_twenty_is_served_like_direct_gets() {
    let tenant = MockTenant::generate(Spec {
        groups: 20,
        ..Spec::default()
    });
    let server = MockServer::start(tenant.clone(), Faults::none());
    let mut c = Client::new(&server);
    let groups: Vec<String> = ids(&tenant.groups);
    let requests: Vec<Value> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| json!({"id": i.to_string(), "method": "GET", "url": group_policies_url(g)}))
        .collect();
    let r = c.batch(&requests);
    assert_eq!(r.status, 200);
    let body = r.json();
    let responses = body["responses"].as_array().unwrap();
    assert_eq!(responses.len(), 20);
    for (i, g) in groups.iter().enumerate() {
        let sub = responses
            .iter()
            .find(|s| s["id"] == json!(i.to_string()))
            .unwrap();
        assert_eq!(sub["status"], 200);
        let direct = c.graph(&format!("/v1.0{}", group_policies_url(g))).json();
        assert_eq!(
            sub["body"], direct,
            "sub-response {i} equals the direct GET"
        );
        let access: Vec<&str> = sub["body"]["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["roleDefinitionId"].as_str().unwrap())
            .collect();
        assert_eq!(access, ["member", "owner"]);
    }
    let recorded = server.requests();
    let batch = recorded
        .iter()
        .find(|r| r.kind == EndpointKind::Batch)
        .unwrap();
    assert_eq!(batch.batch_size, Some(20));
    assert_eq!(server.count(EndpointKind::Batch), 1);
    assert_eq!(
        server.count(EndpointKind::GroupPolicyAssignments),
        20,
        "direct"
    );
    assert_eq!(
        server.count_with_batched(EndpointKind::GroupPolicyAssignments),
        40
    );
}

#[test]
fn batch_over_twenty_or_malformed_is_rejected() {
    let server = MockServer::start(MockTenant::generate(Spec::default()), Faults::none());
    let mut c = Client::new(&server);
    let requests: Vec<Value> = (0..21)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/users"}))
        .collect();
    let r = c.batch(&requests);
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["code"], "BadRequest");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("20")
    );
    assert_eq!(server.requests()[0].batch_size, Some(21));
    assert_eq!(server.count_with_batched(EndpointKind::Users), 0);

    let dup = [
        json!({"id": "1", "method": "GET", "url": "/users"}),
        json!({"id": "1", "method": "GET", "url": "/groups"}),
    ];
    assert_eq!(c.batch(&dup).status, 400);
    let r = c.send("POST", "/v1.0/$batch", Some(GRAPH_TOKEN), b"{not json");
    assert_eq!(r.status, 400);
    // The connection survives the errors.
    assert_eq!(c.graph("/v1.0/users").status, 200);
}

#[test]
fn next_links_inside_a_batch_work_with_a_direct_get() {
    let server = MockServer::start_with(
        MockTenant::generate(Spec {
            users: 25,
            ..Spec::default()
        }),
        Faults::none(),
        small_pages(),
    );
    let mut c = Client::new(&server);
    let r = c.batch(&[json!({"id": "u", "method": "GET", "url": "/users?$select=id&$top=999"})]);
    let body = r.json();
    let sub = &body["responses"][0];
    assert_eq!(sub["body"]["value"].as_array().unwrap().len(), 10);
    let next = sub["body"]["@odata.nextLink"].as_str().unwrap().to_string();
    let (rest, pages) = c.collect(&next, true);
    assert_eq!((rest.len(), pages), (15, 2));
}

#[test]
fn throttled_sub_request_carries_retry_after() {
    let tenant = MockTenant::generate(Spec::default());
    let faults = Faults::none().throttle(EndpointKind::GroupPolicyAssignments, 1, 7);
    let server = MockServer::start(tenant.clone(), faults);
    let mut c = Client::new(&server);
    let requests: Vec<Value> = tenant.groups[..3]
        .iter()
        .enumerate()
        .map(|(i, g)| {
            json!({"id": format!("r{i}"), "method": "GET",
                   "url": group_policies_url(g["id"].as_str().unwrap())})
        })
        .collect();
    let body = c.batch(&requests).json();
    let statuses: Vec<u64> = body["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [429, 200, 200]);
    let throttled = &body["responses"][0];
    assert_eq!(throttled["headers"]["Retry-After"], "7");
    assert_eq!(throttled["body"]["error"]["code"], "TooManyRequests");
    // One turn only: the retry succeeds.
    let body = c.batch(&requests[..1]).json();
    assert_eq!(body["responses"][0]["status"], 200);
}

#[test]
fn direct_faults_throttle_fail_truncate_and_recover() {
    let faults = Faults::none()
        .throttle("/users", 2, 3)
        .error(EndpointKind::Groups, 2)
        .error_forever(EndpointKind::RoleDefinitions)
        .truncate(EndpointKind::RoleEligibilitySchedules, 1)
        .unavailable(EndpointKind::ArmSubscriptions, 1);
    let server = MockServer::start(MockTenant::generate(Spec::default()), faults);
    let mut c = Client::new(&server);

    for _ in 0..2 {
        let r = c.graph("/v1.0/users");
        assert_eq!(r.status, 429);
        assert_eq!(r.header("Retry-After"), Some("3"));
    }
    assert_eq!(c.graph("/v1.0/users").status, 200);

    assert_eq!(c.graph("/v1.0/groups").status, 500);
    assert_eq!(c.graph("/v1.0/groups").status, 500);
    assert_eq!(c.graph("/v1.0/groups").status, 200);

    for _ in 0..3 {
        let r = c.graph("/v1.0/roleManagement/directory/roleDefinitions");
        assert_eq!(r.status, 500);
        assert_eq!(r.json()["error"]["code"], "InternalServerError");
    }

    let url = "/v1.0/roleManagement/directory/roleEligibilitySchedules?$expand=principal";
    let cut = c.graph(url);
    assert_eq!(cut.status, 200);
    assert!(
        serde_json::from_slice::<Value>(&cut.body).is_err(),
        "cut mid-way"
    );
    let whole = c.graph(url);
    assert!(whole.body.starts_with(&cut.body) && whole.body.len() > cut.body.len());
    assert!(whole.json()["value"][0]["principal"]["@odata.type"].is_string());

    let subs = "/subscriptions?api-version=2020-01-01";
    assert_eq!(c.arm(subs).status, 503);
    let r = c.arm(subs);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["value"][0]["subscriptionId"], DEFAULT_SUBSCRIPTION);
    let statuses: Vec<u16> = server.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|&&s| s == 429).count(), 2);
}

#[test]
fn latency_is_added_to_every_response() {
    let faults = Faults::none().latency(Duration::from_millis(150));
    let server = MockServer::start(MockTenant::generate(Spec::default()), faults);
    let mut c = Client::new(&server);
    let t = Instant::now();
    assert_eq!(c.graph("/v1.0/users").status, 200);
    assert_eq!(c.graph("/v1.0/groups").status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
}

#[test]
fn auth_failures_have_graph_and_arm_error_bodies() {
    let tenant = MockTenant::generate(Spec::default());
    let server = MockServer::start(
        tenant.clone(),
        Faults::none().deny("/roleAssignmentScheduleRequests"),
    );
    let mut c = Client::new(&server);

    let r = c.send("GET", "/v1.0/users", None, b"");
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"]["code"], "InvalidAuthenticationToken");
    assert!(r.header("WWW-Authenticate").is_some());
    // The ARM token is not a Graph token, nor the other way round.
    let r = c.send("GET", "/v1.0/users", Some(ARM_TOKEN), b"");
    assert_eq!(r.status, 401);
    let arm_subs = "/subscriptions?api-version=2020-01-01";
    let r = c.send("GET", arm_subs, Some(GRAPH_TOKEN), b"");
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"]["code"], "InvalidAuthenticationToken");
    assert_eq!(c.arm(arm_subs).status, 200);

    let r = c.graph(
        "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests?$filter=status eq 'PendingApproval'",
    );
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"]["code"], "Authorization_RequestDenied");

    let r = c.arm("/subscriptions/00000000-0000-4000-8000-000000000000/providers/Microsoft.Authorization/roleManagementPolicies?api-version=2020-10-01");
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"]["code"], "AuthorizationFailed");
    let r = c.arm(&format!(
        "/subscriptions/{DEFAULT_SUBSCRIPTION}/providers/Microsoft.Authorization/roleManagementPolicies"
    ));
    assert_eq!(r.status, 400, "api-version is required");

    let expired = MockServer::start(tenant, Faults::none().expired());
    let mut c = Client::new(&expired);
    let r = c.graph("/v1.0/users");
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json()["error"]["message"],
        "Lifetime validation failed, the token is expired."
    );
    assert_eq!(
        c.arm(arm_subs).json()["error"]["code"],
        "ExpiredAuthenticationToken"
    );
}

#[test]
fn token_endpoint_issues_the_configured_tokens() {
    let options = Options {
        client_secret: Some("s3cret".into()),
        ..Options::default()
    };
    let server = MockServer::start_with(
        MockTenant::generate(Spec::default()),
        Faults::none(),
        options,
    );
    let mut c = Client::new(&server);
    let form = |secret: &str, scope: &str| {
        format!("grant_type=client_credentials&client_id=abc&client_secret={secret}&scope={scope}")
    };
    let path = "/contoso.onmicrosoft.com/oauth2/v2.0/token";
    let r = c.send(
        "POST",
        path,
        None,
        form("s3cret", "https%3A%2F%2Fgraph.microsoft.com%2F.default").as_bytes(),
    );
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    assert_eq!(body["access_token"], GRAPH_TOKEN);
    let r = c.send(
        "POST",
        path,
        None,
        form("s3cret", "https://management.azure.com/.default").as_bytes(),
    );
    assert_eq!(r.json()["access_token"], ARM_TOKEN);
    let r = c.send(
        "POST",
        path,
        None,
        form("wrong", "https://management.azure.com/.default").as_bytes(),
    );
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "invalid_client");
    assert_eq!(server.count(EndpointKind::Token), 3);
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let spec = Spec {
        seed: 42,
        ..Spec::default()
    };
    let a = MockTenant::generate(spec.clone());
    let b = MockTenant::generate(spec.clone());
    assert_eq!(a.snapshot(), b.snapshot());
    let other = MockTenant::generate(Spec { seed: 43, ..spec });
    assert_ne!(a.snapshot(), other.snapshot());

    // And over the wire, from two servers.
    let (s1, s2) = (
        MockServer::start(a, Faults::none()),
        MockServer::start(b, Faults::none()),
    );
    for url in [
        DIRECTORY_POLICIES,
        "/v1.0/roleManagement/directory/roleEligibilitySchedules?$expand=principal",
        "/v1.0/users?$select=id,displayName,userPrincipalName,accountEnabled,userType,employeeId,onPremisesSyncEnabled&$top=999",
    ] {
        let r1 = Client::new(&s1).graph(url);
        let r2 = Client::new(&s2).graph(url);
        assert_eq!(r1.status, 200);
        assert_eq!(r1.body, r2.body, "{url}");
    }
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn fixture(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn shapes_match_the_corpus_and_demo_files() {
    let tenant = MockTenant::generate(Spec::default());
    let server = MockServer::start(tenant.clone(), Faults::none());
    let mut c = Client::new(&server);

    let corpus = fixture(
        "fixtures/corpus/own_graph_v1_list_roleManagementPolicyAssignments_DirectoryRole_expand_policy_rules.json",
    );
    let real = &corpus["value"][0];
    let body = c.graph(DIRECTORY_POLICIES).json();
    assert_eq!(body["@odata.context"], corpus["@odata.context"]);
    let ours = &body["value"][0];
    assert_eq!(keys(ours), keys(real));
    assert_eq!(keys(&ours["policy"]), keys(&real["policy"]));
    let rule_ids = |v: &Value| -> Vec<String> {
        v["policy"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(rule_ids(ours), rule_ids(real));
    for (o, r) in ours["policy"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .zip(real["policy"]["rules"].as_array().unwrap())
    {
        assert_eq!(keys(o), keys(r), "{}", r["id"]);
    }
    // Without the expand there is no policy.
    let bare = c
        .graph("/v1.0/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole'")
        .json();
    assert!(bare["value"][0].get("policy").is_none());

    // Some policies are weak, some approvals name an approver group.
    let approval = |a: &Value| -> Value {
        a["policy"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == "Approval_EndUser_Assignment")
            .unwrap()["setting"]
            .clone()
    };
    let all = &tenant.directory_policy_assignments;
    assert!(
        all.iter()
            .any(|a| approval(a)["isApprovalRequired"] == false)
    );
    let groups: BTreeSet<String> = tenant.approver_group_ids.iter().cloned().collect();
    assert!(all.iter().any(|a| {
        approval(a)["approvalStages"][0]["primaryApprovers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| {
                p["@odata.type"] == "#microsoft.graph.groupMembers"
                    && groups.contains(p["groupId"].as_str().unwrap())
            })
    }));
    assert!(tenant.weaknesses.values().any(|w| w == "approval-off"));

    let group_corpus = fixture(
        "fixtures/corpus/own_graph_v1_list_roleManagementPolicyAssignments_Group_owner_expand_policy_rules.json",
    );
    let g = tenant.groups[0]["id"].as_str().unwrap();
    let ours = c.graph(&format!("/v1.0{}", group_policies_url(g))).json();
    assert_eq!(keys(&ours["value"][1]), keys(&group_corpus["value"][0]));
    assert_eq!(ours["value"][1]["policy"]["scopeId"], g);

    let demo_users = fixture("fixtures/demo/directory/users.json");
    let fields: Vec<String> = keys(&demo_users["value"][0]).into_iter().collect();
    let users_url = format!("/v1.0/users?$select={}", fields.join(","));
    let all_users = c.graph("/v1.0/users").json();
    assert!(keys(&all_users["value"][0]).is_superset(&keys(&demo_users["value"][0])));
    for (url, file) in [
        (users_url.as_str(), "users"),
        (
            "/v1.0/roleManagement/directory/roleEligibilitySchedules?$expand=principal",
            "role-eligibility-schedules",
        ),
    ] {
        let demo = fixture(&format!("fixtures/demo/directory/{file}.json"));
        let ours = c.graph(url).json();
        assert_eq!(keys(&ours["value"][0]), keys(&demo["value"][0]), "{file}");
    }
    let demo = fixture("fixtures/demo/directory/role-assignment-schedule-instances.json");
    let mut expected = keys(&demo["value"][0]);
    expected.insert("principal".into());
    let ours = c
        .graph("/v1.0/roleManagement/directory/roleAssignmentScheduleInstances?$expand=principal")
        .json();
    assert_eq!(keys(&ours["value"][0]), expected);

    let demo = fixture("fixtures/demo/directory/groups.json");
    let ours = c.graph("/v1.0/groups").json();
    let mut ours_keys = keys(&ours["value"][0]);
    ours_keys.insert("members".into());
    for k in keys(&demo["value"][0]) {
        assert!(ours_keys.contains(&k), "groups lack {k}");
    }

    // ARM: the same keys as the corpus GET-by-name bodies.
    let scope = format!("/subscriptions/{DEFAULT_SUBSCRIPTION}");
    for (res, file) in [
        (
            "roleManagementPolicies",
            "arm_GetRoleManagementPolicyByName",
        ),
        (
            "roleManagementPolicyAssignments",
            "arm_GetRoleManagementPolicyAssignmentByName",
        ),
    ] {
        let real =
            fixture(&format!("fixtures/corpus/{file}.json"))["responses"]["200"]["body"].clone();
        let ours = c
            .arm(&format!(
                "{scope}/providers/Microsoft.Authorization/{res}?api-version=2020-10-01"
            ))
            .json();
        let item = &ours["value"][0];
        assert_eq!(keys(item), keys(&real), "{res}");
        let mut real_props = keys(&real["properties"]);
        let our_props = keys(&item["properties"]);
        real_props.insert("rules".into());
        assert!(
            our_props.is_subset(&real_props) && our_props.len() + 1 >= real_props.len(),
            "{res}: {our_props:?}"
        );
    }
    let mg = c
        .arm("/providers/Microsoft.Management/managementGroups/mg-root/providers/Microsoft.Authorization/roleEligibilitySchedules?api-version=2020-10-01")
        .json();
    let real = fixture("fixtures/corpus/arm_GetRoleEligibilityScheduleByName.json");
    if let Some(item) = mg["value"].as_array().unwrap().first() {
        assert_eq!(keys(item), keys(&real["responses"]["200"]["body"]));
    }
}

#[test]
fn filters_select_the_right_records() {
    let tenant = MockTenant::generate(Spec {
        users: 120,
        groups: 12,
        ..Spec::default()
    });
    let server = MockServer::start(tenant.clone(), Faults::none());
    let mut c = Client::new(&server);

    let pending = c
        .graph("/v1.0/roleManagement/directory/roleAssignmentScheduleRequests?$filter=status+eq+'PendingApproval'")
        .json();
    let pending = pending["value"].as_array().unwrap();
    let expected = tenant
        .role_assignment_schedule_requests
        .iter()
        .filter(|r| r["status"] == "PendingApproval")
        .count();
    assert!(expected > 0);
    assert_eq!(pending.len(), expected);
    assert!(pending.iter().all(|r| r["action"] == "selfActivate"));
    let recent = c
        .graph("/v1.0/roleManagement/directory/roleAssignmentScheduleRequests?$filter=createdDateTime%20ge%202026-11-20T00:00:00Z")
        .json();
    let recent = recent["value"].as_array().unwrap();
    assert!(!recent.is_empty() && recent.len() < tenant.role_assignment_schedule_requests.len());
    assert!(
        recent
            .iter()
            .all(|r| r["createdDateTime"].as_str().unwrap() >= "2026-11-20")
    );

    let with_eligibility = tenant
        .group_eligibility_schedules
        .iter()
        .find(|(_, v)| !v.is_empty())
        .unwrap();
    let body = c
        .graph(&format!(
            "/v1.0/identityGovernance/privilegedAccess/group/eligibilitySchedules?$filter=groupId eq '{}'",
            with_eligibility.0
        ))
        .json();
    assert_eq!(body["value"].as_array().unwrap(), with_eligibility.1);
    assert!(["member", "owner"].contains(&body["value"][0]["accessId"].as_str().unwrap()));
    let r = c.graph("/v1.0/identityGovernance/privilegedAccess/group/eligibilitySchedules");
    assert_eq!(r.status, 400, "groupId is required");

    let g = tenant.groups[0]["id"].as_str().unwrap();
    let members = c
        .graph(&format!("/v1.0/groups/{g}/transitiveMembers?$select=id"))
        .json();
    assert_eq!(
        members["value"],
        json!(
            tenant.transitive_members[g]
                .iter()
                .map(|m| json!({"@odata.type": m["@odata.type"], "id": m["id"]}))
                .collect::<Vec<_>>()
        )
    );
    let r = c.graph("/v1.0/groups/00000000-0000-4000-8000-000000000000/transitiveMembers");
    assert_eq!(r.status, 404);
    let r = c.graph("/v1.0/nonsense");
    assert_eq!(r.status, 400);
}

/// What the server serves is what pim-lint reads: the pages, written out as an export, are
/// recognised (no input diagnostics) and the weak policies are found.
#[test]
fn served_data_is_linted_by_pim_lint_and_the_weak_policies_are_found() {
    let tenant = MockTenant::generate(Spec {
        seed: 7,
        ..Spec::default()
    });
    let server = MockServer::start_with(tenant.clone(), Faults::none(), small_pages());
    let mut c = Client::new(&server);
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, context: &str, value: Vec<Value>| {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let doc = json!({"@odata.context": context, "value": value});
        std::fs::write(path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    };
    let ctx = "https://graph.microsoft.com/v1.0/$metadata#policies/roleManagementPolicyAssignments(policy(rules()))";
    write(
        "entra/directory-roles.json",
        ctx,
        c.collect(DIRECTORY_POLICIES, true).0,
    );
    let mut group_policies = Vec::new();
    let mut groups = Vec::new();
    for g in c.collect("/v1.0/groups?$top=999", true).0 {
        let id = g["id"].as_str().unwrap();
        group_policies.extend(
            c.collect(&format!("/v1.0{}", group_policies_url(id)), true)
                .0,
        );
        let members = c
            .collect(
                &format!("/v1.0/groups/{id}/transitiveMembers?$select=id"),
                true,
            )
            .0;
        let mut g = g.clone();
        g["members"] = json!(members);
        groups.push(g);
    }
    write("entra/pim-for-groups.json", ctx, group_policies);
    let meta = "https://graph.microsoft.com/v1.0/$metadata#";
    write("directory/groups.json", &format!("{meta}groups"), groups);
    write(
        "directory/users.json",
        &format!("{meta}users"),
        c.collect("/v1.0/users?$top=999", true).0,
    );
    write(
        "directory/role-eligibility-schedules.json",
        &format!("{meta}roleManagement/directory/roleEligibilitySchedules(principal())"),
        c.collect(
            "/v1.0/roleManagement/directory/roleEligibilitySchedules?$expand=principal",
            true,
        )
        .0,
    );
    write(
        "directory/role-assignment-schedule-instances.json",
        &format!("{meta}roleManagement/directory/roleAssignmentScheduleInstances"),
        c.collect(
            "/v1.0/roleManagement/directory/roleAssignmentScheduleInstances",
            true,
        )
        .0,
    );
    let scope = format!("/subscriptions/{DEFAULT_SUBSCRIPTION}");
    let arm = c
        .collect(
            &format!("{scope}/providers/Microsoft.Authorization/roleManagementPolicyAssignments?api-version=2020-10-01"),
            false,
        )
        .0;
    let path = dir.path().join("azure/policy-assignments.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        path,
        serde_json::to_vec_pretty(&json!({"value": arm})).unwrap(),
    )
    .unwrap();

    let out = assert_cmd::Command::cargo_bin("pim-lint")
        .unwrap()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let diags = report["diagnostics"].as_array().unwrap();
    assert_eq!(report["summary"]["files"], 7, "{report:#}");
    let codes: BTreeSet<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    // No input diagnostics (unknown format, unreadable file, ...): PIM0xx.
    assert!(
        codes.iter().all(|c| !c.starts_with("PIM0")),
        "input diagnostics: {:#?}",
        diags
            .iter()
            .filter(|d| d["code"].as_str().unwrap().starts_with("PIM0"))
            .collect::<Vec<_>>()
    );
    // Privileged Role Administrator (role 1) has approval off.
    assert_eq!(
        tenant.weaknesses["e8611ab8-c189-46e8-94e1-60213ab1f814"],
        "approval-off"
    );
    assert!(diags.iter().any(
        |d| d["code"] == "PIM101" && d["role"]["id"] == "e8611ab8-c189-46e8-94e1-60213ab1f814"
    ));
    // Global Administrator (role 0) is strong: no activation-approval finding.
    assert!(!diags.iter().any(
        |d| d["code"] == "PIM101" && d["role"]["id"] == "62e90394-69f5-4237-9190-012177145e10"
    ));
    // The last approver group is empty: nobody can approve where it is the approver.
    assert!(diags.iter().any(|d| d["code"] == "PIM107"));
}
