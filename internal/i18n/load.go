package i18n

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// ownTexts are the texts of the edges (errors, the web UI, the API…), one
// file per area; texts/README.md tells a translator how they are written.
//
//go:embed texts/*.json
var ownTexts embed.FS

func init() {
	names, err := fs.Glob(ownTexts, "texts/*.json")
	if err != nil { // only a malformed pattern fails; say so rather than show keys
		registered.problems = append(registered.problems, "texts/*.json: "+err.Error())
	}
	for _, name := range names {
		RegisterJSON("", ownTexts, name)
	}
}

// fileEntry is one text as a catalogue file writes it.
type fileEntry struct {
	En string `json:"en"`
	Fr string `json:"fr"`
	// Note is a remark for translators on this text, and Group the heading
	// of the group of texts this one begins. Neither is ever shown.
	Note  string `json:"note"`
	Group string `json:"group"`
}

// RegisterJSON reads the catalogue file name of fsys, registers its texts
// under prefix and returns them, keyed without the prefix, so that the
// package can tell which keys it declares. A package calls it from init
// with its own embedded file (texts/README.md in package i18n describes
// the file). What cannot be read (a malformed file, a key written twice,
// a field other than en, fr, note and group) is reported by Check, like
// the catalogue's other problems; the texts read before or beside it are
// registered all the same.
func RegisterJSON(prefix string, fsys fs.FS, name string) Messages {
	return registered.registerJSON(prefix, fsys, name)
}

func (r *registry) registerJSON(prefix string, fsys fs.FS, name string) Messages {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		r.problems = append(r.problems, fmt.Sprintf("%s (prefix %q): %v", name, prefix, err))
		return nil
	}
	texts, problems := readTexts(data)
	for _, p := range problems {
		r.problems = append(r.problems, fmt.Sprintf("%s (prefix %q): %s", name, prefix, p))
	}
	r.register(prefix, texts, ", again in "+name)
	return texts
}

// readTexts decodes a catalogue file: one JSON object of key → entry. It
// reads the object key by key because encoding/json would silently keep
// the last of two entries with the same key, and refuses fields it does
// not know: a misspelt "fr" would otherwise leave the French text
// silently empty. Problems are worded "line n: what", n being where the
// faulty key or token begins, for the translator who edited the file; a
// syntax error ends the reading.
func readTexts(data []byte) (Messages, []string) {
	texts := Messages{}
	var problems []string
	report := func(offset int64, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("line %d: ", lineAt(data, offset))+fmt.Sprintf(format, args...))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		report(dec.InputOffset(), "want an object of key: {\"en\": …, \"fr\": …}%s", reason(err))
		return texts, problems
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			report(dec.InputOffset(), "%s", describe(err))
			return texts, problems
		}
		key, ok := tok.(string) // always, as the decoder refuses anything else here
		if !ok {
			report(dec.InputOffset(), "want a key, got %v", tok)
			return texts, problems
		}
		at := dec.InputOffset()
		var e fileEntry
		err = dec.Decode(&e) // read whole even when it is not an entry
		_, dup := texts[key]
		_, wrongType := errors.AsType[*json.UnmarshalTypeError](err)
		switch {
		case unreadable(err):
			report(at, "%q: %s", key, describe(err))
			return texts, problems
		case wrongType:
			report(at, "%q: want {\"en\": …, \"fr\": …}", key)
		case err != nil: // an unknown field
			report(at, "%q: %v", key, err)
		case dup:
			report(at, "%q is written twice", key)
		default:
			texts[key] = [2]string{e.En, e.Fr}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		report(dec.InputOffset(), "%s", describe(err))
	} else if _, err := dec.Token(); err != io.EOF {
		report(dec.InputOffset(), "unexpected data after the object")
	}
	return texts, problems
}

// unreadable reports an error after which the decoder cannot go on: the
// file is not JSON, or stops too early.
func unreadable(err error) bool {
	_, syntax := errors.AsType[*json.SyntaxError](err)
	return syntax || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// reason is ": what went wrong" when there is an error to tell.
func reason(err error) string {
	if err == nil {
		return ""
	}
	return ": " + describe(err)
}

// describe words a decoding error for a translator: the decoder says
// "EOF" for a file that stops before its closing brace.
func describe(err error) string {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "the file ends too early (a closing brace or quote is missing?)"
	}
	return err.Error()
}

// lineAt is the line number of a byte offset of data.
func lineAt(data []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(data)))
	return 1 + bytes.Count(data[:offset], []byte("\n"))
}
