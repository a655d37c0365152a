#!/bin/sh
# 155-disk-full.sh: the agent's spool and the collector's data directory
# each on a small tmpfs, filled with a ballast file and freed again, while
# an agent publishes every second through a real mosquitto (issue 12).
#
# Agent: it keeps running, says so once in its log and once on its events
# channel (agent.spool.disk_full raised, sent through the room its reserve
# file left), counts what it could not keep in agent.spool.dropped, and
# once space is back says cleared and loses nothing more: the seqs that
# never arrived are exactly the ones it counted.
# Collector: it keeps running, logs once, raises the collector.disk_full
# alert, stops reading MQTT (the broker keeps the messages); once space is
# back it resumes by itself, the alert resolves, and every sample the agent
# published is written exactly once (pantau_samples_written_total equals
# the samples of the distinct messages, no RRD errors).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fs-lib.sh"
fs_can_mount || { echo "SKIP: cannot mount a tmpfs here (needs root)"; exit 77; }
. "$top_srcdir/tests/integration/agent-lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"
command -v fallocate >/dev/null || { echo "SKIP: no fallocate"; exit 77; }

AGENT_ROOT=$top_srcdir/tests/fixtures/pc/vm
SPOOLFS=$T/spoolfs
DATAFS=$T/datafs
DATA=$DATAFS/data
fs_mount "$SPOOLFS" 512k
fs_mount "$DATAFS" 24m
sql() { sqlite3 -cmd '.timeout 5000' "$DATA/pantau.db" "$1"; }

start_mosquitto
sub_start sub
# RRD files of a 60 s step are small (about 0.5 MB each), so 24 MB hold
# the agent's 21 series with room to fill.
collector_conf "[rrd]
step = 60"
start_collector
HTTP=$(awk '$1 == "listen" { print $3 }' "$T/collector.conf")
prom() {
	curl -sf -H "Authorization: Bearer $PANTAU_TEST_TOKEN" \
	    "http://$HTTP/metrics" | awk -v n="$1" '$1 == n { print $2 }'
}

cat >"$T/agent.conf" <<EOF
[agent]
site = asriloka
device = pc-01
interval = 1
spool_dir = $SPOOLFS/spool
log_level = debug

[mqtt]
host = 127.0.0.1
port = $MQTT_PORT
keepalive = 5
reconnect_max = 1
EOF
agent_start agent "$T/agent.conf"
wait_for 20 sh -c "[ \$(grep -c '/metrics ' '$T/sub.log') -ge 3 ]" ||
	fail "no metrics"
[ -f "$SPOOLFS/spool/reserve" ] || fail "the agent made no reserve file"
[ -f "$DATA/.reserve" ] || fail "the collector made no reserve file"

# ---- the agent's disk
note "filling the spool's file system"
fs_fill "$SPOOLFS"
wait_for 15 grep -q '"code":"agent.spool.disk_full".*"state":"raised"' \
	"$T/sub.log" || fail "no agent.spool.disk_full raised event"
# The raised event went into the reserve's room; take that too, so a few
# rounds cannot be kept at all (the last page of the segment file still
# takes about four: wait for more).
fs_fill "$SPOOLFS"
sleep 7
kill -0 "$AGENT_PID" || fail "the agent died on a full disk"
n=$(grep -c 'disk under .* is full' "$T/agent.log")
[ "$n" = 1 ] || fail "the agent logged the full disk $n times, not once"
grep -q 'cannot append' "$T/agent.log" && fail "the agent logged per write"
fs_free "$SPOOLFS"
wait_for 15 grep -q '"code":"agent.spool.disk_full".*"state":"cleared"' \
	"$T/sub.log" || fail "no agent.spool.disk_full cleared event"
grep -q 'spool: space is back' "$T/agent.log" || fail "no log of space back"

# ---- the collector's disk
ADMIN=$("$top_builddir/collector/pantauctl" -c "$T/collector.conf" \
	token create fs-admin --role admin) || fail "pantauctl token create"
note_patch() { # TEXT: the HTTP status of adding a note to ticket 1
	curl -s -o /dev/null -w '%{http_code}' -m 10 -X PATCH \
	    -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
	    --data "{\"note\":\"$1\"}" "http://$HTTP/api/v1/tickets/1"
}
s=$(curl -s -o /dev/null -w '%{http_code}' -m 10 -X POST \
	-H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
	--data '{"title":"disk test","site":"asriloka"}' \
	"http://$HTTP/api/v1/tickets")
