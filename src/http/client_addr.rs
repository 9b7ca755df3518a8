//! The client's address, for limits per client: the peer, unless the peer is a trusted proxy;
//! then the right-most address in the proxies' forwarding header that is not one of them.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header::HeaderMap;

pub use crate::proxy::{ForwardedHeader, TrustedProxy};

/// Hops beyond this many (counted from the right) are not read: no real chain is that long.
const MAX_HOPS: usize = 32;

/// The address of the client that sent `req`, as far as the trusted proxies vouch for it.
pub fn client_addr(req: &HttpRequest, proxies: &[TrustedProxy], header: ForwardedHeader) -> IpAddr {
    let peer = req
        .peer_addr()
        .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    resolve(peer, req.headers(), proxies, header)
}

/// [`client_addr`] on its parts: the TCP peer and the request's headers.
pub fn resolve(
    peer: IpAddr,
    headers: &HeaderMap,
    proxies: &[TrustedProxy],
    header: ForwardedHeader,
) -> IpAddr {
    let trusted = |ip: IpAddr| proxies.iter().any(|p| p.contains(ip));
    let peer = peer.to_canonical();
    if !trusted(peer) {
        return peer;
    }
    let values = headers
        .get_all(match header {
            ForwardedHeader::XForwardedFor => "x-forwarded-for",
            ForwardedHeader::Forwarded => "forwarded",
        })
        .filter_map(|v| v.to_str().ok());
    let hops: Vec<Option<IpAddr>> = match header {
        ForwardedHeader::XForwardedFor => values
            .flat_map(|v| v.split(','))
            .map(|entry| node_address(entry.trim()))
            .collect(),
        ForwardedHeader::Forwarded => values
            .flat_map(|v| split_outside_quotes(v, ','))
            .map(forwarded_for)
            .collect(),
    };
    // Right to left: each hop was written by the proxy to its right, the last one by the peer.
    let mut client = peer;
    for hop in hops.into_iter().rev().take(MAX_HOPS) {
        match hop {
            // "unknown", an obfuscated name or garbage: the proxy that wrote it is as far as
            // anyone vouches for.
            None => return client,
            Some(ip) if trusted(ip) => client = ip,
            Some(ip) => return ip,
        }
    }
    client
}

/// The `for=` address of one `Forwarded` element (`for=…;proto=…;by=…`), if it has a usable one.
fn forwarded_for(element: &str) -> Option<IpAddr> {
    split_outside_quotes(element, ';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("for")
            .then(|| node_address(value.trim()))
            .flatten()
    })
}

/// An address as a forwarding header writes it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// `[2001:db8::1]`, `"[2001:db8::1]:4711"`.
fn node_address(node: &str) -> Option<IpAddr> {
    let node = node.trim_matches('"');
    let ip = if let Some(rest) = node.strip_prefix('[') {
        rest.split_once(']')?.0.parse().ok()?
    } else if let Ok(ip) = node.parse::<IpAddr>() {
        ip
    } else {
        let (host, port) = node.rsplit_once(':')?;
        port.parse::<u16>().ok()?;
        IpAddr::V4(host.parse().ok()?)
    };
    Some(IpAddr::to_canonical(&ip))
}

/// Splits at `sep` except inside double quotes (a `Forwarded` value may be a quoted string).
fn split_outside_quotes(text: &str, sep: char) -> impl Iterator<Item = &str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == sep && !quoted => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};
    use proptest::prelude::*;

    use super::*;

    fn proxies(list: &[&str]) -> Vec<TrustedProxy> {
        list.iter()
            .map(|p| TrustedProxy::try_from((*p).to_owned()).expect("proxy"))
            .collect()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_static(name),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    const XFF: ForwardedHeader = ForwardedHeader::XForwardedFor;
    const FWD: ForwardedHeader = ForwardedHeader::Forwarded;

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let h = headers(&[("x-forwarded-for", "198.51.100.9")]);
        let got = resolve(ip("203.0.113.5"), &h, &proxies(&["10.0.0.0/8"]), XFF);
        assert_eq!(got, ip("203.0.113.5"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8", "192.0.2.10"]);
        // The client put a made-up address first; the proxies appended the real ones.
        let h = headers(&[(
            "x-forwarded-for",
            "1.1.1.1, 198.51.100.9, 192.0.2.10, 10.1.2.3",
        )]);
        assert_eq!(
            resolve(ip("10.0.0.1"), &h, &trusted, XFF),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn several_header_lines_are_one_list() {
        let h = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("x-forwarded-for", "198.51.100.9"),
        ]);
        let got = resolve(ip("10.0.0.1"), &h, &proxies(&["10.0.0.0/8"]), XFF);
        assert_eq!(got, ip("198.51.100.9"));
    }

    #[test]
    fn a_trusted_peer_without_the_header_is_the_client() {
        let got = resolve(
            ip("10.0.0.1"),
            &HeaderMap::new(),
            &proxies(&["10.0.0.0/8"]),
            XFF,
        );
        assert_eq!(got, ip("10.0.0.1"));
    }

    #[test]
    fn only_the_configured_header_is_read() {
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.9"),
            ("forwarded", "for=1.1.1.1"),
        ]);
        let trusted = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            resolve(ip("10.0.0.1"), &h, &trusted, XFF),
            ip("198.51.100.9")
        );
        assert_eq!(resolve(ip("10.0.0.1"), &h, &trusted, FWD), ip("1.1.1.1"));
    }

    #[test]
    fn forwarded_elements_with_ports_quotes_and_other_parameters() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let h = headers(&[(
            "forwarded",
            r#"for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711", for=10.0.0.2:8080"#,
        )]);
        assert_eq!(
            resolve(ip("10.0.0.1"), &h, &trusted, FWD),
            ip("2001:db8:cafe::17")
        );
    }

    #[test]
    fn an_unusable_hop_stops_at_the_proxy_that_wrote_it() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let h = headers(&[("forwarded", "for=198.51.100.9, for=unknown, for=10.0.0.2")]);
        assert_eq!(resolve(ip("10.0.0.1"), &h, &trusted, FWD), ip("10.0.0.2"));
        let h = headers(&[("x-forwarded-for", "198.51.100.9, not-an-address")]);
        assert_eq!(resolve(ip("10.0.0.1"), &h, &trusted, XFF), ip("10.0.0.1"));
    }

    #[test]
    fn ipv4_mapped_peers_and_hops_count_as_ipv4() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let h = headers(&[("x-forwarded-for", "::ffff:198.51.100.9")]);
        assert_eq!(
            resolve(ip("::ffff:10.0.0.1"), &h, &trusted, XFF),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn proxies_are_addresses_or_networks() {
        assert!(TrustedProxy::try_from("10.0.0.7".to_owned()).is_ok());
        assert!(TrustedProxy::try_from("fd00::/8".to_owned()).is_ok());
        let error = TrustedProxy::try_from("proxy.local".to_owned()).expect_err("refused");
        assert!(error.contains("proxy.local"), "{error}");
    }

    proptest! {
        /// Whatever a client writes into the header, it cannot make itself another address
        /// than the one the trusted proxy saw (the proxy appends what it saw).
        #[test]
        fn a_client_cannot_choose_its_address(spoofed in "[ -~]{0,80}", last in 0u8..=255) {
            let real = IpAddr::from([198, 51, 100, last]);
            let h = headers(&[("x-forwarded-for", &format!("{spoofed}, {real}"))]);
            let got = resolve(ip("10.0.0.1"), &h, &proxies(&["10.0.0.0/8"]), XFF);
            prop_assert_eq!(got, real);
        }
    }
}
