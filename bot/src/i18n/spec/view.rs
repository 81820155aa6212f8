//! The spec as shown: sections, `/spec`, edits and the changelog, zh and en.

use super::{kind_name, point_label, score_line, section_name, Locale};
use crate::spec::{Section, Spec};

/// The spec's sections, open points and criteria, for `/spec` and the first version.
pub fn render(spec: &Spec, l: Locale) -> String {
    let mut s = match l {
        Locale::Zh => format!("类型：{}", kind_name(spec.kind, l)),
        Locale::En => format!("Kind: {}", kind_name(spec.kind, l)),
    };
    for sec in Section::ALL {
        if sec == Section::Acceptance {
            if !spec.acceptance.is_empty() {
                s += &format!("\n【{}】", section_name(sec, l));
                for (i, c) in spec.acceptance.iter().enumerate() {
                    s += &format!("\n{}. {c}", i + 1);
                }
            }
            continue;
        }
        let details: Vec<String> = spec
            .details
            .iter()
            .filter(|d| crate::spec::interview::detail_section(&d.key) == Some(sec))
            .map(|d| {
                let sep = if l == Locale::Zh { "：" } else { ": " };
                format!("{}{sep}{}", point_label(&d.key, l), d.text)
            })
            .collect();
        if spec.text(sec).is_none() && details.is_empty() {
            continue;
        }
        s += &format!("\n【{}】", section_name(sec, l));
        if let Some(t) = spec.text(sec) {
            s += &format!("\n{t}");
        }
        for d in details {
            s += &format!("\n{d}");
        }
    }
    if !spec.open.is_empty() {
        let labels: Vec<String> = spec.open.iter().map(|p| point_label(&p.key, l)).collect();
        s += &match l {
            Locale::Zh => format!("\n❓ 待明确：{}", labels.join("、")),
            Locale::En => format!("\n❓ Open points: {}", labels.join(", ")),
        };
    }
    s
}

/// How to raise the score after publishing.
pub fn improve_hint(l: Locale) -> String {
    match l {
        Locale::Zh => "可随时改进：/spec-edit <编号> 字段=\"内容\"（例如 /spec-edit 1 scope_out=\"不做支付\"）。".into(),
        Locale::En => "Improve it any time: /spec-edit <job> field=\"text\" (e.g. /spec-edit 1 scope_out=\"no payments\").".into(),
    }
}

pub fn edit_closed(job: &crate::job::Job, l: Locale) -> String {
    match l {
        Locale::Zh => format!("需求 #{} 已结束，规格不能再改。", job.id),
        Locale::En => format!("Job #{} is over; its spec cannot change.", job.id),
    }
}

pub fn edit_bad(key: &str, l: Locale) -> String {
    let keys: Vec<&str> = Section::ALL.iter().map(|s| s.key()).collect();
    match l {
        Locale::Zh => format!("无法修改「{key}」。可用字段：kind、{}", keys.join("、")),
        Locale::En => format!("Cannot edit \"{key}\". Fields: kind, {}", keys.join(", ")),
    }
}

pub fn edited(job: &crate::job::Job, v: u32, change: &str, l: Locale) -> String {
    match l {
        Locale::Zh => format!(
            "📝 需求 #{}「{}」规格更新为 v{v}：{change}",
            job.id, job.draft.title
        ),
        Locale::En => format!(
            "📝 Job #{} \"{}\" spec is now v{v}: {change}",
            job.id, job.draft.title
        ),
    }
}

pub fn initial_line(v: u32, l: Locale) -> String {
    match l {
        Locale::Zh => format!("v{v} 初始规格"),
        Locale::En => format!("v{v} initial spec"),
    }
}

/// `/spec` of a structured spec: sections, open points, changelog, public Q&A.
pub fn view(
    job: &crate::job::Job,
    v: u32,
    spec: &Spec,
    log: &[String],
    qas: &[(String, String)],
    l: Locale,
) -> String {
    let r = crate::spec::score::readiness(spec);
    let (head, changelog, qa, q, a) = match l {
        Locale::Zh => (
            format!("需求 #{} 规格 v{v}：{}", job.id, job.draft.title),
            "变更记录：",
            "公开问答：",
            "问",
            "答",
        ),
        Locale::En => (
            format!("Job #{} spec v{v}: {}", job.id, job.draft.title),
            "Changelog:",
            "Public Q&A:",
            "Q",
            "A",
        ),
    };
    let mut s = format!(
        "{head}\n{}\n{}",
        score_line(&r, spec.open.len(), l),
        render(spec, l)
    );
    s += &format!("\n\n{changelog}");
    for line in log {
        s += &format!("\n{line}");
    }
    if !qas.is_empty() {
        s += &format!("\n\n{qa}");
        let sep = if l == Locale::Zh { "：" } else { ": " };
        for (question, answer) in qas {
            s += &format!("\n{q}{sep}{question}\n{a}{sep}{answer}");
        }
    }
    s
}

/// A changelog line for an answer that changed no section (as the plain spec view says it).
pub fn qa_line(v: u32, question: i64, q: &str, l: Locale) -> String {
    let short: String = q.chars().take(30).collect();
    match l {
        Locale::Zh => format!("v{v} 回答问题 #{question}：{short}"),
        Locale::En => format!("v{v} answered question #{question}: {short}"),
    }
}

/// Changelog lines and public Q&A of versions 1..=n: a section change where a version
/// made one, else the answer or the initial spec.
pub fn history(
    docs: &[crate::spec::SpecDoc],
    versions: &[crate::thread::SpecVersion],
    n: u32,
    l: Locale,
) -> (Vec<String>, Vec<(String, String)>) {
    use crate::thread::SpecEntry;
    let mut log = Vec::new();
    let mut qas = Vec::new();
    for v in 1..=n {
        let entry = versions.iter().find(|x| x.version == v).map(|x| &x.entry);
        let change = docs
            .iter()
            .find(|d| d.version == v)
            .and_then(|d| d.change.clone());
        match (change, entry) {
            (Some(c), _) => log.push(format!("v{v} {c}")),
            (None, Some(SpecEntry::Initial { .. })) => log.push(initial_line(v, l)),
            (None, Some(SpecEntry::Qa { question, q, .. })) => {
                log.push(qa_line(v, question.0, q, l))
            }
            (None, None) => {}
        }
        if let Some(SpecEntry::Qa { q, a, .. }) = entry {
            qas.push((q.clone(), a.clone()));
        }
    }
    (log, qas)
}
