//! Hostile input: binary and huge files, symlink loops, invalid UTF-8 and markup in file
//! names, corrupt objects and paths that are not repositories. Each is a counted skip or a
//! clear error, never a panic or a silent pass.

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
