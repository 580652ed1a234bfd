-- Questionnaires of an on-site capability assessment (004 7.2.1, I-13; SQLite). Append-only:
-- never edit a released migration, add the next one.
--
-- Anonymity by construction: a response row holds its questionnaire and its ratings, nothing
-- else — no link, no person, no time, no address. A link row holds only the SHA-256 of its
-- token and whether it was used, not when. The answering transaction inserts the response
-- and marks the link used together (tianping_store::questionnaire::answer).

-- questionnaires: `items` is the JSON array of the indicator ids asked (the assessment's
-- likert items when it was opened); `closes_on` the last day answers are taken (China time).
CREATE TABLE questionnaires (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    items TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    opens_at TEXT NOT NULL,
    closes_on TEXT NOT NULL CHECK (closes_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_at TEXT,
    closed_by INTEGER REFERENCES users(id),
    applied_at TEXT
);
CREATE INDEX questionnaires_assessment ON questionnaires(assessment_id, id);

-- questionnaire_links: single-use links; the token itself is shown once, when issued.
CREATE TABLE questionnaire_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    questionnaire_id INTEGER NOT NULL REFERENCES questionnaires(id),
    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    used INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1))
);
CREATE INDEX questionnaire_links_questionnaire ON questionnaire_links(questionnaire_id);

-- questionnaire_responses: the ratings of one response, `{"<indicator id>": 1..5, ...}`.
CREATE TABLE questionnaire_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    questionnaire_id INTEGER NOT NULL REFERENCES questionnaires(id),
    answers TEXT NOT NULL
);
CREATE INDEX questionnaire_responses_questionnaire ON questionnaire_responses(questionnaire_id);
