//! End-to-end tests of Tianping live in `tests/`: `tests/browser.rs` drives the web
//! application in headless Chromium through chromedriver, as a person would (sign up, create a
//! self-assessment, answer every item, read the grade). This library is intentionally empty.
