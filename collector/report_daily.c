/* report_daily.c: the daily report (report.h). */
#include "config.h"

#include "collector/report.h"

int
report_build_daily(struct report *r, sqlite3 *h, char *err, size_t errsz)
{
	(void)r;
	(void)h;
	snprintf(err, errsz, "report daily: not written yet");
	return -1;
}
