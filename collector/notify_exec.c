/*
 * notify_exec.c: the command targets.  The command's words from the
 * configuration are run directly (posix_spawn, never a shell), with the
 * message as JSON on stdin and as PANTAU_* environment variables, so no
 * value from a device is ever interpreted.  The command gets the target's
 * timeout; a late one is sent SIGTERM, then SIGKILL, with its whole
 * process group.  Its output is kept only to explain a failure in the log.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collector/notify_priv.h"
#include "common/timeutil.h"

#define NOTIFY_EXEC_PATH                                                       \
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"                       \
	"/usr/bin:/sbin:/bin"
#define NOTIFY_EXEC_OUT_MAX 400  /* bytes of output kept for the log */
#define NOTIFY_EXEC_KILL_MS 2000 /* from SIGTERM to SIGKILL */

/* "NAME=value" in a new string, or NULL. */
static char *
notify_env_var(const char *name, const char *value)
{
	size_t n = strlen(name) + strlen(value) + 2;
	char *s;

	if ((s = malloc(n)) != NULL)
		snprintf(s, n, "%s=%s", name, value);
	return s;
}

char **
notify_exec_env(const struct notify_item *it, const char *target, bool english)
{
	char num[3][32];
	const char *vars[][2] = {
	    {"PANTAU_TARGET", target},
	    {"PANTAU_EVENT", it->event},
	    {"PANTAU_SEVERITY", it->severity},
	    {"PANTAU_SITE", it->site},
	    {"PANTAU_DEVICE", it->device != NULL ? it->device : ""},
	    {"PANTAU_SUBJECT", notify_item_subject(it, english)},
	    {"PANTAU_TEXT", notify_item_text(it, english)},
	    {"PANTAU_LANGUAGE", english ? "en" : "id"},
	    {"PANTAU_TS", num[0]},
	    {"PANTAU_ALERT_ID", num[1]},
	    {"PANTAU_TICKET_ID", num[2]},
	    {"PANTAU_ATTACHMENTS", NULL},
	};
	size_t nvars = sizeof(vars) / sizeof(vars[0]), i, len = 1;
	char **env, *files;

	/* the paths, one per line (a path holds no control character) */
	for (i = 0; i < it->nattach; i++)
		len += strlen(it->attach[i]) + 1;
	if ((files = calloc(1, len)) == NULL)
		return NULL;
	for (i = 0; i < it->nattach; i++) {
		if (i > 0)
			strcat(files, "\n");
		strcat(files, it->attach[i]);
	}
	vars[nvars - 1][1] = files;

	snprintf(num[0], sizeof(num[0]), "%lld", (long long)it->ts);
	snprintf(num[1], sizeof(num[1]), "%lld", (long long)it->alert_id);
	snprintf(num[2], sizeof(num[2]), "%lld", (long long)it->ticket_id);
	if ((env = calloc(nvars + 3, sizeof(*env))) == NULL) {
		free(files);
		return NULL;
	}
	if ((env[0] = strdup(NOTIFY_EXEC_PATH)) == NULL ||
	    (env[1] = strdup("LANG=C.UTF-8")) == NULL)
		goto fail;
	for (i = 0; i < nvars; i++)
		if ((env[i + 2] = notify_env_var(vars[i][0], vars[i][1])) ==
		    NULL)
			goto fail;
	free(files);
	return env;

fail:
	free(files);
	notify_env_free(env);
	return NULL;
}

void
notify_env_free(char **env)
{
	size_t i;

	if (env == NULL)
		return;
	for (i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(env);
}

/*
 * Starts the command with stdin from in[0] and stdout and stderr to out[1],
 * in a process group of its own, every signal at its default, no other
 * descriptor open.  Returns the pid or -1 with errno.
 */
static pid_t
notify_exec_spawn(const struct notify_dest *d, char **env, int in[2],
                  int out[2])
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t all, none;
	char *argv[NOTIFY_LIST_MAX + 1];
	pid_t pid = -1;
	size_t i;
	int r;

	for (i = 0; i < d->t.nargv; i++)
		argv[i] = (char *)(uintptr_t)d->t.argv[i];
	argv[i] = NULL;
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, out[1], 2);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
	                                    POSIX_SPAWN_SETSIGDEF |
	                                    POSIX_SPAWN_SETSIGMASK);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setsigmask(&attr, &none);
	r = posix_spawn(&pid, argv[0], &fa, &attr, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (r != 0) {
		errno = r;
		return -1;
	}
	return pid;
}

