package api

import (
	"strings"
	"testing"

	"github.com/palier/palier/internal/store"
)

// The list's own refusals are in its documented 400: a client reading the
// document learns that a combination can be refused as too broad, and
// which params say how to narrow it. Other operations keep the shared 400.
func TestTicketListDocumentsItsRefusals(t *testing.T) {
	doc := openAPIDoc(t)
	get := doc["paths"].(map[string]any)["/api/v1/tickets"].(map[string]any)["get"].(map[string]any)
	bad, ok := get["responses"].(map[string]any)["400"].(map[string]any)
	if !ok {
		t.Fatal("GET /api/v1/tickets documents no 400")
	}
	text, _ := bad["description"].(string)
	if !strings.Contains(text, store.CodeListTooBroad) {
		t.Fatalf("the list's 400 does not name %s: %v", store.CodeListTooBroad, bad)
	}
	for _, want := range []string{store.CodeListTooBroad, "`add`", "`drop`", "customer, handed_off_by", "bad_sort", "bad_json"} {
		if !strings.Contains(text, want) {
			t.Errorf("the list's 400 does not mention %q: %s", want, text)
		}
	}
	schema := bad["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
	if schema["$ref"] != "#/components/schemas/Error" {
		t.Errorf("the list's 400 answers %v, want the Error shape", schema)
	}
	other := doc["paths"].(map[string]any)["/api/v1/tickets/{id}/events"].(map[string]any)["get"].(map[string]any)
	if r := other["responses"].(map[string]any)["400"].(map[string]any)["$ref"]; r != "#/components/responses/400" {
		t.Errorf("another operation's 400 is %v, want the shared one", r)
	}
}
