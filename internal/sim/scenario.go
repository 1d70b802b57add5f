package sim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Model is a support organisation model.
type Model string

// The support models Palier knows.
const (
	Tiered   Model = "tiered"
	Swarming Model = "swarming"
	Hybrid   Model = "hybrid"
)

// QueueDiscipline says in which order a tier's agents take waiting tickets.
type QueueDiscipline string

// Queue disciplines.
const (
	FIFO     QueueDiscipline = "fifo"
	Priority QueueDiscipline = "priority"
)

// Priorities, most urgent first. Priority queues serve them in this order.
var Priorities = []string{"urgent", "high", "normal", "low"}

// TierNames are the human tiers a scenario may staff (L0 is self-service).
var TierNames = []string{"L1", "L2", "L3", "L4"}

// Scenario describes one support organisation and its demand. Field comments
// give the YAML names; examples/README.md explains them for leads.
type Scenario struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Model is tiered, swarming or hybrid (then each request type says).
	Model Model `yaml:"model" json:"model"`
	// Horizon is the measured period; Warmup is simulated first and not
	// measured, so the measured period does not start with empty queues.
	Horizon      Duration      `yaml:"horizon,omitempty" json:"horizon,omitempty"`
	Warmup       Duration      `yaml:"warmup,omitempty" json:"warmup,omitempty"`
	Arrivals     Arrivals      `yaml:"arrivals" json:"arrivals"`
	SelfService  SelfService   `yaml:"self_service,omitempty" json:"self_service,omitempty"`
	Channels     []Channel     `yaml:"channels,omitempty" json:"channels,omitempty"`
	RequestTypes []RequestType `yaml:"request_types" json:"request_types"`
	Tiers        []Tier        `yaml:"tiers" json:"tiers"`
	Swarming     SwarmSettings `yaml:"swarming,omitempty" json:"swarming,omitempty"`
	SLA          SLA           `yaml:"sla,omitempty" json:"sla,omitempty"`
}

// Arrivals describes customer demand (before self-service).
type Arrivals struct {
	// PerDay is the mean number of requests per day over a week; PerHour is
	// an alternative (give one of them).
	PerDay  float64 `yaml:"per_day,omitempty" json:"per_day,omitempty"`
	PerHour float64 `yaml:"per_hour,omitempty" json:"per_hour,omitempty"`
	// Hourly holds 24 relative weights (hour of day), Daily 7 (Monday
	// first). HourOfWeek holds 168 weights (Monday 00:00 first) and replaces
	// both. Weights are normalised so the mean rate stays PerDay.
	Hourly     []float64 `yaml:"hourly,omitempty" json:"hourly,omitempty"`
	Daily      []float64 `yaml:"daily,omitempty" json:"daily,omitempty"`
	HourOfWeek []float64 `yaml:"hour_of_week,omitempty" json:"hour_of_week,omitempty"`
	Spikes     []Spike   `yaml:"spikes,omitempty" json:"spikes,omitempty"`
	// Replay, when set, replaces the Poisson process: tickets arrive exactly
	// at these offsets. Replayed tickets are real tickets, so self-service
	// does not apply to them.
	Replay []ReplayArrival `yaml:"replay,omitempty" json:"replay,omitempty"`
}

// Spike multiplies the arrival rate for a while, e.g. during an outage.
type Spike struct {
	// Start is the offset from simulation start (a Monday 00:00).
	Start      Duration `yaml:"start" json:"start"`
	Duration   Duration `yaml:"duration" json:"duration"`
	Multiplier float64  `yaml:"multiplier" json:"multiplier"`
	// Type, when set, makes all the extra requests of this request type.
	Type string `yaml:"type,omitempty" json:"type,omitempty"`
}

// ReplayArrival is one recorded ticket creation.
type ReplayArrival struct {
	At       Duration `yaml:"at" json:"at"`
	Type     string   `yaml:"type" json:"type"`
	Channel  string   `yaml:"channel,omitempty" json:"channel,omitempty"`
	Priority string   `yaml:"priority,omitempty" json:"priority,omitempty"`
}

// SelfService is Level 0: the share of demand resolved before contact.
type SelfService struct {
	// Deflection is the default share; request types may override it.
	Deflection float64 `yaml:"deflection,omitempty" json:"deflection,omitempty"`
}

