package sim

import (
	"context"
	"testing"
	"time"
)

// yearCentre is a 100-agent contact centre (70 L1, 22 L2, 8 L3 on duty
// around the clock) receiving about a million tickets a year, with a daily
// profile, priorities, escalations, hand-off costs and impatient chat
// customers.
func yearCentre() Scenario {
	min := func(m float64) Duration { return Duration(m * float64(time.Minute)) }
	logn := func(mean, sd float64) Distribution {
		return Distribution{Dist: DistLognormal, Mean: min(mean), SD: min(sd)}
	}
	return Scenario{
		Name:    "year, 100 agents",
		Horizon: Duration(365 * 24 * time.Hour),
		Warmup:  Duration(24 * time.Hour),
		Arrivals: Arrivals{PerDay: 2900,
			Hourly: []float64{0.3, 0.2, 0.2, 0.2, 0.3, 0.5, 0.8, 1.1, 1.4, 1.5, 1.5, 1.4,
				1.3, 1.3, 1.4, 1.4, 1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.6, 0.4}},
		SelfService: SelfService{Deflection: 0.05},
		Channels: []Channel{
			{Name: "email", Share: 0.7},
			{Name: "chat", Share: 0.3, Patience: &Distribution{Dist: DistExponential, Mean: min(10)}},
		},
		RequestTypes: []RequestType{
			{Name: "simple", Share: 0.6, Priorities: map[string]float64{"urgent": 0.1, "normal": 0.9},
				Handling: map[string]Distribution{"L1": logn(20, 15), "L2": logn(35, 25)},
				Escalate: map[string]float64{"L1": 0.1}},
			{Name: "complex", Share: 0.4,
				Handling: map[string]Distribution{"L1": logn(32, 20), "L2": logn(45, 30), "L3": logn(90, 60)},
				Escalate: map[string]float64{"L1": 0.35, "L2": 0.2}},
		},
		Tiers: []Tier{
			{Name: "L1", Agents: 70, HourlyCost: 30, Queue: Priority},
			{Name: "L2", Agents: 22, HourlyCost: 45, Handoff: &Distribution{Dist: DistConstant, Mean: min(5)}},
			{Name: "L3", Agents: 8, HourlyCost: 80, Handoff: &Distribution{Dist: DistConstant, Mean: min(10)}},
		},
		SLA: SLA{Targets: map[string]SLATarget{"default": {FirstResponse: min(60), Resolution: min(8 * 60)}}},
	}
}

// BenchmarkYear100Agents simulates one replication of a year of the
// 100-agent centre (about a million tickets). Target: under 2 s per op.
func BenchmarkYear100Agents(b *testing.B) {
	sc := yearCentre()
	b.ReportAllocs()
	var tickets float64
	for i := 0; i < b.N; i++ {
		res, err := Run(context.Background(), sc, RunOptions{Seed: uint64(i + 1), Replications: 1})
		if err != nil {
			b.Fatal(err)
		}
		tickets = res.TicketsPerDay.Mean * 365
	}
	b.ReportMetric(tickets, "tickets/op")
}
