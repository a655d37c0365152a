/* report_assets.c: the assets report (report.h). */
#include "config.h"

#include "collector/report.h"

int
report_build_assets(struct report *r, sqlite3 *h, char *err, size_t errsz)
{
	(void)r;
	(void)h;
	snprintf(err, errsz, "report assets: not written yet");
	return -1;
}
