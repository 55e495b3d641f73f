package tender

import (
	"strconv"
	"unicode/utf8"
)

// A bidi override or isolate (U+202A–U+202E, U+2066–U+2069) makes text show
// in another order than it is stored: a name could read as someone else's.
func bidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// UnsafeText reports whether s holds a NUL byte, invalid UTF-8 or a bidi
// control: refused in every text the portal stores.
func UnsafeText(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r == 0 || bidiControl(r) {
			return true
		}
	}
	return false
}

// UnsafeName reports whether a one-line text shown publicly (a name, a
// title) holds a control character (U+0000–U+001F, U+007F) or a bidi control.
func UnsafeName(s string) bool {
	if UnsafeText(s) {
		return true
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7F {
			return true
		}
	}
	return false
}

// nameKeys are the JSON fields that hold one-line public text.
var nameKeys = map[string]bool{"name": true, "title": true, "username": true, "legal_representative": true,
	"community": true, "org_name": true}

// CheckTexts walks a decoded JSON value and reports every string that
// UnsafeText refuses, and every one-line public field (name, title, …) that
// UnsafeName refuses, with its path as the field.
func CheckTexts(v any) error {
	var f Fields
	checkTexts(&f, v, "", "")
	return f.Validation()
}

func checkTexts(f *Fields, v any, path, key string) {
	switch x := v.(type) {
	case string:
		if nameKeys[key] && UnsafeName(x) || UnsafeText(x) {
			f.Add(path, "不能包含控制字符或文字方向控制字符")
		}
	case map[string]any:
		for k, e := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			checkTexts(f, e, p, k)
		}
	case []any:
		for i, e := range x {
			checkTexts(f, e, path+"["+strconv.Itoa(i)+"]", key)
		}
	}
}
