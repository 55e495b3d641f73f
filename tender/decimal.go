package tender

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// Hundredths is an exact decimal with two places, stored as an integer count
// of hundredths (36.33 is Hundredths(3633)). Scores use it so that no float64
// ever takes part in the arithmetic. It reads and writes as a JSON number.
type Hundredths int64

// Points returns h for a whole number of points.
func Points(p int64) Hundredths { return Hundredths(p * 100) }

// String renders h with exactly two decimals, e.g. "36.30".
func (h Hundredths) String() string {
	neg := h < 0
	v := int64(h)
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v/100, 10) + "." + twoDigits(v%100)
	if neg {
		return "-" + s
	}
	return s
}

func twoDigits(v int64) string {
	if v < 10 {
		return "0" + strconv.FormatInt(v, 10)
	}
	return strconv.FormatInt(v, 10)
}

// MarshalJSON writes h as a JSON number with two decimals.
func (h Hundredths) MarshalJSON() ([]byte, error) { return []byte(h.String()), nil }

// ErrTooManyDecimals is returned for numbers with more than two decimals.
var ErrTooManyDecimals = errors.New("at most 2 decimals")

// ParseHundredths reads a decimal literal such as "33.3", "-1" or "40.00"
// exactly. More than two decimal places (other than trailing zeros) is an error.
func ParseHundredths(s string) (Hundredths, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("empty number")
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	if strings.ContainsAny(s, "eE") {
		return 0, errors.New("exponent not allowed")
	}
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 2 {
		return 0, ErrTooManyDecimals
	}
	if whole == "" {
		whole = "0"
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1e12 {
		return 0, errors.New("invalid number")
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, errors.New("invalid number")
	}
	v := w*100 + f
	if neg {
		v = -v
	}
	return Hundredths(v), nil
}

// UnmarshalJSON reads a JSON number (or a numeric string) exactly.
func (h *Hundredths) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	v, err := ParseHundredths(string(b))
	if err != nil {
		// A validation error, not malformed JSON: the document parsed, the number is not acceptable.
		return &Error{Code: CodeValidationFailed, Key: "number.invalid", Message: "分值应为最多两位小数的数字",
			Fields: []FieldError{{Field: "number", Message: err.Error()}}}
	}
	*h = v
	return nil
}
