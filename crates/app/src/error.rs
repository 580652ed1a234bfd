//! The errors of the use cases. Forbidden objects are reported as not found, so that a
//! refusal never reveals whether the object exists. Every message a person reads is a
//! [`Msg`] in both languages; pages and the API render them (crates/web).

use tianping_domain::{Denied, FieldError, Lang, Msg};
use tianping_store::StoreError;

#[derive(Debug, Clone)]
pub enum Error {
    /// Not there, or not yours.
    NotFound,
    /// Not signed in (API: no or bad token).
    Unauthorized,
    /// A page that needs a session: sign in, then come back to this path.
    Login(String),
    /// The form's CSRF token is missing or wrong.
    Csrf,
    /// Allowed to see it but not to do this (only used where seeing is already allowed).
    Forbidden(Msg),
    Invalid(Vec<FieldError>),
    /// Submitted assessments are locked.
    Locked(Msg),
    /// Conflicts with what is there now (a protected or already verified answer, I-20).
    Conflict(Msg),
    Throttled(Msg),
    /// Something the server needs is missing (the PDF fonts): the message says what to
    /// install.
    Unavailable(Msg),
    /// A rule of a procedure refuses the act (I-16): each broken rule with its clause and
    /// what would be allowed; nothing was changed.
    Refused(Vec<Refusal>),
    Internal(String),
}

/// One broken rule of a procedure.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub rule: String,
    pub clause: String,
    pub message: Msg,
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) => Error::Invalid(vec![FieldError::msg(
                "",
                Msg {
                    zh: format!("与已有数据冲突：{}", m),
                    en: format!("Conflicts with existing data: {}", m),
                },
            )]),
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<Denied> for Error {
    fn from(d: Denied) -> Self {
        match d {
            Denied::NotFound => Error::NotFound,
            Denied::Forbidden(m) => Error::Forbidden(m),
            Denied::Invalid(v) => Error::Invalid(v),
            Denied::Locked(m) => Error::Locked(m),
            Denied::Conflict(m) => Error::Conflict(m),
        }
    }
}

/// A uniqueness conflict from the store as the field error `field` (another request took the
/// e-mail address or credit code between the check and the write); other errors as they are.
pub(crate) fn on_conflict(e: StoreError, field: fn() -> FieldError) -> Error {
    match e {
        StoreError::Conflict(_) => Error::Invalid(vec![field()]),
        e => e.into(),
    }
}

impl Error {
    pub fn invalid(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Error {
        Error::Invalid(vec![FieldError::new(field, zh, en)])
    }

    pub fn forbidden(zh: impl Into<String>, en: impl Into<String>) -> Error {
        Error::Forbidden(Msg::new(zh, en))
    }

    pub fn locked(zh: impl Into<String>, en: impl Into<String>) -> Error {
        Error::Locked(Msg::new(zh, en))
    }

    /// A short title for people.
    pub fn title(&self, l: Lang) -> &'static str {
        match self {
            Error::NotFound => l.t("未找到（或无权访问）", "Not found (or not accessible)"),
            Error::Unauthorized | Error::Login(_) => l.t("需要登录", "Sign-in required"),
            Error::Csrf => l.t(
                "表单已失效（CSRF 校验失败），请刷新页面后重试",
                "The form has expired (CSRF check failed); reload the page and try again",
            ),
            Error::Forbidden(_) => l.t("无权执行此操作", "Not allowed"),
            Error::Invalid(_) => l.t("输入有误", "Invalid input"),
            Error::Locked(_) => l.t("已提交锁定，不能修改", "Submitted and locked; no changes"),
            Error::Conflict(_) => l.t(
                "与当前答案冲突，未作修改",
                "Conflicts with the current answer; nothing was changed",
            ),
            Error::Throttled(_) => l.t("尝试次数过多", "Too many attempts"),
            Error::Unavailable(_) => l.t("服务暂不可用", "Service unavailable"),
            Error::Refused(_) => l.t(
                "不符合认证规则，未作记录",
                "Refused by the procedure's rules; nothing was recorded",
            ),
            Error::Internal(_) => l.t("服务器内部错误", "Internal server error"),
        }
    }

    /// What went wrong and what to do, for people.
    pub fn detail(&self, l: Lang) -> String {
        match self {
            Error::Invalid(v) => v
                .iter()
                .map(|e| {
                    let m = e.message.text(l);
                    match (e.field.is_empty(), l) {
                        (true, _) => m.to_string(),
                        (false, Lang::Zh) => format!("{}：{}", e.field, m),
                        (false, Lang::En) => format!("{}: {}", e.field, m),
                    }
                })
                .collect::<Vec<_>>()
                .join(l.t("；", "; ")),
            Error::Forbidden(m)
            | Error::Locked(m)
            | Error::Conflict(m)
            | Error::Throttled(m)
            | Error::Unavailable(m) => m.text(l).to_string(),
            Error::Refused(v) => v
                .iter()
                .map(|r| format!("{}（{}）", r.message.text(l), r.clause))
                .collect::<Vec<_>>()
                .join(l.t("；", "; ")),
            Error::Internal(_) => l
                .t(
                    "请稍后再试；问题已记录",
                    "Please try again later; the problem has been logged",
                )
                .into(),
            _ => self.title(l).into(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Internal(m) => write!(f, "{}：{}", self.title(Lang::Zh), m),
            _ => f.write_str(&self.detail(Lang::Zh)),
        }
    }
}

impl std::error::Error for Error {}
