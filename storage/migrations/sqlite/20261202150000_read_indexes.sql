-- `/jobs [tag]` (issue 15): open jobs newest first, 20 shown. With only jobs_status the
-- plan read every open job and sorted them (EXPLAIN QUERY PLAN: "SEARCH j USING INDEX
-- jobs_status (status=?)" + "USE TEMP B-TREE FOR ORDER BY"); in this order it stops after
-- the first 20 that match. The expression is the one the query orders by, written the same.
CREATE INDEX jobs_listed ON jobs(status, COALESCE(published_at, created_at) DESC, id DESC);
