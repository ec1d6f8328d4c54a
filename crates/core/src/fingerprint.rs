//! Stable fingerprints: the same problem in the same place gives the same id in every run,
//! so baselines and waivers keep working.

use sha2::{Digest, Sha256};

/// A 32-hex-digit id from the given parts. Parts are separated by a byte that cannot occur
/// in text (0x1F), so `["ab", "c"]` and `["a", "bc"]` differ.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            hasher.update([0x1f]);
        }
        hasher.update(part.as_bytes());
    }
    hex::encode(&hasher.finalize()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_stable_and_separates_parts() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&["x"]).len(), 32);
        // Pinned: a change here breaks every user's baseline and waivers.
        assert_eq!(
            fingerprint(&["rule", "path"]),
            "3786a8d20a3f9de2ad0a3ed16c32c305"
        );
    }
}
