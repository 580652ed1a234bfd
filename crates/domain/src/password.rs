//! Which new passwords are accepted: 10 to 200 characters, and hard enough to guess by a
//! strength estimate (zxcvbn's score of at least [`MIN_SCORE`] of 4, about 10^8 guesses or
//! more), counting the person's own e-mail address and names as guessable words.
//!
//! The estimate is an argument ([`Estimate`], made by the caller with zxcvbn, see
//! [`check`]): zxcvbn reads the current year from the system clock (it rates recent years and
//! dates as easy), which a pure rule may not do. This module only uses zxcvbn's feedback types
//! and turns them into a message in both languages.

use zxcvbn::feedback::{Suggestion, Warning};

use crate::Msg;

/// Fewest characters of a new password.
pub const MIN_CHARS: usize = 10;
/// Most characters of a new password.
pub const MAX_CHARS: usize = 200;
/// Lowest accepted zxcvbn score (0–4): 3 means the estimate needs at least 10^8 guesses.
pub const MIN_SCORE: u8 = 3;

/// A strength estimate of a password: zxcvbn's score (0–4) and its feedback.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Estimate {
    pub score: u8,
    pub warning: Option<Warning>,
    pub suggestions: Vec<Suggestion>,
}

impl From<&zxcvbn::Entropy> for Estimate {
    fn from(e: &zxcvbn::Entropy) -> Estimate {
        Estimate {
            score: u8::from(e.score()),
            warning: e.feedback().and_then(|f| f.warning()),
            suggestions: e
                .feedback()
                .map(|f| f.suggestions().to_vec())
                .unwrap_or_default(),
        }
    }
}

/// The person's own words, which a password may not be built from: the e-mail address, its
/// part before the `@`, and each name given (whole and word by word). Lower case, trimmed,
/// without duplicates or empty words.
pub fn user_inputs(email: &str, names: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: &str| {
        let s = s.trim().to_lowercase();
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    add(email);
    if let Some((local, _)) = email.trim().split_once('@') {
        add(local);
    }
    for n in names {
        add(n);
        for w in n.split_whitespace() {
            add(w);
        }
    }
    out
}

/// The person's words long enough to count: 3 characters, or 2 outside ASCII (a Chinese
/// given name or surname).
fn counts(word: &str) -> bool {
    let n = word.chars().count();
    n >= 3 || (n == 2 && !word.is_ascii())
}

/// Whether the password contains one of the person's own words (case-insensitive).
pub fn mentions_user_input(password: &str, user_inputs: &[String]) -> bool {
    let p = password.to_lowercase();
    user_inputs
        .iter()
        .any(|w| counts(w) && p.contains(w.as_str()))
}

/// Whether the password is only the person's own words with digits, spaces and symbols around
/// them: fewer than 4 letters are left once they are taken out (longest first). zxcvbn counts
/// the gaps between words as random characters and may rate such a password strong
/// (`xinghetech-zhangwei` for Zhang Wei of Xinghe Tech).
pub fn only_user_inputs(password: &str, user_inputs: &[String]) -> bool {
    let mut words: Vec<&String> = user_inputs.iter().filter(|w| counts(w)).collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    let mut rest = password.to_lowercase();
    let mut found = false;
    for w in words {
        if rest.contains(w.as_str()) {
            found = true;
            rest = rest.replace(w.as_str(), " ");
        }
    }
    found && rest.chars().filter(|c| c.is_alphabetic()).count() < 4
}

/// A password acceptable for a new account, or the reason why not.
///
/// The length is checked first; only then is `estimate` called with the password and the
/// person's words (`user_inputs`, see [`user_inputs`]), e.g.
/// `|p, ui| Estimate::from(&zxcvbn::zxcvbn(p, ui))`.
pub fn check(
    password: &str,
    user_inputs: &[String],
    estimate: impl FnOnce(&str, &[&str]) -> Estimate,
) -> Result<(), Msg> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        return Err(Msg::new(
            format!("密码至少 {} 个字符", MIN_CHARS),
            format!("The password needs at least {} characters", MIN_CHARS),
        ));
    }
    if n > MAX_CHARS {
        return Err(Msg::new(
            format!("密码最多 {} 个字符", MAX_CHARS),
            format!("The password may have at most {} characters", MAX_CHARS),
        ));
    }
    if only_user_inputs(password, user_inputs) {
        return Err(Msg::new(
            format!(
                "密码不能只由您的邮箱、姓名或企业名称加上数字和符号组成；请加入几个与您无关的词，至少 {} 个字符。",
                MIN_CHARS
            ),
            format!(
                "The password may not be just your e-mail address, names or enterprise name with digits and symbols; add a few words unrelated to you, at least {} characters in all.",
                MIN_CHARS
            ),
        ));
    }
    let inputs: Vec<&str> = user_inputs.iter().map(String::as_str).collect();
    let e = estimate(password, &inputs);
    if e.score >= MIN_SCORE {
        return Ok(());
    }
    Err(weak(&e, mentions_user_input(password, user_inputs)))
}

