package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// auditVerify verifies every audit stream and the checkpoint chain and, with
// -checkpoints FILE (a JSON array of checkpoints copied from GET
// /audit/checkpoints), checks the database against those signed checkpoints
// (SPEC §8.3): a history rewritten with every hash and checkpoint recomputed
// is internally consistent, but contradicts a checkpoint signed before.
func auditVerify(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fl := flag.NewFlagSet("audit-verify", flag.ContinueOnError)
	fl.SetOutput(stdout)
	file := fl.String("checkpoints", "", "JSON array of checkpoints {seq, at, head_sha256, signature} saved earlier")
	pubB64 := fl.String("public-key", "", "base64 Ed25519 public key that signed them (GET /keys/receipts public_key); default: the portal's receipt key")
	if err := fl.Parse(args); err != nil {
		return err
	}
	var saved []tender.Checkpoint
	if *file != "" {
		raw, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, &saved); err != nil {
			return fmt.Errorf("%s: want a JSON array of checkpoints: %w", *file, err)
		}
	}
	return withStore(ctx, getenv, false, func(s *storage.Store) error {
		rep, err := s.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "entries: %d, checkpoints: %d\n", rep.Entries, rep.Checkpoints)
		var problems []error
		if !rep.OK {
			problems = append(problems, fmt.Errorf("audit log broken at entry %d: %s", *rep.FirstBadID, rep.Problem))
		}
		if *file != "" {
			pub, err := checkpointKey(ctx, s, *pubB64, getenv)
			if err != nil {
				return err
			}
			cr, err := s.VerifyCheckpoints(ctx, pub, saved)
			if err != nil {
				return err
			}
			if !cr.OK {
				problems = append(problems, fmt.Errorf("contradicted checkpoint seq %d: %s", *cr.BadSeq, cr.Problem))
			} else {
				fmt.Fprintf(stdout, "signed checkpoints: %d of %d agree with the database\n", cr.Checked, len(saved))
			}
		}
		if len(problems) > 0 {
			return errors.Join(problems...)
		}
		fmt.Fprintln(stdout, "audit log intact")
		return nil
	})
}

// checkpointKey is the key saved checkpoints must verify with: the one given,
// else the portal's own receipt key (PORTAL_RECEIPT_KEY or the one kept in the database).
func checkpointKey(ctx context.Context, s *storage.Store, b64 string, getenv func(string) string) (ed25519.PublicKey, error) {
	if b64 != "" {
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(raw) != ed25519.PublicKeySize {
			return nil, errors.New("-public-key must be the base64 of a 32-byte Ed25519 public key")
		}
		return ed25519.PublicKey(raw), nil
	}
	cfg, err := loadConfig(getenv, false)
	if err != nil {
		return nil, err
	}
	priv, err := s.ReceiptKey(ctx, cfg.ReceiptKey)
	if err != nil {
		return nil, err
	}
	return priv.Public().(ed25519.PublicKey), nil
}
