#!/usr/bin/env bash
# The Linux HCS walk-through (make demo): installs what is missing (scripts/setup.sh), builds
# everything, starts an hcsd of its own, makes a busybox layer, runs a container from
# examples/container.json with hcsdiag, and removes everything it made. Needs root.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

if [ -t 1 ]; then
	bold=$'\e[1m' dim=$'\e[2m' off=$'\e[0m'
else
	bold='' dim='' off=''
fi
heading() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }
say() { printf '%s%s%s\n' "$dim" "$*" "$off"; }
# show prints a command as it is typed, then runs it.
show() {
	printf '%s$ %s%s\n' "$bold" "$*" "$off"
	"$@"
}

if [ "$(id -u)" -ne 0 ]; then
	echo "The demo starts hcsd and runs containers, which needs root: sudo make demo" >&2
	exit 1
fi

heading "Linux HCS: the Host Compute Service API on Linux"
say "Installing what is missing (scripts/setup.sh) and building bin/ (make)..."
scripts/setup.sh
${MAKE:-make} --no-print-directory -s all
export PATH="$root/bin:$PATH"
start=$(date +%s)

# Everything the demo makes lives in these, and goes when it ends, however it ends.
demo=$(mktemp -d /tmp/hcs-demo.XXXXXX)
agents=$(mktemp -d /run/hcs-demo.XXXXXX) # agent sockets need a short path
cgroup="/hcs-demo-$$"
export HCS_SOCKET="$demo/run/hcsd.sock"
# The demo's hcsd settings; should that hcsd be gone, hcsdiag's private service uses them
# too, and never the machine's own /var/lib/hcs.
export HCSDIAG_HCSD_CONFIG="$demo/hcsd.json"
hcsd_pid='' events_pid=''

cleanup() {
	set +e
	[ -n "$events_pid" ] && kill "$events_pid" 2>/dev/null && wait "$events_pid" 2>/dev/null
	if [ -n "$hcsd_pid" ]; then
		hcsdiag terminate demo >/dev/null 2>&1
		for layer in "$demo/scratch/demo" "$demo/layers/busybox"; do
			[ -e "$layer" ] && hcsdiag layer destroy "$layer" >/dev/null 2>&1
		done
		kill -TERM "$hcsd_pid" 2>/dev/null
		wait "$hcsd_pid" 2>/dev/null
	fi
	rmdir /sys/fs/cgroup/*"$cgroup" /sys/fs/cgroup"$cgroup" 2>/dev/null
	rm -rf "$demo" "$agents"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

heading "1. A compute service of our own"
say "hcsd owns every container; hcsdiag talks to it over a unix socket (HCS_SOCKET)."
mkdir -p "$demo/run"
cat >"$HCSDIAG_HCSD_CONFIG" <<END
{
  "StateDir": "$demo/state",
  "RuntimeRoot": "$demo/runtime",
  "CgroupParent": "$cgroup",
  "AgentSocketDir": "$agents",
  "Group": "root",
  "LogLevel": "warn"
}
END
say "Its settings keep everything it makes apart (docs/hcsd.md):"
show cat "$HCSDIAG_HCSD_CONFIG"
printf '%s$ hcsd --config %s --socket %s &%s\n' "$bold" "$HCSDIAG_HCSD_CONFIG" "$HCS_SOCKET" "$off"
hcsd --config "$HCSDIAG_HCSD_CONFIG" --socket "$HCS_SOCKET" 2>"$demo/hcsd.log" &
hcsd_pid=$!
for _ in $(seq 100); do
	[ -S "$HCS_SOCKET" ] && break
	kill -0 "$hcsd_pid" 2>/dev/null || { cat "$demo/hcsd.log" >&2; exit 1; }
	sleep 0.1
done
show hcsdiag version

heading "2. A base layer from busybox"
say "A layer is a root filesystem in transport form: here, /bin/busybox with a link for each"
say "of its commands and a few files in /etc, as a layer.tar."
rootfs="$demo/rootfs"
mkdir -p "$rootfs"/{bin,etc,tmp,proc,sys,dev,root} "$demo/src"
cp /bin/busybox "$rootfs/bin/"
for applet in $(/bin/busybox --list); do
	[ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
show tar -C "$rootfs" -cf "$demo/src/layer.tar" .
show hcsdiag layer import "$demo/src" "$demo/layers/busybox"
show hcsdiag layer init --parent "$demo/layers/busybox" "$demo/scratch/demo"

heading "3. A container from examples/container.json"
say "The example names placeholder layers; --layer and --scratch put ours in their place."
say "An events stream follows every system from here on, in the background."
hcsdiag events >"$demo/events.log" 2>&1 &
events_pid=$!
# The stream looks at the systems four times a second; the pauses let it see each state.
settle() { sleep 0.4; }
settle
show hcsdiag create demo examples/container.json --layer "$demo/layers/busybox" --scratch "$demo/scratch/demo"
settle
show hcsdiag start demo
settle
show hcsdiag list

heading "4. Processes in the container"
show hcsdiag exec demo -- uname -a
show hcsdiag exec demo -- hostname
show hcsdiag exec demo -- ps
printf '%s$ echo hello | hcsdiag exec -i demo -- tr a-z A-Z%s\n' "$bold" "$off"
echo hello | hcsdiag exec -i demo -- tr a-z A-Z
printf '%s$ hcsdiag exec demo -- sh -c '\''exit 3'\''; echo "exit status $?"%s\n' "$bold" "$off"
hcsdiag exec demo -- sh -c 'exit 3' || echo "exit status $?"

heading "5. What the service knows"
show hcsdiag properties --statistics demo
show hcsdiag ps demo
show hcsdiag modify demo examples/modify.json
show hcsdiag properties --memory demo
say "The new limit, 256 MiB, in the VM-shaped Memory document: 65536 pages of 4 KiB."

heading "6. Pause, resume, shut down"
show hcsdiag pause demo
show hcsdiag list
settle
show hcsdiag resume demo
settle
show hcsdiag shutdown demo
settle
kill "$events_pid" && wait "$events_pid" || true
events_pid=''
say "Meanwhile, hcsdiag events printed:"
show cat "$demo/events.log"

heading "7. Clean up"
show hcsdiag list
show hcsdiag layer destroy "$demo/scratch/demo" "$demo/layers/busybox"
kill -TERM "$hcsd_pid" && wait "$hcsd_pid"
hcsd_pid=''
say "hcsd stopped; its state, the layers and the sockets are removed."

heading "Done in $(($(date +%s) - start))s"
say "Next: bin/hcsdiag help, docs/cli.md, examples/README.md. With hcsd running (sudo bin/hcsd),"
say "a container for one command: bin/hcsdiag run --rm -it --layer ROOTFS -- sh, where ROOTFS is"
say "any directory holding a root filesystem."
