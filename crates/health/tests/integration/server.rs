//! Real local HTTP servers for the tests (and the benchmark's example server), bound to
//! 127.0.0.1 only. A plain HTTP/1.1 responder written on raw sockets gives full control
//! over hostile behaviour (hanging, trickling, endless bodies); a hyper server covers
//! HTTP/2 over TLS. Each server stops when dropped.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// A request as the handler sees it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// The body, read to its `content-length` (at most [`MAX_REQUEST_BODY`] bytes).
    pub body: Vec<u8>,
}

/// Most request body bytes the test server reads.
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// What the server does with a request.
pub enum Reply {
    /// A complete response.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Read the request and never answer.
    Hang,
    /// Status 200 and a 1000-byte content length, then one byte per interval.
    Trickle(Duration),
    /// Status 200 and `n` bytes of body written from one reused buffer: no allocation
    /// grows with `n`.
    Endless(u64),
    /// A 302 to the given location.
    Redirect(String),
    /// Wait, then answer 200 with the body.
    Slow(Duration, &'static str),
}

impl Reply {
    pub fn ok(body: &str) -> Self {
        Reply::status(200, body)
    }

    pub fn json(body: &str) -> Self {
        Reply::Respond {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn status(status: u16, body: &str) -> Self {
        Reply::Respond {
            status,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: body.as_bytes().to_vec(),
        }
    }
}

/// The handler: request, 0-based hit number, time since the server started.
pub type Handler = Arc<dyn Fn(&Request, usize, Duration) -> Reply + Send + Sync>;

/// A running server.
pub struct Server {
    pub addr: SocketAddr,
    pub hits: Arc<AtomicUsize>,
    /// Body bytes written to clients.
    pub sent: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn https_url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.addr.port())
    }

    /// A plain HTTP/1.1 server.
    pub fn start(
        handler: impl Fn(&Request, usize, Duration) -> Reply + Send + Sync + 'static,
    ) -> Self {
        Self::start_with(Arc::new(handler), None)
    }

    /// An HTTP/1.1 server behind TLS with the given certificate.
    pub fn start_tls(
        tls: Arc<rustls::ServerConfig>,
        handler: impl Fn(&Request, usize, Duration) -> Reply + Send + Sync + 'static,
    ) -> Self {
        Self::start_with(Arc::new(handler), Some(tls))
    }

    fn start_with(handler: Handler, tls: Option<Arc<rustls::ServerConfig>>) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let sent = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let (hits2, sent2, stop2) = (hits.clone(), sent.clone(), stop.clone());
        runtime.spawn(async move {
            let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                if stop2.load(Ordering::Relaxed) {
                    return;
                }
                let (handler, hits, sent, acceptor) = (
                    handler.clone(),
                    hits2.clone(),
                    sent2.clone(),
                    acceptor.clone(),
                );
                tokio::spawn(async move {
                    match acceptor {
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(stream).await {
                                serve(stream, handler, hits, sent, started).await;
                            }
                        }
                        None => serve(stream, handler, hits, sent, started).await,
                    }
                });
            }
        });
        Server {
            addr,
            hits,
            sent,
            stop,
            runtime: Some(runtime),
        }
    }

    /// An HTTP/1.1 + HTTP/2 server (hyper, ALPN) behind TLS answering 200 with the
    /// protocol version in the body.
    pub fn start_hyper_tls(tls: rustls::ServerConfig) -> Self {
        use hyper::service::service_fn;
        let mut tls = tls;
        tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let hits2 = hits.clone();
        runtime.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (acceptor, hits) = (acceptor.clone(), hits2.clone());
                tokio::spawn(async move {
                    let Ok(stream) = acceptor.accept(stream).await else {
                        return;
                    };
                    let service =
                        service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                            hits.fetch_add(1, Ordering::SeqCst);
                            let body = format!("{{\"version\":\"{:?}\"}}", request.version());
                            async move {
                                Ok::<_, std::convert::Infallible>(hyper::Response::new(
                                    http_body_util::Full::new(hyper::body::Bytes::from(body)),
                                ))
                            }
                        });
                    let _ = hyper_util::server::conn::auto::Builder::new(
                        hyper_util::rt::TokioExecutor::new(),
                    )
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
                });
            }
        });
        Server {
            addr,
            hits,
            sent: Arc::new(AtomicU64::new(0)),
            stop: Arc::new(AtomicBool::new(false)),
            runtime: Some(runtime),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_millis(100));
        }
    }
}

