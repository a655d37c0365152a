#!/bin/sh
# bench/40-fault-campaign.sh: the fault campaign of issue 12.  Run it through
# bench/run (nice -n 10 bench/run _build-faults 40-fault), as root.
#
# For FAULT_MINUTES (10) a real mosquitto, pantau-collector (writing RRD
# directly, or through rrdcached with FAULT_RRDCACHED=1), a cupsd the
# collector polls, and FAULT_AGENTS (3) pantau-agents publishing every
# second (--root on the vm fixture) run while faults come at random (seeded
# by FAULT_SEED), in two streams that may overlap:
#   kills   SIGKILL of an agent, the broker or the collector, started again
#           1..4 s later;
#   outages cupsd stopped for 3..10 s; the agents' spool file system or the
#           collector's data file system (two tmpfs) filled with a ballast
#           file for 5..15 s, then freed.
# Meanwhile a client makes changes through the API (a note on a ticket, a
# room of an asset, every FAULT_CHANGE_MS) and prints a job now and then,
# and records which were acknowledged (HTTP 200, lp's job id).  A daemon
# that exits by itself is counted and started again.
#
# At the end every fault is undone, the collector catches up, and
# bench/faults/check.py counts, from a persistent QoS 1 audit subscriber
# and the RRD files: samples published, stored, lost, duplicated; then
# PRAGMA integrity_check, and every acknowledged change and print job
# looked up in the database.  Prints the figures and RESULT lines.
#
# Without mount (not root, or a sandbox) the disk-full faults are left out
# and the output says so.  KEEP_TMP=1 keeps the temp dir.
set -u
: "${top:?run through bench/run}" "${build:?run through bench/run}"
top_srcdir=$top
top_builddir=$build
. "$top/tests/integration/lib.sh"
. "$top/tests/integration/fs-lib.sh"

MINUTES=${FAULT_MINUTES:-10}
NAGENTS=${FAULT_AGENTS:-3}
SEED=${FAULT_SEED:-$(date +%s)}
CACHED=${FAULT_RRDCACHED:-0}
CHANGE_MS=${FAULT_CHANGE_MS:-1500}
SITE=faults
AGENT="$build/agent/pantau-agent"
COLLECTOR="$build/collector/pantau-collector"
CTL="$build/collector/pantauctl"
ROOT=$top/tests/fixtures/pc/vm
for p in "$AGENT" "$COLLECTOR" "$CTL"; do
	[ -x "$p" ] || fail "$p is not built"
done
for c in mosquitto mosquitto_sub curl sqlite3 rrdtool python3; do
	command -v $c >/dev/null || fail "$c is not installed"
done
CUPS=1
{ command -v cupsd >/dev/null || [ -x /usr/sbin/cupsd ]; } &&
	command -v gs >/dev/null && command -v lpadmin >/dev/null || CUPS=0
[ $CUPS = 1 ] && . "$top/tests/integration/cups-lib.sh"

MOUNT=1
fs_can_mount || MOUNT=0
AGENTFS=$T/agentfs
DATAFS=$T/datafs
DATA=$DATAFS/data
# RRD files of a 1 s step hold two days of seconds: about 4.6 MB each, 21
# series per agent on the vm fixture.  The data file system gets them and
# 64 MB more; RAM only backs what is written (and the ballast, for a while).
DATA_MB=${FAULT_DATA_MB:-$((NAGENTS * 21 * 5 + 64))}
if [ $MOUNT = 1 ]; then
	fs_mount "$AGENTFS" 8m
	fs_mount "$DATAFS" "${DATA_MB}m"
else
	mkdir -p "$AGENTFS" "$DATAFS"
fi
mkdir -p "$DATA"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# rnd LO HI: the n-th draw of one stream seeded by FAULT_SEED, so a run's
# schedule can be repeated (its timing cannot)
awk -v s="$SEED" 'BEGIN { srand(s % 2147483647)
	for (i = 0; i < 20000; i++) printf "%.9f\n", rand() }' >"$T/random"
echo 0 >"$T/random.n"
rnd() { # called in $(...): the position is kept in a file, not a variable
	rn=$(($(cat "$T/random.n") % 20000 + 1))
	echo "$rn" >"$T/random.n"
	sed -n "${rn}p" "$T/random" |
	    awk -v lo="$1" -v hi="$2" '{ print lo + int($1 * (hi - lo + 1)) }'
}
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# ---- the broker: every change saved at once, so a SIGKILL loses as
# little as mosquitto allows
start_broker() {
	MQTT_PORT_FIXED=${BROKER_PORT:-} start_mosquitto broker \
		"autosave_on_changes true"
	BROKER_PID=$MQTT_PID
	BROKER_PORT=$MQTT_PORT
}
start_broker
# the audit subscriber: persistent session, QoS 1, reconnects by itself
spawn audit mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -c -i fc-audit \
	-q 1 -v -t 'pantau/v1/#'
