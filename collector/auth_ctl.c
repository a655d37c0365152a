/*
 * auth_ctl.c: pantauctl user ... and token ... (auth_ctl.h).
 *
 *   user add NAME --role ROLE [--password-file FILE]
 *   user passwd NAME [--password-file FILE]
 *   user role NAME ROLE
 *   user disable NAME | user enable NAME
 *   user list
 *   token create NAME --role ROLE
 *   token revoke NAME
 *   token list
 *
 * Changes are written to the audit log with actor "system" (the command
 * line has no signed-in user; whoever can run it can read the database).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "collector/audit.h"
#include "collector/auth_ctl.h"
#include "collector/auth_token.h"
#include "collector/db.h"
#include "collector/user.h"
#include "common/timeutil.h"

#define AUTH_CTL_ACTOR "system"

/* The options every subcommand may take, and its positional arguments. */
struct auth_ctl_args {
	const char *role;
	const char *password_file;
	const char *pos[3];
	int npos;
};

static int
auth_ctl_parse(int argc, char **argv, struct auth_ctl_args *a)
{
	int i;

	memset(a, 0, sizeof *a);
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc) {
			a->role = argv[++i];
		} else if (strcmp(argv[i], "--password-file") == 0 &&
		           i + 1 < argc) {
			a->password_file = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "pantauctl: unknown option '%s'\n",
			        argv[i]);
			return -1;
		} else if (a->npos < 3) {
			a->pos[a->npos++] = argv[i];
		} else {
			return -1;
		}
	}
	return 0;
}

/* Reads one line from f into buf without its newline; 0 or -1. */
static int
auth_ctl_line(FILE *f, char *buf, size_t bufsz)
{
	size_t n;

	if (fgets(buf, (int)bufsz, f) == NULL)
		return -1;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (!feof(f))
		return -1; /* longer than the buffer */
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

/* Asks on the terminal with echo off. */
static int
auth_ctl_ask(const char *prompt, char *buf, size_t bufsz)
{
	struct termios old, quiet;
	int rc;

	fprintf(stderr, "%s", prompt);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) == -1)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	rc = auth_ctl_line(stdin, buf, bufsz);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fprintf(stderr, "\n");
	return rc;
}

/*
 * The new password: the first line of 'file', or of stdin; asked twice on
 * a terminal.  Checked against the length rules.  0, or -1 (said why).
 */
static int
auth_ctl_password(const char *file, char *buf, size_t bufsz)
{
	char again[AUTH_PASSWORD_MAX + 2], err[128];
	FILE *f;
	int rc;

	if (file != NULL) {
		if ((f = fopen(file, "re")) == NULL) {
			fprintf(stderr, "pantauctl: %s: %s\n", file,
			        strerror(errno));
			return -1;
		}
		rc = auth_ctl_line(f, buf, bufsz);
		fclose(f);
		if (rc == -1) {
			fprintf(stderr, "pantauctl: %s: no password line\n",
			        file);
			return -1;
		}
	} else if (isatty(STDIN_FILENO)) {
		if (auth_ctl_ask("New password: ", buf, bufsz) == -1 ||
		    auth_ctl_ask("Again: ", again, sizeof again) == -1) {
			fprintf(stderr, "pantauctl: no password read\n");
			return -1;
		}
		rc = strcmp(buf, again);
		explicit_bzero(again, sizeof again);
		if (rc != 0) {
			fprintf(stderr, "pantauctl: the passwords differ\n");
			return -1;
		}
	} else if (auth_ctl_line(stdin, buf, bufsz) == -1) {
		fprintf(stderr, "pantauctl: no password on stdin\n");
		return -1;
	}
	if (auth_password_check(buf, err, sizeof err) == -1) {
		fprintf(stderr, "pantauctl: %s\n", err);
		return -1;
	}
	return 0;
}

/*
 * Opens (creating and migrating) the database.  The data directory is
 * made when missing, so the first admin can be added before the collector
 * ever ran (the demo, a fresh install).
 */
static struct db *
auth_ctl_open(const char *db_path)
{
	char err[512], dir[4096], *slash;
	struct db *db;

	snprintf(dir, sizeof dir, "%s", db_path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) == -1 && errno != EEXIST) {
			fprintf(stderr, "pantauctl: %s: %s\n", dir,
			        strerror(errno));
			return NULL;
		}
	}
	if ((db = db_open(db_path, 0, err, sizeof err)) == NULL)
		fprintf(stderr, "pantauctl: %s\n", err);
	return db;
}

