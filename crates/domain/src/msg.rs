//! Messages for people, in Chinese (first) and English, and the refusals the rules give.

/// The language a person reads: Chinese by default, English by choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Pick the text for this language.
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The BCP 47 code (`lang` attribute, `Content-Language`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// A message for people, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub zh: String,
    pub en: String,
}

impl Msg {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Msg {
        Msg {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// A detail that exists only in Chinese (from the core, the calculators, the catalog or
    /// the store): as is in Chinese; in English after a sentence saying what is at fault.
    pub fn wrap(en: &str, zh_detail: impl Into<String>) -> Msg {
        let zh = zh_detail.into();
        Msg {
            en: format!("{}: {}", en, zh),
            zh,
        }
    }

    pub fn text(&self, lang: Lang) -> &str {
        lang.t(&self.zh, &self.en)
    }
}

/// A problem with one input field: which field, and what to fix.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub message: Msg,
}

impl FieldError {
    pub fn new(field: &str, zh: impl Into<String>, en: impl Into<String>) -> FieldError {
        FieldError::msg(field, Msg::new(zh, en))
    }

    pub fn msg(field: &str, message: Msg) -> FieldError {
        FieldError {
            field: field.into(),
            message,
        }
    }
}

/// Why a rule refuses an action.
#[derive(Debug, Clone, PartialEq)]
pub enum Denied {
    /// The object is not there for this person (a refusal never reveals that it exists).
    NotFound,
    /// The person may see the object but not do this.
    Forbidden(Msg),
    /// The input is wrong; each field says what would be accepted.
    Invalid(Vec<FieldError>),
    /// The object's state does not allow it any more (a submitted assessment).
    Locked(Msg),
    /// The change conflicts with what is there now (an answer protected by a higher source,
    /// an answer already verified, I-20); nothing was changed.
    Conflict(Msg),
}

impl Denied {
    pub fn forbidden(zh: impl Into<String>, en: impl Into<String>) -> Denied {
        Denied::Forbidden(Msg::new(zh, en))
    }

    pub fn invalid(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Denied {
        Denied::Invalid(vec![FieldError::new(field, zh, en)])
    }

    pub fn locked(zh: impl Into<String>, en: impl Into<String>) -> Denied {
        Denied::Locked(Msg::new(zh, en))
    }

    pub fn conflict(zh: impl Into<String>, en: impl Into<String>) -> Denied {
        Denied::Conflict(Msg::new(zh, en))
    }
}

impl From<FieldError> for Denied {
    fn from(e: FieldError) -> Self {
        Denied::Invalid(vec![e])
    }
}
