package agent

import (
	"errors"
	"reflect"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
)

func TestSplitCommandLine(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"echo hello", []string{"echo", "hello"}},
		{"  a \t b\nc\r\n", []string{"a", "b", "c"}},
		{`sh -c 'exit 3'`, []string{"sh", "-c", "exit 3"}},
		{`echo "a b" 'c d'`, []string{"echo", "a b", "c d"}},
		{`"a"'b'c`, []string{"abc"}},
		{`'' ""`, []string{"", ""}},
		{`a\ b`, []string{"a b"}},
		{`a\\b`, []string{`a\b`}},
		{`"a\"b"`, []string{`a"b`}},
		{`"a\nb"`, []string{`a\nb`}},
		{`"\$HOME \\ \` + "`" + `"`, []string{"$HOME \\ `"}},
		{`'a\b'`, []string{`a\b`}},
		{"a\\\nb", []string{"ab"}},
		{"\"a\\\nb\"", []string{"ab"}},
		{`$HOME *.go ~ a;b|c&d >x # no comment`, []string{"$HOME", "*.go", "~", "a;b|c&d", ">x", "#", "no", "comment"}},
		{`C:\Windows\system32\cmd.exe`, []string{`C:Windowssystem32cmd.exe`}},
		{"émoji ☃", []string{"émoji", "☃"}},
	}
	for _, c := range cases {
		got, err := SplitCommandLine(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("SplitCommandLine(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestSplitCommandLineErrors(t *testing.T) {
	for _, in := range []string{"", "   \n", `echo 'open`, `echo "open`, `echo \`, `"a\"`} {
		_, err := SplitCommandLine(in)
		if !errors.Is(err, hresult.E_INVALIDARG) {
			t.Errorf("SplitCommandLine(%q) error = %v, want E_INVALIDARG", in, err)
		}
	}
}

func FuzzSplitCommandLine(f *testing.F) {
	for _, s := range []string{`a 'b c' "d\"e" f\ g`, `'`, `"\`, "a\\\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := SplitCommandLine(s)
		if err == nil && len(words) == 0 {
			t.Fatal("no words and no error")
		}
	})
}
