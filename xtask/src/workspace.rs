//! Where things are in the Consentry workspace, and the versions it pins.
//!
//! xtask always works from the workspace root (the parent of `xtask/`), whatever the current
//! directory, and reads tool versions from `Cargo.lock` so the CLI and the crate cannot drift.

use std::path::{Path, PathBuf};

use crate::error::{bail, Context, Result};

/// The widget crate that `dist` and the browser tests build.
pub const WIDGET_PACKAGE: &str = "consentry";
/// The receipt server crate (`server/`).
pub const SERVER_PACKAGE: &str = "consentry-server";
/// The Rust target of the widget.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The workspace root directory.
pub fn root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}

/// Cargo's target directory (`$CARGO_TARGET_DIR` when set, else `target/`).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        }
        _ => root().join("target"),
    }
}

/// The version of `package` recorded in `Cargo.lock` (exactly one version must be locked).
pub fn locked_version(package: &str) -> Result<String> {
    let path = root().join("Cargo.lock");
    let text = std::fs::read_to_string(&path).context(|| format!("reading {}", path.display()))?;
    let versions = versions_in_lock(&text, package);
    match versions.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("{} does not lock any version of `{package}`", path.display()),
        many => bail!(
            "{} locks several versions of `{package}` ({}); pin one with `=x.y.z` in Cargo.toml",
            path.display(),
            many.join(", ")
        ),
    }
}

/// Every `version` of the `[[package]]` entries named `package` in a Cargo.lock text.
fn versions_in_lock(lock: &str, package: &str) -> Vec<String> {
    let wanted = format!("name = \"{package}\"");
    let mut versions = Vec::new();
    let mut in_wanted = false;
    for line in lock.lines().map(str::trim) {
        if line == "[[package]]" {
            in_wanted = false;
        } else if line.starts_with("name = ") {
            in_wanted = line == wanted;
        } else if in_wanted {
            if let Some(v) = line.strip_prefix("version = \"").and_then(|v| v.strip_suffix('"')) {
                versions.push(v.to_string());
                in_wanted = false;
            }
        }
    }
    versions
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "wasm-bindgen-futures"
version = "0.4.53"
"#;

    #[test]
    fn finds_the_exact_package_only() {
        assert_eq!(versions_in_lock(LOCK, "wasm-bindgen"), ["0.2.130"]);
        assert_eq!(versions_in_lock(LOCK, "wasm-bindgen-futures"), ["0.4.53"]);
        assert!(versions_in_lock(LOCK, "trunk").is_empty());
    }
}
