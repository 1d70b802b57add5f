package escalation

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on procedure texts. Procedures come from admins over the API; the
// bounds keep the escalation dialog readable and the stored rows small.
const (
	MaxName     = 120
	MaxLabel    = 120
	MaxHelp     = 1000
	MaxGuidance = 2000
	MaxItems    = 30
	maxKey      = 64
	maxEmail    = 254
)

// Validate checks the procedure against the workspace's tier codes and
// custom field keys; a nil list is not checked. It returns every problem
// at once as ValidationErrors, or nil.
func (p Procedure) Validate(tierCodes []string, customFieldKeys []string) error {
	v := validator{tiers: tierCodes, fields: customFieldKeys}
	if p.ID < 0 {
		v.add("id", "invalid_id", "value", strconv.FormatInt(p.ID, 10))
	}
	if p.RequestTypeID < 0 {
		v.add("request_type_id", "invalid_id", "value", strconv.FormatInt(p.RequestTypeID, 10))
	}
	if strings.TrimSpace(p.Name) == "" {
		v.add("name", "missing_name")
	} else {
		v.text("name", p.Name, MaxName)
	}
	if len(p.Steps) == 0 {
		v.add("steps", "no_steps")
	}
	prev := 0 // level of the previous step's FromTier; 0 = none yet
	for i, s := range p.Steps {
		path := fmt.Sprintf("steps[%d]", i)
		from := v.step(path, s)
		prev = v.order(path+".from_tier", s.FromTier, from, prev)
	}
	if len(v.errs) == 0 {
		return nil
	}
	return v.errs
}

type validator struct {
	tiers, fields []string
	errs          ValidationErrors
}

// add records an error; params come in name, value pairs.
func (v *validator) add(path, code string, params ...string) {
	var m map[string]string
	if len(params) > 1 {
		m = make(map[string]string, len(params)/2)
		for i := 0; i+1 < len(params); i += 2 {
			m[params[i]] = params[i+1]
		}
	}
	v.errs = append(v.errs, newError(path, code, m))
}

// step checks one step and returns its FromTier's level (0 when unusable).
func (v *validator) step(path string, s Step) int {
	from := v.tier(path+".from_tier", s.FromTier)
	to := v.tier(path+".to_tier", s.ToTier)
	if from > 0 && to > 0 && to <= from {
		v.add(path+".to_tier", "not_ascending", "from", s.FromTier, "to", s.ToTier)
	}
	if s.TeamID < 0 {
		v.add(path+".team_id", "invalid_team_id", "value", strconv.FormatInt(s.TeamID, 10))
	}
	v.text(path+".guidance_fr", s.GuidanceFR, MaxGuidance)
	v.text(path+".guidance_en", s.GuidanceEN, MaxGuidance)
	v.vendorEmail(path+".vendor_email", s.VendorEmail, s.ToTier)
	v.items(path+".required", s.Required)
	return from
}

// tier checks a tier code and returns its level, or 0 when it is missing,
// malformed, unknown to the workspace or L0.
func (v *validator) tier(path, code string) int {
	level, ok := tierLevel(code)
	switch {
	case code == "":
		v.add(path, "missing_tier")
	case !ok:
		v.add(path, "bad_tier", "tier", code)
	case v.tiers != nil && !slices.Contains(v.tiers, code):
		v.add(path, "unknown_tier", "tier", code)
	case level < lowestAgentTier:
		v.add(path, "self_service_tier", "tier", code)
	default:
		return level
	}
	return 0
}

// order checks that steps go from the lowest tier up, one step per tier,
// so that StepFrom is unambiguous and the editor lists them as they are
// taken. It returns the level to compare the next step with.
func (v *validator) order(path, code string, from, prev int) int {
	switch {
	case from == 0:
		return prev
	case from == prev:
		v.add(path, "duplicate_step", "tier", code)
	case from < prev:
		v.add(path, "steps_out_of_order", "tier", code, "previous", tierCode(prev))
	default:
		return from
	}
	return prev
}

func (v *validator) vendorEmail(path, email, to string) {
	if email == "" {
		return
	}
	if to != tierCode(highestTier) {
		v.add(path, "vendor_email_not_l4")
		return
	}
	at := strings.LastIndexByte(email, '@')
	if at < 1 || at == len(email)-1 || len(email) > maxEmail || strings.ContainsAny(email, " <>\r\n") || !utf8.ValidString(email) {
		v.add(path, "bad_email", "value", email)
	}
}

func (v *validator) items(path string, items []Item) {
	if len(items) > MaxItems {
		v.add(path, "too_many_items", "max", strconv.Itoa(MaxItems))
	}
	seen := map[string]bool{}
	for j, it := range items {
		p := fmt.Sprintf("%s[%d]", path, j)
		if v.key(p+".key", it) {
			if seen[it.Key] {
				v.add(p+".key", "duplicate_key", "key", it.Key)
			}
			seen[it.Key] = true
		}
		v.kind(p, it)
		if strings.TrimSpace(it.LabelFR) == "" && strings.TrimSpace(it.LabelEN) == "" {
			v.add(p+".label_en", "missing_label")
		}
		v.text(p+".label_fr", it.LabelFR, MaxLabel)
		v.text(p+".label_en", it.LabelEN, MaxLabel)
		v.text(p+".help_fr", it.HelpFR, MaxHelp)
		v.text(p+".help_en", it.HelpEN, MaxHelp)
	}
}

// key checks an item key the way workspace keys are checked, and reports
// whether it is well formed.
func (v *validator) key(path string, it Item) bool {
	if it.Key == "" {
		v.add(path, "missing_key")
		return false
	}
	if len(it.Key) > maxKey || strings.ContainsFunc(it.Key, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-')
	}) {
		v.add(path, "bad_key")
		return false
	}
	return true
}

func (v *validator) kind(path string, it Item) {
	switch it.Kind {
	case KindAnswer, KindAttachment:
	case KindCustomField:
		if v.fields != nil && it.Key != "" && !slices.Contains(v.fields, it.Key) {
			v.add(path+".key", "unknown_custom_field", "key", it.Key)
		}
	default:
		v.add(path+".kind", "unknown_kind", "kind", string(it.Kind))
	}
}

// text checks an optional text for encoding and length.
func (v *validator) text(path, s string, max int) {
	switch {
	case !utf8.ValidString(s):
		v.add(path, "bad_utf8")
	case utf8.RuneCountInString(s) > max:
		v.add(path, "too_long", "max", strconv.Itoa(max))
	}
}
