-- 004-auth.sql: users, sessions, API tokens and the audit log (issue 9,
-- docs/auth.md).
--
-- Times are Unix seconds (UTC).  No secret is stored as it was given:
-- passwords as yescrypt hashes (crypt(3) strings, "$y$..."), session ids
-- and API tokens as the hex SHA-256 of the random value (256 bits of
-- getrandom, so a fast hash is enough: nothing to guess).  Roles are the
-- stable names of DESIGN.md section 8.

-- People who sign in to the web UI or use HTTP Basic.  A disabled user
-- keeps the row (the audit log and ticket notes name it) but cannot sign
-- in, and its sessions are deleted when it is disabled.
CREATE TABLE users (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	role		TEXT NOT NULL CHECK (role IN
			    ('admin', 'technician', 'secretary', 'viewer')),
	hash		TEXT NOT NULL,		-- crypt(3) string
	disabled	INTEGER NOT NULL DEFAULT 0,
	created		INTEGER NOT NULL,
	updated		INTEGER NOT NULL,
	last_login	INTEGER
);

-- Browser sessions.  'id_hash' is the SHA-256 of the cookie value; the
-- cookie itself is never stored.  A session ends at 'expires' (absolute)
-- or when unused for the idle limit (last_used), whichever comes first.
-- 'csrf' is the token the UI sends back in X-CSRF-Token.
CREATE TABLE sessions (
	id_hash		TEXT PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf		TEXT NOT NULL,
	created		INTEGER NOT NULL,
	last_used	INTEGER NOT NULL,
	expires		INTEGER NOT NULL,
	address		TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);

-- Bearer tokens for scripts ("pantauctl token create").  Revoked tokens
-- keep their row so the name stays taken and the audit log readable.
CREATE TABLE api_tokens (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	role		TEXT NOT NULL CHECK (role IN
			    ('admin', 'technician', 'secretary', 'viewer')),
	hash		TEXT NOT NULL UNIQUE,	-- SHA-256 hex of the token
	created		INTEGER NOT NULL,
	last_used	INTEGER,
	revoked		INTEGER			-- time of revocation, or NULL
);

-- Who changed what (audit.h).  'actor' is "system", a user name or
-- "token:NAME"; 'action' a dotted verb ("ticket.update", "user.create",
-- "login.fail"); 'object' what it acted on ("ticket/12", "user/ani");
-- 'detail' free text or JSON.  Rows are only ever appended.
CREATE TABLE audit_log (
	id		INTEGER PRIMARY KEY,
	ts		INTEGER NOT NULL,
	actor		TEXT NOT NULL,
	action		TEXT NOT NULL,
	object		TEXT NOT NULL DEFAULT '',
	detail		TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_ts ON audit_log (ts);
