-- 002-alerts-tickets.sql: alerts, their history, silences and maintenance
-- tickets with their timeline (issue 7, docs/alerts.md, docs/tickets.md).
--
-- Times are Unix seconds (UTC); money is whole rupiah.  Site and device
-- are stored by name, not by id: a ticket or an alert outlives the device
-- row (a PC written off and removed) and reports read them as text.

-- One row per alert instance: a rule (or an agent event, or a site outage)
-- that held for one series of one device.  'subject' is what the rule
-- matched: the metric name, the event code, or the state for presence
-- rules.  A new instance starts when the previous one resolved.  The rows
-- are the history: nothing is deleted.
CREATE TABLE alerts (
	id		INTEGER PRIMARY KEY,
	rule		TEXT NOT NULL,
	site		TEXT NOT NULL,
	device		TEXT,			-- NULL: a site alert
	subject		TEXT NOT NULL,		-- metric, event code or state
	severity	TEXT NOT NULL CHECK (severity IN
			    ('info', 'warning', 'critical')),
	state		TEXT NOT NULL CHECK (state IN
			    ('pending', 'firing', 'resolved')),
	value		REAL,			-- the newest value seen
	text		TEXT NOT NULL DEFAULT '',
	started_at	INTEGER NOT NULL,	-- first breach (pending)
	fired_at	INTEGER,
	resolved_at	INTEGER,
	acked_by	TEXT,
	acked_at	INTEGER,
	silenced	INTEGER NOT NULL DEFAULT 0,	-- fired under a silence
	flapping	INTEGER NOT NULL DEFAULT 0,	-- held back as flapping
	ticket_id	INTEGER REFERENCES tickets(id)
);
CREATE INDEX alerts_state ON alerts (state, site);
CREATE INDEX alerts_site_started ON alerts (site, started_at);

-- Planned work: alerts matching a silence still fire and are recorded,
-- but open no ticket and send no notification while it lasts.  NULL
-- device or rule: every one.
CREATE TABLE silences (
	id		INTEGER PRIMARY KEY,
	site		TEXT NOT NULL,
	device		TEXT,
	rule		TEXT,
	starts_at	INTEGER NOT NULL,
	ends_at		INTEGER NOT NULL,
	created_by	TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	comment		TEXT NOT NULL DEFAULT ''
);
CREATE INDEX silences_ends ON silences (ends_at);

-- Work for the technician.  One open ticket (state not resolved/closed)
-- per site, device and dedup_key: ticket_open() appends a note instead of
-- a second ticket (the partial unique index makes it a rule of the file).
CREATE TABLE tickets (
	id		INTEGER PRIMARY KEY,
	kind		TEXT NOT NULL CHECK (kind IN
			    ('fault', 'preventive', 'request')),
	state		TEXT NOT NULL DEFAULT 'open' CHECK (state IN
			    ('open', 'in_progress', 'waiting', 'resolved',
			     'closed')),
	title		TEXT NOT NULL,
	description	TEXT NOT NULL DEFAULT '',
	site		TEXT NOT NULL,
	device		TEXT,
	asset_tag	TEXT,
	priority	INTEGER NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 4),
	assignee	TEXT,
	cost_idr	INTEGER NOT NULL DEFAULT 0 CHECK (cost_idr >= 0),
	parts		TEXT NOT NULL DEFAULT '',
	dedup_key	TEXT,
	opened_by	TEXT NOT NULL DEFAULT 'system',
	opened_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	resolved_at	INTEGER,
	closed_at	INTEGER
);
CREATE INDEX tickets_state_site ON tickets (state, site);
CREATE INDEX tickets_site_opened ON tickets (site, opened_at);
CREATE UNIQUE INDEX tickets_open_dedup
	ON tickets (site, ifnull(device, ''), dedup_key)
	WHERE dedup_key IS NOT NULL AND state NOT IN ('resolved', 'closed');

-- The timeline: every note and every change, with who and when.  'kind'
-- is 'note' (free text), 'change' (a field changed: text says which, from
-- and to), 'alert' (an alert fired again or cleared) or 'open'.
CREATE TABLE ticket_notes (
	id		INTEGER PRIMARY KEY,
	ticket_id	INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
	ts		INTEGER NOT NULL,
	actor		TEXT NOT NULL,
	kind		TEXT NOT NULL CHECK (kind IN
			    ('open', 'note', 'change', 'alert')),
	text		TEXT NOT NULL
);
CREATE INDEX ticket_notes_ticket ON ticket_notes (ticket_id, ts);
