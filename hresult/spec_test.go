package hresult

import (
	"bufio"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// aliases lists SDK names that share a value with another name; names (and so Name) holds
// only the first of them.
var aliases = map[string]HRESULT{
	"ERROR_ACCESS_DENIED": ERROR_ACCESS_DENIED,
}

// specCode is one row of an error-code table in HCS-API.md §3.
type specCode struct {
	section string
	line    int
	name    string
	value   HRESULT
	int32   string // the int32 column, §3.1 only
}

var (
	specName = regexp.MustCompile("`([A-Z][A-Z0-9_]+)`")
	specHex  = regexp.MustCompile("`(0x[0-9A-Fa-f]{8})`")
)

// readSpecCodes parses the Markdown tables of §3.1, §3.2 and §3.3. A row names one or more
// codes in its first column and their values in its second: either one value for all the
// names (aliases) or one value per name, in order.
func readSpecCodes(t *testing.T, path string) []specCode {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var codes []specCode
	section := ""
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.HasPrefix(text, "#") {
			section = ""
			for _, s := range []string{"3.1", "3.2", "3.3"} {
				if strings.HasPrefix(text, "### "+s+" ") {
					section = s
				}
			}
			continue
		}
		if section == "" || !strings.HasPrefix(text, "|") {
			continue
		}
		cols := strings.Split(text, "|")
		if len(cols) < 4 {
			continue
		}
		names := specName.FindAllStringSubmatch(cols[1], -1)
		values := specHex.FindAllStringSubmatch(cols[2], -1)
		if len(names) == 0 {
			continue // header, separator or a note row
		}
		if len(values) != 1 && len(values) != len(names) {
			t.Fatalf("%s:%d: cannot pair names %q with values %q", path, line, cols[1], cols[2])
		}
		for i, n := range names {
			v := values[0]
			if len(values) > 1 {
				v = values[i]
			}
			u, err := strconv.ParseUint(v[1], 0, 32)
			if err != nil {
				t.Fatalf("%s:%d: %v", path, line, err)
			}
			c := specCode{section: section, line: line, name: n[1], value: HRESULT(u)}
			if section == "3.1" && len(cols) > 4 {
				c.int32 = strings.TrimSpace(cols[3])
			}
			codes = append(codes, c)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return codes
}

// lookup finds a code by its SDK name.
func lookup(name string) (HRESULT, bool) {
	for code, n := range names {
		if n == name {
			return code, true
		}
	}
	h, ok := aliases[name]
	return h, ok
}

func TestSpecCodes(t *testing.T) {
	codes := readSpecCodes(t, testutil.SpecPath(t, "HCS-API.md"))
	perSection := map[string]int{}
	inSpec := map[string]bool{}
	for _, c := range codes {
		perSection[c.section]++
		inSpec[c.name] = true
		h, ok := lookup(c.name)
		if !ok {
			t.Errorf("§%s line %d: %s is not defined in package hresult", c.section, c.line, c.name)
			continue
		}
		if h != c.value {
			t.Errorf("§%s line %d: %s = 0x%08X, spec says 0x%08X", c.section, c.line, c.name, uint32(h), uint32(c.value))
		}
		if _, alias := aliases[c.name]; !alias && h.Name() != c.name {
			t.Errorf("%s: Name() = %q", c.name, h.Name())
		}
		if c.section == "3.1" && c.int32 != strconv.Itoa(int(h.Int32())) {
			t.Errorf("§3.1 line %d: %s: Int32() = %d, spec says %s", c.line, c.name, h.Int32(), c.int32)
		}
	}
	for _, s := range []string{"3.1", "3.2", "3.3"} {
		if perSection[s] == 0 {
			t.Errorf("found no codes in §%s of the spec; did its heading or table change?", s)
		}
	}
	for code, n := range names {
		if !inSpec[n] && !beyondSpec[code] {
			t.Errorf("package hresult defines %s, which the spec tables do not list", n)
		}
	}
}
