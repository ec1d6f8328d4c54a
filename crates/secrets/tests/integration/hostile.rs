//! Hostile input: binary and huge files, symlink loops, invalid UTF-8 in contents and in
//! file names (tree, history and range), markup in file names, corrupt loose objects,
//! corrupt and truncated packs and indexes, unreadable files and repositories, oversized
//! blobs, and paths that are not repositories. Each is a counted skip or a clear error,
//! never a panic or a silent pass.

use std::os::unix::ffi::OsStrExt;

use signoff_testkit::GitRepo;

use crate::common::{github_token, scan};

#[test]
fn binary_huge_symlinked_and_oddly_named_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let token = github_token(61);
    std::fs::write(
        root.join("blob.bin"),
        [b"\x00\x01\x02".as_slice(), token.as_bytes()].concat(),
    )
    .unwrap();
    std::fs::write(
        root.join("huge.txt"),
        format!("{}{token}\n", "a".repeat(11_000_000)),
    )
    .unwrap();
    std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
    std::os::unix::fs::symlink(root.join("missing"), root.join("dangling")).unwrap();
    let odd = std::ffi::OsStr::from_bytes(b"bad-\xff-name <b>**x**<b> `y`.txt");
    std::fs::write(root.join(odd), format!("T={token}\n")).unwrap();
    let outcome = scan(root, &["--mode", "tree"]);
    assert_eq!(outcome.run.code, 1, "{}", outcome.run.all_output());
    let metrics = &outcome.report["metrics"];
    assert_eq!(metrics["binary_skipped"], 1);
    assert_eq!(metrics["too_large_skipped"], 1);
    assert_eq!(metrics["symlinks_skipped"], 2);
    let findings = outcome.findings();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        findings[0]["location"]["path"],
        "bad-\u{fffd}-name <b>**x**<b> `y`.txt"
    );
    outcome.assert_never_shows(&[token]);
}

#[test]
fn not_a_repository_and_not_a_directory_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let outcome = scan(dir.path(), &["--mode", "history"]);
    assert_eq!(outcome.run.code, 2);
    assert!(
        outcome.run.stderr.contains("not a git repository"),
        "{}",
        outcome.run.stderr
    );
    assert!(
        outcome.run.stderr.contains("--mode tree"),
        "{}",
        outcome.run.stderr
    );

    let file = dir.path().join("f.txt");
    std::fs::write(&file, "x").unwrap();
    let outcome = scan(&file, &[]);
    assert_eq!(outcome.run.code, 2);
    assert!(
        outcome.run.stderr.contains("is not a directory"),
        "{}",
        outcome.run.stderr
    );
}

#[test]
fn corrupt_objects_are_counted_and_warned() {
    let mut repo = GitRepo::new();
    repo.write("a.txt", "hello\n");
    repo.commit("one");
    repo.write("b.txt", format!("{}\n", github_token(71)));
    repo.commit("two");
    // Break one loose object: the scan goes on, warns, and still reports what it read.
    let oid = repo.git(&["rev-parse", "HEAD:a.txt"]);
    let path = repo
        .path()
        .join(".git/objects")
        .join(&oid[..2])
        .join(&oid[2..]);
    let mut permissions = std::fs::metadata(&path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&path, permissions).unwrap();
    std::fs::write(&path, b"not zlib at all").unwrap();
    let outcome = scan(repo.path(), &["--mode", "history"]);
    assert_eq!(outcome.run.code, 1, "{}", outcome.run.all_output());
    assert_eq!(outcome.rules(), ["github-pat"]);
    let warnings = outcome.report["details"]["warnings"].to_string();
    assert!(warnings.contains("cannot inflate"), "{warnings}");
}

#[test]
fn deeply_nested_directories_and_many_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut path = dir.path().to_path_buf();
    for i in 0..60 {
        path = path.join(format!("d{i}"));
    }
    std::fs::create_dir_all(&path).unwrap();
    std::fs::write(path.join("deep.env"), format!("GH={}\n", github_token(81))).unwrap();
    for i in 0..300 {
        std::fs::write(dir.path().join(format!("f{i}.txt")), "nothing here\n").unwrap();
    }
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    assert_eq!(outcome.rules(), ["github-pat"]);
    assert_eq!(outcome.report["metrics"]["files_scanned"], 301);
}

/// The repository's only pack and its index, after `git gc` (writable, so tests can
/// break them).
fn pack_files(repo: &GitRepo) -> (std::path::PathBuf, std::path::PathBuf) {
    repo.git(&["gc", "-q"]);
    let dir = repo.path().join(".git/objects/pack");
    let idx = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "idx"))
        .unwrap();
    let pack = idx.with_extension("pack");
    for path in [&idx, &pack] {
        let mut permissions = std::fs::metadata(path).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(false);
        std::fs::set_permissions(path, permissions).unwrap();
    }
    (idx, pack)
}

