//! Checking what people type about an enterprise and themselves: the enterprise record
//! (USCC per GB 32100, GB/T 4754 industry code, 000 type, 001 category), e-mail addresses,
//! names and sites.

use serde::{Deserialize, Serialize};
use tianping_core::Scheme;

use crate::msg::{Denied, FieldError, Msg};

/// Enterprise fields as typed into a form or sent to the API (all text, checked here).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct EnterpriseInput {
    pub uscc: String,
    pub name: String,
    pub registered_address: String,
    pub operating_address: String,
    pub legal_representative: String,
    pub industry_code: String,
    pub headcount: String,
    pub enterprise_type: String,
    pub category: String,
}

/// A checked enterprise record.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct EnterpriseFields {
    pub uscc: String,
    pub name: String,
    pub registered_address: String,
    pub operating_address: String,
    pub legal_representative: String,
    pub industry_code: String,
    pub headcount: i64,
    pub enterprise_type: Option<String>,
    pub category: Option<String>,
}

/// The schemes whose variants an enterprise record names: the 000 enterprise types and the
/// 001 categories.
#[derive(Clone, Copy)]
pub struct VariantSchemes<'a> {
    pub types: Option<&'a Scheme>,
    pub categories: Option<&'a Scheme>,
}

/// Check a unified social credit code (GB 32100-2015) and return it normalised (full-width
/// forms and lower case accepted), or the reason naming the position at fault.
pub fn uscc(input: &str) -> Result<String, Msg> {
    tianping_calc::uscc::validate(input)
        .map(|u| u.code)
        .map_err(|e| Msg::wrap("Unified social credit code is invalid", e.to_string()))
}

/// The 001 category suggested by a GB/T 4754 industry code (its section letter), I-7:
/// the category's id and name.
pub fn suggest_category(categories: &Scheme, industry_code: &str) -> Option<(String, String)> {
    let code = tianping_calc::industry::validate(industry_code).ok()?;
    let section = code.section().to_string();
    categories
        .variants
        .iter()
        .find(|v| v.gbt4754_sections.contains(&section))
        .map(|v| (v.id.clone(), v.name.clone()))
}

/// A variant named on a form by its id, appendix letter or name: its id, otherwise an
/// error on `field` listing every accepted form.
fn variant_field(
    scheme: Option<&Scheme>,
    value: &str,
    field: &str,
    label: Msg,
    errs: &mut Vec<FieldError>,
) -> Option<String> {
    if let Some(v) = scheme.and_then(|s| s.find_variant(value)) {
        return Some(v.id.clone());
    }
    let accepted: Vec<String> = scheme
        .map(|s| {
            s.variants
                .iter()
                .map(|v| v.accepted_forms().collect::<Vec<_>>().join(" / "))
                .collect()
        })
        .unwrap_or_default();
    errs.push(FieldError::new(
        field,
        format!(
            "{} “{}” 无效；可选：{}",
            label.zh,
            value,
            accepted.join("、")
        ),
        format!(
            "{} “{}” is invalid; choose one of: {}",
            label.en,
            value,
            accepted.join(", ")
        ),
    ));
    None
}

/// A text that must be given and may have at most `max` characters.
pub fn required(
    field: &str,
    value: &str,
    max: usize,
    zh: &str,
    en: &str,
) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("{}必填，最多 {} 字", zh, max),
            format!("{} is required, at most {} characters", en, max),
        ));
    }
    Ok(v.to_string())
}

/// A whole number from 0 to 10,000,000 (a headcount).
fn headcount(field: &str, value: &str, zh: &str, en: &str) -> Result<i64, FieldError> {
    match value.trim().parse::<i64>() {
        Ok(n) if (0..=10_000_000).contains(&n) => Ok(n),
        _ => Err(FieldError::new(
            field,
            format!("{}应为 0 至 10000000 的整数", zh),
            format!("{} must be a whole number from 0 to 10000000", en),
        )),
    }
}

