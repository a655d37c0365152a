-- 003-assets-pm.sql: the asset register and preventive maintenance plans
-- (issue 8, docs/assets.md, docs/pm.md).
--
-- Times are Unix seconds (UTC); dates a person types (purchase, warranty)
-- are ISO text 'YYYY-MM-DD', NULL when not known; money is whole rupiah.
-- Site and device are stored by name, like tickets: an asset outlives the
-- device row of the PC it once was.

-- The register of DESIGN.md section 9: one row per inventory item, with
-- the CSV column names as column names.  'device' is the monitored device
-- id at 'site' (NULL: not monitored); a disposed asset keeps its row (the
-- auditor asks where it went) with disposed_at set.
CREATE TABLE assets (
	tag		TEXT PRIMARY KEY,	-- kode barang / nomor register
	name		TEXT NOT NULL,
	type		TEXT NOT NULL CHECK (type IN ('pc', 'printer',
			    'projector', 'switch', 'camera', 'network',
			    'furniture', 'other')),
	brand		TEXT NOT NULL DEFAULT '',
	model		TEXT NOT NULL DEFAULT '',
	serial		TEXT NOT NULL DEFAULT '',
	site		TEXT NOT NULL,
	room		TEXT NOT NULL DEFAULT '',
	funding		TEXT NOT NULL,		-- 'APBD Provinsi', ...
	budget_year	INTEGER NOT NULL,
	purchase_date	TEXT,
	price_idr	INTEGER NOT NULL DEFAULT 0 CHECK (price_idr >= 0),
	supplier	TEXT NOT NULL DEFAULT '',
	warranty_until	TEXT,
	condition	TEXT NOT NULL DEFAULT 'B' CHECK (condition IN
			    ('B', 'KB', 'RB')),
	device		TEXT,
	disposed_at	INTEGER,
	disposal_note	TEXT NOT NULL DEFAULT '',
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
);
CREATE INDEX assets_site ON assets (site);
CREATE INDEX assets_serial ON assets (serial) WHERE serial <> '';
-- One asset per monitored device.
CREATE UNIQUE INDEX assets_device ON assets (site, device)
	WHERE device IS NOT NULL;

-- What happened to an asset: 'created', 'condition', 'site', 'room',
-- 'device' (linked), 'disposed', each with the old and new value.
CREATE TABLE asset_history (
	id		INTEGER PRIMARY KEY,
	tag		TEXT NOT NULL REFERENCES assets(tag) ON DELETE CASCADE,
	ts		INTEGER NOT NULL,
	actor		TEXT NOT NULL,
	field		TEXT NOT NULL,
	old		TEXT NOT NULL DEFAULT '',
	new		TEXT NOT NULL DEFAULT '',
	note		TEXT NOT NULL DEFAULT ''
);
CREATE INDEX asset_history_tag ON asset_history (tag, ts);

-- Links proposed because a device's inventory carries the asset's serial
-- number or a MAC address written as its serial.  Accepted with
-- "pantauctl asset link" (or PATCH device), which removes them.
CREATE TABLE asset_suggestions (
	tag		TEXT NOT NULL REFERENCES assets(tag) ON DELETE CASCADE,
	site		TEXT NOT NULL,
	device		TEXT NOT NULL,
	reason		TEXT NOT NULL,		-- 'serial X' or 'mac X'
	ts		INTEGER NOT NULL,
	PRIMARY KEY (tag, site, device)
);

-- Preventive maintenance plans: by time (every_days or every_months), by
-- counter (counter_every units of counter_metric), or both (whichever
-- comes first).  A plan applies to one asset, every asset of a type, or
-- every asset of a model.  lead_days: how early it shows as due soon.
CREATE TABLE pm_plans (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL,
	target_kind	TEXT NOT NULL CHECK (target_kind IN
			    ('asset', 'type', 'model')),
	target		TEXT NOT NULL,
	every_days	INTEGER CHECK (every_days > 0),
	every_months	INTEGER CHECK (every_months > 0),
	counter_metric	TEXT,
	counter_every	REAL CHECK (counter_every > 0),
	lead_days	INTEGER NOT NULL DEFAULT 7 CHECK (lead_days >= 0),
	start_at	INTEGER NOT NULL,	-- time plans count from here
	active		INTEGER NOT NULL DEFAULT 1,
	created_at	INTEGER NOT NULL,
	CHECK (every_days IS NOT NULL OR every_months IS NOT NULL OR
	       counter_metric IS NOT NULL),
	CHECK ((counter_metric IS NULL) = (counter_every IS NULL))
);

-- Where each (plan, asset) stands: the last completion (time and counter
-- reading) the next due point counts from, and the open preventive
-- ticket, if any.
CREATE TABLE pm_state (
	plan_id		INTEGER NOT NULL REFERENCES pm_plans(id)
			    ON DELETE CASCADE,
	tag		TEXT NOT NULL REFERENCES assets(tag) ON DELETE CASCADE,
	base_at		INTEGER NOT NULL,
	base_counter	REAL,
	ticket_id	INTEGER,
	due_since	INTEGER,		-- when the open ticket was opened
	done_count	INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (plan_id, tag)
);

-- Counter readings for forecasting, one per device, metric and UTC day
-- (the newest of the day), kept 400 days: the rate of the last 30 days
-- gives the forecast due date of counter plans.
CREATE TABLE pm_readings (
	site		TEXT NOT NULL,
	device		TEXT NOT NULL,
	metric		TEXT NOT NULL,
	day		INTEGER NOT NULL,	-- ts / 86400
	ts		INTEGER NOT NULL,
	value		REAL NOT NULL,
	PRIMARY KEY (site, device, metric, day)
) WITHOUT ROWID;
