-- Jobs that run once per interval across all Case Graph processes (the person-search
-- refresh, audit partition upkeep): a row lease per job, and a record of every run.
CREATE TABLE casegraph.cluster_job (
    job_name     TEXT        PRIMARY KEY,
    last_run_at  TIMESTAMPTZ NOT NULL DEFAULT '-infinity',
    runs         BIGINT      NOT NULL DEFAULT 0
);

CREATE TABLE casegraph.cluster_job_run (
    job_name  TEXT        NOT NULL,
    ran_at    TIMESTAMPTZ NOT NULL,
    ran_by    TEXT        NOT NULL,
    PRIMARY KEY (job_name, ran_at)
);
