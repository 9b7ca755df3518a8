//! The dependency rules of the layout, checked on the source tree: `http` is used by nobody
//! but itself (and `app`), `app` by nobody but itself (and `main.rs`), `domain` uses nothing
//! of ours outside itself, neither `domain` nor `service` knows actix, and no two top-level
//! modules use each other, directly or round a longer loop.

use std::path::{Path, PathBuf};

/// The top-level modules (`crate::<name>`) a source text uses, comments left out; grouped
/// imports (`use crate::{a, b::c}`) count each name.
fn crate_modules(source: &str) -> Vec<String> {
    let code: String = source
        .lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut names = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        // `$crate::` in macros, or a longer identifier ending in `crate`.
        if before.is_some_and(|c| c == '$' || c == '_' || c.is_alphanumeric()) {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut item = String::new();
            let mut items = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => items.push(std::mem::take(&mut item)),
                    _ => {}
                }
                if depth == 0 && c != ',' && c != '}' {
                    item.push(c);
                }
            }
            items.push(item);
            names.extend(items.iter().filter_map(|i| first_segment(i)));
        } else if let Some(name) = first_segment(rest) {
            names.push(name);
        }
    }
    names
}

fn first_segment(path: &str) -> Option<String> {
    let name: String = path
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Every rule `file` (relative to `src/`, with `/`) breaks by using `module`.
fn broken_rule(file: &str, module: &str) -> Option<&'static str> {
    let inside = |dir: &str| file.starts_with(&format!("{dir}/"));
    if module == "http" && !inside("http") && !inside("app") {
        return Some("only http/ and app/ use crate::http");
    }
    if module == "app" && !inside("app") && file != "main.rs" {
        return Some("only app/ and main.rs use crate::app");
    }
    if inside("domain") && module != "domain" {
        return Some("domain/ uses nothing of ours outside domain");
    }
    None
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            sources(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    Ok(())
}

/// Whether `source` (comments left out) names actix.
fn uses_actix(source: &str) -> bool {
    source
        .lines()
        .map(|line| line.find("//").map_or(line, |at| &line[..at]))
        .any(|code| code.contains("actix"))
}

/// `file: crate::module: rule` for every use that breaks a rule.
fn violations(files: &[(String, String)]) -> Vec<String> {
    let mut broken = Vec::new();
    for (file, source) in files {
        // This file names the rules' modules in its test sources.
        if file == "architecture.rs" {
            continue;
        }
        let web_free = file.starts_with("domain/") || file.starts_with("service/");
        if web_free && uses_actix(source) {
            broken.push(format!(
                "{file}: actix: domain/ and service/ know no HTTP framework"
            ));
        }
        for module in crate_modules(source) {
            if let Some(rule) = broken_rule(file, &module) {
                broken.push(format!("{file}: crate::{module}: {rule}"));
            }
        }
    }
    broken
}

/// The top-level module a file belongs to (`service/cases.rs` → `service`, `clock.rs` →
/// `clock`); the crate root files belong to none.
fn top_module(file: &str) -> Option<&str> {
    match file.split_once('/') {
        Some((dir, _)) => Some(dir),
        None if matches!(file, "lib.rs" | "main.rs" | "architecture.rs") => None,
        None => file.strip_suffix(".rs"),
    }
}

/// Every loop between top-level modules, as `a -> b -> a`, each found once from its
/// smallest name.
fn module_cycles(files: &[(String, String)]) -> Vec<String> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, source) in files {
        let Some(from) = top_module(file) else {
            continue;
        };
        for module in crate_modules(source) {
            if module != from {
                uses.entry(from.to_owned()).or_default().insert(module);
            }
        }
    }
    let mut cycles = Vec::new();
    for start in uses.keys() {
        // Depth-first from `start`, only through larger names, so each loop is reported once.
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for next in uses.get(&at).into_iter().flatten() {
                if next == start {
                    cycles.push(format!("{} -> {start}", path.join(" -> ")));
                } else if next > start && seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    cycles
}

#[test]
fn dependencies_point_one_way() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    sources(&root, &mut paths)?;
    let mut files = Vec::new();
    for path in paths {
        let relative = path
            .strip_prefix(&root)
            .map_err(std::io::Error::other)?
            .to_string_lossy()
            .replace('\\', "/");
        files.push((relative, std::fs::read_to_string(&path)?));
    }
    assert!(files.len() > 50, "the source tree was not found");
    let broken = violations(&files);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    let cycles = module_cycles(&files);
    assert!(
        cycles.is_empty(),
        "modules that use each other: {}",
        cycles.join("; ")
    );
    Ok(())
}

#[test]
fn loops_between_modules_are_found_however_long() {
    let file = |name: &str, source: &str| (name.to_owned(), source.to_owned());
    let tree = [
        file("config/mod.rs", "use crate::webhooks::WebhookSecret;"),
        file("webhooks/delivery.rs", "use crate::context::AppContext;"),
        file("context.rs", "use crate::{config::AppConfig, store};"),
        file("store/mod.rs", "use crate::domain::ids::CaseId;"),
        file("service/x.rs", "use crate::store::Store;"),
    ];
    assert_eq!(
        module_cycles(&tree),
        ["config -> webhooks -> context -> config"]
    );
    let direct = [
        file("service/x.rs", "use crate::messaging::Worker;"),
        file("messaging/worker.rs", "use crate::service::replies;"),
    ];
    assert_eq!(
        module_cycles(&direct),
        ["messaging -> service -> messaging"]
    );
    assert!(module_cycles(&tree[1..]).is_empty());
}

#[test]
fn the_rules_catch_every_way_of_writing_a_use() {
    let file = |name: &str, source: &str| (name.to_owned(), source.to_owned());
    let bad = [
        file(
            "service/cases.rs",
            "use crate::http::api::errors::ApiError;",
        ),
        file(
            "messaging/worker.rs",
            "use crate::{clock, app::AppContext};",
        ),
        file(
            "webhooks/delivery.rs",
            "use crate::{\n    store::Store,\n    http::{self, health},\n};",
        ),
        file(
            "domain/case.rs",
            "fn f() -> crate::store::StoreError { todo!() }",
        ),
        file(
            "domain/plan.rs",
            "use crate::{domain::money::Money, config::AppConfig};",
        ),
        file("config.rs", "let x = crate::http::server;"),
        file("service/reviews.rs", "use actix_web::HttpResponse;"),
        file("domain/case.rs", "fn f(_: actix_web::http::StatusCode) {}"),
    ];
    for (name, source) in &bad {
        let found = violations(std::slice::from_ref(&file(name, source)));
        assert_eq!(found.len(), 1, "{name}: {source}: {found:?}");
    }
    let good = [
        file(
            "http/api/cases.rs",
            "use crate::http::api::dto;\nuse crate::service::cases;",
        ),
        file(
            "app/roles.rs",
            "use crate::http;\nuse crate::app::AppContext;",
        ),
        file("main.rs", "use crate::app::commands;"),
        file(
            "domain/case.rs",
            "use crate::domain::money::Money;\nuse super::text;",
        ),
        file(
            "service/cases.rs",
            "// not crate::http, only mentioned\npub(crate) fn f() {}",
        ),
        file(
            "service/x.rs",
            "macro_rules! m { () => { $crate::http::server } }",
        ),
    ];
    for (name, source) in &good {
        let found = violations(std::slice::from_ref(&file(name, source)));
        assert!(found.is_empty(), "{name}: {found:?}");
    }
}
