//! HTTP clients (reqwest over rustls with the ring provider) and the wording of transport
//! errors. Checks that need the same TLS, redirect and HTTP-version settings share one
//! client. Like the kubelet, no connection is kept between attempts: every attempt
//! connects afresh, so a server that stopped accepting connections is noticed.

use std::path::Path;

use reqwest::redirect;
use signoff_core::policy::health::HttpVersion;

use crate::config::ClientKey;

/// Installs rustls's ring provider as the process default (once; later calls are no-ops).
pub(crate) fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Reads a PEM bundle of CA certificates, or says why it cannot be used.
pub(crate) fn read_ca(path: &Path) -> Result<Vec<reqwest::Certificate>, String> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the CA file {shown}: {e}"))?;
    if bytes.len() > 4 * 1024 * 1024 {
        return Err(format!(
            "the CA file {shown} is over 4 MiB, so it is not a CA bundle"
        ));
    }
    let certs = reqwest::Certificate::from_pem_bundle(&bytes)
        .map_err(|_| format!("the CA file {shown} is not a PEM certificate bundle"))?;
    if certs.is_empty() {
        return Err(format!("the CA file {shown} holds no certificate"));
    }
    Ok(certs)
}

/// Builds the client for `key`.
pub(crate) fn build(key: &ClientKey) -> Result<reqwest::Client, String> {
    let max = key.redirects as usize;
    let policy = if max == 0 {
        redirect::Policy::none()
    } else {
        redirect::Policy::custom(move |attempt| {
            let url = attempt.url().clone();
            if attempt.previous().contains(&url) {
                let error = format!(
                    "redirect loop: {} was already visited",
                    crate::config::shown(&url)
                );
                attempt.error(error)
            } else if attempt.previous().len() > max {
                attempt.error(format!("more than {max} redirects"))
            } else {
                attempt.follow()
            }
        })
    };
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("signoff-health/", env!("CARGO_PKG_VERSION")))
        .pool_max_idle_per_host(0)
        .redirect(policy)
        .tls_info(true)
        .referer(false);
    if let Some(ca) = &key.ca {
        builder = builder.tls_certs_merge(read_ca(ca)?);
    }
    if key.insecure {
        builder = builder.tls_danger_accept_invalid_certs(true);
    }
    builder = match key.http {
        HttpVersion::Auto => builder,
        HttpVersion::Http1 => builder.http1_only(),
        HttpVersion::Http2 => builder.http2_prior_knowledge(),
    };
    builder
        .build()
        .map_err(|error| format!("cannot set up the HTTP client: {}", describe(&error)))
}

/// A transport error in plain words, without the URL (which may carry credentials) and
/// with the root cause last: `connect: Connection refused (os error 111)`.
pub(crate) fn describe(error: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let kind = if error.is_connect() {
        Some("connect")
    } else if error.is_redirect() {
        Some("redirect")
    } else if error.is_body() || error.is_decode() {
        Some("body")
    } else if error.is_request() {
        Some("request")
    } else {
        None
    };
    if let Some(kind) = kind {
        parts.push(kind.to_owned());
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(error);
    let mut causes = Vec::new();
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    // Keep the most specific causes; outer ones usually repeat them.
    causes.dedup();
    let mut last: Vec<String> = Vec::new();
    for cause in causes.iter().rev().take(2).rev() {
        if !last.iter().any(|seen| seen.contains(cause.as_str())) {
            last.push(cause.clone());
        }
    }
    if last.is_empty() {
        last.push(error.without_url_ref());
    }
    parts.extend(last);
    signoff_core::text::one_line(&parts.join(": "))
}

trait WithoutUrl {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref(&self) -> String {
        // `Display` appends ` for url (…)`; the URL may hold credentials.
        let text = self.to_string();
        match text.split_once(" for url (") {
            Some((before, _)) => before.to_owned(),
            None => text,
        }
    }
}
