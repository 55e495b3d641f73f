package load

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/linshu/portal/bench/internal/report"
)

// Cost is what this process (the portal, in process; wrk and PostgreSQL are
// other processes) spent during one HTTP case: CPU time and allocations.
// Unlike req/s these hardly move with other load on the machine.
type Cost struct {
	CPU    time.Duration
	Allocs uint64
	Bytes  uint64
}

// ProcessCPU is this process's CPU time, user and system.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// A CostMeter counts from StartCost to Stop.
type CostMeter struct {
	cpu0             time.Duration
	mallocs0, bytes0 uint64
	profile          *os.File
}

// StartCost starts counting; with dir set it also writes a CPU profile and
// an allocation profile of the case to dir/<name>.{cpu,allocs}.pprof.
func StartCost(dir, name string) (*CostMeter, error) {
	m := &CostMeter{}
	if dir != "" {
		f, err := os.Create(filepath.Join(dir, name+".cpu.pprof"))
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
		m.profile = f
		runtime.MemProfileRate = 64 << 10 // sample more often than the default 512 KiB
		if err := writeAllocs(filepath.Join(dir, name+".allocs-before.pprof")); err != nil {
			return nil, err
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.mallocs0, m.bytes0, m.cpu0 = ms.Mallocs, ms.TotalAlloc, ProcessCPU()
	return m, nil
}

func writeAllocs(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}

// Stop returns what was spent since StartCost (with the same dir and name).
func (m *CostMeter) Stop(dir, name string) (Cost, error) {
	c := Cost{CPU: ProcessCPU() - m.cpu0}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	c.Allocs, c.Bytes = ms.Mallocs-m.mallocs0, ms.TotalAlloc-m.bytes0
	if m.profile != nil {
		pprof.StopCPUProfile()
		m.profile.Close()
		if err := writeAllocs(filepath.Join(dir, name+".allocs.pprof")); err != nil {
			return c, err
		}
	}
	return c, nil
}

// Per is the cost of one of n requests, as a note.
func (c Cost) Per(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("portal CPU %.2f ms/req, %d allocs/req, %.1f KiB/req", report.Ms(c.CPU)/float64(n), c.Allocs/uint64(n),
		float64(c.Bytes)/float64(n)/1024)
}

// FileName turns a case name into a file name.
func FileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == ',' || r == '=' || r == '/' || r == '?' {
			return '-'
		}
		return r
	}, s)
}
