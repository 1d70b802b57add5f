package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/palier/palier/internal/sim"
)

// The simulator's behaviour is tested in package sim (sim.Command); these
// tests cover what the command line adds: flags, usage and the language
// taken from the locale.

func TestSimulateFlags(t *testing.T) {
	t.Setenv("LC_ALL", "C.UTF-8")
	c, err := parseSimulateFlags([]string{"--scenario", "a.yaml", "--agents", "L1=8", "--model", "swarming",
		"--replications", "7", "--seed", "3", "--json", "--lang", "fr"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	want := sim.Command{Scenario: "a.yaml", Agents: "L1=8", Model: "swarming", Replications: 7, Seed: 3, JSON: true, Lang: "fr"}
	if c != want {
		t.Errorf("parsed %+v, want %+v", c, want)
	}
	if c, _ := parseSimulateFlags([]string{"--scenario", "a.yaml"}, &bytes.Buffer{}); c.Replications != sim.DefaultReplications || c.Seed != 1 || c.Lang != "en" {
		t.Errorf("defaults: %+v", c)
	}
}

func TestSimulateRefusesBadFlags(t *testing.T) {
	t.Setenv("LC_ALL", "C.UTF-8")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"stray argument", []string{"--scenario", "a.yaml", "extra"}, "unexpected argument"},
		{"unknown flag", []string{"--scenaro", "a.yaml"}, "flag provided but not defined"},
		{"no source", nil, "give --scenario FILE or --from-workspace"},
		{"unsupported language", []string{"--scenario", "a.yaml", "--lang", "de"}, "use en or fr"},
	} {
		var out, stderr bytes.Buffer
		err := runSimulate(context.Background(), tc.args, &out, &stderr, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
		if out.Len() > 0 {
			t.Errorf("%s: a refused command printed a report: %q", tc.name, out.String())
		}
	}
	var stderr bytes.Buffer
	if err := runSimulate(context.Background(), []string{"-h"}, &bytes.Buffer{}, &stderr, nil); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: got %v, want flag.ErrHelp", err)
	}
	if !strings.Contains(stderr.String(), "Usage: palier simulate") || !strings.Contains(stderr.String(), "-from-workspace") {
		t.Errorf("-h prints no usage: %q", stderr.String())
	}
}

func TestSimulateLanguageFromLocale(t *testing.T) {
	args := []string{"--scenario", "../../examples/b2c-shop.yaml", "--agents", "L1=12", "--replications", "2"}
	for _, tc := range []struct {
		lcAll, lang, want string
	}{
		{"", "fr_FR.UTF-8", "Recommandation :"},
		{"", "de_DE.UTF-8", "Recommendation:"},
		{"en_GB.UTF-8", "fr_FR.UTF-8", "Recommendation:"},
		{"fr_CA.UTF-8", "", "Recommandation :"},
	} {
		t.Setenv("LC_ALL", tc.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", tc.lang)
		var out bytes.Buffer
		if err := runSimulate(context.Background(), args, &out, &bytes.Buffer{}, nil); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("LC_ALL=%q LANG=%q: output lacks %q", tc.lcAll, tc.lang, tc.want)
		}
	}
}
