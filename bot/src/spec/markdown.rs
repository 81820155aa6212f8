//! The spec as a Markdown document both sides can keep (`yunqi export spec <job>`).

use super::checklist::{Item, ItemStatus};
use super::score::readiness;
use super::{Section, Spec};
use crate::i18n::spec as t;
use crate::i18n::Locale;
use crate::job::Job;

/// Sections, the acceptance checklist with status, open points, changelog, public Q&A.
pub fn render(
    job: &Job,
    version: u32,
    spec: &Spec,
    items: &[Item],
    log: &[String],
    qas: &[(String, String)],
    l: Locale,
) -> String {
    let zh = l == Locale::Zh;
    let pick = |a: &'static str, b: &'static str| if zh { a } else { b };
    let mut md = format!(
        "# {} #{} {}\n\n",
        pick("需求", "Job"),
        job.id,
        job.draft.title
    );
    let r = readiness(spec);
    md += &format!(
        "- {}: {}\n- {}: {}\n- {}: {}\n- {}: {}\n- {}: v{version}\n- {}\n\n",
        pick("状态", "Status"),
        crate::i18n::job_status_name(job.status, l),
        pick("类型", "Kind"),
        t::kind_name(spec.kind, l),
        pick("预算", "Budget"),
        job.draft.budget,
        pick("截止日期", "Deadline"),
        job.draft.deadline,
        pick("规格版本", "Spec version"),
        t::score_line(&r, spec.open.len(), l),
    );
    for s in Section::ALL {
        if s == Section::Acceptance {
            continue;
        }
        let details: Vec<String> = spec
            .details
            .iter()
            .filter(|d| super::interview::detail_section(&d.key) == Some(s))
            .map(|d| format!("- {}: {}", t::point_label(&d.key, l), d.text))
            .collect();
        if spec.text(s).is_none() && details.is_empty() {
            continue;
        }
        md += &format!("## {}\n\n", t::section_name(s, l));
        if let Some(text) = spec.text(s) {
            md += &format!("{text}\n\n");
        }
        if !details.is_empty() {
            md += &format!("{}\n\n", details.join("\n"));
        }
    }
    md += &format!("## {}\n\n", t::section_name(Section::Acceptance, l));
    if items.is_empty() {
        for (i, c) in spec.acceptance.iter().enumerate() {
            md += &format!("- [ ] {}. {c}\n", i + 1);
        }
    }
    for i in items {
        let mark = if i.status == ItemStatus::Accepted {
            "x"
        } else {
            " "
        };
        md += &format!(
            "- [{mark}] {}. {} — {}\n",
            i.n,
            i.text,
            crate::i18n::CheckMsg::status(i.status, l)
        );
        if let Some(e) = &i.evidence {
            md += &format!("  - {}: {e}\n", pick("证据", "Evidence"));
        }
        if let (ItemStatus::Rejected, Some(r)) = (i.status, &i.reason) {
            md += &format!("  - {}: {r}\n", pick("退回原因", "Reason"));
        }
    }
    if !spec.open.is_empty() {
        md += &format!("\n## {}\n\n", pick("待明确", "Open points"));
        for p in &spec.open {
            md += &format!("- {}\n", t::point_label(&p.key, l));
        }
    }
    md += &format!("\n## {}\n\n", pick("变更记录", "Changelog"));
    for line in log {
        md += &format!("- {line}\n");
    }
    if !qas.is_empty() {
        md += &format!("\n## {}\n\n", pick("公开问答", "Public Q&A"));
        for (q, a) in qas {
            md += &format!(
                "**{}** {q}\n\n{} {a}\n\n",
                pick("问：", "Q:"),
                pick("答：", "A:")
            );
        }
    }
    md
}