/// Each object's pack offset, from `git show-index`.
fn pack_offsets(idx: &std::path::Path) -> Vec<(u64, String)> {
    let output = std::process::Command::new("git")
        .arg("show-index")
        .stdin(std::fs::File::open(idx).unwrap())
        .output()
        .unwrap();
    let mut offsets: Vec<(u64, String)> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let mut parts = line.split_whitespace();
            (
                parts.next().unwrap().parse().unwrap(),
                parts.next().unwrap().to_owned(),
            )
        })
        .collect();
    offsets.sort();
    offsets
}

/// A repository with a large blob (no secret) and a secret in another file, packed.
fn packed_repo(token: &str) -> (GitRepo, String) {
    let mut repo = GitRepo::new();
    let big: String = (0..2000)
        .map(|i| format!("line {i} {}\n", i * 7919 % 1000))
        .collect();
    repo.write("big.txt", big);
    repo.write("secret.env", format!("GH={token}\n"));
    repo.commit("one");
    let big_blob = repo.git(&["rev-parse", "HEAD:big.txt"]);
    (repo, big_blob)
}

fn assert_no_panic(outcome: &crate::common::Outcome) {
    assert!(
        !outcome.run.stderr.contains("panicked") && !outcome.run.stderr.contains("internal error"),
        "{}",
        outcome.run.stderr
    );
}

#[test]
fn corrupt_pack_data_is_counted_and_the_rest_still_scanned() {
    let token = github_token(401);
    let (repo, big_blob) = packed_repo(&token);
    let (idx, pack) = pack_files(&repo);
    let offsets = pack_offsets(&idx);
    let at = offsets.iter().find(|(_, oid)| *oid == big_blob).unwrap().0;
    let mut data = std::fs::read(&pack).unwrap();
    for byte in &mut data[at as usize + 8..at as usize + 40] {
        *byte = 0xAA;
    }
    std::fs::write(&pack, data).unwrap();
    let outcome = scan(repo.path(), &["--mode", "history"]);
    assert_no_panic(&outcome);
    assert_eq!(outcome.run.code, 1, "{}", outcome.run.all_output());
    assert_eq!(outcome.rules(), ["github-pat"]);
    let warnings = outcome.report["details"]["warnings"].to_string();
    assert!(warnings.contains("corrupt git data"), "{warnings}");
    outcome.assert_never_shows(&[token]);
}

#[test]
fn overlapping_pack_offsets_are_counted_not_a_crash() {
    // An index that puts one blob a byte after another: the first one's data would end
    // before it starts (an underflow before the checked arithmetic).
    let token = github_token(402);
    let (mut repo, big_blob) = packed_repo(&token);
    repo.write("other.txt", "x".repeat(5000));
    repo.commit("two");
    let other_blob = repo.git(&["rev-parse", "HEAD:other.txt"]);
    let (idx, _) = pack_files(&repo);
    let offsets = pack_offsets(&idx);
    let big_at = offsets.iter().find(|(_, oid)| *oid == big_blob).unwrap().0;
    // Index v2: header, fanout, names, CRCs, then 32-bit offsets in name order.
    let mut bytes = std::fs::read(&idx).unwrap();
    let count = offsets.len();
    let mut names: Vec<&str> = offsets.iter().map(|(_, oid)| oid.as_str()).collect();
    names.sort();
    let position = names.iter().position(|n| *n == other_blob).unwrap();
    let slot = 8 + 1024 + count * 24 + position * 4;
    bytes[slot..slot + 4].copy_from_slice(&(big_at as u32 + 1).to_be_bytes());
    std::fs::write(&idx, bytes).unwrap();
    let outcome = scan(repo.path(), &["--mode", "history"]);
    assert_no_panic(&outcome);
    assert_eq!(
        outcome.rules(),
        ["github-pat"],
        "{}",
        outcome.run.all_output()
    );
    let warnings = outcome.report["details"]["warnings"].to_string();
    assert!(warnings.contains("corrupt git data"), "{warnings}");
}

#[test]
fn corrupt_or_truncated_packs_and_indexes_are_clear_errors() {
    for (what, expected) in [
        ("index magic", "not a version 2 pack index"),
        ("index cut short", "the index is truncated"),
        ("pack cut short", "past the end of the pack"),
    ] {
        let token = github_token(403);
        let (repo, _) = packed_repo(&token);
        let (idx, pack) = pack_files(&repo);
        match what {
            "index magic" => {
                let mut bytes = std::fs::read(&idx).unwrap();
                bytes[..4].copy_from_slice(b"JUNK");
                std::fs::write(&idx, bytes).unwrap();
            }
            "index cut short" => {
                let bytes = std::fs::read(&idx).unwrap();
                std::fs::write(&idx, &bytes[..1100]).unwrap();
            }
            _ => {
                let bytes = std::fs::read(&pack).unwrap();
                std::fs::write(&pack, &bytes[..bytes.len() / 3]).unwrap();
            }
        }
        let outcome = scan(repo.path(), &["--mode", "history"]);
        assert_no_panic(&outcome);
        assert_eq!(outcome.run.code, 2, "{what}: {}", outcome.run.all_output());
        assert_eq!(outcome.report["status"], "error");
        assert!(
            outcome.run.stderr.contains(expected) && outcome.run.stderr.contains("git fsck"),
            "{what}: {}",
            outcome.run.stderr
        );
        outcome.assert_never_shows(&[token]);
    }
}

