//! The widget's second script, `consentry-<hash>.js`, which only the loader (`consentry.js`, see
//! `crate::loader`) loads: the wasm-bindgen `--target web` glue and, in a split build, wasm-split's
//! link module `__wasm_split.js`, bundled by esbuild into one classic script (an IIFE: it defines no
//! global) whose entry hands `{ init, boot }` to the loader through the `consentryStart` property the
//! loader set on this very `<script>` element.
//!
//! The edits below are refused loudly if the glue no longer has the shape they expect:
//! - [`drop_stream_classes`]: Leptos always depends on `server_fn` with its `browser` feature, which
//!   pulls in `wasm-streams`; its `IntoUnderlying{Source,Sink,ByteSource}` are `#[wasm_bindgen]`
//!   classes, i.e. module *exports*, which neither LTO nor wasm-opt can remove. The widget never
//!   streams (no server functions), so `dist` drops the exports (`crate::wasm_module::drop_exports`)
//!   and their JS classes here: about 5 KB raw wasm and 2 KB raw JS.
//! - [`rebase`]: both ES modules find files next to themselves through `import.meta.url`, which a
//!   classic script does not have; it becomes the URL of this script, captured while it runs, so
//!   chunks are fetched from the directory the script came from.
//! - [`rename_chunks`]: the link module's chunks (`./split_<name>.wasm`, and `./chunk_<n>.wasm` for code
//!   two split points share) get content-hashed file names and are fetched with their integrity.
//! - [`rename_bindings`]: the glue's side of `crate::wasm_module::shorten_names`: each renamed import
//!   is a key of the imports object (`__wbg_new_ba40181b3f24ac80: function…`), each renamed export
//!   is read as `wasm.<name>`; every one must be found there.

use crate::error::{bail, Result};

/// The `#[wasm_bindgen]` classes of `wasm-streams` the widget never uses.
const STREAM_CLASSES: [&str; 3] = ["IntoUnderlyingByteSource", "IntoUnderlyingSink", "IntoUnderlyingSource"];

/// The module that replaces `import.meta.url` (see [`rebase`]).
pub const SCRIPT_URL_MODULE: &str = "\
// The URL of the script being run, captured while it runs (document.currentScript is null later).
const script = document.currentScript;
const url = script && script.src ? script.src : document.baseURI;
export function scriptUrl() {
  return url;
}
// The chunk downloads the loader started beside the module (`consentryChunks` on this <script>:
// file name -> the fetch() of it, with its integrity), each handed out once.
const started = (script && script.consentryChunks) || {};
export function preloaded(file) {
  const response = started[file];
  delete started[file];
  return response;
}
";

/// The bundle's entry: hands the bindings to the loader that inserted this script, or, when the page
/// included it itself (a page whose Trusted Types refuse the loader's policy), to the loader through
/// its stand-in's hidden `_start`; else explains that this file is not the embed.
pub fn entry(file_name: &str) -> String {
    format!(
        "import init, {{ boot }} from './consentry.js';\n\
         const script = document.currentScript;\n\
         const start = script && script.consentryStart;\n\
         const fromPage = window.consentry && window.consentry._start;\n\
         if (typeof start === 'function') {{\n  \
         start({{ init: init, boot: boot }});\n\
         }} else if (typeof fromPage === 'function') {{\n  \
         fromPage({{ init: init, boot: boot }});\n\
         }} else {{\n  \
         console.error('consentry: {file_name} is loaded by consentry.js; embed consentry.js, not this file');\n\
         }}\n"
    )
}

/// Whether a module export belongs to one of [`STREAM_CLASSES`] (`intounderlyingsource_pull`,
/// `__wbg_intounderlyingsink_free`, …).
pub fn is_stream_export(name: &str) -> bool {
    name.trim_start_matches("__wbg_").starts_with("intounderlying")
}

