//! `cargo xtask lint`'s import-cycle check: no module of a crate may import, directly or through
//! others, a module that imports it back.
//!
//! A module is a file under a crate's `src/` (`a/b.rs` is `a::b`; `lib.rs`, `main.rs` and `mod.rs`
//! name their directory). Its imports are the modules named by its `use` declarations and by the
//! `crate::…`, `super::…` and `self::…` paths in its code, resolved to the longest prefix that is a
//! module; a bare first segment that names a child module (`use reader::Obj` in `config.rs`) counts
//! too. Comments are ignored, and so are test modules (`tests.rs` files and an inline
//! `#[cfg(test)] mod tests`). A module reaching into its own ancestors (`use super::Thing` from a
//! child) is containment, not a cycle, and is left out. Cycles are the graph's strongly connected
//! components of more than one module (Tarjan's algorithm).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::error::{bail, Context, Result};

/// The `src/` directories checked, relative to the workspace root.
pub const CRATE_SOURCES: [&str; 5] = ["src", "model/src", "receipt/src", "server/src", "xtask/src"];

/// Module path → the modules it imports.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// Checks every crate under `root`; the error lists each cycle found.
pub fn check(root: &Path) -> Result<()> {
    let mut found = Vec::new();
    for dir in CRATE_SOURCES {
        let graph = graph_of_dir(&root.join(dir))?;
        let edges: usize = graph.values().map(BTreeSet::len).sum();
        let cycles = cycles(&graph);
        println!("cycles: {dir}: {} modules, {edges} imports, {} cycles", graph.len(), cycles.len());
        for cycle in cycles {
            found.push(format!("{dir}: {}", cycle.join(" ↔ ")));
        }
    }
    if !found.is_empty() {
        bail!("import cycles (move the shared item down to a module both can import):\n  {}", found.join("\n  "));
    }
    Ok(())
}

fn graph_of_dir(src: &Path) -> Result<Graph> {
    let mut files = BTreeMap::new();
    collect(src, src, &mut files)?;
    let sources: BTreeMap<String, String> = files
        .into_iter()
        .map(|(module, path)| {
            std::fs::read_to_string(&path).context(|| format!("reading {}", path.display())).map(|text| (module, text))
        })
        .collect::<Result<_>>()?;
    Ok(graph(&sources))
}

fn collect(src: &Path, dir: &Path, out: &mut BTreeMap<String, PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).context(|| format!("listing {}", dir.display()))?;
    for entry in entries {
        let path = entry.context(|| format!("listing {}", dir.display()))?.path();
        if path.is_dir() {
            collect(src, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            if let Some(module) = module_of(src, &path) {
                out.insert(module, path);
            }
        }
    }
    Ok(())
}

/// `a/b.rs` → `a::b`; `lib.rs`/`main.rs`/`mod.rs` name their directory; test files → `None`.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?.with_extension("");
    let mut parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "tests") {
        return None;
    }
    if parts.last().is_some_and(|p| matches!(p.as_str(), "lib" | "main" | "mod")) {
        parts.pop();
    }
    Some(parts.join("::"))
}

/// The import graph of a crate given as module path → source text.
fn graph(sources: &BTreeMap<String, String>) -> Graph {
    let modules: BTreeSet<&str> = sources.keys().map(String::as_str).collect();
    let mut graph = Graph::new();
    for (module, text) in sources {
        let code = code_only(text);
        let mut imports = BTreeSet::new();
        let mut paths = Vec::new();
        for tree in use_trees(&code) {
            expand(&tree, "", &mut paths);
        }
        paths.extend(qualified_paths(&code));
        for path in paths {
            if let Some(target) = resolve(&path, module, &modules) {
                let ancestor = module.starts_with(&format!("{target}::")) || target.is_empty();
                if target != *module && !ancestor {
                    imports.insert(target);
                }
            }
        }
        graph.insert(module.clone(), imports);
    }
    graph
}

/// The source without comments and without a trailing `#[cfg(test)] mod tests { … }`.
fn code_only(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        });
        out.push('\n');
    }
    out
}

/// The trees of every `use` declaration (`a::b::{c, d::e}`), whitespace removed.
fn use_trees(code: &str) -> Vec<String> {
    let mut trees = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while let Some(at) = code[i..].find("use ") {
        let start = i + at;
        let word_start = start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        i = start + 4;
        if !word_start {
            continue;
        }
        if let Some(end) = code[i..].find(';') {
            trees.push(code[i..i + end].chars().filter(|c| !c.is_whitespace()).collect());
            i += end + 1;
        }
    }
    trees
}

/// Expands a use tree into full paths: `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let join = |p: &str, s: &str| if p.is_empty() { s.to_string() } else { format!("{p}::{s}") };
    match tree.find('{') {
        None => {
            let path = tree.split(" as ").next().unwrap_or(tree).trim_end_matches("::*");
            let path = path.strip_suffix("::self").unwrap_or(path);
            if !path.is_empty() && path != "self" {
                out.push(join(prefix, path));
            } else if !prefix.is_empty() {
                out.push(prefix.to_string());
            }
        }
        Some(open) => {
            let head = tree[..open].trim_end_matches("::");
            let inner = tree[open + 1..].strip_suffix('}').unwrap_or(&tree[open + 1..]);
            let prefix = if head.is_empty() { prefix.to_string() } else { join(prefix, head) };
            for part in split_top_level(inner) {
                expand(part, &prefix, out);
            }
        }
    }
}