static int
auth_ctl_role(const char *s, unsigned *role)
{
	if (s == NULL || auth_role_parse(s, role) == -1) {
		fprintf(stderr,
		        "pantauctl: --role: admin, technician, secretary or "
		        "viewer\n");
		return -1;
	}
	return 0;
}

static int
auth_ctl_name(const char *s)
{
	if (!auth_name_valid(s)) {
		fprintf(stderr,
		        "pantauctl: bad name '%s': 1 to 32 of A-Z a-z 0-9 . _ "
		        "- starting with a letter or digit\n",
		        s ? s : "");
		return -1;
	}
	return 0;
}

static void
auth_ctl_audit(struct db *db, const char *action, const char *kind,
               const char *name, const char *detail)
{
	char obj[AUTH_NAME_MAX + 8];

	snprintf(obj, sizeof obj, "%s/%s", kind, name);
	audit_log(db, AUTH_CTL_ACTOR, action, obj, detail, time_now());
}

/* A user-level outcome as a message; returns the exit status. */
static int
auth_ctl_outcome(int rc, const char *name)
{
	switch (rc) {
	case USER_OK:
		return 0;
	case USER_EXISTS:
		fprintf(stderr, "pantauctl: '%s' exists already\n", name);
		return 1;
	case USER_NOT_FOUND:
		fprintf(stderr, "pantauctl: no user or token '%s'\n", name);
		return 1;
	case USER_LAST_ADMIN:
		fprintf(stderr,
		        "pantauctl: '%s' is the last enabled admin: make "
		        "another admin first\n",
		        name);
		return 1;
	default:
		fprintf(stderr, "pantauctl: database error (see above)\n");
		return 1;
	}
}

static void
auth_ctl_time(int64_t t, char *buf, size_t bufsz)
{
	if (t == 0 || time_format_iso(t, buf, bufsz) == NULL)
		snprintf(buf, bufsz, "-");
}

static int
auth_ctl_user_list(struct db *db)
{
	struct user *v;
	char when[32];
	size_t n, i;

	if (user_list(db, &v, &n) == -1)
		return 1;
	printf("%-20s %-11s %-9s %s\n", "NAME", "ROLE", "STATE",
	       "LAST SIGN-IN");
	for (i = 0; i < n; i++) {
		auth_ctl_time(v[i].last_login, when, sizeof when);
		printf("%-20s %-11s %-9s %s\n", v[i].name,
		       auth_role_name(v[i].role) ? auth_role_name(v[i].role)
		                                 : "?",
		       v[i].disabled ? "disabled" : "enabled", when);
	}
	free(v);
	return 0;
}

static int
auth_ctl_user_run(struct db *db, const char *verb, struct auth_ctl_args *a)
{
	char pw[AUTH_PASSWORD_MAX + 2], hash[AUTH_HASH_MAX + 1], detail[64];
	const char *name = a->pos[0];
	unsigned role = 0;
	int rc;

	if (strcmp(verb, "list") == 0)
		return a->npos == 0 ? auth_ctl_user_list(db) : 2;
	if (a->npos < 1 || auth_ctl_name(name) == -1)
		return 2;
	if (strcmp(verb, "add") == 0 || strcmp(verb, "passwd") == 0) {
		if (a->npos != 1 || (strcmp(verb, "add") == 0 &&
		                     auth_ctl_role(a->role, &role) == -1))
			return 2;
		rc = auth_ctl_password(a->password_file, pw, sizeof pw);
		if (rc == 0)
			rc = auth_password_hash(pw, 0, hash, sizeof hash);
		explicit_bzero(pw, sizeof pw);
		if (rc == -1)
			return 1;
		if (strcmp(verb, "add") == 0) {
			rc = user_add(db, name, role, hash, time_now());
			snprintf(detail, sizeof detail, "role %s; pantauctl",
			         a->role);
			if (rc == USER_OK)
				auth_ctl_audit(db, "user.create", "user", name,
				               detail);
		} else {
			rc = user_set_password(db, name, hash, time_now());
			if (rc == USER_OK)
				auth_ctl_audit(db, "user.update", "user", name,
				               "password changed; pantauctl");
		}
		return auth_ctl_outcome(rc, name);
	}
	if (strcmp(verb, "role") == 0) {
		if (a->npos != 2 || auth_ctl_role(a->pos[1], &role) == -1)
			return 2;
		rc = user_set_role(db, name, role, time_now());
		snprintf(detail, sizeof detail, "role %s; pantauctl",
		         a->pos[1]);
		if (rc == USER_OK)
			auth_ctl_audit(db, "user.update", "user", name, detail);
		return auth_ctl_outcome(rc, name);
	}
	if (strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0) {
		if (a->npos != 1)
			return 2;
		rc = user_set_disabled(db, name, verb[0] == 'd', time_now());
		if (rc == USER_OK)
			auth_ctl_audit(db, "user.update", "user", name,
			               verb[0] == 'd' ? "disabled; pantauctl"
			                              : "enabled; pantauctl");
		return auth_ctl_outcome(rc, name);
	}
	return 2;
}

