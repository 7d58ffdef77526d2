//! Who may talk to `popm serve`. A server on localhost is reachable from every web page the user
//! has open: a page from another site can send it requests (cross-site request forgery), and a
//! name of the attacker's that resolves to 127.0.0.1 makes the browser treat the server as that
//! site (DNS rebinding). So:
//!
//! - the `Host` header must name the address the server is bound to, or `localhost`, with its
//!   port (a rebinding name is refused with 421);
//! - a request that changes something must say `Content-Type: application/json` (which a plain
//!   HTML form cannot send) and carry an `Origin` that is the server's own, `http://` + that Host
//!   (else 403).

use std::net::{IpAddr, SocketAddr};

/// The address the server listens on, which the `Host` header must name.
#[derive(Debug, Clone, Copy)]
pub struct Bound(pub SocketAddr);

impl Bound {
    /// Is `host` (the `Host` header) this server: `localhost` or the bound IP address (any IP
    /// address when bound to all interfaces: an address typed as digits cannot be an attacker's
    /// name), with the bound port?
    pub fn accepts_host(&self, host: &str) -> bool {
        let (name, port) = match split_port(host) {
            Some(parts) => parts,
            None => return false,
        };
        let port_ok = match port {
            Some(p) => p == self.0.port(),
            None => self.0.port() == 80,
        };
        if !port_ok {
            return false;
        }
        if name.eq_ignore_ascii_case("localhost") {
            return true;
        }
        let literal = name
            .strip_prefix('[')
            .and_then(|n| n.strip_suffix(']'))
            .unwrap_or(name);
        match literal.parse::<IpAddr>() {
            Ok(ip) => self.0.ip().is_unspecified() || ip == self.0.ip(),
            Err(_) => false,
        }
    }

    /// Is `origin` (the `Origin` header) the origin of the page this server served under `host`
    /// (a Host already accepted)?
    pub fn accepts_origin(&self, origin: &str, host: &str) -> bool {
        origin
            .strip_prefix("http://")
            .is_some_and(|rest| rest.eq_ignore_ascii_case(host))
    }
}

/// `name[:port]` or `[v6][:port]`; `None` for a malformed value.
fn split_port(host: &str) -> Option<(&str, Option<u16>)> {
    let (name, port) = if host.starts_with('[') {
        let end = host.find(']')?;
        let (name, rest) = host.split_at(end + 1);
        match rest.strip_prefix(':') {
            Some(p) => (name, Some(p)),
            None if rest.is_empty() => (name, None),
            None => return None,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, p)) => (name, Some(p)),
            None => (host, None),
        }
    };
    if name.is_empty() {
        return None;
    }
    match port {
        Some(p) => p.parse::<u16>().ok().map(|p| (name, Some(p))),
        None => Some((name, None)),
    }
}

/// Is the `Content-Type` header `application/json` (parameters such as `charset` allowed)?
pub fn is_json(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(addr: &str) -> Bound {
        Bound(addr.parse().unwrap())
    }

    #[test]
    fn the_bound_address_and_localhost_with_the_port_are_this_server() {
        let b = bound("127.0.0.1:7777");
        assert!(b.accepts_host("127.0.0.1:7777"));
        assert!(b.accepts_host("localhost:7777"));
        assert!(b.accepts_host("LOCALHOST:7777"));
        assert!(!b.accepts_host("127.0.0.1:7778"));
        assert!(!b.accepts_host("127.0.0.1"));
        assert!(!b.accepts_host("evil.example:7777"));
        assert!(!b.accepts_host("localhost.evil.example:7777"));
        assert!(!b.accepts_host("10.0.0.1:7777"));
        assert!(!b.accepts_host(":7777"));
        assert!(!b.accepts_host("127.0.0.1:x"));
        assert!(!b.accepts_host(""));
    }

    #[test]
    fn an_ipv6_bind_accepts_its_bracketed_address() {
        let b = bound("[::1]:8080");
        assert!(b.accepts_host("[::1]:8080"));
        assert!(b.accepts_host("localhost:8080"));
        assert!(!b.accepts_host("[::1]"));
        assert!(!b.accepts_host("[::1]x:8080"));
        assert!(!b.accepts_host("127.0.0.1:8080"));
    }

    #[test]
    fn all_interfaces_accept_any_address_but_no_name() {
        let b = bound("0.0.0.0:80");
        assert!(b.accepts_host("192.168.1.20"));
        assert!(b.accepts_host("192.168.1.20:80"));
        assert!(!b.accepts_host("printer.local"));
    }

    #[test]
    fn the_origin_must_be_the_host_the_page_came_from() {
        let b = bound("127.0.0.1:7777");
        assert!(b.accepts_origin("http://127.0.0.1:7777", "127.0.0.1:7777"));
        assert!(b.accepts_origin("http://localhost:7777", "localhost:7777"));
        assert!(!b.accepts_origin("http://localhost:7777", "127.0.0.1:7777"));
        assert!(!b.accepts_origin("https://127.0.0.1:7777", "127.0.0.1:7777"));
        assert!(!b.accepts_origin("null", "127.0.0.1:7777"));
        assert!(!b.accepts_origin("http://127.0.0.1:7777.evil", "127.0.0.1:7777"));
    }

    #[test]
    fn only_application_json_is_json() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(!is_json("text/plain"));
        assert!(!is_json("application/x-www-form-urlencoded"));
        assert!(!is_json("multipart/form-data; boundary=x"));
        assert!(!is_json("application/jsonp"));
    }
}
