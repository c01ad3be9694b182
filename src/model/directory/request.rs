//! PIM requests: Graph `roleAssignmentScheduleRequests` (directory roles) and PIM for Groups
//! `assignmentScheduleRequests`, as exported or fetched, and what a `requests` run needs to judge
//! them (its "now", the `--since` window, the config's usual hours).

use super::{At, Target};
use crate::model::{IsoDuration, Loc, Ptr};
use serde::Serialize;

/// One schedule request. Every field a rule may name keeps its place in the file.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub id: Option<String>,
    /// `selfActivate`, `selfExtend`, `adminAssign`, …
    pub action: Loc<String>,
    /// `PendingApproval`, `Provisioned`, `Granted`, `Denied`, …
    pub status: Loc<String>,
    pub target: Target,
    pub principal_id: Loc<String>,
    /// The expanded `principal`'s display name or UPN, when the export has it.
    pub principal_name: Option<String>,
    pub justification: Option<Loc<String>>,
    /// `ticketInfo.ticketNumber`; the pointer of `ticketInfo` (or the request) when absent.
    pub ticket_number: Option<Loc<String>>,
    pub ticket_pointer: Ptr,
    pub created: Option<Loc<String>>,
    pub start: Option<Loc<String>>,
    /// `scheduleInfo.expiration.duration`, as written.
    pub duration: Option<Loc<String>>,
    /// `scheduleInfo.expiration.endDateTime`.
    pub end: Option<Loc<String>>,
    /// `scheduleInfo.expiration` (or the request when it has none): where a duration that is
    /// not written is reported.
    pub expiration_pointer: Ptr,
    pub at: At,
}

impl Request {
    /// `PendingApproval`.
    pub fn is_pending(&self) -> bool {
        self.status.value.eq_ignore_ascii_case("PendingApproval")
    }

    /// An activation by the principal itself (`selfActivate`, `selfExtend`, `selfRenew`): what
    /// the policy's end-user rules govern.
    pub fn is_activation(&self) -> bool {
        ["selfActivate", "selfExtend", "selfRenew"]
            .iter()
            .any(|a| self.action.value.eq_ignore_ascii_case(a))
    }

    /// Whether the request was granted (or still may be): not denied, cancelled or failed.
    pub fn took_effect(&self) -> bool {
        !["Denied", "Canceled", "Cancelled", "Failed"]
            .iter()
            .any(|s| self.status.value.eq_ignore_ascii_case(s))
    }

    /// Seconds since the epoch of `createdDateTime`.
    pub fn created_at(&self) -> Option<i64> {
        self.created.as_ref().and_then(|c| parse_instant(&c.value))
    }

    /// The length asked for: `expiration.duration`, else `endDateTime` − `startDateTime`.
    pub fn requested(&self) -> Option<(IsoDuration, &Ptr)> {
        if let Some(d) = &self.duration
            && let Ok(v) = IsoDuration::parse(&d.value)
        {
            return Some((v, &d.pointer));
        }
        let end = self.end.as_ref()?;
        let start = self
            .start
            .as_ref()
            .and_then(|s| parse_instant(&s.value))
            .or_else(|| self.created_at())?;
        let secs = parse_instant(&end.value)?.checked_sub(start)?;
        let secs = u64::try_from(secs).ok()?;
        Some((IsoDuration::from_seconds(secs), &end.pointer))
    }

    /// How messages name the requester: the expanded principal's name, else the id.
    pub fn requester(&self) -> &str {
        self.principal_name
            .as_deref()
            .unwrap_or(&self.principal_id.value)
    }

    /// Whether a run checks this request: every pending request; with `--since`, also the
    /// activations created within the window that took effect.
    pub fn in_scope(&self, scope: &Scope) -> bool {
        if self.is_pending() {
            return true;
        }
        let Some(since) = scope.since else {
            return false;
        };
        self.is_activation()
            && self.took_effect()
            && self
                .created_at()
                .is_some_and(|c| c >= scope.now.saturating_sub(since) && c <= scope.now)
    }
}

/// The usual activation hours of the config's `requests:` section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usual {
    /// Minutes after local midnight: activations in `[start, end)` are usual (`end < start`
    /// spans midnight). `None`: hours are not checked.
    pub hours: Option<(u32, u32)>,
    /// The offset of the local time the hours are in, in minutes east of UTC.
    pub offset_minutes: i32,
    /// More activations of tier0 roles than this per principal and local day are unusual.
    /// `None`: not checked.
    pub max_per_day: Option<u64>,
}

/// What a `requests` run judges requests against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scope {
    /// Seconds since the epoch.
    pub now: i64,
    /// `--since`, in seconds: past activations created this long before `now` are checked too.
    pub since: Option<i64>,
    pub usual: Usual,
}

/// Request settings a run is given before it knows its "now": the config's usual hours, the
/// `--since` window and, for tests, a fixed instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settings {
    pub now: Option<i64>,
    pub since: Option<i64>,
    pub usual: Usual,
}