[ "$s" = 201 ] || fail "POST ticket: $s"
note "filling the data directory's file system"
fs_fill "$DATAFS"
wait_for 15 grep -q 'data directory .* is full' "$T/collector.log" ||
	fail "the collector did not notice the full disk"
wait_for 15 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DATA/pantau.db' \
	\"SELECT state FROM alerts WHERE subject = 'collector.disk_full'\")\" = firing ]" ||
	fail "no collector.disk_full alert"
[ "$(prom pantau_disk_full)" = 1 ] || fail "pantau_disk_full is not 1"
sleep 2
kill -0 "$COLLECTOR_PID" || fail "the collector died on a full disk"
n=$(grep -c 'data directory .* is full' "$T/collector.log")
[ "$n" = 1 ] || fail "the collector logged the full disk $n times, not once"
# The API while full: with the reserve's room taken too, an edit cannot
# commit and is refused; it must not leave its transaction open, or the
# next acknowledged edit would never be committed (http_db_settle()).
fs_fill "$DATAFS"
s=$(note_patch "while full")
note "a ticket note while the disk is full: HTTP $s"
[ "$s" = 200 ] && [ "$(sql "SELECT count(*) FROM ticket_notes WHERE text = 'while full'")" != 1 ] &&
	fail "a note answered 200 is not in the database"
fs_free "$DATAFS"
wait_for 20 grep -q 'space is back in the data directory' \
	"$T/collector.log" || fail "the collector did not resume"
wait_for 10 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DATA/pantau.db' \
	\"SELECT state FROM alerts WHERE subject = 'collector.disk_full'\")\" = resolved ]" ||
	fail "the collector.disk_full alert did not resolve"
[ "$(prom pantau_disk_full)" = 0 ] || fail "pantau_disk_full is not 0"
s=$(note_patch "after the full disk")
[ "$s" = 200 ] || fail "a ticket note after the full disk: HTTP $s"
[ "$(sql "SELECT count(*) FROM ticket_notes WHERE text = 'after the full disk'")" = 1 ] ||
	fail "a note answered 200 is not committed"

# ---- accounting: stop the agent, let the collector catch up
stop "$AGENT_PID" TERM
last=$(max_seq "$T/sub.log")
wait_for 30 sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DATA/pantau.db' \
	\"SELECT last_seq FROM devices WHERE name = 'pc-01'\")\" = $last ]" ||
	fail "the collector did not get to seq $last"
python3 - "$T/sub.log" >"$T/acct" <<'EOF' || fail "accounting: $(cat "$T/acct")"
import json, sys
msgs, events = {}, []
for line in open(sys.argv[1], errors="replace"):
    topic, _, payload = line.rstrip("\n").partition(" ")
    if topic == "pantau/v1/asriloka/pc-01/metrics":
        m = json.loads(payload)
        msgs.setdefault(m["seq"], m)
    elif topic == "pantau/v1/asriloka/pc-01/events":
        events.append(json.loads(payload))
seqs = sorted(msgs)
missing = sorted(set(range(1, seqs[-1] + 1)) - set(seqs))
dropped = msgs[seqs[-1]]["counters"]["agent.spool.dropped"]
assert len(missing) == dropped, ("missing", missing, "dropped", dropped)
if missing:  # one run: the rounds of the full disk, nothing after
    assert missing == list(range(missing[0], missing[-1] + 1)), missing
df = [e["state"] for e in events if e["code"] == "agent.spool.disk_full"]
assert df == ["raised", "cleared"], df
samples = sum(len(m["gauges"]) + len(m["counters"]) for m in msgs.values())
print(len(seqs), len(missing), samples)
EOF
read -r nmsg nmiss nsamples <"$T/acct"
note "agent: $nmsg messages, $nmiss dropped while its disk was full (counted), $nsamples samples"
[ "$nmiss" -gt 0 ] || fail "the agent dropped nothing on a full disk"
wait_for 20 sh -c "[ \"\$(curl -sf -H 'Authorization: Bearer $PANTAU_TEST_TOKEN' \
	http://$HTTP/metrics | awk '\$1 == \"pantau_samples_written_total\" { print \$2 }')\" = $nsamples ]" ||
	fail "samples written $(prom pantau_samples_written_total), published $nsamples"
[ "$(prom pantau_rrd_errors_total)" = 0 ] || fail "rrd errors"
note "collector: $(prom pantau_samples_written_total) samples written, $(prom pantau_samples_skipped_total) redelivered and skipped, $(prom pantau_disk_full_hits_total) writes refused while full"
pass "both full disks reported once, survived and recovered; every sample published stored exactly once"
