//! ISO 8601 durations as Graph and ARM accept them (`Edm.Duration`: days, hours, minutes,
//! seconds — no years, months or weeks), compared as real lengths of time (`P1D` = `PT24H`).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoDuration {
    millis: u64,
}

/// Why a duration longer than [`IsoDuration::MAX`] is refused.
const TOO_LONG: &str =
    "it is longer than Graph and ARM accept (at most P10675199DT2H48M5.477S, about 29227 years)";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError(pub String);

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl IsoDuration {
    pub const ZERO: IsoDuration = IsoDuration { millis: 0 };

    /// The longest duration Graph and ARM accept: `Edm.Duration` is read into a .NET `TimeSpan`,
    /// whose maximum is 2^63 − 1 ticks of 100 ns (10675199 days, 2:48:05.477). A longer text is
    /// rejected by the service, so it is no duration here either.
    pub const MAX: IsoDuration = IsoDuration {
        millis: i64::MAX as u64 / 10_000,
    };

    /// `s` seconds (at most [`IsoDuration::MAX`]).
    pub fn from_seconds(s: u64) -> IsoDuration {
        IsoDuration::from_millis_capped(s.saturating_mul(1_000))
    }

    /// `m` minutes (at most [`IsoDuration::MAX`]).
    pub fn from_minutes(m: u64) -> IsoDuration {
        IsoDuration::from_millis_capped(m.saturating_mul(60_000))
    }

    /// `h` hours (at most [`IsoDuration::MAX`]).
    pub fn from_hours(h: u64) -> IsoDuration {
        IsoDuration::from_millis_capped(h.saturating_mul(3_600_000))
    }

    /// `d` days (at most [`IsoDuration::MAX`]).
    pub fn from_days(d: u64) -> IsoDuration {
        IsoDuration::from_millis_capped(d.saturating_mul(86_400_000))
    }

    fn from_millis_capped(millis: u64) -> IsoDuration {
        IsoDuration {
            millis: millis.min(IsoDuration::MAX.millis),
        }
    }

    pub fn as_millis(self) -> u64 {
        self.millis
    }

    pub fn is_zero(self) -> bool {
        self.millis == 0
    }

    /// Parses `P[nD][T[nH][nM][n[.f]S]]` strictly.
    pub fn parse(text: &str) -> Result<IsoDuration, DurationError> {
        let err =
            |why: &str| DurationError(format!("\"{text}\" is not an ISO 8601 duration: {why}"));
        let Some(rest) = text.strip_prefix('P') else {
            return Err(if text.starts_with('-') {
                err("negative durations are not allowed")
            } else {
                err("it must start with 'P' (for example PT8H or P1D)")
            });
        };
        let (date, time) = match rest.split_once('T') {
            Some((_, "")) => return Err(err("'T' must be followed by hours, minutes or seconds")),
            Some((d, t)) => (d, t),
            None => (rest, ""),
        };
        if date.is_empty() && time.is_empty() {
            return Err(err("it has no components"));
        }
        let date_units: &[(char, u128)] = &[('D', 86_400_000)];
        let time_units: &[(char, u128)] = &[('H', 3_600_000), ('M', 60_000), ('S', 1_000)];
        let mut millis: u128 = 0;
        for (part, units, in_time) in [(date, date_units, false), (time, time_units, true)] {
            let mut s = part;
            let mut next_unit = 0;
            while !s.is_empty() {
                let end = s
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .ok_or_else(|| err("a number must be followed by a unit"))?;
                let (num, tail) = s.split_at(end);
                let unit = tail.chars().next().unwrap_or(' ');
                let Some(pos) = units.iter().position(|(u, _)| *u == unit) else {
                    return Err(match unit {
                        'Y' | 'W' => {
                            err("years and weeks are not accepted by Graph or ARM; use days")
                        }
                        'M' if !in_time => err(
                            "months are not accepted by Graph or ARM; use days (PT…M means minutes)",
                        ),
                        'D' => err("days must come before 'T'"),
                        _ => err(&format!("unexpected '{unit}'")),
                    });
                };
                if pos < next_unit {
                    return Err(err("components are out of order"));
                }
                next_unit = pos + 1;
                if num.is_empty() {
                    return Err(err("a unit needs a number before it"));
                }
                let factor = units[pos].1;
                // Checked arithmetic throughout: a huge number is an error, never a wrapped,
                // small (and valid-looking) duration.
                let too_large = || err(TOO_LONG);
                let value = match num.split_once('.') {
                    Some((whole, frac)) => {
                        if unit != 'S' || whole.is_empty() || frac.is_empty() || frac.contains('.')
                        {
                            return Err(err("only seconds may have a fraction"));
                        }
                        let w: u128 = whole.parse().map_err(|_| too_large())?;
                        let f3: String = frac.chars().chain("000".chars()).take(3).collect();
                        let f3: u128 = f3.parse().map_err(|_| too_large())?;
                        w.checked_mul(factor)
                            .and_then(|v| v.checked_add(f3))
                            .ok_or_else(too_large)?
                    }
                    None => num
                        .parse::<u128>()
                        .ok()
                        .and_then(|n| n.checked_mul(factor))
                        .ok_or_else(too_large)?,
                };
                millis = millis.checked_add(value).ok_or_else(too_large)?;
                s = &tail[unit.len_utf8()..];
            }
        }
        u64::try_from(millis)
            .ok()
            .filter(|m| *m <= IsoDuration::MAX.millis)
            .map(|millis| IsoDuration { millis })
            .ok_or_else(|| err(TOO_LONG))
    }
}

