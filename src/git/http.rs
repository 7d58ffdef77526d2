//! `http://` and `https://` for the portfolio's fetch: gix's reqwest transport, TLS by rustls on
//! ring. Certificates are verified against the system's roots (rustls-platform-verifier; on Linux
//! `SSL_CERT_FILE` and `SSL_CERT_DIR` replace them, as for OpenSSL), plus the PEM bundle that
//! `GIT_SSL_CAINFO` names, as git reads it: the way to trust a private CA. A URL's password is
//! never shown: every message about a URL goes through [`redact`] and [`scrub`].

use std::any::Any;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use gix::protocol::transport::client::blocking_io::http;

use super::{GitError, Result};

/// The variable naming extra CA certificates (PEM), as git reads it.
pub const CA_INFO_VAR: &str = "GIT_SSL_CAINFO";

/// Whether gix reaches `url` over HTTP.
pub fn is_http(url: &str) -> bool {
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    matches!(scheme.as_deref(), Some("http" | "https"))
}

/// The password of a `scheme://user:password@host/...` URL, if it has one.
fn password(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty()).then_some(password)
}

/// `url` as it may be shown: a password in it replaced by `***`.
pub fn redact(url: &str) -> String {
    match password(url) {
        None => url.to_string(),
        Some(secret) => url.replacen(&format!(":{secret}@"), ":***@", 1),
    }
}

/// `text` with `url`'s password replaced by `***` wherever it appears: the URL itself, the
/// `:password@` of another rendering of it, and the bare password when it is long enough not to
/// mangle the rest of the message (an error of the transport may quote what it was given).
pub fn scrub(text: &str, url: &str) -> String {
    let Some(secret) = password(url) else {
        return text.to_string();
    };
    let text = text
        .replace(url, &redact(url))
        .replace(&format!(":{secret}@"), ":***@");
    if secret.len() >= 4 {
        text.replace(secret, "***")
    } else {
        text
    }
}

/// The transport options for fetching over HTTP from `cache`: what gix reads from the (isolated)
/// configuration, with rustls on ring as the process's TLS provider and the certificates of
/// `GIT_SSL_CAINFO` added to the roots.
pub fn transport_options(cache: &gix::Repository, url: &str) -> Result<Box<dyn Any>> {
    // reqwest is built without a provider of its own (that would be aws-lc); the first call
    // installs ring, later ones find it there.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let shown = redact(url);
    let mut options = match cache.transport_options(url, None) {
        Ok(Some(options)) => options,
        Ok(None) => Box::new(http::Options::default()),
        Err(e) => {
            let cause = scrub(&e.probable_cause().to_string(), url);
            return Err(GitError(format!("cannot fetch from {shown}: {cause}")));
        }
    };
    // Certificates matter to TLS only: a CA file that cannot be read does not stop plain HTTP.
    let tls = url
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
    let certificates = if tls { extra_roots()? } else { Vec::new() };
    if let Some(http) = options.downcast_mut::<http::Options>() {
        let reqwest_options = http::reqwest::Options {
            configure_client: Some(Box::new(move |builder| {
                Ok(certificates
                    .iter()
                    .cloned()
                    .fold(builder, |b, c| b.add_root_certificate(c)))
            })),
            configure_request: None,
        };
        http.user_agent = Some(format!("popm/{}", env!("CARGO_PKG_VERSION")));
        http.backend = Some(Arc::new(Mutex::new(reqwest_options)));
    }
    Ok(options)
}

/// The certificates `GIT_SSL_CAINFO` names (none when it is unset or empty). A file that cannot
/// be read or holds no certificate is an error: fetching without the CA the user named would
/// fail later with a vaguer message.
fn extra_roots() -> Result<Vec<reqwest::Certificate>> {
    let Some(path) = std::env::var_os(CA_INFO_VAR).filter(|v| !v.is_empty()) else {
        return Ok(Vec::new());
    };
    let path = PathBuf::from(path);
    let fail = |why: String| GitError(format!("{CA_INFO_VAR}={}: {why}", path.display()));
    let bytes = std::fs::read(&path).map_err(|e| fail(format!("cannot read it: {e}")))?;
    let certificates = reqwest::Certificate::from_pem_bundle(&bytes)
        .map_err(|e| fail(format!("not a PEM certificate bundle: {e}")))?;
    if certificates.is_empty() {
        return Err(fail("holds no PEM certificate".to_string()));
    }
    Ok(certificates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_never_shown() {
        let url = "https://ann:s3cret@git.example.com/rail.git";
        assert_eq!(redact(url), "https://ann:***@git.example.com/rail.git");
        assert_eq!(
            scrub("failed: https://ann:s3cret@git.example.com: s3cret", url),
            "failed: https://ann:***@git.example.com: ***"
        );
        // No password: as given.
        for url in [
            "https://ann@h/r.git",
            "https://h/r.git",
            "git://h/a:b@c",
            "https://h/x?a:b@c",
        ] {
            assert_eq!(redact(url), url);
        }
        assert!(is_http("HTTPS://h/r") && is_http("http://h/r"));
        assert!(!is_http("git://h/r") && !is_http("../https") && !is_http("git@h:r"));
    }
}