/// The refusal of a weak password: what is wrong (zxcvbn's warning), the e-mail or name if
/// the password uses them, zxcvbn's suggestions, and what would be accepted.
fn weak(e: &Estimate, personal: bool) -> Msg {
    let mut zh = format!(
        "密码太容易被猜到（强度 {}/4，至少需要 {}）。",
        e.score.min(4),
        MIN_SCORE
    );
    let mut en = format!(
        "This password is too easy to guess (strength {} of 4, at least {} needed).",
        e.score.min(4),
        MIN_SCORE
    );
    if let Some(w) = e.warning {
        zh.push_str(warning_zh(w));
        en.push(' ');
        en.push_str(&w.to_string());
    }
    if personal {
        zh.push_str("不要用您的邮箱或姓名组成密码。");
        en.push_str(" Do not build it from your e-mail address or name.");
    }
    for s in &e.suggestions {
        zh.push_str(suggestion_zh(*s));
        en.push(' ');
        en.push_str(&s.to_string());
    }
    zh.push_str(&format!(
        "请使用至少 {} 个字符、不易猜到的密码，例如三四个互不相关的词连在一起。",
        MIN_CHARS
    ));
    en.push_str(&format!(
        " Use at least {} characters that are hard to guess, for example three or four unrelated words.",
        MIN_CHARS
    ));
    Msg::new(zh, en)
}

/// zxcvbn's warning in Chinese (its English is its `Display`).
fn warning_zh(w: Warning) -> &'static str {
    match w {
        Warning::StraightRowsOfKeysAreEasyToGuess => "键盘上连成一行的按键很容易被猜到。",
        Warning::ShortKeyboardPatternsAreEasyToGuess => "简短的键盘图案很容易被猜到。",
        Warning::RepeatsLikeAaaAreEasyToGuess => "像“aaa”这样重复同一个字符很容易被猜到。",
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            "像“abcabcabc”这样的重复只比“abc”难猜一点点。"
        }
        Warning::ThisIsATop10Password => "这是最常用的 10 个密码之一。",
        Warning::ThisIsATop100Password => "这是最常用的 100 个密码之一。",
        Warning::ThisIsACommonPassword => "这是一个非常常见的密码。",
        Warning::ThisIsSimilarToACommonlyUsedPassword => "这和一个常用密码很相似。",
        Warning::SequencesLikeAbcAreEasyToGuess => "像 abc 或 6543 这样的顺序很容易被猜到。",
        Warning::RecentYearsAreEasyToGuess => "最近的年份很容易被猜到。",
        Warning::AWordByItselfIsEasyToGuess => "单独一个词很容易被猜到。",
        Warning::DatesAreOftenEasyToGuess => "日期通常很容易被猜到。",
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => "单独的名字或姓氏很容易被猜到。",
        Warning::CommonNamesAndSurnamesAreEasyToGuess => "常见的名字和姓氏很容易被猜到。",
    }
}

