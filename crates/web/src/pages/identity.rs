//! An enterprise's identity on the pages: the lock and the pending change request on the
//! record page, the requests a body admin decides on the administration page, and the
//! routes that approve, reject and withdraw a request.

use tianping_app::domain::identity::LockReason;
use tianping_app::identity::{self, IdentityRequest, IdentityState};

use super::*;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/identity-requests/:id/approve", post(approve))
        .route("/identity-requests/:id/reject", post(reject))
        .route("/identity-requests/:id/withdraw", post(withdraw))
}

/// The flash after a save or a decision (`?saved=` on the record page).
pub(super) fn saved_flash(l: Lang, saved: &str) -> Markup {
    let text = match saved {
        "request" => l.t(
            "已保存。统一社会信用代码和名称已锁定，它们的变更已作为申请提交，待受托评价机构的管理员批准后生效。",
            "Saved. The credit code and name are locked: their change was filed as a request and takes effect once an admin of the engaged evaluation body approves it.",
        ),
        "approved" => l.t("已批准变更，新的统一社会信用代码和名称已生效。", "Change approved; the new credit code and name are in effect."),
        "rejected" => l.t("已驳回变更申请。", "Change request rejected."),
        "withdrawn" => l.t("已撤回变更申请。", "Change request withdrawn."),
        _ => l.t("已保存。", "Saved."),
    };
    html! { div.flash role="status" { (text) } }
}

/// The lock, the pending request (with the forms this person may use) and how the last one
/// ended, above the record's form.
pub(super) fn identity_section(
    l: Lang,
    token: &str,
    s: &IdentityState,
    names: &BTreeMap<i64, String>,
) -> Markup {
    html! {
        @if let Some(text) = s.lock.text(l) {
            div.card {
                p { span.pill.warn { (text) } }
                p.muted {
                    (l.t(
                        "统一社会信用代码和企业名称不能直接修改：保存新的代码或名称会提交一项变更申请，由受托评价机构的管理员批准后生效。其他登记信息照常保存。",
                        "The credit code and name cannot be changed directly: saving a new code or name files a change request that takes effect once an admin of the engaged evaluation body approves it. The rest of the record is saved as usual.",
                    ))
                }
                @if !s.lock.reasons.contains(&LockReason::Engaged) {
                    p.muted {
                        (l.t(
                            "尚未委托评价机构：变更申请将在委托后由该机构的管理员处理。",
                            "No evaluation body is engaged yet: a change request is decided by the body's admin once one is engaged.",
                        ))
                    }
                }
                @if let Some(r) = &s.pending {
                    (request_card(l, token, r, names, s.may_decide, s.may_withdraw))
                } @else if let Some(r) = &s.last {
                    p.muted {
                        (l.t("上一次变更申请：", "Last change request: ")) (r.status.label(l))
                        @if !r.decision_note.is_empty() {
                            (l.t("（意见：", " (note: ")) (r.decision_note) (l.t("）", ")"))
                        }
                    }
                }
            }
        }
    }
}

/// One pending request: what would change, who asked and when, and the forms to decide or
/// withdraw it.
pub(super) fn request_card(
    l: Lang,
    token: &str,
    r: &IdentityRequest,
    names: &BTreeMap<i64, String>,
    may_decide: bool,
    may_withdraw: bool,
) -> Markup {
    let who = names.get(&r.requested_by).map_or("", String::as_str);
    html! {
        div.ind {
            p {
                strong { (l.t("待处理的变更申请", "Pending change request")) } " "
                span.muted { (who) " · " (when(&r.requested_at)) }
            }
            ul.changes {
                @if r.new_uscc != r.old_uscc {
                    li { (l.t("统一社会信用代码：", "Credit code: ")) (r.old_uscc) " → " (r.new_uscc) }
                }
                @if r.new_name != r.old_name {
                    li { (l.t("名称：", "Name: ")) (r.old_name) " → " (r.new_name) }
                }
            }
            @if may_decide {
                form method="post" action={ "/identity-requests/" (r.id) "/approve" } {
                    (view::csrf(token))
                    label for={ "approve-note-" (r.id) } { (l.t("意见（可不填）", "Note (optional)")) }
                    input id={ "approve-note-" (r.id) } type="text" name="note" maxlength="500";
                    p { button { (l.t("批准变更", "Approve the change")) } }
                }
                form method="post" action={ "/identity-requests/" (r.id) "/reject" } {
                    (view::csrf(token))
                    label for={ "reject-note-" (r.id) } { (l.t("驳回理由（必填，企业会看到）", "Reason for rejecting (required; the enterprise reads it)")) }
                    input id={ "reject-note-" (r.id) } type="text" name="note" maxlength="500" required;
                    p { button.danger { (l.t("驳回", "Reject")) } }
                }
            }
            @if may_withdraw {
                form method="post" action={ "/identity-requests/" (r.id) "/withdraw" } {
                    (view::csrf(token))
                    button.secondary { (l.t("撤回申请", "Withdraw the request")) }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct NoteForm {
    csrf: String,
    note: String,
}

/// Back to the record page with the outcome.
fn decided(r: Result<IdentityRequest, Error>, flash: &str) -> Res {
    let r = r?;
    Ok(redirect(&format!(
        "/enterprises/{}?saved={}",
        r.enterprise_id, flash
    )))
}

pub(super) async fn approve(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<NoteForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    decided(
        identity::decide(&st, u, id, true, &f.note).await,
        "approved",
    )
}

pub(super) async fn reject(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<NoteForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    decided(
        identity::decide(&st, u, id, false, &f.note).await,
        "rejected",
    )
}

pub(super) async fn withdraw(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<CsrfForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    decided(identity::withdraw(&st, u, id).await, "withdrawn")
}
