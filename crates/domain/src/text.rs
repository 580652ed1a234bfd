//! The product's closed sets as enums. Each has exactly one spelling in storage and in JSON
//! (`as_str`), parsed back by `FromStr`/`TryFrom<String>` (used by the row mapping), and a
//! label for people in both languages.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::msg::Lang;

/// A stored or sent text that is not one of an enum's spellings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownText {
    pub what: &'static str,
    pub got: String,
    pub accepted: &'static [&'static str],
}

impl fmt::Display for UnknownText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} “{}” 无效；可用：{}",
            self.what,
            self.got,
            self.accepted.join("、")
        )
    }
}

impl std::error::Error for UnknownText {}

macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, $zh:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every spelling, in declaration order.
            pub const TEXTS: &'static [&'static str] = &[$($text),+];

            /// The one spelling used in storage, URLs and JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// A label for people.
            pub fn label(self, lang: Lang) -> &'static str {
                match self { $($name::$variant => lang.t($zh, $en),)+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownText;
            fn from_str(s: &str) -> Result<Self, UnknownText> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownText { what: $what, got: s.to_string(), accepted: $name::TEXTS }),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = UnknownText;
            fn try_from(s: String) -> Result<Self, UnknownText> {
                s.parse()
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// For the closed sets of other modules (`crate::audit`, `crate::identity`, `crate::notify`).
pub(crate) use text_enum;

text_enum! {
    /// What a user is. One role per account.
    Role, "角色" {
        Enterprise = "enterprise", "企业用户", "Enterprise member";
        Auditor = "auditor", "审核员", "Auditor";
        Expert = "expert", "评价专家", "Expert";
        Decider = "decider", "认证决定人员", "Decider";
        BodyAdmin = "body_admin", "机构管理员", "Body admin";
        Operator = "operator", "平台运营方", "Platform operator";
        Sysadmin = "sysadmin", "系统管理员", "System admin";
    }
}

impl Role {
    /// Roles a body admin may invite into the body.
    pub const BODY: &'static [Role] =
        &[Role::Auditor, Role::Expert, Role::Decider, Role::BodyAdmin];

    /// A body's staff who run its assessments (create, answer, assign experts).
    pub fn is_body_editor(self) -> bool {
        matches!(self, Role::Auditor | Role::BodyAdmin)
    }

    /// The kind of organisation a member of staff in this role belongs to (none for
    /// enterprise members and system admins).
    pub fn org_kind(self) -> Option<OrgKind> {
        match self {
            Role::Auditor | Role::Expert | Role::Decider | Role::BodyAdmin => Some(OrgKind::Body),
            Role::Operator => Some(OrgKind::Platform),
            Role::Enterprise | Role::Sysadmin => None,
        }
    }
}

text_enum! {
    /// An organisation on the platform.
    OrgKind, "机构类型" {
        Body = "body", "评价机构", "Evaluation body";
        Platform = "platform", "平台", "Platform";
    }
}

text_enum! {
    /// Where an assessment stands.
    AssessmentStatus, "评价状态" {
        Draft = "draft", "填报中", "Draft";
        Submitted = "submitted", "已提交", "Submitted";
    }
}

text_enum! {
    /// How an assessment is done: the enterprise's own online self-evaluation, or an
    /// evaluation body's on-site assessment.
    Mode, "评价方式" {
        SelfEvaluation = "self", "企业自评", "Self-assessment";
        Onsite = "onsite", "现场评价", "On-site assessment";
    }
}

impl Mode {
    /// The core's application mode (000 §6, I-6).
    pub fn core(self) -> tianping_core::stars::Mode {
        match self {
            Mode::SelfEvaluation => tianping_core::stars::Mode::SelfEvaluation,
            Mode::Onsite => tianping_core::stars::Mode::Onsite,
        }
    }
}

text_enum! {
    /// Where an answer comes from (I-6, I-20).
    Source, "答案来源" {
        SelfDeclared = "self", "企业自报", "The enterprise's own figure";
        Platform = "platform", "平台数据", "Platform data";
        ThirdParty = "third_party", "第三方数据", "Third-party data";
        Onsite = "onsite", "现场核验", "Verified on site";
        Expert = "expert", "专家评分", "Expert scores";
    }
}

impl Source {
    /// Whether an answer from this source counts without a reviewer's verification (I-6).
    pub fn verified_by_itself(self) -> bool {
        !matches!(self, Source::SelfDeclared)
    }
}

text_enum! {
    /// Where an enterprise's disputed proposal beside a protected answer stands (I-20).
    ProposalStatus, "提议状态" {
        Open = "open", "待裁决", "Awaiting the body's decision";
        Accepted = "accepted", "已采纳", "Accepted";
        Rejected = "rejected", "已驳回", "Rejected";
        Superseded = "superseded", "已被新提议取代", "Replaced by a newer proposal";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_round_trips_and_unknown_text_names_the_accepted_ones() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), *r);
            assert_eq!(
                serde_json::to_string(r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
        }
        for s in Source::ALL {
            assert_eq!(Source::try_from(s.as_str().to_string()).unwrap(), *s);
        }
        let e = "admin".parse::<Role>().unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("“admin”") && text.contains("body_admin") && text.contains("sysadmin"),
            "{text}"
        );
        assert!(serde_json::from_str::<Mode>("\"remote\"").is_err());
        assert_eq!(
            serde_json::from_str::<Mode>("\"self\"").unwrap(),
            Mode::SelfEvaluation
        );
    }

    #[test]
    fn roles_belong_to_the_right_kind_of_organisation() {
        assert_eq!(Role::Operator.org_kind(), Some(OrgKind::Platform));
        assert_eq!(Role::Expert.org_kind(), Some(OrgKind::Body));
        assert_eq!(Role::Sysadmin.org_kind(), None);
        assert!(Role::BODY
            .iter()
            .all(|r| r.org_kind() == Some(OrgKind::Body)));
    }
}
