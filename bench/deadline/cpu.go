package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuSnap is the machine's CPU time (/proc/stat) and this process's at one moment.
type cpuSnap struct {
	at          time.Time
	busy, all   float64 // machine, in clock ticks
	self        time.Duration
	haveMachine bool
}

func takeCPU() cpuSnap {
	s := cpuSnap{at: time.Now()}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		s.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return s
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return s
	}
	for i, x := range f[1:] {
		v, _ := strconv.ParseFloat(x, 64)
		if i >= 8 { // guest time is already counted in user
			break
		}
		s.all += v
		if i != 3 && i != 4 { // idle, iowait
			s.busy += v
		}
	}
	s.haveMachine = true
	return s
}

// cpuBetween describes the CPU use between two snapshots.
func cpuBetween(a, b cpuSnap, cpus int) string {
	wall := b.at.Sub(a.at)
	out := fmt.Sprintf("over %s: this process (portal instances + load generator) used %.2f CPU·s = %.2f CPUs",
		wall.Round(time.Millisecond), (b.self - a.self).Seconds(), (b.self-a.self).Seconds()/wall.Seconds())
	if a.haveMachine && b.haveMachine && b.all > a.all {
		out += fmt.Sprintf("; the whole machine was %.0f%% busy (%d CPUs, PostgreSQL and everything else included)",
			100*(b.busy-a.busy)/(b.all-a.all), cpus)
	}
	return out
}

// startProfile starts a CPU profile of this process into path ("" = none) and
// returns what stops it.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
