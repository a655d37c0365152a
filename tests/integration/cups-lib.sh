# tests/integration/cups-lib.sh: a real cupsd for the 7x-cups-*.sh tests.
#
# Source after lib.sh.  The scheduler runs unprivileged in the foreground
# with its own configuration under $T/cups (docs: domain reference 10.5),
# listening on 127.0.0.1:$CUPS_PORT and on $T/cups/cups.sock; as root it is
# started as nobody.  It is stopped by PID like every spawned peer.
#
#   cups_setup [EXTRA-CUPSD-CONF]   write the configuration, pick the port
#   cups_start [socket]             start it (with "socket": the socket only,
#                                   so a TCP client sees it down); waits
#   cups_stop                       stop it (its state stays in $T/cups)
#   cups_wait_idle SECS             wait until no job is pending
#   cups_pdf FILE PAGES             a PDF with PAGES blank pages
#   poll_tool ARGS...               tests/tools/cups-poll-tool
command -v cupsd >/dev/null 2>&1 || [ -x /usr/sbin/cupsd ] || {
	echo "SKIP: cupsd not installed"; exit 77; }
command -v gs >/dev/null 2>&1 || { echo "SKIP: ghostscript not installed"; exit 77; }
CUPSD=${CUPSD:-/usr/sbin/cupsd}
CUPS_DIR="$T/cups"
POLL_TOOL="$top_builddir/tests/tools/cups-poll-tool"
# Days and months of the report in a fixed zone.
TZ=UTC
export TZ

poll_tool() { "$POLL_TOOL" "$@"; }

cups_setup() {
	mkdir -p "$CUPS_DIR/spool" "$CUPS_DIR/cache" "$CUPS_DIR/state" \
		"$CUPS_DIR/tmp" "$CUPS_DIR/log" "$CUPS_DIR/ssl"
	CUPS_PORT=$(free_port)
	CUPS_SERVER="127.0.0.1:$CUPS_PORT"
	export CUPS_SERVER
	cat >"$CUPS_DIR/cups-files.conf" <<EOF
ServerRoot $CUPS_DIR
RequestRoot $CUPS_DIR/spool
CacheDir $CUPS_DIR/cache
StateDir $CUPS_DIR/state
TempDir $CUPS_DIR/tmp
ServerBin /usr/lib/cups
DataDir /usr/share/cups
ErrorLog $CUPS_DIR/log/error_log
AccessLog $CUPS_DIR/log/access_log
PageLog $CUPS_DIR/log/page_log
ServerKeychain $CUPS_DIR/ssl
FileDevice Yes
Printcap $CUPS_DIR/printcap
User nobody
Group nogroup
SystemGroup nogroup
EOF
	cat >"$CUPS_DIR/cupsd.base" <<EOF
LogLevel info
DirtyCleanInterval 0
MaxLogSize 0
WebInterface No
Browsing No
DefaultAuthType Basic
PreserveJobHistory Yes
PreserveJobFiles No
${1:-MaxJobs 500}
<Location />
  Order allow,deny
  Allow 127.0.0.1
</Location>
<Location /admin>
  Order allow,deny
  Allow 127.0.0.1
</Location>
<Policy default>
  JobPrivateAccess default
  JobPrivateValues none
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
EOF
}

cups_start() {
	{
		[ "${1:-}" = socket ] || echo "Listen 127.0.0.1:$CUPS_PORT"
		echo "Listen $CUPS_DIR/cups.sock"
		cat "$CUPS_DIR/cupsd.base"
	} >"$CUPS_DIR/cupsd.conf"
	if [ "$(id -u)" -eq 0 ]; then
		chown -R nobody "$CUPS_DIR"
		spawn cupsd runuser -u nobody -- "$CUPSD" -f \
			-c "$CUPS_DIR/cupsd.conf" -s "$CUPS_DIR/cups-files.conf"
	else
		spawn cupsd "$CUPSD" -f -c "$CUPS_DIR/cupsd.conf" \
			-s "$CUPS_DIR/cups-files.conf"
	fi
	CUPSD_PID=$SPAWNED
	# lpstat -r exits 0 also when it says "scheduler is not running"
	wait_for 20 sh -c "CUPS_SERVER='$CUPS_DIR/cups.sock' lpstat -r | \
		grep -q '^scheduler is running'" || fail "cupsd did not start"
}

cups_stop() {
	stop "$CUPSD_PID"
}

cups_wait_idle() {
	wait_for "$1" sh -c \
		'[ -z "$(CUPS_SERVER='"$CUPS_DIR"'/cups.sock lpstat -W not-completed -o)" ]' \
		|| fail "jobs did not finish: $(CUPS_SERVER="$CUPS_DIR/cups.sock" lpstat -W not-completed -o)"
}

cups_pdf() {
	ps=""
	i=0
	while [ $i -lt "$2" ]; do ps="$ps showpage"; i=$((i + 1)); done
	gs -q -sDEVICE=pdfwrite -o "$1" -c "$ps" || fail "gs failed"
}
