package main

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	opts := []option{
		{long: "interactive", short: 'i'}, {long: "tty", short: 't'},
		{long: "env", short: 'e', arg: "KEY=VALUE", multi: true}, {long: "name", arg: "ID"},
	}
	cases := []struct {
		args      []string
		stopAfter int
		values    map[string][]string
		pos       []string
		err       string
	}{
		{[]string{"-it", "demo", "--", "sh", "-c", "x"}, 1, map[string][]string{"interactive": {"true"}, "tty": {"true"}}, []string{"demo", "sh", "-c", "x"}, ""},
		// Options stop at the command: -c is the command's.
		{[]string{"demo", "-i", "sh", "-c", "x"}, 1, map[string][]string{"interactive": {"true"}}, []string{"demo", "sh", "-c", "x"}, ""},
		{[]string{"-eA=1", "-e", "B=2", "--env=C=3", "--name", "n", "x"}, -1,
			map[string][]string{"env": {"A=1", "B=2", "C=3"}, "name": {"n"}}, []string{"x"}, ""},
		{[]string{"a", "--name", "n", "b"}, -1, map[string][]string{"name": {"n"}}, []string{"a", "b"}, ""},
		{[]string{"-"}, -1, map[string][]string{}, []string{"-"}, ""},
		{[]string{"--nope"}, -1, nil, nil, "unknown option --nope"},
		{[]string{"-x"}, -1, nil, nil, "unknown option -x"},
		{[]string{"--name"}, -1, nil, nil, "--name needs a value"},
		{[]string{"--name", "a", "--name", "b"}, -1, nil, nil, "--name given twice"},
		{[]string{"--tty=yes"}, -1, nil, nil, "--tty takes no value"},
	}
	for _, c := range cases {
		p, err := parseArgs(opts, c.args, c.stopAfter)
		if c.err != "" {
			var u *usageError
			if !errors.As(err, &u) || !strings.Contains(u.msg, c.err) {
				t.Errorf("%q: error %v, want %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.args, err)
			continue
		}
		if !reflect.DeepEqual(p.values, c.values) || !reflect.DeepEqual(p.args, c.pos) {
			t.Errorf("%q: got %v %q, want %v %q", c.args, p.values, p.args, c.values, c.pos)
		}
	}
	if _, err := parseArgs(opts, []string{"x", "--help"}, -1); !errors.Is(err, errHelp) {
		t.Errorf("--help: %v", err)
	}
}

func TestFindVerb(t *testing.T) {
	for args, want := range map[string]string{"list": "list", "layer import x y": "layer import", "--version": "version",
		"service set --runtime runc": "service set"} {
		v, _, err := findVerb(strings.Fields(args))
		if err != nil || v == nil || v.name != want {
			t.Errorf("findVerb(%q) = %v, %v; want %s", args, v, err, want)
		}
	}
	for _, args := range []string{"layer", "help", "layer --help"} {
		if v, _, err := findVerb(strings.Fields(args)); v != nil || err != nil {
			t.Errorf("findVerb(%q) = %v, %v; want the help", args, v, err)
		}
	}
	for _, args := range []string{"frobnicate", "layer frobnicate"} {
		if _, _, err := findVerb(strings.Fields(args)); err == nil {
			t.Errorf("findVerb(%q) found a verb", args)
		}
	}
}

func TestParseSignal(t *testing.T) {
	for s, want := range map[string]int{"9": 9, "KILL": 9, "sigkill": 9, "term": 15, "SIGUSR1": 10, "hup": 1} {
		if n, err := parseSignal(s); err != nil || n != want {
			t.Errorf("parseSignal(%q) = %d, %v; want %d", s, n, err, want)
		}
	}
	for _, s := range []string{"0", "65", "NOPE", ""} {
		if _, err := parseSignal(s); err == nil {
			t.Errorf("parseSignal(%q) accepted", s)
		}
	}
}
