//! The standard's interpretations for people: a title (the scheme files give none) and their
//! text without the internal notes of the scheme files (field names, settings, references to
//! the design document). Pure.

use tianping_core::Interpretation;

/// A readable title for an interpretation. The scheme files give none, so it is the first
/// phrase of what the standard says (`text`), cleaned of internal notes, at most 40
/// characters.
pub fn title(i: &Interpretation) -> String {
    let text = for_people(&i.text);
    let first = text.split(['；', '。', ';']).next().unwrap_or("").trim();
    let first = if first.chars().count() > 40 {
        first.split('，').next().unwrap_or(first).trim()
    } else {
        first
    };
    if first.chars().count() > 40 {
        let cut: String = first.chars().take(39).collect();
        format!("{cut}…")
    } else if first.is_empty() {
        i.clause.clone()
    } else {
        first.to_string()
    }
}

/// The Chinese words for the scheme files' field names that appear in their notes.
const FIELD_WORDS: &[(&str, &str)] = &[
    ("note", "说明"),
    ("path", "指标路径"),
    ("title", "表名"),
    ("dimension", "维度"),
    ("requirement", "评价要求"),
    ("serial", "序号"),
    ("id", "编号"),
    ("third_party", "第三方"),
    ("expert_panel", "专家评审"),
    ("likert", "量表"),
    ("min", "较小者"),
    ("max", "较大者"),
];

fn ident_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.')
}

/// Text from the scheme files without internal notes: field names and settings of the files
/// (`half_points = true`, `expert_panel：`, `（profile）`, `[extra.points_feed]`) and
/// references to the design document are left out or said in words; the rest stays as written.
pub fn for_people(s: &str) -> String {
    let s = without_design_refs(s);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // `[extra.points_feed]`: a reference into the file
        if c == '[' {
            if let Some(end) = chars[i..].iter().position(|&x| x == ']') {
                let inner: String = chars[i + 1..i + end].iter().collect();
                if !inner.is_empty() && inner.chars().all(ident_char) {
                    i += end + 1;
                    continue;
                }
            }
        }
        // a word of its own, not the tail of a code such as `I-8-rounding`
        let starts_word = c.is_ascii_lowercase()
            && (i == 0 || !(chars[i - 1].is_ascii_alphanumeric() || "-_.".contains(chars[i - 1])));
        if !starts_word {
            out.push(c);
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && ident_char(chars[j]) {
            j += 1;
        }
        let word: String = chars[i..j].iter().collect::<String>();
        let word = word.trim_end_matches(['.', '-']).to_string();
        let j = i + word.chars().count();
        if j < chars.len() && chars[j].is_ascii_alphabetic() {
            // part of a longer word with capitals (ISO9001 …): keep as written
            out.push_str(&word);
            i = j;
            continue;
        }
        // the word goes: so do the spaces that set it apart from Chinese text
        while out.ends_with(' ') {
            out.pop();
        }
        // a setting: `name = value`
        let mut k = j;
        while k < chars.len() && chars[k] == ' ' {
            k += 1;
        }
        if k < chars.len() && chars[k] == '=' {
            k += 1;
            while k < chars.len() && chars[k] == ' ' {
                k += 1;
            }
            while k < chars.len() && (chars[k].is_ascii_alphanumeric() || chars[k] == '.') {
                k += 1;
            }
            i = k;
            continue;
        }
        // a label: `name：` or `name:`
        if j < chars.len() && matches!(chars[j], '：' | ':') {
            i = j + 1;
            continue;
        }
        // a field name in a sentence: its Chinese word, unless the sentence just said it
        if let Some((_, zh)) = FIELD_WORDS.iter().find(|(w, _)| *w == word) {
            if !out.trim_end_matches(['（', '(', ' ']).ends_with(zh) {
                out.push_str(zh);
            }
        }
        i = j;
        while i < chars.len() && chars[i] == ' ' && chars.get(i + 1).is_some_and(|c| !c.is_ascii())
        {
            i += 1;
        }
    }
    tidy(&out)
}

