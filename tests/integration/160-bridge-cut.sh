#!/bin/sh
# 160-bridge-cut: a site broker bridged to the province broker with the
# configuration `pantauctl site bridge-config` prints (plain TCP on
# loopback), the collector on the province broker, an agent on the site
# broker publishing every second.  The province broker is stopped for 20 s
# (the bridge is cut; the agent goes on publishing to its site broker,
# which queues for the bridge) and started again.  Every seq must reach
# the province exactly once and in order, and the collector must store
# every message once (no sample skipped as a duplicate or out of order).
# bench/55-bridge-cut.sh runs the same for the 10 minutes.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"
. "$top_srcdir/tests/integration/agent-lib.sh"
. "$top_srcdir/tests/integration/bridge-lib.sh"

bridge_cut "${BRIDGE_CUT:-20}"
pass "bridge cut ${BRIDGE_CUT:-20} s: $BRIDGE_RESULT; nothing lost, none twice, in order"
