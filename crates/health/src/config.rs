//! From the command line, the checks file and the `health-check` section of `signoff.yml`
//! to a validated [`Plan`]. Every URL, header, assertion and CA file is checked here, and
//! every problem is collected, before any request is sent.
//!
//! Where checks come from: the `--url` flags plus the `--config` file; when neither is
//! given, the `signoff.yml` section. A setting comes from the check itself, else the
//! command line, else the file's gate-wide value, else the built-in default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use signoff_core::diag::{ConfigError, Problem};
use signoff_core::policy::HealthPolicy;
use signoff_core::policy::health::{CheckSpec, HttpVersion, SloSpec, StatusSet, TlsSpec};

use crate::Args;
use crate::expect::Expect;

/// Built-in defaults.
pub(crate) mod defaults {
    use std::time::Duration;
    pub const DEADLINE: Duration = Duration::from_secs(120);
    pub const PERIOD: Duration = Duration::from_secs(2);
    pub const TIMEOUT: Duration = Duration::from_secs(5);
    pub const SUCCESS_THRESHOLD: u32 = 1;
    pub const MAX_BODY: u64 = 1024 * 1024;
    pub const REDIRECTS: u32 = 10;
    pub const EXPIRY_WARNING_DAYS: u32 = 14;
    pub const SLO_SAMPLES: u32 = 20;
    pub const ROLLBACK_TIMEOUT: Duration = Duration::from_secs(600);
}

/// Most checks one run takes; far above any real deploy, it bounds memory and sockets.
const MAX_CHECKS: usize = 1000;

/// Shortest environment variable value recorded as a secret of its own.
const MIN_SECRET_CHARS: usize = 4;

/// Everything the gate will do.
#[derive(Debug)]
pub(crate) struct Plan {
    pub checks: Vec<std::sync::Arc<CheckPlan>>,
    pub deadline: Duration,
    pub rollback: Option<Rollback>,
    /// Where the checks came from, for the report.
    pub source: String,
}

/// The rollback hook.
#[derive(Debug, Clone)]
pub(crate) struct Rollback {
    pub command: String,
    pub timeout: Duration,
}

/// One validated check.
#[derive(Debug)]
pub(crate) struct CheckPlan {
    pub name: String,
    pub url: reqwest::Url,
    /// The URL as shown in reports and logs: without user name and password.
    pub shown_url: String,
    pub method: reqwest::Method,
    /// Request headers; values are marked sensitive and never shown.
    pub headers: reqwest::header::HeaderMap,
    /// Header values and the environment variable values in them, masked wherever a body
    /// excerpt might echo them.
    pub secrets: Vec<String>,
    pub body: Option<String>,
    pub status: StatusSet,
    pub expects: Vec<Expect>,
    pub probe: Probe,
    pub client: ClientKey,
    pub expiry_warning_days: u32,
    pub slo: Option<Slo>,
    /// `severity: degraded`: unhealthy makes the gate warn, never fail or roll back.
    pub degraded: bool,
}

/// Probe timing and thresholds, as Kubernetes names them.
#[derive(Debug, Clone)]
pub(crate) struct Probe {
    pub initial_delay: Duration,
    pub period: Duration,
    pub timeout: Duration,
    pub success_threshold: u32,
    /// 0: keep trying until the deadline.
    pub failure_threshold: u32,
    pub max_latency: Option<Duration>,
    pub max_body: u64,
}

/// Latency sampling once healthy.
#[derive(Debug, Clone)]
pub(crate) struct Slo {
    pub samples: u32,
    pub p50: Option<Duration>,
    pub p95: Option<Duration>,
    pub p99: Option<Duration>,
}

/// What makes two checks need different HTTP clients. Checks with the same key share one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ClientKey {
    pub ca: Option<PathBuf>,
    pub insecure: bool,
    pub redirects: u32,
    pub http: HttpVersion,
}

/// Why no plan could be made: every problem, each already worded for the user.
#[derive(Debug, Default)]
pub(crate) struct Problems(pub Vec<String>);

impl Problems {
    fn cli(&mut self, message: String, help: &str) {
        self.0.push(format!("error: {message}\n  = help: {help}"));
    }
}

/// Where a check was written, to place its problems.
enum Origin<'a> {
    CommandLine,
    File { problems: &'a mut Vec<Problem> },
}

