package sim

import (
	"math"
	"testing"
)

func TestErlangC(t *testing.T) {
	tests := []struct {
		name          string
		c             int
		lambda, mu    float64
		wantP, wantWq float64
	}{
		// M/M/1: P(wait) = ρ, Wq = ρ / (μ − λ).
		{"M/M/1 rho 0.5", 1, 0.5, 1, 0.5, 1},
		{"M/M/1 rho 0.9", 1, 0.9, 1, 0.9, 9},
		// M/M/2 at a = 1: C = 1/3, Wq = C / (2μ − λ) = 1/3.
		{"M/M/2 a 1", 2, 1, 1, 1.0 / 3, 1.0 / 3},
		// Textbook value: c = 10, a = 8 Erlangs → C ≈ 0.40918.
		{"M/M/10 a 8", 10, 8, 1, 0.409176, 0.409176 / 2},
		{"no traffic", 3, 0, 1, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, w := ErlangC(tc.c, tc.lambda, tc.mu)
			if math.Abs(p-tc.wantP) > 1e-5 || math.Abs(w-tc.wantWq) > 1e-5 {
				t.Errorf("ErlangC(%d, %g, %g) = (%g, %g), want (%g, %g)", tc.c, tc.lambda, tc.mu, p, w, tc.wantP, tc.wantWq)
			}
		})
	}
}

func TestErlangCEdges(t *testing.T) {
	if p, w := ErlangC(2, 2, 1); p != 1 || !math.IsInf(w, 1) {
		t.Errorf("saturated queue: got (%g, %g), want (1, +Inf)", p, w)
	}
	for _, in := range []struct {
		c      int
		la, mu float64
	}{{0, 1, 1}, {1, -1, 1}, {1, 1, 0}, {1, math.NaN(), 1}} {
		if p, w := ErlangC(in.c, in.la, in.mu); !math.IsNaN(p) || !math.IsNaN(w) {
			t.Errorf("ErlangC(%d, %g, %g) = (%g, %g), want NaNs", in.c, in.la, in.mu, p, w)
		}
	}
	// Many servers must not overflow (no factorials).
	if p, _ := ErlangC(2000, 1900, 1); !(p > 0 && p < 1) {
		t.Errorf("ErlangC(2000, 1900, 1) pWait = %g, want in (0, 1)", p)
	}
}
