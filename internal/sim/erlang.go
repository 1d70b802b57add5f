package sim

import "math"

// ErlangC is the analytic M/M/c reference: Poisson arrivals at arrivalRate,
// exponential service at serviceRate per server, servers identical servers,
// FIFO, infinite patience. It returns the probability that a customer
// waits and the mean wait (in the unit of 1/rate). An unstable queue
// (load >= servers) gives (1, +Inf); invalid input gives NaNs.
func ErlangC(servers int, arrivalRate, serviceRate float64) (pWait, meanWait float64) {
	if servers <= 0 || !(arrivalRate >= 0) || !(serviceRate > 0) || math.IsInf(arrivalRate, 0) {
		return math.NaN(), math.NaN()
	}
	a := arrivalRate / serviceRate // offered load in Erlangs
	c := float64(servers)
	if a >= c {
		return 1, math.Inf(1)
	}
	if a == 0 {
		return 0, 0
	}
	// Erlang B by the stable recurrence B(k) = a·B(k-1) / (k + a·B(k-1)),
	// then C = c·B / (c - a·(1 - B)); no factorials, no overflow.
	b := 1.0
	for k := 1; k <= servers; k++ {
		b = a * b / (float64(k) + a*b)
	}
	pWait = c * b / (c - a*(1-b))
	meanWait = pWait / (c*serviceRate - arrivalRate)
	return pWait, meanWait
}
