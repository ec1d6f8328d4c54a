//! `signoff-vulns update`: downloads the OSV exports (`<Ecosystem>/all.zip`) of the
//! ecosystems the SBOM needs, with conditional requests (If-None-Match with the last
//! ETag, If-Modified-Since with the last Last-Modified), streaming into a temporary file
//! beside the target that is checked as a zip and then renamed over it, so a reader
//! never sees half a database. The name index is rebuilt after each download. It is the
//! only step of the gate that uses the network.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use sha2_shim::Sha256;

use crate::db::{self, Meta, index};
use crate::ecosystem::Ecosystem;

/// Where the exports are published.
pub const DEFAULT_MIRROR: &str = "https://osv-vulnerabilities.storage.googleapis.com";
/// Largest export accepted.
const MAX_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// Arguments of `update`.
#[derive(Debug, Clone, clap::Args)]
pub struct UpdateArgs {
    /// Repository whose ecosystems to download (described from its lockfiles)
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// CycloneDX JSON SBOM whose ecosystems to download [default: describe the repository]
    #[arg(long, value_name = "FILE")]
    pub sbom: Option<PathBuf>,

    /// OSV database directory [default: $SIGNOFF_VULN_DB, else the user cache]
    #[arg(long, value_name = "DIR")]
    pub db: Option<PathBuf>,

    /// Download this ecosystem (OSV name: npm, PyPI, Maven, Go, crates.io, RubyGems,
    /// NuGet, Packagist, Pub, Hex), whatever the SBOM holds (repeatable)
    #[arg(long = "ecosystem", value_name = "NAME")]
    pub ecosystems: Vec<String>,

    /// Base URL of the exports (a mirror); `<URL>/<Ecosystem>/all.zip` is fetched
    #[arg(long, value_name = "URL", env = "SIGNOFF_VULN_MIRROR", default_value = DEFAULT_MIRROR)]
    pub mirror: String,

    /// Give up on one download after this many seconds
    #[arg(long, value_name = "SECS", default_value_t = 600)]
    pub timeout: u64,
}

