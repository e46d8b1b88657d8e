// Package refusaltable reads the table of refused requests in docs/refused.md, so that the
// tests of each back-end can feed every row to the code that refuses it and the table
// cannot drift from what the service does.
package refusaltable

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// Path is the table's file, relative to the module root.
const Path = "docs/refused.md"

// BackEnds are the values the Back-end column may hold; each is checked by the tests of
// one package.
var BackEnds = []string{"container", "VM", "service", "storage"}

// Row is one refused request: what is sent (Call and Input) to which back-end, the code it
// gets and a part of the message that names what was refused.
type Row struct {
	Line    int
	BackEnd string
	Call    string
	Input   string
	Code    hresult.HRESULT
	Message string
}

// String names the row for test failures.
func (r Row) String() string {
	return fmt.Sprintf("%s:%d (%s %s %s)", Path, r.Line, r.BackEnd, r.Call, r.Input)
}

// Rows returns the rows of backEnd, failing t when the table cannot be read or a row is
// malformed.
func Rows(t testing.TB, backEnd string) []Row {
	t.Helper()
	all, err := Parse(filepath.Join(testutil.ModuleRoot(t), Path))
	if err != nil {
		t.Fatal(err)
	}
	var rows []Row
	for _, r := range all {
		if r.BackEnd == backEnd {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		t.Fatalf("%s lists no refusal by %s", Path, backEnd)
	}
	return rows
}

// CheckAll runs, for every row of backEnd, the call the row names on its input and checks
// the result (Check); a row whose call is not in calls fails t, so every row is tried.
func CheckAll(t *testing.T, backEnd string, calls map[string]func(t *testing.T, input string) error) {
	t.Helper()
	for _, r := range Rows(t, backEnd) {
		call, ok := calls[r.Call]
		if !ok {
			t.Errorf("%s: no check for the call %q", r, r.Call)
			continue
		}
		Check(t, r, call(t, r.Input))
	}
}

// Check fails t unless err carries the row's code and a message containing the row's.
func Check(t testing.TB, r Row, err error) {
	t.Helper()
	e := hresult.From(err)
	switch {
	case e == nil:
		t.Errorf("%s: accepted, want %s", r, r.Code)
	case e.Code != r.Code:
		t.Errorf("%s: %v, want %s", r, err, r.Code)
	case !strings.Contains(e.Message, r.Message):
		t.Errorf("%s: message %q does not contain %q", r, e.Message, r.Message)
	}
}

// tableRow matches a data row: five cells, the Input and Message cells in backquotes, the
// Code cell a name and its value.
var tableRow = regexp.MustCompile("^\\| *([^|`]+?) *\\| *([^|`]+?) *\\| *`([^`]*)` *\\| *`([A-Z_0-9]+)` \\((0x[0-9A-F]{8})\\) *\\| *`([^`]+)` *\\|$")

// Parse reads every row of the table in path. A line that starts a row but does not have
// the row's shape is an error, so a typo cannot hide a row from the tests.
func Parse(path string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []Row
	inTable := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, header):
			inTable = true
			continue
		case !strings.HasPrefix(line, "|"):
			inTable = false
		}
		if !inTable || strings.HasPrefix(line, "|---") {
			continue
		}
		r, err := parseRow(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		r.Line = n
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

// header starts the table's header row; the rows of the table follow it (other tables on
// the page are not read).
const header = "| Back-end | Call | Input | Code | Message contains |"

func parseRow(line string) (Row, error) {
	m := tableRow.FindStringSubmatch(line)
	if m == nil {
		return Row{}, fmt.Errorf("not a row of the form | back-end | call | `input` | `NAME` (0x...) | `message` |: %s", line)
	}
	v, _ := strconv.ParseUint(m[5], 0, 32)
	code := hresult.HRESULT(v)
	if code.Name() != m[4] {
		return Row{}, fmt.Errorf("%s is %s, not %s", m[5], code.Name(), m[4])
	}
	r := Row{BackEnd: m[1], Call: m[2], Input: m[3], Code: code, Message: m[6]}
	for _, b := range BackEnds {
		if r.BackEnd == b {
			return r, nil
		}
	}
	return Row{}, fmt.Errorf("back-end %q is not one of %v", r.BackEnd, BackEnds)
}
