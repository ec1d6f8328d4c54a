//! Rendering the decision (a plain report; the full templates come with the report issue).

use std::fmt::Write;

use signoff_core::markdown::escape;

use crate::decide::Decision;

pub fn markdown(decision: &Decision) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Sign-off: {}\n", decision.verdict);
    for reason in &decision.reasons {
        let _ = writeln!(out, "- {}", escape(reason));
    }
    out.push_str("\n| gate | status | summary |\n|---|---|---|\n");
    for gate in &decision.gates {
        for shard in &gate.shards {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                escape(&gate.id),
                shard.report.status,
                escape(&shard.report.summary)
            );
        }
    }
    for id in &decision.missing {
        let _ = writeln!(
            out,
            "| {} | missing | required, but no report was found |",
            escape(id)
        );
    }
    if !decision.problems.is_empty() {
        out.push_str("\n## Unreadable gate reports\n\n");
        for problem in &decision.problems {
            let _ = writeln!(
                out,
                "- {}: {}",
                signoff_core::markdown::code(&problem.display),
                escape(&problem.message)
            );
        }
    }
    out
}

pub fn json(decision: &Decision) -> String {
    let gates: Vec<serde_json::Value> = decision
        .gates
        .iter()
        .map(|gate| {
            serde_json::json!({
                "gate": gate.id,
                "status": gate.status,
                "required": gate.required,
                "reports": gate.shards.iter().map(|s| serde_json::json!({"path": s.display, "sha256": s.sha256})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let value = serde_json::json!({
        "schema": "signoff/signoff/v1",
        "verdict": decision.verdict,
        "gates": gates,
        "missing": decision.missing,
        "reasons": decision.reasons,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
