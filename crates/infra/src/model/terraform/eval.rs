//! A small evaluator for Terraform attribute values, so that a setting decided by a
//! variable or a local in the same module is judged like a literal.
//!
//! What it evaluates (anything else is *unknown*, `None`):
//! - literals: `true`, `false`, a string without interpolation (`"private"`), and a list of
//!   those (`["allUsers"]`);
//! - `var.NAME`: the `default` of the variable declared in the same module directory (all
//!   `*.tf` files of a directory form one module). When the directory is called as a module
//!   with a local source (`module "db" { source = "./modules/rds" … }`, `./` or `../`) from
//!   elsewhere in the repository, each caller's argument overrides the default (a caller
//!   without the argument keeps the default). The caller's argument is evaluated in the
//!   caller's directory, so `var.` there follows its own callers in turn, within the bounds
//!   below. Callers that disagree, or any caller whose value is unknown, make it unknown. A
//!   variable without a default (and without callers) is unknown: it is given at apply time;
//! - `local.NAME` from the `locals` blocks of the same directory;
//! - `!expr` on a boolean, and parentheses;
//! - `cond ? a : b` only when `a` and `b` are both known and equal (the condition is not
//!   evaluated).
//!
//! Not evaluated: `.tfvars` files, `-var` flags and `TF_VAR_` variables (a root module's
//! variable is judged by its default), functions, templates (`"${var.x}"`), other operators
//! (`&&`, `||`, `==`), `module.`/`data.`/resource references, and modules from a registry
//! or git (their arguments are not followed into them).
//!
//! The work is bounded: one evaluation goes at most [`MAX_DEPTH`] references deep and takes
//! at most [`MAX_STEPS`] steps; a reference already being evaluated (locals that refer to
//! each other, a module that calls itself) is unknown. Past the bounds the value is unknown.

use std::collections::HashMap;

use hcl_edit::expr::{Expression, TraversalOperator, UnaryOperator};
use hcl_edit::structure::Body;

use super::{TfFile, labels};

/// How many references (variables, locals, caller arguments) one evaluation may follow.
pub const MAX_DEPTH: usize = 32;
/// How many expressions one evaluation may visit in all (a module with many callers, each
/// with many callers, …).
pub const MAX_STEPS: usize = 4_096;

/// Module block arguments that are not inputs of the called module.
const MODULE_META: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// A known value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    Str(String),
    List(Vec<Value>),
}

/// What one module directory declares, and who calls it.
#[derive(Default, Debug)]
struct Dir<'a> {
    /// Each declaration of a variable, with its default (more than one is invalid:
    /// unknown).
    variables: HashMap<&'a str, Vec<Option<&'a Expression>>>,
    /// Each definition of a local (more than one is invalid: unknown).
    locals: HashMap<&'a str, Vec<&'a Expression>>,
    /// The module blocks that call this directory: (caller's directory, block body).
    callers: Vec<(&'a str, &'a Body)>,
}

/// The Terraform of a repository, indexed by module directory.
#[derive(Default, Debug)]
pub struct Modules<'a> {
    dirs: HashMap<String, Dir<'a>>,
}

/// The directory of a `.tf` file's path (`""` at the top).
pub fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The directory a local module source points at, from the caller's directory; `None` for
/// a source that is not a local path, or that leaves the repository.
pub fn local_source(caller_dir: &str, source: &str) -> Option<String> {
    if !(source.starts_with("./") || source.starts_with("../")) {
        return None;
    }
    let mut parts: Vec<&str> = caller_dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in source.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

impl<'a> Modules<'a> {
    /// Indexes the variables, locals and local module calls of `files`.
    pub fn new(files: impl IntoIterator<Item = &'a TfFile>) -> Self {
        let mut modules = Modules::default();
        for file in files {
            let dir = dir_of(&file.path);
            let entry = modules.dirs.entry(dir.to_owned()).or_default();
            for variable in file.blocks("variable") {
                if let Some(name) = labels(variable).first().copied() {
                    let default = variable.body.get_attribute("default").map(|a| &a.value);
                    entry.variables.entry(name).or_default().push(default);
                }
            }
            for locals in file.blocks("locals") {
                for attribute in locals.body.iter().filter_map(|s| s.as_attribute()) {
                    entry
                        .locals
                        .entry(attribute.key.as_str())
                        .or_default()
                        .push(&attribute.value);
                }
            }
            for module in file.blocks("module") {
                let target = module
                    .body
                    .get_attribute("source")
                    .and_then(|a| a.value.as_str())
                    .and_then(|source| local_source(dir, source));
                if let Some(target) = target {
                    modules
                        .dirs
                        .entry(target)
                        .or_default()
                        .callers
                        .push((dir, &module.body));
                }
            }
        }
        modules
    }

    /// Evaluation in the module of directory `dir`.
    pub fn scope<'m>(&'m self, dir: &'m str) -> Scope<'m, 'a> {
        Scope {
            modules: Some(self),
            dir,
        }
    }
}

