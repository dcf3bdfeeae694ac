//! The absences ARCHITECTURE.md states, checked on the source tree: what a crate or a module
//! never names, and which files never import each other in a circle. Each check reads the code
//! without its comments and without its `#[cfg(test)] mod tests` (tests may reach anywhere).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates' source folders, from the workspace root.
const CHAIN_SRC: &str = "actors/chain/src";
const ACTORS_SRC: &str = "actors/src";
const SIM_SRC: &str = "sim/src";
/// The source trees are small; a deeper or larger one means the walk went somewhere it should not.
const FILES_MAX: usize = 1_000;

/// Import circles kept on purpose: one `impl` block per concern of a type, each in its own file
/// (`impl Chain` in root.rs, staking.rs, …; `impl Metagraph` in commit_reveal.rs), reads the
/// type's file and is read back by it.
const CIRCLES_ALLOWED: &[&[&str]] = &[&["root", "state"], &["metagraph", "metagraph::commit_reveal"]];

struct SourceFile {
    /// The module path inside its crate (`yuma::bonds`; the crate root is empty).
    module: Vec<String>,
    path: PathBuf,
    /// The file without comment lines and without its test module.
    code: String,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sources(src: &str) -> Vec<SourceFile> {
    let root = workspace_root().join(src);
    let mut files = Vec::new();
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a source folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(&root).expect("inside the root").with_extension("");
                let mut module: Vec<String> = relative.iter().map(|s| s.to_string_lossy().into_owned()).collect();
                if matches!(module.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                    module.pop();
                }
                let code = code_of(&std::fs::read_to_string(&path).expect("a readable source file"));
                files.push(SourceFile { module, path, code });
            }
            assert!(files.len() <= FILES_MAX, "more than {FILES_MAX} files under {src}");
        }
    }
    files.sort_by(|a, b| a.module.cmp(&b.module));
    files
}

/// The code of a file: comment lines dropped, and everything from its test module on.
fn code_of(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut code = String::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if trimmed == "#[cfg(test)]" {
            let next = lines[i + 1..].iter().map(|l| l.trim_start()).find(|l| !l.starts_with("#["));
            let test_module =
                |l: &str| ["mod tests", "pub mod tests", "pub(crate) mod tests"].iter().any(|m| l.starts_with(m));
            if next.is_some_and(test_module) {
                break;
            }
        }
        if !trimmed.starts_with("//") {
            code.push_str(line);
            code.push('\n');
        }
    }
    code
}

/// Each file of `files` whose code names one of `words`, with the word.
fn naming(files: &[SourceFile], words: &[&str]) -> Vec<String> {
    files
        .iter()
        .flat_map(|file| {
            words.iter().filter(|w| file.code.contains(**w)).map(|w| format!("{} names {w}", file.path.display()))
        })
        .collect()
}

#[test]
fn the_chain_crate_depends_on_nothing_heavier_than_fixed_point_serde_and_sha2() {
    let manifest = std::fs::read_to_string(workspace_root().join("actors/chain/Cargo.toml")).expect("the manifest");
    let section = manifest.split("[dependencies]").nth(1).expect("a [dependencies] section");
    let section = section.split("\n[").next().expect("the section's lines");
    let names: BTreeSet<&str> = section
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split(['.', ' ', '=']).next().expect("a dependency name"))
        .collect();
    assert_eq!(names, BTreeSet::from(["serde", "sha2", "substrate-fixed"]));
}

