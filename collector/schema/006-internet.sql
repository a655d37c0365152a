-- 006-internet.sql: the internet link of each site, period by period
-- (issue 14, docs/internet.md).
--
-- The collector derives a site's internet state from the probes of all
-- its agents (collector/internet_derive.c) and writes one row per period
-- of one state, in the agents' sample time: a spool or bridge queue
-- replayed after an outage is recorded as it happened.  The open row
-- (until NULL) is the current state; last_seen is the newest sample time
-- that confirmed it, so a collector restart, or a silence of every agent,
-- shows as a gap ('unknown' from last_seen + step) and not as more of the
-- same state.  Rows are never deleted: they are the history the
-- availability report counts.
CREATE TABLE internet_state (
	id		INTEGER PRIMARY KEY,
	site		TEXT NOT NULL,
	state		TEXT NOT NULL CHECK (state IN
			    ('unknown', 'up', 'degraded', 'down')),
	since		INTEGER NOT NULL,	-- sample time it began
	until		INTEGER,		-- NULL: the current state
	reasons		TEXT NOT NULL DEFAULT '',	-- loss,latency,dns,cut,local
	last_seen	INTEGER NOT NULL,	-- newest sample time in it
	step		INTEGER NOT NULL DEFAULT 60,	-- the agents' interval
	agents		INTEGER NOT NULL DEFAULT 0	-- agents counted at start
);
CREATE INDEX internet_state_site ON internet_state (site, since);
CREATE UNIQUE INDEX internet_state_open ON internet_state (site)
	WHERE until IS NULL;

-- Outages: the periods a site's link was down or degraded, as the report
-- and the API list them.  'end' NULL: still going.
CREATE VIEW internet_outage AS
	SELECT id, site, state, since AS start, until AS "end", reasons
	FROM internet_state WHERE state IN ('down', 'degraded');