AUDIT_PID=$SPAWNED

# ---- CUPS and the collector
HTTP_PORT=$(free_port)
if [ $CUPS = 1 ]; then
	cups_setup
	cups_start
	lpadmin -p fq -E -v file:///dev/null -m raw 2>/dev/null ||
		fail "lpadmin"
	printf 'fault campaign\n' >"$T/job.txt"
fi
RRDC_PID=
if [ "$CACHED" = 1 ]; then
	mkdir -p "$DATA/rrd"
	spawn rrdcached "$(command -v rrdcached || echo /usr/sbin/rrdcached)" \
		-g -l "unix:$T/rrdcached.sock" -b "$DATA/rrd" -B -F -w 5 -z 1
	RRDC_PID=$SPAWNED
	wait_for 10 test -S "$T/rrdcached.sock" || fail "rrdcached did not start"
fi
{
	cat <<EOF
[collector]
data_dir = $DATA
log_level = info

[mqtt]
host = 127.0.0.1
port = $MQTT_PORT
client_id = pantau-collector-faults
keepalive = 10

[http]
listen = 127.0.0.1:$HTTP_PORT
EOF
	[ "$CACHED" = 1 ] && printf '\n[rrd]\ncached = unix:%s\n' "$T/rrdcached.sock"
	[ $CUPS = 1 ] && printf '\n[cups]\nserver = %s\ninterval = 10\ntimeout = 2\nsite = %s\nmap = fq:printer-fc\n' \
		"$CUPS_SERVER" "$SITE"
} >"$T/collector.conf"
TOKEN=$("$CTL" -c "$T/collector.conf" token create faults --role admin) ||
	fail "pantauctl token create"
API="http://127.0.0.1:$HTTP_PORT/api/v1"

start_collector() {
	spawn collector "$COLLECTOR" -d -c "$T/collector.conf"
	COLLECTOR_PID=$SPAWNED
}
start_collector
wait_for 20 curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" ||
	fail "the collector did not start"

# ---- the agents
i=1
while [ $i -le "$NAGENTS" ]; do
	cat >"$T/agent-$i.conf" <<EOF
[agent]
site = $SITE
device = pc-0$i
interval = 1
spool_dir = $AGENTFS/pc-0$i
log_level = info

[mqtt]
host = 127.0.0.1
port = $MQTT_PORT
keepalive = 5
reconnect_max = 2
EOF
	i=$((i + 1))
done
start_agent() {
	spawn "agent-$1" "$AGENT" -d -c "$T/agent-$1.conf" --root "$ROOT"
	eval "AGENT_PID_$1=$SPAWNED"
}
agent_pid() { eval "echo \${AGENT_PID_$1:-}"; }
i=1
while [ $i -le "$NAGENTS" ]; do start_agent $i; i=$((i + 1)); done
# every series exists before the first fault (its file is where the
# ballast must not go)
wait_for 60 sh -c "[ \$(find '$DATA/rrd' -name '*.rrd' 2>/dev/null | wc -l) -ge $((NAGENTS * 21)) ]" ||
	fail "the collector did not create the RRD files"

# ---- what the API is asked to change: one ticket, one asset per agent
api() { # METHOD PATH JSON: prints the HTTP status
	curl -s -o /dev/null -w '%{http_code}' -m 5 -X "$1" \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    --data "$3" "$API$2" 2>/dev/null
}
TICKET=$(curl -sf -m 5 -X POST -H "Authorization: Bearer $TOKEN" \
	-H 'Content-Type: application/json' "$API/tickets" \
	--data "{\"title\":\"fault campaign\",\"site\":\"$SITE\"}" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])') ||
	fail "cannot open the ticket"
i=1
while [ $i -le "$NAGENTS" ]; do
	# (a busy database answers 500: try again)
	k=0
	until s=$(api POST /assets "{\"tag\":\"FC-0$i\",\"name\":\"PC $i\",\"type\":\"pc\",\"site\":\"$SITE\",\"funding\":\"APBD Provinsi\",\"budget_year\":2025,\"price_idr\":5000000,\"condition\":\"B\"}")
	    [ "$s" = 201 ] || [ "$s" = 409 ]; do
		k=$((k + 1))
		[ $k -lt 10 ] || fail "cannot create asset FC-0$i: HTTP $s"
		sleep 1
	done
	i=$((i + 1))
