# tests/integration/fs-lib.sh: small file systems that can be filled, for
# the disk-full test (155) and the fault campaign (bench/40).  Source it
# after lib.sh.
#
#   fs_can_mount            0 when a tmpfs can be mounted here (root, no
#                           seccomp or user namespace in the way)
#   fs_mount DIR SIZE       a tmpfs of SIZE (mount's size=, e.g. 1m) on DIR,
#                           unmounted (lazily) on exit
#   fs_fill DIR             a ballast file taking every free byte of DIR's
#                           file system (fallocate, so it is instant); again
#                           adds another
#   fs_free DIR             removes the ballast files
#   fs_avail DIR            free bytes of DIR's file system
#
# The exit trap stops every spawned process first (a busy mount cannot go),
# then unmounts, then lets lib.sh's cleanup remove $T.
FS_MOUNTS=""

fs_can_mount() {
	[ "$(id -u)" -eq 0 ] || return 1
	mkdir -p "$T/.fs-probe"
	mount -t tmpfs -o size=64k tmpfs "$T/.fs-probe" 2>/dev/null || return 1
	umount "$T/.fs-probe"
	rmdir "$T/.fs-probe"
}

fs_exit() {
	fs_status=$?
	for p in $PIDS; do
		kill "$p" 2>/dev/null || true
	done
	for p in $PIDS; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1; i=$((i + 1))
		done
		kill -9 "$p" 2>/dev/null || true
	done
	for m in $FS_MOUNTS; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	(exit $fs_status)
	cleanup
}
trap fs_exit EXIT

fs_mount() {
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2,mode=0755" tmpfs "$1" ||
		fail "cannot mount a tmpfs on $1"
	FS_MOUNTS="$1 $FS_MOUNTS"
}

fs_avail() {
	df -B1 --output=avail "$1" | tail -1 | tr -d ' '
}

fs_fill() {
	fs_a=$(fs_avail "$1")
	[ "$fs_a" -gt 0 ] || return 0
	fs_n=0
	while [ -e "$1/ballast.$fs_n" ]; do fs_n=$((fs_n + 1)); done
	fallocate -l "$fs_a" "$1/ballast.$fs_n" 2>/dev/null ||
		dd if=/dev/zero of="$1/ballast.$fs_n" bs=64k 2>/dev/null || true
}

fs_free() {
	rm -f "$1"/ballast.*
}
