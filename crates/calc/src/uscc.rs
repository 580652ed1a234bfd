//! Unified social credit code (统一社会信用代码) check per GB 32100-2015.
//!
//! Structure of the 18 characters:
//!
//! | position | content |
//! |---|---|
//! | 1 | 登记管理部门代码 (registration authority) |
//! | 2 | 机构类别代码 (category, depends on position 1) |
//! | 3–8 | 登记管理机关行政区划码 (GB/T 2260 division code, 6 digits) |
//! | 9–17 | 主体标识码 (GB 11714 organisation code: 8 body characters + check character) |
//! | 18 | 校验码 (check character over positions 1–17, modulus 31) |
//!
//! The character set is 0-9 and the 21 capital letters A–H, J–N, P–R, T–U, W–Y (I, O, Z, S, V
//! are never used). The input is normalised first: surrounding whitespace is trimmed,
//! full-width ASCII forms (as typed with a Chinese input method) become half-width, and
//! letters are upper-cased.

use serde::Serialize;
use thiserror::Error;

/// The 31 characters of GB 32100-2015, in value order (value = index).
pub const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17 for the position-18 check character: 3^(i) mod 31.
pub const CHECK_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// GB 11714 weights of the 8 body characters of the organisation code (positions 9–16).
pub const ORG_CODE_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// 登记管理部门代码 (position 1) with its 机构类别代码 (position 2).
///
/// GB 32100-2015 Annex A lists 1 机构编制, 5 民政, 9 工商 and Y 其他; the other departments
/// (2 外交, 3 司法行政, 4 文化, 6 旅游, 7 宗教, 8 工会, A 中央军委改革和编制办公室, N 农业) were
/// assigned later by the national code data service and appear on codes in use.
pub const DEPARTMENTS: &[Department] = &[
    Department {
        code: '1',
        name: "机构编制",
        categories: &[
            ('1', "机关"),
            ('2', "事业单位"),
            ('3', "中央编办直接管理机构编制的群众团体"),
            ('9', "其他"),
        ],
    },
    Department {
        code: '2',
        name: "外交",
        categories: &[('1', "外国常驻新闻机构"), ('9', "其他")],
    },
    Department {
        code: '3',
        name: "司法行政",
        categories: &[
            ('1', "律师执业机构"),
            ('2', "公证处"),
            ('3', "基层法律服务所"),
            ('4', "司法鉴定机构"),
            ('5', "仲裁委员会"),
            ('9', "其他"),
        ],
    },
    Department {
        code: '4',
        name: "文化",
        categories: &[('1', "外国在华文化中心"), ('9', "其他")],
    },
    Department {
        code: '5',
        name: "民政",
        categories: &[
            ('1', "社会团体"),
            ('2', "民办非企业单位"),
            ('3', "基金会"),
            ('9', "其他"),
        ],
    },
    Department {
        code: '6',
        name: "旅游",
        categories: &[
            ('1', "外国旅游部门常驻代表机构"),
            ('2', "港澳台地区旅游部门常驻内地（大陆）代表机构"),
            ('9', "其他"),
        ],
    },
    Department {
        code: '7',
        name: "宗教",
        categories: &[('1', "宗教活动场所"), ('2', "宗教院校"), ('9', "其他")],
    },
    Department {
        code: '8',
        name: "工会",
        categories: &[('1', "基层工会"), ('9', "其他")],
    },
    Department {
        code: '9',
        name: "工商（市场监督管理）",
        categories: &[('1', "企业"), ('2', "个体工商户"), ('3', "农民专业合作社")],
    },
    Department {
        code: 'A',
        name: "中央军委改革和编制办公室",
        categories: &[('1', "军队事业单位"), ('9', "其他")],
    },
    Department {
        code: 'N',
        name: "农业",
        categories: &[
            ('1', "组级集体经济组织"),
            ('2', "村级集体经济组织"),
            ('3', "乡镇级集体经济组织"),
            ('9', "其他"),
        ],
    },
    Department {
        code: 'Y',
        name: "其他",
        categories: &[('1', "其他")],
    },
];

