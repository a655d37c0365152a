-- 005-sites.sql: where a site is (issue 13, docs/province.md).
--
-- A province collector holds hundreds of telecenters; the manager and the
-- funders read them per regency (kabupaten/kota) and for the province.
-- The [site NAME] sections of the collector configuration are the
-- register: the collector copies label, location and regency into this
-- table at start and on reload, so that reports (which read only the
-- database) can roll sites up.  A site seen on MQTT but not configured
-- keeps NULLs and is reported under "no regency".
ALTER TABLE sites ADD COLUMN location TEXT;
ALTER TABLE sites ADD COLUMN regency TEXT;
CREATE INDEX sites_regency ON sites (regency);
