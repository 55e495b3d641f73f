package tender

import (
	"fmt"
	"sort"
	"time"
)

// calendarDateLayout is how calendar dates are written: "2027-02-07".
const calendarDateLayout = "2006-01-02"

// Calendar is the State Council's holiday schedule (放假安排): weekdays that are
// public holidays, and weekend days that are working days (调休). Dates are
// "YYYY-MM-DD". The zero Calendar knows only weekends.
type Calendar struct {
	Holidays map[string]bool // weekdays off
	Workdays map[string]bool // weekend days on (调休上班)
}

// IsWorkday reports whether d's calendar date, in d's own location, is a
// working day: a weekend day only when listed in Workdays, a weekday unless
// listed in Holidays.
func (c Calendar) IsWorkday(d time.Time) bool {
	key := d.Format(calendarDateLayout)
	if c.Workdays[key] {
		return true
	}
	if c.Holidays[key] {
		return false
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkdays returns the end (23:59:59 in loc) of the n-th working day after
// from's calendar date in loc, so a period counted in working days
// (e.g. 七个工作日) ends with the last one. Pass Asia/Shanghai as loc; nil means
// from's location. n ≤ 0 returns the end of from's own date.
func (c Calendar) AddWorkdays(from time.Time, n int, loc *time.Location) time.Time {
	if loc == nil {
		loc = from.Location()
	}
	y, m, d := from.In(loc).Date()
	for n > 0 {
		d++
		// time.Date normalises day overflow into the next month or year.
		if c.IsWorkday(time.Date(y, m, d, 12, 0, 0, 0, loc)) {
			n--
		}
	}
	return time.Date(y, m, d, 23, 59, 59, 0, loc)
}

// Lists returns the calendar's holidays and make-up workdays, each sorted, as
// GET /calendar/{year} shows them. The slices are never nil.
func (c Calendar) Lists() (holidays, workdays []string) {
	return sortedCalendarKeys(c.Holidays), sortedCalendarKeys(c.Workdays)
}

func sortedCalendarKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k, on := range m {
		if on {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// ParseCalendarDates builds a Calendar from the lists of PUT /calendar/{year}.
// Every entry must be a real date written "YYYY-MM-DD", and no date may be
// both a holiday and a workday; otherwise it returns 422 validation_failed
// naming each bad entry ("holidays[0]", "workdays[2]"). Repeated dates within
// one list are accepted once.
func ParseCalendarDates(holidays, workdays []string) (Calendar, error) {
	var f Fields
	cal := Calendar{Holidays: map[string]bool{}, Workdays: map[string]bool{}}
	parse := func(list string, dates []string, into map[string]bool) {
		for i, s := range dates {
			field := fmt.Sprintf("%s[%d]", list, i)
			t, err := time.Parse(calendarDateLayout, s)
			if err != nil || t.Format(calendarDateLayout) != s {
				f.Addf(field, "日期 %q 无效，格式应为 YYYY-MM-DD", s)
				continue
			}
			into[s] = true
		}
	}
	parse("holidays", holidays, cal.Holidays)
	parse("workdays", workdays, cal.Workdays)
	for i, s := range workdays {
		if cal.Holidays[s] {
			f.Addf(fmt.Sprintf("workdays[%d]", i), "日期 %s 不能既是节假日又是调休工作日", s)
		}
	}
	if err := f.Err(CodeValidationFailed, "calendar.invalid", "节假日安排有误，请检查标注的日期"); err != nil {
		return Calendar{}, err
	}
	return cal, nil
}
