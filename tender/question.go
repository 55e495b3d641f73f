package tender

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Question is a clarification question (答疑) from an organization about a tender.
type Question struct {
	ID         string     `json:"id" db:"id"`
	TenderID   string     `json:"tender_id" db:"tender_id"`
	OrgID      *string    `json:"org_id,omitempty" db:"org_id"`
	OrgName    *string    `json:"org_name,omitempty" db:"org_name"`
	Mine       bool       `json:"mine" db:"mine"`
	Text       string     `json:"text" db:"text"`
	Answer     *string    `json:"answer" db:"answer"`
	AnsweredAt *time.Time `json:"answered_at" db:"answered_at"`
	CreatedAt  time.Time  `json:"created_at" db:"created_at"`
}

// ValidateText checks a question or answer text.
func ValidateText(field, text string, max int) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > max {
		var f Fields
		f.Addf(field, "请填写内容（不超过%d字）", max)
		return "", f.Validation()
	}
	return text, nil
}
