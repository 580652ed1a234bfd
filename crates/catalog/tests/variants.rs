//! The shipped schemes' variants are accepted by id, appendix letter and type name, and every
//! form resolves to the canonical id.

mod common;

use tianping_core::Plan;

#[test]
fn t11_variants_by_appendix_letter_and_type_name() {
    let cat = common::catalog();
    let s = cat.get("t11-aii-001-2020").unwrap();
    assert_eq!(s.variants.len(), 6);
    for (letter, v) in ["A", "B", "C", "D", "E", "F"].iter().zip(&s.variants) {
        // Appendix X's tables are keyed X.n / X1.n / X2.n: the letter is the tables' own.
        assert!(v.tables.iter().all(|t| t.starts_with(letter)), "{}", v.id);
        assert_eq!(s.canonical_variant_id(letter), Some(v.id.as_str()));
        assert_eq!(
            s.canonical_variant_id(&letter.to_lowercase()),
            Some(v.id.as_str())
        );
        // The type name is the variant's name without the trailing 企业.
        let type_name = v.name.strip_suffix("企业").unwrap();
        assert!(v.aliases.iter().any(|a| a == type_name), "{}", v.id);
        for key in [type_name, v.name.as_str(), v.id.as_str()] {
            let plan = Plan::new(s, Some(key), None).unwrap();
            assert_eq!(plan.variant.unwrap().id, v.id, "{key}");
        }
    }
    assert_eq!(s.canonical_variant_id("技术服务类"), Some("tech-service"));
    assert_eq!(s.canonical_variant_id("ODM/OEM类"), Some("odm-oem"));
    let err = Plan::new(s, Some("G"), None).unwrap_err().0;
    for v in &s.variants {
        for form in v.accepted_forms() {
            assert!(err.contains(form), "“{err}” lacks {form}");
        }
    }
}

#[test]
fn sdditai_categories_by_chinese_name() {
    let cat = common::catalog();
    let s = cat.get("t-sdditai-5121-2023").unwrap();
    assert_eq!(s.variants.len(), 5);
    for v in &s.variants {
        assert!(v.name.ends_with("企业"), "{}", v.name);
        let plan = Plan::new(s, Some(&v.name), None).unwrap();
        assert_eq!(plan.variant.unwrap().id, v.id);
    }
    assert_eq!(s.canonical_variant_id("制造业企业"), Some("manufacturing"));
    assert_eq!(s.canonical_variant_id("其他行业企业"), Some("other"));
    assert_eq!(s.canonical_variant_id("A"), None);
}