int
auth_ctl_user(const char *db_path, int argc, char **argv)
{
	struct auth_ctl_args a;
	struct db *db;
	int rc;

	if (argc < 2 || auth_ctl_parse(argc - 2, argv + 2, &a) == -1)
		goto usage;
	if ((db = auth_ctl_open(db_path)) == NULL)
		return 1;
	rc = auth_ctl_user_run(db, argv[1], &a);
	db_close(db);
	if (rc != 2)
		return rc;
usage:
	fprintf(stderr,
	        "usage: pantauctl user add NAME --role ROLE "
	        "[--password-file FILE]\n"
	        "       pantauctl user passwd NAME [--password-file FILE]\n"
	        "       pantauctl user role NAME ROLE\n"
	        "       pantauctl user disable|enable NAME\n"
	        "       pantauctl user list\n"
	        "ROLE: admin, technician, secretary, viewer; the password is "
	        "read from\nstdin (asked twice on a terminal), never from "
	        "the command line\n");
	return 2;
}

static int
auth_ctl_token_list(struct db *db)
{
	struct auth_token *v;
	char created[32], used[32];
	size_t n, i;

	if (auth_token_list(db, &v, &n) == -1)
		return 1;
	printf("%-20s %-11s %-8s %-20s %s\n", "NAME", "ROLE", "STATE",
	       "CREATED", "LAST USED");
	for (i = 0; i < n; i++) {
		auth_ctl_time(v[i].created, created, sizeof created);
		auth_ctl_time(v[i].last_used, used, sizeof used);
		printf("%-20s %-11s %-8s %-20s %s\n", v[i].name,
		       auth_role_name(v[i].role) ? auth_role_name(v[i].role)
		                                 : "?",
		       v[i].revoked ? "revoked" : "valid", created, used);
	}
	free(v);
	return 0;
}

static int
auth_ctl_token_run(struct db *db, const char *verb, struct auth_ctl_args *a)
{
	char token[AUTH_TOKEN_LEN + 1], detail[64];
	const char *name = a->pos[0];
	unsigned role;
	int rc;

	if (strcmp(verb, "list") == 0)
		return a->npos == 0 ? auth_ctl_token_list(db) : 2;
	if (a->npos != 1 || auth_ctl_name(name) == -1)
		return 2;
	if (strcmp(verb, "create") == 0) {
		if (auth_ctl_role(a->role, &role) == -1)
			return 2;
		rc = auth_token_create(db, name, role, time_now(), token);
		if (rc != 0)
			return auth_ctl_outcome(rc, name);
		snprintf(detail, sizeof detail, "role %s; pantauctl", a->role);
		auth_ctl_audit(db, "token.create", "token", name, detail);
		printf("%s\n", token);
		fflush(stdout);
		explicit_bzero(token, sizeof token);
		if (isatty(STDOUT_FILENO))
			fprintf(stderr,
			        "pantauctl: keep this token now: only its "
			        "hash is stored, it cannot be shown again\n");
		return 0;
	}
	if (strcmp(verb, "revoke") == 0) {
		rc = auth_token_revoke(db, name, time_now());
		if (rc == 0)
			auth_ctl_audit(db, "token.revoke", "token", name,
			               "pantauctl");
		return auth_ctl_outcome(rc, name);
	}
	return 2;
}

int
auth_ctl_token(const char *db_path, int argc, char **argv)
{
	struct auth_ctl_args a;
	struct db *db;
	int rc;

	if (argc < 2 || auth_ctl_parse(argc - 2, argv + 2, &a) == -1)
		goto usage;
	if ((db = auth_ctl_open(db_path)) == NULL)
		return 1;
	rc = auth_ctl_token_run(db, argv[1], &a);
	db_close(db);
	if (rc != 2)
		return rc;
usage:
	fprintf(stderr, "usage: pantauctl token create NAME --role ROLE\n"
	                "       pantauctl token revoke NAME\n"
	                "       pantauctl token list\n");
	return 2;
}
