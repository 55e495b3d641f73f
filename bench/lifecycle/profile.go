package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"

	"time"
)

// cost is what this process (the portal, in process; wrk and PostgreSQL are
// other processes) spent during one HTTP case: CPU time and allocations per
// request. Unlike req/s these hardly move with other load on the machine.
type cost struct {
	cpu    time.Duration
	allocs uint64
	bytes  uint64
}

type costMeter struct {
	cpu0             time.Duration
	mallocs0, bytes0 uint64
	profile          *os.File
}

// startCost starts counting; with dir set it also writes a CPU profile and
// an allocation profile of the case to dir/<name>.{cpu,allocs}.pprof.
func startCost(dir, name string) (*costMeter, error) {
	m := &costMeter{}
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
	m.mallocs0, m.bytes0, m.cpu0 = ms.Mallocs, ms.TotalAlloc, processCPU()
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

func (m *costMeter) stop(dir, name string) (cost, error) {
	c := cost{cpu: processCPU() - m.cpu0}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	c.allocs, c.bytes = ms.Mallocs-m.mallocs0, ms.TotalAlloc-m.bytes0
	if m.profile != nil {
		pprof.StopCPUProfile()
		m.profile.Close()
		if err := writeAllocs(filepath.Join(dir, name+".allocs.pprof")); err != nil {
			return c, err
		}
	}
	return c, nil
}

func (c cost) per(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("portal CPU %.2f ms/req, %d allocs/req, %.1f KiB/req", ms(c.cpu)/float64(n), c.allocs/uint64(n),
		float64(c.bytes)/float64(n)/1024)
}

// fileName turns a case name into a file name.
func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == ',' || r == '=' || r == '/' || r == '?' {
			return '-'
		}
		return r
	}, s)
}