/// The `--target web` glue without the JS side of [`STREAM_CLASSES`]: each `export class X { … }`
/// block with the `if (Symbol.dispose) X.prototype…` line after it, and the three lines of its
/// `XFinalization` registry.
pub fn drop_stream_classes(glue: &str) -> Result<String> {
    let mut lines: Vec<&str> = glue.lines().collect();
    for class in STREAM_CLASSES {
        let start = format!("export class {class} {{");
        let dispose = format!("if (Symbol.dispose) {class}.prototype");
        let (Some(from), Some(to)) = (position(&lines, &start), position(&lines, &dispose)) else {
            bail!("the wasm-bindgen glue has no `{start}` … `{dispose}` block; has wasm-bindgen changed its output?");
        };
        if to < from || lines[to - 1] != "}" {
            bail!("the wasm-bindgen glue's `{class}` block does not have the expected shape");
        }
        lines.drain(from..=to);
        let registry = format!("const {class}Finalization = ");
        let Some(at) = position(&lines, &registry) else {
            bail!("the wasm-bindgen glue has no `{}` line", registry.trim());
        };
        if !lines.get(at + 2).is_some_and(|l| l.contains("new FinalizationRegistry")) {
            bail!("the wasm-bindgen glue's `{}` registry does not have the expected shape", registry.trim());
        }
        lines.drain(at..at + 3);
    }
    let out = lines.join("\n") + "\n";
    if out.to_lowercase().contains("intounderlying") {
        bail!("the wasm-bindgen glue still mentions a wasm-streams class after removing them");
    }
    Ok(out)
}

fn position(lines: &[&str], prefix: &str) -> Option<usize> {
    lines.iter().position(|l| l.starts_with(prefix))
}

/// `source` (an ES module) with every `import.meta.url` replaced by the URL of the running script,
/// from the module `./script_url.js` ([`SCRIPT_URL_MODULE`]).
pub fn rebase(source: &str) -> Result<String> {
    if source.contains("scriptUrl") {
        bail!("the module already uses the name `scriptUrl`; rebasing it would clash");
    }
    let body = source.replace("import.meta.url", "scriptUrl()");
    if body.contains("import.meta") {
        bail!("the module uses `import.meta` in a way other than `import.meta.url`");
    }
    Ok(format!("import {{ scriptUrl }} from './script_url.js';\n{body}"))
}