/// Runs `update`; prints one line per ecosystem.
pub fn main(args: &UpdateArgs) -> ExitCode {
    let ecosystems = match ecosystems(args, &args.path) {
        Ok(e) => e,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    if ecosystems.is_empty() {
        println!(
            "update: the SBOM has no package in an ecosystem the OSV exports cover; nothing to download"
        );
        return ExitCode::SUCCESS;
    }
    let (dir, _) = db::location(args.db.as_deref());
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(error) => {
            eprintln!("error: cannot start the HTTP client: {error}");
            return ExitCode::from(2);
        }
    };
    let mut failed = false;
    for ecosystem in ecosystems {
        match runtime.block_on(fetch(args, &dir, ecosystem)) {
            Ok(line) => println!("{}: {line}", ecosystem.osv_name()),
            Err(error) => {
                failed = true;
                eprintln!("error: {}: {error}", ecosystem.osv_name());
            }
        }
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

fn ecosystems(args: &UpdateArgs, path: &Path) -> Result<BTreeSet<Ecosystem>, String> {
    if !args.ecosystems.is_empty() {
        return args
            .ecosystems
            .iter()
            .map(|name| {
                Ecosystem::ALL
                    .iter()
                    .copied()
                    .find(|e| e.osv_name().eq_ignore_ascii_case(name))
                    .ok_or_else(|| {
                        let known: Vec<&str> = Ecosystem::ALL.iter().map(|e| e.osv_name()).collect();
                        format!("error: --ecosystem {name}: not an ecosystem the gate reads\n  = help: use one of {}", known.join(", "))
                    })
            })
            .collect();
    }
    let sbom = match &args.sbom {
        Some(file) => crate::sbom::read(file)?,
        None => crate::sbom::from_repository(path)?.0,
    };
    Ok(sbom
        .components
        .iter()
        .filter_map(|c| c.package.as_ref().and_then(|p| p.ecosystem))
        .collect())
}

fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Downloads one export when it changed; returns what happened, in words.
async fn fetch(args: &UpdateArgs, dir: &Path, ecosystem: Ecosystem) -> Result<String, String> {
    let folder = db::folder(dir, ecosystem);
    std::fs::create_dir_all(&folder)
        .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    let url = format!(
        "{}/{}/all.zip",
        args.mirror.trim_end_matches('/'),
        ecosystem.osv_name()
    );
    let zip = folder.join(db::ZIP);
    let previous = Meta::read(&folder).filter(|m| m.url == url && zip.is_file());
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .user_agent(concat!("signoff-vulns/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(30))
        .timeout(Duration::from_secs(args.timeout))
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
    let mut request = client.get(&url);
    if let Some(meta) = &previous {
        if let Some(etag) = &meta.etag {
            request = request.header("If-None-Match", etag);
        }
        if let Some(modified) = &meta.last_modified {
            request = request.header("If-Modified-Since", modified);
        }
    }
    let started = std::time::Instant::now();
    let mut response = request
        .send()
        .await
        .map_err(|e| format!("cannot download {url}: {}", without_url(&e)))?;
    let status = response.status().as_u16();
    if status == 304 {
        let mut meta = previous.unwrap_or_default();
        meta.checked_at = now();
        save_meta(&folder, &meta)?;
        if !index::index_path(&zip).is_file() {
            index::rebuild(&zip, ecosystem).map_err(|e| e.to_string())?;
        }
        return Ok(format!(
            "unchanged since {} (304 Not Modified)",
            meta.downloaded_at
        ));
    }
    if status != 200 {
        return Err(format!(
            "{url} answered {status}; check --mirror, or try again later"
        ));
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (etag, last_modified) = (header("etag"), header("last-modified"));
    let temporary = folder.join(format!(".{}.{}.tmp", db::ZIP, std::process::id()));
    let result = async {
        let mut file = std::fs::File::create(&temporary)
            .map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| format!("the download of {url} broke off: {}", without_url(&e)))?
        {
            size += chunk.len() as u64;
            if size > MAX_BYTES {
                return Err(format!("{url} is larger than 4 GiB; refusing it"));
            }
            hasher.update(&chunk);
            file.write_all(&chunk)
                .map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
        }
        file.sync_all()
            .map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
        drop(file);
        let reader = std::fs::File::open(&temporary).map_err(|e| e.to_string())?;
        zip::ZipArchive::new(std::io::BufReader::new(reader)).map_err(|e| {
            format!("{url} did not send a valid zip ({e}); the previous database is kept")
        })?;
        std::fs::rename(&temporary, &zip)
            .map_err(|e| format!("cannot replace {}: {e}", zip.display()))?;
        Ok((size, hasher.finish()))
    }
    .await;
    let (size, sha256) = result.inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })?;
    let records = index::rebuild(&zip, ecosystem).map_err(|e| e.to_string())?;
    let time = now();
    save_meta(
        &folder,
        &Meta {
            url,
            etag,
            last_modified,
            checked_at: time.clone(),
            downloaded_at: time,
            size,
            sha256,
        },
    )?;
    Ok(format!(
        "downloaded {:.1} MB in {:.1} s; {} records",
        size as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        signoff_core::text::thousands(records)
    ))
}

fn save_meta(folder: &Path, meta: &Meta) -> Result<(), String> {
    let text = serde_json::to_string_pretty(meta).map_err(|e| e.to_string())?;
    signoff_core::fs::write_atomic(&folder.join(db::META), text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", folder.join(db::META).display()))
}

/// A transport error without the URL (it is printed once, beside it).
fn without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text
            .replace(&format!(" ({url})"), "")
            .replace(url.as_str(), "<url>");
    }
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// sha256 through the workspace's sha2, behind a tiny local name.
mod sha2_shim {
    use sha2::Digest as _;

    pub(crate) struct Sha256(sha2::Sha256);

    impl Sha256 {
        pub(crate) fn new() -> Self {
            Self(sha2::Sha256::new())
        }
        pub(crate) fn update(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }
        pub(crate) fn finish(self) -> String {
            hex::encode(self.0.finalize())
        }
    }
}
