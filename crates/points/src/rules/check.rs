//! The checks of a rules file: how each rule counts, read from its fields, and the level
//! table tiling 1 … ∞.

use super::{err, Counting, FileRule, Level, RulesError, SHOP_REGISTERED};

/// How a rule counts, from its fields; an error says which field is missing or contradicts.
pub(super) fn counting(r: &FileRule) -> Result<Counting, String> {
    let c = match r.event.as_str() {
        "registration_year_completed" => Counting::Years,
        SHOP_REGISTERED => return Err("event 不能是 shop_registered（它只登记注册日期）".into()),
        "seller_login" => match run_length(&r.unit)? {
            Some(n) => Counting::LoginRun(n),
            None => Counting::LoginDay,
        },
        "campaign_closed" => Counting::Campaign,
        "review" if r.name.contains("好评") => Counting::GoodReview,
        "review" if r.name.contains("评论") => Counting::Comment,
        "review" => return Err("review 规则的 name 应含“好评”或“评论”，以确定计分条件".into()),
        _ if r.once => Counting::Once,
        _ if r.reversed_by.is_some() => Counting::Subject,
        e => {
            return Err(format!(
                "无法确定事件 {e} 的计分方式：一次性事项写 once = true，按对象计分写 reversed_by"
            ))
        }
    };
    let reversible = matches!(
        c,
        Counting::Once | Counting::Subject | Counting::GoodReview | Counting::Comment
    );
    if reversible && r.reversed_by.is_none() {
        return Err("缺少 reversed_by：可撤回的积分须写明撤回事件".into());
    }
    if !reversible && r.reversed_by.is_some() {
        return Err(format!("{} 的积分不可撤回，不应有 reversed_by", r.event));
    }
    if r.once && c != Counting::Once {
        return Err(format!("once = true 不适用于事件 {}", r.event));
    }
    if matches!(c, Counting::GoodReview | Counting::Comment) && r.party.is_none() {
        return Err("评价规则须写 party（person | enterprise）".into());
    }
    Ok(c)
}

/// The run length of a login unit: "每连续10天" → 10, "每天" → none.
fn run_length(unit: &str) -> Result<Option<u32>, String> {
    let Some(rest) = unit.strip_prefix("每连续") else {
        return if unit == "每天" {
            Ok(None)
        } else {
            Err(format!(
                "unit “{unit}”：登录规则的单位应为“每天”或“每连续N天”"
            ))
        };
    };
    match rest.strip_suffix('天').and_then(|n| n.parse::<u32>().ok()) {
        Some(n) if n >= 2 => Ok(Some(n)),
        _ => Err(format!(
            "unit “{unit}”：应为“每连续N天”，N 为不小于 2 的整数"
        )),
    }
}

pub(super) fn check_unique<'a>(
    ids: impl Iterator<Item = &'a str>,
    what: &str,
) -> Result<(), RulesError> {
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(err(format!("{what} {id}"), "id 重复"));
        }
    }
    Ok(())
}

/// Levels must tile 1 … ∞ without gap or overlap, the last one open, and (kind, n) be unique.
pub(super) fn check_levels(levels: &[Level]) -> Result<(), RulesError> {
    check_unique(levels.iter().map(|l| l.id.as_str()), "level")?;
    let mut sorted: Vec<&Level> = levels.iter().collect();
    sorted.sort_by_key(|l| l.min);
    let mut next = 1;
    for (i, l) in sorted.iter().enumerate() {
        let at = format!("level {}", l.id);
        if !(1..=5).contains(&l.n) {
            return Err(err(at, format!("n = {}：应为 1—5", l.n)));
        }
        if l.min != next {
            return Err(err(
                at,
                format!("min = {}：应为 {next}（等级区间须从 1 起首尾相接）", l.min),
            ));
        }
        match l.max {
            Some(m) if m < l.min => return Err(err(at, format!("max = {m} 小于 min"))),
            Some(m) => next = m + 1,
            None if i + 1 == sorted.len() => {}
            None => return Err(err(at, "只有最高一级可以省略 max")),
        }
        if levels
            .iter()
            .filter(|o| o.kind == l.kind && o.n == l.n)
            .count()
            > 1
        {
            return Err(err(at, format!("{}{} 重复", l.n, l.kind.zh())));
        }
    }
    if sorted.last().is_some_and(|l| l.max.is_some()) {
        return Err(err("level", "最高一级应省略 max（无上限）"));
    }
    Ok(())
}
