//! The npm package `consentry`, written by `cargo xtask dist` into `DIR/npm/` (`dist/npm/` by default).
//!
//! It holds the build it sits beside, as it is served: the loaders `consentry.js` and
//! `consentry-signals.js`, the content-hashed bindings, module and chunks, any other `consentry*` file
//! `dist` wrote there (the language packs), `snippet.html` and `snippet-signals.html`; and for developers
//! the TypeScript types (`types/*.d.ts`, from the repository's `types/`), the configuration's JSON Schema,
//! a README and `package.json` (name `consentry`, the widget crate's version, `exports`, `files`, `types`); and
//! the React hooks `consentry/react` (`react/index.js` and `react/index.d.ts`, from the repository's
//! `npm/react/`, plain ESM that needs no build). `npm pack dist/npm` makes the tarball; nothing is installed or
//! run here. The package has no dependencies: `react` is an optional peer dependency, for the hooks only.
//!
//! Why `DIR/npm/` and not a fixed `target/npm/`: the package must hold exactly the files of one build
//! (the loader pins the module's and the bindings' hashes), and `DIR` is where that build is. A fixed
//! directory would hold whichever build ran last, `--dev`, a Trunk hook or another `--out` included; beside
//! the build, `--out /tmp/d` packs `/tmp/d` and the end-to-end tests find the package of the build they test
//! through `CONSENTRY_DIST`. The directory is recreated on every build, so no file of an older one stays.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{bail, Context, Result};
use crate::workspace::root;

/// The package's directory inside the dist directory.
pub const PACKAGE_DIR: &str = "npm";
/// The package's name on npm.
const NAME: &str = "consentry";
/// The type declarations copied from the repository's `types/` (`consentry.d.ts` imports `config.d.ts`).
const TYPES: [&str; 2] = ["consentry.d.ts", "config.d.ts"];
/// The configuration's JSON Schema, as `schema/` has it and as the package names it.
const SCHEMA: &str = "consentry.config.schema.json";
/// The tags to embed, written by `dist` beside the build.
const SNIPPETS: [&str; 2] = ["snippet.html", "snippet-signals.html"];
/// The React hooks, copied from the repository's `npm/react/` into the package's `react/`.
const REACT: [&str; 2] = ["index.js", "index.d.ts"];
/// The React versions the hooks are tested with (`useSyncExternalStore`; package-lock.json pins the one
/// `tests/e2e/react.test.mjs` runs).
const REACT_PEER: &str = "^19.0.0";

/// Writes the package of the build in `out` whose served files are `built` (loaders, bindings, module,
/// chunks, as `dist` lists them) into `out/npm/`.
pub fn write(out: &Path, built: &[PathBuf]) -> Result<()> {
    let root = root();
    let dir = out.join(PACKAGE_DIR);
    if dir.exists() {
        fs::remove_dir_all(&dir).context(|| format!("removing {}", dir.display()))?;
    }
    for sub in ["types", "react"] {
        fs::create_dir_all(dir.join(sub)).context(|| format!("creating {}", dir.display()))?;
    }

    let mut files = Vec::new();
    let snippets: Vec<PathBuf> = SNIPPETS.iter().map(|s| out.join(s)).collect();
    for path in built.iter().chain(&beside(out, built)?).chain(&snippets) {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            bail!("{} has no file name", path.display());
        };
        copy(path, &dir.join(name))?;
        files.push(name.to_string());
    }
    copy(&root.join("schema").join(SCHEMA), &dir.join(SCHEMA))?;
    for name in TYPES {
        copy(&root.join("types").join(name), &dir.join("types").join(name))?;
    }
    for name in REACT {
        copy(&root.join("npm").join("react").join(name), &dir.join("react").join(name))?;
    }

    let cargo_toml = read(&root.join("Cargo.toml"))?;
    let manifest = Manifest {
        version: toml_string(&cargo_toml, "package", "version")?,
        description: toml_string(&cargo_toml, "package", "description")?,
        license: toml_string(&cargo_toml, "workspace.package", "license")?,
        repository: toml_string(&cargo_toml, "workspace.package", "repository")?,
        files,
    };
    let snippet = read(&out.join(SNIPPETS[0]))?;
    write_file(&dir.join("package.json"), &manifest.package_json())?;
    write_file(&dir.join("README.md"), &manifest.readme(snippet.trim()))?;
    println!(
        "dist: the npm package {NAME} {} in {} (the tarball: `npm pack {}`)",
        manifest.version,
        dir.display(),
        dir.display()
    );
    Ok(())
}

