-- +goose Up
-- Raised by the search metering statement when it claimed a search's
-- receipt but the quota refused the charge. The error rolls the statement
-- back, receipt and all, before it commits: a copy of the same search
-- waiting on the receipt's row then claims it in turn (and is refused
-- too), instead of finding it fresh and being answered as a free repeat.
-- SQLSTATE CQ429 is this project's own (class CQ is not PostgreSQL's).
-- +goose StatementBegin
CREATE FUNCTION search_quota_refused() RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RAISE EXCEPTION 'the searches quota refused a claimed search' USING ERRCODE = 'CQ429';
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION search_quota_refused();
