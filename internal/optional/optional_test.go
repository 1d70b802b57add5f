package optional

import "testing"

// A field sent replaces the current value, even with its zero value; a
// field left out keeps it.
func TestSet(t *testing.T) {
	title, empty := "Nouveau titre", ""
	tests := []struct {
		name string
		sent *string
		want string
	}{
		{"sent replaces", &title, "Nouveau titre"},
		{"sent empty clears", &empty, ""},
		{"left out keeps", nil, "Ancien titre"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := "Ancien titre"
			Set(&got, tt.sent)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
