//! signoff-health: the health-check gate. It answers the question every deploy job asks —
//! is the new version really up? — with Kubernetes probe semantics, assertions on status,
//! headers, body and JSON, latency SLOs, certificate expiry, and a rollback hook, and
//! records the answer as the `health-check` gate report.
//!
//! Stages: [`config`] validates everything before any request; [`probe`] runs every check
//! concurrently to its decision within one deadline; [`render`] builds the report;
//! [`rollback`] runs the user's command when the gate fails.

mod cert;
mod client;
mod config;
mod excerpt;
mod expect;
mod jsonpath;
mod probe;
mod render;
mod rollback;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use signoff_core::policy::health::{Duration, HttpVersion, StatusSet};
use signoff_core::report::{GateReport, Tool};
use signoff_core::{CommonArgs, GateArgs};

pub use render::Rule;

/// HTTP versions, as the command line spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HttpFlag {
    /// HTTP/1.1, or HTTP/2 when TLS negotiates it
    Auto,
    /// HTTP/1.1 only
    #[value(name = "1.1")]
    Http1,
    /// HTTP/2 only (prior knowledge on http://)
    #[value(name = "2")]
    Http2,
}

impl From<HttpFlag> for HttpVersion {
    fn from(flag: HttpFlag) -> Self {
        match flag {
            HttpFlag::Auto => HttpVersion::Auto,
            HttpFlag::Http1 => HttpVersion::Http1,
            HttpFlag::Http2 => HttpVersion::Http2,
        }
    }
}

/// Is the deployed service really up? Probes URLs until they are healthy or the deadline
/// passes, checks assertions and latency, and runs a rollback command when they fail.
///
/// Checks come from --url (with the flags below), from --config FILE, or, when neither is
/// given, from the `health-check` section of signoff.yml. Durations take units: 500ms, 2s,
/// 5m (a plain number is seconds).
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "signoff-health", version, long_about = None)]
pub struct Args {
    /// URL to check; repeat for several (each is one check, run concurrently)
    #[arg(long = "url", value_name = "URL")]
    pub urls: Vec<String>,

    /// Assertion each --url response must pass; repeatable. Examples: 'status == 200',
    /// '$.status == "healthy"', '$.checks[*].ok == true', 'body contains "ok"',
    /// 'header "content-type" contains "json"', 'latency < 300ms'
    #[arg(long = "expect", value_name = "EXPR")]
    pub expects: Vec<String>,

    /// Checks file (the format of signoff.yml's `health-check` section)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Every check is decided within this time [default: 120s]
    #[arg(long, value_name = "SECS")]
    pub deadline: Option<Duration>,

    /// Command run by the shell when the gate fails; it gets SIGNOFF_HEALTH_FAILED,
    /// SIGNOFF_HEALTH_FAILED_URLS, SIGNOFF_HEALTH_REASON and SIGNOFF_HEALTH_SUMMARY
    #[arg(long, value_name = "CMD")]
    pub rollback: Option<String>,

    /// Longest the rollback command may run [default: 10m]
    #[arg(long, value_name = "SECS")]
    pub rollback_timeout: Option<Duration>,

    /// Status codes that count as success, like 200, 2xx or 200-299,301 [default: 200-399]
    #[arg(long, value_name = "CODES")]
    pub status: Option<StatusSet>,

    /// HTTP method [default: GET]
    #[arg(long, value_name = "METHOD")]
    pub method: Option<String>,

    /// Request header 'Name: value'; repeatable. ${VAR} reads an environment variable.
    /// Header values are never logged or written
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,

    /// Request body
    #[arg(long = "data", value_name = "BODY")]
    pub body: Option<String>,

    /// Wait before the first attempt [default: 0s]
    #[arg(long, value_name = "SECS")]
    pub initial_delay: Option<Duration>,

    /// Time between attempts, and the longest backoff after a failure [default: 2s]
    #[arg(long, value_name = "SECS")]
    pub period: Option<Duration>,

    /// Longest one attempt may take, body included [default: 5s]
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<Duration>,

    /// Consecutive successes that make a check healthy [default: 1]
    #[arg(long, value_name = "N")]
    pub success_threshold: Option<u32>,

