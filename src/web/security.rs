//! Security plumbing for the debtor pages: response headers, the session cookie, and the
//! per-address limit on failed link openings.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::cookie::{Cookie, SameSite};
use actix_web::middleware::DefaultHeaders;

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

/// Counts failed link openings per client address (IPv6 per /64) in one-minute windows.
pub struct MissLimiter {
    limit: u32,
    window: Duration,
    counts: Mutex<HashMap<IpAddr, (u32, Instant)>>,
}

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
    pub fn new(limit: u32) -> MissLimiter {
        MissLimiter {
            limit,
            window: Duration::from_secs(60),
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Whether this address has used up its misses for the current window.
    pub fn is_blocked(&self, ip: IpAddr) -> bool {
        let Ok(counts) = self.counts.lock() else {
            return false;
        };
        counts
            .get(&bucket(ip))
            .is_some_and(|(n, start)| start.elapsed() < self.window && *n >= self.limit)
    }

    pub fn record_miss(&self, ip: IpAddr) {
        let Ok(mut counts) = self.counts.lock() else {
            return;
        };
        if counts.len() > 100_000 {
            // Bounded memory under a spray from many addresses.
            let window = self.window;
            counts.retain(|_, (_, start)| start.elapsed() < window);
        }
        let entry = counts.entry(bucket(ip)).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_blocked_after_its_misses_and_ipv6_counts_per_64() {
        let limiter = MissLimiter::new(2);
        let a: IpAddr = "2001:db8::1".parse().expect("ip");
        let b: IpAddr = "2001:db8::2".parse().expect("ip");
        assert!(!limiter.is_blocked(a));
        limiter.record_miss(a);
        limiter.record_miss(b);
        assert!(limiter.is_blocked(a));
        assert!(!limiter.is_blocked("192.0.2.1".parse().expect("ip")));
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
