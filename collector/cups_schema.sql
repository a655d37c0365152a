-- cups_schema.sql: the print accounting tables (issue 6, docs/printing.md).
--
-- Applied by cups_store_migrate() (collector/cups_store.c) in one
-- transaction, which then records version 1 in cups_schema.  These tables
-- are versioned apart from the core migrations of collector/schema/, so
-- either can grow without touching the other.  Never edit this once
-- released: a change becomes a second step in cups_store.c.
--
-- Times are Unix seconds (UTC); a day or month in a report is taken in the
-- collector's local time zone.  site and device are ids checked by
-- common/names.c; queue, user and title come from CUPS and are only ever
-- bound as values.

CREATE TABLE cups_schema (
	version		INTEGER NOT NULL
);

-- One row per configured server ("host:port" or a socket path).
CREATE TABLE cups_servers (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	state		TEXT NOT NULL DEFAULT 'unknown'
			    CHECK (state IN ('unknown', 'up', 'down')),
	state_since	INTEGER,
	last_poll	INTEGER,
	last_error	TEXT NOT NULL DEFAULT ''
);

-- The queues of each server as last seen.  site/device: the monitored
-- printer the queue maps to (NULL: unmapped).  raw: no driver, so CUPS
-- cannot count its pages.  reasons: printer-state-reasons, comma
-- separated, compared with the next poll to raise and clear events.
CREATE TABLE cups_queues (
	id		INTEGER PRIMARY KEY,
	server_id	INTEGER NOT NULL REFERENCES cups_servers(id),
	name		TEXT NOT NULL,
	device_uri	TEXT NOT NULL DEFAULT '',
	make_model	TEXT NOT NULL DEFAULT '',
	raw		INTEGER NOT NULL DEFAULT 0,
	site		TEXT,
	device		TEXT,
	state		INTEGER,
	reasons		TEXT NOT NULL DEFAULT 'none',
	markers		TEXT NOT NULL DEFAULT '[]',	-- JSON [{"name","level"}]
	updated		INTEGER NOT NULL,
	UNIQUE (server_id, name)
);

-- Every job a server reported.  pages is what the report counts: NULL
-- means unknown (a raw queue, or no PAGE: lines), never 0 by default.
-- title is NULL unless [cups] store_titles is on (personal data).
-- final: the job will not change any more (canceled, aborted, completed,
-- or vanished: CUPS forgot it before it finished).
CREATE TABLE print_jobs (
	id		INTEGER PRIMARY KEY,
	server_id	INTEGER NOT NULL REFERENCES cups_servers(id),
	job_id		INTEGER NOT NULL,
	queue		TEXT NOT NULL,
	site		TEXT,
	device		TEXT,
	user		TEXT NOT NULL DEFAULT '',
	title		TEXT,
	pages		INTEGER,
	impressions	INTEGER,
	sheets		INTEGER,
	copies		INTEGER,
	k_octets	INTEGER,
	created		INTEGER,
	completed	INTEGER,
	state		TEXT NOT NULL CHECK (state IN ('pending', 'held',
			    'processing', 'stopped', 'canceled', 'aborted',
			    'completed', 'vanished')),
	final		INTEGER NOT NULL DEFAULT 0,
	first_seen	INTEGER NOT NULL,
	updated		INTEGER NOT NULL,
	UNIQUE (server_id, job_id)
);
CREATE INDEX print_jobs_completed ON print_jobs (completed);
CREATE INDEX print_jobs_open ON print_jobs (server_id, job_id) WHERE final = 0;

-- A printer's own page counter (printer.pages.total, from SNMP) as seen
-- by the collector on each day: the first and the last value of the day.
-- The core database keeps only the newest total, so the CUPS worker
-- copies it here on every poll; the reconciliation report subtracts
-- consecutive days.
CREATE TABLE printer_meter_daily (
	site		TEXT NOT NULL,
	device		TEXT NOT NULL,
	day		TEXT NOT NULL,		-- YYYY-MM-DD, local time
	first_total	REAL NOT NULL,
	first_ts	INTEGER NOT NULL,
	last_total	REAL NOT NULL,
	last_ts		INTEGER NOT NULL,
	PRIMARY KEY (site, device, day)
) WITHOUT ROWID;