/// Splits `b, c::{d, e}, f` at the commas outside braces.
fn split_top_level(s: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0usize, 0);
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// Every `crate::…`, `super::…` and `self::…` path written in the code.
fn qualified_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    for start in ["crate::", "super::", "self::"] {
        let mut i = 0;
        while let Some(at) = code[i..].find(start) {
            let begin = i + at;
            i = begin + start.len();
            if code[..begin].chars().next_back().is_some_and(|c| is_ident(c) || c == ':' || c == '$') {
                continue;
            }
            let rest = &code[begin..];
            let end = rest.find(|c: char| !(is_ident(c) || c == ':')).unwrap_or(rest.len());
            out.push(rest[..end].trim_end_matches(':').to_string());
        }
    }
    out
}

/// The module a path names (its longest prefix that is a module), seen from `current`.
fn resolve(path: &str, current: &str, modules: &BTreeSet<&str>) -> Option<String> {
    let mut segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<&str> = if current.is_empty() { Vec::new() } else { current.split("::").collect() };
    match segments.first().copied() {
        Some("crate") => {
            base.clear();
            segments.remove(0);
        }
        Some("super") => {
            while segments.first() == Some(&"super") {
                base.pop();
                segments.remove(0);
            }
        }
        Some("self") => {
            segments.remove(0);
        }
        // A bare first segment: a child module of the current one (2018 uniform paths), else an
        // external crate or a local item, which are not edges.
        Some(first) => {
            let child = if current.is_empty() { first.to_string() } else { format!("{current}::{first}") };
            if !modules.contains(child.as_str()) {
                return None;
            }
        }
        None => return None,
    }
    for n in (1..=segments.len()).rev() {
        let mut candidate = base.clone();
        candidate.extend(&segments[..n]);
        let candidate = candidate.join("::");
        if modules.contains(candidate.as_str()) {
            return Some(candidate);
        }
    }
    let here = base.join("::");
    modules.contains(here.as_str()).then_some(here)
}

/// The strongly connected components with more than one module, each sorted.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct Tarjan<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        out: Vec<Vec<String>>,
    }
    impl<'g> Tarjan<'g> {
        fn visit(&mut self, v: &'g str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.graph.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low[v];
                    self.low.insert(v, lv.min(lw));
                } else if self.on_stack.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low[v];
                    self.low.insert(v, lv.min(iw));
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.out.push(component);
                }
            }
        }
    }
    let mut t = Tarjan {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v.as_str()) {
            t.visit(v);
        }
    }
    t.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_of(files: &[(&str, &str)]) -> Graph {
        graph(&files.iter().map(|(m, t)| (m.to_string(), t.to_string())).collect())
    }

    #[test]
    fn use_trees_expand_to_full_paths() {
        let mut out = Vec::new();
        expand("crate::a::{b,c::{d,e},self}", "", &mut out);
        assert_eq!(out, ["crate::a::b", "crate::a::c::d", "crate::a::c::e", "crate::a"]);
        let mut out = Vec::new();
        expand("super::x::*", "", &mut out);
        assert_eq!(out, ["super::x"]);
    }

    #[test]
    fn a_cycle_through_three_modules_is_found_and_a_tree_is_not() {
        let g = crate_of(&[
            ("", "mod a; mod b; mod c;"),
            ("a", "use crate::b::Thing;"),
            ("b", "fn f() { crate::c::g() }"),
            ("c", "use super::a;\n// use crate::b; (a comment is no import)"),
        ]);
        assert_eq!(cycles(&g), [vec!["a".to_string(), "b".to_string(), "c".to_string()]]);
        let tree = crate_of(&[("", ""), ("a", "use crate::b::Thing;"), ("b", "use crate::c::X;"), ("c", "")]);
        assert!(cycles(&tree).is_empty());
    }

    #[test]
    fn children_reaching_their_parent_and_tests_are_not_cycles() {
        let g = crate_of(&[
            ("config", "mod ids;\npub use ids::Id;\n#[cfg(test)]\nmod tests {\n use crate::other;\n}"),
            ("config::ids", "use super::ConfigError;"),
            ("other", "use crate::config::Config;"),
        ]);
        assert!(g["config"].contains("config::ids"), "a bare child path is an edge: {g:?}");
        assert!(!g["config"].contains("other"), "test modules are not counted");
        assert!(cycles(&g).is_empty());
    }

    #[test]
    fn the_workspace_has_no_cycles() {
        let root = crate::workspace::root();
        for dir in CRATE_SOURCES {
            let g = graph_of_dir(&root.join(dir)).unwrap();
            assert!(g.len() > 3, "{dir} was read");
            assert_eq!(cycles(&g), Vec::<Vec<String>>::new(), "{dir}");
        }
    }
}