/// The other files `dist` wrote beside the build (the language packs, `consentry-lang-*.json`): every
/// `consentry*` file in `out` that `built` does not list, sorted. The widget fetches them from its own
/// directory, so they belong to the build; `dist` removes those of older builds.
fn beside(out: &Path, built: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let listed: Vec<&std::ffi::OsStr> = built.iter().filter_map(|p| p.file_name()).collect();
    let mut found = Vec::new();
    for entry in fs::read_dir(out).context(|| format!("listing {}", out.display()))? {
        let entry = entry.context(|| format!("listing {}", out.display()))?;
        let name = entry.file_name();
        let ours = name.to_str().is_some_and(|n| n.starts_with("consentry"));
        if ours && !listed.contains(&name.as_os_str()) && entry.path().is_file() {
            found.push(entry.path());
        }
    }
    found.sort();
    Ok(found)
}

/// What `package.json` and the README say.
struct Manifest {
    version: String,
    description: String,
    license: String,
    repository: String,
    /// The served files at the package's root: the build's, then the snippets.
    files: Vec<String>,
}

impl Manifest {
    /// `package.json`: the build's files and the schema exported by their names, the types as `.`, the
    /// React hooks as `./react` (with `react` an optional peer dependency).
    fn package_json(&self) -> String {
        let types = format!("./types/{}", TYPES[0]);
        let mut exports = vec![
            format!("    \".\": {{ \"types\": {} }}", json(&types)),
            format!(
                "    \"./react\": {{ \"types\": {}, \"default\": {} }}",
                json(&format!("./react/{}", REACT[1])),
                json(&format!("./react/{}", REACT[0]))
            ),
        ];
        for name in self.files.iter().map(String::as_str).chain([SCHEMA, "package.json"]) {
            let path = json(&format!("./{name}"));
            exports.push(format!("    {path}: {path}"));
        }
        let mut listed: Vec<String> = self.files.iter().map(|f| json(f)).collect();
        listed.push(json(SCHEMA));
        listed.push(json("react/"));
        listed.push(json("types/"));
        format!(
            "{{\n  \"name\": {},\n  \"version\": {},\n  \"description\": {},\n  \"license\": {},\n  \
             \"repository\": {{ \"type\": \"git\", \"url\": {} }},\n  \"keywords\": [\"consent\", \"cookie-banner\", \
             \"gdpr\", \"cmp\", \"webassembly\", \"react\"],\n  \"types\": {},\n  \"exports\": {{\n{}\n  }},\n  \
             \"peerDependencies\": {{ \"react\": {} }},\n  \
             \"peerDependenciesMeta\": {{ \"react\": {{ \"optional\": true }} }},\n  \
             \"files\": [\n    {}\n  ]\n}}\n",
            json(NAME),
            json(&self.version),
            json(&self.description),
            json(&self.license),
            json(&format!("git+{}.git", self.repository)),
            json(&types),
            exports.join(",\n"),
            json(REACT_PEER),
            listed.join(",\n    "),
        )
    }

