package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/problem"
)

// The workspace's attachment limits, on the admin workspace page: size per
// file, files per message and total per message, each within the
// server's (shown beside; empty keeps the server's).

// attachForm is the form as shown or as typed: MiB and a count.
type attachForm struct {
	FileSize, Files, Total    string
	CeilSize, CeilFiles, Ceil string
}

func mib(n int64) string {
	if n <= 0 {
		return ""
	}
	return strconv.FormatInt(n>>20, 10)
}

func (s *server) attachFormFor(ctx context.Context, rq *request) (*attachForm, error) {
	set, err := s.d.AttachmentLimitsSetup(ctx, rq.actor)
	if err != nil {
		return nil, err
	}
	f := &attachForm{FileSize: mib(set.Set.MaxFileBytes), Total: mib(set.Set.MaxTotalBytes),
		CeilSize: attachment.FormatSize(set.Ceiling.MaxFileBytes), CeilFiles: strconv.Itoa(set.Ceiling.MaxFiles),
		Ceil: attachment.FormatSize(set.Ceiling.MaxTotalBytes)}
	if set.Set.MaxFiles > 0 {
		f.Files = strconv.Itoa(set.Set.MaxFiles)
	}
	return f, nil
}

func (s *server) saveAttachLimits(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := r.ParseForm(); err != nil {
		return badParameter("form")
	}
	typed := attachForm{FileSize: strings.TrimSpace(r.PostForm.Get("max_file_size")), Files: strings.TrimSpace(r.PostForm.Get("max_files")),
		Total: strings.TrimSpace(r.PostForm.Get("max_total_size"))}
	f := problem.Fields{}
	number := func(name, v string) int64 {
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || n < 0 {
			f.Add(name, "not_a_number", "must be a whole number")
			return 0
		}
		return n
	}
	lim := attachment.Limits{MaxFileBytes: number("max_file_size", typed.FileSize) << 20, MaxFiles: int(number("max_files", typed.Files)),
		MaxTotalBytes: number("max_total_size", typed.Total) << 20}
	err := f.Err()
	if err == nil {
		err = s.d.SetAttachmentLimits(r.Context(), rq.actor, lim)
	}
	if err == nil {
		http.Redirect(w, r, "/admin/workspace?saved=1#attachment-settings", http.StatusSeeOther)
		return nil
	}
	refused := err
	p := s.adminPage(r, rq, "workspace")
	p.Edit, p.Action = rq.dir.Workspace, "/admin/workspace"
	if p.PortalAgentNames, p.Attach, err = s.workspaceExtras(r.Context(), rq); err != nil {
		return err
	}
	p.Attach.FileSize, p.Attach.Files, p.Attach.Total = typed.FileSize, typed.Files, typed.Total
	return s.refuseAdmin(w, r, rq, p, refused)
}

// workspaceExtras loads the settings shown under the workspace form.
func (s *server) workspaceExtras(ctx context.Context, rq *request) (bool, *attachForm, error) {
	names, err := s.d.PortalShowsAgentNames(ctx, rq.actor)
	if err != nil {
		return false, nil, err
	}
	af, err := s.attachFormFor(ctx, rq)
	return names, af, err
}