#[test]
fn the_chain_crate_never_imports_the_actors_the_models_or_the_simulator() {
    let words = [
        "tensorsim_actors",
        "tensorsim::",
        "candle",
        "smartcore",
        "madsim",
        "tokio",
        "serde_json",
        "rand_chacha",
        "rand::",
    ];
    let found = naming(&sources(CHAIN_SRC), &words);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn only_the_network_module_names_madsim() {
    let mut files: Vec<SourceFile> = [CHAIN_SRC, ACTORS_SRC, SIM_SRC].iter().flat_map(|src| sources(src)).collect();
    files.retain(|file| !file.path.starts_with(workspace_root().join(SIM_SRC).join("network")));
    let found = naming(&files, &["madsim::", "tokio::"]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_report_never_sees_the_simulations_world() {
    let mut files = sources(SIM_SRC);
    files.retain(|file| file.path.starts_with(workspace_root().join(SIM_SRC).join("report")));
    assert!(!files.is_empty(), "the report module is where this test looks for it");
    let found = naming(&files, &["World", "crate::network", "Mutex", "Arc<"]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_chain_and_the_actors_read_no_clock_no_thread_and_no_os_randomness() {
    let files: Vec<SourceFile> = [CHAIN_SRC, ACTORS_SRC].iter().flat_map(|src| sources(src)).collect();
    let words = ["std::time", "Instant", "SystemTime", "thread_rng", "OsRng", "getrandom", "std::thread", "std::env"];
    let found = naming(&files, &words);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn no_hash_map_or_hash_set_exists_whose_order_could_reach_an_output() {
    let files: Vec<SourceFile> = [CHAIN_SRC, ACTORS_SRC, SIM_SRC].iter().flat_map(|src| sources(src)).collect();
    let found = naming(&files, &["HashMap", "HashSet"]);
    assert!(found.is_empty(), "{found:#?}");
}

/// The platform's `ln`, `exp` and `cos` may differ in the last bit between C libraries, and a bit
/// of a latency or a reward moves a run: transcendental functions come from the `libm` crate.
#[test]
fn no_float_goes_through_the_platforms_maths_library() {
    let files: Vec<SourceFile> = [CHAIN_SRC, ACTORS_SRC, SIM_SRC].iter().flat_map(|src| sources(src)).collect();
    let words = [
        ".ln()",
        ".log(",
        ".log2()",
        ".log10()",
        ".ln_1p()",
        ".exp()",
        ".exp2()",
        ".exp_m1()",
        ".powf(",
        ".cos()",
        ".sin()",
        ".tan()",
        ".tanh()",
        ".cbrt()",
        ".hypot(",
        ".sinh()",
        ".cosh()",
        ".asin()",
        ".acos()",
        ".atan()",
        ".atan2(",
        "f64::ln(",
        "f32::ln(",
        "f64::exp(",
        "f32::exp(",
    ];
    let found = naming(&files, &words);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn no_import_circle_joins_files_but_the_impl_splits() {
    for src in [CHAIN_SRC, ACTORS_SRC, SIM_SRC] {
        let circles = circles(&import_graph(&sources(src)));
        let unexpected: Vec<_> = circles
            .iter()
            .filter(|circle| !CIRCLES_ALLOWED.iter().any(|allowed| allowed.iter().eq(circle.iter())))
            .collect();
        assert!(unexpected.is_empty(), "{src}: files importing each other in a circle: {unexpected:?}");
    }
}

#[test]
fn the_circle_finder_finds_a_circle_of_three_and_not_a_chain() {
    let graph = |edges: &[(&str, &str)]| -> BTreeMap<String, BTreeSet<String>> {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    let circle = circles(&graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]));
    assert_eq!(circle, vec![vec!["a".to_string(), "b".into(), "c".into()]]);
    assert!(circles(&graph(&[("a", "b"), ("b", "c")])).is_empty());
}

/// Module → the modules of the same crate its code imports or names by path.
fn import_graph(files: &[SourceFile]) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| f.module.clone()).collect();
    let mut graph = BTreeMap::new();
    for file in files {
        let targets: BTreeSet<String> = paths_in(&file.code)
            .iter()
            .filter_map(|path| resolve(path, &file.module, &modules))
            .filter(|target| target != &file.module)
            .map(|target| target.join("::"))
            .collect();
        graph.insert(file.module.join("::"), targets);
    }
    graph
}

/// Every `use` path (braces expanded) and every `crate::…`/`super::…` path in `code`.
fn paths_in(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for statement in code.split(';') {
        let statement = statement.trim_start();
        let rest = ["use ", "pub use ", "pub(crate) use ", "pub(super) use "]
            .iter()
            .find_map(|prefix| statement.strip_prefix(prefix));
        if let Some(rest) = rest {
            expand(&rest.chars().filter(|c| !c.is_whitespace()).collect::<String>(), &mut paths);
        }
    }
    // Paths in expressions too (`crate::a::f()`, `child::Type`): `resolve` keeps those that lead
    // into a module of this crate.
    let words = code.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'));
    paths.extend(words.filter(|w| w.contains("::") && !w.starts_with("::")).map(str::to_string));
    paths
}

/// `a::{b, c::{d}}` → `a::b`, `a::c::d`.
fn expand(tree: &str, out: &mut Vec<String>) {
    let Some(open) = tree.find('{') else {
        out.push(tree.to_string());
        return;
    };
    let (prefix, inner) = (&tree[..open], &tree[open + 1..tree.rfind('}').expect("braces close")]);
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                expand(&format!("{prefix}{}", &inner[start..i]), out);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < inner.len() {
        expand(&format!("{prefix}{}", &inner[start..]), out);
    }
}

/// The module of this crate that `path`, written in module `here`, leads into (its longest
/// known prefix), or `None` for another crate's path.
fn resolve(path: &str, here: &[String], modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let first = *segments.first()?;
    let (mut module, rest) = match first {
        "crate" => (Vec::new(), &segments[1..]),
        "super" | "self" => {
            let mut module = here.to_vec();
            let ups = segments.iter().take_while(|s| **s == "super").count();
            module.truncate(module.len().saturating_sub(ups));
            let skip = segments.iter().take_while(|s| **s == "super" || **s == "self").count();
            (module, &segments[skip..])
        }
        child if modules.contains(&[here, &[child.to_string()]].concat()) => (here.to_vec(), &segments[..]),
        _ => return None,
    };
    for segment in rest {
        let next = [module.as_slice(), &[segment.to_string()]].concat();
        if !modules.contains(&next) {
            break;
        }
        module = next;
    }
    Some(module)
}

/// The strongly connected groups of more than one module (Tarjan), each sorted.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(walk: &mut Walk<'a>, node: &'a str) {
        let n = walk.index.len();
        walk.index.insert(node, n);
        walk.low.insert(node, n);
        walk.stack.push(node);
        for next in &walk.graph[node] {
            let next = next.as_str();
            if !walk.index.contains_key(next) {
                visit(walk, next);
                let low = walk.low[node].min(walk.low[next]);
                walk.low.insert(node, low);
            } else if walk.stack.contains(&next) {
                let low = walk.low[node].min(walk.index[next]);
                walk.low.insert(node, low);
            }
        }
        if walk.low[node] == walk.index[node] {
            let at = walk.stack.iter().rposition(|m| *m == node).expect("on the stack");
            let mut group: Vec<String> = walk.stack.drain(at..).map(str::to_string).collect();
            if group.len() > 1 {
                group.sort();
                walk.found.push(group);
            }
        }
    }
    let mut walk = Walk { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for node in graph.keys() {
        if !walk.index.contains_key(node.as_str()) {
            visit(&mut walk, node);
        }
    }
    walk.found.sort();
    walk.found
}
