/* report_maint.c: the maintenance report (report.h). */
#include "config.h"

#include "collector/report.h"

int
report_build_maintenance(struct report *r, sqlite3 *h, char *err, size_t errsz)
{
	(void)r;
	(void)h;
	snprintf(err, errsz, "report maintenance: not written yet");
	return -1;
}
