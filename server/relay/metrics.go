package relay

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the relay's Prometheus series, on a registry of the Server's
// own (never the global default, so two Servers in one process, as in
// tests, do not collide).
type metrics struct {
	reg         *prometheus.Registry
	connections prometheus.Gauge
	documents   prometheus.Gauge
	messages    *prometheus.CounterVec
	bytes       *prometheus.CounterVec
	dropped     *prometheus.CounterVec
	syncRTT     prometheus.Histogram
	storeOps    *prometheus.CounterVec
}

// sizer is implemented by stores that can report their size on disk
// (badgerstore: LSM tree and value log); the store_bytes gauge reads it.
type sizer interface {
	Size() (lsm, vlog int64)
}

func newMetrics(st any) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "commonplace_relay_connections", Help: "Open WebSocket connections.",
		}),
		documents: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "commonplace_relay_documents_loaded", Help: "Documents held in memory.",
		}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "commonplace_relay_messages_total", Help: "Protocol messages by direction and type.",
		}, []string{"direction", "type"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "commonplace_relay_bytes_total", Help: "WebSocket payload bytes by direction.",
		}, []string{"direction"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "commonplace_relay_connections_closed_total", Help: "Connections closed by the relay, by reason.",
		}, []string{"reason"}),
		syncRTT: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "commonplace_relay_sync_round_trip_seconds",
			Help:    "Time from a sync message sent to a peer to that peer's next sync message on the same document.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
		}),
		storeOps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "commonplace_relay_store_ops_total", Help: "Store writes by operation (put, delete, error).",
		}, []string{"op"}),
	}
	m.reg.MustRegister(m.connections, m.documents, m.messages, m.bytes, m.dropped, m.syncRTT, m.storeOps)
	if sz, ok := st.(sizer); ok {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "commonplace_relay_store_bytes", Help: "Size of the store on disk.",
		}, func() float64 {
			lsm, vlog := sz.Size()
			return float64(lsm + vlog)
		}))
	}
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
