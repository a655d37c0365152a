-- 001-init.sql: the collector's first schema (issue 5).
--
-- Applied by db.c inside one transaction, which then sets
-- PRAGMA user_version = 1.  Never edit a migration once released: add the
-- next numbered file instead (docs/database.md).
--
-- Times are Unix seconds (UTC).  Names (site, device, metric) were checked
-- by common/names.c before they got here.  Enumerations are stored as the
-- stable text names of common/wire.h, so the file reads well in sqlite3 and
-- in reports.

-- Migrations applied, for the record (PRAGMA user_version is the truth).
CREATE TABLE schema_history (
	version		INTEGER PRIMARY KEY,
	applied		INTEGER NOT NULL
);

CREATE TABLE sites (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	label		TEXT,			-- from [site NAME] (later)
	first_seen	INTEGER NOT NULL
);

-- One row per monitored device.  'type' stays NULL until a metrics or
-- inventory message says what it is (a status can arrive first).
-- last_seen is the agent's ts of the newest metrics; last_received the
-- collector's clock when it arrived (presence works on the latter).
CREATE TABLE devices (
	id		INTEGER PRIMARY KEY,
	site_id		INTEGER NOT NULL REFERENCES sites(id),
	name		TEXT NOT NULL,
	type		TEXT CHECK (type IN ('pc', 'printer', 'switch', 'projector')),
	first_seen	INTEGER NOT NULL,
	last_seen	INTEGER,
	last_received	INTEGER,
	last_seq	INTEGER NOT NULL DEFAULT 0,
	interval	INTEGER NOT NULL DEFAULT 0,
	state		TEXT NOT NULL DEFAULT 'unknown' CHECK (state IN
			    ('unknown', 'online', 'offline', 'unreachable', 'stale')),
	state_since	INTEGER NOT NULL,
	inventory	TEXT,			-- JSON object, as received
	inventory_ts	INTEGER,
	UNIQUE (site_id, name)
);

-- The newest value of every gauge and the newest raw total of every
-- counter, one row per (device, kind, metric), each with its own ts so a
-- late message never overwrites a newer value.  WITHOUT ROWID: the primary
-- key is the only way in, and the row lives in the index.
CREATE TABLE latest (
	device_id	INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
	kind		TEXT NOT NULL CHECK (kind IN ('gauge', 'counter')),
	metric		TEXT NOT NULL,
	value		REAL NOT NULL,
	ts		INTEGER NOT NULL,
	PRIMARY KEY (device_id, kind, metric)
) WITHOUT ROWID;

-- Discrete faults and changes from the agents (events channel).  The
-- UNIQUE constraint makes a redelivered message harmless.
CREATE TABLE events (
	id		INTEGER PRIMARY KEY,
	device_id	INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
	ts		INTEGER NOT NULL,
	received	INTEGER NOT NULL,
	code		TEXT NOT NULL,
	severity	TEXT NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
	state		TEXT NOT NULL CHECK (state IN ('raised', 'cleared')),
	text		TEXT NOT NULL DEFAULT '',
	UNIQUE (device_id, ts, code, state)
);
CREATE INDEX events_ts ON events (ts);

-- Presence history for availability reports: one row per state a device
-- was in, from 'since' to 'until' (NULL while it lasts).
CREATE TABLE presence (
	id		INTEGER PRIMARY KEY,
	device_id	INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
	state		TEXT NOT NULL CHECK (state IN
			    ('unknown', 'online', 'offline', 'unreachable', 'stale')),
	since		INTEGER NOT NULL,
	until		INTEGER,
	cause		TEXT NOT NULL DEFAULT ''
);
CREATE INDEX presence_device_since ON presence (device_id, since);
