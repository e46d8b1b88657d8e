package container

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// cgroupStats are the numbers Statistics and Memory are made of, read from the container's
// cgroup on either cgroup layout.
type cgroupStats struct {
	cpuTotalNs, cpuUserNs, cpuKernelNs uint64
	memUsage, memPeak, memPrivate      uint64
	memLimit                           uint64 // 0 when unlimited
	readBytes, writeBytes              uint64
	readOps, writeOps                  uint64
}

// userHz is the unit of cpuacct.stat (USER_HZ, 100 on every Linux architecture we run on).
const userHz = 100

// readCgroupStats reads the statistics of the cgroup at rel (e.g. "/hcs/hcs-abc").
func readCgroupStats(layout CgroupLayout, rel string) cgroupStats {
	if layout.Unified {
		return readV2Stats(filepath.Join(cgroupRoot, rel))
	}
	return readV1Stats(rel)
}

func readV2Stats(dir string) cgroupStats {
	var st cgroupStats
	cpu := keyValues(filepath.Join(dir, "cpu.stat"))
	st.cpuTotalNs, st.cpuUserNs, st.cpuKernelNs = cpu["usage_usec"]*1000, cpu["user_usec"]*1000, cpu["system_usec"]*1000
	st.memUsage = readUint(filepath.Join(dir, "memory.current"))
	st.memPeak = readUint(filepath.Join(dir, "memory.peak"))
	st.memPrivate = keyValues(filepath.Join(dir, "memory.stat"))["anon"]
	st.memLimit = readUint(filepath.Join(dir, "memory.max"))
	for _, dev := range ioStatLines(filepath.Join(dir, "io.stat")) {
		st.readBytes += dev["rbytes"]
		st.writeBytes += dev["wbytes"]
		st.readOps += dev["rios"]
		st.writeOps += dev["wios"]
	}
	return st
}

func readV1Stats(rel string) cgroupStats {
	var st cgroupStats
	cpuacct := filepath.Join(cgroupRoot, "cpuacct", rel)
	st.cpuTotalNs = readUint(filepath.Join(cpuacct, "cpuacct.usage"))
	ticks := keyValues(filepath.Join(cpuacct, "cpuacct.stat"))
	st.cpuUserNs, st.cpuKernelNs = ticks["user"]*1e9/userHz, ticks["system"]*1e9/userHz
	mem := filepath.Join(cgroupRoot, "memory", rel)
	st.memUsage = readUint(filepath.Join(mem, "memory.usage_in_bytes"))
	st.memPeak = readUint(filepath.Join(mem, "memory.max_usage_in_bytes"))
	st.memPrivate = keyValues(filepath.Join(mem, "memory.stat"))["total_rss"]
	if limit := readUint(filepath.Join(mem, "memory.limit_in_bytes")); limit < 1<<62 {
		st.memLimit = limit
	}
	blk := filepath.Join(cgroupRoot, "blkio", rel)
	st.readBytes, st.writeBytes = blkioTotals(filepath.Join(blk, "blkio.throttle.io_service_bytes"))
	st.readOps, st.writeOps = blkioTotals(filepath.Join(blk, "blkio.throttle.io_serviced"))
	return st
}

// readUint reads a file holding one number; "max" and errors read as 0.
func readUint(path string) uint64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	v, _ := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	return v
}

// keyValues reads "key value" lines.
func keyValues(path string) map[string]uint64 {
	out := map[string]uint64{}
	b, err := os.ReadFile(path)
	if err != nil {
		return out
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 {
			out[f[0]], _ = strconv.ParseUint(f[1], 10, 64)
		}
	}
	return out
}

// ioStatLines reads cgroup2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N ...".
func ioStatLines(path string) []map[string]uint64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []map[string]uint64
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		m := map[string]uint64{}
		for _, kv := range f[1:] {
			if k, v, ok := strings.Cut(kv, "="); ok {
				m[k], _ = strconv.ParseUint(v, 10, 64)
			}
		}
		out = append(out, m)
	}
	return out
}

// blkioTotals sums the Read and Write lines of a cgroup v1 blkio file.
func blkioTotals(path string) (read, write uint64) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		v, _ := strconv.ParseUint(f[2], 10, 64)
		switch f[1] {
		case "Read":
			read += v
		case "Write":
			write += v
		}
	}
	return read, write
}