    /// The README npm shows: what is in the package and how to embed it.
    fn readme(&self, snippet: &str) -> String {
        let served = self.files.iter().filter(|f| !SNIPPETS.contains(&f.as_str()));
        let (packs, files): (Vec<&String>, Vec<&String>) = served.partition(|f| f.starts_with("consentry-lang-"));
        let mut served = files.iter().map(|f| format!("- `{f}`\n")).collect::<String>();
        if !packs.is_empty() {
            served.push_str(&format!("- the {} language packs `consentry-lang-<tag>-<hash>.json`\n", packs.len()));
        }
        format!(
            "# Consentry {version}\n\n\
             {description}.\n\n\
             This package is one build of the widget, ready to serve, with the TypeScript types of its page API\n\
             and configuration, the configuration's JSON Schema, and React hooks. It has no dependencies, and\n\
             apart from those hooks (`{NAME}/react`) nothing in it is imported at run time.\n\n\
             ## Serve the files\n\n\
             Copy these files from `node_modules/{NAME}/` into one directory of your site or CDN and serve them\n\
             side by side (the loader finds the others next to itself; the hashed files can be cached for ever,\n\
             `consentry.js` should be revalidated):\n\n{served}\n\
             ## Embed\n\n\
             Put your configuration (`<script type=\"application/json\" id=\"consentry-config\">`) and then these\n\
             tags (`snippet.html`; `snippet-signals.html` loads `consentry-signals.js` for Consent Mode and other\n\
             vendor signals) **first in `<head>`**, each URL prefixed with the directory you serve the files from:\n\n\
             ```html\n{snippet}\n```\n\n\
             The loader must stay a classic `<script src>`: not `type=\"module\"`, and not imported or bundled (it\n\
             finds its files through its own URL).\n\n\
             ## TypeScript\n\n\
             ```ts\n\
             import type {{ ConsentryConfig, ConsentryState }} from '{NAME}';\n\n\
             document.addEventListener('consentry:change', (e) => console.log(e.detail.purposes));\n\
             window.consentry.whenReady((api) => console.log(api.state().decided));\n\
             ```\n\n\
             One `import type` from `{NAME}` (or `\"types\": [\"{NAME}\"]` in `tsconfig.json`) types\n\
             `window.consentry` and the `consentry:change`, `consentry:error` and `consentry:ready` events of\n\
             `document`. `ConsentryConfig` is generated from the JSON Schema.\n\n\
             ## React\n\n\
             ```js\n\
             import {{ useConsent, useConsentState }} from '{NAME}/react';\n\n\
             const videos = useConsent('marketing/video'); // true once granted, false before\n\
             const state = useConsentState(); // window.consentry.state(), null until the widget has started\n\
             ```\n\n\
             The hooks (React {REACT_PEER}, an optional peer dependency) only read `window.consentry` and its\n\
             events: the tags above still start the widget, and StrictMode or remounting never starts a second one.\n\
             During server rendering and hydration they answer `false` and `null`, so the markup matches.\n\n\
             ## Configuration schema\n\n\
             `{NAME}/{SCHEMA}` (JSON Schema 2020-12): point `\"$schema\"` at a copy of it, or validate with\n\
             any 2020-12 validator.\n\n\
             Documentation: {repository}\n",
            version = self.version,
            description = self.description,
            repository = self.repository,
        )
    }
}

/// The string value of `key` in the `[section]` table of a Cargo.toml (`key = "value"` on one line).
fn toml_string(toml: &str, section: &str, key: &str) -> Result<String> {
    let header = format!("[{section}]");
    let mut inside = false;
    for line in toml.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == header;
        } else if inside {
            let Some((name, value)) = line.split_once('=') else { continue };
            if name.trim() != key {
                continue;
            }
            let value = value.trim();
            match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                Some(v) if !v.contains(['"', '\\']) => return Ok(v.to_string()),
                _ => bail!("Cargo.toml [{section}] {key} is not a plain string: {value}"),
            }
        }
    }
    bail!("Cargo.toml has no {key} in [{section}]")
}

/// `value` as a JSON string literal.
fn json(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    fs::copy(from, to).map(drop).context(|| format!("copying {} to {}", from.display(), to.display()))
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).context(|| format!("reading {}", path.display()))
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CARGO_TOML: &str = r#"
[workspace.package]
license = "MIT OR Apache-2.0"
repository = "https://github.com/consentry/consentry"

[package]
name = "consentry"
version = "0.1.0"
license.workspace = true

