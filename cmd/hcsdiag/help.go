package main

import (
	"fmt"
	"io"
	"strings"
)

// helpWidth is the width help pages are wrapped to.
const helpWidth = 80

// helpOption is the option every verb has.
var helpOption = option{long: "help", short: 'h', help: "show this page"}

// helpCommand is "hcsdiag help [VERB...]" and "hcsdiag GROUP".
func helpCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printOverview(stdout)
		return 0
	}
	if _, ok := groups[args[0]]; ok && (len(args) == 1 || strings.HasPrefix(args[1], "-")) {
		printGroup(stdout, args[0])
		return 0
	}
	v, _, err := findVerb(args)
	if err != nil || v == nil {
		fmt.Fprintf(stderr, "hcsdiag help: no verb %q\n", strings.Join(args, " "))
		return 2
	}
	printHelp(stdout, v)
	return 0
}

// printOverview lists every verb with its summary.
func printOverview(w io.Writer) {
	fmt.Fprint(w, `hcsdiag - the command line of Linux HCS

Usage: hcsdiag VERB [OPTIONS] [ARGUMENTS]

`)
	sections := []struct {
		title string
		match func(v *verb) bool
	}{
		{"Compute systems", func(v *verb) bool { return !strings.Contains(v.name, " ") && v.name != "version" }},
		{"Layers", func(v *verb) bool { return strings.HasPrefix(v.name, "layer ") }},
		{"The service", func(v *verb) bool {
			return strings.HasPrefix(v.name, "service ") || strings.HasPrefix(v.name, "report ") || v.name == "version"
		}},
	}
	for _, s := range sections {
		fmt.Fprintf(w, "%s:\n", s.title)
		t := newTable(w)
		for _, v := range verbs {
			if s.match(v) {
				fmt.Fprintf(t, "  %s\t%s\n", v.name, v.summary)
			}
		}
		t.Flush()
		fmt.Fprintln(w)
	}
	fmt.Fprint(w, wrap(`hcsdiag uses hcsd at $HCS_SOCKET, or /run/hcs/hcsd.sock. When nothing answers there and hcsdiag runs as root, it starts a private hcsd for the one command and says so on stderr; systems outlive it.`, 0, helpWidth))
	fmt.Fprint(w, "\nRun 'hcsdiag VERB --help' for a verb's manual page; docs/cli.md has them all.\n")
}

// printGroup lists the verbs of a group.
func printGroup(w io.Writer, group string) {
	fmt.Fprintf(w, "hcsdiag %s - %s\n\n", group, groups[group])
	t := newTable(w)
	for _, v := range verbs {
		if strings.HasPrefix(v.name, group+" ") {
			fmt.Fprintf(t, "  %s\t%s\n", v.name, v.summary)
		}
	}
	t.Flush()
	fmt.Fprintf(w, "\nRun 'hcsdiag %s VERB --help' for a verb's manual page.\n", group)
}

// printHelp writes a verb's manual page: NAME, SYNOPSIS, DESCRIPTION, OPTIONS, EXAMPLES.
func printHelp(w io.Writer, v *verb) {
	fmt.Fprintf(w, "NAME\n    hcsdiag %s - %s\n\nSYNOPSIS\n", v.name, v.summary)
	for _, s := range v.synopsis {
		fmt.Fprint(w, wrapHanging(s, 4, 8, helpWidth))
	}
	fmt.Fprint(w, "\nDESCRIPTION\n")
	for i, para := range strings.Split(v.description, "\n\n") {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprint(w, wrap(para, 4, helpWidth))
	}
	fmt.Fprint(w, "\nOPTIONS\n")
	for _, o := range append(append([]option(nil), v.opts...), helpOption) {
		fmt.Fprintf(w, "    %s\n", optionTitle(o))
		fmt.Fprint(w, wrap(o.help, 8, helpWidth))
	}
	if v.examples != "" {
		fmt.Fprint(w, "\nEXAMPLES\n")
		for _, line := range strings.Split(v.examples, "\n") {
			fmt.Fprintf(w, "    %s\n", line)
		}
	}
	fmt.Fprint(w, "\nSEE ALSO\n    hcsdiag help, docs/cli.md, docs/hcsd.md\n")
}

// optionTitle is "-e, --env KEY=VALUE" or "--rm".
func optionTitle(o option) string {
	s := "--" + o.long
	if o.short != 0 {
		s = "-" + string(o.short) + ", " + s
	}
	if o.arg != "" {
		s += " " + o.arg
	}
	if o.multi {
		s += " (repeatable)"
	}
	return s
}

// wrap fills text into lines of at most width columns, each indented by indent spaces.
func wrap(text string, indent, width int) string {
	return wrapHanging(text, indent, indent, width)
}

// wrapHanging is wrap with the first line indented by first and the others by rest.
func wrapHanging(text string, first, rest, width int) string {
	var b strings.Builder
	indent := first
	line := strings.Repeat(" ", indent)
	for _, word := range strings.Fields(text) {
		if len(line) > indent && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			indent = rest
			line = strings.Repeat(" ", indent)
		}
		if len(line) > indent {
			line += " "
		}
		line += word
	}
	if len(line) > indent {
		b.WriteString(line + "\n")
	}
	return b.String()
}
