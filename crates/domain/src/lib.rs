//! Tianping's pure domain rules: everything that decides *who may do what* and *which answer
//! counts*, apart from scoring (crates/core) and the calculators (crates/calc).
//!
//! - [`text`]: the closed sets of the product (roles, organisation kinds, assessment status,
//!   mode and answer source) as enums; their text exists only at the database row mapping and
//!   in serialised output.
//! - [`msg`]: messages for people in Chinese and English, field errors and refusals.
//! - [`access`]: who sees which rows and what they may do with an object they see.
//! - [`staff`]: who may deactivate, reactivate or change the role of whom; revoking
//!   invitations.
//! - [`identity`]: an enterprise's credit code and name locked after submission or
//!   engagement; change requests and who decides them.
//! - [`audit`]: the audit log in words (actions, objects, before/after) and its filters.
//! - [`answer`]: the answer-source rules (I-6, I-20) and the expert panel (I-13): items
//!   scored only by experts, and when an expert sees the others' scores.
//! - [`precedence`]: which answer a save may replace (I-20): standings, proposals, refusals.
//! - [`review`]: the body's review (I-6, I-20): who verifies self-declared answers and
//!   resolves proposals, which answers can be verified, confirming or correcting a value.
//! - [`enterprise`]: checking an enterprise record (USCC, GB/T 4754 industry code, type and
//!   category), e-mail addresses and names.
//! - [`evidence`]: which uploads are accepted (by extension and first bytes).
//! - [`cert_sign`]: signed certificate links (I-21): the canonical payload, Ed25519 signing
//!   and checking against published keys, the QR link's parts.
//! - [`case_files`]: the documents of a certification case (8.1.1 a)–i), the contract, audit
//!   plans and reports, correction evidence, appeals): who uploads which, the application's
//!   checklist, subjects, accepted files.
//! - [`interpretation`]: the standard's interpretations for people (a title, no internal notes).
//! - [`import`]: answers in bulk from a spreadsheet (CSV reading, columns by header, an
//!   indicator by id or printed number, numbers as people type them).
//! - [`workbook`]: the Excel answer template of a plan (sheets, columns, what each answer cell
//!   accepts, cell names like `表2!D7`); [`workbook_read`]: a filled template read back, every
//!   bad cell named with what it accepts.
//! - [`listing`]: search by number or name, the unanswered filter, previous/next, names
//!   shared by several rows, answered counts.
//! - [`onsite`]: starting an on-site assessment from a submitted self-assessment (who may,
//!   what is carried and how), and the differences between two assessments' answers.
//! - [`password`]: which new passwords are accepted (length, and a zxcvbn strength estimate
//!   made by the caller, counting the person's e-mail and names as guessable).
//! - [`rate_limit`]: the public pages' rate limits (GCRA: a burst, then a steady rate) from
//!   the stored time of the next request and now, and the wait of a refused one.
//! - [`throttle`]: whether a sign-in may be checked now, from the failed sign-ins of the same
//!   source (per account with growing delays, and across accounts).
//! - [`notify`]: notifications as typed notices in both languages, who of a staff hears of
//!   them, the e-mails' texts, and the retry rule of the e-mail outbox.
//! - [`case_notify`]: who of the client and of the body hears of an event of a certification
//!   case, and the notice's words; [`case_remind`]: the due reminders (7 days before and on
//!   the day), who hears them, and their words.
//! - [`people`]: a certification body's people (8.1.4.1, 5.2): competence records (CCAA
//!   registration, EEPC training, business areas), who is a qualified auditor on a day,
//!   declared conflicts of interest per client, and who may keep them.
//! - [`questionnaire`]: questionnaires of an on-site capability assessment (004 7.2.1, I-13):
//!   who opens and closes one, the closing date, single-use links, a response's checks, and
//!   the aggregate shown only when closed with enough responses that nobody can be singled out.
//! - [`reset`]: password reset links (how long they work, how often an address gets one).
//! - [`words`]: figures and words for people (two decimals, levels and stars in words, the
//!   distance to what a result did not reach, interpretations without internal notes).
//! - [`submission`]: what a submission must acknowledge, unverified self-declared answers,
//!   when the body has acted, withdrawing until then.
//!
//! Pure: no IO, no async, no clock, no randomness. Time, where a rule needs it, is an argument.

pub mod access;
pub mod answer;
pub mod audit;
pub mod capability_case;
pub mod case;
pub mod case_files;
pub mod case_notify;
pub mod case_remind;
pub mod cert_sign;
pub mod enterprise;
pub mod evidence;
pub mod identity;
pub mod import;
pub mod interpretation;
pub mod listing;
pub mod msg;
pub mod notify;
pub mod onsite;
pub mod password;
pub mod people;
pub mod precedence;
pub mod questionnaire;
pub mod rate_limit;
pub mod reset;
pub mod review;
pub mod staff;
pub mod star_case;
pub mod submission;
pub mod text;
pub mod throttle;
pub mod words;
pub mod workbook;
pub mod workbook_read;

pub use access::{Access, Principal, Scope};
pub use msg::{Denied, FieldError, Lang, Msg};
pub use text::{AssessmentStatus, Mode, OrgKind, ProposalStatus, Role, Source, UnknownText};
