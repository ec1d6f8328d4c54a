//! Tests of the positioned YAML tree: positions, streams, aliases, and hostile input.

use super::*;

fn one(text: &str) -> Node {
    let mut docs = parse_str(text, "t.yml", &Limits::default()).unwrap();
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

fn error(text: &str, limits: &Limits) -> Problem {
    let error = parse_str(text, "t.yml", limits).unwrap_err();
    assert_eq!(error.file, "t.yml");
    error.problems.into_iter().next().unwrap()
}

#[test]
fn keys_and_values_keep_their_positions() {
    let doc = one(
        "name: ci\non:\n  push:\n    branches: [main]\njobs:\n  test:\n    steps:\n      - run: make\n        name: \"Test\"\n",
    );
    let on = doc.entry("on").unwrap();
    assert_eq!(on.key.pos, Pos { line: 2, column: 1 });
    let branches = on.value.get("push").unwrap().get("branches").unwrap();
    assert_eq!(
        branches.pos,
        Pos {
            line: 4,
            column: 15
        }
    );
    assert_eq!(branches.items()[0].as_str(), Some("main"));
    assert_eq!(
        branches.items()[0].pos,
        Pos {
            line: 4,
            column: 16
        }
    );
    let step = &doc
        .get("jobs")
        .unwrap()
        .get("test")
        .unwrap()
        .get("steps")
        .unwrap()
        .items()[0];
    assert_eq!(step.pos, Pos { line: 8, column: 9 });
    let name = step.get("name").unwrap();
    assert_eq!(
        (name.as_str(), name.style(), name.pos.column),
        (Some("Test"), Some(Style::Quoted), 15)
    );
    let keys: Vec<&str> = step.entries().map(|(k, _)| k.text.as_str()).collect();
    assert_eq!(keys, ["run", "name"]);
}

#[test]
fn scalars_keep_their_text() {
    let doc = one("a: 3.10\nb: true\nc: ~\nd:\ne: 'true'\n");
    assert_eq!(doc.get("a").unwrap().as_str(), Some("3.10"));
    assert!(doc.get("b").unwrap().is_true());
    assert!(doc.get("c").unwrap().is_null());
    assert!(doc.get("d").unwrap().is_null());
    assert_eq!(doc.get("d").unwrap().as_str(), None);
    assert!(!doc.get("e").unwrap().is_true());
}

#[test]
fn lines_inside_literal_blocks_are_located() {
    let text = "steps:\n  - run: |\n      echo hi\n      curl -s x | sh\n";
    let doc = one(text);
    let run = doc.get("steps").unwrap().items()[0].get("run").unwrap();
    let offset = run.as_str().unwrap().find("curl").unwrap();
    assert_eq!(run.pos_of(offset), Pos { line: 4, column: 7 });
    let offset = run.as_str().unwrap().find("| sh").unwrap();
    assert_eq!(
        run.pos_of(offset),
        Pos {
            line: 4,
            column: 17
        }
    );
    let blank_first = one("run: |\n\n  a\n  b\n");
    let run = blank_first.get("run").unwrap();
    assert_eq!(run.pos_of(3), Pos { line: 4, column: 3 });
    let plain = one("run: make test\n");
    assert_eq!(
        plain.get("run").unwrap().pos_of(5),
        Pos {
            line: 1,
            column: 11
        }
    );
    let quoted = one("run: 'make test'\n");
    assert_eq!(
        quoted.get("run").unwrap().pos_of(5),
        Pos {
            line: 1,
            column: 12
        }
    );
}

#[test]
fn streams_hold_one_tree_per_document() {
    let docs = parse_str("a: 1\n---\nb: 2\n---\n- x\n", "t.yml", &Limits::default()).unwrap();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[1].entry("b").unwrap().key.pos.line, 3);
    assert_eq!(docs[2].items()[0].as_str(), Some("x"));
}

#[test]
fn aliases_resolve_to_their_anchor() {
    let doc = one(
        "defaults: &d\n  runs-on: ubuntu-latest\n  timeout-minutes: 5\njob: *d\nlist: [&x one, *x]\n",
    );
    let job = doc.get("job").unwrap();
    assert_eq!(job.get("timeout-minutes").unwrap().as_str(), Some("5"));
    // The copy points at the anchor's text.
    assert_eq!(job.get("runs-on").unwrap().pos.line, 2);
    let list: Vec<_> = doc
        .get("list")
        .unwrap()
        .items()
        .iter()
        .map(|n| n.as_str())
        .collect();
    assert_eq!(list, [Some("one"), Some("one")]);
}

