package handlers_test

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/linshu/portal/tender"
)

var shBlock = regexp.MustCompile("(?s)```sh\n(.*?)```")

// runVerifyDoc serves the portal on a real port and runs every sh block of
// docs/VERIFY.md in order, as a bidder holding receipt would.
func (e *env) runVerifyDoc(t *testing.T, tenderID string, receipt tender.SignedReceipt) (string, error) {
	t.Helper()
	return e.runVerifyDocIn(t, t.TempDir(), tenderID, receipt, nil)
}

// runVerifyDocIn runs in dir the sh blocks of docs/VERIFY.md that pick
// accepts (all when nil): files kept by an earlier run in dir are there, as a
// reader checking later would have them.
func (e *env) runVerifyDocIn(t *testing.T, dir, tenderID string, receipt tender.SignedReceipt, pick func(block string) bool) (string, error) {
	t.Helper()
	doc, err := os.ReadFile("../docs/VERIFY.md")
	if err != nil {
		t.Fatal(err)
	}
	var script strings.Builder
	for _, m := range shBlock.FindAllSubmatch(doc, -1) {
		if pick == nil || pick(string(m[1])) {
			script.Write(m[1])
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.app.Listener(ln) }()
	defer ln.Close()
	raw, err := json.Marshal(receipt)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "receipt.json"), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script.String())
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PORTAL=http://"+ln.Addr().String()+"/api/v1", "TENDER="+tenderID, "RECEIPT=receipt.json")
	out, err := cmd.CombinedOutput()
	return string(out), err
}