done

# One change every CHANGE_MS, a print job every tenth; "KIND ID STATUS"
# lines in changes.log (STATUS: the HTTP status, or lp's exit).
changes_loop() {
	n=0
	while :; do
		n=$((n + 1))
		if [ $((n % 2)) = 0 ]; then
			s=$(api PATCH "/tickets/$TICKET" "{\"note\":\"fc-note-$n\"}")
			echo "note fc-note-$n ${s:-000} $(date +%s)"
		else
			a=$(( (n / 2) % NAGENTS + 1 ))
			s=$(api PATCH "/assets/FC-0$a" "{\"room\":\"fc-room-$n\"}")
			echo "asset FC-0$a fc-room-$n ${s:-000} $(date +%s)"
		fi
		if [ $CUPS = 1 ] && [ $((n % 10)) = 0 ]; then
			if id=$(lp -h "$CUPS_SERVER" -d fq -t "fc-job-$n" \
			    "$T/job.txt" 2>/dev/null); then
				echo "job $(echo "$id" | sed -n 's/.*fq-\([0-9]*\).*/\1/p') ok"
			else
				echo "job - fail"
			fi
		fi
		sleep "$(awk -v m="$CHANGE_MS" 'BEGIN { print m / 1000 }')"
	done >>"$T/changes.log" 2>/dev/null
}
changes_loop &
CHANGES_PID=$!
PIDS="$PIDS $CHANGES_PID"

# ---- the faults
K_AGENT=0 K_BROKER=0 K_COLLECTOR=0 K_CUPS=0 K_AGENTDISK=0 K_DATADISK=0
EXITS=0
END=$(($(now_ms) + MINUTES * 60000))
next_kill=$(($(now_ms) + $(rnd 1000 4000)))
next_out=$(($(now_ms) + $(rnd 2000 6000)))
kill_undo=  kill_at=0
out_undo=   out_at=0
OUTAGES="cups agentdisk datadisk"
[ $CUPS = 1 ] || OUTAGES="agentdisk datadisk"
[ $MOUNT = 1 ] || OUTAGES=$(echo "$OUTAGES" | sed 's/agentdisk datadisk//')
note "fault campaign: $MINUTES min, $NAGENTS agents, seed $SEED, rrd $([ "$CACHED" = 1 ] && echo rrdcached || echo direct), outages: ${OUTAGES:-none}"
[ $MOUNT = 1 ] || note "no disk-full faults: cannot mount a tmpfs here (not root?)"

# A daemon that is not running and not meant to be down: count, restart.
supervise() {
	if [ "$kill_undo" != broker ] && ! alive "$BROKER_PID"; then
		EXITS=$((EXITS + 1)); note "broker exited by itself"; start_broker
	fi
	if [ "$kill_undo" != collector ] && ! alive "$COLLECTOR_PID"; then
		EXITS=$((EXITS + 1)); note "collector exited by itself"
		start_collector
	fi
	if [ $CUPS = 1 ] && [ "$out_undo" != cups ] && ! alive "$CUPSD_PID"; then
		EXITS=$((EXITS + 1)); note "cupsd exited by itself"; cups_start
	fi
	j=1
	while [ $j -le "$NAGENTS" ]; do
		if [ "$kill_undo" != "agent $j" ] && ! alive "$(agent_pid $j)"; then
			EXITS=$((EXITS + 1)); note "agent $j exited by itself"
			start_agent $j
		fi
		j=$((j + 1))
	done
}

undo_kill() {
	case "$kill_undo" in
	broker) start_broker ;;
	collector) start_collector ;;
	"agent "*) start_agent "${kill_undo#agent }" ;;
	esac
	kill_undo=
}
undo_out() {
	case "$out_undo" in
	cups) cups_start ;;
	agentdisk) fs_free "$AGENTFS" ;;
	datadisk) fs_free "$DATAFS" ;;
	esac
	out_undo=
}