/// `按 DESIGN I-1，…` → `…`: the design document is not the reader's.
fn without_design_refs(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find("DESIGN I-") {
        let before = rest[..at].trim_end();
        out.push_str(before.strip_suffix('按').unwrap_or(before));
        let after = &rest[at + "DESIGN I-".len()..];
        let after = after.trim_start_matches(|c: char| c.is_ascii_digit());
        rest = after
            .strip_prefix('，')
            .or_else(|| after.strip_prefix('：'))
            .unwrap_or(after)
            .trim_start();
    }
    out.push_str(rest);
    out
}

/// Brackets left empty, punctuation left doubled and spaces left beside Chinese text.
fn tidy(s: &str) -> String {
    let mut s = s.to_string();
    loop {
        let before = s.clone();
        for (from, to) in [
            ("（ ", "（"),
            (" ）", "）"),
            ("（）", ""),
            ("()", ""),
            ("（，", "（"),
            ("（、", "（"),
            ("，）", "）"),
            ("、）", "）"),
            ("  ", " "),
            (" ，", "，"),
            (" ；", "；"),
            (" 。", "。"),
            ("，，", "，"),
            ("，；", "；"),
            ("，对应规则见；", "；"),
            ("见；", "；"),
            ("见。", "。"),
            ("标记，", "标记为积分数据，"),
        ] {
            s = s.replace(from, to);
        }
        if s == before {
            break;
        }
    }
    s.trim().trim_end_matches(['，', '、']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_notes_are_left_out_of_interpretations() {
        for (raw, want) in [
            (
                "含“问卷调查”的项目按量表（likert：1—5级，得分 = 满分 × (均值 − 1) / 4）",
                "含“问卷调查”的项目按量表（1—5级，得分 = 满分 × (均值 − 1) / 4）",
            ),
            (
                "按专家评审（expert_panel：至少3位专家，取平均分）",
                "按专家评审（至少3位专家，取平均分）",
            ),
            (
                "所有项目允许按0.5分步长给分（half_points = true）",
                "所有项目允许按0.5分步长给分",
            ),
            (
                "权重可在评价配置（profile）中另设",
                "权重可在评价配置中另设",
            ),
            (
                "备注数字记入所在行的 note，不参与计分",
                "备注数字记入所在行的说明，不参与计分",
            ),
            (
                "答案来源记为第三方（third_party，即认证证书）",
                "答案来源记为第三方（即认证证书）",
            ),
            (
                "按 DESIGN I-1，各行类别取表C2.1同序号",
                "各行类别取表C2.1同序号",
            ),
            (
                "企业持有效 ISO9001 证书，GB/T 33718-2017 与 C1.2 序号1～8",
                "企业持有效 ISO9001 证书，GB/T 33718-2017 与 C1.2 序号1～8",
            ),
            (
                "这些指标标记 points_fed = true，其依据数据取自店铺积分引擎（sh-service-cloud-points）的事件与积分，对应规则见 [extra.points_feed]；由积分数据到系数的换算原文未规定",
                "这些指标标记为积分数据，其依据数据取自店铺积分引擎的事件与积分；由积分数据到系数的换算原文未规定",
            ),
        ] {
            assert_eq!(for_people(raw), want);
        }
    }

    /// Every shipped interpretation, as a person reads it: a title, and what the standard says
    /// and what is done without the scheme files' field names or settings.
    #[test]
    fn shipped_interpretations_read_without_internal_notes() {
        let cat = tianping_catalog::Catalog::load(None).unwrap();
        let mut n = 0;
        for s in &cat.schemes {
            for i in &s.interpretations {
                let title = title(i);
                assert!(
                    !title.is_empty() && title.chars().count() <= 40,
                    "{}: {title}",
                    i.id
                );
                for text in [title, for_people(&i.text), for_people(&i.action)] {
                    let words: Vec<&str> = text
                        .split(|c: char| !(c.is_ascii_alphanumeric() || "_-.".contains(c)))
                        .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                        .collect();
                    assert!(words.is_empty(), "{}: {words:?} in {text}", i.id);
                    assert!(
                        !text.contains("DESIGN") && !text.contains("（）"),
                        "{}: {text}",
                        i.id
                    );
                }
                n += 1;
            }
        }
        assert!(n > 100, "{n}");
    }
}
