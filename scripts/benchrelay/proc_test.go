package main

import (
	"os"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	tests := []struct {
		name    string
		stat    string
		want    time.Duration
		wantErr bool
	}{
		{"plain", "1234 (node) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 37 0 0 20 0 11 0 5 0", 287 * clockTick, false},
		{"command with spaces and parens", "99 (a (b) c) R 1 99 99 0 -1 0 0 0 0 0 7 3 0 0", 10 * clockTick, false},
		{"no command", "99 a R 1", 0, true},
		{"too few fields", "99 (x) R 1 2", 0, true},
		{"non-numeric utime", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 u 3", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStatCPU([]byte(tc.stat))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseStatusHWM(t *testing.T) {
	tests := []struct {
		name    string
		status  string
		want    int64
		wantErr bool
	}{
		{"present", "Name:\tnode\nVmPeak:\t 900 kB\nVmHWM:\t  355140 kB\nVmRSS:\t 1 kB\n", 355140 << 10, false},
		{"missing", "Name:\tx\nVmRSS:\t 1 kB\n", 0, true},
		{"odd unit", "VmHWM:\t 3 MB\n", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStatusHWM([]byte(tc.status))
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("got %d, %v; want %d, err %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// TestProcSelf reads this process's own figures the way the generator
// reads a server's.
func TestProcSelf(t *testing.T) {
	if _, err := cpuTime(os.Getpid()); err != nil {
		t.Fatal(err)
	}
	rss, err := peakRSS(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if rss <= 0 {
		t.Fatalf("peak RSS %d", rss)
	}
}