while [ "$(now_ms)" -lt "$END" ]; do
	t=$(now_ms)
	if [ -n "$kill_undo" ] && [ "$t" -ge "$kill_at" ]; then
		undo_kill
		next_kill=$((t + $(rnd 2000 8000)))
	fi
	if [ -n "$out_undo" ] && [ "$t" -ge "$out_at" ]; then
		undo_out
		next_out=$((t + $(rnd 3000 12000)))
	fi
	if [ -z "$kill_undo" ] && [ "$t" -ge "$next_kill" ]; then
		case $(rnd 0 2) in
		0) a=$(rnd 1 "$NAGENTS"); stop "$(agent_pid $a)" KILL
		   kill_undo="agent $a"; K_AGENT=$((K_AGENT + 1)) ;;
		1) stop "$BROKER_PID" KILL; kill_undo=broker
		   K_BROKER=$((K_BROKER + 1)) ;;
		2) stop "$COLLECTOR_PID" KILL; kill_undo=collector
		   K_COLLECTOR=$((K_COLLECTOR + 1)) ;;
		esac
		kill_at=$((t + $(rnd 1000 4000)))
	fi
	if [ -z "$out_undo" ] && [ -n "$OUTAGES" ] && [ "$t" -ge "$next_out" ]; then
		set -- $OUTAGES
		shift "$(rnd 0 $(($# - 1)))"
		case $1 in
		cups) cups_stop; K_CUPS=$((K_CUPS + 1)); d=$(rnd 3000 10000) ;;
		agentdisk) fs_fill "$AGENTFS"; K_AGENTDISK=$((K_AGENTDISK + 1))
		   d=$(rnd 5000 15000) ;;
		datadisk) fs_fill "$DATAFS"; K_DATADISK=$((K_DATADISK + 1))
		   d=$(rnd 5000 15000) ;;
		esac
		out_undo=$1
		out_at=$((t + d))
	fi
	supervise
	sleep 0.2
done

# ---- undo everything, let the system settle
[ -n "$kill_undo" ] && undo_kill
[ -n "$out_undo" ] && undo_out
stop "$CHANGES_PID" TERM
supervise
note "faults over; settling"
wait_for 60 curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" ||
	fail "the collector is not answering"
sleep 10
i=1
while [ $i -le "$NAGENTS" ]; do stop "$(agent_pid $i)" TERM; i=$((i + 1)); done
# the collector has every round the broker got, when last_seq is the
# audit's newest seq for each agent
caught_up() {
	python3 - "$T/audit.log" "$SITE" "$DATA/pantau.db" "$NAGENTS" <<'EOF'
import json, sqlite3, sys
path, site, db, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
hi = {}
for line in open(path, errors="replace"):
    topic, _, payload = line.rstrip("\n").partition(" ")
    p = topic.split("/")
    if len(p) == 5 and p[2] == site and p[4] == "metrics":
        try:
            s = json.loads(payload)["seq"]
        except ValueError:
            continue
        hi[p[3]] = max(hi.get(p[3], 0), s)
c = sqlite3.connect(db, timeout=5)
for d, s in hi.items():
    r = c.execute("SELECT last_seq FROM devices WHERE name = ?", (d,)).fetchone()
    if r is None or r[0] != s:
        sys.exit(1)
sys.exit(0 if len(hi) == n else 1)
EOF
}
wait_for 120 caught_up || note "the collector did not catch up with the broker"
sleep 2
curl -sf -m 5 -H "Authorization: Bearer $TOKEN" \
	"http://127.0.0.1:$HTTP_PORT/metrics" >"$T/metrics.last" 2>/dev/null
stop "$COLLECTOR_PID" TERM
[ -n "$RRDC_PID" ] && stop "$RRDC_PID" TERM
stop "$AUDIT_PID" TERM

# ---- the figures
devs=
i=1
while [ $i -le "$NAGENTS" ]; do devs="$devs pc-0$i"; i=$((i + 1)); done
python3 "$top/bench/faults/check.py" "$T/audit.log" "$DATA/rrd" "$SITE" \
	$devs >"$T/figures" || fail "check.py failed"
fig() { awk -v k="$1" '$1 == k { print $2 }' "$T/figures"; }
INTEGRITY=$(sqlite3 "$DATA/pantau.db" 'PRAGMA integrity_check' | tr '\n' ' ' | sed 's/ $//')
# acknowledged changes, looked up
python3 - "$T/changes.log" "$DATA/pantau.db" "$TICKET" >"$T/changes" <<'EOF'
import sqlite3, sys
log, db, ticket = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = sqlite3.connect(db)
n = dict(notes_acked=0, notes_found=0, notes_twice=0, notes_unacked_applied=0,
         assets_acked=0, assets_found=0, assets_unacked_applied=0,
         jobs_acked=0, jobs_found=0, jobs_failed=0)
