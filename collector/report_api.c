/*
 * report_api.c: GET /api/v1/reports/:name (DESIGN.md section 8,
 * docs/api.md): format=json|csv|pdf, site=, from=, to=, lang=id|en,
 * table= (CSV).  The work is report_api() (report_cli.c); this is the
 * HTTP glue, kept apart so the report library is usable without it.
 */
#include "config.h"

#include <stdlib.h>

#include "collector/api.h"
#include "collector/http.h"
#include "collector/report.h"

int
api_report(struct http_req *req)
{
	const char *ctype = NULL;
	unsigned status = 500;
	char err[512], *body;
	size_t len = 0;
	int rc;

	body =
	    report_api(http_req_db_path(req), http_req_param(req, 0),
	               http_req_arg(req, "format"), http_req_arg(req, "table"),
	               http_req_arg(req, "site"), http_req_arg(req, "from"),
	               http_req_arg(req, "to"), http_req_arg(req, "lang"), &len,
	               &ctype, &status, err, sizeof(err));
	if (body == NULL)
		return http_reply_error(req, status, err);
	rc = http_reply_text(req, 200, ctype, body, len);
	free(body);
	return rc;
}