/// Whether this process ignores file permissions (root does): then permission tests
/// cannot observe a denial and skip that assertion.
fn permissions_ignored(path: &std::path::Path) -> bool {
    std::fs::read(path).is_ok() || std::fs::read_dir(path).is_ok()
}

#[test]
fn unreadable_files_and_repositories_are_skips_or_clear_errors() {
    use std::os::unix::fs::PermissionsExt;
    let mut repo = GitRepo::new();
    let token = github_token(404);
    repo.write("a.env", format!("GH={token}\n"));
    repo.write("locked.env", format!("GH={}\n", github_token(405)));
    repo.commit("one");
    let locked = repo.path().join("locked.env");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let tree = scan(repo.path(), &["--mode", "tree"]);
    assert_no_panic(&tree);
    if !permissions_ignored(&locked) {
        assert_eq!(tree.report["metrics"]["unreadable_skipped"], 1);
        let warnings = tree.report["details"]["warnings"].to_string();
        assert!(warnings.contains("locked.env"), "{warnings}");
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();

    let git_dir = repo.path().join(".git");
    std::fs::set_permissions(&git_dir, std::fs::Permissions::from_mode(0o000)).unwrap();
    if !permissions_ignored(&git_dir.join("HEAD")) {
        let outcome = scan(repo.path(), &["--mode", "history"]);
        assert_no_panic(&outcome);
        assert_eq!(outcome.run.code, 2, "{}", outcome.run.all_output());
        assert!(
            outcome.run.stderr.contains("cannot read"),
            "{}",
            outcome.run.stderr
        );
    }
    std::fs::set_permissions(&git_dir, std::fs::Permissions::from_mode(0o755)).unwrap();

    // A `.git` that leads nowhere (as a broken worktree or submodule leaves): an error
    // that names it, not "not a repository", even when permissions cannot be tested.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".git"), "gitdir: /no/such/dir\n").unwrap();
    std::fs::write(dir.path().join("a.txt"), "x\n").unwrap();
    let outcome = scan(dir.path(), &["--mode", "history"]);
    assert_no_panic(&outcome);
    assert_eq!(outcome.run.code, 2, "{}", outcome.run.all_output());
    assert!(
        outcome
            .run
            .stderr
            .contains("holds a .git that git cannot read")
            && outcome.run.stderr.contains("help:"),
        "{}",
        outcome.run.stderr
    );
}

#[test]
fn invalid_utf8_content_and_paths_in_every_git_scope() {
    let mut repo = GitRepo::new();
    repo.write("README", "start\n");
    let base = repo.commit("base");
    let token = github_token(406);
    let name = std::ffi::OsStr::from_bytes(b"bad-\xff-name.env");
    std::fs::write(
        repo.path().join(name),
        [
            b"\xff\xfe not text \xc3\x28\n".as_slice(),
            format!("GH={token}\n").as_bytes(),
            b"\xed\xa0\x80 surrogate\n",
        ]
        .concat(),
    )
    .unwrap();
    repo.commit("odd bytes");
    for args in [
        vec!["--mode", "tree"],
        vec!["--mode", "history"],
        vec!["--mode", "range", "--base", &base],
    ] {
        let outcome = scan(repo.path(), &args);
        assert_no_panic(&outcome);
        assert_eq!(
            outcome.run.code,
            1,
            "{args:?}: {}",
            outcome.run.all_output()
        );
        let findings = outcome.findings();
        assert_eq!(findings.len(), 1, "{args:?}: {findings:?}");
        assert_eq!(findings[0]["location"]["path"], "bad-\u{fffd}-name.env");
        assert_eq!(findings[0]["location"]["line"], 2);
        let uri = &outcome.sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"];
        assert_eq!(uri, "bad-%EF%BF%BD-name.env");
        outcome.assert_never_shows(std::slice::from_ref(&token));
    }
}

#[test]
fn oversized_blobs_in_history_are_counted() {
    let mut repo = GitRepo::new();
    let (big, small) = (github_token(407), github_token(408));
    repo.write("README", "start\n");
    let base = repo.commit("base");
    repo.write("big.env", format!("{}GH={big}\n", "#".repeat(5000)));
    repo.write("small.env", format!("GH={small}\n"));
    repo.commit("two files");
    std::fs::write(
        repo.path().join("signoff.yml"),
        "gates:\n  secret-scan:\n    max_file_bytes: 1000\n",
    )
    .unwrap();
    for args in [
        vec!["--mode", "history"],
        vec!["--mode", "range", "--base", &base],
    ] {
        let outcome = scan(repo.path(), &args);
        assert_eq!(
            outcome.run.code,
            1,
            "{args:?}: {}",
            outcome.run.all_output()
        );
        assert_eq!(
            outcome.report["metrics"]["too_large_skipped"], 1,
            "{args:?}"
        );
        let paths: Vec<&str> = outcome
            .findings()
            .iter()
            .map(|f| f["location"]["path"].as_str().unwrap())
            .collect();
        assert_eq!(paths, ["small.env"], "{args:?}");
        outcome.assert_never_shows(&[big.clone(), small.clone()]);
    }
}
