package sim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxScenarioBytes bounds what LoadScenario reads: a scenario is a small
// hand-written file (a replay list can be long, hence the generous size).
const maxScenarioBytes = 64 << 20

// LoadScenario reads a YAML (or JSON, which YAML accepts) scenario, rejects
// unknown fields, fills defaults and validates it. Errors name the field
// path, e.g. "tiers[1].agents: must be > 0 because ...".
func LoadScenario(r io.Reader) (Scenario, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxScenarioBytes+1))
	if err != nil {
		return Scenario{}, fmt.Errorf("read scenario: %w", err)
	}
	if len(data) > maxScenarioBytes {
		return Scenario{}, fmt.Errorf("read scenario: larger than %d MiB", maxScenarioBytes>>20)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return Scenario{}, fmt.Errorf("parse scenario: %w", err)
	}
	if len(root.Content) == 0 {
		return Scenario{}, errors.New("parse scenario: the file is empty")
	}
	// Walk the tree first: it finds unknown fields with their full path,
	// including inside values that decode themselves (distributions),
	// where the decoder's own KnownFields check does not reach.
	w := &walker{lines: map[int]string{}, cells: map[[2]int]string{}, scalars: map[lineValue]string{}}
	w.walk(root.Content[0], reflect.TypeFor[Scenario](), "")
	if len(w.problems) > 0 {
		return Scenario{}, &ScenarioError{Name: scenarioName(root.Content[0]), Problems: w.problems}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var sc Scenario
	if err := dec.Decode(&sc); err != nil {
		return Scenario{}, decodeError(err, w, scenarioName(root.Content[0]))
	}
	if err := sc.Validate(); err != nil {
		return Scenario{}, err
	}
	return sc.withDefaults(), nil
}

// LoadScenarioFile loads a scenario from a file.
func LoadScenarioFile(path string) (Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return Scenario{}, fmt.Errorf("open scenario: %w", err)
	}
	defer f.Close()
	sc, err := LoadScenario(f)
	if err != nil {
		return Scenario{}, fmt.Errorf("%s: %w", path, err)
	}
	return sc, nil
}

func scenarioName(n *yaml.Node) string {
	if n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "name" && n.Content[i+1].Kind == yaml.ScalarNode {
			return n.Content[i+1].Value
		}
	}
	return ""
}

// walker checks a YAML tree against the Go types it will decode into.
type walker struct {
	problems []Problem
	lines    map[int]string    // line → first field path on it
	cells    map[[2]int]string // (line, column) of a value → its path
	scalars  map[lineValue]string
}

// lineValue finds a scalar from a decoder message, which quotes the value
// and its line but not its column.
type lineValue struct {
	line  int
	value string
}

func (w *walker) note(line int, path string) {
	if _, ok := w.lines[line]; !ok {
		w.lines[line] = path
	}
}

var (
	durationType     = reflect.TypeFor[Duration]()
	distributionType = reflect.TypeFor[Distribution]()
)

func (w *walker) walk(n *yaml.Node, t reflect.Type, path string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if path != "" {
		w.note(n.Line, path)
		w.cells[[2]int{n.Line, n.Column}] = path
		if n.Kind == yaml.ScalarNode {
			w.scalars[lineValue{n.Line, n.Value}] = path
		}
	}
	switch {
	case t == durationType:
		return
	case t == distributionType && n.Kind == yaml.ScalarNode:
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return // the decoder reports the type mismatch
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			fp := joinPath(path, key.Value)
			f, ok := fieldByYAMLName(t, key.Value)
			if !ok {
				w.problems = append(w.problems, Problem{Path: fp,
					Message: fmt.Sprintf("unknown field (line %d; known fields: %s)", key.Line, strings.Join(yamlFieldNames(t), ", "))})
				continue
			}
			w.note(key.Line, fp)
			w.walk(val, f.Type, fp)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, el := range n.Content {
			w.walk(el, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			fp := joinPath(path, n.Content[i].Value)
			w.note(n.Content[i].Line, fp)
			w.walk(n.Content[i+1], t.Elem(), fp)
		}
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func yamlName(f reflect.StructField) string {
	tag := f.Tag.Get("yaml")
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		name = strings.ToLower(f.Name)
	}
	return name
}

func fieldByYAMLName(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.IsExported() && yamlName(f) == name && f.Tag.Get("yaml") != "-" {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func yamlFieldNames(t reflect.Type) []string {
	var names []string
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() && f.Tag.Get("yaml") != "-" {
			names = append(names, yamlName(f))
		}
	}
	return names
}

var lineRe = regexp.MustCompile(`^line (\d+)(?: column (\d+))?: (.*)$`)

// decodeError turns the decoder's line-numbered messages into problems
// with field paths.
func decodeError(err error, w *walker, name string) error {
	var te *yaml.TypeError
	msgs := []string{err.Error()} // our own unmarshalers say "line N: ..."
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	se := &ScenarioError{Name: name}
	for _, msg := range msgs {
		p := Problem{Message: msg}
		if m := lineRe.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			col, _ := strconv.Atoi(m[2])
			p.Path = w.cells[[2]int{line, col}]
			if um := unmarshalRe.FindStringSubmatch(m[3]); um != nil && p.Path == "" {
				p.Path = w.scalars[lineValue{line, um[2]}]
			}
			if p.Path == "" {
				p.Path = w.lines[line]
			}
			p.Message = fmt.Sprintf("%s (line %d)", friendlyTypeError(m[3]), line)
		}
		se.Problems = append(se.Problems, p)
	}
	return se
}

var unmarshalRe = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (.+)$")

func friendlyTypeError(msg string) string {
	m := unmarshalRe.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	want := m[3]
	switch {
	case strings.HasSuffix(want, "int"):
		want = "a whole number"
	case strings.HasSuffix(want, "float64"):
		want = "a number"
	case strings.HasPrefix(want, "[]"):
		want = "a list"
	case strings.HasPrefix(want, "map["), strings.HasPrefix(want, "sim."):
		want = "a mapping (key: value lines)"
	}
	return fmt.Sprintf("expected %s, got %q", want, m[2])
}