/// Reads the request head and body (both bounded), answers, and closes.
async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    handler: Handler,
    hits: Arc<AtomicUsize>,
    sent: Arc<AtomicU64>,
    started: Instant,
) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
        if head.len() > 64 * 1024 {
            return;
        }
    }
    let end = head
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(head.len());
    let mut body = head.split_off((end + 4).min(head.len()));
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let mut request = Request {
        method: first.next().unwrap_or_default().to_owned(),
        path: first.next().unwrap_or_default().to_owned(),
        headers: lines
            .filter_map(|line| line.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect(),
        body: Vec::new(),
    };
    let length = request
        .headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_REQUEST_BODY);
    while body.len() < length {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&buffer[..n]),
        }
    }
    body.truncate(length);
    request.body = body;
    let hit = hits.fetch_add(1, Ordering::SeqCst);
    match handler(&request, hit, started.elapsed()) {
        Reply::Respond {
            status,
            headers,
            body,
        } => {
            let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
            for (name, value) in headers {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
            out.push_str(&format!(
                "content-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            ));
            let _ = stream.write_all(out.as_bytes()).await;
            let _ = stream.write_all(&body).await;
            sent.fetch_add(body.len() as u64, Ordering::Relaxed);
        }
        Reply::Redirect(location) => {
            let out = format!(
                "HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
            let _ = stream.write_all(out.as_bytes()).await;
        }
        Reply::Slow(delay, body) => {
            tokio::time::sleep(delay).await;
            let out = format!(
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(out.as_bytes()).await;
        }
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
        Reply::Trickle(interval) => {
            let out = "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\nconnection: close\r\n\r\n";
            if stream.write_all(out.as_bytes()).await.is_err() {
                return;
            }
            for _ in 0..1000 {
                if stream.write_all(b"x").await.is_err() || stream.flush().await.is_err() {
                    return;
                }
                sent.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(interval).await;
            }
        }
        Reply::Endless(total) => {
            let out =
                format!("HTTP/1.1 200 OK\r\ncontent-length: {total}\r\nconnection: close\r\n\r\n");
            if stream.write_all(out.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b'a'; 64 * 1024];
            let mut left = total;
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                if stream.write_all(&chunk[..n]).await.is_err() {
                    return;
                }
                sent.fetch_add(n as u64, Ordering::Relaxed);
                left -= n as u64;
            }
        }
    }
    let _ = stream.shutdown().await;
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A CA and certificates it signs, made at test time.
pub struct TestPki {
    pub ca_pem: String,
    ca: rcgen::CertifiedIssuer<'static, rcgen::KeyPair>,
}

impl TestPki {
    pub fn new() -> Self {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "signoff test CA");
        let key = rcgen::KeyPair::generate().unwrap();
        let ca = rcgen::CertifiedIssuer::self_signed(params, key).unwrap();
        TestPki {
            ca_pem: ca.pem(),
            ca,
        }
    }

    /// A server config for `localhost` valid from `not_before` to `not_after`.
    pub fn server(
        &self,
        not_before: (i32, u8, u8),
        not_after: (i32, u8, u8),
    ) -> rustls::ServerConfig {
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        params.not_before = rcgen::date_time_ymd(not_before.0, not_before.1, not_before.2);
        params.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.ca).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .unwrap()
    }
}
