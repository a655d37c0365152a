/*
 * pc_fs.c: how full the PC's file systems are, from the mount table and
 * statvfs(3).
 *
 * Only file systems that hold data the technician cares about are
 * published.  Skipped by type: pseudo file systems (proc, sysfs, cgroup,
 * tmpfs, devtmpfs...), layered and read-only images (overlay, squashfs as
 * used by snaps, iso9660 and udf media), and network file systems (nfs,
 * cifs, sshfs): statvfs() on a dead server can block for minutes, and a
 * round must never wait.  Mount points with no blocks are skipped too.
 *
 * used_pct is what df(1) shows as Use%: used / (used + available to
 * users), so the blocks reserved for root count neither way and 100 %
 * means "users cannot write".
 *
 * Fixture trees cannot be statvfs()ed: when ROOT/.pantau-statvfs exists,
 * its lines "MOUNTPOINT FRSIZE BLOCKS BFREE BAVAIL FILES FFREE" (the mount
 * point escaped as in the mount table, "\040" for a space) stand in for
 * the system call (docs/metrics.md).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "agent/pc_priv.h"

/* Sorted for bsearch(). */
static const char *const pc_fs_skip[] = {
    "9p",         "afs",         "autofs",     "binfmt_misc",
    "bpf",        "ceph",        "cgroup",     "cgroup2",
    "cifs",       "configfs",    "debugfs",    "devpts",
    "devtmpfs",   "efivarfs",    "fuse",       "fuse.gvfsd-fuse",
    "fuse.lxcfs", "fuse.portal", "fuse.sshfs", "fusectl",
    "hugetlbfs",  "iso9660",     "mqueue",     "ncpfs",
    "nfs",        "nfs4",        "nfsd",       "nsfs",
    "overlay",    "proc",        "pstore",     "ramfs",
    "rpc_pipefs", "securityfs",  "selinuxfs",  "smb3",
    "smbfs",      "squashfs",    "sysfs",      "tmpfs",
    "tracefs",    "udf",
};

static int
pc_fs_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool
pc_fs_skipped(const char *type)
{
	return bsearch(&type, pc_fs_skip,
	               sizeof(pc_fs_skip) / sizeof(pc_fs_skip[0]),
	               sizeof(pc_fs_skip[0]), pc_fs_cmp) != NULL;
}

/* The mount table escapes space, tab, newline and '\' as \ooo. */
static void
pc_fs_unescape(char *s)
{
	char *o = s;

	while (*s != '\0') {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
			              (s[3] - '0'));
			s += 4;
		} else
			*o++ = *s++;
	}
	*o = '\0';
}

/* One line of ROOT/.pantau-statvfs for 'mnt' (fixtures only). */
static int
pc_fs_fake(struct pc *pc, const char *mnt, struct statvfs *st)
{
	char buf[4096], path[256], *line, *next;
	unsigned long long fr, bl, bf, ba, fi, ff;

	if (pc_read_small(pc, ".pantau-statvfs", buf, sizeof(buf)) < 0)
		return -1;
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (sscanf(line, "%255s %llu %llu %llu %llu %llu %llu", path,
		           &fr, &bl, &bf, &ba, &fi, &ff) != 7)
			continue;
		pc_fs_unescape(path);
		if (strcmp(path, mnt) != 0)
			continue;
		memset(st, 0, sizeof(*st));
		st->f_frsize = st->f_bsize = fr;
		st->f_blocks = bl;
		st->f_bfree = bf;
		st->f_bavail = ba;
		st->f_files = fi;
		st->f_ffree = st->f_favail = ff;
		return 0;
	}
	return -1;
}

static int
pc_fs_statvfs(struct pc *pc, const char *mnt, struct statvfs *st)
{
	char path[4096];

	if (pc->fake_statvfs)
		return pc_fs_fake(pc, mnt, st);
	if (strcmp(pc->root, "/") == 0)
		return statvfs(mnt, st);
	if ((size_t)snprintf(path, sizeof(path), "%s%s", pc->root, mnt) >=
	    sizeof(path))
		return -1;
	return statvfs(path, st);
}

static int
pc_fs_one(struct pc *pc, const char *mnt, struct wire_metrics *m)
{
	char part[NAME_PART_MAX + 1];
	struct statvfs st;
	double used, avail;

	if (pc_fs_statvfs(pc, mnt, &st) < 0 || st.f_blocks == 0 ||
	    st.f_bfree > st.f_blocks)
		return 0;
	if (pc_label_part(pc, "fs", mnt, true, part) < 0)
		return 0;
	used = (double)(st.f_blocks - st.f_bfree) * (double)st.f_frsize;
	avail = (double)st.f_bavail * (double)st.f_frsize;
	if (used + avail > 0 &&
	    pc_add3(m, 0, pc_round2(100.0 * used / (used + avail)), "fs.", part,
	            ".used_pct") < 0)
		return -1;
	if (pc_add3(m, 0, avail, "fs.", part, ".free_bytes") < 0)
		return -1;
	if (st.f_files > 0 && st.f_ffree <= st.f_files &&
	    pc_add3(m, 0,
	            pc_round2(100.0 * (double)(st.f_files - st.f_ffree) /
	                      (double)st.f_files),
	            "fs.", part, ".inodes_used_pct") < 0)
		return -1;
	return 0;
}

int
pc_fs_sample(struct pc *pc, struct wire_metrics *m)
{
	char *line, *next, *dev, *mnt, *type, *save;

	if (pc_src_read(pc, PC_SRC_MOUNTS, 0) < 0)
		return 0;
	for (line = pc->buf; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		dev = strtok_r(line, " ", &save);
		mnt = strtok_r(NULL, " ", &save);
		type = strtok_r(NULL, " ", &save);
		if (dev == NULL || mnt == NULL || type == NULL ||
		    pc_fs_skipped(type))
			continue;
		pc_fs_unescape(mnt);
		if (mnt[0] != '/')
			continue;
		if (pc_fs_one(pc, mnt, m) < 0)
			return -1;
	}
	return 0;
}
