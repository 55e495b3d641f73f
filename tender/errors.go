// Package tender holds the portal's domain: types, statuses, lifecycles,
// eligibility, scoring and the errors a caller can act on. It depends on the
// standard library only: no HTTP, no SQL, and it never reads the clock.
package tender

import (
	"errors"
	"fmt"
)

// Problem codes of the SPEC. Every error the API returns carries one of them.
const (
	CodeInvalidJSON          = "invalid_json"
	CodeValidationFailed     = "validation_failed"
	CodeUnauthenticated      = "unauthenticated"
	CodeForbidden            = "forbidden"
	CodeNotFound             = "not_found"
	CodeConflict             = "conflict"
	CodeInvalidState         = "invalid_state"
	CodeDeadlinePassed       = "deadline_passed"
	CodeNotEligible          = "not_eligible"
	CodeSealed               = "sealed"
	CodePayloadTooLarge      = "payload_too_large"
	CodeUnsupportedMediaType = "unsupported_media_type"
	CodeRateLimited          = "rate_limited"
	CodeStorageUnavailable   = "storage_unavailable"
	CodeOverloaded           = "overloaded"
	CodeInternal             = "internal"
)

// FieldError names one field of the input and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a failure the caller can understand and act on.
type Error struct {
	Code    string       // one of the SPEC's problem codes
	Key     string       // stable i18n key, e.g. "bid.deadline_passed"
	Message string       // default (zh-CN) text
	Fields  []FieldError // per-field problems, if any
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("%s: %s %v", e.Code, e.Message, e.Fields)
}

// Errorf builds an Error with a formatted message.
func Errorf(code, key, format string, args ...any) *Error {
	return &Error{Code: code, Key: key, Message: fmt.Sprintf(format, args...)}
}

// AsError returns the *Error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// ErrorCode returns the problem code of err, or CodeInternal.
func ErrorCode(err error) string {
	if e, ok := AsError(err); ok {
		return e.Code
	}
	return CodeInternal
}

// Fields collects field errors; Err returns nil when none were added.
type Fields struct {
	list []FieldError
}

// Add records a problem with field.
func (f *Fields) Add(field, message string) { f.list = append(f.list, FieldError{field, message}) }

// Addf records a problem with field, formatting the message.
func (f *Fields) Addf(field, format string, args ...any) {
	f.Add(field, fmt.Sprintf(format, args...))
}

// Err returns a validation error carrying the recorded problems, or nil.
func (f *Fields) Err(code, key, message string) error {
	if len(f.list) == 0 {
		return nil
	}
	return &Error{Code: code, Key: key, Message: message, Fields: f.list}
}

// Validation returns a validation_failed error for the recorded problems, or nil.
func (f *Fields) Validation() error {
	return f.Err(CodeValidationFailed, "validation_failed", "提交的数据有误，请检查标注的字段")
}

// ErrNotFound is returned when an object does not exist or the caller may not know it does.
var ErrNotFound = &Error{Code: CodeNotFound, Key: "not_found", Message: "未找到该记录"}

// ErrForbidden is returned when the caller's role may not do this.
var ErrForbidden = &Error{Code: CodeForbidden, Key: "forbidden", Message: "无权执行此操作"}

// InvalidState reports that an action is not allowed in the object's current status.
func InvalidState(entity, status, action string) *Error {
	return &Error{Code: CodeInvalidState, Key: entity + ".invalid_state",
		Message: fmt.Sprintf("当前状态（%s）不允许执行“%s”", status, action),
		Fields:  []FieldError{{Field: "status", Message: status}}}
}
