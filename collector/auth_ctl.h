/*
 * auth_ctl.h: pantauctl's "user" and "token" commands (pantauctl(8),
 * docs/auth.md).
 *
 * Each takes the database path and the arguments from the command name
 * on ("user", "add", "ani", "--role", "technician") and returns pantauctl's
 * exit status: 0 done, 1 failed, 2 usage error.  Messages go to stderr,
 * listings and the new token to stdout.  Passwords come from a file
 * (--password-file) or stdin, never from the command line; on a terminal
 * they are asked twice without echo.
 */
#ifndef PANTAU_COLLECTOR_AUTH_CTL_H
#define PANTAU_COLLECTOR_AUTH_CTL_H

int auth_ctl_user(const char *db_path, int argc, char **argv);
int auth_ctl_token(const char *db_path, int argc, char **argv);

#endif
