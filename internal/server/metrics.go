package server

import (
	"fmt"
	"github.com/palier/palier/internal/live"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// metrics exposes request counts and latencies in the Prometheus text
// format. A handful of series does not justify a client library.
type metrics struct {
	version string
	mu      sync.Mutex
	series  map[seriesKey]*histogram
	// gauges writes the point-in-time series (long-lived connections).
	gauges func(b *strings.Builder)
}

type seriesKey struct{ method, route, code string }

// buckets are the latency histogram's upper bounds, in seconds.
var buckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type histogram struct {
	counts []uint64 // per bucket, cumulative at export time
	sum    float64
	total  uint64
}

func newMetrics(version string) *metrics {
	return &metrics{version: version, series: map[seriesKey]*histogram{}}
}

// observe counts one answered request. r.Pattern is the matched route
// ("GET /tickets/{id}"), which keeps the label set bounded whatever URLs
// clients send.
func (m *metrics) observe(r *http.Request, status int, took time.Duration) {
	route := r.Pattern
	if route == "" {
		route = "unmatched"
	}
	k := seriesKey{r.Method, route, strconv.Itoa(status)}
	seconds := took.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.series[k]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(buckets))}
		m.series[k] = h
	}
	if i := sort.SearchFloat64s(buckets, seconds); i < len(buckets) {
		h.counts[i]++
	}
	h.sum += seconds
	h.total++
}

func (m *metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	var b strings.Builder
	fmt.Fprintf(&b, "# HELP palier_build_info Palier build.\n# TYPE palier_build_info gauge\npalier_build_info{version=%q} 1\n", m.version)
	b.WriteString("# HELP palier_http_request_duration_seconds HTTP request latency by route and status.\n# TYPE palier_http_request_duration_seconds histogram\n")
	m.mu.Lock()
	keys := make([]seriesKey, 0, len(m.series))
	for k := range m.series {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b seriesKey) int {
		return strings.Compare(a.route+a.method+a.code, b.route+b.method+b.code)
	})
	for _, k := range keys {
		h := m.series[k]
		labels := fmt.Sprintf("method=%q,route=%q,code=%q", k.method, k.route, k.code)
		var cum uint64
		for i, le := range buckets {
			cum += h.counts[i]
			fmt.Fprintf(&b, "palier_http_request_duration_seconds_bucket{%s,le=\"%g\"} %d\n", labels, le, cum)
		}
		fmt.Fprintf(&b, "palier_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", labels, h.total)
		fmt.Fprintf(&b, "palier_http_request_duration_seconds_sum{%s} %g\n", labels, h.sum)
		fmt.Fprintf(&b, "palier_http_request_duration_seconds_count{%s} %d\n", labels, h.total)
	}
	m.mu.Unlock()
	if m.gauges != nil {
		m.gauges(&b)
	}
	_, _ = w.Write([]byte(b.String()))
}

// liveGauges reports the live event hub: its subscriptions are the
// long-lived connections (event streams, chat), which the request
// histogram leaves out on purpose.
func liveGauges(d interface{ Live() *live.Hub }) func(b *strings.Builder) {
	return func(b *strings.Builder) {
		st := d.Live().Stats()
		linked := 0
		if st.Linked {
			linked = 1
		}
		fmt.Fprintf(b, "# HELP palier_live_subscribers Open live event subscriptions (long-lived connections).\n# TYPE palier_live_subscribers gauge\npalier_live_subscribers %d\n", st.Subscribers)
		fmt.Fprintf(b, "# HELP palier_live_dropped_total Live subscriptions closed for lagging or a lost database link.\n# TYPE palier_live_dropped_total counter\npalier_live_dropped_total %d\n", st.Dropped)
		fmt.Fprintf(b, "# HELP palier_live_delivered_total Live events handed to subscribers.\n# TYPE palier_live_delivered_total counter\npalier_live_delivered_total %d\n", st.Delivered)
		fmt.Fprintf(b, "# HELP palier_live_linked Whether this instance hears the other instances' events (1) or not (0).\n# TYPE palier_live_linked gauge\npalier_live_linked %d\n", linked)
	}
}
