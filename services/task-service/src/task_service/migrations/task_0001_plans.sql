-- Plans (the loaded document), each agency's assignments, their history, the monthly reports,
-- what catalog-service said about onboarding, and the alerts already emitted (exactly once).

CREATE TABLE plans (
    plan_id     text        PRIMARY KEY,
    document    jsonb       NOT NULL,
    issue_date  date,
    launch_date date,
    loaded_at   timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE assignments (
    plan_id          text        NOT NULL REFERENCES plans,
    task_no          integer     NOT NULL,
    agency_code      text        NOT NULL,
    task_ref         text        NOT NULL UNIQUE,
    lead_group       text,
    status           text        NOT NULL DEFAULT 'not_started',
    percent          integer     NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    result_ref       text,
    note             text,
    blocked_reason   text,
    done_on          date,
    due_on           date,
    due_reason       text,
    last_reported_at timestamptz,
    withdrawn        boolean     NOT NULL DEFAULT false,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, task_no, agency_code)
);
CREATE INDEX assignments_agency ON assignments (plan_id, agency_code);

-- Every event about an assignment, with the moment it took effect (a report's submitted_at).
CREATE TABLE task_history (
    id          bigserial   PRIMARY KEY,
    plan_id     text        NOT NULL,
    task_no     integer     NOT NULL,
    agency_code text        NOT NULL,
    event_id    uuid        NOT NULL UNIQUE,
    event_type  text        NOT NULL,
    at          timestamptz NOT NULL,
    payload     jsonb       NOT NULL
);
CREATE INDEX task_history_assignment ON task_history (plan_id, task_no, agency_code, at);

CREATE TABLE monthly_reports (
    plan_id      text        NOT NULL REFERENCES plans,
    agency_code  text        NOT NULL,
    month        text        NOT NULL,
    summary      text        NOT NULL,
    submitted_at timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, agency_code, month)
);

CREATE TABLE onboarding (
    agency_code     text        PRIMARY KEY,
    fully_onboarded boolean     NOT NULL,
    as_of           date        NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- One row per alert ever emitted; the scheduler inserts ON CONFLICT DO NOTHING in the same
-- transaction that stages the event, so two instances or a restart never emit one twice.
CREATE TABLE alerts_emitted (
    alert_key  text        PRIMARY KEY,
    emitted_at timestamptz NOT NULL DEFAULT now()
);