/* Ends a late command's process group and reaps the command. */
static void
notify_exec_kill(pid_t pid, int *status)
{
	int64_t until = time_mono_ms() + NOTIFY_EXEC_KILL_MS;
	struct timespec ts = {0, 20 * 1000000L};

	kill(-pid, SIGTERM);
	while (waitpid(pid, status, WNOHANG) == 0) {
		if (time_mono_ms() >= until) {
			kill(-pid, SIGKILL);
			waitpid(pid, status, 0);
			break;
		}
		nanosleep(&ts, NULL);
	}
	/* what the command started may outlive it: the group goes too */
	kill(-pid, SIGKILL);
}

/*
 * Feeds 'json' to the command and collects its output until it exits or
 * the deadline.  Closes *in and *out when done with them (setting -1).
 * Returns 0 with *status set, or -1 when late (the command is then still
 * running).
 */
static int
notify_exec_wait(const struct notify_dest *d, pid_t pid, int *in, int *out,
                 const char *json, int64_t deadline, char *output, int *status)
{
	struct pollfd pfd[2];
	size_t off = 0, len = strlen(json), got = 0;
	ssize_t r;
	char buf[512];

	for (;;) {
		if (time_mono_ms() >= deadline ||
		    (d->abort != NULL && atomic_load(d->abort)))
			return -1;
		if (*in < 0 && *out < 0) {
			if (waitpid(pid, status, WNOHANG) == pid)
				return 0;
			poll(NULL, 0, 20);
			continue;
		}
		pfd[0].fd = *in;
		pfd[0].events = POLLOUT;
		pfd[1].fd = *out;
		pfd[1].events = POLLIN;
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, 2, 100) < 0 && errno != EINTR)
			return -1;
		if (*in >= 0 && (pfd[0].revents & (POLLOUT | POLLERR))) {
			r = write(*in, json + off, len - off);
			if (r > 0)
				off += (size_t)r;
			/* EPIPE: the command does not read stdin; that is
			 * its choice, its exit status tells */
			if ((r < 0 && errno != EAGAIN && errno != EINTR) ||
			    off == len) {
				close(*in);
				*in = -1;
			}
		}
		if (*out >= 0 && (pfd[1].revents & (POLLIN | POLLHUP))) {
			r = read(*out, buf, sizeof(buf));
			if (r > 0 && got < NOTIFY_EXEC_OUT_MAX) {
				if ((size_t)r > NOTIFY_EXEC_OUT_MAX - got)
					r = (ssize_t)(NOTIFY_EXEC_OUT_MAX -
					              got);
				memcpy(output + got, buf, (size_t)r);
				got += (size_t)r;
				output[got] = '\0';
			}
			if (r == 0 ||
			    (r < 0 && errno != EAGAIN && errno != EINTR)) {
				close(*out);
				*out = -1;
			}
		}
	}
}

enum notify_result
notify_exec_run(const struct notify_dest *d, const struct notify_item *it,
                char *err, size_t errsz)
{
	char output[NOTIFY_EXEC_OUT_MAX + 1] = "", *json = NULL, **env = NULL;
	int in[2] = {-1, -1}, out[2] = {-1, -1}, status = 0, r;
	cJSON *o;
	pid_t pid;
	char *nl;

	if ((o = notify_item_json(it, d->t.name, d->t.english)) != NULL)
		json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	env = notify_exec_env(it, d->t.name, d->t.english);
	if (json == NULL || env == NULL) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		goto fail;
	}
	if ((pid = notify_exec_spawn(d, env, in, out)) < 0) {
		snprintf(err, errsz, "cannot run %s: %s", d->t.argv[0],
		         strerror(errno));
		goto fail;
	}
	close(in[0]);
	close(out[1]);
	in[0] = out[1] = -1;
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	r = notify_exec_wait(d, pid, &in[1], &out[0], json,
	                     time_mono_ms() + (int64_t)d->t.timeout * 1000,
	                     output, &status);
	if (r != 0) {
		notify_exec_kill(pid, &status);
		snprintf(err, errsz, "%s did not finish within %u s, killed",
		         d->t.argv[0], d->t.timeout);
		goto fail;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		free(json);
		notify_env_free(env);
		return NOTIFY_SENT;
	}
	if ((nl = strchr(output, '\n')) != NULL)
		*nl = '\0';
	if (WIFEXITED(status))
		snprintf(err, errsz, "%s exited with status %d%s%s",
		         d->t.argv[0], WEXITSTATUS(status),
		         output[0] != '\0' ? ": " : "", output);
	else
		snprintf(err, errsz, "%s killed by signal %d", d->t.argv[0],
		         WTERMSIG(status));

fail:
	for (r = 0; r < 2; r++) {
		if (in[r] >= 0)
			close(in[r]);
		if (out[r] >= 0)
			close(out[r]);
	}
	free(json);
	notify_env_free(env);
	return NOTIFY_RETRY;
}