impl fmt::Display for IsoDuration {
    /// Canonical form: `P1D`, `PT4H30M`, `PT0S`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ms = self.millis;
        let days = ms / 86_400_000;
        ms %= 86_400_000;
        let (h, m, s, rest) = (
            ms / 3_600_000,
            ms % 3_600_000 / 60_000,
            ms % 60_000 / 1000,
            ms % 1000,
        );
        write!(f, "P")?;
        if days > 0 {
            write!(f, "{days}D")?;
        }
        if h + m + s + rest > 0 || days == 0 {
            write!(f, "T")?;
            if h > 0 {
                write!(f, "{h}H")?;
            }
            if m > 0 {
                write!(f, "{m}M")?;
            }
            if s + rest > 0 || (h == 0 && m == 0) {
                if rest > 0 {
                    write!(f, "{s}.{rest:03}S")?;
                } else {
                    write!(f, "{s}S")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::IsoDuration;

    fn d(s: &str) -> IsoDuration {
        IsoDuration::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn real_lengths_compare() {
        assert_eq!(d("P1D"), d("PT24H"));
        assert_eq!(d("PT1H45M"), d("PT105M"));
        assert!(d("PT4H30M") > d("PT4H"));
        assert_eq!(d("PT0S"), IsoDuration::ZERO);
        assert_eq!(d("PT1.5S").as_millis(), 1500);
        assert_eq!(d("P365D"), IsoDuration::from_days(365));
    }

    #[test]
    fn rejects_what_graph_rejects() {
        for bad in [
            "", "P", "PT", "8h", "PT8", "P1Y", "P1M", "P2W", "-PT1H", "PT1M1H", "P1DT", "PT1.5H",
            "8 hours", "PTH",
        ] {
            assert!(IsoDuration::parse(bad).is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn huge_numbers_are_errors_never_small_durations() {
        for bad in [
            "PT99999999999999999999S",
            "P9223372036854775807D",
            "P18446744073709551616D",
            "PT340282366920938463463374607431768211455S",
            "PT340282366920938463463374607431768211456S",
            "PT340282366920938463463374607431768211.5S",
            "P99999999999999999999999999999999999999999999DT1S",
            "P10675200D",
            "P10675199DT2H48M5.478S",
            "PT9223372036854775807H",
        ] {
            let e = IsoDuration::parse(bad).expect_err(bad);
            assert!(
                e.0.contains("longer than Graph and ARM accept"),
                "{bad}: {e}"
            );
        }
        assert_eq!(d("P10675199DT2H48M5.477S"), IsoDuration::MAX);
        assert_eq!(IsoDuration::from_days(u64::MAX), IsoDuration::MAX);
        assert_eq!(IsoDuration::from_hours(u64::MAX), IsoDuration::MAX);
        assert_eq!(IsoDuration::MAX.to_string(), "P10675199DT2H48M5.477S");
    }

    #[test]
    fn displays_canonically() {
        for (i, o) in [
            ("PT24H", "P1D"),
            ("PT90M", "PT1H30M"),
            ("PT0S", "PT0S"),
            ("P1DT1H", "P1DT1H"),
            ("PT1.5S", "PT1.500S"),
        ] {
            assert_eq!(d(i).to_string(), o);
        }
    }
}