/// Check an enterprise record; every field at fault is named.
pub fn check(schemes: VariantSchemes<'_>, i: &EnterpriseInput) -> Result<EnterpriseFields, Denied> {
    let mut errs = Vec::new();
    let uscc = uscc(&i.uscc)
        .map_err(|m| errs.push(FieldError::msg("uscc", m)))
        .unwrap_or_default();
    let name = i.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 200 {
        errs.push(FieldError::new(
            "name",
            "企业名称必填，最多 200 字",
            "The enterprise name is required, at most 200 characters",
        ));
    }
    for (f, v, zh, en) in [
        (
            "registered_address",
            &i.registered_address,
            "注册地址",
            "The registered address",
        ),
        (
            "operating_address",
            &i.operating_address,
            "经营地址",
            "The operating address",
        ),
        (
            "legal_representative",
            &i.legal_representative,
            "法定代表人",
            "The legal representative",
        ),
    ] {
        if v.chars().count() > 300 {
            errs.push(FieldError::new(
                f,
                format!("{}最多 300 字", zh),
                format!("{} may have at most 300 characters", en),
            ));
        }
    }
    let industry = match i.industry_code.trim() {
        "" => String::new(),
        code => match tianping_calc::industry::validate(code) {
            Ok(c) => c.code,
            Err(zh) => {
                errs.push(FieldError::msg(
                    "industry_code",
                    Msg::new(zh, "The industry code follows GB/T 4754: a section letter A–T, then 2, 3 or 4 digits (e.g. C, C35, C351, C3511)"),
                ));
                code.to_uppercase()
            }
        },
    };
    let headcount = match i.headcount.trim() {
        "" => 0,
        h => headcount("headcount", h, "人数", "The headcount")
            .map_err(|e| errs.push(e))
            .unwrap_or(0),
    };
    let enterprise_type = match i.enterprise_type.trim() {
        "" => None,
        t => variant_field(
            schemes.types,
            t,
            "enterprise_type",
            Msg::new("企业类型", "Enterprise type"),
            &mut errs,
        ),
    };
    let category = match i.category.trim() {
        "" => schemes
            .categories
            .and_then(|s| suggest_category(s, &industry))
            .map(|c| c.0),
        c => variant_field(
            schemes.categories,
            c,
            "category",
            Msg::new("企业类别", "Enterprise category"),
            &mut errs,
        ),
    };
    if !errs.is_empty() {
        return Err(Denied::Invalid(errs));
    }
    Ok(EnterpriseFields {
        uscc,
        name,
        registered_address: i.registered_address.trim().into(),
        operating_address: i.operating_address.trim().into(),
        legal_representative: i.legal_representative.trim().into(),
        industry_code: industry,
        headcount,
        enterprise_type,
        category,
    })
}

/// A site of an enterprise, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SiteInput {
    pub name: String,
    pub address: String,
    pub headcount: String,
}

/// A checked site: name, address, headcount.
pub fn check_site(i: &SiteInput) -> Result<(String, String, i64), Denied> {
    let mut errs = Vec::new();
    let name = required("name", &i.name, 200, "场所名称", "The site name")
        .map_err(|e| errs.push(e))
        .unwrap_or_default();
    let hc = headcount(
        "headcount",
        &i.headcount,
        "场所人数",
        "The site's headcount",
    )
    .map_err(|e| errs.push(e))
    .unwrap_or(0);
    if !errs.is_empty() {
        return Err(Denied::Invalid(errs));
    }
    Ok((name, i.address.trim().to_string(), hc))
}

/// An e-mail address, normalised to lower case.
pub fn email(email: &str) -> Result<String, Msg> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 200
        && e.split_once('@').is_some_and(|(a, b)| {
            !a.is_empty() && b.contains('.') && !b.starts_with('.') && !b.ends_with('.')
        })
        && !e.contains(char::is_whitespace);
    if ok {
        Ok(e)
    } else {
        Err(Msg::new(
            "邮箱地址无效，应形如 name@example.com",
            "The email address is invalid; it should look like name@example.com",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> VariantSchemes<'static> {
        VariantSchemes {
            types: None,
            categories: None,
        }
    }

    #[test]
    fn every_field_at_fault_is_named() {
        let i = EnterpriseInput {
            uscc: "91310000MA1K00000X".into(),
            name: "".into(),
            industry_code: "C3".into(),
            headcount: "-1".into(),
            enterprise_type: "nope".into(),
            ..Default::default()
        };
        let Err(Denied::Invalid(errs)) = check(none(), &i) else {
            panic!("accepted")
        };
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "uscc",
                "name",
                "industry_code",
                "headcount",
                "enterprise_type"
            ]
        );
    }

    #[test]
    fn enterprise_types_by_letter_or_name_are_stored_by_id() {
        let catalog = tianping_catalog::Catalog::load(None).unwrap();
        let types = catalog.get("t11-aii-001-2020");
        let categories = catalog.get("t-sdditai-5121-2023");
        let schemes = VariantSchemes { types, categories };
        let mut i = EnterpriseInput {
            uscc: "91350100M000100Y43".into(),
            name: "x".into(),
            enterprise_type: "技术服务类".into(),
            ..Default::default()
        };
        let ok = check(schemes, &i).unwrap();
        assert_eq!(ok.enterprise_type.as_deref(), Some("tech-service"));
        i.enterprise_type = "Z".into();
        let Err(Denied::Invalid(errs)) = check(schemes, &i) else {
            panic!()
        };
        assert!(
            errs[0].message.zh.contains("tech-service")
                && errs[0].message.zh.contains("技术服务类"),
            "{:?}",
            errs[0]
        );
    }

    #[test]
    fn email_addresses() {
        assert_eq!(email(" A@B.cn ").unwrap(), "a@b.cn");
        for bad in ["a@b", "@b.cn", "a b@c.cn", "a@.cn", "a@cn."] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sites_need_a_name_and_a_headcount() {
        let ok = SiteInput {
            name: " 一厂 ".into(),
            address: "x".into(),
            headcount: "12".into(),
        };
        assert_eq!(check_site(&ok).unwrap(), ("一厂".into(), "x".into(), 12));
        let bad = SiteInput {
            name: "".into(),
            address: "".into(),
            headcount: "x".into(),
        };
        let Err(Denied::Invalid(errs)) = check_site(&bad) else {
            panic!()
        };
        assert_eq!(errs.len(), 2);
    }
}
