package main

import (
	"bytes"
	"flag"
	"github.com/linuxhcs/hcs/internal/testutil"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the verb reference of docs/cli.md from the help pages")

func TestEveryVerbHasAManualPage(t *testing.T) {
	for _, v := range verbs {
		var out, errb bytes.Buffer
		args := append(strings.Fields(v.name), "--help")
		if code := run(args, os.Stdin, &out, &errb); code != 0 || errb.Len() > 0 {
			t.Errorf("hcsdiag %s --help: exit %d, stderr %q", v.name, code, errb.String())
		}
		page := out.String()
		for _, section := range []string{"NAME\n    hcsdiag " + v.name + " - ", "\nSYNOPSIS\n    hcsdiag " + v.name, "\nDESCRIPTION\n",
			"\nOPTIONS\n", "    -h, --help\n", "\nEXAMPLES\n    $ "} {
			if !strings.Contains(page, section) {
				t.Errorf("hcsdiag %s --help lacks %q:\n%s", v.name, section, page)
			}
		}
		if !strings.Contains(v.examples, "hcsdiag "+v.name) {
			t.Errorf("the examples of %s do not use it", v.name)
		}
		text, _, _ := strings.Cut(page, "\nEXAMPLES\n") // examples are shown as typed
		for _, line := range strings.Split(text, "\n") {
			if len(line) > helpWidth {
				t.Errorf("hcsdiag %s --help: a line wider than %d: %q", v.name, helpWidth, line)
			}
		}
	}
	var out bytes.Buffer
	if code := run([]string{"help"}, os.Stdin, &out, &out); code != 0 || !strings.Contains(out.String(), "layer mount-path") {
		t.Errorf("hcsdiag help: %d\n%s", code, out.String())
	}
	out.Reset()
	if code := run([]string{"layer"}, os.Stdin, &out, &out); code != 0 || !strings.Contains(out.String(), "layer import") {
		t.Errorf("hcsdiag layer: %d\n%s", code, out.String())
	}
	out.Reset()
	if code := run([]string{"frobnicate"}, os.Stdin, &out, &out); code != 2 || !strings.Contains(out.String(), "unknown verb") {
		t.Errorf("an unknown verb: %d\n%s", code, out.String())
	}
}

// TestCliDocHasEveryPage holds docs/cli.md's verb reference to the help pages; run with
// -update to rewrite it.
func TestCliDocHasEveryPage(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "cli.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const marker = "\n## Verb reference\n"
	head, _, found := strings.Cut(string(doc), marker)
	if !found {
		t.Fatalf("docs/cli.md has no %q section", strings.TrimSpace(marker))
	}
	want := head + marker + reference()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(doc) != want {
		t.Error("docs/cli.md's verb reference differs from the help pages: go test ./cmd/hcsdiag -run TestCliDocHasEveryPage -update")
	}
}

// reference is the verb reference: every help page, in the order of the overview.
func reference() string {
	var b strings.Builder
	b.WriteString("\nThe manual page of each verb, as `hcsdiag VERB --help` prints it.\n")
	for _, v := range verbs {
		b.WriteString("\n### hcsdiag " + v.name + "\n\n```\n")
		printHelp(&b, v)
		b.WriteString("```\n")
	}
	return b.String()
}

// TestBashCompletion runs the completion function of contrib/ in bash and checks it knows
// every verb and every option.
func TestBashCompletion(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		testutil.SkipOrFail(t, "bash is needed to run the completion function")
	}
	complete := func(words ...string) []string {
		t.Helper()
		script := `source ../../contrib/hcsdiag.bash-completion
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _hcsdiag; printf '%s\n' "${COMPREPLY[@]}"`
		out, err := exec.Command("bash", append([]string{"-c", script, "bash"}, words...)...).Output()
		if err != nil {
			t.Fatalf("bash: %v", err)
		}
		got := strings.Fields(string(out))
		sort.Strings(got)
		return got
	}
	top := map[string]bool{"help": true}
	for _, v := range verbs {
		top[strings.Fields(v.name)[0]] = true
	}
	if got, want := complete("hcsdiag", ""), sortedSet(top); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("verbs: %v, want %v", got, want)
	}
	for _, v := range verbs {
		words := append(append([]string{"hcsdiag"}, strings.Fields(v.name)...), "-")
		want := map[string]bool{"-h": true, "--help": true}
		for _, o := range v.opts {
			want["--"+o.long] = true
			if o.short != 0 {
				want["-"+string(o.short)] = true
			}
		}
		if got := complete(words...); strings.Join(got, " ") != strings.Join(sortedSet(want), " ") {
			t.Errorf("options of %s: %v, want %v", v.name, got, sortedSet(want))
		}
	}
	if got := complete("hcsdiag", "layer", "im"); strings.Join(got, " ") != "import" {
		t.Errorf("layer im: %v", got)
	}
	if got := complete("hcsdiag", "kill", "-s", "US"); strings.Join(got, " ") != "USR1 USR2" {
		t.Errorf("kill -s US: %v", got)
	}
}

func sortedSet(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
