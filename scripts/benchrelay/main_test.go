package main

import (
	"testing"
	"time"
)

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(options) bool
		wantErr bool
	}{
		{"full preset", nil, func(o options) bool {
			return o.cfg.ColdDocs == 1000 && o.cfg.Clients == 50 && len(o.servers) == 2
		}, false},
		{"quick preset", []string{"-quick"}, func(o options) bool {
			return o.cfg == quickConfig()
		}, false},
		{"quick keeps explicit flags", []string{"-clients", "7", "-quick", "-visible-gap", "1s"}, func(o options) bool {
			return o.cfg.Clients == 7 && o.cfg.VisibleGap == time.Second && o.cfg.ColdDocs == quickConfig().ColdDocs
		}, false},
		{"one server", []string{"-servers", "commonplace"}, func(o options) bool {
			return len(o.servers) == 1 && o.servers[0] == "commonplace"
		}, false},
		{"unknown server", []string{"-servers", "redis"}, nil, true},
		{"no server", []string{"-servers", ","}, nil, true},
		{"zero clients", []string{"-clients", "0"}, nil, true},
		{"stray argument", []string{"now"}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseOptions(tc.args)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err == nil && !tc.check(o) {
				t.Fatalf("options %+v", o)
			}
		})
	}
}

func TestCommonplaceNeedsBinary(t *testing.T) {
	o, err := parseOptions([]string{"-servers", "commonplace"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.launcher("commonplace"); err == nil {
		t.Fatal("launcher without -commonplace succeeded")
	}
}
