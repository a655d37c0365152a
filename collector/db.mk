# collector/db.mk: database, presence, HTTP and API, and their tests.
