//! Security plumbing for the debtor pages: response headers, the session cookie, and the
//! per-address limit on failed link openings.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::middleware::DefaultHeaders;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};

/// Headers every response carries. Pages are `no-store` unless a handler says otherwise
/// (only the fingerprinted stylesheet does).
pub fn default_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            // form-action covers the redirect after "pay": browsers check it on the provider's
            // page too, so Stripe Checkout and Vipps' landing pages are named.
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' https://checkout.stripe.com https://*.vipps.no https://*.vippsmobilepay.com; frame-ancestors 'none'; base-uri 'none'",
        ))
        .add(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
        .add(("X-Content-Type-Options", "nosniff"))
        // same-origin, not no-referrer: the latter makes our own form POSTs carry `Origin: null`.
        .add(("Referrer-Policy", "same-origin"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=()"))
        .add(("Cache-Control", "no-store"))
}

/// How the session cookie is named and flagged for this deployment.
#[derive(Debug, Clone)]
pub struct CookiePolicy {
    pub name: &'static str,
    pub secure: bool,
    pub max_age: Duration,
}

impl CookiePolicy {
    /// `__Host-` + `Secure` over https. Plain http is only for a laptop (browsers refuse
    /// `Secure` cookies on plain http hosts other than localhost, curl on all of them).
    pub fn for_base_url(public_base_url: &str, max_age: Duration) -> CookiePolicy {
        if public_base_url.starts_with("https://") {
            CookiePolicy {
                name: "__Host-innfri",
                secure: true,
                max_age,
            }
        } else {
            CookiePolicy {
                name: "innfri",
                secure: false,
                max_age,
            }
        }
    }

    pub fn session_cookie(&self, value: String) -> Cookie<'static> {
        Cookie::build(self.name, value)
            .path("/")
            .secure(self.secure)
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::seconds(
                self.max_age.as_secs() as i64,
            ))
            .finish()
    }
}

/// Misses per client address (IPv6 per /64), as a GCRA budget: `limit` at once, refilled at
/// `limit` a minute. Only misses are counted and only misses are answered "too many": a link
/// that opens a case is never refused, whatever its address did before.
pub struct MissLimiter<C: Clock = DefaultClock> {
    budget: RateLimiter<IpAddr, DashMapStateStore<IpAddr>, C, NoOpMiddleware<C::Instant>>,
    misses: AtomicU64,
}

/// Addresses whose budget is full again are dropped every this many misses, shard by shard,
/// so a spray from many addresses cannot grow the map without end.
const FORGET_EVERY: u64 = 1024;

fn bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut seg = v6.segments();
            seg[4..].fill(0);
            IpAddr::from(seg)
        }
    }
}

impl MissLimiter {
    pub fn new(limit: NonZeroU32) -> MissLimiter {
        MissLimiter::with_clock(limit, DefaultClock::default())
    }
}

impl<C: Clock> MissLimiter<C> {
    pub fn with_clock(limit: NonZeroU32, clock: C) -> MissLimiter<C> {
        MissLimiter {
            budget: RateLimiter::dashmap_with_clock(Quota::per_minute(limit), clock),
            misses: AtomicU64::new(0),
        }
    }

    /// Counts a miss from `ip`: `Ok` while the address is within its budget, else how long
    /// until its next miss counts again.
    pub fn record_miss(&self, ip: IpAddr) -> Result<(), Duration> {
        if self.misses.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            self.budget.retain_recent();
        }
        self.budget
            .check_key(&bucket(ip))
            .map_err(|not_until| not_until.wait_time_from(self.budget.clock().now()))
    }

    /// How many addresses are remembered (each for at most a minute after its last miss).
    pub fn tracked(&self) -> usize {
        self.budget.len()
    }
}

#[cfg(test)]
mod tests {
    use governor::clock::FakeRelativeClock;

    use super::*;

    fn limit(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).expect("non-zero")
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn an_address_is_over_budget_after_its_misses_and_ipv6_counts_per_64() {
        let limiter = MissLimiter::with_clock(limit(2), FakeRelativeClock::default());
        assert!(limiter.record_miss(ip("2001:db8::1")).is_ok());
        assert!(limiter.record_miss(ip("2001:db8::2")).is_ok());
        assert!(limiter.record_miss(ip("2001:db8::3")).is_err(), "same /64");
        assert!(
            limiter.record_miss(ip("2001:db8:0:1::1")).is_ok(),
            "next /64"
        );
        assert!(limiter.record_miss(ip("192.0.2.1")).is_ok());
    }

    #[test]
    fn the_budget_refills_over_the_minute() {
        let clock = FakeRelativeClock::default();
        let limiter = MissLimiter::with_clock(limit(20), clock.clone());
        let a = ip("192.0.2.7");
        for _ in 0..20 {
            assert!(limiter.record_miss(a).is_ok());
        }
        let wait = limiter.record_miss(a).expect_err("over budget");
        assert_eq!(wait, Duration::from_secs(3), "20 a minute: one every 3 s");
        clock.advance(Duration::from_secs(3));
        assert!(limiter.record_miss(a).is_ok());
        assert!(limiter.record_miss(a).is_err());
        clock.advance(Duration::from_secs(60));
        for _ in 0..20 {
            assert!(limiter.record_miss(a).is_ok());
        }
    }

    #[test]
    fn addresses_are_forgotten_once_their_budget_is_full_again() {
        let clock = FakeRelativeClock::default();
        let limiter = MissLimiter::with_clock(limit(20), clock.clone());
        for i in 0..FORGET_EVERY - 1 {
            let _ = limiter.record_miss(IpAddr::from(std::net::Ipv4Addr::from(i as u32)));
        }
        assert_eq!(limiter.tracked(), (FORGET_EVERY - 1) as usize);
        clock.advance(Duration::from_secs(61));
        let _ = limiter.record_miss(ip("198.51.100.1"));
        assert_eq!(
            limiter.tracked(),
            1,
            "only the address that just missed is left"
        );
    }

    #[test]
    fn https_deployments_get_a_host_prefixed_secure_cookie() {
        let policy =
            CookiePolicy::for_base_url("https://betal.example.no", Duration::from_secs(60));
        let cookie = policy.session_cookie("x".into()).to_string();
        assert!(cookie.starts_with("__Host-innfri=x"));
        assert!(cookie.contains("Secure"));
        assert!(cookie.contains("HttpOnly"));
        assert!(cookie.contains("SameSite=Lax"));
        assert!(cookie.contains("Path=/"));
        assert!(!cookie.contains("Domain"));
    }
}
