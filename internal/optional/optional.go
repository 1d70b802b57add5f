// Package optional holds what a partial update needs: a change names only
// the fields the caller sent (as pointers), and every other field keeps its
// current value. The API's request bodies and the desk's change types both
// apply changes this way, so the rule lives here once.
package optional

// Set overwrites *dst with the value sent, unless none was (nil): a field
// left out of a change keeps its current value.
func Set[T any](dst *T, sent *T) {
	if sent != nil {
		*dst = *sent
	}
}
