#!/bin/sh
# 72-cups-history: a history of 10,000 completed jobs is imported in one
# poll, incrementally (pages of 500, cupsd's cap), then later polls fetch
# only new jobs; jobs CUPS forgot between two polls raise the rollover
# warning with the missing range.
#
# Printing 10,000 real jobs takes minutes (each runs filters and a
# backend), so the history is what cupsd itself would have on disk: one
# job control file per completed job (RequestRoot/cNNNNN, IPP attributes as
# cupsd writes them) for a real queue, loaded by a real cupsd at start.
# Jobs after it are printed for real.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/cups-lib.sh"

N=10000
cups_setup "MaxJobs 0"
cups_start
lpadmin -p psq -E -v file:///dev/null -m drv:///sample.drv/generic.ppd \
	2>/dev/null || fail "lpadmin psq"
cups_stop
t0=$(date +%s)
poll_tool history "$CUPS_DIR/spool" \
	"ipp://localhost:$CUPS_PORT/printers/psq" 1 $N || fail "history"
rm -f "$CUPS_DIR/cache/job.cache"	# make cupsd read the spool
cups_start
t1=$(date +%s)
note "wrote and loaded $N job files in $((t1 - t0)) s"

cat >"$T/collector.conf" <<EOF
[cups]
server = $CUPS_SERVER
site = asriloka
map = psq:printer-lobby
EOF
poll_tool poll -c "$T/collector.conf" -d "$T/pantau.db" -r 1 \
	>/dev/null 2>"$T/poll1.log" || fail "poll 1: $(cat "$T/poll1.log")"
t2=$(date +%s)
note "first poll imported the history in $((t2 - t1)) s"
# job k printed k % 7 + 1 pages (tests/tools/cups-poll-tool.c)
want=$(awk -v n=$N 'BEGIN { for (k = 1; k <= n; k++) s += k % 7 + 1;
	print n "|1|" n "|" s }')
got=$(sqlite3 "$T/pantau.db" "SELECT count(*), min(job_id), max(job_id),
	sum(pages) FROM print_jobs")
[ "$got" = "$want" ] || fail "history: got $got, want $want"
grep -q "connected (1 queues, $N jobs to store)" "$T/poll1.log" \
	|| fail "poll 1: $(cat "$T/poll1.log")"
grep -q 'rolled over' "$T/poll1.log" && fail "first poll warned of a rollover"

# Two new jobs: the next poll fetches exactly those.
cups_pdf "$T/p2.pdf" 2
lp -d psq -U alice "$T/p2.pdf" >/dev/null || fail "lp 1"
lp -d psq -U bob -n 2 "$T/p2.pdf" >/dev/null || fail "lp 2"
cups_wait_idle 60
poll_tool poll -c "$T/collector.conf" -d "$T/pantau.db" -r 1 \
	>/dev/null 2>"$T/poll2.log" || fail "poll 2"
t3=$(date +%s)
grep -q "connected (1 queues, 2 jobs to store)" "$T/poll2.log" \
	|| fail "poll 2 fetched more than the new jobs: $(cat "$T/poll2.log")"
got=$(sqlite3 "$T/pantau.db" "SELECT job_id, user, pages FROM print_jobs
	WHERE job_id > $N ORDER BY job_id")
[ "$got" = "$((N + 1))|alice|2
$((N + 2))|bob|4" ] || fail "new jobs: $got"
note "incremental poll in $((t3 - t2)) s (with printing)"

# Rollover: jobs N+3..N+10 exist, but CUPS forgot N+3..N+5 before the
# next poll (their files are gone, as MaxJobs would have purged them).
cups_stop
poll_tool history "$CUPS_DIR/spool" \
	"ipp://localhost:$CUPS_PORT/printers/psq" $((N + 3)) 8 || fail "history 2"
rm -f "$CUPS_DIR/spool/c$((N + 3))" "$CUPS_DIR/spool/c$((N + 4))" \
	"$CUPS_DIR/spool/c$((N + 5))" "$CUPS_DIR/cache/job.cache"
cups_start
poll_tool poll -c "$T/collector.conf" -d "$T/pantau.db" -r 1 \
	>/dev/null 2>"$T/poll3.log" || fail "poll 3"
grep -q "job history rolled over between polls: jobs $((N + 3))..$((N + 5)) were forgotten" \
	"$T/poll3.log" || fail "no rollover warning: $(cat "$T/poll3.log")"
[ "$(sqlite3 "$T/pantau.db" 'SELECT count(*) FROM print_jobs')" = $((N + 7)) ] \
	|| fail "after the rollover: wrong job count"
pass "$N jobs imported in $((t2 - t1)) s, then only new jobs; rollover warned"
