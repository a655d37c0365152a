/*
 * pc_users.c: who is logged in, and for how long, from utmp.
 *
 * The file ROOT/var/run/utmp is read as an array of struct utmpx (the
 * layout glibc writes on this architecture, 384 bytes on x86-64) rather
 * than through getutxent(), which could only read the live system's file.
 * A session is a USER_PROCESS record with a user name; on the live system
 * a record whose process is gone (a crashed session manager leaves them)
 * is not counted.
 *
 * usage.session_seconds is what the telecenter's daily report calls use of
 * the facility: seconds during which at least one session was open, summed
 * by the agent round by round.  For each round it adds the time since the
 * later of the previous round and the earliest login still open, so a
 * session that started between rounds counts from its login, not from the
 * round.  It starts at 0 when the agent starts (the collector treats the
 * restart like any counter reset); a session that ended between two rounds
 * loses at most the part of one interval after the previous round.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <utmpx.h>

#include "agent/pc_priv.h"

/* utmp is at most a few dozen records; bigger files are not utmp. */
#define PC_UTMP_MAX (256 * sizeof(struct utmpx))

int
pc_users_sample(struct pc *pc, int64_t ts, struct wire_metrics *m)
{
	struct utmpx u;
	int64_t first = -1, from;
	bool live = strcmp(pc->root, "/") == 0;
	unsigned sessions = 0;
	ssize_t len;
	size_t off;

	len = pc_src_read(pc, PC_SRC_UTMP, PC_UTMP_MAX);
	/*
	 * utmp is rewritten in place but may be recreated at boot: do not
	 * keep a descriptor to a file that could be replaced.
	 */
	if (pc->src[PC_SRC_UTMP].fd >= 0) {
		close(pc->src[PC_SRC_UTMP].fd);
		pc->src[PC_SRC_UTMP].fd = -1;
	}
	if (len < 0)
		return 0;
	for (off = 0; off + sizeof(u) <= (size_t)len; off += sizeof(u)) {
		memcpy(&u, pc->buf + off, sizeof(u));
		if (u.ut_type != USER_PROCESS || u.ut_user[0] == '\0')
			continue;
		if (live && u.ut_pid > 0 && kill(u.ut_pid, 0) < 0 &&
		    errno == ESRCH)
			continue;
		sessions++;
		if (first < 0 || (int64_t)u.ut_tv.tv_sec < first)
			first = (int64_t)u.ut_tv.tv_sec;
	}

	if (pc->users_have && sessions > 0 && ts > pc->users_prev_ts) {
		from = first > pc->users_prev_ts ? first : pc->users_prev_ts;
		if (from < ts)
			pc->users_seconds += (double)(ts - from);
	}
	pc->users_have = true;
	pc->users_prev_ts = ts;
	if (pc_add(m, 0, "users.sessions", sessions) < 0 ||
	    pc_add(m, 1, "usage.session_seconds", pc->users_seconds) < 0)
		return -1;
	return 0;
}