/// Where an expression is evaluated: a module directory, or nowhere (constants only).
#[derive(Debug, Clone, Copy)]
pub struct Scope<'m, 'a> {
    modules: Option<&'m Modules<'a>>,
    dir: &'m str,
}

impl Scope<'static, 'static> {
    /// Literals, `!`, parentheses and agreeing conditionals only: for places where
    /// Terraform allows no references (backend settings, variable blocks).
    pub fn constant() -> Self {
        Scope {
            modules: None,
            dir: "",
        }
    }
}

impl Scope<'_, '_> {
    /// The value of `expr`, or `None` when it is unknown.
    pub fn eval(&self, expr: &Expression) -> Option<Value> {
        let mut run = Run {
            modules: self.modules,
            steps: 0,
            stack: Vec::new(),
        };
        run.eval(expr, self.dir)
    }

    /// The boolean value of `expr`.
    pub fn bool(&self, expr: &Expression) -> Option<bool> {
        match self.eval(expr)? {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The string value of `expr`.
    pub fn str(&self, expr: &Expression) -> Option<String> {
        match self.eval(expr)? {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The known strings of `expr`: itself, or the string items of a list.
    pub fn strings(&self, expr: &Expression) -> Vec<String> {
        match self.eval(expr) {
            Some(Value::Str(s)) => vec![s],
            Some(Value::List(items)) => items
                .into_iter()
                .filter_map(|v| match v {
                    Value::Str(s) => Some(s),
                    _ => None,
                })
                .collect(),
            Some(Value::Bool(_)) | None => match expr {
                // A list with some unknown items: its literal strings are still known.
                Expression::Array(array) => array.iter().filter_map(|e| self.str(e)).collect(),
                _ => Vec::new(),
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Var,
    Local,
}

/// One evaluation, with its bounds.
struct Run<'m, 'a> {
    modules: Option<&'m Modules<'a>>,
    steps: usize,
    /// The references being evaluated, outermost first: (directory, kind, name).
    stack: Vec<(String, Kind, String)>,
}

impl Run<'_, '_> {
    fn eval(&mut self, expr: &Expression, dir: &str) -> Option<Value> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return None;
        }
        match expr {
            Expression::Bool(b) => Some(Value::Bool(*b.value())),
            Expression::String(s) => Some(Value::Str(s.value().clone())),
            Expression::Array(array) => array
                .iter()
                .map(|e| self.eval(e, dir))
                .collect::<Option<Vec<_>>>()
                .map(Value::List),
            Expression::Parenthesis(p) => self.eval(p.inner(), dir),
            Expression::UnaryOp(op) if *op.operator.value() == UnaryOperator::Not => {
                match self.eval(&op.expr, dir)? {
                    Value::Bool(b) => Some(Value::Bool(!b)),
                    _ => None,
                }
            }
            Expression::Conditional(c) => {
                let yes = self.eval(&c.true_expr, dir)?;
                let no = self.eval(&c.false_expr, dir)?;
                (yes == no).then_some(yes)
            }
            Expression::Traversal(t) => {
                let Expression::Variable(root) = &t.expr else {
                    return None;
                };
                let [op] = t.operators.as_slice() else {
                    return None;
                };
                let TraversalOperator::GetAttr(name) = op.value() else {
                    return None;
                };
                let kind = match root.as_str() {
                    "var" => Kind::Var,
                    "local" => Kind::Local,
                    _ => return None,
                };
                self.reference(kind, name.as_str(), dir)
            }
            _ => None,
        }
    }

    /// `var.NAME` or `local.NAME` in `dir`, guarded against cycles and depth.
    fn reference(&mut self, kind: Kind, name: &str, dir: &str) -> Option<Value> {
        let modules = self.modules?;
        if self.stack.len() >= MAX_DEPTH
            || self
                .stack
                .iter()
                .any(|(d, k, n)| d == dir && *k == kind && n == name)
        {
            return None;
        }
        let module = modules.dirs.get(dir)?;
        self.stack.push((dir.to_owned(), kind, name.to_owned()));
        let value = match kind {
            Kind::Local => match module.locals.get(name).map(Vec::as_slice) {
                Some([expr]) => self.eval(expr, dir),
                _ => None,
            },
            Kind::Var => match module.variables.get(name).map(Vec::as_slice) {
                Some([default]) => self.variable(module, *default, name, dir),
                _ => None,
            },
        };
        self.stack.pop();
        value
    }

    /// A variable of `module` (in `dir`): its callers' arguments when it has callers, its
    /// default otherwise.
    fn variable(
        &mut self,
        module: &Dir<'_>,
        default: Option<&Expression>,
        name: &str,
        dir: &str,
    ) -> Option<Value> {
        if module.callers.is_empty() {
            return self.eval(default?, dir);
        }
        if MODULE_META.contains(&name) {
            // `var.count` cannot be set by a caller: the meta-argument is not an input.
            return self.eval(default?, dir);
        }
        let mut agreed: Option<Value> = None;
        for (caller_dir, body) in &module.callers {
            let value = match body.get_attribute(name) {
                Some(argument) => self.eval(&argument.value, caller_dir)?,
                None => self.eval(default?, dir)?,
            };
            match &agreed {
                Some(previous) if *previous != value => return None,
                Some(_) => {}
                None => agreed = Some(value),
            }
        }
        agreed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::terraform::{attr, parse};

    fn files(sources: &[(&str, &str)]) -> Vec<TfFile> {
        sources
            .iter()
            .map(|(path, source)| parse(path, source).unwrap())
            .collect()
    }

    /// The value of `resource "x" "y" { v = … }` in the file at `path`.
    fn value_of(files: &[TfFile], path: &str) -> Option<Value> {
        let modules = Modules::new(files);
        let file = files.iter().find(|f| f.path == path).unwrap();
        let resource = file.blocks("resource").next().unwrap();
        let expr = &attr(&resource.body, "v").unwrap().value;
        modules.scope(dir_of(path)).eval(expr)
    }

    fn one(source: &str) -> Option<Value> {
        value_of(&files(&[("main.tf", source)]), "main.tf")
    }

    const B: fn(bool) -> Option<Value> = |b| Some(Value::Bool(b));

    #[test]
    fn literals() {
        assert_eq!(one("resource \"x\" \"y\" { v = true }"), B(true));
        assert_eq!(one("resource \"x\" \"y\" { v = false }"), B(false));
        assert_eq!(
            one("resource \"x\" \"y\" { v = \"private\" }"),
            Some(Value::Str("private".into()))
        );
        assert_eq!(
            one("resource \"x\" \"y\" { v = [\"allUsers\", \"a\"] }"),
            Some(Value::List(vec![
                Value::Str("allUsers".into()),
                Value::Str("a".into())
            ]))
        );
        assert_eq!(one("resource \"x\" \"y\" { v = null }"), None);
        assert_eq!(one("resource \"x\" \"y\" { v = 3 }"), None);
    }

    #[test]
    fn variables_resolve_to_their_default_across_the_directory() {
        let fs = files(&[
            ("db/main.tf", "resource \"x\" \"y\" { v = var.enc }"),
            (
                "db/variables.tf",
                "variable \"enc\" {\n  type = bool\n  default = false\n}",
            ),
            // Another directory is another module.
            ("other/variables.tf", "variable \"enc\" { default = true }"),
        ]);
        assert_eq!(value_of(&fs, "db/main.tf"), B(false));
        let fs = files(&[(
            "main.tf",
            "variable \"enc\" { default = true }\nresource \"x\" \"y\" { v = var.enc }",
        )]);
        assert_eq!(value_of(&fs, "main.tf"), B(true));
    }

    #[test]
    fn negation_parentheses_and_locals() {
        assert_eq!(
            one("variable \"off\" { default = true }\nresource \"x\" \"y\" { v = !var.off }"),
            B(false)
        );
        assert_eq!(one("resource \"x\" \"y\" { v = !(!(false)) }"), B(false));
        assert_eq!(
            one(
                "locals {\n  enc = local.base\n  base = !true\n}\nresource \"x\" \"y\" { v = local.enc }"
            ),
            B(false)
        );
        assert_eq!(one("resource \"x\" \"y\" { v = !\"a\" }"), None);
    }

    #[test]
    fn a_conditional_is_known_only_when_both_sides_agree() {
        assert_eq!(
            one("resource \"x\" \"y\" { v = var.prod ? false : false }"),
            B(false)
        );
        assert_eq!(
            one(
                "variable \"prod\" { default = true }\nresource \"x\" \"y\" { v = var.prod ? true : false }"
            ),
            None
        );
    }

    #[test]
    fn anything_else_is_unknown() {
        for v in [
            "var.missing",
            "local.missing",
            "lookup(var.m, \"k\", false)",
            "\"${var.env}\"",
            "true && false",
            "module.x.enc",
            "var.obj.enc",
            "data.x.y.enc",
        ] {
            let source = format!(
                "variable \"obj\" {{ default = {{ enc = false }} }}\nvariable \"nodefault\" {{}}\nresource \"x\" \"y\" {{ v = {v} }}"
            );
            assert_eq!(one(&source), None, "{v}");
        }
        assert_eq!(
            one("variable \"nodefault\" {}\nresource \"x\" \"y\" { v = var.nodefault }"),
            None
        );
        // A variable declared twice (invalid) is unknown.
        assert_eq!(
            one(
                "variable \"a\" { default = true }\nvariable \"a\" { default = true }\nresource \"x\" \"y\" { v = var.a }"
            ),
            None
        );
    }

    #[test]
    fn cycles_and_depth_are_unknown() {
        assert_eq!(
            one("locals {\n  a = local.b\n  b = !local.a\n}\nresource \"x\" \"y\" { v = local.a }"),
            None
        );
        assert_eq!(
            one("locals {\n  a = local.a\n}\nresource \"x\" \"y\" { v = local.a }"),
            None
        );
        // A chain longer than the depth limit.
        let mut source = String::from("locals {\n");
        for i in 0..MAX_DEPTH + 5 {
            source.push_str(&format!("  l{i} = local.l{}\n", i + 1));
        }
        source.push_str(&format!("  l{} = false\n}}\n", MAX_DEPTH + 5));
        source.push_str("resource \"x\" \"y\" { v = local.l0 }");
        assert_eq!(one(&source), None);
        // A short chain is followed.
        assert_eq!(
            one(
                "locals {\n  a = local.b\n  b = local.c\n  c = false\n}\nresource \"x\" \"y\" { v = local.a }"
            ),
            B(false)
        );
        // A module that calls itself, passing its own variable.
        let fs = files(&[(
            "m/main.tf",
            "variable \"enc\" { default = true }\nmodule \"again\" {\n  source = \"./\"\n  enc = var.enc\n}\nresource \"x\" \"y\" { v = var.enc }",
        )]);
        assert_eq!(value_of(&fs, "m/main.tf"), None);
    }

    #[test]
    fn a_local_module_takes_its_callers_arguments() {
        let module = (
            "modules/rds/main.tf",
            "variable \"storage_encrypted\" { default = true }\nresource \"x\" \"y\" { v = var.storage_encrypted }",
        );
        // One caller overrides the default.
        let fs = files(&[
            module,
            (
                "main.tf",
                "module \"db\" {\n  source = \"./modules/rds\"\n  storage_encrypted = false\n}",
            ),
        ]);
        assert_eq!(value_of(&fs, "modules/rds/main.tf"), B(false));
        // The caller's argument is evaluated in the caller: its variable's default.
        let fs = files(&[
            module,
            (
                "env/prod/main.tf",
                "variable \"enc\" { default = false }\nmodule \"db\" {\n  source = \"../../modules/rds/\"\n  storage_encrypted = var.enc\n}",
            ),
        ]);
        assert_eq!(value_of(&fs, "modules/rds/main.tf"), B(false));
        // Two callers that agree.
        let fs = files(&[
            module,
            (
                "a/main.tf",
                "module \"db\" {\n  source = \"../modules/rds\"\n  storage_encrypted = false\n}",
            ),
            (
                "b/main.tf",
                "module \"db\" {\n  source = \"../modules/rds\"\n  storage_encrypted = !true\n}",
            ),
        ]);
        assert_eq!(value_of(&fs, "modules/rds/main.tf"), B(false));
        // Two callers that disagree (one keeps the default): unknown.
        let fs = files(&[
            module,
            (
                "a/main.tf",
                "module \"db\" {\n  source = \"../modules/rds\"\n  storage_encrypted = false\n}",
            ),
            (
                "b/main.tf",
                "module \"db\" {\n  source = \"../modules/rds\"\n}",
            ),
        ]);
        assert_eq!(value_of(&fs, "modules/rds/main.tf"), None);
        // A caller whose value is unknown: unknown.
        let fs = files(&[
            module,
            (
                "main.tf",
                "module \"db\" {\n  source = \"./modules/rds\"\n  storage_encrypted = lookup(var.m, \"e\")\n}",
            ),
        ]);
        assert_eq!(value_of(&fs, "modules/rds/main.tf"), None);
        // A registry module is not followed: the default stands.
        let fs = files(&[
            module,
            (
                "main.tf",
                "module \"db\" {\n  source = \"terraform-aws-modules/rds/aws\"\n  storage_encrypted = false\n}",
            ),
        ]);
        assert_eq!(value_of(&fs, "modules/rds/main.tf"), B(true));
    }

    #[test]
    fn local_sources_resolve_inside_the_repository() {
        assert_eq!(
            local_source("", "./modules/rds"),
            Some("modules/rds".into())
        );
        assert_eq!(local_source("examples/a", "../../"), Some(String::new()));
        assert_eq!(
            local_source("env/prod", "../../modules/./db/"),
            Some("modules/db".into())
        );
        assert_eq!(local_source("", "../outside"), None);
        assert_eq!(local_source("", "terraform-aws-modules/rds/aws"), None);
        assert_eq!(local_source("", "git::https://x/y.git"), None);
    }

    #[test]
    fn the_constant_scope_reads_no_references() {
        let fs = files(&[(
            "main.tf",
            "variable \"t\" { default = true }\nresource \"x\" \"y\" { v = var.t }",
        )]);
        let resource = fs[0].blocks("resource").next().unwrap();
        let expr = &attr(&resource.body, "v").unwrap().value;
        assert_eq!(Scope::constant().eval(expr), None);
        let fs = files(&[("main.tf", "resource \"x\" \"y\" { v = !(false) }")]);
        let resource = fs[0].blocks("resource").next().unwrap();
        let expr = &attr(&resource.body, "v").unwrap().value;
        assert_eq!(Scope::constant().bool(expr), Some(true));
    }

    #[test]
    fn strings_of_a_list_keep_its_known_items() {
        let fs = files(&[(
            "main.tf",
            "locals { who = \"allUsers\" }\nresource \"x\" \"y\" { v = [local.who, var.unknown] }",
        )]);
        let modules = Modules::new(&fs);
        let resource = fs[0].blocks("resource").next().unwrap();
        let expr = &attr(&resource.body, "v").unwrap().value;
        assert_eq!(modules.scope("").strings(expr), ["allUsers"]);
    }
}