/// `glue` with the renamed imports' keys and the renamed exports' `wasm.<name>` reads replaced by
/// their short names (only there: a JS function that shares an export's name stays, for esbuild to
/// minify). Fails if an import is not exactly one key, or an export is mentioned some other way.
pub fn rename_bindings(glue: &str, imports: &[(String, String)], exports: &[(String, String)]) -> Result<String> {
    use std::collections::HashMap;
    let imports: HashMap<&str, &str> = imports.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let exports: HashMap<&str, &str> = exports.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let mut found_imports: HashMap<&str, usize> = HashMap::new();
    let mut found_exports: HashMap<&str, usize> = HashMap::new();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
    let bytes = glue.as_bytes();
    let mut out = String::with_capacity(glue.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !is_ident(bytes[i]) || (i > 0 && is_ident(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_ident(bytes[i]) {
            i += 1;
        }
        let word = &glue[start..i];
        let read_from_wasm = glue[..start].ends_with("wasm.");
        let key = bytes.get(i) == Some(&b':') && !glue[..start].ends_with('.');
        let short = match (exports.get(word), imports.get(word)) {
            (Some(short), _) if read_from_wasm => {
                *found_exports.entry(word).or_default() += 1;
                short
            }
            (_, Some(short)) if key => {
                *found_imports.entry(word).or_default() += 1;
                short
            }
            _ => continue,
        };
        out.push_str(&glue[copied..start]);
        out.push_str(short);
        copied = i;
    }
    out.push_str(&glue[copied..]);
    if let Some(name) = imports.keys().find(|n| found_imports.get(*n) != Some(&1)) {
        bail!("the glue does not have the import `{name}` as exactly one key of its imports object");
    }
    // An export the glue never reads as `wasm.<name>` must not appear in it at all (read some other
    // way, it would break): then nothing uses it, and its name does not matter.
    if let Some(name) = exports.keys().find(|n| !found_exports.contains_key(*n) && glue.contains(*n)) {
        bail!("the glue mentions the export `{name}` other than as `wasm.{name}`");
    }
    Ok(out)
}

/// One `.wasm` chunk wasm-split wrote: `split_<name>.wasm` for a split point's own code, or
/// `chunk_<n>.wasm` for code two split points share (it is fetched with either).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Its file name in wasm-split's output.
    pub file: String,
    /// Its name in the build's file names: `<stem>-<name>.wasm` (`preferences`, `shared-3`).
    pub name: String,
}

impl Chunk {
    /// The chunk of a wasm-split output file name, if it is one.
    pub fn of_file(file: &str) -> Option<Chunk> {
        let stem = file.strip_suffix(".wasm")?;
        let name = match (stem.strip_prefix("split_"), stem.strip_prefix("chunk_")) {
            (Some(name), _) => name.to_string(),
            (None, Some(n)) => format!("shared-{n}"),
            (None, None) => return None,
        };
        let plain = name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        (!name.is_empty() && plain).then(|| Chunk { file: file.to_string(), name })
    }
}

/// The split link module with each chunk's `fetch(new URL("./<file>", …))` replaced by a fetch of
/// `"./<stem>-<name>.wasm"` with the chunk's integrity value (so the bindings script, which bundles
/// this module, pins every chunk); every chunk it fetches must be among `chunks`.
///
/// The chunks named in `preloadable` are first taken from the loader's downloads, if it started
/// them (`preloaded` of [`SCRIPT_URL_MODULE`]).
pub fn rename_chunks(link: &str, stem: &str, chunks: &[(Chunk, String)], preloadable: &[String]) -> Result<String> {
    let mut out = link.to_string();
    for (chunk, integrity) in chunks {
        let from = format!("fetch(new URL(\"./{}\", import.meta.url))", chunk.file);
        if out.matches(&from).count() != 1 {
            bail!("the split link module does not fetch \"./{}\" exactly once as `{from}`", chunk.file);
        }
        let fetch = format!(
            "fetch(new URL(\"./{stem}-{name}.wasm\", import.meta.url), {{ integrity: \"{integrity}\" }})",
            name = chunk.name
        );
        let to = match preloadable.contains(&chunk.name) {
            true => format!("(preloaded(\"{stem}-{}.wasm\") || {fetch})", chunk.name),
            false => fetch,
        };
        out = out.replace(&from, &to);
    }
    if out.contains("\"./split_") || out.contains("\"./chunk_") {
        bail!("the split link module fetches a chunk that wasm-split did not write");
    }
    Ok(format!("import {{ preloaded }} from './script_url.js';\n{out}"))
}

/// The chunks the split point `name` loads, itself last: the shared chunks its
/// `__wasm_split_load_<name>` waits for (in wasm-split's link module, before [`rename_chunks`]),
/// then `name`. The loader fetches these beside the module when it expects the point to be needed.
pub fn chunks_of(link: &str, name: &str) -> Result<Vec<String>> {
    let export = format!("export const __wasm_split_load_{name} = ");
    let Some(at) = link.find(&export) else {
        bail!("the split link module has no `{export}`: is `{name}` a #[wasm_split] point?");
    };
    let rest = &link[at..];
    let deps = rest
        .find("\n, [")
        .map(|i| &rest[i + 4..])
        .and_then(|r| r.find("]))").map(|j| &r[..j]))
        .filter(|d| !d.contains(';'));
    let Some(deps) = deps else { bail!("the split link module's `{export}` has no dependency list") };
    let mut names = Vec::new();
    for dep in deps.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        let Some(n) = dep.strip_prefix("__chunk_").filter(|n| n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty())
        else {
            bail!("the split link module's `{export}` waits for `{dep}`, not a shared chunk");
        };
        names.push(format!("shared-{n}"));
    }
    names.push(name.to_string());
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_import_keys_and_wasm_reads_only() {
        let glue = "function wasm_bindgen_invoke_long(a) { return wasm.wasm_bindgen_invoke_long(a); }\n\
                    const import0 = { __wbg_new_1: function() { return new Object(); }, __wbg_new_12: function() {} };\n\
                    makeClosure(0, 1, wasm_bindgen_invoke_long); x.__wbg_new_1: y; passStr(s, wasm.__wbindgen_malloc);";
        let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
        let imports = pairs(&[("__wbg_new_1", "a"), ("__wbg_new_12", "b")]);
        let exports = pairs(&[("wasm_bindgen_invoke_long", "a"), ("__wbindgen_malloc", "b"), ("__wbindgen_free", "c")]);
        let out = rename_bindings(glue, &imports, &exports).expect("renamed");
        assert_eq!(
            out,
            "function wasm_bindgen_invoke_long(a) { return wasm.a(a); }\n\
             const import0 = { a: function() { return new Object(); }, b: function() {} };\n\
             makeClosure(0, 1, wasm_bindgen_invoke_long); x.__wbg_new_1: y; passStr(s, wasm.b);"
        );
    }

    #[test]
    fn an_import_or_export_the_glue_uses_otherwise_is_refused() {
        let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
        let missing = rename_bindings("const i = {};", &pairs(&[("__wbg_x", "a")]), &[]);
        assert!(missing.unwrap_err().to_string().contains("__wbg_x"));
        let twice = rename_bindings("{ __wbg_x: 1 } { __wbg_x: 2 }", &pairs(&[("__wbg_x", "a")]), &[]);
        assert!(twice.is_err());
        let other_read = rename_bindings("wasm['__wbindgen_free'](1)", &[], &pairs(&[("__wbindgen_free", "a")]));
        assert!(other_read.unwrap_err().to_string().contains("__wbindgen_free"));
    }

    fn class(name: &str) -> String {
        let lower = name.to_lowercase();
        format!(
            "export class {name} {{\n    free() {{ wasm.__wbg_{lower}_free(0); }}\n}}\n\
             if (Symbol.dispose) {name}.prototype[Symbol.dispose] = {name}.prototype.free;\n"
        )
    }

    fn registry(name: &str) -> String {
        format!(
            "const {name}Finalization = (typeof FinalizationRegistry === 'undefined')\n    ? {{}}\n    : new FinalizationRegistry(ptr => wasm.__wbg_{}_free(ptr, 1));\n",
            name.to_lowercase()
        )
    }

    fn glue() -> String {
        let mut g = String::from("import * as import1 from \"./__wasm_split.js\"\n");
        for c in STREAM_CLASSES {
            g += &class(c);
        }
        g += "export function boot() {}\n";
        for c in STREAM_CLASSES {
            g += &registry(c);
        }
        g += "export { initSync, __wbg_init as default };\n";
        g
    }

    #[test]
    fn drops_the_three_stream_classes_and_their_registries_only() {
        let out = drop_stream_classes(&glue()).expect("expected shape");
        assert_eq!(
            out,
            "import * as import1 from \"./__wasm_split.js\"\nexport function boot() {}\n\
             export { initSync, __wbg_init as default };\n"
        );
    }

    #[test]
    fn refuses_glue_of_another_shape() {
        assert!(drop_stream_classes("export function boot() {}\n").is_err());
        let without_registry = glue().replace("const IntoUnderlyingSinkFinalization = ", "const Other = ");
        assert!(drop_stream_classes(&without_registry).is_err());
        let extra_mention = glue() + "// IntoUnderlyingSource\n";
        assert!(drop_stream_classes(&extra_mention).is_err());
    }

    #[test]
    fn recognises_the_stream_exports() {
        assert!(is_stream_export("intounderlyingsource_pull"));
        assert!(is_stream_export("__wbg_intounderlyingsink_free"));
        assert!(!is_stream_export("boot"));
        assert!(!is_stream_export("__wbindgen_malloc"));
    }

    #[test]
    fn rebases_import_meta_url_on_the_running_script() {
        let out = rebase("const u = new URL('x.wasm', import.meta.url);\n").expect("rebases");
        assert_eq!(out, "import { scriptUrl } from './script_url.js';\nconst u = new URL('x.wasm', scriptUrl());\n");
        assert!(rebase("const m = import.meta;\n").is_err());
        assert!(rebase("const scriptUrl = 1;\n").is_err());
    }

    #[test]
    fn renames_every_chunk_pins_its_integrity_and_refuses_unknown_ones() {
        let link = "fetch(new URL(\"./split_preferences.wasm\", import.meta.url));\n\
                    fetch(new URL(\"./chunk_3.wasm\", import.meta.url));\n";
        let chunks: Vec<(Chunk, String)> = [("split_preferences.wasm", "sha384-P"), ("chunk_3.wasm", "sha384-S")]
            .iter()
            .filter_map(|(f, i)| Some((Chunk::of_file(f)?, i.to_string())))
            .collect();
        let out = rename_chunks(link, "consentry-00ff", &chunks, &["shared-3".to_string()]).expect("renames");
        assert_eq!(
            out,
            "import { preloaded } from './script_url.js';\n\
             fetch(new URL(\"./consentry-00ff-preferences.wasm\", import.meta.url), { integrity: \"sha384-P\" });\n\
             (preloaded(\"consentry-00ff-shared-3.wasm\") || fetch(new URL(\"./consentry-00ff-shared-3.wasm\", import.meta.url), { integrity: \"sha384-S\" }));\n"
        );
        assert!(rename_chunks(link, "consentry-00ff", &chunks[..1], &[]).is_err());
        let receipts = (Chunk::of_file("split_receipts.wasm").expect("a chunk"), "sha384-R".to_string());
        assert!(rename_chunks(link, "consentry-00ff", &[receipts], &[]).is_err());
    }

    #[test]
    fn lists_the_chunks_a_split_point_loads() {
        let link = "export const __wasm_split_load_receipts = wrapAsyncCb(makeLoad(() => {\n    \
                    const src = fetch(new URL(\"./split_receipts.wasm\", import.meta.url));\n}\n, [__chunk_6, __chunk_7]));\n\
                    export const __wasm_split_load_packs = wrapAsyncCb(makeLoad(() => {\n    \
                    const src = fetch(new URL(\"./split_packs.wasm\", import.meta.url));\n}\n, []));\n";
        assert_eq!(chunks_of(link, "receipts").unwrap(), ["shared-6", "shared-7", "receipts"]);
        assert_eq!(chunks_of(link, "packs").unwrap(), ["packs"]);
        assert!(chunks_of(link, "cookies").is_err());
        assert!(chunks_of("export const __wasm_split_load_x = f(\n, [other]));", "x").is_err());
        assert!(chunks_of("export const __wasm_split_load_x = f();", "x").is_err());
    }

    #[test]
    fn knows_which_files_are_chunks() {
        assert_eq!(Chunk::of_file("split_receipts.wasm").map(|c| c.name), Some("receipts".to_string()));
        assert_eq!(Chunk::of_file("chunk_12.wasm").map(|c| c.name), Some("shared-12".to_string()));
        assert_eq!(Chunk::of_file("consentry.wasm"), None);
        assert_eq!(Chunk::of_file("split_.wasm"), None);
        assert_eq!(Chunk::of_file("split_a.b.wasm"), None);
        assert_eq!(Chunk::of_file("__wasm_split.js"), None);
    }

    #[test]
    fn the_entry_hands_init_and_boot_to_the_loader() {
        let out = entry("consentry-0123.js");
        assert!(out.starts_with("import init, { boot } from './consentry.js';"));
        assert!(out.contains("start({ init: init, boot: boot });"));
        assert!(out.contains("consentry-0123.js is loaded by consentry.js"));
    }
}