[dependencies]
version = "9.9.9"
"#;

    #[test]
    fn reads_plain_strings_of_one_table_only() {
        assert_eq!(toml_string(CARGO_TOML, "package", "version").unwrap(), "0.1.0");
        assert_eq!(toml_string(CARGO_TOML, "workspace.package", "license").unwrap(), "MIT OR Apache-2.0");
        let missing = toml_string(CARGO_TOML, "package", "description").unwrap_err().to_string();
        assert_eq!(missing, "Cargo.toml has no description in [package]");
        let dotted = toml_string(CARGO_TOML, "package", "license.workspace").unwrap_err().to_string();
        assert!(dotted.contains("not a plain string"), "{dotted}");
    }

    #[test]
    fn package_json_exports_every_file_and_the_types() {
        let manifest = Manifest {
            version: "0.1.0".into(),
            description: "A \"quoted\" banner".into(),
            license: "MIT OR Apache-2.0".into(),
            repository: "https://github.com/consentry/consentry".into(),
            files: vec!["consentry.js".into(), "consentry-0123456789abcdef.wasm".into(), "snippet.html".into()],
        };
        let text = manifest.package_json();
        assert!(text.starts_with("{\n  \"name\": \"consentry\",\n  \"version\": \"0.1.0\",\n"), "{text}");
        assert!(text.contains("\"description\": \"A \\\"quoted\\\" banner\""), "{text}");
        assert!(text.contains("\"types\": \"./types/consentry.d.ts\""), "{text}");
        assert!(text.contains("    \".\": { \"types\": \"./types/consentry.d.ts\" },\n"), "{text}");
        for name in ["consentry.js", "consentry-0123456789abcdef.wasm", "snippet.html", SCHEMA, "package.json"] {
            assert!(text.contains(&format!("    \"./{name}\": \"./{name}\"")), "{name} not exported: {text}");
        }
        assert!(text.contains("\"files\": [\n    \"consentry.js\",\n"), "{text}");
        assert!(text.contains("\"react/\",\n    \"types/\"\n  ]\n}\n"), "{text}");
    }

    #[test]
    fn package_json_exports_the_react_hooks_with_react_an_optional_peer() {
        let manifest = Manifest {
            version: "0.1.0".into(),
            description: "A banner".into(),
            license: "MIT".into(),
            repository: "https://example.test/r".into(),
            files: vec!["consentry.js".into()],
        };
        let text = manifest.package_json();
        let export = "    \"./react\": { \"types\": \"./react/index.d.ts\", \"default\": \"./react/index.js\" },\n";
        assert!(text.contains(export), "{text}");
        assert!(text.contains("  \"peerDependencies\": { \"react\": \"^19.0.0\" },\n"), "{text}");
        assert!(text.contains("  \"peerDependenciesMeta\": { \"react\": { \"optional\": true } },\n"), "{text}");
        assert!(!text.contains("\"dependencies\""), "{text}");
        let readme = manifest.readme("<script src=\"consentry.js\"></script>");
        assert!(readme.contains("from 'consentry/react'"), "{readme}");
    }

    #[test]
    fn the_react_hooks_are_in_the_repository() {
        for name in REACT {
            let path = root().join("npm").join("react").join(name);
            assert!(path.is_file(), "{} is missing", path.display());
        }
    }

    #[test]
    fn the_other_consentry_files_beside_the_build_are_packed_too() {
        let dir = std::env::temp_dir().join(format!("xtask-package-beside-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("consentry-dir")).unwrap();
        for name in
            ["consentry.js", "consentry-lang-fr-0123456789abcdef.json", "consentry-lang-de-0123.json", "index.html"]
        {
            fs::write(dir.join(name), "").unwrap();
        }
        let found = beside(&dir, &[dir.join("consentry.js")]).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        let names: Vec<_> = found.iter().filter_map(|p| p.file_name()?.to_str()).collect();
        assert_eq!(names, ["consentry-lang-de-0123.json", "consentry-lang-fr-0123456789abcdef.json"]);
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
    }
}
