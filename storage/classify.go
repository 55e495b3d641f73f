package storage

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/lib/pq"

	"github.com/linshu/portal/tender"
)

// ErrDatabaseUnavailable is returned while PostgreSQL cannot be reached or is
// terminating connections (down, restarting, refusing): the request may be retried.
var ErrDatabaseUnavailable = &tender.Error{Code: tender.CodeStorageUnavailable, Key: "database_unavailable",
	Message: "数据库暂时不可用，请稍后重试"}

var errBadValue = &tender.Error{Code: tender.CodeValidationFailed, Key: "value_invalid",
	Message: "输入值无效（过长、超出范围或含不允许的字符）"}

// Classify turns an error that no method mapped into what the caller can act
// on: a lost or refused database connection is storage_unavailable (503), a
// value PostgreSQL cannot store (a NUL byte, an over-long key, a number out of
// range) is validation_failed; anything else stays as it is (internal).
func Classify(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := tender.AsError(err); ok {
		return err
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch code := string(pqErr.Code); {
		case strings.HasPrefix(code, "08"), // connection exception
			code == "57P01", code == "57P02", code == "57P03", // admin or crash shutdown, cannot connect now
			code == "53300", code == "53400": // too many connections, configuration limit
			return errors.Join(ErrDatabaseUnavailable, err)
		case code == "22021", code == "22P05": // invalid byte sequence (NUL), untranslatable character
			return errors.Join(errBadValue, err)
		case code == "54000", code == "22001", code == "22003", code == "22008", code == "22007", code == "2201X", code == "2201W":
			// program limit (an index row too large), string too long, numeric out of range, bad datetime, bad limit/offset
			return errors.Join(errBadValue, err)
		case code == "22P02":
			return tender.ErrNotFound // a malformed id names nothing
		}
		return err
	}
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.As(err, &opErr), errors.As(err, &netErr):
		return errors.Join(ErrDatabaseUnavailable, err)
	}
	return err
}