#[test]
fn merge_keys_merge_only_when_asked() {
    let text = "base: &b {image: alpine, script: [a]}\njob:\n  <<: *b\n  script: [b]\n";
    let merged = parse_str(
        text,
        "t.yml",
        &Limits {
            merge_keys: true,
            ..Limits::default()
        },
    )
    .unwrap();
    let job = merged[0].get("job").unwrap();
    assert_eq!(job.get("image").unwrap().as_str(), Some("alpine"));
    assert_eq!(job.get("script").unwrap().items()[0].as_str(), Some("b"));
    let plain = one(text);
    assert!(plain.get("job").unwrap().get("<<").is_some());
    assert!(plain.get("job").unwrap().get("image").is_none());
}

#[test]
fn duplicate_keys_name_both_places() {
    let problem = error("on: push\njobs: {}\non: pull_request\n", &Limits::default());
    assert_eq!((problem.line, problem.column), (3, 1));
    assert_eq!(problem.message, "duplicate key `on` (first at line 1:1)");
    assert!(problem.help.unwrap().contains("once"));
}

#[test]
fn tabs_in_indentation_are_clear_errors() {
    let problem = error("jobs:\n\ttest: {}\n", &Limits::default());
    assert_eq!(problem.line, 2);
    assert_eq!(problem.message, "a tab is used for indentation");
    assert!(problem.help.unwrap().contains("spaces"));
}

#[test]
fn alias_bombs_stop_at_the_node_budget() {
    let mut doc = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 0..9u8 {
        let (prev, next) = ((b'a' + level) as char, (b'a' + level + 1) as char);
        let refs = vec![format!("*{prev}"); 10].join(", ");
        doc.push_str(&format!("{next}: &{next} [{refs}]\n"));
    }
    let started = std::time::Instant::now();
    let problem = error(&doc, &Limits::default());
    assert!(
        problem.message.contains("more than 250000 values"),
        "{}",
        problem.message
    );
    assert!(problem.help.unwrap().contains("aliases"));
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn deep_nesting_is_bounded() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let problem = error(&deep, &Limits::default());
    assert!(problem.message.contains("nested"), "{}", problem.message);
    let mut block = String::new();
    for depth in 0..100 {
        block.push_str(&format!("{}k{depth}:\n", "  ".repeat(depth)));
    }
    let problem = error(&block, &Limits::default());
    assert!(
        problem.message.contains("nested deeper than 64 levels"),
        "{}",
        problem.message
    );
}

#[test]
fn huge_binary_and_non_utf8_files_are_rejected_first() {
    let limits = Limits {
        max_bytes: 1024,
        ..Limits::default()
    };
    let big = "a: b\n".repeat(400);
    let error = parse(big.as_bytes(), "big.yml", &limits).unwrap_err();
    assert!(
        error.problems[0]
            .message
            .contains("over the 1024 byte limit")
    );
    let error = parse(b"on: push\n\xff\xfe", "bin.yml", &limits).unwrap_err();
    assert_eq!(error.problems[0].line, 2);
    assert!(error.problems[0].message.contains("not UTF-8"));
    let error = parse(b"on: pu\0sh", "nul.yml", &limits).unwrap_err();
    assert!(error.problems[0].message.contains("NUL"));
}

#[test]
fn syntax_errors_and_complex_keys_say_where() {
    let problem = error("jobs:\n  test: [a, b\n", &Limits::default());
    assert!(problem.line >= 2, "{problem:?}");
    assert!(problem.help.is_some());
    let problem = error("? [a, b]\n: c\n", &Limits::default());
    assert_eq!(problem.message, "a mapping key is a list");
    let problem = error("a: *nowhere\n", &Limits::default());
    assert!(problem.message.contains("no anchor"), "{}", problem.message);
}

#[test]
fn large_mappings_still_find_duplicates() {
    let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
    let doc = one(&text);
    assert_eq!(doc.get("k39").unwrap().as_str(), Some("39"));
    text.push_str("k3: again\n");
    let problem = error(&text, &Limits::default());
    assert_eq!(problem.message, "duplicate key `k3` (first at line 4:1)");
}