/// Builds the plan, or returns every problem found.
pub(crate) fn plan(
    args: &Args,
    policy: &HealthPolicy,
    policy_dir: &Path,
) -> Result<Plan, Problems> {
    let mut problems = Problems::default();
    let (file_policy, file_shown, base_dir) = match &args.config {
        Some(path) => match read_config(path) {
            Ok(policy) => (
                policy,
                path.display().to_string(),
                path.parent().map(Path::to_path_buf).unwrap_or_default(),
            ),
            Err(error) => {
                problems.0.push(error.to_string());
                return Err(problems);
            }
        },
        None => (
            policy.clone(),
            "signoff.yml".to_owned(),
            policy_dir.to_path_buf(),
        ),
    };
    let use_file_checks = args.config.is_some() || args.urls.is_empty();
    let mut file_problems = Vec::new();
    let mut checks = Vec::new();

    for url in &args.urls {
        let spec = CheckSpec::default();
        if let Some(check) = check_plan(
            &spec,
            Some(url),
            args,
            &file_policy,
            Path::new(""),
            Origin::CommandLine,
            &mut problems,
        ) {
            checks.push(std::sync::Arc::new(check));
        }
    }
    if use_file_checks {
        for spec in &file_policy.checks {
            let origin = Origin::File {
                problems: &mut file_problems,
            };
            let spec_value = &spec.value;
            if spec_value.url.is_none() {
                file_problems.push(
                    Problem::at(
                        spec.referenced.line(),
                        spec.referenced.column(),
                        "this check has no `url`",
                    )
                    .help("add `url: https://…` to the check"),
                );
                continue;
            }
            if let Some(check) = check_plan(
                spec_value,
                None,
                args,
                &file_policy,
                &base_dir,
                origin,
                &mut problems,
            ) {
                checks.push(std::sync::Arc::new(check));
            }
        }
    }
    if !args.expects.is_empty() && args.urls.is_empty() {
        problems.cli(
            "--expect was given without --url".into(),
            "--expect applies to the --url checks; put assertions of file checks under their `expect:`",
        );
    }
    if !file_problems.is_empty() {
        file_problems.sort_by_key(|p| (p.line, p.column));
        problems.0.push(
            ConfigError {
                file: file_shown.clone(),
                problems: file_problems,
            }
            .to_string(),
        );
    }
    if checks.len() > MAX_CHECKS {
        problems.cli(
            format!(
                "{} checks are configured; at most {MAX_CHECKS} run at once",
                checks.len()
            ),
            "split the checks over several gate runs (matrix jobs)",
        );
    }
    let mut seen = BTreeMap::new();
    for check in &checks {
        if seen.insert(check.name.clone(), ()).is_some() {
            problems.cli(
                format!("two checks are named `{}`", check.name),
                "give each check its own `name:`; reports and rollback variables name checks",
            );
        }
    }
    if !problems.0.is_empty() {
        return Err(problems);
    }

    let deadline = args
        .deadline
        .map(|d| d.0)
        .or(file_policy.deadline.map(|d| d.0))
        .unwrap_or(defaults::DEADLINE);
    let rollback = args
        .rollback
        .clone()
        .or_else(|| file_policy.rollback.clone())
        .filter(|command| !command.trim().is_empty())
        .map(|command| Rollback {
            command,
            timeout: args
                .rollback_timeout
                .or(file_policy.rollback_timeout)
                .map_or(defaults::ROLLBACK_TIMEOUT, |d| d.0),
        });
    let source = match (args.urls.is_empty(), &args.config) {
        (false, Some(path)) => format!("--url and {}", path.display()),
        (false, None) => "--url".to_owned(),
        (true, Some(path)) => path.display().to_string(),
        (true, None) => "signoff.yml".to_owned(),
    };
    Ok(Plan {
        checks,
        deadline,
        rollback,
        source,
    })
}

fn read_config(path: &Path) -> Result<HealthPolicy, ConfigError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| {
        ConfigError::one(
            &shown,
            Problem::file(format!("cannot read the checks file: {error}"))
                .help("check the path given with --config"),
        )
    })?;
    let text = signoff_core::yaml::text(&bytes, &shown)?;
    if signoff_core::yaml::is_empty_document(text) {
        return Ok(HealthPolicy::default());
    }
    signoff_core::yaml::from_bytes(&bytes, &shown)
}