impl Settings {
    pub fn scope(&self, now: i64) -> Scope {
        Scope {
            now: self.now.unwrap_or(now),
            since: self.since,
            usual: self.usual,
        }
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Seconds since the epoch as an RFC 3339 UTC instant (`2026-12-02T11:30:00Z`).
pub fn format_instant(t: i64) -> String {
    let (y, m, d) = crate::model::civil_from_days(t.div_euclid(86_400));
    let secs = t.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
#[test]
fn instants_format_as_they_parse() {
    for text in [
        "1970-01-01T00:00:00Z",
        "2026-02-28T23:59:59Z",
        "2024-02-29T12:00:00Z",
        "2000-03-01T00:00:01Z",
    ] {
        assert_eq!(
            parse_instant(text).map(format_instant).as_deref(),
            Some(text)
        );
    }
}

/// An RFC 3339 / ISO 8601 instant (`2025-01-15T10:00:00Z`, with fractional seconds or an
/// offset, `T` or a space) as seconds since the epoch; a date alone is its midnight UTC.
pub fn parse_instant(text: &str) -> Option<i64> {
    let s = text.trim();
    let num = |t: &str| -> Option<i64> {
        (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let date = s.get(..10)?;
    let (y, m, d) = (
        num(date.get(..4)?)?,
        num(date.get(5..7)?)?,
        num(date.get(8..10)?)?,
    );
    if date.get(4..5)? != "-" || date.get(7..8)? != "-" || !(1..=12).contains(&m) {
        return None;
    }
    let days = days_from_civil(y, u32::try_from(m).ok()?, u32::try_from(d).ok()?);
    if !(1..=31).contains(&d) {
        return None;
    }
    let rest = s.get(10..)?;
    if rest.is_empty() {
        return Some(days * 86_400);
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (hh, mm) = (num(rest.get(..2)?)?, num(rest.get(3..5)?)?);
    if rest.get(2..3)? != ":" || hh > 23 || mm > 59 {
        return None;
    }
    let mut rest = rest.get(5..)?;
    let mut ss = 0;
    if let Some(r) = rest.strip_prefix(':') {
        ss = num(r.get(..2)?)?;
        rest = r.get(2..)?;
        if ss > 60 {
            return None;
        }
    }
    if let Some(r) = rest.strip_prefix('.') {
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = r.get(digits..)?;
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let o = rest.get(1..)?;
            let (oh, om) = match o.len() {
                5 if o.get(2..3)? == ":" => (num(o.get(..2)?)?, num(o.get(3..5)?)?),
                4 => (num(o.get(..2)?)?, num(o.get(2..4)?)?),
                2 => (num(o)?, 0),
                _ => return None,
            };
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss - offset)
}

/// `HH:MM` as minutes after midnight (`24:00` is the end of the day).
pub fn parse_clock(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// `+02:00`, `-05:30`, `UTC`, `Z` or `UTC+1` as minutes east of UTC.
pub fn parse_offset(text: &str) -> Option<i32> {
    let t = text.trim();
    let t = t
        .strip_prefix("UTC")
        .or_else(|| t.strip_prefix("utc"))
        .unwrap_or(t);
    if t.is_empty() || t == "Z" {
        return Some(0);
    }
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, t.get(1..)?),
        b'-' => (-1, t.get(1..)?),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None => (rest, "0"),
    };
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 14 && (0..60).contains(&m)).then_some(sign * (h * 60 + m))
}

/// A window length: `7d`, `24h`, `90m` or an ISO 8601 duration (`P7D`, `PT24H`), in seconds.
pub fn parse_window(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.starts_with('P') {
        let d = IsoDuration::parse(t).ok()?;
        return i64::try_from(d.as_millis() / 1000).ok();
    }
    let unit = t.chars().last()?;
    let n: i64 = t.get(..t.len() - unit.len_utf8())?.parse().ok()?;
    let per = match unit {
        'd' | 'D' => 86_400,
        'h' | 'H' => 3_600,
        'm' | 'M' => 60,
        's' | 'S' => 1,
        _ => return None,
    };
    (n >= 0).then(|| n.checked_mul(per)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_in_the_shapes_graph_writes() {
        assert_eq!(parse_instant("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_instant("2025-01-15T10:00:00Z"), Some(1_736_935_200));
        assert_eq!(
            parse_instant("2025-01-15T10:00:00.1234567Z"),
            Some(1_736_935_200)
        );
        assert_eq!(
            parse_instant("2025-01-15T12:00:00+02:00"),
            Some(1_736_935_200)
        );
        assert_eq!(parse_instant("2025-01-15"), Some(1_736_899_200));
        for bad in [
            "",
            "yesterday",
            "2025-13-01T00:00:00Z",
            "2025-01-15T25:00Z",
            "2025-01-15T10:00:00+0",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
    }

    #[test]
    fn windows_clocks_and_offsets() {
        assert_eq!(parse_window("7d"), Some(7 * 86_400));
        assert_eq!(parse_window("24h"), Some(86_400));
        assert_eq!(parse_window("P7D"), Some(7 * 86_400));
        assert_eq!(parse_window("PT90M"), Some(5_400));
        assert_eq!(parse_window("week"), None);
        assert_eq!(parse_clock("07:00"), Some(420));
        assert_eq!(parse_clock("24:00"), Some(1440));
        assert_eq!(parse_clock("7:60"), None);
        assert_eq!(parse_offset("+02:00"), Some(120));
        assert_eq!(parse_offset("UTC-5"), Some(-300));
        assert_eq!(parse_offset("UTC"), Some(0));
        assert_eq!(parse_offset("Europe/Paris"), None);
    }
}
