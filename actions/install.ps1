# Installs one signoff binary for a composite action on Windows runners; the same order as
# install.sh: a binary of the right version on PATH or in the tool cache, else the release
# asset verified against SHA256SUMS (a mismatch is refused), else `cargo install`.
# Inputs (environment): SIGNOFF_BINARY, SIGNOFF_VERSION, SIGNOFF_DOWNLOAD_URL, GITHUB_ACTION_PATH.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Fail([string]$message) {
  Write-Output "::error title=signoff install::$message"
  exit 1
}

$binary = $env:SIGNOFF_BINARY
$known = @('signoff', 'signoff-secrets', 'signoff-sbom', 'signoff-coverage', 'signoff-health', 'signoff-report', 'signoff-vulns', 'signoff-pipeline', 'signoff-infra')
if (-not ($known -contains $binary)) { Fail "unknown binary '$binary'" }

# GITHUB_ACTION_PATH is actions\<gate> for a gate action and the repository root for the
# report action; actions\ holds VERSION either way.
$actionsDir = $env:GITHUB_ACTION_PATH
if (Test-Path (Join-Path $actionsDir 'actions\VERSION')) { $actionsDir = Join-Path $actionsDir 'actions' }
elseif (-not (Test-Path (Join-Path $actionsDir 'VERSION'))) { $actionsDir = Split-Path $actionsDir -Parent }
$root = Split-Path $actionsDir -Parent
$version = $env:SIGNOFF_VERSION
if ([string]::IsNullOrWhiteSpace($version)) { $version = (Get-Content (Join-Path $actionsDir 'VERSION') -Raw).Trim() }
$version = $version.TrimStart('v')
$base = if ($env:SIGNOFF_DOWNLOAD_URL) { $env:SIGNOFF_DOWNLOAD_URL } else { 'https://github.com/signoff-dev/signoff/releases/download' }
if ($version -eq 'latest') {
  # The release GitHub's /releases/latest redirects to (/releases/tag/vX.Y.Z).
  $latest = ($base -replace '/download$', '') + '/latest'
  try { $resolved = (Invoke-WebRequest -Uri $latest -UseBasicParsing -MaximumRetryCount 3 -RetryIntervalSec 1).BaseResponse.RequestMessage.RequestUri.AbsoluteUri }
  catch { Fail "cannot find the latest release at ${latest}; pin 'version' to a release like 0.1.0" }
  $version = ($resolved.TrimEnd('/') -split '/')[-1].TrimStart('v')
  Write-Output "signoff install: latest release: v$version"
}
if ($version -notmatch '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$') {
  Fail "version '$version' is not a release version like 0.1.0; fix the action's 'version' input"
}
$arch = if ($env:RUNNER_ARCH -eq 'ARM64') { 'aarch64' } else { 'x86_64' }
$target = "$arch-pc-windows-msvc"
$toolCache = if ($env:RUNNER_TOOL_CACHE) { $env:RUNNER_TOOL_CACHE } else { Join-Path $env:USERPROFILE '.cache' }
$cache = Join-Path $toolCache "signoff\$version\$target"
$bin = Join-Path $cache 'bin'

function Done([string]$path) {
  Write-Output "signoff install: using $path ($(& $path --version))"
  if ($env:GITHUB_OUTPUT) { Add-Content -Path $env:GITHUB_OUTPUT -Value "bin=$path" }
  if ($env:GITHUB_PATH) { Add-Content -Path $env:GITHUB_PATH -Value (Split-Path $path -Parent) }
  exit 0
}

# 1. Already installed, at the right version.
$candidates = @()
$onPath = Get-Command "$binary.exe" -ErrorAction SilentlyContinue
if ($onPath) { $candidates += $onPath.Source }
$candidates += (Join-Path $bin "$binary.exe")
foreach ($candidate in $candidates) {
  if (Test-Path $candidate) {
    $found = ((& $candidate --version) -split ' ')[1]
    if ($found -eq $version) { Done $candidate }
  }
}

# 2. The release asset, verified.
$archive = "signoff-$version-$target.zip"
$work = Join-Path ([System.IO.Path]::GetTempPath()) ([System.Guid]::NewGuid().ToString())
New-Item -ItemType Directory -Path $work | Out-Null
$sums = Join-Path $work 'SHA256SUMS'
$haveRelease = $true
try { Invoke-WebRequest -Uri "$base/v$version/SHA256SUMS" -OutFile $sums -UseBasicParsing -MaximumRetryCount 3 -RetryIntervalSec 1 }
catch { $haveRelease = $false }
if ($haveRelease) {
  $line = Get-Content $sums | Where-Object { ($_ -split '\s+')[1] -in @($archive, "*$archive") } | Select-Object -First 1
  if (-not $line) { Fail "SHA256SUMS of release v$version lists no $archive" }
  $expected = ($line -split '\s+')[0].ToLowerInvariant()
  $zip = Join-Path $work $archive
  Invoke-WebRequest -Uri "$base/v$version/$archive" -OutFile $zip -UseBasicParsing -MaximumRetryCount 3 -RetryIntervalSec 1
  $actual = (Get-FileHash -Algorithm SHA256 -Path $zip).Hash.ToLowerInvariant()
  if ($actual -ne $expected) { Fail "checksum mismatch for ${archive}: expected $expected, got $actual; refusing to install it" }
  Expand-Archive -Path $zip -DestinationPath (Join-Path $work 'x') -Force
  New-Item -ItemType Directory -Path $bin -Force | Out-Null
  Get-ChildItem -Path (Join-Path $work 'x') -Recurse -Filter 'signoff*.exe' | Copy-Item -Destination $bin -Force
  Done (Join-Path $bin "$binary.exe")
}
Write-Output "signoff install: no release v$version found at $base; building from source"

# 3. Build from this action's checkout.
$packages = @{ 'signoff' = 'cli'; 'signoff-secrets' = 'secrets'; 'signoff-sbom' = 'sbom'; 'signoff-coverage' = 'coverage'; 'signoff-health' = 'health'; 'signoff-report' = 'report'; 'signoff-vulns' = 'vulns'; 'signoff-pipeline' = 'pipeline'; 'signoff-infra' = 'infra' }
if (-not (Get-Command cargo -ErrorAction SilentlyContinue)) {
  Fail "no release v$version for this runner and no cargo to build one; install Rust or pin 'version' to a released version"
}
& cargo install --quiet --locked --path (Join-Path $root "crates\$($packages[$binary])") --root $cache --bin $binary
if ($LASTEXITCODE -ne 0) { Fail "cargo install of $binary failed" }
Done (Join-Path $bin "$binary.exe")
