#!/bin/sh
# bench/55-bridge-cut.sh: the issue's real bridge cut (issue 13): a site
# broker bridged to the province broker with the configuration pantauctl
# site bridge-config prints, the collector on the province broker, an
# agent on the site broker publishing every second; the province broker
# is stopped for BRIDGE_CUT seconds (600, ten minutes) and started again.
# The checks are those of tests/integration/160-bridge-cut.sh (which cuts
# for 20 s): every seq crosses exactly once and in order, the collector
# receives each once, skips none (no duplicate, nothing out of order),
# and its last_seq is the agent's last.  Run it through bench/run:
#     bench/run _build 55-bridge-cut
# It prints RESULT lines (bench/run) and fails (no RESULT) on any loss.
set -u	# not -e: the test libraries end blocks with [ ] && ...
: "${top:?run through bench/run}" "${build:?run through bench/run}"
top_srcdir=$top
top_builddir=$build
. "$top/tests/integration/lib.sh"
. "$top/tests/integration/collector-lib.sh"
. "$top/tests/integration/agent-lib.sh"
. "$top/tests/integration/bridge-lib.sh"

CUT=${BRIDGE_CUT:-600}
t1=$(date +%s)
bridge_cut "$CUT"
note "bridge cut $CUT s: $BRIDGE_RESULT (whole run $(($(date +%s) - t1)) s)"
stored=${BRIDGE_RESULT%% *}
printf 'RESULT\tbridge-cut\tmessages stored once, in order, %s s cut\t%s\tpublished\t%s\tmessages\tall\n' \
	"$CUT" "$stored" "$stored"
printf 'RESULT\tbridge-cut\tqueued in the site broker\t%s\tmax_queued_messages\t5000\tmessages\tinfo\n' \
	"$(echo "$BRIDGE_RESULT" | sed 's/.*messages, \([0-9]*\) during.*/\1/')"
exit 0
