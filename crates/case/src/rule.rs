//! The catalogue of rules: each with a stable id (as written in JSON), the clause it comes
//! from and what it requires, in Chinese. `check_next` refuses and `replay` reports by these.

use serde::{Serialize, Serializer};

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $clause:literal, $zh:literal; )*) => {
        /// A rule of a case.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $( $(#[$doc])* $variant, )*
        }

        impl Rule {
            /// Every rule, in catalogue order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The id used in JSON and on the command line.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// The clause of the standard or the DESIGN decision.
            pub fn clause(self) -> &'static str {
                match self { $(Rule::$variant => $clause,)* }
            }

            /// What the rule requires, in Chinese.
            pub fn requirement_zh(self) -> &'static str {
                match self { $(Rule::$variant => $zh,)* }
            }

            pub fn from_id(id: &str) -> Option<Rule> {
                match id { $($id => Some(Rule::$variant),)* _ => None }
            }
        }
    };
}

rules! {
    // ---- any case ----
    /// Events are entered in date order.
    EventsInOrder = "events_in_order", "I-16",
        "事件按日期先后记录，不得早于前一事件的日期";
    /// An event is not dated after the day it is entered.
    NotInFuture = "not_in_future", "I-16",
        "事件日期不得晚于录入当天";
    /// An event refers to something the case has (an audit, a finding, a decision).
    KnownReference = "known_reference", "I-16",
        "事件引用的审核、不符合项或决定必须已在案卷中记录";
    /// An event is not a repeat of something that can happen only once.
    NotTwice = "not_twice", "I-16",
        "同一事项不得重复记录";

    // ---- capability (004, I-18) ----
    /// The body answers an application after it is received (6.1).
    CapabilityReviewNeedsApplication = "capability_review_needs_application", "6.1",
        "受理答复须在收到企业的书面申请之后";
    /// A refused application is told the reason (6.1).
    CapabilityRefusalReason = "capability_refusal_reason", "6.1",
        "不予受理的，须说明原因并退回申请材料";
    /// Verification and the evaluation panel follow an accepted application (6.2, 6.3).
    CapabilityNeedsAcceptance = "capability_needs_acceptance", "6.2, 6.3",
        "核查申请材料、成立评价专家组须在受理申请之后";
    /// A panel has at least 3 experts (7.2.2, I-13).
    CapabilityPanelSize = "capability_panel_size", "7.2.2, I-13",
        "评价专家组不少于3位专家";
    /// The evaluation follows the verification and a round-1 panel (6.2, 6.3).
    CapabilityEvaluationNeedsPanel = "capability_evaluation_needs_panel", "6.2, 6.3",
        "现场量化评价须在受理申请、核查申请材料并成立评价专家组之后";
    /// A suggested grade follows the score (8.2, I-3).
    CapabilityGradeFollowsScore = "capability_grade_follows_score", "8.2, I-3",
        "等级建议须与得分一致：一级[85,100]、二级[70,85)、三级[60,70)，60分以下只给出得分、不予评级";
    /// Publicity shows a preliminary result (6.4): after an evaluation, and after a new one
    /// when an objection was upheld.
    CapabilityPublicityNeedsEvaluation = "capability_publicity_needs_evaluation", "6.4",
        "公示的是初评结果：须在评价完成之后；异议成立的，须重新评价后再公示";
    /// An objection comes within the publicity: through its 15th working day (6.4, 6.5, I-11).
    CapabilityObjectionInTime = "capability_objection_in_time", "6.4, 6.5, I-11",
        "异议须在公示期内提出：公示期为开始公示后的15个工作日，含第15个工作日";
    /// The panel formed anew (round 2) follows an objection to the result (6.5, I-13).
    CapabilitySecondPanelAfterObjection = "capability_second_panel_after_objection", "6.5, I-13",
        "重新组成专家组（第二轮）须在收到公示期内的异议之后";
    /// The panel formed anew shares no member with round 1 (I-13).
    CapabilitySecondPanelIndependent = "capability_second_panel_independent", "6.5, I-13",
        "重新组成的专家组不得有第一轮评价专家组的成员";
    /// An objection is ruled after the panel formed anew has investigated (6.5).
    CapabilityRulingAfterSecondPanel = "capability_ruling_after_second_panel", "6.5",
        "异议由重新组成的专家组现场调查核实后裁决：裁决须在第二轮专家组组成之后";
    /// Confirmation comes on a day after the publicity's end (6.4, 6.5, I-11).
    CapabilityConfirmationAfterPublicity = "capability_confirmation_after_publicity", "6.4, 6.5, I-11",
        "确认须在初评结果公示期满之后：最早为公示期第15个工作日的次日";
    /// Confirmation needs every objection ruled, none upheld against the result (6.5).
    CapabilityObjectionsRuled = "capability_objections_ruled", "6.5",
        "确认须在公示期内的每项异议裁决之后；异议成立的，须重新评价并重新公示";
    /// Announcement and final report follow the confirmation (6.5, 8.1).
    CapabilityNeedsConfirmation = "capability_needs_confirmation", "6.5, 8.1",
        "公告和最终评价报告须在评价结果确认之后";
    /// Two consecutive applications are at least 2 years apart (9.1).
    CapabilityReapplicationInterval = "capability_reapplication_interval", "9.1",
        "连续两次申请第三方评价的间隔不少于两年：自上次受理的申请之日起满两年（同月同日）方可再次申请";
    /// Revocation and downgrading concern a grade in force; a downgrade lowers it (9.2).
    CapabilitySanctionNeedsGrade = "capability_sanction_needs_grade", "9.2",
        "撤销或降级须针对已确认、未撤销且在有效期内的等级；降级须降至更低的等级";

    // ---- certification: application and contract ----
    /// The application is reviewed after it is received, once per application or supplement.
    ReviewNeedsApplication = "review_needs_application", "8.1.2.1",
        "申请评审须在收到认证申请之后";
    /// A supplement request names the date by which the applicant supplements, later than
    /// the review; the supplement arrives by then; a refusal gives its reason.
    SupplementDue = "supplement_due", "8.1.2.2",
        "要求补充材料时须写明晚于评审日的补充期限，申请组织在期限内（含当日）补充";
    /// A refused application is told its reasons in writing.
    RefusalReason = "refusal_reason", "8.1.2.2",
        "不受理认证申请时须书面说明理由";
    /// The contract follows an accepted application.
    ContractNeedsAcceptance = "contract_needs_acceptance", "8.1.2.3",
        "认证合同须在申请受理之后签订";
    /// An audit needs an accepted application and a signed contract.
    AuditNeedsContract = "audit_needs_contract", "8.1.2",
        "实施审核前须受理申请并签订认证合同";
    /// The system has operated at least 3 months before the on-site audit.
    SystemOperating = "system_operating", "8.1.1 g)",
        "体系在现场审核前至少已运行3个月";

    // ---- certification: planning, team ----
    /// Stage 2 follows a completed stage 1 of the same cycle.
    Stage2AfterStage1 = "stage2_after_stage1", "8.1.5.1",
        "初次认证分两个阶段：第二阶段审核须在第一阶段审核完成之后";
    /// An audit plan ends on or after its start.
    PlanDates = "plan_dates", "8.1.4.2",
        "审核计划的结束日期不得早于开始日期";
    /// Sites sampled per I-9: listed sites ⌈k·√X⌉ plus the central office, temporary sites at
    /// least one.
    Sampling = "sampling", "8.1.3.2",
        "多场所抽样：证书列示场所初审√X、监督0.6√X、再认证0.8√X（向上取整）并每次覆盖中心办公室；临时场所每次至少1个";
    /// A team has exactly one leader.
    TeamLeader = "team_leader", "8.1.4.1",
        "审核组须指定且只指定一名审核组长";
    /// Auditors on the team have a CCAA registration and EEPC training (when described).
    AuditorCompetence = "auditor_competence", "8.1.4.1 1)",
        "审核员须具备CCAA注册管理体系审核员资格并通过EEPC认证知识培训";
    /// Technical experts and trainees add no audit days: planned days fit the counted members.
    DaysCountAuditorsOnly = "days_count_auditors_only", "8.1.4.1 2) 3)",
        "技术专家和实习审核员不计审核时间：计划人日不得超过组长和审核员在审核日期内可提供的人日";
    /// Planned days below the audit time of Annex A (I-8) need a written reason.
    DaysBelowAuditTime = "days_below_audit_time", "8.1.3.1, 附录A",
        "计划审核人日低于按附录A计算的审核时间时，须写明理由";
    /// Application review, audit and decision are done by different people.
    SeparateFunctions = "separate_functions", "5.2",
        "申请评审、审核和认证决定须由不同人员承担";
    /// A person with a declared conflict of interest with the client is not assigned.
    ConflictOfInterest = "conflict_of_interest", "5.2",
        "与申请组织存在利益冲突（如2年内为其提供咨询）的人员不得参与其审核或决定";
    /// A surveillance or special audit needs a certificate that is not withdrawn or cancelled.
    AuditNeedsCertificate = "audit_needs_certificate", "8.2.1, 8.4",
        "监督审核、特殊审核须针对有效期内未撤销、未注销的证书";
    /// A recertification audit needs a recertification application.
    RecertificationNeedsApplication = "recertification_needs_application", "8.3.1",
        "再认证审核须在获证组织提出再认证申请之后";

    // ---- certification: audit, findings, corrections ----
    /// The client confirms the audit plan before the audit starts (short-notice special audits
    /// excepted, 8.4.3).
    PlanConfirmed = "plan_confirmed", "8.1.4.2",
        "审核计划须在审核活动开始前提交申请组织确认（提前较短时间通知的特殊审核除外）";
    /// An audit is completed after its planned start, not twice.
    CompletionAfterPlan = "completion_after_plan", "8.1.6",
        "审核完成日期不得早于计划的开始日期";
    /// A correction is submitted within 1 month (minor) or 3 months (major) of the audit's
    /// last day; a minor one whose plan was accepted may be implemented later.
    CorrectionInTime = "correction_in_time", "8.1.6.5",
        "一般不符合应在审核末日起1个月内、严重不符合应在3个月内完成纠正和纠正措施（期限含当日）；一般不符合需更长时间的，在期限内提交计划并经接受";
    /// A major nonconformity's correction is verified on site.
    MajorVerifiedOnSite = "major_verified_on_site", "8.1.6.5 4)",
        "严重不符合的纠正和纠正措施须经现场验证";
    /// A correction is accepted after it was submitted.
    AcceptanceNeedsSubmission = "acceptance_needs_submission", "8.1.6.5 2)",
        "接受纠正须在组织提交原因分析和纠正措施之后";

    // ---- certification: decision and certificate ----
    /// A decision follows a completed audit, once per audit.
    DecisionNeedsAudit = "decision_needs_audit", "8.1.7",
        "认证决定须针对已完成的审核";
    /// A grant needs the contract, every major finding verified on site, every minor plan accepted.
    GrantConditions = "grant_conditions", "8.1.7 1)–4)",
        "授予认证须：履行合同；审核信息充分（清单得分不低于70分）；所有严重不符合的纠正已现场验证；所有一般不符合的纠正计划已接受。不授予时须书面说明原因";
    /// The decider was on no team of the audits the decision covers.
    DeciderNotAuditor = "decider_not_auditor", "8.1.7",
        "认证决定须由未参与所覆盖审核的人员作出";
    /// A recertification granted after expiry is refused: start again as initial.
    RecertificationBeforeExpiry = "recertification_before_expiry", "8.3",
        "再认证决定须在原证书有效期届满前作出，届满后须按初次认证重新申请";
    /// A certificate follows a grant that has no certificate yet.
    CertificateNeedsGrant = "certificate_needs_grant", "8.1.8",
        "颁发证书须依据授予（保持、更新）认证的决定";

    // ---- certification: keeping it ----
    /// Surveillance on time: first within 12 months of issue, later within 12 months of the
    /// previous on-site audit, 15 with an approved extension.
    SurveillanceInTime = "surveillance_in_time", "8.1.3.3, 8.2.2, 8.2.3",
        "第一次监督审核在证书签发之日起12个月内，此后在上次现场审核后12个月内（经批准延长的不超过15个月）";
    /// A surveillance in every calendar year except the recertification year.
    SurveillanceEveryYear = "surveillance_every_year", "8.1.3.3, 8.2.3",
        "证书签发年之后、到期年之前的每个日历年至少进行一次监督审核（再认证年份除外）";
    /// An extension reaches at most 15 months after the previous on-site audit.
    ExtensionLimit = "extension_limit", "8.2.3",
        "延长后的监督间隔不得超过15个月";
    /// A suspension is imposed within 5 working days of confirming its cause.
    SuspensionInTime = "suspension_in_time", "8.5.1",
        "应在调查核实暂停原因后5个工作日内暂停证书";
    /// Suspension, restoration, withdrawal and cancellation need a certificate in the right status.
    StatusTransition = "status_transition", "8.5",
        "暂停须针对有效证书，恢复须针对已暂停的证书，撤销和注销须针对未撤销、未注销的证书";
    /// A suspension lasts at most 6 months unless it waits for a licence decision.
    SuspensionLimit = "suspension_limit", "8.5.1",
        "证书暂停期不得超过6个月（因资质许可暂停的至许可决定之日）；期满未恢复的应撤销";
    /// Scope changes concern a valid certificate.
    ScopeNeedsCertificate = "scope_needs_certificate", "8.4.1, 8.4.2",
        "扩大或缩小认证范围须针对有效的证书";
    /// An extended scope is certified only after an extension audit the body granted on.
    ScopeExtensionAudited = "scope_extension_audited", "8.4.1.2, 8.4.1.3",
        "扩大认证范围须经扩大认证审核（可结合监督审核）并作出保持认证的决定后，方可换发证书";
    /// Recertification is applied for from 3 months before expiry.
    RecertificationWindow = "recertification_window", "8.3.1",
        "再认证申请可在证书有效期满前3个月（含当日）起提出；证书过期、撤销或注销后须按初次认证重新申请";

    // ---- certification: appeals and complaints ----
    /// An appeal is received within 10 working days of the decision.
    AppealInTime = "appeal_in_time", "11.1",
        "申诉须在认证决定后10个工作日内提出";
    /// An appeal is decided by someone who took no part in the decision.
    AppealImpartial = "appeal_impartial", "11.1, 5.2",
        "申诉须由未参与该认证决定的人员处理";
    /// Records are kept for the current cycle plus one full cycle.
    RecordsRetention = "records_retention", "10",
        "认证档案保存期为当前认证周期加上一个完整的认证周期，期满前不得删除";
    /// An appeal or complaint is closed once, after it was received.
    AppealOpen = "appeal_open", "11.1",
        "申诉或投诉须先收到后处理";

    // ---- star rating (000, I-19) ----
    /// An award rests on an application of the enterprise and a result of that application,
    /// once per application.
    StarAwardNeedsResult = "star_award_needs_result", "8",
        "授予星级须依据企业提出的星级申请和该申请的评价结果，每次申请只作一次授予决定";
    /// Without comprehensive stars, an enterprise gets 1★ first.
    StarFirstAward = "star_first_award", "6.1, I-6",
        "未持有综合星级的企业不可越级，只能先授予一星级";
    /// An award does not lower the stars held: lowering is its own decision.
    StarAwardNotLower = "star_award_not_lower", "8, I-6",
        "授予的星级不得低于现有星级；降低星级须依据监督审查结果以降低星级决定记录";
    /// From 1★ to 2★ or 3★, from 2★ to 3★: by an online self-evaluation.
    StarOnlineStep = "star_online_step", "6.1, I-6",
        "一星级企业通过线上自评可升至二星级或三星级，二星级企业可升至三星级：本次申请须有线上自评结果";
    /// 4★ and 5★ need 3★ already, an online and an on-site result of the application.
    StarFourFive = "star_four_five", "6.1, I-6",
        "四星级、五星级须已持有三星级及以上，并在本次申请中既有线上自评结果、又有第三方认证机构现场实地审查结果";
    /// Never more stars, comprehensive or single-dimension, than the result supports.
    StarWithinResult = "star_within_result", "8, I-6",
        "授予的综合星级不得超过本次申请最新评价结果支持的星级，单项星级不得超过现场实地审查结果给出的单项星级";
    /// Single-dimension stars only with an on-site result.
    DimensionStarsOnsite = "dimension_stars_onsite", "6.2",
        "单项星级不单独申请，只在本次申请有第三方认证机构现场实地审查结果时授予";
    /// A blacklisted enterprise is not awarded until the entry is lifted.
    StarBlacklisted = "star_blacklisted", "8, I-19",
        "列入黑名单的企业在移出黑名单前不得授予星级";
    /// The yearly supervision within 12 months of the last award or supervision.
    SupervisionInTime = "supervision_in_time", "8, I-19",
        "持有星级的企业每年度至少一次监督审查：在上次授予星级或监督审查后12个月内完成（无对应日的，以该月末日为期限）";
    /// A lowering rests on a supervision or spot check since the last award or lowering, to
    /// exactly the fewer stars it supports.
    StarLowering = "star_lowering", "8, I-6",
        "降低星级须依据上次授予或降级后的监督审查（或抽查验证）结果，降至该结果支持的星级，且少于现有星级";
    /// Supervision and lowering concern a rated enterprise; blacklisting one not blacklisted,
    /// lifting one that is.
    StarStatus = "star_status", "8, I-19",
        "监督审查和降低星级须针对持有星级的企业；列入黑名单须针对未列入的企业，移出黑名单须针对已列入的企业";
    /// Awards, lowerings and blacklist decisions name who decided; a blacklisting its reason.
    StarDecisionRecorded = "star_decision_recorded", "8, I-19",
        "授予星级、降低星级、列入和移出黑名单须记录作出决定的人员（by），列入黑名单须写明理由";
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for r in Rule::ALL {
            assert!(seen.insert(r.id()), "duplicate id {}", r.id());
            assert_eq!(Rule::from_id(r.id()), Some(*r));
            assert!(!r.clause().is_empty() && !r.requirement_zh().is_empty());
        }
    }
}