for line in open(log):
    f = line.split()
    if f[0] == "note":
        k = c.execute("SELECT count(*) FROM ticket_notes WHERE ticket_id = ? "
                      "AND kind = 'note' AND text = ?", (ticket, f[1])).fetchone()[0]
        if f[2] == "200":
            n["notes_acked"] += 1
            n["notes_found"] += k >= 1
            n["notes_twice"] += k > 1
        elif k:
            n["notes_unacked_applied"] += 1
    elif f[0] == "asset":
        k = c.execute("SELECT count(*) FROM asset_history WHERE tag = ? AND "
                      "field = 'room' AND new = ?", (f[1], f[2])).fetchone()[0]
        if f[3] == "200":
            n["assets_acked"] += 1
            n["assets_found"] += k >= 1
        elif k:
            n["assets_unacked_applied"] += 1
    elif f[0] == "job":
        if f[2] != "ok":
            n["jobs_failed"] += 1
            continue
        n["jobs_acked"] += 1
        try:
            k = c.execute("SELECT count(*) FROM print_jobs WHERE job_id = ?",
                          (int(f[1]),)).fetchone()[0]
        except sqlite3.Error:
            k = 0
        n["jobs_found"] += k == 1
for k, v in n.items():
    print(k, v)
EOF
chg() { awk -v k="$1" '$1 == k { print $2 }' "$T/changes"; }
# the database, and the RRD files of samples found lost, outlive the
# tmpfs when the temp dir is kept
if [ "${KEEP_TMP:-0}" = 1 ]; then
	cp -a "$DATA"/pantau.db* "$T/"
	for f in $(sed -n 's/^lost_files //p' "$T/figures"); do
		mkdir -p "$T/lost-rrd/$(dirname "$f")"
		cp -a "$DATA/rrd/$f" "$T/lost-rrd/$f"
	done
fi

cat <<EOF
# ---- fault campaign: $MINUTES min, $NAGENTS agents, seed $SEED
# faults: agent kills $K_AGENT, broker kills $K_BROKER, collector kills $K_COLLECTOR, cups stops $K_CUPS, agent disk full $K_AGENTDISK, data disk full $K_DATADISK; daemons that exited by themselves $EXITS
# rounds published $(fig published_rounds) ($(fig published_samples) samples); dropped by the agents for a full spool disk, counted $(fig dropped_counted) rounds; never reached the broker $(fig never_at_broker)
# samples stored $(fig stored) (of which $(fig stored_after_gap) right after an agent outage), lost $(fig lost), duplicated $(fig duplicated), unverifiable $(fig unverifiable); redeliveries seen by the audit subscriber $(fig redelivered)
# database integrity_check: $INTEGRITY
# ticket notes acknowledged $(chg notes_acked), found $(chg notes_found) (twice: $(chg notes_twice)); asset edits acknowledged $(chg assets_acked), found $(chg assets_found); applied without an answer: $(chg notes_unacked_applied) notes, $(chg assets_unacked_applied) edits
# print jobs acknowledged $(chg jobs_acked), found once $(chg jobs_found) (lp refused $(chg jobs_failed) while cupsd was down)
EOF
grep '^lost_examples' "$T/figures" | sed 's/^/# /'
awk '$1 == "pantau_rrd_errors_total" || $1 == "pantau_samples_skipped_total" ||
	$1 == "pantau_disk_full_hits_total" { print "# collector at the end: " $1 " " $2 }' \
	"$T/metrics.last" 2>/dev/null
grep -h 'disk.* is full\|space is back' "$T"/agent-*.log "$T/collector.log" 2>/dev/null |
	wc -l | sed 's/^/# log lines about full disks (all daemons, all episodes): /'
R() { printf 'RESULT\tfaults\t%s\t%s\t-\t0\t%s\t%s\n' "$1" "$2" "$3" "$4"; }
R "samples published" "$(fig published_samples)" samples ""
R "samples stored" "$(fig stored)" samples "= published"
R "samples lost" "$(fig lost)" samples 0
R "samples duplicated" "$(fig duplicated)" samples 0
R "changes acked, not found" $(( $(chg notes_acked) - $(chg notes_found) + $(chg assets_acked) - $(chg assets_found) )) changes 0
R "kills (agent+broker+collector)" $((K_AGENT + K_BROKER + K_COLLECTOR)) kills ""
R "disk-full episodes" $((K_AGENTDISK + K_DATADISK)) episodes ""