/// Picks the first value present: the check's own, the command line's, the file's.
macro_rules! pick {
    ($spec:expr, $args:expr, $file:expr, $field:ident) => {
        $spec
            .$field
            .clone()
            .or($args.clone())
            .or($file.$field.clone())
    };
}

fn check_plan(
    spec: &CheckSpec,
    cli_url: Option<&String>,
    args: &Args,
    file: &HealthPolicy,
    base_dir: &Path,
    mut origin: Origin<'_>,
    problems: &mut Problems,
) -> Option<CheckPlan> {
    let (url_text, line, column) = match (cli_url, &spec.url) {
        (Some(url), _) => (url.clone(), 0, 0),
        (None, Some(url)) => (
            url.value.clone(),
            url.referenced.line(),
            url.referenced.column(),
        ),
        (None, None) => return None,
    };
    let mut report = |line: u64, column: u64, message: String, help: &str| match &mut origin {
        Origin::CommandLine => problems.cli(message, help),
        Origin::File { problems, .. } => {
            problems.push(Problem::at(line, column, message).help(help.to_owned()))
        }
    };
    let flag = |what: &str| match cli_url {
        Some(_) => format!(" given with {what}"),
        None => String::new(),
    };
    let mut ok = true;

    let url = match reqwest::Url::parse(url_text.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Some(url),
        Ok(url) => {
            report(
                line,
                column,
                format!("`{}`{} is not an http(s) URL", shown(&url), flag("--url")),
                "write a URL like `https://api.example.com/healthz`",
            );
            None
        }
        Err(error) => {
            report(
                line,
                column,
                format!(
                    "`{}`{} is not a valid URL: {error}",
                    signoff_core::text::one_line(&redact_userinfo_text(&url_text)),
                    flag("--url")
                ),
                "write a URL like `https://api.example.com/healthz`",
            );
            None
        }
    };

    let method_text = spec
        .method
        .clone()
        .or(args.method.clone())
        .unwrap_or_else(|| "GET".into());
    let method = match reqwest::Method::from_bytes(method_text.to_ascii_uppercase().as_bytes()) {
        Ok(method) => Some(method),
        Err(_) => {
            report(
                line,
                column,
                format!("`{method_text}` is not an HTTP method"),
                "write a method like `GET`, `HEAD` or `POST`",
            );
            None
        }
    };

    // Headers: the file's gate-wide ones, then the command line's, then the check's own.
    let mut header_texts: Vec<(String, String)> = Vec::new();
    for (name, value) in file.headers.iter().flatten() {
        header_texts.push((name.clone(), value.clone()));
    }
    for header in &args.headers {
        match header.split_once(':') {
            Some((name, value)) => header_texts.push((name.trim().into(), value.trim().into())),
            None => {
                // Do not echo the text: it may hold the secret value itself.
                problems_cli_header(&mut report);
                ok = false;
            }
        }
    }
    for (name, value) in spec.headers.iter().flatten() {
        header_texts.push((name.clone(), value.clone()));
    }
    let mut headers = reqwest::header::HeaderMap::new();
    let mut secrets = Vec::new();
    for (name, value) in header_texts {
        let Ok(header_name) = HeaderName::from_bytes(name.as_bytes()) else {
            report(
                line,
                column,
                format!(
                    "`{}` is not a header name",
                    signoff_core::text::one_line(&name)
                ),
                "header names are letters, digits and `-`, like `Authorization`",
            );
            ok = false;
            continue;
        };
        match expand_env(&value) {
            Ok(expanded) => match HeaderValue::from_str(&expanded.text) {
                Ok(mut header_value) => {
                    header_value.set_sensitive(true);
                    headers.insert(header_name, header_value);
                    secrets.push(expanded.text);
                    // Shorter values would mask ordinary words in every excerpt.
                    secrets.extend(
                        expanded
                            .values
                            .into_iter()
                            .filter(|v| v.chars().count() >= MIN_SECRET_CHARS),
                    );
                }
                Err(_) => {
                    report(
                        line,
                        column,
                        format!("the value of header `{name}` is not a valid header value"),
                        "header values are printable text on one line",
                    );
                    ok = false;
                }
            },
            Err(variable) => {
                report(
                    line,
                    column,
                    format!(
                        "header `{name}` reads the environment variable `{variable}`, which is not set"
                    ),
                    "set the variable in the job's `env:` (for a secret: `env: {NAME: ${{ secrets.NAME }}}`)",
                );
                ok = false;
            }
        }
    }

    let mut expects = Vec::new();
    let expect_texts: Vec<(String, u64, u64)> = if cli_url.is_some() {
        args.expects.iter().map(|e| (e.clone(), 0, 0)).collect()
    } else {
        spec.expect
            .iter()
            .map(|e| (e.value.clone(), e.referenced.line(), e.referenced.column()))
            .collect()
    };
    for (text, line, column) in expect_texts {
        match Expect::parse(&text) {
            Ok(expect) => expects.push(expect),
            Err(error) => {
                let at = error.character(&text);
                report(
                    line,
                    column,
                    format!(
                        "invalid assertion `{}`{}: {} (at character {at})",
                        signoff_core::text::one_line(&text),
                        flag("--expect"),
                        error.message
                    ),
                    &error.help,
                );
                ok = false;
            }
        }
    }

    let probe_value = |own: Option<signoff_core::policy::health::Duration>,
                       cli: Option<signoff_core::policy::health::Duration>,
                       gate: Option<signoff_core::policy::health::Duration>| {
        own.or(cli).or(gate).map(|d| d.0)
    };
    let probe = Probe {
        initial_delay: probe_value(spec.initial_delay, args.initial_delay, file.initial_delay)
            .unwrap_or_default(),
        period: probe_value(spec.period, args.period, file.period).unwrap_or(defaults::PERIOD),
        timeout: probe_value(spec.timeout, args.timeout, file.timeout).unwrap_or(defaults::TIMEOUT),
        success_threshold: pick!(spec, args.success_threshold, file, success_threshold)
            .unwrap_or(defaults::SUCCESS_THRESHOLD),
        failure_threshold: pick!(spec, args.failure_threshold, file, failure_threshold)
            .unwrap_or(0),
        max_latency: probe_value(spec.max_latency, args.max_latency, file.max_latency),
        max_body: pick!(spec, args.max_body, file, max_body).unwrap_or(defaults::MAX_BODY),
    };
    if probe.period.is_zero() || probe.timeout.is_zero() {
        report(
            line,
            column,
            "`period` and `timeout` must be above zero".into(),
            "write a duration like `2s` or `500ms`",
        );
        ok = false;
    }
    if probe.success_threshold == 0 {
        report(
            line,
            column,
            "`success-threshold` must be 1 or more".into(),
            "write how many consecutive successes make the check healthy, like `1` or `3`",
        );
        ok = false;
    }

    let cli_tls = TlsSpec {
        ca: args.ca.as_ref().map(|p| p.display().to_string()),
        insecure: args.insecure.then_some(true),
        expiry_warning_days: args.cert_expiry_days,
    };
    let file_tls = file.tls.clone().unwrap_or_default();
    let own_tls = spec.tls.clone().unwrap_or_default();
    let ca_text = own_tls
        .ca
        .clone()
        .or(cli_tls.ca.clone())
        .or(file_tls.ca.clone());
    // A CA named on the command line is relative to the working directory; one in a file
    // is relative to that file.
    let ca = ca_text.map(|text| {
        let path = PathBuf::from(&text);
        if path.is_absolute() || own_tls.ca.is_none() && cli_tls.ca.is_some() {
            path
        } else {
            base_dir.join(path)
        }
    });
    if let Some(path) = &ca
        && let Err(message) = crate::client::read_ca(path)
    {
        report(
            line,
            column,
            message,
            "name a PEM file of CA certificates (`-----BEGIN CERTIFICATE-----`)",
        );
        ok = false;
    }
    let insecure = own_tls
        .insecure
        .or(cli_tls.insecure)
        .or(file_tls.insecure)
        .unwrap_or(false);
    let expiry_warning_days = own_tls
        .expiry_warning_days
        .or(cli_tls.expiry_warning_days)
        .or(file_tls.expiry_warning_days)
        .unwrap_or(defaults::EXPIRY_WARNING_DAYS);

    let slo = slo_plan(spec.slo.as_ref(), args, file.slo.as_ref());
    if let Some(slo) = &slo
        && slo.samples == 0
    {
        report(
            line,
            column,
            "`slo.samples` must be 1 or more".into(),
            "write how many requests to time once healthy, like `20`",
        );
        ok = false;
    }

    let client = ClientKey {
        ca,
        insecure,
        redirects: pick!(spec, args.max_redirects, file, redirects).unwrap_or(defaults::REDIRECTS),
        http: spec
            .http
            .or(args.http.map(HttpVersion::from))
            .or(file.http)
            .unwrap_or_default(),
    };
    let status = pick!(spec, args.status, file, status).unwrap_or_default();
    let (url, method) = (url?, method?);
    if !ok {
        return None;
    }
    let shown_url = shown(&url);
    Some(CheckPlan {
        name: spec.name.clone().unwrap_or_else(|| shown_url.clone()),
        url,
        shown_url,
        method,
        headers,
        secrets,
        body: spec.body.clone().or(args.body.clone()),
        status,
        expects,
        probe,
        client,
        expiry_warning_days,
        slo,
        degraded: spec.severity == Some(signoff_core::policy::health::CheckSeverity::Degraded),
    })
}

