package web

import (
	"strings"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/routing"
)

// sentences words routing rules and reasons for the reader, with the names
// of their workspace.
func sentences(rq *request) routing.Sentences {
	return routing.Sentences{Lang: rq.loc.Lang, Names: dirNames{rq.dir}}
}

// dirNames answers routing.Names from the workspace's directory.
type dirNames struct{ dir desk.Directory }

func (n dirNames) RequestTypeName(key, lang string) string {
	if rt := n.dir.RequestTypeByKey(key); rt.ID != 0 {
		return rt.Name(lang)
	}
	return ""
}

func (n dirNames) CustomFieldLabel(key, lang string) string {
	if cf, ok := n.dir.CustomField(key); ok {
		return cf.Label(lang)
	}
	return ""
}

func (n dirNames) AgentName(id int64) string { return n.dir.Member(id).Name }

// routedReasons words the conditions that placed a ticket, in the
// reader's language. Events written before reasons were kept as data only
// have them in rule notation (a reason with only a path, see event's
// legacy reader), shown as they are.
func routedReasons(rq *request, d event.Routed) string {
	say := sentences(rq)
	parts := make([]string, len(d.Reasons))
	for i, r := range d.Reasons {
		if r.Op == "" {
			parts[i] = r.Path
		} else {
			parts[i] = say.Reason(r)
		}
	}
	return strings.Join(parts, " · ")
}
