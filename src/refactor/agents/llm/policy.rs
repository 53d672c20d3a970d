//! When a failed request is sent again, and after how long, as the official SDKs decide it.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

/// Retries per call unless configured otherwise (the SDKs' default).
pub const MAX_RETRIES: u32 = 2;

/// The longest server-asked wait honoured; past it the SDKs' own backoff applies.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// Whether an answer with `status` is worth sending again. `x-should-retry` overrides the
/// status, but a quota or spend limit used up (`exhausted`) is not retried unless the server
/// says when to: waiting will not refill it.
pub fn should_retry(status: u16, headers: &HeaderMap, exhausted: bool) -> bool {
    if exhausted && !asked(headers) {
        return false;
    }
    match header(headers, "x-should-retry") {
        Some("true") => return true,
        Some("false") => return false,
        _ => {}
    }
    // 529 is Anthropic's "overloaded", inside 5xx.
    matches!(status, 408 | 409 | 429) || status >= 500
}

/// How long to wait before retry number `retry` (0 for the first): what the server asked
/// (`retry-after-ms`, then `Retry-After` in seconds or as an HTTP date) up to two minutes,
/// else exponential backoff from 0.5 s to 8 s with up to 25% jitter.
pub fn delay(headers: &HeaderMap, retry: u32) -> Duration {
    asked_at(headers, SystemTime::now())
        .filter(|wait| *wait <= MAX_RETRY_AFTER)
        .unwrap_or_else(|| {
            let base = (0.5 * f64::from(1u32 << retry.min(8))).min(8.0);
            Duration::from_secs_f64(base * (1.0 - 0.25 * fastrand::f64()))
        })
}

/// Whether the server said how long to wait.
pub fn asked(headers: &HeaderMap) -> bool {
    asked_at(headers, SystemTime::now()).is_some()
}

/// The wait a server asked for, if it asked in a form that reads.
fn asked_at(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    // A wait too long to be a duration (`inf`, `1e300`) or not one (`nan`, negative) is a
    // form that does not read.
    if let Some(ms) = header(headers, "retry-after-ms").and_then(|v| v.trim().parse::<f64>().ok()) {
        return Duration::try_from_secs_f64(ms / 1000.0).ok();
    }
    let value = header(headers, "retry-after")?.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).ok();
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name)?.to_str().ok()
}

#[cfg(test)]
mod test {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn statuses_are_retried_as_the_sdks_retry_them() {
        let none = HeaderMap::new();
        for status in [408, 409, 429, 500, 502, 503, 529] {
            assert!(should_retry(status, &none, false), "{status}");
        }
        for status in [400, 401, 403, 404, 422] {
            assert!(!should_retry(status, &none, false), "{status}");
        }
        assert!(
            !should_retry(429, &none, true),
            "a used-up quota waits for nothing"
        );
        assert!(should_retry(
            400,
            &headers(&[("x-should-retry", "true")]),
            false
        ));
        assert!(!should_retry(
            500,
            &headers(&[("x-should-retry", "false")]),
            false
        ));
        assert!(!should_retry(
            429,
            &headers(&[("x-should-retry", "true")]),
            true
        ));
        assert!(
            should_retry(429, &headers(&[("retry-after", "1")]), true),
            "a quota the server says refills soon is waited for"
        );
    }

    #[test]
    fn the_servers_wait_is_honoured_in_every_spelling_up_to_two_minutes() {
        let now = SystemTime::now();
        let wait = |pairs: &[(&'static str, &str)]| asked_at(&headers(pairs), now);
        assert_eq!(wait(&[("retry-after", "3")]), Some(Duration::from_secs(3)));
        assert_eq!(
            wait(&[("retry-after", "1.5")]),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            wait(&[("retry-after-ms", "250"), ("retry-after", "9")]),
            Some(Duration::from_millis(250))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        let read = wait(&[("retry-after", &later)]).unwrap();
        assert!(
            read <= Duration::from_secs(30) && read >= Duration::from_secs(28),
            "{read:?}"
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(wait(&[("retry-after", &past)]), Some(Duration::ZERO));
        assert_eq!(wait(&[("retry-after", "soon")]), None);
        // Waits no duration holds, or that are no waits, do not read.
        for value in ["inf", "1e20", "nan", "-1"] {
            assert_eq!(wait(&[("retry-after", value)]), None, "{value}");
        }
        assert_eq!(wait(&[("retry-after-ms", "1e300")]), None);
        // Past two minutes, the backoff applies.
        let backoff = delay(&headers(&[("retry-after", "600")]), 0);
        assert!(backoff <= Duration::from_millis(500), "{backoff:?}");
        assert_eq!(
            delay(&headers(&[("retry-after", "2")]), 0),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn backoff_doubles_from_half_a_second_to_eight_with_jitter() {
        let none = HeaderMap::new();
        for (retry, top) in [(0, 0.5), (1, 1.0), (2, 2.0), (5, 8.0), (30, 8.0)] {
            let wait = delay(&none, retry).as_secs_f64();
            assert!(wait <= top && wait >= top * 0.75 - 1e-9, "{retry}: {wait}");
        }
    }
}