// Channel is an entry channel with its share of demand and the patience of
// customers waiting for a first contact on it (none: they never abandon).
type Channel struct {
	Name     string        `yaml:"name" json:"name"`
	Share    float64       `yaml:"share" json:"share"`
	Patience *Distribution `yaml:"patience,omitempty" json:"patience,omitempty"`
}

// RequestType is a kind of request with its complexity.
type RequestType struct {
	Name  string  `yaml:"name" json:"name"`
	Share float64 `yaml:"share" json:"share"`
	// Model is required for each type when the scenario model is hybrid.
	Model Model `yaml:"model,omitempty" json:"model,omitempty"`
	// Entry is the tier that takes the ticket first (default: lowest tier).
	Entry string `yaml:"entry,omitempty" json:"entry,omitempty"`
	// SelfService overrides self_service.deflection for this type.
	SelfService *float64 `yaml:"self_service,omitempty" json:"self_service,omitempty"`
	// Priorities maps urgent/high/normal/low to shares (default all normal).
	Priorities map[string]float64 `yaml:"priorities,omitempty" json:"priorities,omitempty"`
	// Handling gives the handling time per tier (L1..L4).
	Handling map[string]Distribution `yaml:"handling" json:"handling"`
	// Escalate gives, per tier, the probability that a ticket worked there
	// needs the next tier up.
	Escalate map[string]float64 `yaml:"escalate,omitempty" json:"escalate,omitempty"`
}

// Tier is a staffed level. Give either Agents (with Hours) or Shifts.
type Tier struct {
	Name  string `yaml:"name" json:"name"`
	Label string `yaml:"label,omitempty" json:"label,omitempty"`
	// Agents on duty during Hours (default "24/7").
	Agents int     `yaml:"agents,omitempty" json:"agents,omitempty"`
	Hours  string  `yaml:"hours,omitempty" json:"hours,omitempty"`
	Shifts []Shift `yaml:"shifts,omitempty" json:"shifts,omitempty"`
	// HourlyCost is the loaded cost of one agent hour (any currency).
	HourlyCost float64 `yaml:"hourly_cost,omitempty" json:"hourly_cost,omitempty"`
	// Handoff is the re-reading time a receiving agent spends on a ticket
	// escalated to this tier (tiered model).
	Handoff *Distribution   `yaml:"handoff,omitempty" json:"handoff,omitempty"`
	Queue   QueueDiscipline `yaml:"queue,omitempty" json:"queue,omitempty"`
}

// Shift is a group of agents working the same hours.
type Shift struct {
	Hours  string `yaml:"hours" json:"hours"`
	Agents int    `yaml:"agents" json:"agents"`
}

// SwarmSettings holds the swarming model's costs.
type SwarmSettings struct {
	// Collaboration is the expert's time per swarm.
	Collaboration *Distribution `yaml:"collaboration,omitempty" json:"collaboration,omitempty"`
	// Interruption is the context-switch cost added to a busy expert's own
	// work when a swarm interrupts it.
	Interruption Duration `yaml:"interruption,omitempty" json:"interruption,omitempty"`
}

// SLA gives service-level targets per priority.
type SLA struct {
	// Hours are the business hours targets are counted in (default 24/7).
	Hours string `yaml:"hours,omitempty" json:"hours,omitempty"`
	// Targets by priority; "default" applies to priorities not listed.
	Targets map[string]SLATarget `yaml:"targets,omitempty" json:"targets,omitempty"`
}

// SLATarget is a pair of targets; zero means no target.
type SLATarget struct {
	FirstResponse Duration `yaml:"first_response,omitempty" json:"first_response,omitempty"`
	Resolution    Duration `yaml:"resolution,omitempty" json:"resolution,omitempty"`
}

// Distribution is a duration distribution. In YAML it is either a plain
// duration ("10m", constant) or a mapping with dist: lognormal (mean, sd),
// exponential (mean), constant (mean) or empirical (values, sampled with
// linear interpolation between sorted values).
type Distribution struct {
	Dist   string     `yaml:"dist" json:"dist"`
	Mean   Duration   `yaml:"mean,omitempty" json:"mean,omitempty"`
	SD     Duration   `yaml:"sd,omitempty" json:"sd,omitempty"`
	Values []Duration `yaml:"values,omitempty" json:"values,omitempty"`
}

