//! GB/T 4754-2017 国民经济行业分类 industry codes: the form of a code (a section letter A–T,
//! optionally followed by the 2-digit division, 3-digit group or 4-digit class).

/// A well-formed industry code, normalised to upper case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndustryCode {
    pub code: String,
}

impl IndustryCode {
    /// The section (门类) letter.
    pub fn section(&self) -> char {
        self.code.chars().next().unwrap_or('?')
    }
}

/// Check the form of an industry code: `C`, `C35`, `C351` or `C3511` (lower case accepted).
/// The error says what would be accepted.
pub fn validate(input: &str) -> Result<IndustryCode, String> {
    let code = input.trim().to_uppercase();
    let b = code.as_bytes();
    let ok = !b.is_empty()
        && (b'A'..=b'T').contains(&b[0])
        && matches!(b.len(), 1 | 3 | 4 | 5)
        && b[1..].iter().all(|c| c.is_ascii_digit());
    if ok {
        Ok(IndustryCode { code })
    } else {
        Err(format!(
            "行业代码 “{}” 不符合 GB/T 4754：应为门类字母 A–T，后接 2、3 或 4 位数字（如 C、C35、C351、C3511）",
            input.trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_divisions_groups_and_classes() {
        for ok in ["C", "c35", "C351", " C3511 ", "T"] {
            assert!(validate(ok).is_ok(), "{ok}");
        }
        assert_eq!(validate("c351").unwrap().section(), 'C');
        for bad in ["", "U", "C3", "C35111", "35", "CX5", "Ｃ35"] {
            let e = validate(bad).unwrap_err();
            assert!(e.contains("GB/T 4754"), "{bad}: {e}");
        }
    }
}
