package text

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/palier/palier/internal/problem"
)

// CheckJSON checks every string of a JSON document, object keys included,
// and returns the failures by path ("customer.name", "rules[2].name"). It
// reads the document's tokens, so it sees what any decoder will see (escapes
// such as \u0000 included) whatever Go type the body is decoded into. A
// document that is not valid JSON is checked up to where it breaks; the
// decoder reports the rest.
func CheckJSON(raw []byte) problem.Fields {
	f := problem.Fields{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	type frame struct {
		object    bool
		key       string // objects: the current key
		index     int    // arrays: the current index
		expectKey bool
		path      string
	}
	var stack []*frame
	// here is the path of the value being read and the key that names it.
	here := func() (path, key string) {
		if len(stack) == 0 {
			return "", ""
		}
		top := stack[len(stack)-1]
		if top.object {
			return join(top.path, top.key), top.key
		}
		// An array's items are of the kind of the array's own name.
		_, key = nameOf(top.path)
		return top.path + "[" + strconv.Itoa(top.index) + "]", key
	}
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		top := stack[len(stack)-1]
		if top.object {
			top.expectKey = true
		} else {
			top.index++
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return f
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				path, _ := here()
				stack = append(stack, &frame{object: v == '{', expectKey: true, path: path})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].expectKey {
				top := stack[len(stack)-1]
				top.key, top.expectKey = v, false
				Check(v, Line).Add(f, join(top.path, v))
				continue
			}
			path, key := here()
			if path == "" {
				path = "body"
			}
			Check(v, KindOf(key)).Add(f, path)
			valueDone()
		default:
			valueDone()
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// nameOf returns the last key of a path ("rules[2].tags" → "tags").
func nameOf(path string) (string, string) {
	for i := len(path) - 1; i >= 0; i-- {
		switch path[i] {
		case '.':
			return path[:i], trimIndex(path[i+1:])
		}
	}
	return "", trimIndex(path)
}

func trimIndex(s string) string {
	if i := bytes.IndexByte([]byte(s), '['); i >= 0 {
		return s[:i]
	}
	return s
}
