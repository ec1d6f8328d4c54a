//! The lines a change adds or modifies: from a unified diff file (`--diff`) or computed
//! with git against a base revision (`--base`). Like diff-cover, only the new side's
//! added lines count; deleted files and removed lines do not.

use std::path::Path;

use crate::error::InputError;

pub use signoff_core::diff::Changes;

/// Parses the unified diff `file` (`--diff`).
pub fn parse(text: &[u8], file: &str) -> Result<Changes, InputError> {
    signoff_core::diff::parse(text).map_err(|error| InputError::Diff {
        file: file.to_owned(),
        message: error.to_string(),
    })
}

/// The lines added since the merge base of `base` and `HEAD`, including staged and
/// unstaged changes (as diff-cover compares by default).
pub fn from_git(root: &Path, base: &str) -> Result<Changes, InputError> {
    let error = |message: String| InputError::Diff {
        file: format!("--base {base}"),
        message,
    };
    let repo = git2::Repository::discover(root).map_err(|e| {
        error(format!(
            "{} is not in a git repository: {}",
            root.display(),
            e.message()
        ))
    })?;
    let base_commit = repo
        .revparse_single(base)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| error(format!("cannot find revision `{base}`: {} (in a shallow clone, fetch the base branch first: `git fetch --depth=1 origin {base}`)", e.message())))?;
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|e| error(format!("cannot read HEAD: {}", e.message())))?;
    let merge_base = repo
        .merge_base(base_commit.id(), head.id())
        .unwrap_or(base_commit.id());
    let tree = repo
        .find_commit(merge_base)
        .and_then(|c| c.tree())
        .map_err(|e| error(format!("cannot read the merge base: {}", e.message())))?;
    let mut options = git2::DiffOptions::new();
    options.context_lines(0);
    let diff = repo
        .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut options))
        .map_err(|e| error(format!("cannot compute the diff: {}", e.message())))?;
    // Paths relative to `root` when it is a subdirectory of the repository.
    let prefix = repo
        .workdir()
        .and_then(|w| std::fs::canonicalize(w).ok())
        .zip(std::fs::canonicalize(root).ok())
        .and_then(|(w, r)| {
            r.strip_prefix(&w)
                .ok()
                .map(|p| crate::paths::normalize(&p.to_string_lossy()))
        })
        .filter(|p| !p.is_empty())
        .map(|p| format!("{p}/"));
    let mut changes = Changes::default();
    diff.foreach(
        &mut |_, _| true,
        None,
        None,
        Some(&mut |delta, _hunk, line| {
            if line.origin() == '+'
                && let (Some(path), Some(number)) = (delta.new_file().path(), line.new_lineno())
            {
                let path = crate::paths::normalize(&path.to_string_lossy());
                let path = match &prefix {
                    Some(prefix) => match path.strip_prefix(prefix.as_str()) {
                        Some(rest) => rest.to_owned(),
                        None => return true,
                    },
                    None => path,
                };
                changes.files.entry(path).or_default().push(number);
            }
            true
        }),
    )
    .map_err(|e| error(format!("cannot walk the diff: {}", e.message())))?;
    for lines in changes.files.values_mut() {
        lines.sort_unstable();
        lines.dedup();
    }
    Ok(changes)
}