fn problems_cli_header(report: &mut impl FnMut(u64, u64, String, &str)) {
    report(
        0,
        0,
        "a --header is not written `Name: value`".into(),
        "write --header 'Authorization: Bearer ${TOKEN}' (the value is read from the environment and never shown)",
    );
}

fn slo_plan(own: Option<&SloSpec>, args: &Args, file: Option<&SloSpec>) -> Option<Slo> {
    let cli = SloSpec {
        samples: args.slo_samples,
        p50: args.p50,
        p95: args.p95,
        p99: args.p99,
    };
    let empty = SloSpec::default();
    let (own, file) = (own.unwrap_or(&empty), file.unwrap_or(&empty));
    let pick = |f: fn(&SloSpec) -> Option<signoff_core::policy::health::Duration>| {
        f(own).or(f(&cli)).or(f(file)).map(|d| d.0)
    };
    let samples = own.samples.or(cli.samples).or(file.samples);
    let slo = Slo {
        samples: samples.unwrap_or(defaults::SLO_SAMPLES),
        p50: pick(|s| s.p50),
        p95: pick(|s| s.p95),
        p99: pick(|s| s.p99),
    };
    let wanted = samples.is_some() || slo.p50.is_some() || slo.p95.is_some() || slo.p99.is_some();
    wanted.then_some(slo)
}

