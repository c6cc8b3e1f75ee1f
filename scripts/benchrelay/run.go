package main

import (
	"context"
	"fmt"
	"syscall"
	"time"

	"github.com/commonplace/commonplace/server/wire"
)

// runEnv is what a phase needs: the configuration, the server under test
// and the shared frame codec.
type runEnv struct {
	cfg    config
	server *serverProc
	codec  *wire.Codec
}

// dial connects a client whose frames -workers goroutines handle, so one
// client fetching many documents (the cold sync) uses every core.
func (env *runEnv) dial(ctx context.Context) (*client, error) {
	return env.dialWorkers(ctx, env.cfg.Workers)
}

// dialInline connects a client that handles each frame on its read loop.
// Many clients at once (the shared documents) keep the cores busy anyway,
// and a hand-off to a worker per frame costs a goroutine wake-up each.
func (env *runEnv) dialInline(ctx context.Context) (*client, error) {
	return env.dialWorkers(ctx, 0)
}

func (env *runEnv) dialWorkers(ctx context.Context, workers int) (*client, error) {
	if err := env.server.alive(); err != nil {
		return nil, err
	}
	return dial(ctx, env.server.url, env.codec, workers)
}

// startCPU samples the server's CPU time; the returned function gives the
// CPU used since.
func (env *runEnv) startCPU() (func() (time.Duration, error), error) {
	before, err := env.server.cpu()
	if err != nil {
		return nil, err
	}
	return func() (time.Duration, error) {
		after, err := env.server.cpu()
		if err != nil {
			return 0, err
		}
		return after - before, nil
	}, nil
}

// serverFigures is everything measured against one server.
type serverFigures struct {
	Server         string        `json:"server"`
	Cold           coldResult    `json:"cold_sync"`
	Shared         sharedResult  `json:"shared_edits"`
	Visible        visibleResult `json:"edit_to_visible"`
	PeakRSSMiB     float64       `json:"server_peak_rss_mib"`
	GeneratorCPUMs float64       `json:"generator_cpu_ms"`
	Seconds        float64       `json:"seconds"`
	// Load1 is the machine's 1-minute load average after the run: other
	// processes competing for the cores make every figure noisier.
	Load1 float64 `json:"load_average_1m"`
}

// runServer starts one server, runs the three phases against it, reads its
// peak RSS and stops it, also on failure.
func runServer(ctx context.Context, l launcher, cfg config, keep bool, fx *coldFixture, codec *wire.Codec) (serverFigures, error) {
	fig := serverFigures{Server: l.name()}
	start := time.Now()
	genBefore := selfCPU()
	srv, err := startServer(ctx, l, keep)
	if err != nil {
		return fig, err
	}
	defer srv.stop()
	env := &runEnv{cfg: cfg, server: srv, codec: codec}

	if fig.Cold, err = runCold(ctx, env, fx); err != nil {
		return fig, withLog(srv, err)
	}
	if fig.Shared, err = runShared(ctx, env); err != nil {
		return fig, withLog(srv, err)
	}
	if fig.Visible, err = runVisible(ctx, env); err != nil {
		return fig, withLog(srv, err)
	}
	rss, err := srv.peakRSS()
	if err != nil {
		return fig, err
	}
	fig.PeakRSSMiB = float64(rss) / (1 << 20)
	fig.GeneratorCPUMs = millis(selfCPU() - genBefore)
	fig.Seconds = time.Since(start).Seconds()
	fig.Load1 = loadAverage()
	return fig, nil
}

func withLog(s *serverProc, err error) error {
	if alive := s.alive(); alive != nil {
		return fmt.Errorf("%w (%w)", err, alive)
	}
	return fmt.Errorf("%w\n%s log tail:\n%s", err, s.name, s.logTail())
}

// selfCPU is the generator's own CPU time, to tell when the generator
// rather than the server was the bottleneck.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
