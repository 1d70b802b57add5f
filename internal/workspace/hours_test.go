package workspace

import (
	"testing"
	"time"
)

func TestParseHours(t *testing.T) {
	h := time.Hour
	cases := []struct {
		spec    string
		always  bool
		day     time.Weekday
		open    time.Duration
		close   time.Duration
		wantErr bool
	}{
		{spec: "", always: true},
		{spec: "24/7", always: true},
		{spec: "mon-fri 09:00-18:00", day: time.Wednesday, open: 9 * h, close: 18 * h},
		{spec: "mon-fri 09:00-18:00", day: time.Saturday}, // closed
		{spec: "Mon-Fri 08:30-17:30, sat 10:00-13:00", day: time.Saturday, open: 10 * h, close: 13 * h},
		{spec: "Mon-Fri 08:30-17:30, sat 10:00-13:00", day: time.Monday, open: 8*h + 30*time.Minute, close: 17*h + 30*time.Minute},
		{spec: "sat-mon 00:00-24:00", day: time.Sunday, close: 24 * h}, // a range across the week's end
		{spec: "mon-fri", wantErr: true},
		{spec: "lun-ven 09:00-18:00", wantErr: true},
		{spec: "mon 18:00-09:00", wantErr: true},
		{spec: "mon 9h-18h", wantErr: true},
	}
	for _, c := range cases {
		got, err := ParseHours(c.spec)
		if (err != nil) != c.wantErr {
			t.Errorf("ParseHours(%q) error = %v, want error %v", c.spec, err, c.wantErr)
			continue
		}
		if c.wantErr {
			continue
		}
		if got.Always != c.always {
			t.Errorf("ParseHours(%q).Always = %v", c.spec, got.Always)
		}
		if d := got.Days[c.day]; !c.always && (d.Open != c.open || d.Close != c.close) {
			t.Errorf("ParseHours(%q) on %s = %s-%s, want %s-%s", c.spec, c.day, d.Open, d.Close, c.open, c.close)
		}
	}
}
