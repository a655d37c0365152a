#!/bin/sh
# 71-cups-restart: CUPS goes away while the poller runs.  The poller keeps
# running, logs the outage once (not once per poll) and the return once,
# and catches up every job that was printed while it could not see CUPS.
#
# While "down" for the poller, cupsd runs on its socket only: jobs still
# print (submitted over the socket), exactly what a poller behind a dead
# network link or a restarting scheduler misses.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/cups-lib.sh"

cups_setup
cups_start
lpadmin -p psq -E -v file:///dev/null -m drv:///sample.drv/generic.ppd \
	2>/dev/null || fail "lpadmin psq"
cups_pdf "$T/p1.pdf" 1
cups_pdf "$T/p2.pdf" 2
cups_pdf "$T/p3.pdf" 3
lp -d psq -U alice "$T/p1.pdf" >/dev/null || fail "lp 1"		# 1
cups_wait_idle 60

cat >"$T/collector.conf" <<EOF
[cups]
server = $CUPS_SERVER
site = asriloka
map = psq:printer-lobby
EOF
spawn poller sh -c "exec '$POLL_TOOL' poll -c '$T/collector.conf' \
	-d '$T/pantau.db' -r 0 -t 120 -i 1 >'$T/msgs' 2>'$T/poll.log'"
POLLER_PID=$SPAWNED
jobs_in_db() {
	[ "$(sqlite3 "$T/pantau.db" 'SELECT count(*) FROM print_jobs' \
		2>/dev/null)" = "$1" ]
}
wait_for 20 jobs_in_db 1 || fail "first job not stored"

# Down: the poller fails several rounds (interval 1 s).
cups_stop
sleep 3
cups_start socket
sock="$CUPS_DIR/cups.sock"
CUPS_SERVER=$sock lp -d psq -U bob -n 2 "$T/p3.pdf" >/dev/null || fail "lp 2"	# 6
CUPS_SERVER=$sock lp -d psq -U carol "$T/p2.pdf" >/dev/null || fail "lp 3"	# 2
cups_wait_idle 60
sleep 2
kill -0 "$POLLER_PID" 2>/dev/null || fail "the poller died while CUPS was down"
jobs_in_db 1 || fail "the poller saw jobs it could not reach"

# Back on TCP: all caught up.
cups_stop
cups_start
wait_for 20 jobs_in_db 3 || fail "jobs not caught up: $(sqlite3 "$T/pantau.db" \
	'SELECT job_id FROM print_jobs')"
kill -0 "$POLLER_PID" 2>/dev/null || fail "the poller died"

got=$(sqlite3 "$T/pantau.db" "SELECT user, sum(pages) FROM print_jobs
	GROUP BY user ORDER BY user")
want="alice|1
bob|6
carol|2"
[ "$got" = "$want" ] || fail "pages per user: $got"

down=$(grep -c 'not reachable' "$T/poll.log")
back=$(grep -c 'reachable again' "$T/poll.log")
[ "$down" -eq 1 ] || fail "outage logged $down times: $(cat "$T/poll.log")"
[ "$back" -eq 1 ] || fail "return logged $back times: $(cat "$T/poll.log")"
state=$(sqlite3 "$T/pantau.db" "SELECT state FROM cups_servers")
[ "$state" = up ] || fail "server state $state"

# A CUPS that loses its job history (ids start again at 1) is handled by
# cups_store_restarted() and tested in check_cups_store; end to end it is
# only detected when the first poll after the restart already sees a job
# (a known race: docs/printing.md, "Known limits"), so it is not asserted
# here until that is fixed.
stop "$POLLER_PID"
pass "outage logged once, poller kept running, all jobs caught up"
