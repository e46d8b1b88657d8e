package main

import (
	"fmt"
	"strconv"
	"strings"
)

// option describes one option of a verb, for the parser and for the OPTIONS section of the
// verb's help.
type option struct {
	long  string // the name after --
	short byte   // the letter after -, or 0
	arg   string // the value's name in help ("MB"); empty for a switch
	multi bool   // may be given more than once
	help  string
}

// parsed is a command line after option parsing: the values of the options by long name
// (a switch records "true"), and the positional arguments in order.
type parsed struct {
	values map[string][]string
	args   []string
}

// has reports whether the option was given.
func (p *parsed) has(name string) bool { return len(p.values[name]) > 0 }

// str returns the option's last value, or "" when it was not given.
func (p *parsed) str(name string) string {
	v := p.values[name]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// all returns every value of a repeatable option, in command-line order.
func (p *parsed) all(name string) []string { return p.values[name] }

// uint returns the option's value as an unsigned number; def when absent.
func (p *parsed) uint(name string, def uint64) (uint64, error) {
	s := p.str(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, usagef("--%s %q: want a whole number", name, s)
	}
	return n, nil
}

// errHelp is returned by parseArgs when -h or --help is given.
var errHelp = fmt.Errorf("help requested")

// parseArgs parses args against opts. Options and positional arguments may be mixed, like
// GNU tools: "--name value", "--name=value", "-x value", and clusters of short switches
// ("-it"). "--" ends the options. When stopAfter is not negative, everything from the
// positional argument after the first stopAfter ones is taken as it is (the command line of
// exec and run).
func parseArgs(opts []option, args []string, stopAfter int) (*parsed, error) {
	p := &parsed{values: map[string][]string{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			p.args = append(p.args, args[i+1:]...)
			return p, nil
		case stopAfter >= 0 && len(p.args) >= stopAfter && !strings.HasPrefix(a, "-"):
			p.args = append(p.args, args[i:]...)
			return p, nil
		case a == "-h" || a == "--help":
			return nil, errHelp
		case strings.HasPrefix(a, "--"):
			next, err := p.long(opts, a[2:], args[i+1:])
			if err != nil {
				return nil, err
			}
			i += next
		case strings.HasPrefix(a, "-") && a != "-":
			next, err := p.shorts(opts, a[1:], args[i+1:])
			if err != nil {
				return nil, err
			}
			i += next
		default:
			p.args = append(p.args, a)
		}
	}
	return p, nil
}

// long handles "--name" or "--name=value"; it returns how many following arguments it used.
func (p *parsed) long(opts []option, s string, rest []string) (int, error) {
	name, value, hasValue := strings.Cut(s, "=")
	o := findLong(opts, name)
	if o == nil {
		return 0, usagef("unknown option --%s", name)
	}
	if o.arg == "" {
		if hasValue {
			return 0, usagef("--%s takes no value", name)
		}
		return 0, p.add(o, "true")
	}
	if hasValue {
		return 0, p.add(o, value)
	}
	if len(rest) == 0 {
		return 0, usagef("--%s needs a value (%s)", name, o.arg)
	}
	return 1, p.add(o, rest[0])
}

// shorts handles a cluster of short options; the last one may take a value, either the rest
// of the cluster ("-eKEY=V") or the next argument.
func (p *parsed) shorts(opts []option, s string, rest []string) (int, error) {
	for j := 0; j < len(s); j++ {
		o := findShort(opts, s[j])
		if o == nil {
			return 0, usagef("unknown option -%c", s[j])
		}
		if o.arg == "" {
			if err := p.add(o, "true"); err != nil {
				return 0, err
			}
			continue
		}
		if j+1 < len(s) {
			return 0, p.add(o, s[j+1:])
		}
		if len(rest) == 0 {
			return 0, usagef("-%c needs a value (%s)", s[j], o.arg)
		}
		return 1, p.add(o, rest[0])
	}
	return 0, nil
}

func (p *parsed) add(o *option, v string) error {
	if !o.multi && o.arg != "" && p.has(o.long) {
		return usagef("--%s given twice", o.long)
	}
	p.values[o.long] = append(p.values[o.long], v)
	return nil
}

func findLong(opts []option, name string) *option {
	for i := range opts {
		if opts[i].long == name {
			return &opts[i]
		}
	}
	return nil
}

func findShort(opts []option, c byte) *option {
	for i := range opts {
		if opts[i].short == c {
			return &opts[i]
		}
	}
	return nil
}