    /// Consecutive failures after which a check gives up [default: 0, until the deadline]
    #[arg(long, value_name = "N")]
    pub failure_threshold: Option<u32>,

    /// An attempt slower than this fails
    #[arg(long, value_name = "SECS")]
    pub max_latency: Option<Duration>,

    /// Most body bytes read per attempt [default: 1048576]
    #[arg(long, value_name = "BYTES")]
    pub max_body: Option<u64>,

    /// Redirects followed; 0 judges the 3xx response itself [default: 10]
    #[arg(long, value_name = "N")]
    pub max_redirects: Option<u32>,

    /// HTTP version [default: auto]
    #[arg(long, value_name = "VERSION")]
    pub http: Option<HttpFlag>,

    /// PEM file of CA certificates to trust besides the system's
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,

    /// Accept any server certificate (the report warns)
    #[arg(long)]
    pub insecure: bool,

    /// Warn when a server certificate expires within this many days [default: 14]
    #[arg(long, value_name = "DAYS")]
    pub cert_expiry_days: Option<u32>,

    /// Requests timed once a check is healthy, for latency percentiles [default: 20
    /// when a percentile is set]
    #[arg(long, value_name = "K")]
    pub slo_samples: Option<u32>,

    /// Highest acceptable median latency of the samples
    #[arg(long, value_name = "SECS")]
    pub p50: Option<Duration>,

    /// Highest acceptable 95th percentile latency of the samples
    #[arg(long, value_name = "SECS")]
    pub p95: Option<Duration>,

    /// Highest acceptable 99th percentile latency of the samples
    #[arg(long, value_name = "SECS")]
    pub p99: Option<Duration>,

    #[command(flatten)]
    pub common: CommonArgs,
}

impl GateArgs for Args {
    const GATE: &'static str = "health-check";

    fn tool() -> Tool {
        signoff_core::tool!()
    }

    fn common(&self) -> &CommonArgs {
        &self.common
    }
}

/// Runs the gate and returns its report.
pub fn run(args: Args) -> GateReport {
    let root = PathBuf::from(".");
    let (ctx, mut report) = match signoff_core::Context::start::<Args>(&args.common, &root) {
        Ok(v) => v,
        Err(report) => return *report,
    };
    // Paths in signoff.yml (a CA file) are relative to it.
    let policy_dir = match &ctx.policy.source {
        signoff_core::policy::Source::File(path) => {
            path.parent().map(PathBuf::from).unwrap_or_default()
        }
        _ => PathBuf::new(),
    };
    let plan = match config::plan(&args, &ctx.policy.health_check(), &policy_dir) {
        Ok(plan) => plan,
        Err(problems) => {
            for problem in problems.0 {
                report.error(problem);
            }
            return report.finish("the health checks are misconfigured, so no request was sent");
        }
    };
    if plan.checks.is_empty() {
        report.error(
            "error: no health check is configured\n  = help: give --url URL, --config FILE, or add `checks:` to the `health-check` section of signoff.yml",
        );
        return report.finish("no health check is configured, so nothing was checked");
    }
    client::install_crypto();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            report.error(format!("cannot start the async runtime: {error}"));
            return report.finish("the health check could not start");
        }
    };
    let outcome = runtime.block_on(execute(&plan));
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(message) => {
            report.error(message);
            return report.finish("the health check could not start");
        }
    };
    let mut rendered = render::Rendered::new(&plan, &outcome);
    let mut findings = rendered.findings();
    ctx.policy
        .apply_waivers(Args::GATE, &mut findings, signoff_core::policy::today());
    let failed = rendered.apply(&mut report, &findings);
    if failed && let Some(rollback) = &plan.rollback {
        let env = rendered.rollback_env();
        let result = runtime.block_on(rollback::run(rollback, &env));
        if let Some(finding) = rendered.rollback(&result) {
            findings.push(finding);
        }
    }
    report.findings(findings);
    let summary = rendered.summary();
    rendered.details(&mut report);
    // A name lookup stuck in the resolver's blocking thread must not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    report.finish(summary)
}

/// Every check's result, in plan order.
pub(crate) struct Outcome {
    pub results: Vec<probe::CheckResult>,
    /// How long until every check was decided.
    pub elapsed: std::time::Duration,
}

