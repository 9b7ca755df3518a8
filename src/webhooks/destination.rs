//! Which addresses a webhook may reach (SSRF): one rule for every address, and the resolver that
//! holds the HTTP client to it, so the address that was judged is the address connected to.

use std::error::Error as StdError;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether an address is outside our own network. IPv6 forms that carry an IPv4 address
/// (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4
/// `2002:aabb:ccdd::`) are judged as that IPv4 address: the kernel or a gateway delivers them
/// there. Documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32)
/// are allowed: they are not internal, only unrouted.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let internal = a == 0 // "this network", 0.0.0.0
        || a == 10
        || a == 100 && (64..128).contains(&b) // carrier-grade NAT
        || a == 127
        || a == 169 && b == 254 // link-local, cloud metadata
        || a == 172 && (16..32).contains(&b)
        || a == 192 && b == 0 && c == 0 // IETF protocol assignments
        || a == 192 && b == 168
        || a == 198 && (18..20).contains(&b) // benchmarking
        || a >= 224; // multicast, reserved, broadcast
    !internal
}

/// The IPv4 address an IPv6 address stands for, in the forms that get it delivered there.
/// `::` and `::1` come out as 0.0.0.0 and 0.0.0.1, which are internal like themselves.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = Ipv4Addr::from_bits(ip.to_bits() as u32);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0, 0, 0, 0, 0, 0, _, _] => Some(low),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(low),
        [0x2002, high, low_half, ..] => Some(Ipv4Addr::from_bits(
            (u32::from(high) << 16) | u32::from(low_half),
        )),
        _ => None,
    }
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let internal = (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated, still internal)
        || (s[0] & 0xff00) == 0xff00 // multicast
        || s[..3] == [0x64, 0xff9b, 1] // local-use NAT64
        || s[..4] == [0x100, 0, 0, 0]; // discard-only
    !internal
}

/// The address a URL names literally (`http://203.0.113.5/`, `http://[2001:db8::1]/`): such a
/// host is never resolved, so it is judged on its own.
pub fn literal_address(url: &reqwest::Url) -> Option<IpAddr> {
    let host = url.host_str()?;
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// A name that resolved to internal addresses only.
#[derive(Debug)]
pub struct PrivateDestination;

impl fmt::Display for PrivateDestination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("refused: private address")
    }
}

impl StdError for PrivateDestination {}

/// Whether an error (from the HTTP client, say) was a refusal of a private destination.
pub fn is_private_refusal(error: &(dyn StdError + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<PrivateDestination>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// The operating system's resolver (getaddrinfo, through tokio).
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Resolves through `inner` and keeps only public answers (mapped ones as plain IPv4), failing
/// with [`PrivateDestination`] when none is left. Given to the client as its only resolver, it
/// is the one lookup a request makes: a name cannot answer public to a check and private to the
/// connection (DNS rebinding).
pub struct PublicOnly {
    inner: Arc<dyn Resolve>,
}

impl PublicOnly {
    pub fn new(inner: Arc<dyn Resolve>) -> PublicOnly {
        PublicOnly { inner }
    }
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let answers = self.inner.resolve(name);
        Box::pin(async move {
            let public: Vec<SocketAddr> = answers
                .await?
                .filter(|a| is_public(a.ip()))
                .map(|a| SocketAddr::new(a.ip().to_canonical(), a.port()))
                .collect();
            if public.is_empty() {
                return Err(Box::new(PrivateDestination) as Box<dyn StdError + Send + Sync>);
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn internal_addresses_are_refused_in_every_ipv6_disguise() {
        for text in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "192.0.0.170",
            "198.18.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "100::1",
            "64:ff9b:1::a00:1",
            // IPv4-mapped and IPv4-compatible forms of internal addresses.
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "::169.254.169.254",
            // NAT64 and 6to4 carrying internal addresses.
            "64:ff9b::7f00:1",
            "2002:a9fe:a9fe::1",
        ] {
            assert!(!is_public(ip(text)), "{text} must be refused");
        }
    }

    #[test]
    fn public_addresses_are_allowed_in_any_form() {
        for text in [
            "8.8.8.8",
            "185.1.2.3",
            "203.0.113.5",
            "2001:4860:4860::8888",
            "2001:db8::1",
            "2a00:1450:400f:80d::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(is_public(ip(text)), "{text} must be allowed");
        }
    }

    #[test]
    fn literal_hosts_are_read_from_the_url_with_or_without_brackets() {
        let url = |u: &str| reqwest::Url::parse(u).expect("url");
        assert_eq!(
            literal_address(&url("http://[2001:db8::1]:8443/hooks")),
            Some(ip("2001:db8::1"))
        );
        assert_eq!(
            literal_address(&url("http://[::ffff:127.0.0.1]/")),
            Some(ip("::ffff:127.0.0.1"))
        );
        assert_eq!(
            literal_address(&url("https://203.0.113.5/")),
            Some(ip("203.0.113.5"))
        );
        assert_eq!(literal_address(&url("https://hooks.example.no/")), None);
    }

    /// Answers every name with the same addresses.
    struct Fixed(Vec<IpAddr>);

    impl Resolve for Fixed {
        fn resolve(&self, _: Name) -> Resolving {
            let addrs: Vec<SocketAddr> = self.0.iter().map(|ip| SocketAddr::new(*ip, 0)).collect();
            Box::pin(async move { Ok(Box::new(addrs.into_iter()) as Addrs) })
        }
    }

    async fn resolve_public(answers: &[&str]) -> Result<Vec<IpAddr>, String> {
        let resolver = PublicOnly::new(Arc::new(Fixed(answers.iter().map(|a| ip(a)).collect())));
        let name: Name = "hooks.example.no".parse().expect("name");
        match resolver.resolve(name).await {
            Ok(addrs) => Ok(addrs.map(|a| a.ip()).collect()),
            Err(e) => {
                assert!(is_private_refusal(e.as_ref()), "{e}");
                Err(e.to_string())
            }
        }
    }

    #[tokio::test]
    async fn the_resolver_drops_private_answers_and_refuses_when_none_is_left() {
        assert_eq!(
            resolve_public(&["::ffff:127.0.0.1", "10.0.0.1", "203.0.113.9"]).await,
            Ok(vec![ip("203.0.113.9")])
        );
        assert_eq!(
            resolve_public(&["::ffff:8.8.8.8", "2001:db8::7"]).await,
            Ok(vec![ip("8.8.8.8"), ip("2001:db8::7")]),
            "a mapped public address is connected to as plain IPv4"
        );
        for private in [
            vec!["::ffff:127.0.0.1"],
            vec!["::ffff:169.254.169.254", "::127.0.0.1"],
            vec!["fd00::1", "192.168.0.1"],
            vec![],
        ] {
            assert_eq!(
                resolve_public(&private).await,
                Err("refused: private address".to_owned()),
                "{private:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_client_holding_the_resolver_fails_with_a_refusal_it_can_recognise() {
        let resolver = PublicOnly::new(Arc::new(Fixed(vec![ip("::ffff:127.0.0.1")])));
        let client = reqwest::Client::builder()
            .no_proxy()
            .dns_resolver(Arc::new(resolver))
            .build()
            .expect("client");
        let error = client
            .get("http://hooks.example.no:9/")
            .send()
            .await
            .expect_err("refused");
        assert!(is_private_refusal(&error), "{error:?}");
    }
}
