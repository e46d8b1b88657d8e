package agent

import (
	"strings"

	"github.com/linuxhcs/hcs/hresult"
)

// SplitCommandLine splits an HCS CommandLine into argv with the word rules of the POSIX
// shell, but without any of its expansions or operators, because no shell is involved:
//
//   - Unquoted space, tab, carriage return and newline separate words.
//   - A backslash outside quotes keeps the next character literally; backslash-newline is
//     removed (line continuation).
//   - Single quotes keep everything up to the next single quote literally.
//   - Inside double quotes a backslash escapes only $ ` " \ and newline; before any other
//     character it stays a backslash.
//   - Quotes join with adjacent text ("a"'b'c is one word, abc); an empty pair of quotes
//     makes an empty word.
//   - $, `, *, ?, ~, ;, |, &, <, > and # are ordinary characters: there is no variable,
//     command or glob expansion, no redirection and no comment. Callers who want those run
//     "sh -c '...'" explicitly.
//
// An unterminated quote, a trailing backslash or a line without words is an E_INVALIDARG
// error.
func SplitCommandLine(line string) ([]string, error) {
	var s splitter
	for i := 0; i < len(line); i++ {
		if err := s.step(line, &i); err != nil {
			return nil, hresult.Errorf(hresult.E_INVALIDARG, "CommandLine: %s", err.Error())
		}
	}
	if s.quote != 0 {
		return nil, hresult.Errorf(hresult.E_INVALIDARG, "CommandLine: unterminated %c quote", s.quote)
	}
	s.endWord()
	if len(s.words) == 0 {
		return nil, hresult.New(hresult.E_INVALIDARG, "CommandLine: no command given")
	}
	return s.words, nil
}

// splitter is the state of SplitCommandLine.
type splitter struct {
	words []string
	cur   strings.Builder
	// inWord is true once the current word has begun (possibly as an empty quoted word).
	inWord bool
	// quote is the open quote character, or 0.
	quote byte
}

// splitError is a syntax error of a command line.
type splitError string

// Error implements error.
func (e splitError) Error() string { return string(e) }

// step consumes line[*i] (and the escaped character after a backslash).
func (s *splitter) step(line string, i *int) error {
	c := line[*i]
	switch {
	case s.quote == '\'':
		if c == '\'' {
			s.quote = 0
		} else {
			s.cur.WriteByte(c)
		}
	case s.quote == '"':
		s.stepDouble(line, i)
	case c == '\\':
		if *i+1 >= len(line) {
			return splitError("trailing backslash")
		}
		*i++
		if line[*i] != '\n' {
			s.add(line[*i])
		}
	case c == '\'' || c == '"':
		s.quote = c
		s.inWord = true
	case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		s.endWord()
	default:
		s.add(c)
	}
	return nil
}

// stepDouble consumes one character inside double quotes.
func (s *splitter) stepDouble(line string, i *int) {
	c := line[*i]
	switch {
	case c == '"':
		s.quote = 0
	case c == '\\' && *i+1 < len(line) && strings.IndexByte("$`\"\\\n", line[*i+1]) >= 0:
		*i++
		if line[*i] != '\n' {
			s.cur.WriteByte(line[*i])
		}
	default:
		s.cur.WriteByte(c)
	}
}

func (s *splitter) add(c byte) {
	s.cur.WriteByte(c)
	s.inWord = true
}

func (s *splitter) endWord() {
	if s.inWord {
		s.words = append(s.words, s.cur.String())
	}
	s.cur.Reset()
	s.inWord = false
}
