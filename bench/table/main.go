// Command table prints the targets that the benchmarks recorded (see
// bench/internal/report) as one table: `go run ./bench/table targets.jsonl`.
package main

import (
	"fmt"
	"os"

	"github.com/linshu/portal/bench/internal/report"
)

func main() {
	var all []report.Target
	for _, path := range os.Args[1:] {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "table:", err)
			os.Exit(1)
		}
		ts, err := report.ReadTargets(f)
		f.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, "table:", path+":", err)
			os.Exit(1)
		}
		all = append(all, ts...)
	}
	report.PrintTable(os.Stdout, all)
}