/// One registration authority (登记管理部门) and the categories it registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Department {
    pub code: char,
    pub name: &'static str,
    pub categories: &'static [(char, &'static str)],
}

/// A checked, normalised unified social credit code and what its parts mean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Uscc {
    /// The normalised 18-character code.
    pub code: String,
    /// Position 1.
    pub department_code: char,
    pub department: &'static str,
    /// Position 2.
    pub category_code: char,
    pub category: &'static str,
    /// Positions 3–8.
    pub region_code: String,
    /// Positions 9–17 written as GB 11714 prints it: `XXXXXXXX-X`.
    pub organization_code: String,
    /// Position 18.
    pub check_char: char,
}

/// Why a string is not a valid unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum UsccError {
    #[error("统一社会信用代码为空：应为18位，由数字和大写字母组成")]
    Empty,
    #[error("统一社会信用代码应为18位，实为{actual}位")]
    Length { actual: usize },
    #[error("第{position}位字符“{found}”不合法：只接受数字0-9和大写字母A-H、J-N、P-R、T-U、W-Y（不使用I、O、Z、S、V）")]
    InvalidChar { position: usize, found: char },
    #[error("第1位登记管理部门代码应为{accepted}之一，实为{found}")]
    Department { found: char, accepted: String },
    #[error("第2位机构类别代码在登记管理部门“{department}”（{department_code}）下应为{accepted}之一，实为{found}")]
    Category {
        department_code: char,
        department: &'static str,
        found: char,
        accepted: String,
    },
    #[error("第3-8位登记管理机关行政区划码应为6位数字，实为{found}")]
    Region { found: String },
    #[error("第17位组织机构代码校验码应为 {expected}，实为 {found}（按GB 11714对第9-16位计算）")]
    OrganizationCheck { expected: char, found: char },
    #[error("第18位校验码应为 {expected}，实为 {found}")]
    CheckChar { expected: char, found: char },
}

/// Normalise user input: trim, full-width ASCII to half-width, upper-case.
pub fn normalize(input: &str) -> String {
    input
        .trim()
        .chars()
        .map(|c| {
            let c = match c as u32 {
                0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            };
            c.to_ascii_uppercase()
        })
        .collect()
}

/// Value of a character in the GB 32100 charset (0–30), `None` if not in it.
pub fn char_value(c: char) -> Option<u32> {
    CHARSET.chars().position(|x| x == c).map(|p| p as u32)
}

/// GB 11714 value of an organisation-code body character: digits 0–9, letters A=10 … Z=35.
fn org_char_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32 + 10),
        _ => None,
    }
}

/// The GB 11714 check character (0-9 or X) of an 8-character organisation-code body.
/// `None` if `body` is not 8 digits / capital letters.
pub fn organization_check_char(body: &str) -> Option<char> {
    let chars: Vec<char> = body.chars().collect();
    if chars.len() != 8 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in chars.iter().zip(ORG_CODE_WEIGHTS) {
        sum += org_char_value(*c)? * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        v => char::from_digit(v, 10)?,
    })
}

/// The GB 32100 position-18 check character of the first 17 characters.
/// `None` if `first17` is not 17 characters of the charset.
pub fn check_char(first17: &str) -> Option<char> {
    let chars: Vec<char> = first17.chars().collect();
    if chars.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in chars.iter().zip(CHECK_WEIGHTS) {
        sum += char_value(*c)? * w;
    }
    let v = match 31 - sum % 31 {
        31 => 0,
        v => v,
    };
    CHARSET.chars().nth(v as usize)
}

fn list(chars: impl Iterator<Item = char>) -> String {
    chars.map(String::from).collect::<Vec<_>>().join("、")
}

/// Look up the registration authority of position 1.
pub fn department(code: char) -> Option<&'static Department> {
    DEPARTMENTS.iter().find(|d| d.code == code)
}

