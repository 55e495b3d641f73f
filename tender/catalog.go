package tender

import (
	"strings"
	"time"
)

// CatalogItem is one entry of the list of purchasable community services (购买社区公共服务项目清单).
type CatalogItem struct {
	ID          string    `json:"id" db:"id"`
	Code        string    `json:"code" db:"code"`
	Name        string    `json:"name" db:"name"`
	Category    string    `json:"category" db:"category"`
	Description string    `json:"description" db:"description"`
	Active      bool      `json:"active" db:"active"`
	CreatedAt   time.Time `json:"created_at" db:"created_at"`
	UpdatedAt   time.Time `json:"updated_at" db:"updated_at"`
}

// Validate checks a catalog item.
func (c *CatalogItem) Validate() error {
	var f Fields
	c.Code = strings.TrimSpace(c.Code)
	c.Name = strings.TrimSpace(c.Name)
	c.Category = strings.TrimSpace(c.Category)
	if c.Code == "" || len(c.Code) > 32 {
		f.Add("code", "请填写目录编码（不超过32个字符）")
	}
	if c.Name == "" {
		f.Add("name", "请填写服务名称")
	}
	if c.Category == "" {
		f.Add("category", "请填写服务类别")
	}
	return f.Validation()
}
