package tender

import (
	"reflect"
	"testing"
	"time"
)

// shanghai is China Standard Time without relying on the host's tzdata.
var shanghai = time.FixedZone("CST", 8*3600)

// calendar2027 follows the shape of the State Council's notices. 2027 has the
// same weekdays as 2021, so New Year and National Day mirror the 2021 notice
// (国办发明电〔2020〕27号: 10月1日至7日放假，9月26日（周日）、10月9日（周六）上班).
// The Spring Festival (除夕 Friday 5 February 2027) follows the 2024 pattern:
// eight days from Saturday to Saturday with a make-up Sunday before and after.
// Until the real 2027 notice is published this is an example, not the law.
func calendar2027(t testing.TB) Calendar {
	t.Helper()
	c, err := ParseCalendarDates(
		[]string{
			"2027-01-01", "2027-01-02", "2027-01-03",
			"2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12", "2027-02-13",
			"2027-10-01", "2027-10-02", "2027-10-03", "2027-10-04", "2027-10-05", "2027-10-06", "2027-10-07",
		},
		[]string{"2027-01-31", "2027-02-14", "2027-09-26", "2027-10-09"},
	)
	if err != nil {
		t.Fatalf("ParseCalendarDates: %v", err)
	}
	return c
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, shanghai) }

func TestCalendarIsWorkday(t *testing.T) {
	c := calendar2027(t)
	cases := []struct {
		d    time.Time
		want bool
		why  string
	}{
		{day(2027, 1, 1), false, "元旦, a Friday"},
		{day(2027, 1, 4), true, "ordinary Monday"},
		{day(2027, 1, 9), false, "ordinary Saturday"},
		{day(2027, 1, 31), true, "make-up Sunday before the Spring Festival"},
		{day(2027, 2, 5), true, "除夕 is a working Friday in this schedule"},
		{day(2027, 2, 8), false, "Spring Festival Monday"},
		{day(2027, 2, 13), false, "Spring Festival last Saturday"},
		{day(2027, 2, 14), true, "make-up Sunday after the Spring Festival"},
		{day(2027, 9, 26), true, "make-up Sunday before National Day"},
		{day(2027, 10, 4), false, "National Day Monday"},
		{day(2027, 10, 8), true, "Friday after National Day"},
		{day(2027, 10, 9), true, "make-up Saturday after National Day"},
		{day(2027, 10, 10), false, "ordinary Sunday"},
	}
	for _, tc := range cases {
		if got := c.IsWorkday(tc.d); got != tc.want {
			t.Errorf("IsWorkday(%s) = %v, want %v (%s)", tc.d.Format("2006-01-02 Mon"), got, tc.want, tc.why)
		}
	}
	if (Calendar{}).IsWorkday(day(2027, 1, 1)) != true {
		t.Error("the zero Calendar knows no holidays")
	}
}

func TestCalendarAddWorkdays(t *testing.T) {
	c := calendar2027(t)
	end := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 23, 59, 59, 0, shanghai) }
	cases := []struct {
		name string
		from time.Time
		n    int
		want time.Time
	}{
		{"next working day", time.Date(2027, 2, 4, 10, 0, 0, 0, shanghai), 1, end(2027, 2, 5)},
		{"over the Spring Festival to the make-up Sunday", time.Date(2027, 2, 4, 10, 0, 0, 0, shanghai), 2, end(2027, 2, 14)},
		{"and on to Monday", time.Date(2027, 2, 4, 10, 0, 0, 0, shanghai), 3, end(2027, 2, 15)},
		{"Friday to make-up Sunday", time.Date(2027, 1, 29, 9, 0, 0, 0, shanghai), 1, end(2027, 1, 31)},
		{"from's date is taken in loc", time.Date(2027, 2, 4, 17, 0, 0, 0, time.UTC), 1, end(2027, 2, 14)},
		{"seven working days of publicity over National Day", time.Date(2027, 9, 24, 16, 0, 0, 0, shanghai), 7, end(2027, 10, 9)},
		{"from a holiday", time.Date(2027, 10, 3, 8, 0, 0, 0, shanghai), 1, end(2027, 10, 8)},
		{"zero days ends today", time.Date(2027, 10, 3, 8, 0, 0, 0, shanghai), 0, end(2027, 10, 3)},
		{"across the year end", time.Date(2027, 12, 31, 8, 0, 0, 0, shanghai), 1, end(2028, 1, 3)},
	}
	for _, tc := range cases {
		got := c.AddWorkdays(tc.from, tc.n, shanghai)
		if !got.Equal(tc.want) || got.Location() != shanghai {
			t.Errorf("%s: AddWorkdays(%s, %d) = %s, want %s", tc.name, tc.from, tc.n, got, tc.want)
		}
	}
}

func TestCalendarParseDates(t *testing.T) {
	cases := []struct {
		name     string
		holidays []string
		workdays []string
		fields   []string // nil: valid
	}{
		{"valid", []string{"2027-01-01"}, []string{"2027-02-07"}, nil},
		{"empty lists", nil, nil, nil},
		{"duplicates within a list are accepted", []string{"2027-01-01", "2027-01-01"}, nil, nil},
		{"not a date", []string{"2027-02-30", "2027-2-8", "", "2027/10/01"}, []string{"2027-13-01"},
			[]string{"holidays[0]", "holidays[1]", "holidays[2]", "holidays[3]", "workdays[0]"}},
		{"a date in both lists", []string{"2027-01-01", "2027-02-07"}, []string{"2027-01-31", "2027-02-07"},
			[]string{"workdays[1]"}},
	}
	for _, tc := range cases {
		c, err := ParseCalendarDates(tc.holidays, tc.workdays)
		if tc.fields == nil {
			if err != nil {
				t.Errorf("%s: unexpected %v", tc.name, err)
			}
			for _, d := range tc.holidays {
				if !c.Holidays[d] {
					t.Errorf("%s: holiday %s missing", tc.name, d)
				}
			}
			continue
		}
		e, ok := AsError(err)
		if !ok || e.Code != CodeValidationFailed {
			t.Fatalf("%s: got %v, want validation_failed", tc.name, err)
		}
		var fields []string
		for _, f := range e.Fields {
			fields = append(fields, f.Field)
		}
		if !reflect.DeepEqual(fields, tc.fields) {
			t.Errorf("%s: fields %v, want %v", tc.name, fields, tc.fields)
		}
	}
}

func TestCalendarLists(t *testing.T) {
	c, err := ParseCalendarDates([]string{"2027-10-01", "2027-01-01"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hol, work := c.Lists()
	if !reflect.DeepEqual(hol, []string{"2027-01-01", "2027-10-01"}) || work == nil || len(work) != 0 {
		t.Errorf("Lists = %v, %v", hol, work)
	}
}
