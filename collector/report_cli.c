/*
 * report_cli.c: the ways in to the reports (report.h): `pantauctl report
 * NAME ...` and GET /api/v1/reports/:name.  Both parse their arguments
 * with report_opts_parse() and call report_write_path(), so the command
 * line and the API give the same bytes for the same question.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/report.h"

static void
report_cli_usage(void)
{
	fprintf(stderr,
	        "usage: pantauctl report NAME [--site S] [--from YYYY-MM-DD] "
	        "[--to YYYY-MM-DD]\n"
	        "                 [--format csv|pdf|json] [--lang id|en] "
	        "[--table T] [--bom] [-o FILE]\n"
	        "  NAME: assets, print-volume, maintenance, availability, "
	        "daily\n");
}

int
report_cli(const char *db_path, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"site", required_argument, NULL, 's'},
	    {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 't'},
	    {"format", required_argument, NULL, 'F'},
	    {"lang", required_argument, NULL, 'L'},
	    {"table", required_argument, NULL, 'T'},
	    {"bom", no_argument, NULL, 'B'},
	    {"output", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	const char *site = NULL, *from = NULL, *to = NULL, *format = NULL;
	const char *lang = NULL, *table = NULL, *outpath = NULL;
	struct report_opts o;
	char err[512];
	FILE *out = stdout;
	int ch, rc, bom = 0;

	if (argc < 2 || argv[1][0] == '-') {
		report_cli_usage();
		return 2;
	}
	optind = 0; /* GNU getopt: start over; argv[1] is the name */
	while ((ch = getopt_long(argc - 1, argv + 1, "o:", longopts, NULL)) !=
	       -1) {
		switch (ch) {
		case 's':
			site = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'F':
			format = optarg;
			break;
		case 'L':
			lang = optarg;
			break;
		case 'T':
			table = optarg;
			break;
		case 'B':
			bom = 1;
			break;
		case 'o':
			outpath = optarg;
			break;
		default:
			report_cli_usage();
			return 2;
		}
	}
	if (optind != argc - 1) {
		report_cli_usage();
		return 2;
	}
	if (report_opts_parse(&o, argv[1], site, from, to, format, lang, err,
	                      sizeof(err)) == -1) {
		fprintf(stderr, "pantauctl: %s\n", err);
		return 2;
	}
	o.table = table;
	o.bom = bom;
	o.progress = isatty(STDERR_FILENO);
	if (outpath != NULL && (out = fopen(outpath, "w")) == NULL) {
		fprintf(stderr, "pantauctl: %s: %s\n", outpath,
		        strerror(errno));
		return 1;
	}
	rc = report_write_path(db_path, &o, out, err, sizeof(err));
	report_pdf_release();
	if (out != stdout && fclose(out) != 0 && rc == 0) {
		snprintf(err, sizeof(err), "%s: %s", outpath, strerror(errno));
		rc = 1;
	}
	if (rc != 0) {
		fprintf(stderr, "pantauctl: %s\n", err);
		if (outpath != NULL)
			unlink(outpath);
	}
	return rc;
}

char *
report_api(const char *db_path, const char *name, const char *format,
           const char *table, const char *site, const char *from,
           const char *to, const char *lang, size_t *len,
           const char **content_type, unsigned *status, char *err, size_t errsz)
{
	struct report_opts o;
	char *text = NULL;
	FILE *m;
	int rc;

	if (report_opts_parse(&o, name, site, from, to, format, lang, err,
	                      errsz) == -1) {
		*status =
		    name == NULL || strncmp(err, "unknown report", 14) == 0
		        ? 404
		        : 400;
		return NULL;
	}
	o.table = table;
	if ((m = open_memstream(&text, len)) == NULL) {
		snprintf(err, errsz, "out of memory");
		*status = 500;
		return NULL;
	}
	rc = report_write_path(db_path, &o, m, err, errsz);
	if (fclose(m) != 0 && rc == 0) {
		snprintf(err, errsz, "out of memory");
		rc = 1;
	}
	if (rc != 0) {
		free(text);
		*status = rc == 2 ? 400 : 500;
		return NULL;
	}
	*content_type = o.format == REPORT_CSV   ? "text/csv; charset=utf-8"
	                : o.format == REPORT_PDF ? "application/pdf"
	                                         : "application/json";
	return text;
}