/// zxcvbn's suggestion in Chinese (its English is its `Display`).
fn suggestion_zh(s: Suggestion) -> &'static str {
    match s {
        Suggestion::UseAFewWordsAvoidCommonPhrases => "用几个词组成密码，避免常见的短语。",
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => "不一定需要符号、数字或大写字母。",
        Suggestion::AddAnotherWordOrTwo => "再加一两个词，不常见的词更好。",
        Suggestion::CapitalizationDoesntHelpVeryMuch => "首字母大写帮助不大。",
        Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
            "全部大写和全部小写几乎一样容易被猜到。"
        }
        Suggestion::ReversedWordsArentMuchHarderToGuess => "把词倒过来写并不会难猜多少。",
        Suggestion::PredictableSubstitutionsDontHelpVeryMuch => {
            "用“@”代替“a”这类可以预料的替换帮助不大。"
        }
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => {
            "如用键盘图案，请用更长、转折更多的图案。"
        }
        Suggestion::AvoidRepeatedWordsAndCharacters => "避免重复的词和字符。",
        Suggestion::AvoidSequences => "避免连续的字母或数字。",
        Suggestion::AvoidRecentYears => "避免最近的年份。",
        Suggestion::AvoidYearsThatAreAssociatedWithYou => "避免与您有关的年份。",
        Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => "避免与您有关的日期和年份。",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real estimator (deterministic for passwords without years or dates).
    fn zx(p: &str, ui: &[&str]) -> Estimate {
        Estimate::from(&zxcvbn::zxcvbn(p, ui))
    }

    fn no_inputs() -> Vec<String> {
        Vec::new()
    }

    #[test]
    fn length_is_checked_before_strength() {
        let called = std::cell::Cell::new(false);
        let e = check("short", &no_inputs(), |_, _| {
            called.set(true);
            Estimate::default()
        })
        .unwrap_err();
        assert_eq!(e.en, "The password needs at least 10 characters");
        assert_eq!(e.zh, "密码至少 10 个字符");
        assert!(
            !called.get(),
            "no estimate for a password that is too short"
        );
        let long = "x".repeat(201);
        let e = check(&long, &no_inputs(), |_, _| Estimate {
            score: 4,
            ..Default::default()
        })
        .unwrap_err();
        assert!(e.en.contains("at most 200"), "{}", e.en);
        // 10 characters counted as characters, not bytes
        assert!(check("天平天平天平天平天平", &no_inputs(), |_, _| {
            Estimate {
                score: 4,
                ..Default::default()
            }
        })
        .is_ok());
    }

    #[test]
    fn the_score_decides_at_three() {
        for (score, ok) in [(0, false), (1, false), (2, false), (3, true), (4, true)] {
            let r = check("0123456789", &no_inputs(), |_, _| Estimate {
                score,
                ..Default::default()
            });
            assert_eq!(r.is_ok(), ok, "score {score}");
        }
    }

    #[test]
    fn weak_passwords_are_refused_with_reasons_in_both_languages() {
        for (pw, zh, en) in [
            ("          ", "重复同一个字符", "Repeats like \"aaa\""),
            ("aaaaaaaaaa", "重复同一个字符", "Repeats like \"aaa\""),
            ("qwertyuiop", "最常用的 100 个密码之一", "top-100"),
            ("abcdefghij", "顺序很容易被猜到", "Sequences like abc"),
            ("password123", "非常常见的密码", "very common password"),
        ] {
            let e = check(pw, &no_inputs(), zx).unwrap_err();
            assert!(e.zh.contains(zh), "{pw:?}: {}", e.zh);
            assert!(e.en.contains(en), "{pw:?}: {}", e.en);
            assert!(e.zh.contains("至少 10 个字符"), "{}", e.zh);
            assert!(e.en.contains("at least 10 characters"), "{}", e.en);
            assert!(
                !e.zh.contains("guess") && !e.zh.contains("word"),
                "the Chinese message has no English: {}",
                e.zh
            );
        }
    }

    #[test]
    fn the_persons_own_words_weaken_a_password() {
        let ui = user_inputs("Zhang.Wei@Example.COM", &["Zhang Wei", "Xinghe Tech"]);
        assert_eq!(
            ui,
            [
                "zhang.wei@example.com",
                "zhang.wei",
                "zhang wei",
                "zhang",
                "wei",
                "xinghe tech",
                "xinghe",
                "tech"
            ]
        );
        // strong without context (zxcvbn: 10^12 guesses), refused as made of the person's words
        for pw in [
            "xinghetech-zhangwei",
            "Zhang.Wei@Example.com!",
            "1987-Zhang-Wei-1987",
            "wei wei wei wei",
        ] {
            let e = check(pw, &ui, zx).unwrap_err();
            assert!(e.zh.contains("不能只由您的邮箱、姓名"), "{pw}: {}", e.zh);
            assert!(
                e.en.contains("may not be just your e-mail"),
                "{pw}: {}",
                e.en
            );
        }
        assert!(check("xinghetech-zhangwei", &no_inputs(), zx).is_ok());
        // with words of their own it is up to the estimate, which counts the person's words
        assert!(!only_user_inputs("zhangwei-purple-kite-lamp", &ui));
        assert!(check("zhangwei-purple-kite-lamp", &ui, zx).is_ok());
        let e = check("xinghelove", &ui, zx).unwrap_err();
        assert!(e.zh.contains("不要用您的邮箱或姓名"), "{}", e.zh);
        assert!(e.en.contains("e-mail address or name"), "{}", e.en);
        assert!(!mentions_user_input("we-zh-an", &ui));
        // short words do not count: one or two ASCII letters; but two Chinese characters do
        assert!(!mentions_user_input(
            "al-b",
            &user_inputs("a@b.test", &["Al"])
        ));
        let zh = user_inputs("li@x.test", &["李明"]);
        assert!(mentions_user_input("李明的密码很长很长", &zh));
        assert!(only_user_inputs("李明李明李明李明李明", &zh));
    }

    #[test]
    fn the_passwords_of_tests_and_demo_pass() {
        for pw in ["correct-horse-battery", "tianping-demo"] {
            for ui in [
                user_inputs("a@a.test", &["Enterprise A"]),
                user_inputs("xinghe@ent.demo", &["李明", "星河云数字科技有限公司"]),
            ] {
                assert!(check(pw, &ui, zx).is_ok(), "{pw}");
            }
        }
    }
}
