// Package sim is Palier's model chooser: a discrete-event simulation of a
// support organisation that lets a lead compare staffing levels and support
// models (tiered, swarming or a per-request-type hybrid) before changing the
// real organisation.
//
// # What is simulated
//
// Customer demand arrives as a Poisson process whose rate follows an hourly
// and weekly profile (optionally with spikes, for outages), or as a replay of
// recorded ticket creation times. Each request gets a request type (with its
// own complexity), a channel and a priority. Self-service (L0) resolves a share
// of demand before any contact; the rest become tickets.
//
// Tickets enter the queue of their entry tier (usually L1). Tiers L1..L4 have
// agents on shifts (business hours). An agent who picks a ticket up works it
// for a handling time drawn from the request type's distribution at that tier
// (lognormal, exponential, constant or empirical). When the work ends, the
// ticket needs the next tier with the probability given per request type and
// tier. What happens then depends on the model:
//
//   - tiered: the ticket is handed off; it waits in the next tier's queue
//     and the receiving agent first spends the tier's hand-off (re-reading)
//     time on it.
//   - swarming: the agent who first picked the ticket up stays its owner and
//     does the next level of work at once, pulling in an expert of the needed
//     tier for a collaboration time. The expert is interrupted: an idle
//     expert is busy for that time, a busy one has their own work pushed back
//     by it (plus a context-switch cost). There is no hand-off queue.
//   - hybrid: each request type says which of the two it follows.
//
// Customers waiting for a first contact abandon when their patience (per
// channel) runs out. Queues are FIFO or strict priority (FIFO within a
// priority).
//
// # Assumptions worth knowing
//
//   - Simulation time 0 is a Monday 00:00; shifts, profiles and SLA business
//     hours repeat weekly.
//   - An agent whose shift ends finishes the ticket in hand, then leaves.
//   - Abandonment only happens before the first contact; after that the
//     customer waits for the resolution.
//   - The owner of a swarmed ticket is not tracked as a person: the owner's
//     time is counted on the owner tier. If no expert of the needed tier is on
//     duty, the ticket waits for one (counted as a swarm wait, not a hand-off)
//     and then goes back to the front of the owner tier's queue.
//   - Work content is drawn per ticket from its own random stream, so two
//     scenarios run with the same seed see the same customers with the same
//     needs (common random numbers): differences between them come from the
//     organisation, not from luck. Replications use independent streams and
//     run in parallel, yet results depend only on the seed.
//   - Statistics are streamed: means are exact, quantiles come from fixed
//     log-spaced histograms (about 1% relative resolution), so memory does not
//     grow with the number of tickets.
//   - Tickets arriving during the warm-up are simulated but not measured;
//     tickets arriving in the measured window are followed until they finish,
//     while arrivals continue so the end of the window is not favoured.
//
// # Languages
//
// Reports speak English or French: [CompareIn], [RecommendIn],
// [FitReport.SummaryIn], [FitReport.NotesIn] and [Result.WarningsIn] take
// a language, and the plain functions and fields are English. Sentences
// computed once (calibration notes, run warnings) are kept as [Text] so
// each reader gets them in their own language; numbers follow the
// language too (decimal comma, "j" for days in French). The command line
// takes --lang, defaulting to the locale.
//
// # Correctness references
//
// [ErlangC] gives the analytic M/M/c probability of waiting and mean wait;
// the tests check the simulator against it within 2% at loads 0.5 to 0.95,
// check abandonment against the M/M/c+M (Erlang A) chain, and check
// Little's law on the outputs of scenarios with shifts, escalations and
// swarming.
package sim
