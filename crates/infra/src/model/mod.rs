//! What the gate reads, modelled: Dockerfiles (own parser, `dockerfile.rs`), YAML files as
//! positioned trees (core's `yaml::tree`: compose files and Kubernetes manifests), Terraform
//! as `hcl-edit` bodies with byte spans (`terraform.rs`), and image references
//! (`image.rs`), shared by the three families that pull images.

pub mod dockerfile;
pub mod image;
pub mod terraform;

pub use signoff_core::yaml::tree::{Node, Pos};

/// A YAML file: its documents, in order.
#[derive(Debug, Clone)]
pub struct YamlFile {
    pub path: String,
    pub docs: Vec<Node>,
}

/// The 1-based line and column of byte `offset` in `source`.
pub fn pos_at(source: &str, offset: usize) -> Pos {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    Pos {
        line,
        column: before[start..].chars().count() as u32 + 1,
    }
}