/// A header value with its `${NAME}` references replaced.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Expanded {
    pub text: String,
    /// The value of each variable read: secrets in their own right, since a server may
    /// echo the token without the `Bearer ` written around it.
    pub values: Vec<String>,
}

/// Replaces `${NAME}` with the environment variable's value; returns the name of a
/// variable that is not set.
pub(crate) fn expand_env(text: &str) -> Result<Expanded, String> {
    let mut out = Expanded {
        text: String::new(),
        values: Vec::new(),
    };
    let mut rest = text;
    while let Some((before, after)) = rest.split_once("${") {
        out.text.push_str(before);
        let Some((name, next)) = after.split_once('}') else {
            out.text.push_str("${");
            out.text.push_str(after);
            return Ok(out);
        };
        match std::env::var(name) {
            Ok(value) if !name.is_empty() => {
                out.text.push_str(&value);
                out.values.push(value);
            }
            _ => return Err(name.to_owned()),
        }
        rest = next;
    }
    out.text.push_str(rest);
    Ok(out)
}

/// A URL for reports and logs: the user name and password replaced.
pub(crate) fn shown(url: &reqwest::Url) -> String {
    let mut url = url.clone();
    if !url.username().is_empty() || url.password().is_some() {
        let _ = url.set_username("***");
        let _ = url.set_password(None);
    }
    url.to_string()
}

/// `shown` for text that did not parse as a URL: drops anything between `//` and `@`.
fn redact_userinfo_text(text: &str) -> String {
    match text
        .split_once("//")
        .and_then(|(scheme, rest)| Some((scheme, rest.rsplit_once('@')?.1)))
    {
        Some((scheme, host)) => format!("{scheme}//***@{host}"),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests;