// Distribution kinds.
const (
	DistLognormal   = "lognormal"
	DistExponential = "exponential"
	DistConstant    = "constant"
	DistEmpirical   = "empirical"
)

// UnmarshalYAML accepts a plain duration as a constant distribution.
func (d *Distribution) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		var v Duration
		if err := n.Decode(&v); err != nil {
			return err
		}
		*d = Distribution{Dist: DistConstant, Mean: v}
		return nil
	}
	// A distinct type without the method avoids infinite recursion; the
	// unknown-field check is done on the whole document beforehand.
	type plain Distribution
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*d = Distribution(p)
	return nil
}

// MeanSeconds is the distribution's mean in seconds.
func (d Distribution) MeanSeconds() float64 {
	if d.Dist == DistEmpirical {
		if len(d.Values) == 0 {
			return 0
		}
		// Linear interpolation between sorted values gives a mean that
		// weighs the two end values by half.
		s := sortedSeconds(d.Values)
		if len(s) == 1 {
			return s[0]
		}
		sum := (s[0] + s[len(s)-1]) / 2
		for _, v := range s[1 : len(s)-1] {
			sum += v
		}
		return sum / float64(len(s)-1)
	}
	return d.Mean.Seconds()
}

// String is a short human description, e.g. "lognormal(mean 8m, sd 6m)".
func (d Distribution) String() string {
	switch d.Dist {
	case DistLognormal:
		return fmt.Sprintf("lognormal(mean %s, sd %s)", d.Mean, d.SD)
	case DistEmpirical:
		return fmt.Sprintf("empirical(%d values)", len(d.Values))
	default:
		return fmt.Sprintf("%s(mean %s)", d.Dist, d.Mean)
	}
}

// Duration is a time.Duration written like Go durations, with "d" for
// days and "w" for weeks allowed ("2d", "1d12h", "90m").
type Duration time.Duration

// Seconds returns the duration in seconds.
func (d Duration) Seconds() float64 { return time.Duration(d).Seconds() }

// String formats the duration, using days when it is a whole number of them.
func (d Duration) String() string {
	td := time.Duration(d)
	const day = 24 * time.Hour
	if td >= day && td%day == 0 {
		return strconv.FormatInt(int64(td/day), 10) + "d"
	}
	if td >= day {
		return strconv.FormatInt(int64(td/day), 10) + "d" + strings.TrimSuffix(strings.TrimSuffix((td%day).String(), "0s"), "0m")
	}
	s := td.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// ParseDuration parses a Go duration with optional leading days/weeks parts.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if s == "0" {
		return 0, nil
	}
	neg := strings.HasPrefix(s, "-")
	rest := strings.TrimPrefix(s, "-")
	var total time.Duration
	// Peel off w and d components, which time.ParseDuration lacks.
	for _, unit := range []struct {
		suffix string
		size   time.Duration
	}{{"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour}} {
		i := strings.Index(rest, unit.suffix)
		if i < 0 {
			continue
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("invalid duration %q (use e.g. 90s, 15m, 2h30m, 3d)", s)
		}
		total += time.Duration(n * float64(unit.size))
		rest = rest[i+1:]
	}
	if rest != "" {
		d, err := time.ParseDuration(rest)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("invalid duration %q (use e.g. 90s, 15m, 2h30m, 3d)", s)
		}
		total += d
	}
	if neg {
		total = -total
	}
	return Duration(total), nil
}

// UnmarshalYAML reads a duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a duration such as 15m or 2d", n.Line)
	}
	v, err := ParseDuration(n.Value)
	if err != nil {
		// The column lets LoadScenario name the field in flow mappings
		// such as {mean: 5m, sd: 3m}, where several share a line.
		return fmt.Errorf("line %d column %d: %w", n.Line, n.Column, err)
	}
	*d = v
	return nil
}

// MarshalYAML writes the duration as a string.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// MarshalText writes the duration as a string (used by encoding/json).
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a duration string (used by encoding/json).
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