/// Normalise and check a unified social credit code. The first failing check is reported.
pub fn validate(input: &str) -> Result<Uscc, UsccError> {
    let code = normalize(input);
    let chars: Vec<char> = code.chars().collect();
    if chars.is_empty() {
        return Err(UsccError::Empty);
    }
    if chars.len() != 18 {
        return Err(UsccError::Length {
            actual: chars.len(),
        });
    }
    if let Some((i, c)) = chars
        .iter()
        .enumerate()
        .find(|(_, c)| char_value(**c).is_none())
    {
        return Err(UsccError::InvalidChar {
            position: i + 1,
            found: *c,
        });
    }
    let dept = department(chars[0]).ok_or_else(|| UsccError::Department {
        found: chars[0],
        accepted: list(DEPARTMENTS.iter().map(|d| d.code)),
    })?;
    let category = dept
        .categories
        .iter()
        .find(|(c, _)| *c == chars[1])
        .map(|(_, n)| *n)
        .ok_or_else(|| UsccError::Category {
            department_code: dept.code,
            department: dept.name,
            found: chars[1],
            accepted: list(dept.categories.iter().map(|(c, _)| *c)),
        })?;
    let region: String = chars[2..8].iter().collect();
    if !chars[2..8].iter().all(|c| c.is_ascii_digit()) {
        return Err(UsccError::Region { found: region });
    }
    let body: String = chars[8..16].iter().collect();
    // every char is in the charset, so the body is digits / capitals and this is Some
    if let Some(expected) = organization_check_char(&body) {
        if expected != chars[16] {
            return Err(UsccError::OrganizationCheck {
                expected,
                found: chars[16],
            });
        }
    }
    let first17: String = chars[..17].iter().collect();
    if let Some(expected) = check_char(&first17) {
        if expected != chars[17] {
            return Err(UsccError::CheckChar {
                expected,
                found: chars[17],
            });
        }
    }
    Ok(Uscc {
        department_code: dept.code,
        department: dept.name,
        category_code: chars[1],
        category,
        region_code: region,
        organization_code: format!("{}-{}", body, chars[16]),
        check_char: chars[17],
        code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes as printed on real business licences / registration certificates; each passes
    /// both the GB 11714 and the GB 32100 check.
    const REAL: [&str; 6] = [
        "914403001922038216",
        "91330100716105852F",
        "9144030071526726XG",
        "91110108551385082Q",
        "91440300708461136T",
        "12100000400000624D",
    ];

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1u32;
        for expected in CHECK_WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
        assert_eq!(CHARSET.len(), 31);
        for c in ['I', 'O', 'Z', 'S', 'V'] {
            assert_eq!(char_value(c), None);
        }
    }

    #[test]
    fn real_codes_pass() {
        for c in REAL {
            let u = validate(c).unwrap_or_else(|e| panic!("{c}: {e}"));
            assert_eq!(u.code, c);
        }
    }

    #[test]
    fn parts_are_decoded() {
        let u = validate("914403001922038216").unwrap();
        assert_eq!(u.department_code, '9');
        assert_eq!(u.department, "工商（市场监督管理）");
        assert_eq!(u.category_code, '1');
        assert_eq!(u.category, "企业");
        assert_eq!(u.region_code, "440300");
        assert_eq!(u.organization_code, "19220382-1");
        assert_eq!(u.check_char, '6');

        let u = validate("12100000400000624D").unwrap();
        assert_eq!(u.department, "机构编制");
        assert_eq!(u.category, "事业单位");
    }

    #[test]
    fn letters_use_different_values_in_the_two_checks() {
        // M is 22 in GB 11714 (A=10 … Z=35) but 21 in GB 32100 (I and O are skipped).
        assert_eq!(organization_check_char("MA1FL0Y2"), Some('X'));
        assert_eq!(check_char("91310000MA1FL0Y2X"), Some('W'));
        let u = validate("91310000MA1FL0Y2XW").unwrap();
        assert_eq!(u.organization_code, "MA1FL0Y2-X");
    }

    #[test]
    fn check_char_computation_matches_real_codes() {
        for c in REAL {
            assert_eq!(check_char(&c[..17]), c.chars().nth(17));
            assert_eq!(organization_check_char(&c[8..16]), c.chars().nth(16));
        }
        assert_eq!(check_char("too short"), None);
        assert_eq!(check_char("9144030019220382I"), None);
        assert_eq!(organization_check_char("1234567"), None);
        assert_eq!(organization_check_char("1234567-"), None);
    }

    #[test]
    fn org_check_value_10_is_x_and_11_is_0() {
        // body sums: find bodies giving 10 and 11 by construction
        // "00000001": 1*2 = 2 -> 11-2 = 9
        assert_eq!(organization_check_char("00000001"), Some('9'));
        // "00000000": sum 0 -> 11 -> '0'
        assert_eq!(organization_check_char("00000000"), Some('0'));
        // "10000000": 3 -> 8
        assert_eq!(organization_check_char("10000000"), Some('8'));
        // "00000010": 4 -> 7 ; "00000100": 8 -> 3 ; need sum ≡ 1 (mod 11) for X
        // "00001000": 5 -> 6 ; "00000011": 6 -> 5 ; "04000000": 28 ≡ 6 -> 5
        // "00000120": 8 + 8 = 16 ≡ 5 -> 6 ; "00030000": 30 ≡ 8 -> 3
        // "00100000": 9 -> 2 ; "01000000": 7 -> 4 ; "00010000": 10 -> 1 ; "20000000": 6 -> 5
        // "40000000": 12 ≡ 1 -> 10 -> X
        assert_eq!(organization_check_char("40000000"), Some('X'));
        assert_eq!(organization_check_char("00010000"), Some('1'));
    }

    #[test]
    fn position_18_value_31_maps_to_0() {
        // Σ ≡ 0 (mod 31) gives 31 - 0 = 31 -> '0'
        assert_eq!(check_char("00000000000000000"), Some('0'));
        // the weights make "10000000000000000" sum 1 -> 30 -> 'Y'
        assert_eq!(check_char("10000000000000000"), Some('Y'));
    }

    #[test]
    fn normalisation() {
        assert_eq!(
            validate("  91330100716105852f\n").unwrap().code,
            "91330100716105852F"
        );
        // full-width digits and letters, ideographic space
        assert_eq!(
            validate("\u{3000}９１３３０１００７１６１０５８５２ｆ")
                .unwrap()
                .code,
            "91330100716105852F"
        );
        assert_eq!(normalize(" ab１ "), "AB1");
    }

    #[test]
    fn empty() {
        assert_eq!(validate(""), Err(UsccError::Empty));
        assert_eq!(validate("   "), Err(UsccError::Empty));
        assert!(UsccError::Empty.to_string().contains("18位"));
    }

    #[test]
    fn wrong_length() {
        let e = validate("91330100716105852").unwrap_err();
        assert_eq!(e, UsccError::Length { actual: 17 });
        assert_eq!(e.to_string(), "统一社会信用代码应为18位，实为17位");
        assert_eq!(
            validate("91330100716105852FF").unwrap_err(),
            UsccError::Length { actual: 19 }
        );
        // counted in characters, not bytes
        assert_eq!(
            validate("统一社会信用代码").unwrap_err(),
            UsccError::Length { actual: 8 }
        );
    }

    #[test]
    fn invalid_characters() {
        for (code, pos, ch) in [
            ("9133010071610585IF", 17, 'I'),
            ("91330100716105852O", 18, 'O'),
            ("Z1330100716105852F", 1, 'Z'),
            ("913301007161S5852F", 13, 'S'),
            ("9133010071610V852F", 14, 'V'),
            ("91330100-16105852F", 9, '-'),
            ("9133010071610585中F", 17, '中'),
        ] {
            let e = validate(code).unwrap_err();
            assert_eq!(
                e,
                UsccError::InvalidChar {
                    position: pos,
                    found: ch
                },
                "{code}"
            );
            let msg = e.to_string();
            assert!(
                msg.starts_with(&format!("第{pos}位字符“{ch}”不合法")),
                "{msg}"
            );
            assert!(msg.contains("A-H、J-N、P-R、T-U、W-Y"), "{msg}");
        }
    }

    #[test]
    fn bad_department() {
        let e = validate("B1330100716105852F").unwrap_err();
        assert_eq!(
            e,
            UsccError::Department {
                found: 'B',
                accepted: "1、2、3、4、5、6、7、8、9、A、N、Y".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "第1位登记管理部门代码应为1、2、3、4、5、6、7、8、9、A、N、Y之一，实为B"
        );
        assert!(matches!(
            validate("01330100716105852F"),
            Err(UsccError::Department { found: '0', .. })
        ));
    }

    #[test]
    fn bad_category() {
        let e = validate("94330100716105852F").unwrap_err();
        assert_eq!(
            e,
            UsccError::Category {
                department_code: '9',
                department: "工商（市场监督管理）",
                found: '4',
                accepted: "1、2、3".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "第2位机构类别代码在登记管理部门“工商（市场监督管理）”（9）下应为1、2、3之一，实为4"
        );
        assert!(matches!(
            validate("Y2330100716105852F"),
            Err(UsccError::Category {
                department_code: 'Y',
                ..
            })
        ));
        // 9 (其他) is a valid category under 5 (民政): the check moves on to position 18
        assert!(matches!(
            validate("59330100716105852F"),
            Err(UsccError::CheckChar { .. })
        ));
    }

    #[test]
    fn bad_region() {
        let e = validate("9133A100716105852F").unwrap_err();
        assert_eq!(
            e,
            UsccError::Region {
                found: "33A100".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "第3-8位登记管理机关行政区划码应为6位数字，实为33A100"
        );
    }

    #[test]
    fn bad_organization_check() {
        // last body digit changed: 7161058[5→6], position 17 stays 2
        let e = validate("91330100716105862F").unwrap_err();
        let expected = organization_check_char("71610586").unwrap();
        assert_ne!(expected, '2');
        assert_eq!(
            e,
            UsccError::OrganizationCheck {
                expected,
                found: '2'
            }
        );
        assert!(e
            .to_string()
            .starts_with(&format!("第17位组织机构代码校验码应为 {expected}，实为 2")));
    }

    #[test]
    fn bad_check_char() {
        let e = validate("91330100716105852E").unwrap_err();
        assert_eq!(
            e,
            UsccError::CheckChar {
                expected: 'F',
                found: 'E'
            }
        );
        assert_eq!(e.to_string(), "第18位校验码应为 F，实为 E");
    }

    #[test]
    fn every_single_char_substitution_is_caught() {
        // Changing any one character of a valid code never yields another valid code.
        let code: Vec<char> = "91330100716105852F".chars().collect();
        for i in 0..18 {
            for c in CHARSET.chars() {
                if c == code[i] {
                    continue;
                }
                let mut m = code.clone();
                m[i] = c;
                let s: String = m.into_iter().collect();
                assert!(validate(&s).is_err(), "{s}");
            }
        }
    }

    #[test]
    fn errors_serialize_with_kind() {
        let e = UsccError::CheckChar {
            expected: 'F',
            found: 'E',
        };
        let v = toml::Value::try_from(&e).unwrap();
        assert_eq!(v.get("kind").and_then(|k| k.as_str()), Some("check-char"));
    }

    #[test]
    fn every_department_has_categories() {
        for d in DEPARTMENTS {
            assert!(!d.categories.is_empty(), "{}", d.code);
            assert!(char_value(d.code).is_some());
            for (c, _) in d.categories {
                assert!(char_value(*c).is_some());
            }
        }
    }
}
