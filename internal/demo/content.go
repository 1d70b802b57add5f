package demo

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/palier/palier/internal/ticket"
)

// The demo's content (what customers write, what agents answer and type
// in the hand-off dialog, the customers, the help centre and its visits,
// the macros and the notes about people) is data, not logic: it lives in
// content/*.json, read once when the package starts, into the types the
// builder uses. The file types below are the JSON form of those unexported
// types.
//
//go:embed content/*.json
var contentFiles embed.FS

// contentDecoders decode each content file by name; the tests run every
// file, and spoilt ones, through them.
var contentDecoders = map[string]func(name string, data []byte) error{
	"openings.json":      decodeCheck[[]message],
	"double_debits.json": decodeCheck[[]doubleDebitFile],
	"handoffs.json":      decodeCheck[map[string]handoffTexts],
	"customers.json":     decodeCheck[customersFile],
	"visits.json":        decodeCheck[[]visit],
	"people_notes.json":  decodeCheck[[]personNote],
	"macros.json":        decodeCheck[[]macroSpec],
	"replies.json":       decodeCheck[map[string]texts],
	"kb.json":            decodeCheck[kbFile],
}

// decodeCheck is decodeContent keeping only the error.
func decodeCheck[T any](name string, data []byte) error {
	_, err := decodeContent[T](name, data)
	return err
}

// loadContent reads content/name strictly.
func loadContent[T any](name string) (T, error) {
	var v T
	data, err := contentFiles.ReadFile("content/" + name)
	if err != nil {
		return v, fmt.Errorf("demo content: %w", err)
	}
	return decodeContent[T](name, data)
}

// decodeContent decodes one content file: unknown fields, a malformed
// document or anything after it are errors naming the file, so that a typo
// in the content cannot silently drop a field.
func decodeContent[T any](name string, data []byte) (T, error) {
	var v T
	if err := strictUnmarshal(data, &v); err != nil {
		return v, fmt.Errorf("demo content %s: %w", name, err)
	}
	return v, nil
}

// strictUnmarshal is json.Unmarshal refusing unknown fields and trailing
// data. The types' UnmarshalJSON use it too: a decoder's own strictness
// does not reach into them.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the document")
	}
	return nil
}

// mustLoadContent is loadContent for the package's variables: the files
// are embedded at build time, and TestContentFiles proves they load.
func mustLoadContent[T any](name string) T {
	v, err := loadContent[T](name)
	if err != nil {
		panic(err)
	}
	return v
}

// decodeAs decodes a value's JSON form F strictly, then hands it to set,
// which builds the unexported value from it.
func decodeAs[F any](data []byte, set func(F)) error {
	var f F
	if err := strictUnmarshal(data, &f); err != nil {
		return err
	}
	set(f)
	return nil
}

// doubleDebitFile is a message of the rising topic: the rest follows from
// doubleDebit.
type doubleDebitFile struct {
	Lang     string          `json:"lang"`
	Subject  string          `json:"subject"`
	Body     string          `json:"body"`
	Priority ticket.Priority `json:"priority"`
}

func doubleDebitMessages(fs []doubleDebitFile) []message {
	out := make([]message, len(fs))
	for i, f := range fs {
		out[i] = doubleDebit(f.Lang, f.Subject, f.Body, f.Priority)
	}
	return out
}

type handoffFile struct {
	Tried       map[string]string `json:"tried"`
	TriedExpert map[string]string `json:"tried_expert"`
	NoError     map[string]string `json:"no_error"`
	Repro       map[string]string `json:"repro"`
	Impact      map[string]string `json:"impact"`
	Vendor      string            `json:"vendor"`
	ReasonUp    map[string]string `json:"reason_up"`
	ReasonL3    map[string]string `json:"reason_l3"`
	ReasonL4    string            `json:"reason_l4"`
	ReasonDown  string            `json:"reason_down"`
}

func (h *handoffTexts) UnmarshalJSON(data []byte) error {
	return decodeAs(data, func(f handoffFile) {
		*h = handoffTexts{tried: f.Tried, triedExpert: f.TriedExpert, noError: f.NoError, repro: f.Repro, impact: f.Impact,
			vendor: f.Vendor, reasonUp: f.ReasonUp, reasonL3: f.ReasonL3, reasonL4: f.ReasonL4, reasonDown: f.ReasonDown}
	})
}

// customersFile holds Nuagique's customers: organisations, people, and
// the mail providers of private customers by language.
type customersFile struct {
	Organisations  []orgSpec           `json:"organisations"`
	Customers      []customerSpec      `json:"customers"`
	PrivateDomains map[string][]string `json:"private_domains"`
}

type customerFile struct {
	Name    string `json:"name"`
	Lang    string `json:"lang"`
	Org     string `json:"org,omitempty"`
	Segment string `json:"segment,omitempty"`
	Phone   string `json:"phone,omitempty"`
}

func (c *customerSpec) UnmarshalJSON(data []byte) error {
	return decodeAs(data, func(f customerFile) {
		*c = customerSpec{name: f.Name, lang: f.Lang, org: f.Org, segment: f.Segment, phone: f.Phone}
	})
}

// kbFile is the help centre: its categories, then its articles.
type kbFile struct {
	Categories []kbCategorySpec `json:"categories"`
	Articles   []kbArticleSpec  `json:"articles"`
}

type kbTextFile struct {
	Title string   `json:"title"`
	Body  string   `json:"body"`
	Tags  []string `json:"tags"`
}

func (tx *kbText) UnmarshalJSON(data []byte) error {
	return decodeAs(data, func(f kbTextFile) { *tx = kbText{title: f.Title, body: f.Body, tags: f.Tags} })
}

type kbArticleFile struct {
	Key      string  `json:"key"`
	Category string  `json:"category"`
	Internal bool    `json:"internal,omitempty"`
	FR       kbText  `json:"fr"`
	EN       *kbText `json:"en,omitempty"` // absent for a French-only article
	Helpful  int64   `json:"helpful"`
	Views    int64   `json:"views"`
}

func (a *kbArticleSpec) UnmarshalJSON(data []byte) error {
	return decodeAs(data, func(f kbArticleFile) {
		*a = kbArticleSpec{key: f.Key, category: f.Category, internal: f.Internal, fr: f.FR, helpful: f.Helpful, views: f.Views}
		if f.EN != nil {
			a.en = *f.EN
		}
	})
}
