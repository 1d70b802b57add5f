package main

import (
	"testing"
	"time"
)

func TestParseSenderLimit(t *testing.T) {
	for in, want := range map[string]struct {
		n int
		w time.Duration
	}{"": {}, "0": {}, "30/1h": {30, time.Hour}, " 5/10m ": {5, 10 * time.Minute}} {
		n, w, err := parseSenderLimit(in)
		if err != nil || n != want.n || w != want.w {
			t.Errorf("%q = %d/%s, %v; want %d/%s", in, n, w, err, want.n, want.w)
		}
	}
	for _, bad := range []string{"30", "x/1h", "30/soon", "30/-1h", "-1/1h"} {
		if _, _, err := parseSenderLimit(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
