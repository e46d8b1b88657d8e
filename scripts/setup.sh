#!/usr/bin/env bash
# Installs the Debian packages Linux HCS needs to build and test: a C compiler for
# libcomputecore.so, OCI runtimes, QEMU and guest kernels (the cloud kernel boots fastest; the
# generic one has the 9p modules Plan9 shares need), image tools (FAT, partition tables and GRUB
# for the EFI system partition the UEFI boot test builds), valgrind for the C
# tests, tmux for the terminal tests. Safe to run again: when everything is installed it only
# asks dpkg and exits.
set -euo pipefail

packages=(
	gcc libc6-dev
	crun runc criu
	qemu-system-x86 qemu-utils ovmf linux-image-cloud-amd64 linux-image-amd64
	dosfstools mtools fdisk grub-efi-amd64-bin grub-common
	busybox-static e2fsprogs acl erofs-utils iproute2
	valgrind tmux
)

installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null || true)
missing=()
for p in "${packages[@]}"; do
	grep -qx "$p install ok installed" <<<"$installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "setup.sh: missing Debian packages: ${missing[*]}" >&2
	echo "setup.sh: run it as root (sudo scripts/setup.sh) to install them" >&2
	exit 1
fi
echo "setup.sh: installing ${missing[*]}"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
