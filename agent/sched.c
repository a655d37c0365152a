/*
 * sched.c: when the next sampling round is due.
 *
 * Rounds fall on multiples of the interval in Unix time; the wait for them
 * is measured on the monotonic clock.  Each round recomputes the next one
 * from the wall clock of that moment, so there is no accumulated drift, a
 * wall clock stepped by NTP is followed at the next round, and a PC waking
 * from suspend skips the rounds it slept through instead of firing them all.
 */
#include "config.h"

#include "agent/agent.h"
#include "common/timeutil.h"

/* Plans the round after 'real_ms' (wall clock) as a monotonic deadline. */
static void
sched_plan(struct sched *s, int64_t real_ms, int64_t mono_ms)
{
	int64_t next = time_next_round(real_ms / 1000, s->interval);

	/*
	 * Monotonic and wall clocks run at slightly different rates (NTP
	 * slews the latter), so a round may fire a few milliseconds before
	 * its wall-clock instant.  Never plan the same instant twice; a
	 * real backward step of the clock (next well below last_ts) is
	 * followed.
	 */
	if (next == s->last_ts)
		next += s->interval;
	s->due_ts = next;
	s->due_mono = mono_ms + (next * 1000 - real_ms);
}

void
sched_init(struct sched *s, unsigned interval, int64_t real_ms, int64_t mono_ms)
{
	s->interval = interval > 0 ? interval : 1;
	s->last_ts = 0;
	sched_plan(s, real_ms, mono_ms);
}

int64_t
sched_timeout(const struct sched *s, int64_t mono_ms)
{
	return s->due_mono > mono_ms ? s->due_mono - mono_ms : 0;
}

bool
sched_due(struct sched *s, int64_t real_ms, int64_t mono_ms, int64_t *ts)
{
	if (mono_ms < s->due_mono)
		return false;
	*ts = s->due_ts;
	s->last_ts = s->due_ts;
	sched_plan(s, real_ms, mono_ms);
	return true;
}