async fn execute(plan: &config::Plan) -> Result<Outcome, String> {
    let mut clients: HashMap<config::ClientKey, reqwest::Client> = HashMap::new();
    for check in &plan.checks {
        if !clients.contains_key(&check.client) {
            clients.insert(check.client.clone(), client::build(&check.client)?);
        }
    }
    let started = tokio::time::Instant::now();
    let deadline = started + plan.deadline;
    let mut tasks = tokio::task::JoinSet::new();
    let seed = jiff::Timestamp::now().as_nanosecond() as u64;
    for (index, check) in plan.checks.iter().enumerate() {
        let client = clients.get(&check.client).cloned().ok_or("no client")?;
        let check = Arc::clone(check);
        tasks.spawn(async move {
            let result = probe::run(
                &check,
                &client,
                started,
                deadline,
                seed.wrapping_add(index as u64 * 0x9e37_79b9),
            )
            .await;
            (index, result)
        });
    }
    let mut results: Vec<Option<probe::CheckResult>> =
        (0..plan.checks.len()).map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, result)) => {
                if let Some(slot) = results.get_mut(index) {
                    *slot = Some(result);
                }
            }
            Err(error) => return Err(format!("internal error: a check task failed: {error}")),
        }
    }
    Ok(Outcome {
        results: results.into_iter().flatten().collect(),
        elapsed: started.elapsed(),
    })
}

/// Entry points for the fuzz targets in `fuzz/`; not part of the API.
#[doc(hidden)]
pub mod fuzzing {
    use std::time::Duration;

    use clap::Parser;

    /// A JSON document every parsed path is evaluated on.
    const DOCUMENT: &str = r#"{"status":"ok","checks":[{"name":"db","ok":true},{"name":"cache","ok":false}],"a b":{"c":[1,2,{"d":null}]}}"#;

    /// Parses a JSON path; one that parses is selected on a document, and its text
    /// parses again.
    pub fn jsonpath(text: &str) {
        let Ok(path) = crate::jsonpath::JsonPath::parse(text) else {
            return;
        };
        let document: serde_json::Value = serde_json::from_str(DOCUMENT).unwrap_or_default();
        let _ = path.select(&document);
        assert!(
            crate::jsonpath::JsonPath::parse(path.as_str()).is_ok(),
            "a path's own text does not parse"
        );
    }

    /// The first line is an expectation, the rest a response body: the expectation is
    /// parsed and, when it parses, evaluated against the body.
    pub fn expect(data: &[u8]) {
        let (line, body) = match data.iter().position(|&b| b == b'\n') {
            Some(at) => (&data[..at], &data[at + 1..]),
            None => (data, &b""[..]),
        };
        let line = String::from_utf8_lossy(line);
        let Ok(expect) = crate::expect::Expect::parse(&line) else {
            return;
        };
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            reqwest::header::HeaderValue::from_static("application/json"),
        );
        let json = std::cell::OnceCell::new();
        let response = crate::expect::Response {
            status: 200,
            latency: Duration::from_millis(12),
            headers: &headers,
            body,
            truncated: false,
            json: &json,
        };
        let _ = expect.evaluate(&response);
    }

    /// Reads a certificate's expiry from DER.
    pub fn cert(der: &[u8]) {
        let _ = crate::cert::not_after(der);
    }

    /// A body excerpt never shows a secret it was told about.
    pub fn excerpt(body: &[u8]) {
        const SECRET: &str = "example-S3cr3t-V4lue-0f-th3-t0k3n";
        let shown = crate::excerpt::body(body, &[SECRET.to_owned()], 300);
        assert!(!shown.contains(SECRET), "the excerpt shows the secret");
    }

    /// A checks file (the `health` part of signoff.yml), parsed and planned.
    pub fn config(bytes: &[u8]) {
        let Ok(policy) = signoff_core::yaml::from_bytes::<signoff_core::policy::HealthPolicy>(
            bytes,
            "checks.yml",
        ) else {
            return;
        };
        let Ok(args) = crate::Args::try_parse_from(["signoff-health"]) else {
            return;
        };
        let _ = crate::config::plan(&args, &policy, std::path::Path::new("/nonexistent"));
    }
}
