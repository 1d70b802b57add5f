package sim

import (
	"math"
	"sort"
)

// sampler draws from a compiled duration distribution (seconds) using two
// uniforms. A fixed number of uniforms per draw keeps the per-ticket random
// streams aligned between scenarios (common random numbers).
type sampler struct {
	kind   uint8
	a, b   float64   // lognormal: mu, sigma; exponential/constant: mean
	values []float64 // empirical, sorted
}

const (
	kindNone uint8 = iota
	kindConstant
	kindExponential
	kindLognormal
	kindEmpirical
)

func compileDist(d *Distribution) sampler {
	if d == nil {
		return sampler{}
	}
	switch d.Dist {
	case DistConstant:
		return sampler{kind: kindConstant, a: d.Mean.Seconds()}
	case DistExponential:
		return sampler{kind: kindExponential, a: d.Mean.Seconds()}
	case DistLognormal:
		m, s := d.Mean.Seconds(), d.SD.Seconds()
		if s == 0 {
			return sampler{kind: kindConstant, a: m}
		}
		// Moments of the lognormal: sigma² = ln(1+cv²), mu = ln(m) - sigma²/2.
		sigma2 := math.Log1p((s / m) * (s / m))
		return sampler{kind: kindLognormal, a: math.Log(m) - sigma2/2, b: math.Sqrt(sigma2)}
	case DistEmpirical:
		return sampler{kind: kindEmpirical, values: sortedSeconds(d.Values)}
	}
	return sampler{}
}

func sortedSeconds(ds []Duration) []float64 {
	out := make([]float64, len(ds))
	for i, v := range ds {
		out[i] = v.Seconds()
	}
	sort.Float64s(out)
	return out
}

// sample maps two uniforms in (0,1) to a duration in seconds.
func (s *sampler) sample(u1, u2 float64) float64 {
	switch s.kind {
	case kindConstant:
		return s.a
	case kindExponential:
		return -s.a * math.Log(u1)
	case kindLognormal:
		// Box–Muller: one normal from exactly two uniforms.
		z := math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
		return math.Exp(s.a + s.b*z)
	case kindEmpirical:
		n := len(s.values)
		if n == 1 {
			return s.values[0]
		}
		pos := u1 * float64(n-1)
		i := int(pos)
		if i >= n-1 {
			return s.values[n-1]
		}
		f := pos - float64(i)
		return s.values[i] + f*(s.values[i+1]-s.values[i])
	}
	return 0
}

func (s *sampler) defined() bool { return s.kind != kindNone }

// splitmix64 is a strong 64-bit mixer (Steele et al.); keyed with a ticket's
// seed and a purpose it gives a counter-based random stream per ticket.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// uniform returns the key-th uniform in (0,1) of the stream seed.
func uniform(seed, key uint64) float64 {
	return (float64(splitmix64(seed+key*0xd1342543de82ef95)>>11) + 0.5) / (1 << 53)
}

// Keys of a ticket's stream. Work step i uses keys stepKey*i + offset.
const (
	keyPatience   = 1
	keyPatience2  = 2
	stepKeyStride = 8
	stepKeyBase   = 16
	offHandle     = 0 // and 1
	offEscalate   = 2
	offHandoff    = 3 // and 4
	offCollab     = 5 // and 6
)

func stepKey(step int, off uint64) uint64 {
	return stepKeyBase + uint64(step)*stepKeyStride + off
}
